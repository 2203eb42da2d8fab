// Test support: parse a control API answer body as JSON, failing the test with the body on error.
// Never hides a non-JSON answer.
#pragma once

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>

namespace volley::testing_support {

inline boost::json::value parse_answer(const std::string& body) {
  boost::system::error_code ec;
  auto value = boost::json::parse(body, ec);
  EXPECT_FALSE(ec) << "answer is not JSON: " << body;
  return value;
}

inline std::uint64_t count_of(const boost::json::value& campaign, const char* name) {
  return campaign.at("counts").at(name).to_number<std::uint64_t>();
}

} // namespace volley::testing_support
