// MergeVars (see merge_template_vars.hpp): a sorted vector searched by binary search.
// Must never: accept nested JSON values as merge values.
#include "protocol/merge_template_vars.hpp"

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

namespace volley::protocol {
namespace {

auto lower_bound_by_name(std::vector<std::pair<std::string, std::string>>& entries,
                         std::string_view name) {
  return std::lower_bound(
      entries.begin(), entries.end(), name,
      [](const auto& entry, std::string_view key) { return entry.first < key; });
}

} // namespace

Result<MergeVars> MergeVars::from_json(std::string_view vars_json) {
  MergeVars vars;
  if (vars_json.empty())
    return vars;
  boost::system::error_code ec;
  const boost::json::value parsed = boost::json::parse(vars_json, ec);
  if (ec || !parsed.is_object())
    return make_error(error_code::invalid_request, "recipient vars are not a JSON object");
  for (const auto& member : parsed.as_object()) {
    const boost::json::value& value = member.value();
    if (value.is_string())
      vars.set(member.key(), value.as_string());
    else if (value.is_number() || value.is_bool())
      vars.set(member.key(), boost::json::serialize(value));
    else
      return make_error(error_code::invalid_request, "recipient vars member \"" +
                                                         std::string(member.key()) +
                                                         "\" must be a string, number or boolean");
  }
  return vars;
}

void MergeVars::set(std::string_view name, std::string_view value) {
  const auto it = lower_bound_by_name(entries_, name);
  if (it != entries_.end() && it->first == name)
    it->second.assign(value);
  else
    entries_.emplace(it, std::string(name), std::string(value));
}

std::optional<std::string_view> MergeVars::find(std::string_view name) const {
  const auto it =
      std::lower_bound(entries_.begin(), entries_.end(), name,
                       [](const auto& entry, std::string_view key) { return entry.first < key; });
  if (it == entries_.end() || it->first != name)
    return std::nullopt;
  return it->second;
}

} // namespace volley::protocol
