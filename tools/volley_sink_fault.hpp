// One fault-injection rule of volley-sink, parsed from `--fault STAGE:ACTION[:SELECTOR]`:
// STAGE connect|ehlo|mail|rcpt|data|dot, ACTION a 4xx/5xx code|drop|garbage|slow=MS, SELECTOR
// p=0.1|first=N|rcpt~TEXT (default: always). Pure text -> value; never guesses a malformed spec.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "protocol/result.hpp"

namespace volley::tools {

enum class SinkStage : std::uint8_t { connect, ehlo, mail, rcpt, data, dot };
inline constexpr std::size_t kSinkStageCount = 6;
const char* to_string(SinkStage stage);

struct VolleySinkFault {
  enum class Action : std::uint8_t { reply, drop, garbage, slow };
  enum class Selector : std::uint8_t { always, probability, first, rcpt_contains };

  SinkStage stage = SinkStage::connect;
  Action action = Action::reply;
  int code = 0;               // Action::reply: 400..599
  std::uint32_t delay_ms = 0; // Action::slow
  Selector selector = Selector::always;
  double probability = 1.0; // Selector::probability, 0..1
  std::uint64_t first = 0;  // Selector::first
  std::string rcpt_text;    // Selector::rcpt_contains (ASCII case-insensitive)
  std::string spec;         // the text given on the command line

  // "rcpt:550", "dot:drop", "connect:slow": how the stats file names this kind of fault.
  std::string kind() const;
};

// Errors name the spec, the bad part and what is expected.
Result<VolleySinkFault> parse_volley_sink_fault(std::string_view spec);

} // namespace volley::tools
