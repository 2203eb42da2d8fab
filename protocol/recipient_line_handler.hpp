// Fast path of decode_recipient_line: a Boost.JSON SAX handler that builds a RecipientInput
// straight from parser events, with no DOM. It only ever accepts lines the DOM decoder would accept
// with the same result; at anything unusual it gives up and the DOM decoder produces the answer.
#pragma once

#include <boost/json/basic_parser.hpp>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "protocol/api_requests.hpp"

namespace volley::protocol {

class RecipientLineHandler {
public:
  using error_code = boost::json::error_code;
  using string_view = boost::json::string_view;
  static constexpr std::size_t max_array_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_object_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_string_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_key_size = static_cast<std::size_t>(-1);

  // Prepares for one line of line_bytes bytes; results go to out.
  void start(RecipientInput& out, const DecodeLimits& limits, std::size_t line_bytes);
  // After a successful parse: true if the line had a string "to" (and nothing made us give up).
  bool has_to() const { return seen_to_ && to_is_string_; }

  bool on_document_begin(error_code&) { return true; }
  bool on_document_end(error_code&) { return true; }
  bool on_object_begin(error_code& ec);
  bool on_object_end(std::size_t, error_code& ec);
  bool on_array_begin(error_code& ec);
  bool on_array_end(std::size_t, error_code& ec);
  bool on_key_part(string_view text, std::size_t, error_code&);
  bool on_key(string_view text, std::size_t, error_code& ec);
  bool on_string_part(string_view text, std::size_t, error_code&);
  bool on_string(string_view text, std::size_t, error_code& ec);
  bool on_number_part(string_view, error_code&) { return true; }
  bool on_int64(std::int64_t value, string_view, error_code& ec);
  bool on_uint64(std::uint64_t value, string_view, error_code& ec);
  bool on_double(double value, string_view, error_code& ec);
  bool on_bool(bool value, error_code& ec);
  bool on_null(error_code& ec);
  bool on_comment_part(string_view, error_code&) { return true; }
  bool on_comment(string_view, error_code&) { return true; }

private:
  enum class Member { none, to, vars, id, other };

  static bool give_up(error_code& ec);
  bool skipping() const { return skip_depth_ != 0; }
  bool begin_container(bool is_object, error_code& ec);
  bool end_container(error_code& ec);
  std::string_view whole(string_view last_part);           // joins parts buffered in part_
  bool start_member(std::string_view key, error_code& ec); // a key of the line's object
  bool add_var_key(std::string_view key, error_code& ec);
  bool add_var_number(const char* text, std::size_t size, error_code& ec);
  bool top_level_string(std::string_view text, error_code& ec);
  template <class Integer> bool on_integer(Integer value, error_code& ec);

  RecipientInput* out_ = nullptr;
  const DecodeLimits* limits_ = nullptr;
  std::size_t line_bytes_ = 0; // capacity hint for vars_json
  std::size_t depth_ = 0;      // 1 = inside the line's object, 2 = inside "vars" or a skipped value
  std::size_t skip_depth_ = 0; // != 0 while inside the value of an unknown member
  Member member_ = Member::none;
  bool in_vars_ = false;
  bool seen_to_ = false, seen_vars_ = false, seen_id_ = false, to_is_string_ = false;
  std::string part_;
  std::vector<std::pair<std::size_t, std::size_t>> var_keys_; // escaped keys in vars_json
};

// Decodes line with the per-thread SAX parser. Returns true with out filled for a valid recipient;
// false means "not decided here": the caller must use the DOM decoder (which reports errors).
bool decode_recipient_line_fast(std::string_view line, const DecodeLimits& limits,
                                RecipientInput& out);

} // namespace volley::protocol
