// Test helpers shared by the policy config tests: parse TOML text as volleyd's config and expect
// success (the config) or failure (the invalid_request message). Never reads files.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "policy/daemon_config.hpp"

namespace volley::policy::config_test {

inline DaemonConfig parse_ok(std::string_view text, std::string_view base_dir = "") {
  auto config = parse_daemon_config(text, "t.toml", base_dir);
  EXPECT_TRUE(config.ok()) << (config.ok() ? "" : config.error().message);
  return config.ok() ? *config : DaemonConfig{};
}

inline std::string parse_error(std::string_view text) {
  auto config = parse_daemon_config(text, "t.toml", "");
  EXPECT_FALSE(config.ok()) << "parsed without error:\n" << text;
  if (config.ok())
    return "";
  EXPECT_EQ(config.error().code, error_code::invalid_request);
  return config.error().message;
}

} // namespace volley::policy::config_test
