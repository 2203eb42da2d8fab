// Unit tests of the event log and what the webhook reads from it: JSON lines that parse (also with
// non-UTF-8 server text), kind filtering, seq continuity across reopen and rotation, the torn last
// line of a crash, rotation keeping `keep` files, the reader following rotation (and reporting
// deleted ranges), the webhook cursor's persistence and the HMAC signature. Private temp dirs only.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "engine/event_file_reader.hpp"
#include "engine/event_log.hpp"
#include "engine/event_log_files.hpp"
#include "engine/outcome_events.hpp"
#include "engine/webhook_cursor.hpp"
#include "engine/webhook_signature.hpp"

using namespace volley::engine;
namespace fs = std::filesystem;

namespace {

class EventLogTest : public ::testing::Test {
protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "volley-events-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    path_ = (dir_ / "ev" / "events.jsonl").string();
  }
  void TearDown() override { fs::remove_all(dir_); }

  EventLogOptions options(std::uint64_t rotate_size = 64u << 20, std::size_t keep = 10) {
    EventLogOptions o;
    o.path = path_;
    o.rotate_size = rotate_size;
    o.keep = keep;
    return o;
  }
  static Event delivered(int n) {
    Event e;
    e.kind = EventKind::delivered;
    e.campaign = "c1";
    e.recipient = "user" + std::to_string(n) + "@example.test";
    e.recipient_id = "r" + std::to_string(n);
    e.attempts = 1;
    return e;
  }
  static std::vector<std::string> lines_of(const std::string& file) {
    std::ifstream in(file);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);)
      lines.push_back(line);
    return lines;
  }
  void emit_n(EventLog& log, int from, int count) {
    for (int i = from; i < from + count; ++i)
      log.emit(delivered(i));
    log.flush();
  }

  fs::path dir_;
  std::string path_;
};

TEST_F(EventLogTest, LinesAreJsonWithTheDocumentedFields) {
  {
    EventLog log(options());
    Event bounce;
    bounce.kind = EventKind::bounced;
    bounce.at_ms = 1700000000123;
    bounce.campaign = "c1";
    bounce.recipient = "bad@example.test";
    bounce.recipient_id = "42";
    bounce.attempts = 1;
    bounce.reply_kind = "hard";
    bounce.status = "5.1.1";
    bounce.smtp_code = 550;
    bounce.reason = "bad_mailbox";
    bounce.diagnostic = "550 5.1.1 no such user \"x\"\n\xff\xfe broken";
    bounce.remote_mta = "mx.example.test";
    bounce.source = "sync";
    log.emit(delivered(1));
    log.emit(bounce);
    log.flush();
    EXPECT_EQ(log.last_seq(), 2u);
  }
  auto lines = lines_of(path_);
  ASSERT_EQ(lines.size(), 2u);
  auto first = boost::json::parse(lines[0]).as_object();
  EXPECT_EQ(first.at("seq").as_int64(), 1);
  EXPECT_EQ(first.at("event").as_string(), "delivered");
  EXPECT_EQ(first.at("recipient_id").as_string(), "r1");
  EXPECT_EQ(first.at("attempts").as_int64(), 1);
  EXPECT_FALSE(first.contains("kind"));
  EXPECT_EQ(first.at("at").as_string().size(), 24u); // 2026-01-02T03:04:05.678Z
  auto second = boost::json::parse(lines[1]).as_object();
  EXPECT_EQ(second.at("seq").as_int64(), 2);
  EXPECT_EQ(second.at("event").as_string(), "bounced");
  EXPECT_EQ(second.at("at").as_string(), "2023-11-14T22:13:20.123Z");
  EXPECT_EQ(second.at("kind").as_string(), "hard");
  EXPECT_EQ(second.at("status").as_string(), "5.1.1");
  EXPECT_EQ(second.at("smtp_code").as_int64(), 550);
  EXPECT_EQ(second.at("reason").as_string(), "bad_mailbox");
  EXPECT_EQ(second.at("diagnostic").as_string(),
            "550 5.1.1 no such user \"x\"\n\xEF\xBF\xBD\xEF\xBF\xBD broken");
  EXPECT_EQ(second.at("remote_mta").as_string(), "mx.example.test");
  EXPECT_EQ(second.at("source").as_string(), "sync");
}

TEST_F(EventLogTest, KindsNotConfiguredAreNotWritten) {
  EventLogOptions o = options();
  o.kinds = event_kinds_from_names({"bounced"});
  EventLog log(o);
  EXPECT_FALSE(log.wants(EventKind::delivered));
  EXPECT_TRUE(log.wants(EventKind::bounced));
  emit_n(log, 0, 3);
  Event bounce = delivered(9);
  bounce.kind = EventKind::bounced;
  log.emit(bounce);
  log.flush();
  auto lines = lines_of(path_);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("\"seq\":1,"), std::string::npos);
}

TEST_F(EventLogTest, SeqContinuesAfterReopenAndATornLastLineIsDropped) {
  {
    EventLog log(options());
    emit_n(log, 0, 5);
  }
  std::ofstream(path_, std::ios::app) << "{\"seq\":6,\"at\":\"20"; // a crash mid-write
  {
    EventLog log(options());
    EXPECT_EQ(log.last_seq(), 5u);
    emit_n(log, 5, 2);
  }
  auto lines = lines_of(path_);
  ASSERT_EQ(lines.size(), 7u);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    auto object = boost::json::parse(lines[i]).as_object();
    EXPECT_EQ(object.at("seq").as_int64(), static_cast<std::int64_t>(i + 1));
  }
  EventLogOptions floor = options();
  floor.seq_floor = 100; // the webhook acknowledged up to 100 (the log was deleted meanwhile)
  EventLog log(floor);
  emit_n(log, 0, 1);
  EXPECT_EQ(log.last_seq(), 101u);
}

TEST_F(EventLogTest, RotationKeepsKeepFilesAndSeqsStayContinuous) {
  {
    EventLog log(options(4096, 2));
    for (int i = 0; i < 100; ++i)
      emit_n(log, i, 1); // one write per event: rotation happens between lines
  }
  EXPECT_TRUE(fs::exists(path_ + ".1"));
  EXPECT_TRUE(fs::exists(path_ + ".2"));
  EXPECT_FALSE(fs::exists(path_ + ".3"));
  auto files = list_event_files(path_, 2);
  ASSERT_EQ(files.size(), 3u);
  EXPECT_EQ(files.back().path, path_);
  std::uint64_t expected = *files.front().first_seq;
  EXPECT_GT(expected, 1u); // the oldest lines went with .3
  for (const auto& file : files) {
    EXPECT_LE(file.size, 4096u);
    for (const std::string& line : lines_of(file.path)) {
      auto object = boost::json::parse(line).as_object();
      EXPECT_EQ(object.at("seq").as_int64(), static_cast<std::int64_t>(expected++));
    }
  }
  EXPECT_EQ(expected, 101u);
  EventLog reopened(options(4096, 2)); // the current file may be empty right after rotation
  EXPECT_EQ(reopened.last_seq(), 100u);
}

TEST_F(EventLogTest, ReaderFollowsRotationAndResumesFromACursor) {
  EventLog log(options(4096, 5));
  emit_n(log, 0, 10);
  EventFileReader reader(path_, 5);
  reader.seek(1);
  auto first = reader.read(4);
  ASSERT_EQ(first.size(), 4u);
  EXPECT_EQ(first.front().seq, 1u);
  EXPECT_EQ(first.back().seq, 4u);
  for (int i = 10; i < 70; ++i)
    emit_n(log, i, 1); // rotates several times
  std::vector<std::uint64_t> seqs;
  for (int round = 0; round < 20; ++round)
    for (const EventLine& line : reader.read(7))
      seqs.push_back(line.seq);
  ASSERT_EQ(seqs.size(), 66u);
  for (std::size_t i = 0; i < seqs.size(); ++i)
    EXPECT_EQ(seqs[i], i + 5);
  EXPECT_EQ(reader.lost(), 0u);
  EXPECT_TRUE(reader.read(10).empty());

  // A restart: the cursor names the line after seq 4 directly.
  WebhookCursor cursor{first.back().seq, first.back().file_inode, first.back().file_first_seq,
                       first.back().end_offset};
  EventFileReader resumed(path_, 5);
  resumed.seek(cursor.acked_seq + 1, &cursor);
  auto again = resumed.read(3);
  ASSERT_EQ(again.size(), 3u);
  EXPECT_EQ(again.front().seq, 5u);
  EventFileReader by_seq(path_, 5); // without a usable hint it finds its place by seq
  by_seq.seek(40);
  auto found = by_seq.read(1);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found.front().seq, 40u);
}

TEST_F(EventLogTest, ReaderKeepsUpWithAWriterThatRotatesMeanwhile) {
  EventLog log(options(4096, 1000));
  std::thread writer([&] {
    for (int i = 0; i < 1500; ++i) {
      log.emit(delivered(i));
      if (i % 7 == 0)
        log.flush();
    }
    log.flush();
  });
  EventFileReader reader(path_, 1000);
  reader.seek(1);
  std::vector<std::uint64_t> seqs;
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (seqs.size() < 1500 && std::chrono::steady_clock::now() < until) {
    for (const EventLine& line : reader.read(50))
      seqs.push_back(line.seq);
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  writer.join();
  ASSERT_EQ(seqs.size(), 1500u);
  for (std::size_t i = 0; i < seqs.size(); ++i)
    ASSERT_EQ(seqs[i], i + 1);
  EXPECT_EQ(reader.lost(), 0u);
  EXPECT_GT(list_event_files(path_, 1000).size(), 10u); // it did rotate, many times
}

TEST_F(EventLogTest, ReaderReportsEventsDeletedBeforeTheyWereRead) {
  EventLog log(options(4096, 1));
  for (int i = 0; i < 100; ++i)
    emit_n(log, i, 1);
  auto files = list_event_files(path_, 1);
  ASSERT_FALSE(files.empty());
  std::uint64_t oldest = *files.front().first_seq;
  ASSERT_GT(oldest, 1u);
  EventFileReader reader(path_, 1);
  reader.seek(1);
  auto lines = reader.read(1000);
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines.front().seq, oldest);
  EXPECT_EQ(lines.back().seq, 100u);
  EXPECT_EQ(reader.lost(), oldest - 1);
}

TEST_F(EventLogTest, OnlyCommittedNonReturnedOutcomesBecomeEvents) {
  EventLog log(options());
  OutcomeEvents events(log);
  volley::queue::ClaimedRecipient a{1, 1, "c1", "a@example.test", "r1", "", 0};
  volley::queue::ClaimedRecipient b{1, 2, "c1", "b@example.test", "r2", "", 2};
  volley::queue::ClaimedRecipient c{1, 3, "c1", "c@example.test", "", "", 0};
  events.track(a);
  events.track(b);
  events.track(c);
  std::vector<volley::queue::DeliveryOutcome> batch(3);
  auto outcome = [](std::uint64_t seq, volley::queue::OutcomeKind kind) {
    volley::queue::DeliveryOutcome o;
    o.campaign_seq = 1;
    o.seq = seq;
    o.kind = kind;
    return o;
  };
  batch[0] = outcome(1, volley::queue::OutcomeKind::delivered);
  batch[1] = outcome(2, volley::queue::OutcomeKind::deferred);
  volley::queue::BounceRecord reply;
  reply.campaign = "c1";
  reply.recipient = "b@example.test";
  reply.recipient_id = "r2";
  reply.kind = "soft";
  reply.status = "4.2.1";
  reply.smtp_code = 451;
  reply.source = "sync";
  batch[1].deferral = reply;
  batch[2] = outcome(3, volley::queue::OutcomeKind::returned);
  events.committed(batch);
  EXPECT_EQ(events.tracked(), 0u);
  log.flush();
  auto lines = lines_of(path_);
  ASSERT_EQ(lines.size(), 2u);
  auto delivered_line = boost::json::parse(lines[0]).as_object();
  EXPECT_EQ(delivered_line.at("event").as_string(), "delivered");
  EXPECT_EQ(delivered_line.at("recipient").as_string(), "a@example.test");
  EXPECT_EQ(delivered_line.at("attempts").as_int64(), 1);
  auto deferred_line = boost::json::parse(lines[1]).as_object();
  EXPECT_EQ(deferred_line.at("event").as_string(), "deferred");
  EXPECT_EQ(deferred_line.at("kind").as_string(), "soft");
  EXPECT_EQ(deferred_line.at("smtp_code").as_int64(), 451);
  EXPECT_EQ(deferred_line.at("attempts").as_int64(), 3);
}

TEST_F(EventLogTest, WebhookCursorIsStoredAtomicallyAndRead) {
  fs::create_directories(dir_ / "ev");
  std::string path = webhook_cursor_path(path_);
  EXPECT_EQ(path, path_ + ".cursor");
  EXPECT_FALSE(load_webhook_cursor(path).has_value());
  std::string error;
  WebhookCursor cursor{1234, 99, 1001, 56789};
  ASSERT_TRUE(store_webhook_cursor(path, cursor, error)) << error;
  EXPECT_FALSE(fs::exists(path + ".tmp"));
  EXPECT_EQ(load_webhook_cursor(path), cursor);
  WebhookCursor later{2000, 100, 1900, 10};
  ASSERT_TRUE(store_webhook_cursor(path, later, error)) << error;
  EXPECT_EQ(load_webhook_cursor(path), later);
  std::ofstream(path) << "{\"acked_seq\": 77}\n"; // written by hand: resume after 77
  EXPECT_EQ(load_webhook_cursor(path)->acked_seq, 77u);
  std::ofstream(path) << "garbage";
  EXPECT_THROW(load_webhook_cursor(path), std::runtime_error);
}

TEST(WebhookSignature, IsHexHmacSha256OfTheBody) {
  // RFC 4231 test case 2.
  EXPECT_EQ(hmac_sha256_hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(webhook_signature("Jefe", "what do ya want for nothing?").substr(0, 7), "sha256=");
}

} // namespace
