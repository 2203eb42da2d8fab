// DKIM canonicalisation (RFC 6376 §3.4): "simple" and "relaxed" forms of header fields, and a
// streaming body hasher that canonicalises a body fed in chunks and computes its SHA-256 ("bh=").
// Pure: bytes in, bytes/digest out. Never allocates per byte, never fails on arbitrary bytes (a
// bare CR or LF is body data; the caller is expected to pass CRLF-normalised text, see
// smtp_message_data.hpp, and signs BEFORE dot-stuffing).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <openssl/types.h>

namespace volley::protocol {

enum class DkimCanonicalization { simple, relaxed };

// SHA-256 from OpenSSL's default provider, fetched once per process (no fetch per message).
const EVP_MD* dkim_sha256_md();

// "simple" or "relaxed".
std::string_view dkim_canonicalization_name(DkimCanonicalization canonicalization);

// Appends the canonical form of one header field followed by CRLF. `field` runs from the first byte
// of the name to the end of the value, continuation lines included, WITHOUT the final line end.
// simple: the field unchanged. relaxed: name lower-cased, line ends removed (unfolding), runs of
// SP/HT turned into one SP, blanks around the colon and at the end removed.
void append_canonical_header(DkimCanonicalization canonicalization, std::string_view field,
                             std::string& out);

// The SHA-256 of a canonical body and how it was canonicalised; base64 is the "bh=" value.
struct DkimBodyHash {
  DkimCanonicalization canonicalization = DkimCanonicalization::relaxed;
  std::array<std::uint8_t, 32> sha256{};
  std::string base64;
};

// Streaming body canonicaliser + SHA-256. Feed the body (the bytes after the empty line that ends
// the header section) in chunks of any size, split anywhere, then call finish() once.
// Trailing empty lines are ignored; an empty body hashes as "\r\n" (simple) or "" (relaxed).
class DkimBodyHasher {
public:
  explicit DkimBodyHasher(DkimCanonicalization canonicalization);
  ~DkimBodyHasher();
  DkimBodyHasher(const DkimBodyHasher&) = delete;
  DkimBodyHasher& operator=(const DkimBodyHasher&) = delete;

  void feed(std::string_view chunk);
  DkimBodyHash finish();

  // Test hook: every canonical byte is also appended here when set (nullptr by default).
  void copy_canonical_body_to(std::string* copy) { copy_ = copy; }

private:
  void feed_simple(std::string_view chunk);
  void feed_relaxed(std::string_view chunk);
  void emit_pending_line_ends();
  void emit(std::string_view bytes);
  void flush_staging();

  DkimCanonicalization canonicalization_;
  EVP_MD_CTX* sha_ = nullptr;
  std::size_t pending_line_ends_ = 0; // CRLFs held back: they may be trailing empty lines
  bool pending_cr_ = false;           // the last chunk ended in CR (maybe half of a CRLF)
  bool pending_blank_ = false;        // relaxed: SP/HT seen since the last emitted byte
  bool emitted_any_ = false;          // a non-empty line has been emitted
  std::string* copy_ = nullptr;
  std::size_t staged_ = 0;
  std::array<char, 8192> staging_{};
};

// One-shot convenience: canonicalise and hash a whole body.
DkimBodyHash compute_body_hash(std::string_view body, DkimCanonicalization canonicalization);

} // namespace volley::protocol
