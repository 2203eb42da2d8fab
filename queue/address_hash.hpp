// 64-bit hash of canonical addresses, the key of the per-campaign de-duplication index.
// Not cryptographic; collisions are expected to be rare and are resolved by probing (never
// trusted). Must never change its output for a given input: stored dedup keys depend on it (schema
// version 1).
#pragma once

#include <cstdint>
#include <string_view>

namespace volley::queue {

std::uint64_t address_hash(std::string_view text);

// Injectable for tests (forced collisions); the spool uses address_hash by default.
using AddressHashFn = std::uint64_t (*)(std::string_view);

} // namespace volley::queue
