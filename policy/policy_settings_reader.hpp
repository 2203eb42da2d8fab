// The settings shared by [defaults], [group.NAME] and [domain."pattern"] of the rate policy file
// (connections, messages, recipients, rate, timeouts, TLS, retries, expiry, pool) and the rate
// syntax ("100/s" or {limit = "6000/min", burst = 200}) also used by pools and senders. Reads and
// range-checks one table at a time; never checks that a named pool exists (the loader does, once
// every pool is read).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "policy/policy_table_reader.hpp"
#include "policy/rate_policy.hpp"
#include "protocol/result.hpp"

namespace volley::policy {

// "100/s", "6000/min", "20000/h", "500000/d" (also /sec, /second, /minute, /hour, /day; spaces
// around '/' allowed): a whole number of messages, 1 to 1000000000, per period. Errors read
// "what — hint" (the caller prefixes the key).
Result<MessageRate> parse_message_rate_text(std::string_view text);

// key = "100/s" or key = {limit = "6000/min", burst = 200}; nullopt when absent or invalid.
std::optional<MessageRate> read_message_rate(PolicyTableReader& reader, std::string_view key);

// A `pool = "NAME"` seen while reading, checked against the [pool] tables at the end.
struct PoolReference {
  std::string name;
  SourcePosition at;
  std::string key_name; // "[group.gmail] `pool`"
};

// The keys of PolicySettings as written in the file.
const std::vector<std::string_view>& policy_setting_keys();

// Where a key that is not a setting belongs ("`mx` belongs in a [group.NAME] table"), or "".
std::string policy_setting_placement(std::string_view key);

// Reads the setting keys of the table (unknown keys are the caller's to check). A pool named here
// is appended to pools.
PolicySettings read_policy_settings(PolicyTableReader& reader, std::vector<PoolReference>& pools);

} // namespace volley::policy
