// RFC 5321 4.1.3 address literals: "[192.0.2.1]" and "[IPv6:2001:db8::1]". Pure syntax check and
// normalisation; never resolves or connects. General literals ("[tag:...]") are refused.
#pragma once

#include <string>
#include <string_view>

#include "protocol/result.hpp"

namespace volley::protocol {

// literal includes its brackets. Returns the normalised literal: the "IPv6:" tag spelled so and hex
// digits lower-cased; or an invalid_address Error saying what is wrong.
Result<std::string> normalize_address_literal(std::string_view literal);

// True for a dotted quad of four decimal numbers 0-255 (1 to 3 digits each), as in RFC 5321 Snum.
bool is_ipv4_dotted_quad(std::string_view text);

} // namespace volley::protocol
