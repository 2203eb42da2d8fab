// The [bounces] section of volleyd's configuration: the inbound bounce listener (address, size and
// per-client limits) and when soft bounces of one address make it a hard one. Plain data plus the
// reader. Never touches the network or the spool.
#pragma once

#include <cstdint>
#include <string>

#include "policy/config_table_reader.hpp"

namespace volley::policy {

struct BouncesConfig {
  std::string listen;                             // "127.0.0.1:2526"; "" = no listener
  std::uint64_t max_message_size = 1ull << 20;    // one bounce, complaint or unsubscribe mail
  std::uint64_t max_messages_per_minute = 600;    // per client address
  std::uint64_t soft_bounce_limit = 5;            // soft bounces that make an address hard; 0 = off
  std::int64_t soft_bounce_window_s = 30 * 86400; // ... within this long
  bool operator==(const BouncesConfig&) const = default;
};

SectionSchema bounces_section_schema();
// Reads and checks [bounces]; keys not in the file keep their value.
void read_bounces_section(ConfigTableReader& reader, BouncesConfig& bounces);

} // namespace volley::policy
