// The [delivery], [delivery.tls_domains] and [routes] sections of volleyd's configuration: schema,
// typed reads and value checks, errors at file:line:column through ConfigTableReader. Never does
// I/O; relative paths (tls_ca_file) are resolved by the caller.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "policy/config_table_reader.hpp"
#include "policy/delivery_config.hpp"

namespace volley::policy {

// The names of [delivery], [dns] and [routes] (any key) for the daemon schema.
std::vector<SectionSchema> delivery_sections_schema();

// Reads and checks [delivery] including [delivery.tls_domains]; keys not in the file keep their
// value in delivery.
void read_delivery_section(ConfigTableReader& reader, DeliveryConfig& delivery);

// A TLS mode by its name ("off", "opportunistic", "require", "verify"); nullopt otherwise.
std::optional<TlsMode> tls_mode_named(std::string_view name);
// The hint for an unknown mode: "did you mean", also for Postfix's smtp_tls_security_level names.
std::string tls_mode_hint(std::string_view text);

// Reads and checks [routes] into delivery.routes (replacing them when the section exists).
void read_routes_section(ConfigTableReader& reader, DeliveryConfig& delivery);

} // namespace volley::policy
