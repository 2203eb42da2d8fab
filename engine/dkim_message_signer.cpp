// DkimMessageSigner (see dkim_message_signer.hpp). The From domain is read from the header section
// only; the body is hashed once per call by protocol::sign_message, whatever the number of keys.
#include "engine/dkim_message_signer.hpp"

#include "protocol/address_text.hpp"
#include "protocol/ascii_blanks.hpp"
#include "protocol/ascii_case.hpp"
#include "protocol/mime_header_fields.hpp"
#include "protocol/smtp_message_data.hpp"

namespace volley::engine {
namespace {

bool is_from_field(std::string_view name) {
  return protocol::ascii_equal_ignoring_case(name, "from");
}

// "Name <a@b.example>, ..." or "a@b.example (comment)": the first address, trimmed.
std::string_view first_address(std::string_view value) {
  std::size_t open = value.find('<');
  if (open != std::string_view::npos) {
    std::size_t close = value.find('>', open);
    value = value.substr(open + 1, close == std::string_view::npos ? close : close - open - 1);
  } else {
    value = value.substr(0, std::min(value.find(','), value.find('(')));
  }
  return protocol::trim_sp_htab(value);
}

} // namespace

std::optional<std::string> from_header_address(std::string_view message) {
  auto section = protocol::mime::split_header_section(message, 0, message.size());
  for (const auto& field : section.fields) {
    if (is_from_field(field.name(message))) {
      std::string value = protocol::mime::unfolded_value(message, field);
      std::string_view address = first_address(value);
      if (address.find('@') == std::string_view::npos)
        return std::nullopt;
      return std::string(address);
    }
  }
  return std::nullopt;
}

std::optional<std::string> from_header_domain(std::string_view message) {
  auto address = from_header_address(message);
  if (!address)
    return std::nullopt;
  std::string_view domain =
      protocol::trim_sp_htab(std::string_view(*address).substr(address->rfind('@') + 1));
  if (domain.empty())
    return std::nullopt;
  return protocol::address_text::ascii_lower(domain);
}

DkimMessageSigner::DkimMessageSigner(const std::vector<policy::DkimDomainConfig>& domains)
    : domains_(domains) {
  for (const policy::DkimDomainConfig& domain : domains_) {
    std::string d = domain.pattern.starts_with('.') ? domain.pattern.substr(1) : domain.pattern;
    std::vector<protocol::DkimSignerConfig> signers;
    for (const policy::DkimSignatureConfig& signature : domain.signatures) {
      protocol::DkimSignerConfig signer{
          .domain = d, .selector = signature.selector, .key = signature.key};
      signer.header_canonicalization = domain.header_canonicalization;
      signer.body_canonicalization = domain.body_canonicalization;
      if (!domain.signed_headers.empty())
        signer.signed_headers = domain.signed_headers;
      if (domain.oversign_set)
        signer.oversigned_headers = domain.oversigned_headers;
      signers.push_back(std::move(signer));
    }
    signers_.push_back(std::move(signers));
  }
}

DkimSignedMessage DkimMessageSigner::sign(std::string_view raw_message,
                                          std::int64_t unix_time) const {
  DkimSignedMessage result{protocol::normalise_line_ends(raw_message), DkimSignOutcome::failed, ""};
  DkimSignatureFields signature = sign_fields(result.message, unix_time);
  result.message.insert(0, signature.fields);
  result.outcome = signature.outcome;
  result.detail = std::move(signature.detail);
  return result;
}

DkimSignatureFields DkimMessageSigner::sign_fields(std::string_view crlf_message,
                                                   std::int64_t unix_time) const {
  DkimSignatureFields result{"", DkimSignOutcome::failed, ""};
  auto domain = from_header_domain(crlf_message);
  if (!domain) {
    result.detail = "the message has no From field with an address";
    return result;
  }
  const policy::DkimDomainConfig* entry = policy::find_dkim_domain(domains_, *domain);
  if (!entry) {
    result.outcome = DkimSignOutcome::no_config;
    result.detail = *domain;
    return result;
  }
  const auto& signers = signers_[static_cast<std::size_t>(entry - domains_.data())];
  auto fields = protocol::dkim_signature_fields(signers, crlf_message, unix_time);
  if (!fields) {
    result.detail = fields.error().message;
    return result;
  }
  result.fields = std::move(*fields);
  result.outcome = DkimSignOutcome::signed_message;
  result.detail = signers.front().domain;
  return result;
}

} // namespace volley::engine
