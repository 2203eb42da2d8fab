// Text renderings of control API answers (field names from shared API.md). Never assumes a field
// exists or has the documented type: a renderer degrades to empty cells, not to a crash.
#include "tools/volleyctl_output.hpp"

#include <boost/json.hpp>
#include <cstdio>

#include "tools/cli_table.hpp"
#include "tools/progress_bar.hpp"

namespace volley::tools {
namespace {

namespace json = boost::json;

const json::array* array_field(const json::value& object, std::string_view key) {
  const json::value* value = field(object, key);
  return value ? value->if_array() : nullptr;
}

std::string count_text(const json::value* counts, std::string_view key) {
  return format_count(counts ? json_field_count(*counts, key) : 0);
}

// "2026-11-23 10:00:00" and, when now_ms is known, " (5m ago)".
std::string time_with_age(const std::string& rfc3339, std::int64_t now_ms) {
  std::string text = format_timestamp(rfc3339);
  auto at = parse_rfc3339_ms(rfc3339);
  if (at && now_ms > 0)
    text += " (" + format_age(*at, now_ms) + ")";
  return text;
}

// An age ("5m ago") when now_ms is known, else the shortened time.
std::string age_or_time(const std::string& rfc3339, std::int64_t now_ms) {
  auto at = parse_rfc3339_ms(rfc3339);
  return at && now_ms > 0 ? format_age(*at, now_ms) : format_timestamp(rfc3339);
}

std::string painted_state(const std::string& state, const TerminalStyle& style) {
  return paint(state, campaign_state_color(state), style.color);
}

std::string plural(std::uint64_t n, std::string_view one, std::string_view many) {
  return std::to_string(n) + " " + std::string(n == 1 ? one : many);
}

} // namespace

const json::value* field(const json::value& object, std::string_view key) {
  const json::object* o = object.if_object();
  return o ? o->if_contains(key) : nullptr;
}

std::string text_of(const json::value& object, std::string_view key) {
  return json_field_text(field(object, key));
}

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

CampaignProgress campaign_progress(const json::value& campaign) {
  CampaignProgress progress;
  const json::value* counts = field(campaign, "counts");
  if (counts) {
    for (const char* key :
         {"delivered", "bounced_hard", "bounced_soft", "suppressed", "expired", "cancelled"})
      progress.done += json_field_count(*counts, key);
    for (const char* key : {"queued", "in_flight", "deferred"})
      progress.left += json_field_count(*counts, key);
  }
  progress.total = field(campaign, "total") ? json_field_count(campaign, "total")
                                            : progress.done + progress.left;
  return progress;
}

namespace {

const json::array* campaign_list(const json::value& answer) {
  const json::array* list = answer.if_array();
  return list ? list : array_field(answer, "campaigns");
}

} // namespace

std::string render_campaign_table(const json::value& answer, const TerminalStyle& style,
                                  std::int64_t now_ms) {
  const json::array* list = campaign_list(answer);
  if (!list || list->empty())
    return "no campaigns\n";
  TextTable table({"ID", "STATE", "TOTAL", "DONE", "QUEUED", "IN_FLIGHT", "DELIVERED", "DEFERRED",
                   "BOUNCED", "SUPPRESSED", "EXPIRED", "CANCELLED", "CREATED"});
  for (std::size_t c = 2; c < 12; ++c)
    table.align_right(c);
  table.limit_width(0, 40);
  for (const json::value& campaign : *list) {
    const json::value* counts = field(campaign, "counts");
    std::uint64_t bounced = counts ? json_field_count(*counts, "bounced_hard") +
                                         json_field_count(*counts, "bounced_soft")
                                   : 0;
    CampaignProgress progress = campaign_progress(campaign);
    table.add_row({text_of(campaign, "id"), painted_state(text_of(campaign, "state"), style),
                   format_count(progress.total),
                   progress.total == 0 ? "-" : format_percent(progress.done, progress.total),
                   count_text(counts, "queued"), count_text(counts, "in_flight"),
                   count_text(counts, "delivered"), count_text(counts, "deferred"),
                   format_count(bounced), count_text(counts, "suppressed"),
                   count_text(counts, "expired"), count_text(counts, "cancelled"),
                   age_or_time(text_of(campaign, "created_at"), now_ms)});
  }
  return table.render();
}

std::string render_campaign_ids(const json::value& answer) {
  std::string out;
  if (const json::array* list = campaign_list(answer)) {
    for (const json::value& campaign : *list)
      out += text_of(campaign, "id") + "\n";
  }
  return out;
}

std::string render_campaign_status(const json::value& answer, const TerminalStyle& style,
                                   std::int64_t now_ms) {
  std::vector<std::pair<std::string, std::string>> lines{
      {"id", text_of(answer, "id")}, {"state", painted_state(text_of(answer, "state"), style)}};
  for (const char* key : {"kind", "from"}) {
    if (field(answer, key))
      lines.emplace_back(key, text_of(answer, key));
  }
  if (field(answer, "created_at"))
    lines.emplace_back("created", time_with_age(text_of(answer, "created_at"), now_ms));
  // volleyd reports not_before = created_at when none was given: show it only when it holds back.
  auto not_before = parse_rfc3339_ms(text_of(answer, "not_before"));
  auto created = parse_rfc3339_ms(text_of(answer, "created_at"));
  if (not_before && (!created || *not_before > *created))
    lines.emplace_back("not before", time_with_age(text_of(answer, "not_before"), now_ms));
  if (field(answer, "expires_after_seconds")) {
    lines.emplace_back("expires after", format_duration(static_cast<double>(
                                            json_field_count(answer, "expires_after_seconds"))));
  }
  if (field(answer, "message_bytes"))
    lines.emplace_back("message size", format_bytes(json_field_count(answer, "message_bytes")));
  CampaignProgress progress = campaign_progress(answer);
  lines.emplace_back("progress", format_count(progress.done) + " of " +
                                     format_count(progress.total) + " done (" +
                                     format_percent(progress.done, progress.total) + "), " +
                                     format_count(progress.left) + " to go");
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
  if (field(answer, "unsubscribe_url"))
    lines.emplace_back("unsubscribe url", text_of(answer, "unsubscribe_url"));
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

std::string render_suppressions(const json::value& answer, const TerminalStyle& style) {
  const json::array* records = array_field(answer, "records");
  if (!records || records->empty())
    return "no suppressed addresses\n";
  TextTable table({"ADDRESS", "REASON", "SOURCE", "AT"});
  table.limit_width(1, 50);
  table.fit_to_width(1, style.width);
  for (const json::value& r : *records) {
    table.add_row({text_of(r, "address"), text_of(r, "reason"), text_of(r, "source"),
                   format_timestamp(text_of(r, "at"))});
  }
  return table.render();
}

std::string render_bounces(const json::value& answer, const TerminalStyle& style,
                           bool show_campaign) {
  const json::array* records =
      answer.if_array() ? answer.if_array() : array_field(answer, "records");
  if (!records || records->empty())
    return "no bounces\n";
  std::vector<std::string> headers{"AT",   "RECIPIENT", "KIND",      "STATUS",
                                   "CODE", "REASON",    "DIAGNOSTIC"};
  if (show_campaign)
    headers.insert(headers.begin() + 1, "CAMPAIGN");
  std::size_t shift = show_campaign ? 1 : 0;
  TextTable table(std::move(headers));
  table.align_right(4 + shift);
  table.limit_width(1 + shift, 50);
  table.limit_width(6 + shift, 80);
  table.fit_to_width(6 + shift, style.width, 20);
  for (const json::value& r : *records) {
    std::string kind = text_of(r, "kind");
    TextColor color = kind == "hard" ? TextColor::red : TextColor::yellow;
    std::vector<std::string> row{format_timestamp(text_of(r, "at")),
                                 text_of(r, "recipient"),
                                 paint(kind, color, style.color),
                                 text_of(r, "status"),
                                 text_of(r, "smtp_code"),
                                 text_of(r, "reason"),
                                 text_of(r, "diagnostic")};
    if (show_campaign)
      row.insert(row.begin() + 1, text_of(r, "campaign"));
    table.add_row(std::move(row));
  }
  return table.render();
}

std::string render_health(const json::value& answer, const TerminalStyle& style) {
  std::string status = text_of(answer, "status");
  std::vector<std::pair<std::string, std::string>> lines{
      {"status", paint(status, status == "ok" ? TextColor::green : TextColor::red, style.color)}};
  const json::value* spool = field(answer, "spool");
  if (spool && spool->is_object()) {
    lines.emplace_back("spool size",
                       format_bytes(json_field_count(*spool, "used_bytes")) + " used of " +
                           format_bytes(json_field_count(*spool, "map_bytes")) + " mapped");
    lines.emplace_back("commits", format_count(json_field_count(*spool, "commits")));
    lines.emplace_back("waiting writes", format_count(json_field_count(*spool, "queued_requests")));
    char last[32];
    std::snprintf(last, sizeof last, "%.1f ms",
                  static_cast<double>(json_field_count(*spool, "last_commit_us")) / 1000.0);
    lines.emplace_back("last commit", last);
  }
  return render_key_values(lines);
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
