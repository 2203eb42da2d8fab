// DMARC record parsing and alignment (see dmarc_record.hpp). Must never accept a record whose
// first tag is not v=DMARC1 or whose policy is missing.
#include "protocol/dmarc_record.hpp"

#include "protocol/ascii_case.hpp"
#include "protocol/dns_tag_list.hpp"

namespace volley::protocol {
namespace {

std::string lower(std::string_view text) {
  std::string out;
  for (char c : text)
    out += ascii_lower_char(c);
  return out;
}

bool valid_policy(const std::string& policy) {
  return policy == "none" || policy == "quarantine" || policy == "reject";
}

// adkim= / aspf=: "r" or "s"; absent = relaxed.
bool read_alignment(const std::vector<DnsTag>& tags, const char* name, DmarcAlignment& mode) {
  const DnsTag* tag = find_dns_tag(tags, name);
  if (!tag)
    return true;
  std::string value = lower(tag->value);
  if (value != "r" && value != "s")
    return false;
  mode = value == "s" ? DmarcAlignment::strict : DmarcAlignment::relaxed;
  return true;
}

} // namespace

bool is_dmarc_record(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
    text.remove_prefix(1);
  std::size_t end = text.find(';');
  std::string_view first = text.substr(0, end);
  while (!first.empty() && (first.back() == ' ' || first.back() == '\t'))
    first.remove_suffix(1);
  std::size_t equals = first.find('=');
  if (equals == std::string_view::npos)
    return false;
  std::string_view name = first.substr(0, equals);
  std::string_view value = first.substr(equals + 1);
  while (!name.empty() && (name.back() == ' ' || name.back() == '\t'))
    name.remove_suffix(1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
    value.remove_prefix(1);
  return name == "v" && value == "DMARC1";
}

Result<DmarcRecord> parse_dmarc_record(std::string_view text) {
  if (!is_dmarc_record(text))
    return make_error(error_code::invalid_request,
                      "not a DMARC record: it must start with v=DMARC1");
  auto tags = parse_dns_tag_list(text);
  if (!tags)
    return make_error(error_code::invalid_request,
                      "the DMARC record is not a list of tag=value pairs separated by ';'");
  DmarcRecord record;
  const DnsTag* policy = find_dns_tag(*tags, "p");
  if (!policy || !valid_policy(record.policy = lower(policy->value)))
    return make_error(error_code::invalid_request,
                      "the DMARC record has no valid p= policy (none, quarantine or reject)");
  if (const DnsTag* sub = find_dns_tag(*tags, "sp")) {
    record.subdomain_policy = lower(sub->value);
    if (!valid_policy(record.subdomain_policy))
      return make_error(error_code::invalid_request,
                        "the DMARC record's sp= is not none, quarantine or reject");
  }
  if (!read_alignment(*tags, "adkim", record.dkim_alignment) ||
      !read_alignment(*tags, "aspf", record.spf_alignment))
    return make_error(error_code::invalid_request,
                      "the DMARC record's adkim= or aspf= is not r or s");
  return record;
}

std::string organisational_domain(std::string_view domain) {
  while (!domain.empty() && domain.back() == '.')
    domain.remove_suffix(1);
  std::size_t last = domain.rfind('.');
  if (last == std::string_view::npos || last == 0)
    return std::string(domain);
  std::size_t second = domain.rfind('.', last - 1);
  return std::string(second == std::string_view::npos ? domain : domain.substr(second + 1));
}

bool dmarc_aligned(std::string_view author_domain, std::string_view identifier_domain,
                   DmarcAlignment mode) {
  if (mode == DmarcAlignment::strict)
    return author_domain == identifier_domain;
  return organisational_domain(author_domain) == organisational_domain(identifier_domain);
}

} // namespace volley::protocol
