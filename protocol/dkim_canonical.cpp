// append_canonical_header and DkimBodyHasher (see dkim_canonical.hpp).
// Must never: read outside the caller's chunk, keep pointers into it after feed() returns, or
// treat anything but CR LF as a line end.
#include "protocol/dkim_canonical.hpp"

#include <cstring>
#include <stdexcept>

#include <openssl/evp.h>

#include "protocol/base64_lines.hpp"

namespace volley::protocol {
namespace {

bool is_blank(char c) {
  return c == ' ' || c == '\t';
}
char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

void append_relaxed_header(std::string_view field, std::string& out) {
  const std::size_t colon = field.find(':');
  const std::string_view name = field.substr(0, colon);
  std::size_t name_end = name.size();
  while (name_end > 0 &&
         (is_blank(name[name_end - 1]) || name[name_end - 1] == '\r' || name[name_end - 1] == '\n'))
    --name_end;
  for (std::size_t i = 0; i < name_end; ++i)
    if (name[i] != '\r' && name[i] != '\n')
      out += lower(name[i]);
  if (colon == std::string_view::npos)
    return;
  out += ':';
  bool blank_pending = false;
  bool value_started = false;
  for (const char c : field.substr(colon + 1)) {
    if (c == '\r' || c == '\n')
      continue; // unfolding: line ends go, the blanks after them stay
    if (is_blank(c)) {
      blank_pending = value_started;
      continue;
    }
    if (blank_pending)
      out += ' ';
    blank_pending = false;
    value_started = true;
    out += c;
  }
}

} // namespace

const EVP_MD* dkim_sha256_md() {
  static EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return md;
}

std::string_view dkim_canonicalization_name(DkimCanonicalization canonicalization) {
  return canonicalization == DkimCanonicalization::simple ? "simple" : "relaxed";
}

void append_canonical_header(DkimCanonicalization canonicalization, std::string_view field,
                             std::string& out) {
  if (canonicalization == DkimCanonicalization::simple)
    out.append(field);
  else
    append_relaxed_header(field, out);
  out.append("\r\n");
}

DkimBodyHasher::DkimBodyHasher(DkimCanonicalization canonicalization)
    : canonicalization_(canonicalization), sha_(EVP_MD_CTX_new()) {
  if (sha_ == nullptr || EVP_DigestInit_ex(sha_, dkim_sha256_md(), nullptr) != 1)
    throw std::runtime_error("DKIM body hash: OpenSSL could not start SHA-256 (out of memory?)");
}

DkimBodyHasher::~DkimBodyHasher() {
  EVP_MD_CTX_free(sha_);
}

void DkimBodyHasher::feed(std::string_view chunk) {
  if (chunk.empty())
    return;
  if (pending_cr_) { // the previous chunk ended in CR: CRLF, or a CR that is data
    pending_cr_ = false;
    if (chunk.front() == '\n') {
      pending_blank_ = false;
      ++pending_line_ends_;
      chunk.remove_prefix(1);
    } else {
      emit_pending_line_ends();
      emit("\r");
    }
  }
  if (canonicalization_ == DkimCanonicalization::simple)
    feed_simple(chunk);
  else
    feed_relaxed(chunk);
}

// Everything but the chunk's trailing CRLFs (and a final CR) is emitted as is, in one piece.
void DkimBodyHasher::feed_simple(std::string_view chunk) {
  std::size_t end = chunk.size();
  const bool trailing_cr = end > 0 && chunk[end - 1] == '\r';
  if (trailing_cr)
    --end;
  std::size_t line_ends = 0;
  while (end >= 2 && chunk[end - 2] == '\r' && chunk[end - 1] == '\n') {
    end -= 2;
    ++line_ends;
  }
  if (end > 0) {
    emit_pending_line_ends();
    emit(chunk.substr(0, end));
  }
  pending_line_ends_ += line_ends;
  pending_cr_ = trailing_cr;
}

// Runs of bytes other than HT, CR and SP runs are copied whole; blanks are held back until data
// follows on the same line, CRLFs until a non-empty line follows.
void DkimBodyHasher::feed_relaxed(std::string_view chunk) {
  const char* p = chunk.data();
  const char* const end = p + chunk.size();
  while (p < end) {
    const char c = *p;
    if (is_blank(c)) {
      pending_blank_ = true;
      ++p;
      continue;
    }
    if (c == '\r') {
      if (p + 1 == end) {
        pending_cr_ = true;
        return;
      }
      if (p[1] == '\n') {
        pending_blank_ = false; // blanks at the end of a line are removed
        ++pending_line_ends_;
        p += 2;
        continue;
      }
    }
    const char* const run = p++;
    while (p < end && *p != '\r' && *p != '\t' &&
           (*p != ' ' || (p + 1 < end && !is_blank(p[1]) && p[1] != '\r')))
      ++p; // a single SP between data is already canonical: it stays inside the run
    emit_pending_line_ends();
    emit(std::string_view(run, static_cast<std::size_t>(p - run)));
  }
}

DkimBodyHash DkimBodyHasher::finish() {
  if (pending_cr_) { // a CR at the very end is data
    pending_cr_ = false;
    emit_pending_line_ends();
    emit("\r");
  }
  // Trailing line ends are dropped; the body ends with exactly one CRLF (simple: even if empty).
  if (canonicalization_ == DkimCanonicalization::simple || emitted_any_)
    emit("\r\n");
  pending_line_ends_ = 0;
  flush_staging();
  DkimBodyHash hash;
  hash.canonicalization = canonicalization_;
  unsigned int size = 0;
  if (EVP_DigestFinal_ex(sha_, hash.sha256.data(), &size) != 1 || size != hash.sha256.size())
    throw std::runtime_error("DKIM body hash: OpenSSL SHA-256 failed");
  base64::encode(std::string_view(reinterpret_cast<const char*>(hash.sha256.data()), size),
                 hash.base64);
  return hash;
}

void DkimBodyHasher::emit_pending_line_ends() {
  for (; pending_line_ends_ > 0; --pending_line_ends_)
    emit("\r\n");
  if (pending_blank_) {
    pending_blank_ = false;
    emit(" ");
  }
  emitted_any_ = true;
}

void DkimBodyHasher::emit(std::string_view bytes) {
  if (copy_ != nullptr)
    copy_->append(bytes);
  if (bytes.size() > staging_.size() / 2) { // big pieces go straight to SHA-256
    flush_staging();
    EVP_DigestUpdate(sha_, bytes.data(), bytes.size());
    return;
  }
  if (staged_ + bytes.size() > staging_.size())
    flush_staging();
  std::memcpy(staging_.data() + staged_, bytes.data(), bytes.size());
  staged_ += bytes.size();
}

void DkimBodyHasher::flush_staging() {
  if (staged_ > 0)
    EVP_DigestUpdate(sha_, staging_.data(), staged_);
  staged_ = 0;
}

DkimBodyHash compute_body_hash(std::string_view body, DkimCanonicalization canonicalization) {
  DkimBodyHasher hasher(canonicalization);
  hasher.feed(body);
  return hasher.finish();
}

} // namespace volley::protocol
