// OutcomeBatcher (see outcome_batcher.hpp). A failed commit (disk full) is logged and retried: the
// recipients stay in_flight in the spool, so after a restart they are attempted again at worst.
#include "engine/outcome_batcher.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <memory>

namespace volley::engine {

OutcomeBatcher::OutcomeBatcher(boost::asio::io_context& io, queue::Spool& spool,
                               std::size_t max_batch, std::chrono::milliseconds max_delay)
    : io_(io), spool_(spool), max_batch_(max_batch), max_delay_(max_delay), timer_(io) {}

void OutcomeBatcher::add(queue::DeliveryOutcome outcome) {
  buffered_.push_back(std::move(outcome));
  if (buffered_.size() >= max_batch_) {
    flush();
    return;
  }
  if (!timer_armed_) {
    timer_armed_ = true;
    timer_.expires_after(max_delay_);
    timer_.async_wait([this](const boost::system::error_code& ec) {
      timer_armed_ = false;
      if (!ec)
        flush();
    });
  }
}

void OutcomeBatcher::flush() {
  if (buffered_.empty())
    return;
  auto batch = std::make_shared<std::vector<queue::DeliveryOutcome>>(std::move(buffered_));
  buffered_.clear();
  ++commits_running_;
  spool_.record_outcomes(*batch, [this, batch](Result<Unit> result) {
    boost::asio::post(io_, [this, batch, ok = result.ok(),
                            error = result.ok() ? Error{} : result.error()]() mutable {
      --commits_running_;
      if (ok && on_committed_)
        on_committed_(*batch);
      if (!ok) {
        ++failed_commits_;
        spdlog::error("recording {} delivery outcome(s) failed: {} ({}); retrying in 1 s",
                      batch->size(), error.message, error.code);
        auto retry = std::make_shared<boost::asio::steady_timer>(io_, std::chrono::seconds(1));
        ++commits_running_;
        retry->async_wait([this, batch, retry](const boost::system::error_code&) {
          --commits_running_;
          for (auto& o : *batch)
            buffered_.push_back(std::move(o));
          flush();
        });
      }
      if (on_commit_)
        on_commit_();
    });
  });
}

} // namespace volley::engine
