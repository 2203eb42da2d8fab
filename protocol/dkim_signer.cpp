// sign_headers / sign_message / validate_dkim_signer_config (see dkim_signer.hpp).
// Must never: change the signed prefix of the DKIM-Signature field after hashing it (only the b=
// value is appended), or read header fields outside the caller's header section.
#include "protocol/dkim_signer.hpp"

#include "protocol/ascii_case.hpp"

#include <algorithm>

#include "protocol/base64_lines.hpp"
#include "protocol/mime_header_fields.hpp"

namespace volley::protocol {
namespace {

constexpr std::size_t kLineWidth = 78;
constexpr std::string_view kFieldName = "DKIM-Signature: ";

// Appends pieces to a header field, starting a continuation line (CRLF SP) when a piece would pass
// kLineWidth. Folding happens only where the DKIM grammar allows FWS.
class FoldedField {
public:
  explicit FoldedField(std::string& out) : out_(out), column_(kFieldName.size()) {
    out_.append(kFieldName);
  }
  // A tag (or part of one); `separated`: preceded by a space when it stays on the line.
  void add(std::string_view piece, bool separated) {
    const std::size_t needed = piece.size() + (separated ? 1 : 0);
    if (column_ + needed > kLineWidth && column_ > 1) {
      out_.append("\r\n ");
      column_ = 1;
    } else if (separated) {
      out_ += ' ';
      ++column_;
    }
    out_.append(piece);
    column_ += piece.size();
  }
  // Base64 text after "b=": fills lines up to kLineWidth.
  void add_wrapped(std::string_view text) {
    while (!text.empty()) {
      if (column_ >= kLineWidth) {
        out_.append("\r\n ");
        column_ = 1;
      }
      const std::size_t take = std::min(text.size(), kLineWidth - column_);
      out_.append(text.substr(0, take));
      column_ += take;
      text.remove_prefix(take);
    }
  }

private:
  std::string& out_;
  std::size_t column_;
};

bool is_domain_text(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_';
  });
}

bool is_field_name(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(),
                                      [](char c) { return c > 32 && c < 127 && c != ':'; });
}

bool listed(const std::vector<std::string>& names, std::string_view name) {
  return std::any_of(names.begin(), names.end(),
                     [&](const std::string& n) { return ascii_equal_ignoring_case(n, name); });
}

// The h= names in order, each as often as it is signed: signed_headers, then oversigned names not
// among them; a name occurring n times is listed n times, or n + 1 times when oversigned.
std::vector<std::string_view> header_list(const DkimSignerConfig& config, std::string_view text,
                                          const mime::HeaderSection& section) {
  std::vector<std::string_view> distinct;
  for (const auto* names : {&config.signed_headers, &config.oversigned_headers})
    for (const std::string& name : *names)
      if (std::none_of(distinct.begin(), distinct.end(),
                       [&](std::string_view d) { return ascii_equal_ignoring_case(d, name); }))
        distinct.push_back(name);
  std::vector<std::string_view> list;
  for (const std::string_view name : distinct) {
    std::size_t count = static_cast<std::size_t>(
        std::count_if(section.fields.begin(), section.fields.end(), [&](const auto& field) {
          return ascii_equal_ignoring_case(field.name(text), name);
        }));
    if (listed(config.oversigned_headers, name))
      ++count;
    list.insert(list.end(), count, name);
  }
  return list;
}

// Canonical header data for the h= list: the k-th listing of a name takes the k-th instance from
// the bottom; listings beyond the instances present contribute nothing (RFC 6376 §5.4.2).
void append_signed_fields(const DkimSignerConfig& config, std::string_view text,
                          const mime::HeaderSection& section,
                          const std::vector<std::string_view>& list, std::string& out) {
  std::vector<std::size_t> used(list.size(), 0); // per distinct name: instances taken so far
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::size_t first =
        static_cast<std::size_t>(std::find(list.begin(), list.end(), list[i]) - list.begin());
    std::size_t skip = used[first]++;
    for (auto field = section.fields.rbegin(); field != section.fields.rend(); ++field) {
      if (!ascii_equal_ignoring_case(field->name(text), list[i]) || skip-- > 0)
        continue;
      append_canonical_header(config.header_canonicalization,
                              text.substr(field->begin, field->value_end - field->begin), out);
      break;
    }
  }
}

// "DKIM-Signature: v=1; ... bh=...; b=" (the part that is hashed with an empty b= value).
void append_signature_prefix(const DkimSignerConfig& config,
                             const std::vector<std::string_view>& list,
                             const DkimBodyHash& body_hash, std::int64_t unix_time,
                             FoldedField& field) {
  field.add("v=1;", false);
  field.add("a=" + std::string(dkim_algorithm_name(config.key->algorithm())) + ";", true);
  field.add("c=" + std::string(dkim_canonicalization_name(config.header_canonicalization)) + "/" +
                std::string(dkim_canonicalization_name(config.body_canonicalization)) + ";",
            true);
  field.add("d=" + config.domain + ";", true);
  field.add("s=" + config.selector + ";", true);
  if (config.timestamp)
    field.add("t=" + std::to_string(unix_time) + ";", true);
  if (config.expiry_seconds > 0)
    field.add("x=" + std::to_string(unix_time + config.expiry_seconds) + ";", true);
  for (std::size_t i = 0; i < list.size(); ++i) {
    std::string piece = (i == 0 ? "h=" : "") + std::string(list[i]);
    piece += i + 1 < list.size() ? ":" : ";";
    field.add(piece, i == 0);
  }
  field.add("bh=" + body_hash.base64 + ";", true);
  field.add("b=", true);
}

} // namespace

std::vector<std::string> default_dkim_signed_headers() {
  return {"from",
          "to",
          "subject",
          "date",
          "message-id",
          "mime-version",
          "content-type",
          "content-transfer-encoding",
          "list-unsubscribe",
          "list-unsubscribe-post",
          "reply-to",
          "cc",
          "in-reply-to",
          "references",
          "feedback-id"};
}

std::vector<std::string> default_dkim_oversigned_headers() {
  return {"from", "subject", "list-unsubscribe"};
}

Result<Unit> validate_dkim_signer_config(const DkimSignerConfig& config) {
  if (!is_domain_text(config.domain) || !is_domain_text(config.selector))
    return make_error(error_code::invalid_request,
                      "DKIM: domain \"" + config.domain + "\" / selector \"" + config.selector +
                          "\" must be non-empty and made of letters, digits, '-', '.', '_'");
  for (const auto* names : {&config.signed_headers, &config.oversigned_headers})
    for (const std::string& name : *names)
      if (!is_field_name(name))
        return make_error(error_code::invalid_request,
                          "DKIM: signed header name \"" + name +
                              "\" is not a field name (printable ASCII, no ':' or space)");
  if (!listed(config.signed_headers, "from") && !listed(config.oversigned_headers, "from"))
    return make_error(error_code::invalid_request,
                      "DKIM: the signed header list must include \"from\" (RFC 6376 §5.4)");
  if (!config.key)
    return make_error(error_code::invalid_request,
                      "DKIM: no private key loaded for domain " + config.domain);
  return Unit{};
}

Result<std::string> sign_headers(const DkimSignerConfig& config, std::string_view header_block,
                                 const DkimBodyHash& body_hash, std::int64_t unix_time) {
  if (Result<Unit> valid = validate_dkim_signer_config(config); !valid.ok())
    return valid.error();
  if (body_hash.canonicalization != config.body_canonicalization)
    return make_error(error_code::internal,
                      "DKIM: body hash computed with the wrong body canonicalization");
  const mime::HeaderSection section =
      mime::split_header_section(header_block, 0, header_block.size());
  if (std::none_of(section.fields.begin(), section.fields.end(), [&](const auto& field) {
        return ascii_equal_ignoring_case(field.name(header_block), "from");
      }))
    return make_error(error_code::invalid_request,
                      "DKIM: the message has no From: header field; it cannot be signed");
  const std::vector<std::string_view> list = header_list(config, header_block, section);
  std::string signed_data;
  signed_data.reserve(section.body_begin + 512); // the header fields only, not the body
  append_signed_fields(config, header_block, section, list, signed_data);
  std::string header;
  header.reserve(800);
  FoldedField field(header);
  append_signature_prefix(config, list, body_hash, unix_time, field);
  append_canonical_header(config.header_canonicalization, header, signed_data);
  signed_data.resize(signed_data.size() - 2); // the DKIM-Signature field is hashed without CRLF
  Result<std::string> signature = config.key->sign(signed_data);
  if (!signature.ok())
    return signature.error();
  std::string b64;
  base64::encode(signature.value(), b64);
  field.add_wrapped(b64);
  header.append("\r\n");
  return header;
}

Result<std::string> dkim_signature_fields(std::span<const DkimSignerConfig> configs,
                                          std::string_view message, std::int64_t unix_time) {
  const mime::HeaderSection section = mime::split_header_section(message, 0, message.size());
  const std::string_view body = message.substr(section.body_begin);
  std::vector<DkimBodyHash> hashes; // one per body canonicalisation in use
  std::string signatures;
  for (const DkimSignerConfig& config : configs) {
    auto hash = std::find_if(hashes.begin(), hashes.end(), [&](const DkimBodyHash& h) {
      return h.canonicalization == config.body_canonicalization;
    });
    if (hash == hashes.end())
      hash = hashes.insert(hashes.end(), compute_body_hash(body, config.body_canonicalization));
    Result<std::string> signature = sign_headers(config, message, *hash, unix_time);
    if (!signature.ok())
      return signature.error();
    signatures += signature.value();
  }
  return signatures;
}

Result<std::string> sign_message(std::span<const DkimSignerConfig> configs,
                                 std::string_view message, std::int64_t unix_time) {
  Result<std::string> fields = dkim_signature_fields(configs, message, unix_time);
  if (!fields.ok())
    return fields.error();
  std::string signed_message;
  signed_message.reserve(fields.value().size() + message.size());
  signed_message.append(fields.value()).append(message);
  return signed_message;
}

} // namespace volley::protocol
