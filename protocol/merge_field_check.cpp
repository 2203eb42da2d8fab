// first_missing_merge_field (see merge_field_check.hpp). The scan looks for "name": in the vars
// text. Field names need no JSON escaping, and in valid compact JSON an unescaped quote followed by
// a name, a quote and a colon can only be a member key, so a hit is never wrong; a miss (a key
// written with \u escapes, or whitespace) is confirmed by parsing.
#include "protocol/merge_field_check.hpp"

#include <algorithm>

#include "protocol/merge_template.hpp"
#include "protocol/merge_template_vars.hpp"

namespace volley::protocol {
namespace {

bool has_key_text(std::string_view vars_json, std::string_view name) {
  std::size_t from = 0;
  while (true) {
    auto at = vars_json.find(name, from);
    if (at == std::string_view::npos)
      return false;
    std::size_t end = at + name.size();
    if (at > 0 && vars_json[at - 1] == '"' && end + 1 < vars_json.size() && vars_json[end] == '"' &&
        vars_json[end + 1] == ':') {
      return true;
    }
    from = at + 1;
  }
}

} // namespace

std::optional<std::string_view> first_missing_merge_field(const std::vector<std::string>& fields,
                                                          std::string_view vars_json) {
  bool all_found = true;
  for (const std::string& field : fields) {
    if (!has_key_text(vars_json, field)) {
      all_found = false;
      break;
    }
  }
  if (all_found)
    return std::nullopt;
  auto vars = MergeVars::from_json(vars_json);
  if (!vars)
    return std::string_view(fields.front());
  for (const std::string& field : fields) {
    if (!vars->find(field))
      return std::string_view(field);
  }
  return std::nullopt;
}

std::string missing_merge_field_error(std::string_view field) {
  return "missing merge field \"" + std::string(field) + "\" (the message uses {{" +
         std::string(field) + "}}; add it to this recipient's \"vars\")";
}

Result<std::vector<std::string>> campaign_merge_field_names(std::string_view message,
                                                            std::string_view unsubscribe_url) {
  Result<MergeTemplate> compiled = compile_merge_template(message);
  if (!compiled)
    return make_error(error_code::invalid_request, "\"message\": " + compiled.error().message);
  std::vector<std::string> fields = compiled->fields();
  if (unsubscribe_url.empty())
    return fields;
  // The URL is compiled as the header field it becomes, so its placeholders follow header rules.
  std::string header = "List-Unsubscribe: <" + std::string(unsubscribe_url) + ">\r\n\r\n";
  Result<MergeTemplate> url = compile_merge_template(header);
  if (!url)
    return make_error(error_code::invalid_request, "\"unsubscribe_url\": " + url.error().message);
  fields.insert(fields.end(), url->fields().begin(), url->fields().end());
  std::sort(fields.begin(), fields.end());
  fields.erase(std::unique(fields.begin(), fields.end()), fields.end());
  return fields;
}

} // namespace volley::protocol
