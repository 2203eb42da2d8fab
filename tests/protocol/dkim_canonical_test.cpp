// DKIM canonicalisation: the RFC 6376 §3.4.5 example (headers and body, both algorithms), body edge
// cases (empty, only line ends, trailing blanks, bare CR/LF, long lines), and that feeding a body
// in chunks split anywhere gives the same canonical bytes and hash as feeding it whole.
#include <gtest/gtest.h>

#include <openssl/evp.h>
#include <string>

#include "protocol/base64_lines.hpp"
#include "protocol/dkim_canonical.hpp"

namespace volley::protocol {
namespace {

using C = DkimCanonicalization;

std::string canonical_header(C c, std::string_view field) {
  std::string out;
  append_canonical_header(c, field, out);
  return out;
}

std::string canonical_body(C c, std::string_view body) {
  std::string copy;
  DkimBodyHasher hasher(c);
  hasher.copy_canonical_body_to(&copy);
  hasher.feed(body);
  (void)hasher.finish();
  return copy;
}

std::string sha256_base64(std::string_view bytes) {
  unsigned char digest[32];
  unsigned int size = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &size, EVP_sha256(), nullptr);
  std::string out;
  base64::encode(std::string_view(reinterpret_cast<const char*>(digest), size), out);
  return out;
}

// RFC 6376 §3.4.5: the example message and its canonical forms.
TEST(DkimCanonicalTest, Rfc6376ExampleHeaders) {
  EXPECT_EQ(canonical_header(C::relaxed, "A: X"), "a:X\r\n");
  EXPECT_EQ(canonical_header(C::relaxed, "B : Y\t\r\n\tZ  "), "b:Y Z\r\n");
  EXPECT_EQ(canonical_header(C::simple, "A: X"), "A: X\r\n");
  EXPECT_EQ(canonical_header(C::simple, "B : Y\t\r\n\tZ  "), "B : Y\t\r\n\tZ  \r\n");
}

TEST(DkimCanonicalTest, Rfc6376ExampleBody) {
  const std::string body = " C \r\nD \t E\r\n\r\n\r\n";
  EXPECT_EQ(canonical_body(C::relaxed, body), " C\r\nD E\r\n");
  EXPECT_EQ(canonical_body(C::simple, body), " C \r\nD \t E\r\n");
}

TEST(DkimCanonicalTest, RelaxedHeaderDetails) {
  EXPECT_EQ(canonical_header(C::relaxed, "SUBJECT:   leading"), "subject:leading\r\n");
  EXPECT_EQ(canonical_header(C::relaxed, "X-Empty:"), "x-empty:\r\n");
  EXPECT_EQ(canonical_header(C::relaxed, "X-Blank: \t "), "x-blank:\r\n");
  EXPECT_EQ(canonical_header(C::relaxed, "To: a,\r\n b,\r\n\t c"), "to:a, b, c\r\n");
  EXPECT_EQ(canonical_header(C::relaxed, "Subject: Gr\xC3\xBC\xC3\x9F"
                                         "e  x"),
            "subject:Gr\xC3\xBC\xC3\x9F"
            "e x\r\n");
  EXPECT_EQ(canonical_header(C::relaxed, "Subject: a:b  :  c"), "subject:a:b : c\r\n");
}

TEST(DkimCanonicalTest, EmptyBodies) {
  EXPECT_EQ(canonical_body(C::simple, ""), "\r\n");
  EXPECT_EQ(canonical_body(C::relaxed, ""), "");
  EXPECT_EQ(canonical_body(C::simple, "\r\n\r\n\r\n"), "\r\n");
  EXPECT_EQ(canonical_body(C::relaxed, "\r\n\r\n\r\n"), "");
  EXPECT_EQ(canonical_body(C::relaxed, " \t\r\n  \r\n"), "");
  EXPECT_EQ(canonical_body(C::simple, " \t\r\n"), " \t\r\n");
  // Well-known hashes of "" and CRLF (RFC 6376 §3.4.3/§3.4.4 empty-body rules).
  EXPECT_EQ(compute_body_hash("", C::relaxed).base64,
            "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
  EXPECT_EQ(compute_body_hash("", C::simple).base64,
            "frcCV1k9oG9oKj3dpUqdJg1PxRT2RSN/XKdLCPjaYaY=");
}

TEST(DkimCanonicalTest, BodyEndingWithoutLineEndGetsOne) {
  EXPECT_EQ(canonical_body(C::simple, "a\r\nb"), "a\r\nb\r\n");
  EXPECT_EQ(canonical_body(C::relaxed, "a\r\nb  "), "a\r\nb\r\n");
}

TEST(DkimCanonicalTest, InnerEmptyLinesAndBlankLinesStay) {
  EXPECT_EQ(canonical_body(C::simple, "a\r\n\r\n \r\nb\r\n\r\n"), "a\r\n\r\n \r\nb\r\n");
  EXPECT_EQ(canonical_body(C::relaxed, "a\r\n\r\n \r\nb\r\n\r\n"), "a\r\n\r\n\r\nb\r\n");
  EXPECT_EQ(canonical_body(C::relaxed, "\t\tindented\r\n"), " indented\r\n");
}

TEST(DkimCanonicalTest, BareCrAndLfAreData) {
  EXPECT_EQ(canonical_body(C::simple, "a\rb\nc\r"), "a\rb\nc\r\r\n");
  EXPECT_EQ(canonical_body(C::relaxed, "a \rb\n c\r"), "a \rb\n c\r\r\n");
  EXPECT_EQ(canonical_body(C::simple, "a\r\r\n"), "a\r\r\n");
}

TEST(DkimCanonicalTest, LeadingDotsAreNotSpecial) {
  EXPECT_EQ(canonical_body(C::simple, ".\r\n..x\r\n"), ".\r\n..x\r\n");
}

TEST(DkimCanonicalTest, HashIsSha256OfTheCanonicalBody) {
  std::string body;
  for (int i = 0; i < 500; ++i)
    body += std::string(static_cast<std::size_t>(i % 97), 'y') + "  \t z \r\n";
  body += std::string(998, 'L') + "\r\n\r\n\r\n";
  for (const C c : {C::simple, C::relaxed}) {
    const DkimBodyHash hash = compute_body_hash(body, c);
    EXPECT_EQ(hash.canonicalization, c);
    EXPECT_EQ(hash.base64, sha256_base64(canonical_body(c, body)));
  }
}

// Every split point (and a byte-at-a-time feed) gives the same canonical text as one feed.
TEST(DkimCanonicalTest, ChunkBoundariesDoNotMatter) {
  const std::string body = " a  b\t\r\n\r\n\rc \r\r\n.\r\n \r\nend \t\r\n\r\n\r";
  for (const C c : {C::simple, C::relaxed}) {
    const std::string whole = canonical_body(c, body);
    for (std::size_t split = 0; split <= body.size(); ++split) {
      for (std::size_t split2 = split; split2 <= body.size(); ++split2) {
        std::string copy;
        DkimBodyHasher hasher(c);
        hasher.copy_canonical_body_to(&copy);
        hasher.feed(std::string_view(body).substr(0, split));
        hasher.feed(std::string_view(body).substr(split, split2 - split));
        hasher.feed(std::string_view(body).substr(split2));
        const DkimBodyHash hash = hasher.finish();
        ASSERT_EQ(copy, whole) << "splits " << split << "," << split2;
        ASSERT_EQ(hash.base64, compute_body_hash(body, c).base64);
      }
    }
    std::string copy;
    DkimBodyHasher hasher(c);
    hasher.copy_canonical_body_to(&copy);
    for (const char ch : body)
      hasher.feed(std::string_view(&ch, 1));
    (void)hasher.finish();
    EXPECT_EQ(copy, whole);
  }
}

} // namespace
} // namespace volley::protocol
