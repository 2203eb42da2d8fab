// The SAX fast path of decode_recipient_line must agree with the DOM decoder: it takes plain valid
// lines (so it is really used) and leaves everything unusual (duplicates, type errors, limits,
// bad addresses) to the DOM decoder. Never touches I/O.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <string>

#include "protocol/recipient_decoder.hpp"
#include "protocol/recipient_line_handler.hpp"

namespace volley::protocol {
namespace {

struct FastPathCase {
  std::string line;
  bool fast; // expected to be decided by the fast path
};

void PrintTo(const FastPathCase& c, std::ostream* os) {
  *os << c.line;
}

DecodeLimits test_limits() {
  DecodeLimits limits;
  limits.max_vars_bytes = 64;
  limits.max_recipient_id_bytes = 8;
  return limits;
}

Result<RecipientInput> decode_with_dom(const std::string& line, const DecodeLimits& limits) {
  boost::json::error_code ec;
  boost::json::value value = boost::json::parse(line, ec);
  if (ec || !value.is_object())
    return make_error(error_code::bad_json, "not an object");
  return decode_recipient_object(value.get_object(), limits, RecipientLocation{}, nullptr);
}

void expect_same(const RecipientInput& a, const RecipientInput& b) {
  EXPECT_EQ(a.to, b.to);
  EXPECT_EQ(a.mailbox.local_part, b.mailbox.local_part);
  EXPECT_EQ(a.mailbox.domain, b.mailbox.domain);
  EXPECT_EQ(a.vars_json, b.vars_json);
  EXPECT_EQ(a.crm_id, b.crm_id);
}

class FastPathTest : public testing::TestWithParam<FastPathCase> {};

TEST_P(FastPathTest, AgreesWithDomDecoder) {
  const DecodeLimits limits = test_limits();
  RecipientInput fast;
  const bool decided = decode_recipient_line_fast(GetParam().line, limits, fast);
  EXPECT_EQ(decided, GetParam().fast);
  Result<RecipientInput> dom = decode_with_dom(GetParam().line, limits);
  if (decided) {
    ASSERT_TRUE(dom.ok()) << dom.error().message;
    expect_same(fast, dom.value());
  }
  Result<RecipientInput> public_result = decode_recipient_line(GetParam().line, limits);
  ASSERT_EQ(public_result.ok(), dom.ok());
  if (dom.ok())
    expect_same(public_result.value(), dom.value());
}

std::string many_vars(int count) {
  std::string vars;
  for (int i = 0; i < count; ++i)
    vars += (i ? ",\"" : "\"") + std::to_string(i) + "\":1";
  return "{\"to\":\"a@example.com\",\"vars\":{" + vars + "}}";
}

std::string line_with_var_of(std::size_t value_bytes) {
  return R"({"to":"a@example.com","vars":{"k":")" + std::string(value_bytes, 'v') + "\"}}";
}

INSTANTIATE_TEST_SUITE_P(
    Lines, FastPathTest,
    testing::Values(
        FastPathCase{R"({"to":"a@example.com"})", true},
        FastPathCase{R"({"to":"a@example.com","vars":{"a":"b","n":-1,"d":2.5,"t":true},"id":5})",
                     true},
        FastPathCase{R"({"to":"a@example.com","id":18446744073709551615})", false}, // id > 8
        FastPathCase{R"({"to":"a@example.com","id":12345678})", true},
        FastPathCase{R"({"x":{"deep":[1,{"to":"no"}]},"to":"a@example.com","y":[],"z":null,"w":2})",
                     true},
        FastPathCase{R"({"to":"a@example.com","vars":{}})", true},
        FastPathCase{R"({"to":"a@example.com","vars":null,"id":null})", true},
        FastPathCase{R"({"to":"a\u0040example.com","id":""})", true},
        FastPathCase{R"({"vars":{"k\"ey":"v\\a\nl\u00e9"},"to":"\"q u\"@example.com"})", true},
        FastPathCase{"  {\"to\":\"a@example.com\"}  \t", true},
        FastPathCase{line_with_var_of(56), true},  // vars_json {"k":"..."} is exactly 64 bytes
        FastPathCase{line_with_var_of(57), false}, // 65 bytes, but only once "}" is added
        FastPathCase{R"({"to":"a@example.com","to":"b@example.com"})", false},
        FastPathCase{R"({"to":"a@example.com","vars":{"k":"1","k":"2"}})", false},
        FastPathCase{R"({"to":"a@example.com","vars":{"a":"1","\u0061":"2"}})", false},
        FastPathCase{R"({"to":"a@example.com","vars":{"k":null}})", false},
        FastPathCase{R"({"to":"a@example.com","vars":{"k":{}}})", false},
        FastPathCase{R"({"to":"a@example.com","vars":[]})", false},
        FastPathCase{R"({"to":"a@example.com","id":1.5})", false},
        FastPathCase{R"({"to":"a@example.com","id":"123456789"})", false},
        FastPathCase{R"({"to":null})", false}, FastPathCase{R"({"to":5})", false},
        FastPathCase{R"({"to":"bad"})", false}, FastPathCase{R"({"vars":{}})", false},
        FastPathCase{R"(["a@example.com"])", false}, FastPathCase{R"("a@example.com")", false},
        FastPathCase{R"({"to":"a@example.com"} x)", false},
        FastPathCase{R"({"to":"a@example.com")", false}, FastPathCase{"", false},
        FastPathCase{many_vars(32), false}, // vars too big for 64 bytes anyway
        FastPathCase{many_vars(4), true}));

TEST(FastPath, ManyDistinctVarsFallBackToDomAndStillDecode) {
  DecodeLimits limits;
  std::string vars;
  for (int i = 0; i < 40; ++i)
    vars += (i ? ",\"k" : "\"k") + std::to_string(i) + "\":\"v\"";
  const std::string line = "{\"to\":\"a@example.com\",\"vars\":{" + vars + "}}";
  RecipientInput fast;
  EXPECT_FALSE(decode_recipient_line_fast(line, limits, fast));
  Result<RecipientInput> decoded = decode_recipient_line(line, limits);
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(decoded->vars_json, "{" + vars + "}");
}

TEST(FastPath, DuplicateVarsKeyKeepsTheLastValueLikeTheDom) {
  Result<RecipientInput> decoded =
      decode_recipient_line(R"({"to":"a@example.com","vars":{"k":"1","k":"2"}})", DecodeLimits{});
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->vars_json, R"({"k":"2"})");
}

} // namespace
} // namespace volley::protocol
