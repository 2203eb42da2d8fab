// parse_dkim_key_record (see dkim_key_record.hpp). Must never accept a record without a p= tag.
#include "protocol/dkim_key_record.hpp"

#include "protocol/ascii_case.hpp"
#include "protocol/dns_tag_list.hpp"

namespace volley::protocol {

Result<DkimKeyRecord> parse_dkim_key_record(std::string_view text) {
  auto tags = parse_dns_tag_list(text);
  if (!tags)
    return make_error(error_code::invalid_request,
                      "not a DKIM key record: it is not a list of tag=value pairs");
  const DnsTag* version = find_dns_tag(*tags, "v");
  if (version && (version != &tags->front() || version->value != "DKIM1"))
    return make_error(error_code::invalid_request,
                      "not a DKIM key record: v= must come first and be DKIM1");
  const DnsTag* key = find_dns_tag(*tags, "p");
  if (!key)
    return make_error(error_code::invalid_request, "the DKIM key record has no p= tag");
  DkimKeyRecord record;
  const DnsTag* type = find_dns_tag(*tags, "k");
  for (char c : type ? type->value : std::string("rsa"))
    record.key_type += ascii_lower_char(c);
  for (char c : key->value)
    if (c != ' ' && c != '\t' && c != '\r' && c != '\n')
      record.public_key += c;
  return record;
}

} // namespace volley::protocol
