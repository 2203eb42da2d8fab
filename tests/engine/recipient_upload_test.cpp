// Unit tests of RecipientUpload: NDJSON bytes in arbitrary chunks -> batches of recipients,
// rejected lines with their index, failure handling. No sockets, no spool: batches are captured in
// memory.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/recipient_upload.hpp"

using volley::engine::RecipientUpload;
using volley::engine::RecipientUploadOptions;

namespace {

struct Captured {
  std::vector<std::vector<volley::queue::NewRecipient>> batches;
};

RecipientUpload make_upload(Captured& captured, std::size_t batch_size) {
  RecipientUploadOptions options;
  options.batch_size = batch_size;
  options.max_line_bytes = 200;
  return RecipientUpload(options, [&captured](std::vector<volley::queue::NewRecipient> batch) {
    captured.batches.push_back(std::move(batch));
  });
}

volley::queue::AddRecipientsResult accepted(std::uint64_t n) {
  volley::queue::AddRecipientsResult r;
  r.accepted = n;
  return r;
}

TEST(RecipientUpload, BatchesLinesAcrossChunkBoundaries) {
  Captured captured;
  auto upload = make_upload(captured, 2);
  std::string body;
  for (int i = 0; i < 5; ++i)
    body += "{\"to\":\"u" + std::to_string(i) + "@example.com\"}\n";
  for (char c : body)
    upload.feed(std::string_view(&c, 1)); // worst case: one byte at a time
  ASSERT_EQ(captured.batches.size(), 2u);
  EXPECT_EQ(upload.batches_in_flight(), 2u);
  upload.finish();
  ASSERT_EQ(captured.batches.size(), 3u);
  EXPECT_EQ(captured.batches[2].size(), 1u);
  EXPECT_EQ(captured.batches[0][1].address, "u1@example.com");
  EXPECT_EQ(captured.batches[0][1].canonical, "u1@example.com");
  EXPECT_FALSE(upload.done());
  for (int i = 0; i < 3; ++i)
    upload.on_batch_done(accepted(i == 2 ? 1 : 2));
  EXPECT_TRUE(upload.done());
  EXPECT_EQ(upload.summary().accepted, 5u);
}

TEST(RecipientUpload, RejectsBadLinesWithIndexAndKeepsGoing) {
  Captured captured;
  auto upload = make_upload(captured, 100);
  upload.feed("{\"to\":\"ok@example.com\"}\n{\"to\":\"bad\"}\n\n{nope\n");
  upload.feed(std::string(300, 'x') + "\n{\"to\":\"Also.OK@Example.com\"}");
  upload.finish();
  ASSERT_EQ(captured.batches.size(), 1u);
  ASSERT_EQ(captured.batches[0].size(), 2u);
  EXPECT_EQ(captured.batches[0][1].canonical, "also.ok@example.com");
  const auto& summary = upload.summary();
  ASSERT_EQ(summary.rejected_count, 3u);
  EXPECT_EQ(summary.rejected[0].index, 1u);
  EXPECT_EQ(summary.rejected[0].to, "bad");
  EXPECT_EQ(summary.rejected[1].index, 3u);
  EXPECT_EQ(summary.rejected[2].index, 4u);
  EXPECT_NE(summary.rejected[2].error.find("longer than 200"), std::string::npos);
}

TEST(RecipientUpload, SpoolFailureStopsFurtherBatches) {
  Captured captured;
  auto upload = make_upload(captured, 1);
  upload.feed("{\"to\":\"a@example.com\"}\n");
  upload.on_batch_done(volley::Error{"spool_full", "spool is full"});
  ASSERT_TRUE(upload.failure());
  EXPECT_EQ(upload.failure()->code, "spool_full");
  upload.feed("{\"to\":\"b@example.com\"}\n");
  upload.finish();
  EXPECT_EQ(captured.batches.size(), 1u);
  EXPECT_TRUE(upload.done());
}

} // namespace
