// RecipientUpload: the streaming state of one NDJSON recipient upload (POST /v1/campaigns/{id}/
// recipients). Bytes in -> lines -> decoded recipients -> batches handed to a submit function;
// spool answers come back through on_batch_done. Holds at most one partial line and one open batch,
// never the whole body. No I/O and no threads: the control session drives it on its strand.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/api_requests.hpp"
#include "protocol/ndjson_line_splitter.hpp"
#include "queue/spool_types.hpp"

namespace volley::engine {

struct UploadSummary {
  std::uint64_t accepted = 0;
  std::uint64_t duplicates = 0;
  std::uint64_t suppressed = 0;
  std::uint64_t rejected_count = 0;
  std::vector<protocol::RecipientRejection> rejected; // the first max_listed_rejections
};

struct RecipientUploadOptions {
  protocol::DecodeLimits limits;
  std::size_t max_line_bytes = 64 * 1024;
  std::size_t batch_size = 4096;
  std::size_t max_listed_rejections = 10000;
  // The campaign template's merge fields: a line whose vars lack one is rejected. null or empty
  // (a static message) = no check.
  std::shared_ptr<const std::vector<std::string>> merge_fields;
};

class RecipientUpload {
public:
  using SubmitBatch = std::function<void(std::vector<queue::NewRecipient>)>;

  RecipientUpload(RecipientUploadOptions options, SubmitBatch submit);

  void feed(std::string_view bytes); // ignored once failed
  void finish();                     // end of body: flushes the last line and batch
  void on_batch_done(const Result<queue::AddRecipientsResult>& result);

  std::size_t batches_in_flight() const { return in_flight_; }
  bool finished() const { return finished_; }
  bool done() const { return finished_ && in_flight_ == 0; } // every batch answered
  const std::optional<Error>& failure() const { return failure_; }
  const UploadSummary& summary() const { return summary_; }
  std::uint64_t lines_seen() const { return splitter_.lines_seen(); }

private:
  void on_line(std::uint64_t index, std::string_view line, bool too_long);
  void reject(std::uint64_t index, std::string to, std::string error);
  void flush_batch();

  RecipientUploadOptions options_;
  SubmitBatch submit_;
  protocol::NdjsonLineSplitter splitter_;
  bool check_merge_fields_ = false;
  std::vector<queue::NewRecipient> batch_;
  std::size_t in_flight_ = 0;
  bool finished_ = false;
  std::optional<Error> failure_;
  UploadSummary summary_;
};

} // namespace volley::engine
