// Parsing of volley-sink --fault specs (see header). Pure; never accepts a part it cannot read.
#include "tools/volley_sink_fault.hpp"

#include <array>
#include <charconv>
#include <cstdlib>

namespace volley::tools {
namespace {

constexpr std::array<const char*, kSinkStageCount> kStageNames{"connect", "ehlo", "mail",
                                                               "rcpt",    "data", "dot"};

Error fault_error(std::string_view spec, const std::string& what) {
  return make_error(error_code::invalid_request,
                    "--fault " + std::string(spec) + ": " + what +
                        "; expected STAGE:ACTION[:SELECTOR] with STAGE connect|ehlo|mail|rcpt|"
                        "data|dot, ACTION 421|451|452|550|552|554 (any 4xx/5xx)|drop|garbage|"
                        "slow=MS, SELECTOR p=0.1|first=N|rcpt~TEXT");
}

template <class Number> bool read_number(std::string_view text, Number& value) {
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  return !text.empty() && error == std::errc() && end == text.data() + text.size();
}

bool read_probability(std::string_view text, double& value) {
  const std::string copy(text);
  char* end = nullptr;
  value = std::strtod(copy.c_str(), &end);
  return !copy.empty() && end == copy.c_str() + copy.size() && value >= 0.0 && value <= 1.0;
}

Result<Unit> read_action(std::string_view spec, std::string_view text, VolleySinkFault& fault) {
  if (text == "drop") {
    fault.action = VolleySinkFault::Action::drop;
  } else if (text == "garbage") {
    fault.action = VolleySinkFault::Action::garbage;
  } else if (text.starts_with("slow=")) {
    fault.action = VolleySinkFault::Action::slow;
    if (!read_number(text.substr(5), fault.delay_ms) || fault.delay_ms > 3600000)
      return fault_error(spec, "slow= needs milliseconds 0..3600000, not '" +
                                   std::string(text.substr(5)) + "'");
  } else if (read_number(text, fault.code) && fault.code >= 400 && fault.code <= 599) {
    fault.action = VolleySinkFault::Action::reply;
  } else {
    return fault_error(spec, "unknown action '" + std::string(text) + "'");
  }
  return Unit{};
}

Result<Unit> read_selector(std::string_view spec, std::string_view text, VolleySinkFault& fault) {
  if (text.starts_with("p=")) {
    fault.selector = VolleySinkFault::Selector::probability;
    if (!read_probability(text.substr(2), fault.probability))
      return fault_error(spec,
                         "p= needs a probability 0..1, not '" + std::string(text.substr(2)) + "'");
  } else if (text.starts_with("first=")) {
    fault.selector = VolleySinkFault::Selector::first;
    if (!read_number(text.substr(6), fault.first))
      return fault_error(spec, "first= needs a count, not '" + std::string(text.substr(6)) + "'");
  } else if (text.starts_with("rcpt~") && text.size() > 5) {
    fault.selector = VolleySinkFault::Selector::rcpt_contains;
    fault.rcpt_text = std::string(text.substr(5));
  } else {
    return fault_error(spec, "unknown selector '" + std::string(text) + "'");
  }
  return Unit{};
}

} // namespace

const char* to_string(SinkStage stage) {
  return kStageNames[static_cast<std::size_t>(stage)];
}

std::string VolleySinkFault::kind() const {
  std::string text = std::string(to_string(stage)) + ":";
  switch (action) {
  case Action::reply:
    return text + std::to_string(code);
  case Action::drop:
    return text + "drop";
  case Action::garbage:
    return text + "garbage";
  case Action::slow:
    return text + "slow";
  }
  return text;
}

Result<VolleySinkFault> parse_volley_sink_fault(std::string_view spec) {
  VolleySinkFault fault;
  fault.spec = std::string(spec);
  const std::size_t first_colon = spec.find(':');
  if (first_colon == std::string_view::npos)
    return fault_error(spec, "missing ':' after the stage");
  const std::string_view stage = spec.substr(0, first_colon);
  bool known_stage = false;
  for (std::size_t i = 0; i < kStageNames.size(); ++i) {
    if (stage == kStageNames[i]) {
      fault.stage = static_cast<SinkStage>(i);
      known_stage = true;
    }
  }
  if (!known_stage)
    return fault_error(spec, "unknown stage '" + std::string(stage) + "'");
  const std::string_view rest = spec.substr(first_colon + 1);
  const std::size_t second_colon = rest.find(':');
  if (Result<Unit> action = read_action(spec, rest.substr(0, second_colon), fault); !action)
    return action.error();
  if (second_colon != std::string_view::npos) {
    if (Result<Unit> selector = read_selector(spec, rest.substr(second_colon + 1), fault);
        !selector)
      return selector.error();
  }
  return fault;
}

} // namespace volley::tools
