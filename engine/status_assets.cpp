// Lookup of the embedded status page files (see status_assets.hpp; the bytes are generated).
// Never maps a name with a directory part to a file.
#include "engine/status_assets.hpp"

#include <array>
#include <utility>

namespace volley::engine {
namespace {

std::string_view content_type_for(std::string_view name) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 4> types{{
      {".html", "text/html; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".svg", "image/svg+xml"},
  }};
  for (const auto& [extension, type] : types)
    if (name.ends_with(extension))
      return type;
  return "application/octet-stream";
}

} // namespace

std::optional<StatusAsset> status_asset(std::string_view name) {
  if (name.find('/') != std::string_view::npos)
    return std::nullopt;
  for (const detail::EmbeddedFile& file : detail::embedded_status_files()) {
    if (name != file.name)
      continue;
    return StatusAsset{file.name,
                       std::string_view(reinterpret_cast<const char*>(file.data), file.size),
                       content_type_for(name), file.etag};
  }
  return std::nullopt;
}

} // namespace volley::engine
