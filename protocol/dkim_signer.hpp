// DKIM signing (RFC 6376 §5, RFC 8463): builds the "DKIM-Signature:" header field for a message
// from its header section and a body hash computed separately, so a bulk sender hashes a shared
// body once per campaign and pays only the header hash + one private-key operation per recipient.
// Pure: no files, no clock (the caller passes the time). Never signs without a From field, never
// emits a header line over 78 characters except for an over-long configured header name.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/dkim_canonical.hpp"
#include "protocol/dkim_key.hpp"
#include "protocol/result.hpp"

namespace volley::protocol {

// from, to, subject, date, message-id, mime-version, content-type, content-transfer-encoding,
// list-unsubscribe, list-unsubscribe-post, reply-to, cc, in-reply-to, references, feedback-id.
std::vector<std::string> default_dkim_signed_headers();
// from, subject, list-unsubscribe: listed once more than they occur, so none can be added later.
std::vector<std::string> default_dkim_oversigned_headers();

struct DkimSignerConfig {
  std::string domain;                 // d=
  std::string selector;               // s=
  std::shared_ptr<const DkimKey> key; // parsed once at start-up, shared by all threads
  DkimCanonicalization header_canonicalization = DkimCanonicalization::relaxed;
  DkimCanonicalization body_canonicalization = DkimCanonicalization::relaxed;
  std::vector<std::string> signed_headers = default_dkim_signed_headers();
  std::vector<std::string> oversigned_headers = default_dkim_oversigned_headers(); // implies signed
  bool timestamp = true;                                                           // t=<unix_time>
  std::int64_t expiry_seconds = 0; // > 0: x=<unix_time + expiry_seconds>
};

// Checks the configuration once (at load time): domain and selector made of letters, digits, '-',
// '.', '_'; header names printable without ':'; "from" signed; a key present. invalid_request.
Result<Unit> validate_dkim_signer_config(const DkimSignerConfig& config);

// The complete "DKIM-Signature: ..." field, folded, ending in CRLF, to put before the message.
// header_block: the message's header section (anything after the empty line ending it is
// ignored), CRLF-normalised, not dot-stuffed. body_hash must use config.body_canonicalization.
// Header fields listed n times are taken from the bottom up (RFC 6376 §5.4.2).
Result<std::string> sign_headers(const DkimSignerConfig& config, std::string_view header_block,
                                 const DkimBodyHash& body_hash, std::int64_t unix_time);

// The DKIM-Signature fields for one CRLF-normalised message, one per config in order (two configs =
// dual RSA + Ed25519 signing), each ending in CRLF; the body is hashed once per distinct body
// canonicalisation. Prepending them to the message gives sign_message's result.
Result<std::string> dkim_signature_fields(std::span<const DkimSignerConfig> configs,
                                          std::string_view message, std::int64_t unix_time);

// Convenience for one message: the message with dkim_signature_fields prepended.
Result<std::string> sign_message(std::span<const DkimSignerConfig> configs,
                                 std::string_view message, std::int64_t unix_time);

} // namespace volley::protocol
