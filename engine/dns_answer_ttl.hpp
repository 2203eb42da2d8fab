// dns_answer_ttl: the smallest TTL among the answer-section records of one type in a raw DNS
// response (c-ares 1.18 parses MX records without their TTL). Must never read outside the buffer:
// every length in the message is checked.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

namespace volley::engine {

// nullopt if the message is malformed or has no answer record of `type`. TTLs with the top bit set
// count as 0 (RFC 2181 §8).
std::optional<std::uint32_t> dns_answer_ttl(const unsigned char* message, std::size_t length,
                                            std::uint16_t type);

} // namespace volley::engine
