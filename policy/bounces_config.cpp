// Reading and checking [bounces] (see bounces_config.hpp). The listen address must be an IP
// literal with a port (the listener binds it as given).
#include "policy/bounces_config.hpp"

#include "policy/config_value_checks.hpp"
#include "policy/host_port.hpp"

namespace volley::policy {
namespace {
constexpr std::string_view bounces = "bounces";
}

SectionSchema bounces_section_schema() {
  return {bounces,
          {"listen", "max_message_size", "max_messages_per_minute", "soft_bounce_limit",
           "soft_bounce_window"}};
}

void read_bounces_section(ConfigTableReader& reader, BouncesConfig& config) {
  reader.read_string(bounces, "listen", config.listen);
  if (!config.listen.empty() && !reader.failed(bounces, "listen")) {
    auto parsed = parse_host_port(config.listen, 25, "127.0.0.1:2526");
    if (!parsed || !parsed->host_is_ip) {
      reader.report(bounces, "listen",
                    "`bounces.listen` = \"" + config.listen + "\" is not an IP address and port",
                    "write e.g. \"127.0.0.1:2526\" (behind your MX) or \"0.0.0.0:25\"; \"\" = no "
                    "bounce listener");
    }
  }
  reader.read_size(bounces, "max_message_size", config.max_message_size);
  check_count_range(reader, bounces, "max_message_size", config.max_message_size, 1024, 1ull << 30,
                    "use 1KiB to 1GiB per message, e.g. \"1MiB\"");
  reader.read_count(bounces, "max_messages_per_minute", config.max_messages_per_minute);
  check_count_range(reader, bounces, "max_messages_per_minute", config.max_messages_per_minute, 1,
                    1'000'000, "use 1 or more messages per client address and minute");
  reader.read_count(bounces, "soft_bounce_limit", config.soft_bounce_limit);
  check_count_range(reader, bounces, "soft_bounce_limit", config.soft_bounce_limit, 0, 1000,
                    "use 0 (never) to 1000 soft bounces before an address counts as bad");
  reader.read_duration(bounces, "soft_bounce_window", config.soft_bounce_window_s);
  check_duration_range(reader, bounces, "soft_bounce_window", config.soft_bounce_window_s, 1,
                       3650ll * 86400, 1000, "use 1s to 3650d, e.g. \"30d\"");
}

} // namespace volley::policy
