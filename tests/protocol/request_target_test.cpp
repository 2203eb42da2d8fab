// Unit tests of request-target parsing: segments, percent-decoding, query parameters, bad escapes.
#include <gtest/gtest.h>

#include "protocol/request_target.hpp"

using volley::protocol::parse_request_target;

TEST(RequestTarget, SegmentsAndQuery) {
  auto t = parse_request_target("/v1/suppressions/a%2Bb%40example.com?after=x%40y.org&limit=5&flag");
  ASSERT_TRUE(t);
  ASSERT_EQ(t->segments.size(), 3u);
  EXPECT_EQ(t->segments[2], "a+b@example.com");
  EXPECT_EQ(t->param("after").value(), "x@y.org");
  EXPECT_EQ(t->param("limit").value(), "5");
  EXPECT_EQ(t->param("flag").value(), "");
  EXPECT_FALSE(t->param("missing"));
}

TEST(RequestTarget, PlusIsSpaceOnlyInQuery) {
  auto t = parse_request_target("/a+b?q=a+b");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->segments[0], "a+b");
  EXPECT_EQ(t->param("q").value(), "a b");
}

TEST(RequestTarget, Errors) {
  EXPECT_FALSE(parse_request_target("v1/campaigns"));
  EXPECT_FALSE(parse_request_target("/v1/%4"));
  EXPECT_FALSE(parse_request_target("/v1/%zz"));
  EXPECT_FALSE(parse_request_target("/v1/a%00b"));
  EXPECT_FALSE(parse_request_target("/v1?x=%"));
  auto empty = parse_request_target("//v1//campaigns/");
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->segments.size(), 2u);
}
