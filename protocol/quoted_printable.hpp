// Quoted-printable (RFC 2045 §6.7) for MIME bodies that merge fields are rendered into.
// Pure; appends to caller-owned strings. Never produces a line longer than 76 characters, an
// unescaped '=', a non-ASCII byte, or whitespace at the end of an encoded line.
#pragma once

#include <string>
#include <string_view>

namespace volley::protocol::quoted_printable {

// Appends the decoded form of encoded to out: "=XX" (either hex case) becomes the byte, "=" before
// a line end (optionally after whitespace) is a soft break and vanishes, whitespace before a hard
// line end is dropped (RFC 2045 rule 3), hard line ends are kept as they are (CRLF or LF). A lone
// '=' not followed by two hex digits is kept literally (the RFC's robustness advice).
void decode(std::string_view encoded, std::string& out);

// Appends the encoding of text to out. CRLF, lone LF and lone CR in text are hard line breaks and
// become eol ("\r\n" or "\n"); soft breaks keep every line at most 76 characters including the '='.
void encode(std::string_view text, std::string_view eol, std::string& out);

} // namespace volley::protocol::quoted_printable
