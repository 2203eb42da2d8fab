// WebhookSender: sends the event log to the CRM. On its own thread it reads event lines from the
// durable cursor on (EventFileReader), POSTs them in batches {"events":[...]} signed with
// X-Volley-Signature (HMAC-SHA256 of the body), and moves the cursor on a 2xx only. Anything else
// (an error status, a timeout, a refused connection) is retried with the same batch after an
// exponential backoff with jitter (retry_min doubling up to retry_max). Delivery is at-least-once:
// a batch whose 2xx was lost is sent again, so receivers dedupe by seq. Must never skip an event it
// can still read, move the cursor before an acknowledgement, or block another thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "engine/event_file_reader.hpp"
#include "engine/event_metrics.hpp"
#include "engine/webhook_client.hpp"
#include "engine/webhook_cursor.hpp"

namespace volley::engine {

struct WebhookSenderOptions {
  std::string log_path; // events.jsonl; the cursor is webhook_cursor_path(log_path)
  std::size_t keep = 10;
  policy::WebhookUrl url;
  std::string secret; // HMAC key (the secret file's text)
  std::string ca_file;
  std::size_t batch_size = 500;
  std::chrono::milliseconds batch_delay{1000};
  std::chrono::milliseconds retry_min{1000};
  std::chrono::milliseconds retry_max{300000};
  std::chrono::milliseconds timeout{10000};
  std::chrono::milliseconds poll{250}; // look for new lines this often without a wake()
};

class WebhookSender {
public:
  // Loads the cursor (throws std::runtime_error when it is damaged).
  WebhookSender(WebhookSenderOptions options, EventMetrics* metrics = nullptr);
  ~WebhookSender(); // stop()
  WebhookSender(const WebhookSender&) = delete;
  WebhookSender& operator=(const WebhookSender&) = delete;

  void start();
  void wake(); // any thread: events were written
  void stop(); // any thread: a POST in progress is abandoned (its batch is sent again later)
  std::uint64_t acked_seq() const;

private:
  void run();
  bool wait_for(std::chrono::steady_clock::duration delay); // false: stopping
  bool deliver(const std::vector<EventLine>& batch);        // false: stopping
  std::chrono::milliseconds backoff(unsigned failures);
  void acknowledge(const std::vector<EventLine>& batch);

  WebhookSenderOptions options_;
  EventMetrics* metrics_;
  EventMetrics own_metrics_;
  std::string cursor_path_;
  WebhookCursor cursor_;
  EventFileReader reader_;
  WebhookClient client_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool woken_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

} // namespace volley::engine
