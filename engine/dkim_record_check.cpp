// check_dkim_records (see dkim_record_check.hpp). A signature passes when some TXT record at its
// name parses as a DKIM key record with the same key type and base64 public key as the configured
// key. Must never treat a lookup failure as "missing" (it says the lookup failed).
#include "engine/dkim_record_check.hpp"

#include <ares.h>

#include "protocol/dkim_key_record.hpp"

namespace volley::engine {
namespace {

std::string key_description(const policy::DkimSignatureConfig& signature) {
  const protocol::DkimKey& key = *signature.key;
  std::string text =
      signature.key_file + " (" + std::string(protocol::dkim_algorithm_name(key.algorithm()));
  if (key.algorithm() == protocol::DkimAlgorithm::rsa_sha256)
    text += ", " + std::to_string(key.bits()) + " bits";
  return text + ")";
}

PreflightItem compare(const std::string& name, const policy::DkimSignatureConfig& signature,
                      const std::vector<std::string>& records) {
  const std::string expected_text = signature.key->dns_txt_record();
  auto expected = protocol::parse_dkim_key_record(expected_text);
  const std::string publish = "; publish \"" + expected_text + "\" at " + name;
  std::string problem;
  for (const std::string& text : records) {
    auto found = protocol::parse_dkim_key_record(text);
    if (!found) {
      problem = problem.empty()
                    ? "the TXT record at " + name + " is wrong: " + found.error().message
                    : problem;
      continue;
    }
    if (expected && found->key_type == expected->key_type &&
        found->public_key == expected->public_key)
      return {"dkim", PreflightStatus::pass,
              name + " publishes the public key of " + key_description(signature)};
    if (found->public_key.empty())
      problem = name + " publishes a revoked key (empty p=)";
    else if (expected && found->key_type != expected->key_type)
      problem = name + " publishes a k=" + found->key_type + " key but " +
                key_description(signature) + " needs k=" + expected->key_type;
    else
      problem = name + " publishes a different public key than " + key_description(signature);
  }
  return {"dkim", PreflightStatus::fail, problem + publish};
}

PreflightItem check_signature(BlockingDnsClient& dns, const std::string& signing_domain,
                              const policy::DkimSignatureConfig& signature) {
  const std::string name = signature.selector + "._domainkey." + signing_domain;
  TxtAnswer answer = dns.txt(name);
  if (answer.status == ARES_ENOTFOUND || answer.status == ARES_ENODATA)
    return {"dkim", PreflightStatus::fail,
            "no DKIM key record at " + name + " (" +
                describe_dns_status(answer.status, answer.timeouts) + "); publish \"" +
                signature.key->dns_txt_record() + "\" there"};
  if (answer.status != ARES_SUCCESS)
    return {"dkim", PreflightStatus::fail,
            "cannot look up TXT " + name + ": " +
                describe_dns_status(answer.status, answer.timeouts)};
  return compare(name, signature, answer.records);
}

} // namespace

std::string dkim_signing_domain(const policy::DkimDomainConfig& entry) {
  return entry.pattern.starts_with('.') ? entry.pattern.substr(1) : entry.pattern;
}

std::vector<PreflightItem> check_dkim_records(BlockingDnsClient& dns, const std::string& domain,
                                              const policy::DkimDomainConfig* entry) {
  if (!entry)
    return {{"dkim", PreflightStatus::warn,
             "messages from " + domain +
                 " are not signed: no [dkim] entry of the configuration covers it (see "
                 "`volleyctl dkim keygen`)"}};
  std::vector<PreflightItem> items;
  const std::string signing_domain = dkim_signing_domain(*entry);
  for (const policy::DkimSignatureConfig& signature : entry->signatures) {
    if (!signature.key) {
      items.push_back(
          {"dkim", PreflightStatus::fail, "selector " + signature.selector + " has no loaded key"});
      continue;
    }
    items.push_back(check_signature(dns, signing_domain, signature));
  }
  return items;
}

} // namespace volley::engine
