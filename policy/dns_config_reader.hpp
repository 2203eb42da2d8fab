// The [dns] section of volleyd's configuration: resolver servers, timeout, tries and cache TTL
// bounds, errors at file:line:column through ConfigTableReader. Never resolves anything.
#pragma once

#include "policy/config_table_reader.hpp"
#include "policy/delivery_config.hpp"

namespace volley::policy {

// Reads and checks [dns]; keys not in the file keep their value in dns.
void read_dns_section(ConfigTableReader& reader, DnsConfig& dns);

} // namespace volley::policy
