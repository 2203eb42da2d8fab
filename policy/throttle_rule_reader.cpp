// Reading [[throttle]] rules (see throttle_rule_reader.hpp). Never keeps a rule whose regex does
// not compile, whose conditions contradict each other, or whose action lacks what it needs.
#include "policy/throttle_rule_reader.hpp"

#include <algorithm>
#include <sstream>

#include "policy/policy_settings_reader.hpp"
#include "policy/policy_table_reader.hpp"

namespace volley::policy {
namespace {

constexpr std::size_t max_name_length = 64;
constexpr std::size_t max_text_pattern = 1000;
constexpr std::int64_t max_duration_ms = 7ll * 86400 * 1000;
const std::vector<std::string_view> rule_keys{"name",   "code",   "status",   "text",
                                              "groups", "action", "duration", "factor"};
const std::vector<std::string_view> action_names{"suspend", "slow_down", "bounce"};

std::string rule_key_placement(std::string_view key) {
  for (std::string_view setting : policy_setting_keys()) {
    if (key == setting) {
      return "`" + std::string(key) +
             "` is a per-site setting: set it in [defaults], [group.NAME] or [domain.\"...\"]";
    }
  }
  return policy_setting_placement(key);
}

// "4", "4.", "4.7", "4.7.", "4.7.28": a class digit 4 or 5, then up to two dot-separated numbers
// of 1 to 3 digits, optionally ending in a dot.
bool is_status_prefix(std::string_view text) {
  if (text.empty() || (text[0] != '4' && text[0] != '5'))
    return false;
  std::size_t parts = 1, digits = 1;
  for (std::size_t i = 1; i < text.size(); ++i) {
    if (text[i] == '.') {
      if (digits == 0 || parts == 3)
        return false;
      ++parts;
      digits = 0;
    } else if (text[i] >= '0' && text[i] <= '9' && digits < 3) {
      ++digits;
    } else {
      return false;
    }
  }
  return true;
}

class RuleReader {
public:
  RuleReader(PolicyTableReader& reader, const std::vector<ProviderGroup>& groups)
      : reader_(reader), groups_(groups) {}

  void conditions(ThrottleRule& rule) {
    rule.code = code();
    status(rule);
    text(rule);
    rule.groups = group_names();
    if (!reader_.get("code") && !reader_.get("status") && !reader_.get("text")) {
      reader_.report_table("has no condition",
                           "add code (421, or 4 for any 4xx), status (\"4.7.28\") and/or text (a "
                           "regex): a rule without one would act on every reply");
    }
    if (rule.code && !rule.status_prefix.empty() &&
        class_of(*rule.code) != rule.status_prefix[0] - '0') {
      reader_.report("status",
                     reader_.key_name("status") + " \"" + rule.status_prefix +
                         "\" can never match code " + std::to_string(*rule.code),
                     "a reply's enhanced status has the class of its code: " +
                         std::to_string(class_of(*rule.code)) + ".x.x for " +
                         std::to_string(class_of(*rule.code)) + "xx replies");
    }
  }

  void action(ThrottleRule& rule) {
    auto name = reader_.read_string("action");
    if (!reader_.get("action")) {
      reader_.report_table("has no `action`",
                           "add action = \"suspend\" (stop sending to the site for duration), "
                           "\"slow_down\" (multiply its rate by factor) or \"bounce\"");
    }
    if (!name)
      return;
    auto known = std::find(action_names.begin(), action_names.end(), *name);
    if (known == action_names.end()) {
      std::string suggestion = closest_name(*name, action_names);
      reader_.report("action", reader_.key_name("action") + ": unknown action \"" + *name + "\"",
                     suggestion.empty() ? "use suspend, slow_down or bounce"
                                        : "did you mean \"" + suggestion +
                                              "\"? (actions: suspend, slow_down, bounce)");
      return;
    }
    rule.action = static_cast<ThrottleAction>(known - action_names.begin());
    action_arguments(rule);
  }

private:
  static int class_of(int code) { return code < 10 ? code : code / 100; }

  std::optional<int> code() {
    const toml::node* node = reader_.get("code");
    if (node && node->is_string() && node->as_string()->get().size() == 3 &&
        node->as_string()->get().ends_with("xx")) {
      const std::string& text = node->as_string()->get();
      reader_.report("code", reader_.key_name("code") + " = \"" + text + "\" is not a number",
                     "write code = " + text.substr(0, 1) + " for any " + text + " reply");
      return std::nullopt;
    }
    auto value = reader_.read_count("code", 4, 599,
                                    "use a reply code from 400 to 599, or 4 (any 4xx) or 5 (any "
                                    "5xx)");
    if (value && *value > 5 && *value < 400) {
      reader_.report("code",
                     reader_.key_name("code") + " = " + std::to_string(*value) + " is out of range",
                     "use a reply code from 400 to 599, or 4 (any 4xx) or 5 (any 5xx)");
      return std::nullopt;
    }
    return value ? std::optional<int>(static_cast<int>(*value)) : std::nullopt;
  }

  void status(ThrottleRule& rule) {
    auto text = reader_.read_string("status");
    if (!text)
      return;
    if (!is_status_prefix(*text)) {
      return reader_.report("status",
                            reader_.key_name("status") + " \"" + *text +
                                "\" is not an enhanced status code",
                            "write class.subject.detail (RFC 3463) or its start: \"4.7.28\", "
                            "\"4.7\" or \"5\"");
    }
    rule.status_prefix = *text;
  }

  void text(ThrottleRule& rule) {
    auto pattern = reader_.read_string("text");
    if (!pattern)
      return;
    if (pattern->empty() || pattern->size() > max_text_pattern) {
      return reader_.report("text",
                            reader_.key_name("text") +
                                (pattern->empty() ? " is empty" : " is over 1000 characters"),
                            "write a regular expression for the reply text, e.g. \"rate limit|try "
                            "again later\", or leave text out");
    }
    try {
      rule.text.emplace(*pattern, std::regex::ECMAScript | std::regex::icase);
      rule.text_pattern = *pattern;
    } catch (const std::regex_error& e) {
      reader_.report("text",
                     reader_.key_name("text") + " is not a valid regular expression: " + e.what(),
                     "ECMAScript syntax, case-insensitive; a literal dot or parenthesis is \\\\. "
                     "or \\\\( inside \"...\" (\\. or \\( inside '...')");
    }
  }

  std::vector<std::string> group_names() {
    auto items = reader_.read_string_list("groups", "write each group name in quotes, e.g. "
                                                    "\"gmail\"");
    if (!items)
      return {};
    if (items->empty()) {
      reader_.report("groups", reader_.key_name("groups") + " is empty",
                     "name the [group.NAME] tables the rule is for, or leave groups out for "
                     "every site");
      return {};
    }
    std::vector<std::string_view> known;
    for (const ProviderGroup& group : groups_)
      known.push_back(group.name);
    std::vector<std::string> names;
    for (const ConfigListItem& item : *items) {
      if (std::find(known.begin(), known.end(), item.text) != known.end()) {
        names.push_back(item.text);
        continue;
      }
      std::string suggestion = closest_name(item.text, known);
      reader_.report_at(
          item.at, "groups", reader_.key_name("groups") + ": there is no [group." + item.text + "]",
          !suggestion.empty() ? "did you mean \"" + suggestion + "\"?"
          : known.empty()     ? "define the group first: [group." + item.text + "] with mx = [...]"
                              : "groups: " + join_names(known));
    }
    return names;
  }

  void action_arguments(ThrottleRule& rule) {
    const bool timed = rule.action != ThrottleAction::bounce;
    auto duration = reader_.read_duration_ms(
        "duration", 1000, max_duration_ms, false,
        "use 1s to 7d: how long the site stays suspended or slowed, e.g. \"15m\"");
    if (duration)
      rule.duration_ms = *duration;
    if (!timed && reader_.get("duration")) {
      reader_.report("duration", reader_.key_name("duration") + " has no use with bounce",
                     "remove it: only suspend and slow_down last a while");
    } else if (timed && !reader_.get("duration")) {
      reader_.report_table(
          std::string("has action ") + to_string(rule.action) + " but no `duration`",
          "add duration = \"15m\": how long the site stays " +
              std::string(rule.action == ThrottleAction::suspend ? "suspended" : "slowed"));
    }
    factor(rule);
    if (rule.action == ThrottleAction::bounce &&
        ((rule.code && class_of(*rule.code) == 5) || rule.status_prefix.starts_with('5'))) {
      reader_.report("action", reader_.title() + " bounces 5xx replies, which bounce already",
                     "bounce turns temporary (4xx) replies that really mean \"never\" into hard "
                     "bounces: match a 4xx code or status");
    }
  }

  void factor(ThrottleRule& rule) {
    const std::string_view hint =
        "use a number between 0 and 1: the site's rate is multiplied by it, e.g. 0.5 halves it";
    auto value = reader_.read_number("factor", hint);
    if (rule.action != ThrottleAction::slow_down) {
      if (reader_.get("factor")) {
        reader_.report("factor",
                       reader_.key_name("factor") + " has no use with " + to_string(rule.action),
                       "remove it, or use action = \"slow_down\"");
      }
      return;
    }
    if (!reader_.get("factor")) {
      return reader_.report_table("has action slow_down but no `factor`",
                                  "add factor = 0.5: the site's rate is multiplied by it on each "
                                  "matching reply");
    }
    if (value && (*value <= 0 || *value >= 1)) {
      std::ostringstream shown;
      shown << *value;
      return reader_.report(
          "factor", reader_.key_name("factor") + " = " + shown.str() + " is out of range", hint);
    }
    if (value)
      rule.factor = *value;
  }

  PolicyTableReader& reader_;
  const std::vector<ProviderGroup>& groups_;
};

std::string rule_title(const toml::table& table, std::size_t index) {
  const toml::node* name = table.get("name");
  if (name && name->is_string() && !name->as_string()->get().empty() &&
      name->as_string()->get().size() <= max_name_length)
    return "[[throttle]] \"" + name->as_string()->get() + "\"";
  return "[[throttle]] #" + std::to_string(index + 1);
}

} // namespace

void read_throttle_rules(const toml::node& section, const std::vector<ProviderGroup>& groups,
                         ConfigDiagnostics& diagnostics, std::vector<ThrottleRule>& out) {
  const toml::array* rules = section.as_array();
  if (!rules) {
    diagnostics.add(toml_position(section.source()),
                    "`throttle` must be an array of tables, got " +
                        std::string(toml_type_name(section)),
                    "write each rule under its own [[throttle]] line (double brackets)");
    return;
  }
  std::vector<std::pair<std::string, SourcePosition>> names;
  for (std::size_t i = 0; i < rules->size(); ++i) {
    const toml::node& node = *rules->get(i);
    const toml::table* table = node.as_table();
    if (!table) {
      diagnostics.add(toml_position(node.source()),
                      "`throttle` entry " + std::to_string(i + 1) + " must be a table, got " +
                          std::string(toml_type_name(node)),
                      "write each rule under its own [[throttle]] line (double brackets)");
      continue;
    }
    PolicyTableReader reader(*table, rule_title(*table, i), diagnostics);
    reader.check_keys(rule_keys, rule_key_placement);
    ThrottleRule rule;
    rule.name = reader.read_string("name").value_or("throttle-" + std::to_string(i + 1));
    if (rule.name.empty() || rule.name.size() > max_name_length) {
      reader.report("name", reader.key_name("name") + " must be 1 to 64 characters",
                    "name the rule for logs and metrics, e.g. \"gmail-rate-limit\"");
    }
    for (const auto& [other, at] : names) {
      if (other == rule.name && reader.get("name")) {
        reader.report("name",
                      reader.title() + " repeats the name of line " + std::to_string(at.line),
                      "give each rule its own name: logs and metrics tell rules apart by it");
      }
    }
    names.emplace_back(rule.name, reader.where("name"));
    RuleReader rule_reader(reader, groups);
    rule_reader.conditions(rule);
    rule_reader.action(rule);
    out.push_back(std::move(rule));
  }
}

} // namespace volley::policy
