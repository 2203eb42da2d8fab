// bounce_report_json_lines (see bounce_report_json.hpp).
// Must never: write invalid UTF-8, or a line that is not one complete JSON object.
#include "protocol/bounce_report_json.hpp"

#include "protocol/json_text.hpp"
#include "protocol/utf8.hpp"

namespace volley::protocol {
namespace {

constexpr std::size_t kMaxDiagnostic = 1000;

void append_string(std::string& out, std::string_view text) {
  std::string valid;
  valid.reserve(text.size());
  for (std::size_t pos = 0; pos < text.size();) {
    const utf8::DecodedChar decoded = utf8::decode_at(text, pos);
    if (decoded.length == 0) {
      valid += "\xEF\xBF\xBD";
      ++pos;
    } else {
      valid.append(text, pos, decoded.length);
      pos += decoded.length;
    }
  }
  json_text::append_quoted(out, valid);
}

void append_member(std::string& out, std::string_view name, std::string_view value) {
  out += out.back() == '{' ? "" : ",";
  append_string(out, name);
  out += ':';
  append_string(out, value);
}

void append_common(std::string& out, std::string_view file, const BounceReport& report) {
  append_member(out, "type", to_string(report.type));
  out += ",\"verp_candidates\":[";
  for (std::size_t i = 0; i < report.verp_candidates.size(); ++i) {
    out += i == 0 ? "" : ",";
    append_string(out, report.verp_candidates[i]);
  }
  out += ']';
  if (!report.feedback_type.empty())
    append_member(out, "feedback_type", report.feedback_type);
  if (!report.original_message_id.empty())
    append_member(out, "original_message_id", report.original_message_id);
}

} // namespace

std::string bounce_report_json_lines(std::string_view file, const BounceReport& report) {
  std::string out;
  for (const BouncedRecipient& r : report.recipients) {
    out += '{';
    append_member(out, "file", file);
    append_member(out, "recipient", r.recipient);
    append_member(out, "status", r.status);
    out += ",\"smtp_code\":" + std::to_string(r.smtp_code);
    append_member(out, "reason", r.reason);
    out += r.kind == "hard" || r.kind == "soft"
               ? std::string(",\"hard\":") + (r.hard ? "true" : "false")
               : std::string(",\"hard\":null");
    append_member(out, "kind", r.kind);
    append_member(out, "diagnostic", utf8::truncate(r.diagnostic, kMaxDiagnostic));
    append_member(out, "remote_mta", r.remote_mta);
    out += std::string(",\"status_implied\":") + (r.status_implied ? "true" : "false");
    if (!report.reporting_mta.empty())
      append_member(out, "reporting_mta", report.reporting_mta);
    append_common(out, file, report);
    out += "}\n";
  }
  if (report.recipients.empty()) {
    out += '{';
    append_member(out, "file", file);
    append_member(out, "kind", "none");
    append_common(out, file, report);
    out += "}\n";
  }
  return out;
}

} // namespace volley::protocol
