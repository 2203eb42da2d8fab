// End-to-end sender identity: volleyd with [verp] and [headers] delivers to aiosmtpd (recording
// each transaction). Every recipient must get its own signed VERP envelope sender that decodes,
// with the key from the generated secret file (mode 0600), to its campaign and arrival order, and
// tampered addresses must not; VERP off batches recipients under the campaign's From. Message-ID,
// Date, List-Unsubscribe (signed mailto + the campaign's URL, personalised per recipient when
// templated), List-Unsubscribe-Post and Feedback-ID are added exactly once and never next to the
// message's own; transactional messages get no List-Unsubscribe; bad unsubscribe URLs are 400s that
// store nothing; a VERP secret readable by others stops start-up. Loopback only; polls with
// deadlines, never asserts on timing, never reads a secret other than the test daemon's own.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <ostream>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "integration/delivery_harness.hpp"
#include "protocol/verp_address.hpp"
#include "support/aiosmtpd_server.hpp"
#include "support/volleyd_process.hpp"

namespace volley::protocol {
void PrintTo(const VerpFields& f, std::ostream* os) { // readable gtest failure messages
  *os << "{campaign_seq " << f.campaign_seq << ", recipient_seq " << f.recipient_seq << "}";
}
} // namespace volley::protocol

namespace volley::testing_support {
namespace {

using protocol::VerpFields;
using protocol::VerpKey;
using std::chrono::seconds;

const std::string kIdentityOn = "[verp]\nenabled = true\n[headers]\n";

VolleydSettings delivering_with(const std::string& host_port, const std::string& sections) {
  VolleydSettings settings;
  settings.durable = false;
  settings.delivery_toml = delivery_toml_to(host_port, "", sections);
  return settings;
}

std::string file_text(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

boost::json::object campaign_body(const std::string& id, const std::string& message,
                                  const std::vector<std::string>& addresses) {
  boost::json::array list;
  for (const auto& a : addresses)
    list.push_back(boost::json::object{{"to", a}});
  return {{"id", id}, {"from", "news@sender.test"}, {"message", message}, {"recipients", list}};
}

// The string member `key` of an answer, "" when there is none.
std::string string_at(const boost::json::value& answer, const char* key) {
  const auto* value = answer.is_object() ? answer.as_object().if_contains(key) : nullptr;
  return value && value->is_string() ? std::string(value->as_string()) : "";
}

// POST `body` to `path`; {HTTP status, parsed answer}.
std::pair<unsigned, boost::json::value>
post_json(const VolleydProcess& daemon, const std::string& path, const boost::json::object& body) {
  auto answer = daemon.client().request("POST", path, boost::json::serialize(body));
  EXPECT_TRUE(answer.ok()) << (answer ? std::string() : answer.error().message);
  if (!answer)
    return {0, {}};
  return {answer->status, parse_answer(answer->body)};
}

// aiosmtpd and a volleyd routing everything to it, with the given [verp] / [headers] tables.
struct Rig {
  AiosmtpdServer server;
  std::optional<VolleydProcess> daemon;
  explicit Rig(const std::string& sections) {
    server.start();
    daemon.emplace(delivering_with(server.address(), sections));
    daemon->start();
  }
  // POSTs `body` to `path` (202 expected), then waits until that campaign has n delivered and
  // nothing pending and the server has seen `transactions` in all; {answer, last status}.
  std::pair<boost::json::value, boost::json::value> deliver(const std::string& path,
                                                            const boost::json::object& body,
                                                            std::uint64_t n,
                                                            std::size_t transactions) {
    auto [code, answer] = post_json(*daemon, path, body);
    EXPECT_EQ(code, 202u) << serialize(answer);
    if (code != 202u)
      return {answer, {}};
    auto client = daemon->client();
    auto status = wait_for_campaign(
        client, std::string(answer.at("id").as_string()),
        [n](const auto& s) { return settled(s) && count_of(s, "delivered") == n; }, seconds(60));
    EXPECT_TRUE(server.wait_for_records(transactions, seconds(10)));
    return {answer, status};
  }
};

VerpKey key_of(const VolleydProcess& daemon) {
  std::ifstream in(daemon.dir() / "var" / "verp.secret");
  std::string secret;
  in >> secret;
  auto key = VerpKey::from_secret(secret);
  EXPECT_TRUE(key.ok()) << "cannot use the VERP secret file";
  return key.ok() ? *key : *VerpKey::from_secret(std::string(64, '0'));
}

// The campaign's creation time in ms from "created_at" (RFC 3339 UTC with milliseconds).
std::int64_t created_ms_of(const boost::json::value& status) {
  const std::string text(status.at("created_at").as_string());
  std::tm utc{};
  int millis = 0;
  EXPECT_EQ(std::sscanf(text.c_str(), "%d-%d-%dT%d:%d:%d.%dZ", &utc.tm_year, &utc.tm_mon,
                        &utc.tm_mday, &utc.tm_hour, &utc.tm_min, &utc.tm_sec, &millis),
            7)
      << text;
  utc.tm_year -= 1900;
  utc.tm_mon -= 1;
  return static_cast<std::int64_t>(::timegm(&utc)) * 1000 + millis;
}

// RFC 5322 date-time in UTC, written independently of the daemon's formatter.
std::string rfc5322_date(std::int64_t unix_ms) {
  static const char* days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::time_t seconds_since_epoch = static_cast<std::time_t>(unix_ms / 1000);
  std::tm utc{};
  ::gmtime_r(&seconds_since_epoch, &utc);
  char text[64];
  std::snprintf(text, sizeof text, "%s, %d %s %04d %02d:%02d:%02d +0000", days[utc.tm_wday],
                utc.tm_mday, months[utc.tm_mon], utc.tm_year + 1900, utc.tm_hour, utc.tm_min,
                utc.tm_sec);
  return text;
}

// "<token(campaign_seq, recipient_seq).created_ms@domain>": the documented Message-ID form.
std::string expected_message_id(const VerpKey& key, VerpFields fields, std::int64_t created_ms,
                                const std::string& domain) {
  std::string id = "<";
  protocol::append_verp_token(key, fields, id);
  return id + "." + std::to_string(created_ms) + "@" + domain + ">";
}

// The top-level header section: each field's unfolded value by lower-case name, in order.
struct Headers {
  std::multimap<std::string, std::string> fields;
  explicit Headers(const std::string& data) {
    std::istringstream in(data.substr(0, data.find("\r\n\r\n") + 2));
    std::string line;
    auto last = fields.end();
    while (std::getline(in, line)) {
      line.erase(line.find_last_not_of('\r') + 1);
      std::size_t colon = line.find(':');
      if (!line.empty() && (line[0] == ' ' || line[0] == '\t') && last != fields.end())
        last->second += line; // unfolding removes only the CRLF
      else if (colon != std::string::npos)
        last = fields.emplace(
            lower(line.substr(0, line.find_last_not_of(" \t", colon - 1) + 1)),
            line.substr(std::min(line.find_first_not_of(" \t", colon + 1), line.size())));
    }
  }
  std::size_t count(const std::string& name) const { return fields.count(lower(name)); }
  std::string value(const std::string& name) const {
    auto it = fields.lower_bound(lower(name)); // the first of that name
    return it == fields.end() || it->first != lower(name) ? "<absent>" : it->second;
  }
  static std::string lower(std::string text) {
    for (char& c : text)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
  }
};

VerpFields decoded(const VerpKey& key, const std::string& prefix, const std::string& domain,
                   const std::string& address) {
  auto fields = protocol::decode_verp(key, prefix, domain, address);
  EXPECT_TRUE(fields.ok()) << address << ": " << (fields ? "" : fields.error().code);
  return fields.ok() ? *fields : VerpFields{};
}

std::string decode_error(const VerpKey& key, const std::string& domain, const std::string& addr) {
  auto fields = protocol::decode_verp(key, "bounce", domain, addr);
  return fields.ok() ? "decoded" : fields.error().code;
}

// List-Unsubscribe must be "<mailto:unsubscribe-TOKEN@domain?subject=unsubscribe>" then ", <url>"
// (url "" = none), TOKEN naming the campaign itself (recipient_seq 0).
void expect_list_unsubscribe(const Headers& headers, const VerpKey& key, const std::string& domain,
                             std::uint32_t campaign_seq, const std::string& url) {
  const std::string value = headers.value("List-Unsubscribe");
  const std::string mailto = value.substr(8, value.find('?') - 8); // after "<mailto:"
  EXPECT_EQ(headers.count("List-Unsubscribe"), 1u);
  EXPECT_TRUE(mailto.ends_with("@" + domain)) << value;
  EXPECT_EQ(decoded(key, "unsubscribe", domain, mailto), (VerpFields{campaign_seq, 0}));
  EXPECT_EQ(value, "<mailto:" + mailto + "?subject=unsubscribe>" +
                       (url.empty() ? std::string() : ", <" + url + ">"));
}

TEST(SenderIdentity, VerpGivesEachRecipientItsOwnSignedEnvelope) {
  Rig rig(kIdentityOn);
  const auto recipients = numbered_recipients(5, "verp.test");
  auto [answer, status] =
      rig.deliver("/v1/campaigns", campaign_body("verp", simple_message(), recipients), 5, 5);
  ASSERT_TRUE(status.is_object() && count_of(status, "delivered") == 5u) << serialize(status);
  const auto records = rig.server.records();
  ASSERT_EQ(records.size(), 5u);

  const VerpKey key = key_of(*rig.daemon);
  std::set<std::string> senders;
  std::set<std::uint32_t> campaigns;
  std::map<std::string, std::uint64_t> seq_by_rcpt;
  for (const auto& record : records) {
    ASSERT_EQ(record.rcpts.size(), 1u) << record.mail_from;
    EXPECT_TRUE(record.mail_from.starts_with("bounce-")) << record.mail_from;
    EXPECT_TRUE(record.mail_from.ends_with("@sender.test")) << record.mail_from;
    VerpFields fields = decoded(key, "bounce", "sender.test", record.mail_from);
    senders.insert(record.mail_from);
    campaigns.insert(fields.campaign_seq);
    seq_by_rcpt[record.rcpts[0]] = fields.recipient_seq;
  }
  EXPECT_EQ(senders.size(), 5u);
  ASSERT_EQ(campaigns.size(), 1u);
  EXPECT_NE(*campaigns.begin(), 0u);
  for (std::size_t i = 0; i < recipients.size(); ++i)
    EXPECT_EQ(seq_by_rcpt[recipients[i]], i + 1) << recipients[i];

  // Negative controls: one MAC character changed, another domain, another key.
  const std::string sender = records[0].mail_from;
  std::string tampered = sender;
  char& c = tampered[tampered.find('@') - 2]; // inside the MAC, clear of base32 padding bits
  c = c == 'a' ? 'b' : 'a';
  EXPECT_EQ(decode_error(key, "sender.test", tampered), protocol::verp_error::bad_signature);
  EXPECT_EQ(decode_error(key, "other.test", sender), protocol::verp_error::not_verp);
  auto other_key = VerpKey::from_secret(std::string(64, '7'));
  ASSERT_TRUE(other_key.ok());
  EXPECT_EQ(decode_error(*other_key, "sender.test", sender), protocol::verp_error::bad_signature);

  // The generated secret: 32 random bytes as 64 hex digits and a newline, mode 0600.
  const auto secret_path = rig.daemon->dir() / "var" / "verp.secret";
  struct stat st {};
  ASSERT_EQ(::stat(secret_path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  const std::string secret = file_text(secret_path);
  ASSERT_EQ(secret.size(), 65u);
  EXPECT_EQ(secret.find_first_not_of("0123456789abcdef"), 64u);
  EXPECT_EQ(secret.back(), '\n');
}

TEST(SenderIdentity, VerpAndUnsubscribeAddressUseTheConfiguredBounceDomain) {
  Rig rig("[verp]\nbounce_domain = \"bounces.example.test\"\n[headers]\n");
  auto [answer, status] = rig.deliver(
      "/v1/campaigns", campaign_body("bd", simple_message(), {"ann@a.test", "bob@b.test"}), 2, 2);
  ASSERT_TRUE(status.is_object() && count_of(status, "delivered") == 2u) << serialize(status);
  const VerpKey key = key_of(*rig.daemon);
  std::set<std::uint64_t> seqs;
  for (const auto& record : rig.server.records()) {
    ASSERT_EQ(record.rcpts.size(), 1u);
    EXPECT_TRUE(record.mail_from.ends_with("@bounces.example.test")) << record.mail_from;
    VerpFields fields = decoded(key, "bounce", "bounces.example.test", record.mail_from);
    EXPECT_EQ(fields.recipient_seq, record.rcpts[0] == "ann@a.test" ? 1u : 2u);
    seqs.insert(fields.recipient_seq);
    EXPECT_EQ(decode_error(key, "sender.test", record.mail_from), protocol::verp_error::not_verp);
    Headers headers(record.data);
    expect_list_unsubscribe(headers, key, "bounces.example.test", fields.campaign_seq, "");
    EXPECT_EQ(headers.count("List-Unsubscribe-Post"), 0u); // no https URL: no one-click
  }
  EXPECT_EQ(seqs, (std::set<std::uint64_t>{1, 2}));
}

TEST(SenderIdentity, VerpOffBatchesAndSendsFromTheCampaignAddress) {
  Rig rig("[verp]\nenabled = false\n");
  const auto recipients = numbered_recipients(5, "batch.test");
  auto [answer, status] =
      rig.deliver("/v1/campaigns", campaign_body("batch", simple_message(), recipients), 5, 1);
  ASSERT_TRUE(status.is_object() && count_of(status, "delivered") == 5u) << serialize(status);
  const auto records = rig.server.records();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].mail_from, "news@sender.test");
  EXPECT_EQ(std::multiset<std::string>(records[0].rcpts.begin(), records[0].rcpts.end()),
            std::multiset<std::string>(recipients.begin(), recipients.end()));
}

TEST(SenderIdentity, HeadersAreAddedOnceAndStable) {
  Rig rig(kIdentityOn + "feedback_id_sender = \"volley\"\n");
  const char* added[] = {"Message-ID", "Date", "List-Unsubscribe", "List-Unsubscribe-Post",
                         "Feedback-ID"};
  auto body = campaign_body("news-1", simple_message(), {"a@a.test", "b@b.test"});
  body["tags"] = boost::json::object{{"tenant", "acme"}};
  body["unsubscribe_url"] = "https://crm.example.test/u?c=1";
  auto [answer, status] = rig.deliver("/v1/campaigns", body, 2, 2);
  ASSERT_TRUE(status.is_object() && count_of(status, "delivered") == 2u) << serialize(status);
  EXPECT_EQ(string_at(status, "unsubscribe_url"), "https://crm.example.test/u?c=1");
  const VerpKey key = key_of(*rig.daemon);
  const std::int64_t created = created_ms_of(status);
  std::set<std::string> message_ids;
  for (const auto& record : rig.server.records()) {
    Headers headers(record.data);
    for (const char* name : added)
      EXPECT_EQ(headers.count(name), 1u) << name << " in\n" << record.data;
    const auto campaign = decoded(key, "bounce", "sender.test", record.mail_from).campaign_seq;
    EXPECT_EQ(headers.value("Message-ID"),
              expected_message_id(key, {campaign, 0}, created, "sender.test"));
    message_ids.insert(headers.value("Message-ID"));
    EXPECT_EQ(headers.value("Date"), rfc5322_date(created));
    expect_list_unsubscribe(headers, key, "sender.test", campaign,
                            "https://crm.example.test/u?c=1");
    EXPECT_EQ(headers.value("List-Unsubscribe-Post"), "List-Unsubscribe=One-Click");
    EXPECT_EQ(headers.value("Feedback-ID"), "news-1:acme:campaign:volley");
    EXPECT_TRUE(record.data.ends_with(simple_message())) << "message bytes changed";
  }
  EXPECT_EQ(message_ids.size(), 1u); // one Message-ID per static campaign

  // A message with its own Message-ID, Date and List-Unsubscribe keeps them, alone.
  const std::string own = "Message-ID: <own-1@sender.test>\r\n"
                          "date: Mon, 30 Nov 2026 09:00:00 +0000\r\n"
                          "List-Unsubscribe : <https://own.example.test/u>\r\n" +
                          simple_message("Own fields");
  auto own_body = campaign_body("own", own, {"c@c.test"});
  own_body["tags"] = boost::json::object{{"tenant", "acme"}};
  auto [own_answer, own_status] = rig.deliver("/v1/campaigns", own_body, 1, 3);
  ASSERT_TRUE(own_status.is_object() && count_of(own_status, "delivered") == 1u)
      << serialize(own_status);
  const auto record = rig.server.records().at(2);
  Headers headers(record.data);
  for (const char* name : added)
    EXPECT_EQ(headers.count(name), 1u) << name << " in\n" << record.data;
  EXPECT_EQ(headers.value("Message-ID"), "<own-1@sender.test>");
  EXPECT_EQ(headers.value("Date"), "Mon, 30 Nov 2026 09:00:00 +0000");
  EXPECT_EQ(headers.value("List-Unsubscribe"), "<https://own.example.test/u>");
  EXPECT_EQ(headers.value("List-Unsubscribe-Post"), "List-Unsubscribe=One-Click");
  EXPECT_EQ(headers.value("Feedback-ID"), "own:acme:campaign:volley");
  EXPECT_TRUE(record.data.ends_with(own)) << record.data;
}

TEST(SenderIdentity, PersonalisedUnsubscribeUrlAndMessageIdPerRecipient) {
  Rig rig(kIdentityOn);
  const std::string message = "From: News <news@sender.test>\r\nTo: {{name}} <r@example.test>\r\n"
                              "Subject: Hi {{name}}\r\n\r\nDear {{name}},\r\nhello.\r\n";
  const std::map<std::string, std::string> token_of = {
      {"ann@a.test", "t-ann"}, {"bob@b.test", "t-bob"}, {"cy@c.test", "t-cy"}};
  auto body = campaign_body("personal", message, {});
  auto& recipients = body["recipients"].as_array();
  for (const auto& [to, token] : token_of) {
    recipients.push_back(boost::json::object{
        {"to", to}, {"vars", boost::json::object{{"name", to.substr(0, 2)}, {"token", token}}}});
  }
  recipients.push_back(
      boost::json::object{{"to", "dan@d.test"}, {"vars", boost::json::object{{"name", "Dan"}}}});
  body["unsubscribe_url"] = "https://crm.example.test/u/{{token}}";
  auto [answer, status] = rig.deliver("/v1/campaigns", body, 3, 3);
  EXPECT_EQ(answer.at("accepted").to_number<int>(), 3);
  const auto& rejected = answer.at("rejected").as_array();
  ASSERT_EQ(rejected.size(), 1u) << serialize(answer);
  EXPECT_EQ(rejected[0].at("index").to_number<int>(), 3);
  EXPECT_EQ(rejected[0].at("to").as_string(), "dan@d.test");
  EXPECT_NE(string_at(rejected[0], "error").find("missing merge field \"token\""),
            std::string::npos)
      << serialize(answer);

  ASSERT_TRUE(status.is_object() && count_of(status, "delivered") == 3u) << serialize(status);
  EXPECT_EQ(string_at(status, "unsubscribe_url"), "https://crm.example.test/u/{{token}}");
  const auto records = rig.server.records();
  ASSERT_EQ(records.size(), 3u);
  const VerpKey key = key_of(*rig.daemon);
  const std::int64_t created = created_ms_of(status);
  std::set<std::string> message_ids;
  for (const auto& record : records) {
    ASSERT_EQ(record.rcpts.size(), 1u);
    const std::string& to = record.rcpts[0];
    ASSERT_TRUE(token_of.contains(to)) << to;
    VerpFields fields = decoded(key, "bounce", "sender.test", record.mail_from);
    Headers headers(record.data);
    EXPECT_EQ(headers.count("Message-ID"), 1u) << record.data;
    EXPECT_EQ(headers.value("Message-ID"),
              expected_message_id(key, fields, created, "sender.test"));
    message_ids.insert(headers.value("Message-ID"));
    EXPECT_EQ(headers.value("Subject"), "Hi " + to.substr(0, 2));
    expect_list_unsubscribe(headers, key, "sender.test", fields.campaign_seq,
                            "https://crm.example.test/u/" + token_of.at(to));
    EXPECT_EQ(headers.count("List-Unsubscribe-Post"), 1u);
  }
  EXPECT_EQ(message_ids.size(), 3u);
}

TEST(SenderIdentity, TransactionalMessagesGetNoListUnsubscribe) {
  Rig rig(kIdentityOn);
  boost::json::object body{{"from", "alerts@sender.test"},
                           {"to", boost::json::array{"eve@e.test"}},
                           {"message", simple_message("Your code")}};
  auto [answer, status] = rig.deliver("/v1/messages", body, 1, 1);
  ASSERT_TRUE(status.is_object() && count_of(status, "delivered") == 1u) << serialize(status);
  const auto record = rig.server.records().at(0);
  const VerpKey key = key_of(*rig.daemon);
  VerpFields fields = decoded(key, "bounce", "sender.test", record.mail_from);
  EXPECT_EQ(fields.recipient_seq, 1u);
  Headers headers(record.data);
  const std::int64_t created = created_ms_of(status);
  EXPECT_EQ(headers.count("Message-ID"), 1u);
  EXPECT_EQ(headers.value("Message-ID"),
            expected_message_id(key, {fields.campaign_seq, 0}, created, "sender.test"));
  EXPECT_EQ(headers.count("Date"), 1u);
  EXPECT_EQ(headers.value("Date"), rfc5322_date(created));
  for (const char* name : {"List-Unsubscribe", "List-Unsubscribe-Post", "Feedback-ID"})
    EXPECT_EQ(headers.count(name), 0u) << name << " in\n" << record.data;
}

TEST(SenderIdentity, UnsubscribeUrlErrors) {
  VolleydProcess daemon; // no delivery: the API checks alone
  daemon.start();
  auto client = daemon.client();
  const std::string own = "List-Unsubscribe: <https://own.example.test/u>\r\n" + simple_message();
  const std::vector<std::tuple<std::string, std::string, std::string>> cases = {
      {"ftp", "ftp://x", simple_message()},
      {"space", "https://x.test/a b", simple_message()},
      {"twice", "https://crm.example.test/u", own}};
  for (const auto& [id, url, message] : cases) {
    auto body = campaign_body(id, message, {"a@a.test"});
    body["unsubscribe_url"] = url;
    auto [code, answer] = post_json(daemon, "/v1/campaigns", body);
    EXPECT_EQ(code, 400u) << id << ": " << serialize(answer);
    EXPECT_EQ(string_at(answer, "error"), "invalid_request") << serialize(answer);
    EXPECT_NE(string_at(answer, "message").find("unsubscribe_url"), std::string::npos)
        << serialize(answer);
    auto stored = client.request("GET", "/v1/campaigns/" + id);
    ASSERT_TRUE(stored);
    EXPECT_EQ(stored->status, 404u) << id << ": " << stored->body;
  }
  // Positive control: a good URL is taken and shown as given.
  auto body = campaign_body("good", simple_message(), {"a@a.test"});
  body["unsubscribe_url"] = "HTTPS://crm.example.test/u?c=1";
  auto [code, answer] = post_json(daemon, "/v1/campaigns", body);
  ASSERT_EQ(code, 202u) << serialize(answer);
  EXPECT_EQ(string_at(campaign_status(client, "good"), "unsubscribe_url"),
            "HTTPS://crm.example.test/u?c=1");
}

TEST(SenderIdentity, LooseVerpSecretStopsStart) {
  // Delivery on (the secret is read only then), to a loopback port nothing is ever sent to.
  VolleydProcess daemon(delivering_with("127.0.0.1:9", kIdentityOn));
  const auto secret_path = daemon.dir() / "var" / "verp.secret";
  std::filesystem::create_directories(secret_path.parent_path());
  const std::string secret = std::string(64, 'c') + "\n";
  std::ofstream(secret_path) << secret;
  ASSERT_EQ(::chmod(secret_path.c_str(), 0644), 0);
  std::string error;
  try {
    daemon.start();
  } catch (const std::runtime_error& e) {
    error = e.what();
  }
  EXPECT_FALSE(daemon.running());
  EXPECT_NE(error.find("VERP secret file"), std::string::npos) << error;
  EXPECT_NE(error.find("readable by group/others"), std::string::npos) << error;
  EXPECT_NE(error.find("chmod 600"), std::string::npos) << error;
  EXPECT_EQ(file_text(secret_path), secret); // never rewritten

  // Control: the same file with mode 0600 is accepted.
  ASSERT_EQ(::chmod(secret_path.c_str(), 0600), 0);
  ASSERT_FALSE(daemon.running());
  daemon.start();
  EXPECT_TRUE(daemon.running());
}

} // namespace
} // namespace volley::testing_support
