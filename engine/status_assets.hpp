// The status page's static files (engine/status_assets/: index.html, login.html, status.css,
// status.js, favicon.svg), embedded into the binary at build time by
// engine/status_assets/embed_status_assets.cmake, so volleyd serves them without reading any file
// and the page needs no CDN. Must never serve anything that was not embedded.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string_view>

namespace volley::engine {

struct StatusAsset {
  std::string_view name;         // "status.js"
  std::string_view bytes;        // the file as it was at build time
  std::string_view content_type; // from the file name's extension, with charset for text
  std::string_view etag;         // quoted strong ETag from the content's SHA-256
};

// The embedded file called `name` (no directories), or nullopt.
std::optional<StatusAsset> status_asset(std::string_view name);

namespace detail {
struct EmbeddedFile {
  const char* name;
  const unsigned char* data;
  std::size_t size;
  const char* etag; // quoted: "\"<32 hex digits of the SHA-256>\""
};
std::span<const EmbeddedFile> embedded_status_files(); // generated
} // namespace detail

} // namespace volley::engine
