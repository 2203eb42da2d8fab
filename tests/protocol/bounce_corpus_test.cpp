// Parses every message of Volley's own bounce corpus (tests/data/dsn: messages/*.eml written after
// the structure of real MTAs' reports, expected.jsonl with one row per recipient) and compares
// with the expectations. Prints hard/soft, status and reason accuracy; requires hard/soft >= 97 %.
// Never reads anything outside tests/data/dsn and never touches the network.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "protocol/bounce_report.hpp"

namespace volley::protocol {
namespace {

const std::filesystem::path kCorpus = std::filesystem::path(VOLLEY_SOURCE_DIR) / "tests/data/dsn";

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

struct Row {
  std::size_t index = 0;
  std::string recipient, status, reason, kind;
  bool hard = false;
};

std::map<std::string, std::vector<Row>> expected_rows() {
  std::map<std::string, std::vector<Row>> rows;
  std::istringstream lines(read_file(kCorpus / "expected.jsonl"));
  for (std::string line; std::getline(lines, line);) {
    if (line.empty())
      continue;
    const auto object = boost::json::parse(line).as_object();
    Row row;
    row.index = static_cast<std::size_t>(object.at("index").to_number<std::int64_t>());
    row.recipient = std::string(object.at("recipient").as_string());
    row.status = std::string(object.at("status").as_string());
    row.reason = std::string(object.at("reason").as_string());
    row.kind = std::string(object.at("kind").as_string());
    row.hard = object.at("hard").as_bool();
    rows[std::string(object.at("file").as_string())].push_back(row);
  }
  return rows;
}

double percent(int good, int total) {
  return total == 0 ? 0 : 100.0 * good / total;
}

TEST(BounceCorpusTest, MeetsAccuracyOnOwnCorpus) {
  const auto expected = expected_rows();
  ASSERT_GE(expected.size(), 150u) << "tests/data/dsn/expected.jsonl: run generate_corpus.py";
  int rows = 0, hard_ok = 0, status_ok = 0, reason_ok = 0, recipient_ok = 0;
  for (const auto& [file, file_rows] : expected) {
    const std::string raw = read_file(kCorpus / "messages" / file);
    const auto report = parse_bounce_message(raw);
    ASSERT_TRUE(report.ok()) << file << ": " << report.error().message;
    for (const Row& want : file_rows) {
      ++rows;
      if (want.kind == "none") {
        const bool ok = report->recipients.empty();
        hard_ok += ok;
        status_ok += ok;
        reason_ok += ok;
        recipient_ok += ok;
        if (!ok)
          std::cout << "  miss " << file << ": expected no recipient\n";
        continue;
      }
      BouncedRecipient got;
      if (want.index < report->recipients.size())
        got = report->recipients[want.index];
      const bool classified =
          want.kind == "complaint" || want.kind == "auto_reply"
              ? got.kind == want.kind
              : (got.kind == "hard" || got.kind == "soft") && got.hard == want.hard;
      hard_ok += classified;
      status_ok += got.status == want.status;
      reason_ok += got.reason == want.reason;
      recipient_ok += got.recipient == want.recipient;
      if (!classified)
        std::cout << "  miss " << file << "[" << want.index << "]: expected " << want.kind << " ("
                  << want.reason << "), got " << got.kind << " (" << got.reason << ") for "
                  << got.recipient << ": " << got.diagnostic << "\n";
    }
  }
  std::cout << "bounce corpus: " << expected.size() << " messages, " << rows << " rows; hard/soft "
            << percent(hard_ok, rows) << " %, status " << percent(status_ok, rows) << " %, reason "
            << percent(reason_ok, rows) << " %, recipient " << percent(recipient_ok, rows)
            << " %\n";
  EXPECT_GE(percent(hard_ok, rows), 97.0);
  EXPECT_GE(percent(recipient_ok, rows), 90.0);
}

} // namespace
} // namespace volley::protocol
