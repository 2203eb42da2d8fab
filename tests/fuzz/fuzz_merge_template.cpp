// libFuzzer target for compile_merge_template and MergeTemplate::render: no crash, no UB, errors
// carry invalid_request; a message where no "{{" can hide (raw, QP-escaped or in base64) is static
// and every static template renders to itself; values (taken from the input after a "\0\0"
// separator) never crash rendering, and a missing value is always an error. Never does I/O.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/merge_template.hpp"
#include "protocol/merge_template_vars.hpp"

namespace {

using volley::protocol::MergeTemplate;
using volley::protocol::MergeVars;

void require(bool condition) {
  if (!condition)
    std::abort();
}

// Values separated by '\0'; at least one (possibly empty) value.
std::vector<std::string_view> split_values(std::string_view text) {
  std::vector<std::string_view> values;
  std::size_t pos = 0;
  for (std::size_t zero; (zero = text.find('\0', pos)) != std::string_view::npos; pos = zero + 1)
    values.push_back(text.substr(pos, zero - pos));
  values.push_back(text.substr(pos));
  return values;
}

// True when no placeholder can hide in message: no '{' (a QP soft break may split "{{"), no
// QP-escaped brace, no base64 part.
bool cannot_hold_placeholders(std::string_view message) {
  std::string lower(message);
  for (char& c : lower)
    if (c >= 'A' && c <= 'Z')
      c = static_cast<char>(c - 'A' + 'a');
  return lower.find('{') == std::string::npos && lower.find("=7b") == std::string::npos &&
         lower.find("base64") == std::string::npos;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t separator = input.find(std::string_view("\0\0", 2));
  const std::string_view message = input.substr(0, separator);
  const std::vector<std::string_view> values =
      split_values(separator == std::string_view::npos ? "v" : input.substr(separator + 2));

  const volley::Result<MergeTemplate> tmpl = volley::protocol::compile_merge_template(message);
  if (!tmpl.ok()) {
    require(tmpl.error().code == volley::error_code::invalid_request);
    require(!cannot_hold_placeholders(message));
    return 0;
  }
  require(tmpl->message() == message);
  if (cannot_hold_placeholders(message))
    require(tmpl->is_static());

  MergeVars vars;
  for (std::size_t i = 0; i < tmpl->fields().size(); ++i)
    vars.set(tmpl->fields()[i], values[i % values.size()]);
  require(!tmpl->first_missing(vars).has_value());
  std::string out = "x";
  const volley::Result<volley::Unit> rendered = tmpl->render(vars, out);
  if (!rendered.ok()) {
    require(rendered.error().code == volley::error_code::invalid_request);
    require(out == "x");
  } else if (tmpl->is_static()) {
    require(std::string_view(out).substr(1) == message);
  }
  if (!tmpl->fields().empty()) {
    std::string missing;
    require(!tmpl->render(MergeVars{}, missing).ok() && missing.empty());
  }
  return 0;
}
