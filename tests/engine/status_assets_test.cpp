// Unit tests of the embedded status page files: each is found by name with its content type and a
// stable ETag, nothing else is (no directories, no unknown names), the embedded bytes equal the
// source files, and no file refers to anything outside the page's own origin (no CDN, no web
// fonts, no inline script or style that the CSP would block) or uses innerHTML.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "engine/status_assets.hpp"

using namespace volley::engine;

namespace {

std::string source_file(const std::string& name) {
  std::ifstream in(std::filesystem::path(VOLLEY_SOURCE_DIR) / "engine" / "status_assets" / name,
                   std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

TEST(StatusAssets, EachFileWithItsContentTypeAndTheBytesOfTheSource) {
  const std::pair<const char*, const char*> files[] = {
      {"index.html", "text/html; charset=utf-8"},
      {"login.html", "text/html; charset=utf-8"},
      {"status.css", "text/css; charset=utf-8"},
      {"status.js", "text/javascript; charset=utf-8"},
      {"favicon.svg", "image/svg+xml"}};
  for (const auto& [name, type] : files) {
    auto asset = status_asset(name);
    ASSERT_TRUE(asset) << name;
    EXPECT_EQ(asset->name, name);
    EXPECT_EQ(asset->content_type, type) << name;
    EXPECT_EQ(asset->bytes, source_file(name)) << name << " is stale: rebuild";
    ASSERT_EQ(asset->etag.size(), 34u) << asset->etag;
    EXPECT_EQ(asset->etag.front(), '"');
    EXPECT_EQ(asset->etag.back(), '"');
  }
  EXPECT_NE(status_asset("status.js")->etag, status_asset("status.css")->etag);
}

TEST(StatusAssets, NothingButTheEmbeddedNames) {
  for (const char* name : {"", "missing.js", "../index.html", "status_assets/index.html",
                           "embed_status_assets.cmake", "index.htm", "INDEX.HTML"}) {
    EXPECT_FALSE(status_asset(name)) << name;
  }
}

TEST(StatusAssets, NoExternalSourcesInlineCodeOrInnerHtml) {
  for (const char* name : {"index.html", "login.html", "status.css", "status.js"}) {
    std::string text(status_asset(name)->bytes);
    for (const char* forbidden :
         {"http://", "https://", "//cdn", "@import", "url(", "<style", "innerHTML", "outerHTML",
          "insertAdjacentHTML", "document.write", "eval(", "onclick=", "onload=", "style=\""}) {
      // The SVG namespace URI is an identifier, not a request.
      std::string stripped = text;
      for (std::size_t at; (at = stripped.find("http://www.w3.org/2000/svg")) != std::string::npos;)
        stripped.erase(at, 26);
      EXPECT_EQ(stripped.find(forbidden), std::string::npos) << name << " contains " << forbidden;
    }
  }
  std::string index(status_asset("index.html")->bytes);
  EXPECT_EQ(index.find("<script>"), std::string::npos) << "inline script";
  EXPECT_NE(index.find("src=\"/assets/status.js\""), std::string::npos);
  std::string login(status_asset("login.html")->bytes);
  EXPECT_EQ(login.find("<script"), std::string::npos) << "the login page needs no script";
  // The places the server fills in.
  EXPECT_NE(login.find("<!--volley:message-->"), std::string::npos);
  EXPECT_NE(login.find("action=\"/login?volley:refresh\""), std::string::npos);
  EXPECT_NE(login.find("name=\"token\""), std::string::npos);
  EXPECT_NE(login.find("control.token_file"), std::string::npos);
}

} // namespace
