// WebhookSender (see webhook_sender.hpp). A batch is fixed when it is first POSTed: retries send
// the very same body, so a receiver that stored it before its answer was lost sees the same seqs.
#include "engine/webhook_sender.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <random>

#include "engine/webhook_signature.hpp"

namespace volley::engine {
namespace {

std::string batch_body(const std::vector<EventLine>& batch) {
  std::size_t size = 16;
  for (const EventLine& line : batch)
    size += line.text.size() + 1;
  std::string body;
  body.reserve(size);
  body += "{\"events\":[";
  for (std::size_t i = 0; i < batch.size(); ++i) {
    if (i > 0)
      body += ',';
    body += batch[i].text;
  }
  body += "]}";
  return body;
}

std::string describe(const WebhookAnswer& answer) {
  if (answer.status == 0)
    return answer.error;
  std::string text = "HTTP " + std::to_string(answer.status);
  if (!answer.body.empty())
    text += " (" + answer.body.substr(0, 120) + ")";
  return text;
}

} // namespace

WebhookSender::WebhookSender(WebhookSenderOptions options, EventMetrics* metrics)
    : options_(std::move(options)), metrics_(metrics ? metrics : &own_metrics_),
      cursor_path_(webhook_cursor_path(options_.log_path)),
      cursor_(load_webhook_cursor(cursor_path_).value_or(WebhookCursor{})),
      reader_(options_.log_path, options_.keep),
      client_(options_.url, options_.timeout, options_.ca_file) {
  metrics_->webhook_on = true;
  metrics_->acked_seq = cursor_.acked_seq;
}

WebhookSender::~WebhookSender() {
  stop();
}

void WebhookSender::start() {
  spdlog::info("webhook: POSTing events after seq {} to {}://{}{}", cursor_.acked_seq,
               options_.url.tls ? "https" : "http", options_.url.host_header(),
               options_.url.target);
  thread_ = std::thread([this] { run(); });
}

void WebhookSender::wake() {
  {
    std::lock_guard lock(mutex_);
    woken_ = true;
  }
  wake_.notify_one();
}

void WebhookSender::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  client_.cancel();
  if (thread_.joinable())
    thread_.join();
}

std::uint64_t WebhookSender::acked_seq() const {
  std::lock_guard lock(mutex_);
  return cursor_.acked_seq;
}

bool WebhookSender::wait_for(std::chrono::steady_clock::duration delay) {
  std::unique_lock lock(mutex_);
  wake_.wait_for(lock, delay, [&] { return stopping_ || woken_; });
  woken_ = false;
  return !stopping_;
}

std::chrono::milliseconds WebhookSender::backoff(unsigned failures) {
  static thread_local std::minstd_rand random(std::random_device{}());
  auto delay = options_.retry_min;
  for (unsigned i = 1; i < failures && delay < options_.retry_max; ++i)
    delay *= 2;
  delay = std::min(delay, options_.retry_max);
  // +-20 % jitter, so that many senders restarted together do not retry in step.
  std::uniform_real_distribution<double> jitter(0.8, 1.2);
  auto jittered = std::chrono::milliseconds(
      static_cast<std::int64_t>(static_cast<double>(delay.count()) * jitter(random)));
  return std::clamp(jittered, options_.retry_min, options_.retry_max);
}

void WebhookSender::acknowledge(const std::vector<EventLine>& batch) {
  const EventLine& last = batch.back();
  WebhookCursor next{last.seq, last.file_inode, last.file_first_seq, last.end_offset};
  std::string error;
  if (!store_webhook_cursor(cursor_path_, next, error)) {
    spdlog::error("webhook: {}; events up to seq {} may be sent again after a restart", error,
                  last.seq);
  }
  {
    std::lock_guard lock(mutex_);
    cursor_ = next;
  }
  metrics_->acked_seq = last.seq;
  ++metrics_->batches_ok;
}

bool WebhookSender::deliver(const std::vector<EventLine>& batch) {
  std::string body = batch_body(batch);
  WebhookClient::Headers headers{{"Content-Type", "application/json"},
                                 {"X-Volley-Signature", webhook_signature(options_.secret, body)},
                                 {"X-Volley-Batch-First-Seq", std::to_string(batch.front().seq)},
                                 {"X-Volley-Timestamp", ""}};
  for (unsigned failures = 0;;) {
    headers.back().second = std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                                               std::chrono::system_clock::now().time_since_epoch())
                                               .count());
    WebhookAnswer answer = client_.post(body, headers);
    if (answer.status >= 200 && answer.status < 300) {
      acknowledge(batch);
      if (failures > 0)
        spdlog::info("webhook: events seq {}..{} acknowledged after {} failed attempt(s)",
                     batch.front().seq, batch.back().seq, failures);
      return true;
    }
    {
      std::lock_guard lock(mutex_);
      if (stopping_)
        return false;
    }
    ++metrics_->batches_failed;
    auto delay = backoff(++failures);
    spdlog::warn("webhook: POST of events seq {}..{} failed: {}; retry {} in {} ms",
                 batch.front().seq, batch.back().seq, describe(answer), failures, delay.count());
    auto until = std::chrono::steady_clock::now() + delay;
    while (std::chrono::steady_clock::now() < until) // wake() must not cut the backoff short
      if (!wait_for(until - std::chrono::steady_clock::now()))
        return false;
  }
}

void WebhookSender::run() {
  reader_.seek(cursor_.acked_seq + 1, &cursor_);
  std::vector<EventLine> pending;
  auto first_seen = std::chrono::steady_clock::now();
  for (;;) {
    {
      std::lock_guard lock(mutex_);
      if (stopping_)
        return;
    }
    bool was_empty = pending.empty();
    for (EventLine& line : reader_.read(options_.batch_size - pending.size()))
      pending.push_back(std::move(line));
    auto now = std::chrono::steady_clock::now();
    if (was_empty && !pending.empty())
      first_seen = now;
    if (pending.empty()) {
      if (!wait_for(options_.poll))
        return;
      continue;
    }
    if (pending.size() < options_.batch_size && now - first_seen < options_.batch_delay) {
      if (!wait_for(std::min<std::chrono::steady_clock::duration>(
              options_.poll, first_seen + options_.batch_delay - now)))
        return;
      continue;
    }
    if (!deliver(pending))
      return;
    pending.clear();
  }
}

} // namespace volley::engine
