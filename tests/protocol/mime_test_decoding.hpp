// Test-only MIME helpers, written independently of protocol/ (different algorithms) so that the
// merge template tests check the encoders against a second opinion: QP and base64 decoders, RFC
// 2047 B-word decoding, and a naive splitter that returns the leaf parts of a rendered message.
// Never used outside tests; inputs are trusted test strings.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace volley::protocol::testing_mime {

// Splits text into lines at "\r\n" (or "\n"), without the line ends.
inline std::vector<std::string> lines_of(std::string_view text) {
  std::vector<std::string> lines;
  std::string current;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n') {
      if (!current.empty() && current.back() == '\r')
        current.pop_back();
      lines.push_back(current);
      current.clear();
    } else {
      current += text[i];
    }
  }
  if (!current.empty())
    lines.push_back(current);
  return lines;
}

// Line-oriented QP decoding: a line ending in '=' joins the next one; other lines end with CRLF.
inline std::string qp_decode(std::string_view encoded) {
  const std::vector<std::string> lines = lines_of(encoded);
  std::string out;
  for (std::size_t n = 0; n < lines.size(); ++n) {
    std::string line = lines[n];
    const bool soft = !line.empty() && line.back() == '=';
    if (soft)
      line.pop_back();
    for (std::size_t i = 0; i < line.size(); ++i) {
      if (line[i] == '=' && i + 2 < line.size()) {
        out += static_cast<char>(std::stoi(line.substr(i + 1, 2), nullptr, 16));
        i += 2;
      } else {
        out += line[i];
      }
    }
    if (!soft && (n + 1 < lines.size() || encoded.ends_with('\n')))
      out += "\r\n";
  }
  return out;
}

// Base64 decoding via position lookups in the alphabet string; whitespace and '=' are ignored.
inline std::string base64_decode(std::string_view encoded) {
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string bits;
  for (const char c : encoded) {
    const std::size_t index = alphabet.find(c);
    if (index == std::string::npos)
      continue;
    for (int b = 5; b >= 0; --b)
      bits += ((index >> b) & 1) ? '1' : '0';
  }
  std::string out;
  for (std::size_t i = 0; i + 8 <= bits.size(); i += 8)
    out += static_cast<char>(std::stoi(bits.substr(i, 8), nullptr, 2));
  return out;
}

// Decodes a header value made of =?UTF-8?B?...?= words separated by folding whitespace.
inline std::string decode_b_words(std::string_view value) {
  std::string out;
  std::size_t pos = 0;
  while ((pos = value.find("=?UTF-8?B?", pos)) != std::string_view::npos) {
    const std::size_t start = pos + 10;
    const std::size_t stop = value.find("?=", start);
    out += base64_decode(value.substr(start, stop - start));
    pos = stop + 2;
  }
  return out;
}

struct LeafPart {
  std::string headers; // raw header lines, each ending in CRLF
  std::string body;    // raw body text, without the line end before the next delimiter
  std::string decoded; // body after its Content-Transfer-Encoding
};

// Cuts text at every line equal to one of the boundaries ("--b" or "--b--"); returns the chunks
// that hold no nested boundary, each split into headers and body and decoded. Naive on purpose.
inline std::vector<LeafPart> leaf_parts(std::string_view text,
                                        const std::vector<std::string>& boundaries) {
  std::vector<std::string> chunks(1);
  for (const std::string& line : lines_of(text)) {
    bool delimiter = false;
    for (const std::string& b : boundaries)
      delimiter = delimiter || line == "--" + b || line == "--" + b + "--";
    if (delimiter)
      chunks.emplace_back();
    else
      chunks.back() += line + "\r\n";
  }
  std::vector<LeafPart> parts;
  for (std::size_t i = 1; i + 1 < chunks.size(); ++i) {
    const std::size_t blank = chunks[i].find("\r\n\r\n");
    if (blank == std::string::npos || chunks[i].find("multipart/") < blank)
      continue;
    // The line end before a delimiter belongs to the delimiter (RFC 2046), not to the body.
    const std::string& chunk = chunks[i];
    LeafPart part{chunk.substr(0, blank + 2), chunk.substr(blank + 4, chunk.size() - blank - 6),
                  ""};
    if (part.headers.find("quoted-printable") != std::string::npos)
      part.decoded = qp_decode(part.body);
    else if (part.headers.find("base64") != std::string::npos)
      part.decoded = base64_decode(part.body);
    else
      part.decoded = part.body;
    parts.push_back(part);
  }
  return parts;
}

} // namespace volley::protocol::testing_mime
