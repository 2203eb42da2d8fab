// The [dkim] section of volleyd's configuration: [dkim."example.org"] tables with selector and
// key_file (or signatures = [{selector, key_file}, ...] for dual signing), canonicalization,
// headers and oversign. Checks every value, then loads each key file (dkim_key_file.hpp) so a
// bad key stops start-up and --check-config alike, with errors at file:line:column.
// Never keeps a domain entry with any error, and never reads anything but the named key files.
#pragma once

#include <string_view>
#include <vector>

#include <toml++/toml.h>

#include "policy/config_diagnostics.hpp"
#include "policy/config_table_reader.hpp"
#include "policy/dkim_config.hpp"

namespace volley::policy {

// [dkim] for the daemon schema (its keys are domain patterns, checked here).
SectionSchema dkim_section_schema();

// Reads [dkim] from root into out (replacing it when the section exists). Relative key_file paths
// are resolved against base_dir ("" = the working directory).
void read_dkim_section(const toml::table& root, ConfigDiagnostics& diagnostics,
                       std::string_view base_dir, std::vector<DkimDomainConfig>& out);

} // namespace volley::policy
