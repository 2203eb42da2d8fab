// Text renderings of control API answers (field names from shared API.md). Never assumes a field
// exists or has the documented type: a renderer degrades to empty cells, not to a crash.
#include "tools/volleyctl_output.hpp"

#include <boost/json.hpp>

#include "tools/cli_table.hpp"

namespace volley::tools {
namespace {

namespace json = boost::json;

const json::value* field(const json::value& object, std::string_view key) {
  const json::object* o = object.if_object();
  return o ? o->if_contains(key) : nullptr;
}

std::string text_of(const json::value& object, std::string_view key) {
  return json_field_text(field(object, key));
}

const json::array* array_field(const json::value& object, std::string_view key) {
  const json::value* value = field(object, key);
  return value ? value->if_array() : nullptr;
}

std::string count_text(const json::value* counts, std::string_view key) {
  return std::to_string(counts ? json_field_count(*counts, key) : 0);
}

std::string plural(std::uint64_t n, std::string_view one, std::string_view many) {
  return std::to_string(n) + " " + std::string(n == 1 ? one : many);
}

} // namespace

std::string json_field_text(const json::value* value) {
  if (!value || value->is_null())
    return "";
  if (const json::string* s = value->if_string())
    return std::string(*s);
  return json::serialize(*value);
}

std::uint64_t json_field_count(const json::value& object, std::string_view key) {
  const json::value* value = field(object, key);
  if (!value)
    return 0;
  if (const std::uint64_t* u = value->if_uint64())
    return *u;
  if (const std::int64_t* i = value->if_int64())
    return *i > 0 ? static_cast<std::uint64_t>(*i) : 0;
  return 0;
}

std::optional<std::string> json_next_cursor(const json::value& answer) {
  const json::value* next = field(answer, "next");
  if (!next || next->is_null())
    return std::nullopt;
  return json_field_text(next);
}

std::string render_error_answer(int status, std::string_view body) {
  json::error_code ec;
  json::value answer = json::parse(body, ec);
  if (!ec && field(answer, "error")) {
    return "error: " + text_of(answer, "error") + ": " + text_of(answer, "message");
  }
  std::string text(body.substr(0, 300));
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r'))
    text.pop_back();
  return "error: HTTP " + std::to_string(status) + (text.empty() ? "" : ": " + text);
}

std::string render_campaign_table(const json::value& answer) {
  const json::array* list = answer.if_array();
  if (!list)
    list = array_field(answer, "campaigns");
  if (!list || list->empty())
    return "no campaigns\n";
  TextTable table({"ID", "STATE", "QUEUED", "IN_FLIGHT", "DELIVERED", "DEFERRED", "BOUNCED",
                   "SUPPRESSED", "EXPIRED", "CANCELLED"});
  for (std::size_t c = 2; c < 10; ++c)
    table.align_right(c);
  for (const json::value& campaign : *list) {
    const json::value* counts = field(campaign, "counts");
    std::uint64_t bounced = counts ? json_field_count(*counts, "bounced_hard") +
                                         json_field_count(*counts, "bounced_soft")
                                   : 0;
    table.add_row({text_of(campaign, "id"), text_of(campaign, "state"),
                   count_text(counts, "queued"), count_text(counts, "in_flight"),
                   count_text(counts, "delivered"), count_text(counts, "deferred"),
                   std::to_string(bounced), count_text(counts, "suppressed"),
                   count_text(counts, "expired"), count_text(counts, "cancelled")});
  }
  return table.render();
}

std::string render_campaign_status(const json::value& answer) {
  std::vector<std::pair<std::string, std::string>> lines{{"id", text_of(answer, "id")},
                                                         {"state", text_of(answer, "state")}};
  for (const char* key : {"kind", "from", "created_at", "not_before", "total"}) {
    if (field(answer, key))
      lines.emplace_back(key, text_of(answer, key));
  }
  const json::value* counts = field(answer, "counts");
  for (const char* key : {"queued", "in_flight", "delivered", "deferred", "bounced_hard",
                          "bounced_soft", "suppressed", "expired", "cancelled"}) {
    lines.emplace_back(key, count_text(counts, key));
  }
  const json::value* tags = field(answer, "tags");
  if (tags && tags->is_object() && !tags->as_object().empty()) {
    std::string text;
    for (const auto& tag : tags->as_object()) {
      text +=
          (text.empty() ? "" : ", ") + std::string(tag.key()) + "=" + json_field_text(&tag.value());
    }
    lines.emplace_back("tags", text);
  }
  return render_key_values(lines);
}

std::string render_recipient_counts(const json::value& answer) {
  std::uint64_t rejected = json_field_count(answer, "rejected_count");
  const json::array* list = array_field(answer, "rejected");
  if (!field(answer, "rejected_count") && list)
    rejected = list->size();
  return std::to_string(json_field_count(answer, "accepted")) + " accepted, " +
         plural(json_field_count(answer, "duplicates"), "duplicate", "duplicates") + ", " +
         std::to_string(json_field_count(answer, "suppressed")) + " suppressed, " +
         std::to_string(rejected) + " rejected";
}

std::string render_rejections(const json::value& answer, std::size_t max_rows) {
  const json::array* list = array_field(answer, "rejected");
  if (!list || list->empty())
    return "";
  std::uint64_t total =
      std::max<std::uint64_t>(json_field_count(answer, "rejected_count"), list->size());
  std::size_t shown = std::min<std::size_t>(list->size(), max_rows);
  TextTable table({"INDEX", "TO", "ERROR"});
  table.align_right(0);
  table.limit_width(1, 60);
  for (std::size_t i = 0; i < shown; ++i) {
    const json::value& r = (*list)[i];
    table.add_row({text_of(r, "index"), text_of(r, "to"), text_of(r, "error")});
  }
  std::string heading = shown < total ? "rejected (first " + std::to_string(shown) + " of " +
                                            std::to_string(total) + "):\n"
                                      : "rejected:\n";
  return heading + table.render();
}

std::string render_suppressions(const json::value& answer) {
  const json::array* records = array_field(answer, "records");
  if (!records || records->empty())
    return "no suppressed addresses\n";
  TextTable table({"ADDRESS", "REASON", "SOURCE", "AT"});
  table.limit_width(1, 50);
  for (const json::value& r : *records) {
    table.add_row(
        {text_of(r, "address"), text_of(r, "reason"), text_of(r, "source"), text_of(r, "at")});
  }
  return table.render();
}

std::string render_bounces(const json::value& answer) {
  const json::array* records = array_field(answer, "records");
  if (!records || records->empty())
    return "no bounces\n";
  TextTable table(
      {"AT", "CAMPAIGN", "RECIPIENT", "KIND", "STATUS", "CODE", "REASON", "DIAGNOSTIC"});
  table.align_right(5);
  table.limit_width(7, 60);
  for (const json::value& r : *records) {
    table.add_row({text_of(r, "at"), text_of(r, "campaign"), text_of(r, "recipient"),
                   text_of(r, "kind"), text_of(r, "status"), text_of(r, "smtp_code"),
                   text_of(r, "reason"), text_of(r, "diagnostic")});
  }
  return table.render();
}

std::string render_queues(const json::value& answer) {
  if (text_of(answer, "delivery") == "off")
    return "delivery is off in volleyd's config ([delivery] enabled = false)\n";
  const json::array* sites = array_field(answer, "sites");
  std::string head = "in memory: " + text_of(answer, "jobs_in_memory") +
                     " recipient(s), connections open: " + text_of(answer, "connections_open") +
                     "\n";
  if (!sites || sites->empty())
    return head + "no destination sites yet\n";
  TextTable table({"SITE", "TLS", "QUEUED", "CONN", "IDLE", "DELIVERED", "DEFERRED", "BOUNCED",
                   "DOMAINS", "LAST ERROR"});
  for (std::size_t c = 2; c <= 7; ++c)
    table.align_right(c);
  table.limit_width(0, 40);
  table.limit_width(8, 30);
  table.limit_width(9, 60);
  for (const json::value& s : *sites) {
    std::string domains;
    if (const json::array* d = array_field(s, "domains")) {
      for (const json::value& name : *d)
        domains += (domains.empty() ? "" : ",") + json_field_text(&name);
    }
    std::string error = text_of(s, "last_error");
    if (!text_of(s, "suspended_until_ms").empty())
      error = "(suspended) " + error;
    table.add_row({text_of(s, "site"), text_of(s, "tls"), text_of(s, "queued"),
                   text_of(s, "connections"), text_of(s, "idle_connections"),
                   text_of(s, "delivered"), text_of(s, "deferred"), text_of(s, "bounced"), domains,
                   error});
  }
  return head + table.render();
}

std::string render_flat_object(const json::value& answer) {
  std::vector<std::pair<std::string, std::string>> lines;
  std::vector<std::pair<std::string, const json::value*>> pending{{"", &answer}};
  while (!pending.empty()) {
    auto [prefix, value] = pending.front();
    pending.erase(pending.begin());
    if (const json::object* o = value->if_object()) {
      std::size_t at = 0;
      for (const auto& item : *o) {
        std::string key =
            prefix.empty() ? std::string(item.key()) : prefix + "." + std::string(item.key());
        pending.insert(pending.begin() + static_cast<std::ptrdiff_t>(at++), {key, &item.value()});
      }
    } else {
      lines.emplace_back(prefix.empty() ? "value" : prefix, json_field_text(value));
    }
  }
  return render_key_values(lines);
}

} // namespace volley::tools
