// Base64 (RFC 2045 §6.8) for MIME bodies and RFC 2047 encoded-words: decoding that skips line
// breaks and whitespace, encoding into lines of at most 76 characters.
// Pure; appends to caller-owned strings. Never accepts characters outside the alphabet.
#pragma once

#include <string>
#include <string_view>

namespace volley::protocol::base64 {

// Appends the decoded bytes of encoded to out. Whitespace (SP, HT, CR, LF) is skipped. Returns
// false (out then holds a partial result) for any other character outside the alphabet, data after
// padding, or a final group of a single character.
bool decode(std::string_view encoded, std::string& out);

// Appends the encoding of bytes, padded, as one line (no line break).
void encode(std::string_view bytes, std::string& out);

// Appends the encoding of bytes in lines of 76 characters separated by eol; no eol after the last
// line (the caller adds what follows, e.g. the line end before a MIME boundary).
void encode_lines(std::string_view bytes, std::string_view eol, std::string& out);

} // namespace volley::protocol::base64
