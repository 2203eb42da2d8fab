// RFC 2047 encoded-words for unstructured header fields (Subject and the like) whose merged value
// holds non-ASCII text or would make a line longer than 998 octets.
// Pure; appends to a caller-owned string. Never splits a UTF-8 character across two words, and
// never produces a line longer than 76 characters (unless first_line_used is already near that).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace volley::protocol {

// Appends value as " =?UTF-8?B?...?=" words, folded with eol + " " between words, each word at most
// 75 characters. first_line_used is the length of what already stands on the first line (e.g.
// "Subject:" = 8); when not even one character fits there the first word goes on a new line.
// An empty value appends nothing.
void append_encoded_words(std::string_view value, std::size_t first_line_used, std::string_view eol,
                          std::string& out);

// True when an unstructured field value must be written as encoded-words: it holds a byte >= 0x80
// or a line longer than 998 octets (field name included, via first_line_used).
bool needs_encoded_words(std::string_view value, std::size_t first_line_used);

} // namespace volley::protocol
