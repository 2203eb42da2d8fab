// Streaming NDJSON recipient upload: line splitting, per-line decoding and batching (see header).
// Never buffers more than one partial line and one batch; never submits after a failure.
#include "engine/recipient_upload.hpp"

#include <string>
#include <utility>

#include "protocol/merge_field_check.hpp"

namespace volley::engine {

RecipientUpload::RecipientUpload(RecipientUploadOptions options, SubmitBatch submit)
    : options_(std::move(options)), submit_(std::move(submit)), splitter_(options_.max_line_bytes),
      check_merge_fields_(options_.merge_fields && !options_.merge_fields->empty()) {
  batch_.reserve(options_.batch_size);
}

void RecipientUpload::feed(std::string_view bytes) {
  if (failure_ || finished_)
    return;
  splitter_.feed(bytes, [this](std::uint64_t index, std::string_view line, bool too_long) {
    on_line(index, line, too_long);
  });
}

void RecipientUpload::finish() {
  if (finished_)
    return;
  if (!failure_) {
    splitter_.finish([this](std::uint64_t index, std::string_view line, bool too_long) {
      on_line(index, line, too_long);
    });
    flush_batch();
  }
  finished_ = true;
}

void RecipientUpload::on_line(std::uint64_t index, std::string_view line, bool too_long) {
  if (failure_)
    return;
  if (too_long) {
    reject(index, "",
           "line is longer than " + std::to_string(options_.max_line_bytes) +
               " bytes (control.max_line_size)");
    return;
  }
  std::string to_on_error;
  auto decoded = protocol::decode_recipient_line(line, options_.limits, &to_on_error);
  if (!decoded) {
    reject(index, std::move(to_on_error), decoded.error().message);
    return;
  }
  protocol::RecipientInput& input = decoded.value();
  if (check_merge_fields_) {
    if (auto missing =
            protocol::first_missing_merge_field(*options_.merge_fields, input.vars_json)) {
      reject(index, std::move(input.to), protocol::missing_merge_field_error(*missing));
      return;
    }
  }
  queue::NewRecipient recipient;
  recipient.canonical = input.mailbox.canonical();
  recipient.address = std::move(input.to);
  recipient.crm_id = std::move(input.crm_id);
  recipient.vars_json = std::move(input.vars_json);
  batch_.push_back(std::move(recipient));
  if (batch_.size() >= options_.batch_size)
    flush_batch();
}

void RecipientUpload::reject(std::uint64_t index, std::string to, std::string error) {
  ++summary_.rejected_count;
  if (summary_.rejected.size() < options_.max_listed_rejections) {
    summary_.rejected.push_back({index, std::move(to), std::move(error)});
  }
}

void RecipientUpload::flush_batch() {
  if (batch_.empty() || failure_)
    return;
  std::vector<queue::NewRecipient> full;
  full.swap(batch_);
  batch_.reserve(options_.batch_size);
  ++in_flight_;
  submit_(std::move(full));
}

void RecipientUpload::on_batch_done(const Result<queue::AddRecipientsResult>& result) {
  if (in_flight_ > 0)
    --in_flight_;
  if (!result) {
    if (!failure_)
      failure_ = result.error();
    batch_.clear();
    return;
  }
  summary_.accepted += result->accepted;
  summary_.duplicates += result->duplicates;
  summary_.suppressed += result->suppressed;
}

} // namespace volley::engine
