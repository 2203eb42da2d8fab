// DkimMessageSigner: signs an outgoing message with the [dkim] entry of its RFC 5322.From domain
// (one signature per configured key: dual RSA + Ed25519 signing). Built once at start-up from keys
// already loaded and checked by policy/; immutable afterwards, so any thread may use it. Returns
// the message CRLF-normalised (not dot-stuffed) with the DKIM-Signature fields prepended.
// Must never bounce or drop a message: without a matching entry, or when signing fails (no From
// field), the message is returned unsigned and the outcome says why.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "policy/dkim_config.hpp"
#include "protocol/dkim_signer.hpp"

namespace volley::engine {

enum class DkimSignOutcome { signed_message, no_config, failed };

// What sign_fields returns: the fields to put in front of the message.
struct DkimSignatureFields {
  std::string fields; // the DKIM-Signature fields, each ending in CRLF; empty unless signed
  DkimSignOutcome outcome = DkimSignOutcome::no_config;
  std::string detail; // as in DkimSignedMessage
};

struct DkimSignedMessage {
  std::string message; // CRLF-normalised, signatures (if any) first
  DkimSignOutcome outcome = DkimSignOutcome::no_config;
  std::string detail; // the From domain (no_config), d= (signed), the error (failed)
};

class DkimMessageSigner {
public:
  explicit DkimMessageSigner(const std::vector<policy::DkimDomainConfig>& domains);

  bool empty() const { return domains_.empty(); }
  // True when a [dkim] entry matches the lower-case From domain.
  bool signs(std::string_view domain) const {
    return policy::find_dkim_domain(domains_, domain) != nullptr;
  }
  // unix_time becomes t= of every signature.
  DkimSignedMessage sign(std::string_view raw_message, std::int64_t unix_time) const;
  // The same without copying the message: crlf_message must already be CRLF-normalised
  // (protocol::has_crlf_line_ends); the signed message is fields + crlf_message.
  DkimSignatureFields sign_fields(std::string_view crlf_message, std::int64_t unix_time) const;

private:
  std::vector<policy::DkimDomainConfig> domains_;
  std::vector<std::vector<protocol::DkimSignerConfig>> signers_; // parallel to domains_
};

// The first address in the message's From field ("a@b.example" from "Name <a@b.example>"), as
// written; nullopt without one.
std::optional<std::string> from_header_address(std::string_view message);
// The lower-cased domain of the first address in the message's From field; nullopt without one.
std::optional<std::string> from_header_domain(std::string_view message);

} // namespace volley::engine
