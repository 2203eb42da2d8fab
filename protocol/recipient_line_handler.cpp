// SAX fast path for NDJSON recipient lines (see recipient_line_handler.hpp). Must never accept a
// line the DOM decoder rejects, nor produce a different RecipientInput; when unsure, give up.
#include "protocol/recipient_line_handler.hpp"

#include <algorithm>
#include <boost/json/basic_parser_impl.hpp>
#include <charconv>
#include <cmath>

#include "protocol/json_text.hpp"

namespace volley::protocol {

namespace {

constexpr std::size_t kMaxVarsForFastPath = 32; // more keys: the DOM decoder handles duplicates

} // namespace

void RecipientLineHandler::start(RecipientInput& out, const DecodeLimits& limits,
                                 std::size_t line_bytes) {
  out_ = &out;
  limits_ = &limits;
  line_bytes_ = line_bytes;
  depth_ = skip_depth_ = 0;
  member_ = Member::none;
  in_vars_ = seen_to_ = seen_vars_ = seen_id_ = to_is_string_ = false;
  part_.clear();
  var_keys_.clear();
}

bool RecipientLineHandler::give_up(error_code& ec) {
  ec = boost::json::error::exception; // any failure: the DOM decoder will say what is wrong
  return false;
}

std::string_view RecipientLineHandler::whole(string_view last_part) {
  if (part_.empty())
    return last_part;
  part_.append(last_part.data(), last_part.size());
  return part_;
}

bool RecipientLineHandler::begin_container(bool is_object, error_code& ec) {
  if (skipping()) {
    ++depth_;
    return true;
  }
  if (depth_ == 0) {
    if (!is_object)
      return give_up(ec);
    depth_ = 1;
    return true;
  }
  if (depth_ == 1 && member_ == Member::other) {
    skip_depth_ = ++depth_;
    return true;
  }
  if (depth_ == 1 && member_ == Member::vars && is_object) {
    depth_ = 2;
    in_vars_ = true;
    out_->vars_json.reserve(std::min(line_bytes_, limits_->max_vars_bytes + 1));
    out_->vars_json.assign(1, '{');
    return true;
  }
  return give_up(ec);
}

bool RecipientLineHandler::end_container(error_code& ec) {
  if (skipping()) {
    if (--depth_ < skip_depth_) {
      skip_depth_ = 0;
      member_ = Member::none;
    }
    return true;
  }
  if (in_vars_) {
    in_vars_ = false;
    if (out_->vars_json.size() == 1) {
      out_->vars_json.clear(); // {} -> ""
    } else {
      out_->vars_json += '}';
      if (out_->vars_json.size() > limits_->max_vars_bytes)
        return give_up(ec);
    }
    member_ = Member::none;
  }
  --depth_;
  return true;
}

bool RecipientLineHandler::on_object_begin(error_code& ec) {
  return begin_container(true, ec);
}
bool RecipientLineHandler::on_array_begin(error_code& ec) {
  return begin_container(false, ec);
}
bool RecipientLineHandler::on_object_end(std::size_t, error_code& ec) {
  return end_container(ec);
}
bool RecipientLineHandler::on_array_end(std::size_t, error_code& ec) {
  return end_container(ec);
}

bool RecipientLineHandler::on_key_part(string_view text, std::size_t, error_code&) {
  if (!skipping())
    part_.append(text.data(), text.size());
  return true;
}

bool RecipientLineHandler::on_string_part(string_view text, std::size_t, error_code&) {
  if (!skipping())
    part_.append(text.data(), text.size());
  return true;
}

bool RecipientLineHandler::on_key(string_view text, std::size_t, error_code& ec) {
  if (skipping())
    return true;
  const std::string_view key = whole(text);
  bool ok = true;
  if (in_vars_) {
    ok = add_var_key(key, ec);
  } else {
    ok = start_member(key, ec);
  }
  part_.clear();
  return ok;
}

bool RecipientLineHandler::start_member(std::string_view key, error_code& ec) {
  bool* seen = nullptr;
  member_ = Member::other;
  if (key == "to") {
    member_ = Member::to;
    seen = &seen_to_;
  } else if (key == "vars") {
    member_ = Member::vars;
    seen = &seen_vars_;
  } else if (key == "id") {
    member_ = Member::id;
    seen = &seen_id_;
  }
  if (seen == nullptr)
    return true;
  if (*seen)
    return give_up(ec); // duplicate member: the DOM decoder keeps the last one
  *seen = true;
  return true;
}

bool RecipientLineHandler::add_var_key(std::string_view key, error_code& ec) {
  std::string& vars = out_->vars_json;
  if (var_keys_.size() == kMaxVarsForFastPath)
    return give_up(ec);
  if (vars.size() > 1)
    vars += ',';
  const std::size_t start = vars.size();
  json_text::append_quoted(vars, key);
  const std::string_view quoted(vars.data() + start, vars.size() - start);
  for (const auto& [offset, length] : var_keys_) {
    if (std::string_view(vars.data() + offset, length) == quoted)
      return give_up(ec);
  }
  var_keys_.emplace_back(start, quoted.size());
  vars += ':';
  return true;
}

bool RecipientLineHandler::on_string(string_view text, std::size_t, error_code& ec) {
  if (skipping())
    return true;
  const std::string_view value = whole(text);
  bool ok = true;
  if (in_vars_) {
    json_text::append_quoted(out_->vars_json, value);
    ok = out_->vars_json.size() <= limits_->max_vars_bytes || give_up(ec);
  } else {
    ok = top_level_string(value, ec);
  }
  part_.clear();
  return ok;
}

bool RecipientLineHandler::top_level_string(std::string_view text, error_code& ec) {
  const Member member = std::exchange(member_, Member::none);
  if (member == Member::to) {
    out_->to.assign(text);
    to_is_string_ = true;
    return true;
  }
  if (member == Member::id) {
    out_->crm_id.assign(text);
    return out_->crm_id.size() <= limits_->max_recipient_id_bytes || give_up(ec);
  }
  return member == Member::other || give_up(ec);
}

bool RecipientLineHandler::add_var_number(const char* text, std::size_t size, error_code& ec) {
  std::string& vars = out_->vars_json;
  vars += '"';
  vars.append(text, size);
  vars += '"';
  return vars.size() <= limits_->max_vars_bytes || give_up(ec);
}

template <class Integer> bool RecipientLineHandler::on_integer(Integer value, error_code& ec) {
  if (skipping())
    return true;
  char buffer[24];
  const auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value);
  if (in_vars_)
    return add_var_number(buffer, end - buffer, ec);
  const Member member = std::exchange(member_, Member::none);
  if (member == Member::id) {
    out_->crm_id.assign(buffer, end);
    return out_->crm_id.size() <= limits_->max_recipient_id_bytes || give_up(ec);
  }
  return member == Member::other || give_up(ec);
}

bool RecipientLineHandler::on_int64(std::int64_t value, string_view, error_code& ec) {
  return on_integer(value, ec);
}

bool RecipientLineHandler::on_uint64(std::uint64_t value, string_view, error_code& ec) {
  return on_integer(value, ec);
}

bool RecipientLineHandler::on_double(double value, string_view, error_code& ec) {
  if (skipping())
    return true;
  if (in_vars_) {
    if (!std::isfinite(value))
      return give_up(ec);
    char buffer[32];
    const auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value);
    return add_var_number(buffer, end - buffer, ec);
  }
  return std::exchange(member_, Member::none) == Member::other || give_up(ec);
}

bool RecipientLineHandler::on_bool(bool value, error_code& ec) {
  if (skipping())
    return true;
  if (in_vars_) {
    const std::string_view text = value ? "true" : "false";
    return add_var_number(text.data(), text.size(), ec);
  }
  return std::exchange(member_, Member::none) == Member::other || give_up(ec);
}

bool RecipientLineHandler::on_null(error_code& ec) {
  if (skipping())
    return true;
  if (in_vars_)
    return give_up(ec);
  const Member member = std::exchange(member_, Member::none);
  return member == Member::vars || member == Member::id || member == Member::other || give_up(ec);
}

bool decode_recipient_line_fast(std::string_view line, const DecodeLimits& limits,
                                RecipientInput& out) {
  thread_local boost::json::basic_parser<RecipientLineHandler> parser{boost::json::parse_options{}};
  parser.reset();
  parser.handler().start(out, limits, line.size());
  boost::json::error_code ec;
  const std::size_t consumed = parser.write_some(false, line.data(), line.size(), ec);
  if (ec || consumed != line.size() || !parser.handler().has_to())
    return false;
  Result<Mailbox> mailbox = parse_mailbox(out.to);
  if (!mailbox)
    return false;
  out.mailbox = std::move(mailbox.value());
  return true;
}

} // namespace volley::protocol
