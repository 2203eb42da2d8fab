// libFuzzer target for the control API decoders: decode_campaign_create, decode_message_request,
// decode_suppression_request, the NDJSON path (splitter + decode_recipient_line) and the duration /
// RFC 3339 parsers, with invariants on every result. Never does I/O.
#include <boost/json/parse.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "protocol/api_requests.hpp"
#include "protocol/ndjson_line_splitter.hpp"
#include "protocol/recipient_decoder.hpp"
#include "protocol/recipient_line_handler.hpp"
#include "protocol/utf8.hpp"

namespace {

using namespace volley;
using namespace volley::protocol;

void require(bool condition) {
  if (!condition)
    std::abort();
}

DecodeLimits small_limits() {
  DecodeLimits limits;
  limits.max_message_bytes = 2048;
  limits.max_vars_bytes = 256;
  limits.max_recipient_id_bytes = 16;
  limits.max_inline_recipients = 32;
  limits.max_tags = 4;
  limits.max_tag_bytes = 16;
  return limits;
}

void check_error(const Error& error) {
  require(!error.code.empty() && !error.message.empty());
  require(error.message.size() < 2048);
  require(utf8::find_invalid(error.message) == std::string::npos);
}

void check_vars_json(const std::string& vars_json, const DecodeLimits& limits) {
  require(vars_json.size() <= limits.max_vars_bytes);
  if (vars_json.empty())
    return;
  boost::json::error_code ec;
  const boost::json::value vars = boost::json::parse(vars_json, ec);
  require(!ec && vars.is_object() && !vars.get_object().empty());
  for (const auto& member : vars.get_object())
    require(member.value().is_string());
}

void check_recipient(const RecipientInput& recipient, const DecodeLimits& limits) {
  const Result<Mailbox> again = parse_mailbox(recipient.to);
  require(again.ok() && again->canonical() == recipient.mailbox.canonical());
  require(recipient.crm_id.size() <= limits.max_recipient_id_bytes);
  check_vars_json(recipient.vars_json, limits);
}

void check_tags(const Tags& tags, const DecodeLimits& limits) {
  require(tags.size() <= limits.max_tags);
  for (const auto& [key, value] : tags) {
    require(!key.empty() && key.size() <= limits.max_tag_bytes);
    require(value.size() <= limits.max_tag_bytes);
  }
}

void fuzz_campaign(std::string_view input, const DecodeLimits& limits) {
  const Result<CampaignCreateRequest> decoded = decode_campaign_create(input, limits);
  if (!decoded.ok())
    return check_error(decoded.error());
  require(decoded->id.empty() || is_valid_campaign_id(decoded->id));
  require(!decoded->message.empty() && decoded->message.size() <= limits.max_message_bytes);
  require(decoded->recipients.size() + decoded->rejected.size() <= limits.max_inline_recipients);
  for (const RecipientInput& recipient : decoded->recipients)
    check_recipient(recipient, limits);
  for (const RecipientRejection& rejection : decoded->rejected) {
    require(rejection.index < limits.max_inline_recipients && !rejection.error.empty());
    require(rejection.to.size() <= 320);
  }
  check_tags(decoded->tags, limits);
  require(decoded->expires_after_s >= 0);
}

void fuzz_message(std::string_view input, const DecodeLimits& limits) {
  const Result<MessageRequest> decoded = decode_message_request(input, limits);
  if (!decoded.ok())
    return check_error(decoded.error());
  require(!decoded->to.empty() && decoded->to.size() <= limits.max_inline_recipients);
  for (const RecipientInput& recipient : decoded->to)
    check_recipient(recipient, limits);
  check_tags(decoded->tags, limits);
}

// Differential check: whatever the SAX fast path accepts, the DOM decoder accepts identically.
void check_fast_path_agrees(std::string_view line, const DecodeLimits& limits) {
  RecipientInput fast;
  if (!decode_recipient_line_fast(line, limits, fast))
    return;
  boost::json::error_code ec;
  const boost::json::value value = boost::json::parse(line, ec);
  require(!ec && value.is_object());
  const Result<RecipientInput> dom =
      decode_recipient_object(value.get_object(), limits, RecipientLocation{}, nullptr);
  require(dom.ok());
  require(dom->to == fast.to && dom->vars_json == fast.vars_json && dom->crm_id == fast.crm_id);
  require(dom->mailbox.local_part == fast.mailbox.local_part);
  require(dom->mailbox.domain == fast.mailbox.domain);
}

void fuzz_ndjson(std::string_view input, const DecodeLimits& limits) {
  check_fast_path_agrees(input, limits);
  NdjsonLineSplitter splitter(512);
  std::string to_on_error;
  auto on_line = [&](std::uint64_t, std::string_view line, bool too_long) {
    require(line.size() <= 512);
    if (too_long)
      return;
    check_fast_path_agrees(line, limits);
    const Result<RecipientInput> decoded = decode_recipient_line(line, limits, &to_on_error);
    if (decoded.ok())
      return check_recipient(decoded.value(), limits);
    check_error(decoded.error());
    require(to_on_error.size() <= 320);
  };
  const std::size_t half = input.size() / 2; // two chunks, so lines also cross a boundary
  splitter.feed(input.substr(0, half), on_line);
  splitter.feed(input.substr(half), on_line);
  splitter.finish(on_line);
}

void fuzz_scalars(std::string_view input) {
  const Result<std::int64_t> seconds = parse_duration_seconds(input);
  if (seconds.ok())
    require(seconds.value() >= 0);
  else
    check_error(seconds.error());
  const Result<std::int64_t> ms = parse_rfc3339_ms(input);
  if (!ms.ok())
    check_error(ms.error());
  const Result<SuppressionRequest> suppression = decode_suppression_request(input);
  if (suppression.ok())
    require(suppression->reason.size() <= 1024);
  else
    check_error(suppression.error());
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const DecodeLimits limits = small_limits();
  fuzz_campaign(input, limits);
  fuzz_message(input, limits);
  fuzz_ndjson(input, limits);
  fuzz_scalars(input);
  return 0;
}
