// The [dkim] part of volleyd's configuration: per sending domain (the RFC 5322.From domain), one or
// two DKIM signatures (dual RSA + Ed25519 signing), canonicalisation and the signed header list.
// Keys are parsed once at start-up (dkim_key_file.hpp) and shared, read-only, by every signing
// thread. Plain values; must never do I/O and never hold private key text.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/dkim_canonical.hpp"
#include "protocol/dkim_key.hpp"

namespace volley::policy {

struct DkimSignatureConfig {
  std::string selector;
  std::string key_file;                         // resolved against the config file's directory
  std::shared_ptr<const protocol::DkimKey> key; // the algorithm comes from the key
  bool operator==(const DkimSignatureConfig&) const = default;
};

// One [dkim."example.org"] table. pattern: "example.org" (exactly this domain) or ".example.org"
// (any subdomain and example.org itself), lower-case.
struct DkimDomainConfig {
  std::string pattern;
  std::vector<DkimSignatureConfig> signatures; // one or two
  protocol::DkimCanonicalization header_canonicalization = protocol::DkimCanonicalization::relaxed;
  protocol::DkimCanonicalization body_canonicalization = protocol::DkimCanonicalization::relaxed;
  std::vector<std::string> signed_headers;     // empty = the signer's default list
  std::vector<std::string> oversigned_headers; // used when oversign_set; else the signer default
  bool oversign_set = false;
  bool operator==(const DkimDomainConfig&) const = default;
};

// The entry that signs mail from `domain` (lower-case): an exact pattern first, then the longest
// ".suffix" pattern. nullptr when none does (→ the message is sent unsigned).
const DkimDomainConfig* find_dkim_domain(const std::vector<DkimDomainConfig>& domains,
                                         std::string_view domain);

} // namespace volley::policy
