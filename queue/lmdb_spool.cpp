// LmdbSpool: wires the spool operations (campaign table, recipient ingest, transitions) into writer
// requests, and the read queries into read transactions. Must never call a callback itself except
// through SpoolWriter (after commit), and never capture caller state by reference in a request.
#include "queue/lmdb_spool.hpp"

#include <algorithm>
#include <chrono>
#include <optional>
#include <stdexcept>

#include "queue/campaign_table.hpp"
#include "queue/recipient_ingest.hpp"
#include "queue/recipient_transitions.hpp"
#include "queue/spool_audit.hpp"
#include "queue/spool_reader.hpp"

namespace volley::queue {
namespace {

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// A write whose operation `Fn` (Result<T>(MDB_txn*)) runs in the writer; its result is delivered
// after the commit.
template <class T, class Fn> class SpoolRequest final : public WriteRequest {
public:
  SpoolRequest(std::size_t weight, Fn fn, SpoolCallback<T> done)
      : weight_(weight), fn_(std::move(fn)), done_(std::move(done)) {}

  bool apply(MDB_txn* txn) override {
    result_.reset();
    result_.emplace(fn_(txn));
    return result_->ok();
  }
  void complete() override {
    if (!result_)
      return fail(make_error(error_code::internal, "spool request was not applied"));
    if (done_)
      done_(std::move(*result_));
  }
  void fail(Error error) override {
    if (done_)
      done_(Result<T>(std::move(error)));
  }
  std::size_t weight() const override { return weight_; }

private:
  std::size_t weight_;
  Fn fn_;
  SpoolCallback<T> done_;
  std::optional<Result<T>> result_;
};

LmdbEnvConfig env_config(const SpoolOptions& o) {
  LmdbEnvConfig c;
  c.dir = o.dir;
  c.map_bytes = std::min(o.initial_map_bytes, o.max_map_bytes);
  c.max_dbs = kSpoolMaxDbs;
  c.durable = o.durable;
  return c;
}

DedupSettings dedup_settings(const SpoolTestHooks& hooks) {
  DedupSettings d;
  d.hash = hooks.address_hash;
  if (hooks.dedup_min_merge_entries != 0)
    d.min_merge_entries = hooks.dedup_min_merge_entries;
  if (hooks.dedup_min_merge_part != 0)
    d.min_merge_part = hooks.dedup_min_merge_part;
  return d;
}

Error cancelled_error(const std::string& id, const char* what) {
  return make_error(error_code::conflict, "campaign '" + id + "' is cancelled; " + what);
}

} // namespace

std::unique_ptr<Spool> Spool::open(const SpoolOptions& options) {
  return std::make_unique<LmdbSpool>(options);
}

LmdbSpool::LmdbSpool(const SpoolOptions& options, SpoolTestHooks hooks)
    : options_(options), env_(env_config(options)), dbs_(open_spool_dbs(env_.get(), options.dir)),
      recovered_(recover()), dedup_(dedup_settings(hooks)), writer_(env_, writer_options()) {
  if (hooks.dedup_max_tails != 0)
    tails_.max_tails = hooks.dedup_max_tails;
}

SpoolWriterOptions LmdbSpool::writer_options() {
  SpoolWriterOptions w;
  w.max_requests_per_commit = options_.max_requests_per_commit;
  w.max_queued_requests = options_.max_queued_requests;
  w.max_map_bytes = options_.max_map_bytes;
  w.on_commit_failed = [this] { tails_.by_campaign.clear(); };
  w.on_request_failed = [this] { // a merge part may have been rolled back: start those over
    for (auto& [seq, tail] : tails_.by_campaign)
      tail.merge.reset();
  };
  return w;
}

LmdbSpool::~LmdbSpool() {
  stop();
}

void LmdbSpool::stop() {
  writer_.stop();
}

// Returns in_flight recipients of a previous run to the queue (they may have been sent:
// at-least-once).
std::uint64_t LmdbSpool::recover() {
  try {
    LmdbTxn txn(env_.get(), nullptr, 0);
    RecipientTransitions transitions(txn.get(), dbs_);
    std::uint64_t n = transitions.recover_in_flight(now_ms());
    check_lmdb(txn.commit(), "mdb_txn_commit");
    return n;
  } catch (const LmdbFailure& e) {
    throw std::runtime_error("cannot open spool " + options_.dir.string() +
                             ": returning in-flight recipients to the queue failed: " + e.what());
  }
}

template <class T, class Fn>
void LmdbSpool::submit(std::size_t weight, Fn fn, SpoolCallback<T> done) {
  writer_.submit(std::make_unique<SpoolRequest<T, Fn>>(std::max<std::size_t>(weight, 1),
                                                       std::move(fn), std::move(done)));
}

void LmdbSpool::create_campaign(NewCampaign campaign, std::vector<NewRecipient> recipients,
                                SpoolCallback<CampaignCreated> done) {
  std::size_t weight = recipients.size() + 1;
  auto op = [this, campaign = std::move(campaign),
             recipients = std::move(recipients)](MDB_txn* txn) -> Result<CampaignCreated> {
    std::int64_t now = now_ms();
    CampaignTable table(txn, dbs_);
    auto info = table.create(campaign, now, options_.default_expires_after_s);
    if (!info)
      return info.error();
    CampaignCounters counters;
    RecipientIngest ingest(txn, dbs_, tails_, dedup_);
    CampaignCreated created{info->id, info->seq, {}};
    created.recipients =
        ingest.add(info->seq, std::max(now, info->not_before_ms), recipients, counters);
    table.write_counters(info->seq, counters);
    return created;
  };
  auto counted = [this, done = std::move(done)](Result<CampaignCreated> result) {
    if (result)
      recipients_injected_.fetch_add(result->recipients.accepted, std::memory_order_relaxed);
    if (done)
      done(std::move(result));
  };
  submit<CampaignCreated>(weight, std::move(op), std::move(counted));
}

void LmdbSpool::add_recipients(std::string campaign_id, std::vector<NewRecipient> recipients,
                               SpoolCallback<AddRecipientsResult> done) {
  std::size_t weight = recipients.size();
  auto op = [this, id = std::move(campaign_id),
             recipients = std::move(recipients)](MDB_txn* txn) -> Result<AddRecipientsResult> {
    CampaignTable table(txn, dbs_);
    auto info = table.read_by_id(id);
    if (!info)
      return info.error();
    if (info->state == CampaignState::cancelled) {
      return cancelled_error(id, "recipients can no longer be added; create a new campaign");
    }
    CampaignCounters counters = table.counters(info->seq);
    RecipientIngest ingest(txn, dbs_, tails_, dedup_);
    auto result =
        ingest.add(info->seq, std::max(now_ms(), info->not_before_ms), recipients, counters);
    table.write_counters(info->seq, counters);
    return result;
  };
  auto counted = [this, done = std::move(done)](Result<AddRecipientsResult> result) {
    if (result)
      recipients_injected_.fetch_add(result->accepted, std::memory_order_relaxed);
    if (done)
      done(std::move(result));
  };
  submit<AddRecipientsResult>(weight, std::move(op), std::move(counted));
}

void LmdbSpool::set_campaign_state(std::string campaign_id, CampaignAction action,
                                   SpoolCallback<CampaignState> done) {
  auto op = [this, id = std::move(campaign_id), action](MDB_txn* txn) -> Result<CampaignState> {
    CampaignTable table(txn, dbs_);
    auto info = table.read_by_id(id);
    if (!info)
      return info.error();
    CampaignState state = info->state;
    if (state == CampaignState::cancelled && action != CampaignAction::cancel) {
      return cancelled_error(id, action == CampaignAction::pause ? "it cannot be paused"
                                                                 : "it cannot be resumed");
    }
    if (action == CampaignAction::pause)
      state = CampaignState::paused;
    if (action == CampaignAction::resume)
      state = CampaignState::active;
    if (action == CampaignAction::cancel && state != CampaignState::cancelled) {
      CampaignCounters counters = table.counters(info->seq);
      RecipientTransitions(txn, dbs_).cancel_waiting(info->seq, counters);
      tails_.by_campaign.erase(info->seq); // no more adds: free its tail (reloaded if ever needed)
      table.write_counters(info->seq, counters);
      state = CampaignState::cancelled;
    }
    if (state != info->state) {
      info->state = state;
      table.write_record(*info);
    }
    return state;
  };
  submit<CampaignState>(1, std::move(op), std::move(done));
}

void LmdbSpool::put_suppression(SuppressionEntry entry, SpoolCallback<Unit> done) {
  auto op = [this, entry = std::move(entry)](MDB_txn* txn) -> Result<Unit> {
    if (entry.address.empty()) {
      return make_error(error_code::invalid_request, "suppression address is empty");
    }
    SuppressionEntry stored = entry;
    if (stored.at_ms == 0)
      stored.at_ms = now_ms();
    lmdb_put(txn, dbs_.suppressions, entry.address, encode_suppression(stored));
    return Unit{};
  };
  submit<Unit>(1, std::move(op), std::move(done));
}

void LmdbSpool::delete_suppression(std::string canonical, SpoolCallback<bool> done) {
  auto op = [this, canonical = std::move(canonical)](MDB_txn* txn) -> Result<bool> {
    if (canonical.empty())
      return false;
    return lmdb_del(txn, dbs_.suppressions, canonical);
  };
  submit<bool>(1, std::move(op), std::move(done));
}

void LmdbSpool::claim_due(std::int64_t now, std::size_t max,
                          SpoolCallback<std::vector<ClaimedRecipient>> done) {
  auto op = [this, now, max](MDB_txn* txn) -> Result<std::vector<ClaimedRecipient>> {
    return RecipientTransitions(txn, dbs_).claim_due(now, max);
  };
  submit<std::vector<ClaimedRecipient>>(max, std::move(op), std::move(done));
}

void LmdbSpool::record_outcomes(std::vector<DeliveryOutcome> outcomes, SpoolCallback<Unit> done) {
  std::size_t weight = outcomes.size();
  auto op = [this, outcomes = std::move(outcomes)](MDB_txn* txn) -> Result<Unit> {
    SoftBounceLimit soft{options_.soft_bounce_limit, options_.soft_bounce_window_s * 1000};
    RecipientTransitions(txn, dbs_, soft).record_outcomes(outcomes, now_ms());
    return Unit{};
  };
  submit<Unit>(weight, std::move(op), std::move(done));
}

void LmdbSpool::record_reported_bounces(std::vector<ReportedBounce> bounces,
                                        SpoolCallback<std::vector<BounceRecord>> done) {
  std::size_t weight = bounces.size();
  auto op = [this,
             bounces = std::move(bounces)](MDB_txn* txn) -> Result<std::vector<BounceRecord>> {
    SoftBounceLimit soft{options_.soft_bounce_limit, options_.soft_bounce_window_s * 1000};
    RecipientTransitions transitions(txn, dbs_, soft);
    std::vector<BounceRecord> stored;
    for (const ReportedBounce& b : bounces)
      stored.push_back(transitions.record_reported(b, now_ms()));
    transitions.flush_counters();
    return stored;
  };
  submit<std::vector<BounceRecord>>(weight, std::move(op), std::move(done));
}

// ---- reads ----

std::optional<CampaignInfo> LmdbSpool::campaign(std::string_view id) const {
  ReadTxn txn(env_);
  return SpoolReader(txn.get(), dbs_).campaign(id);
}

std::vector<CampaignInfo> LmdbSpool::campaigns() const {
  ReadTxn txn(env_);
  return SpoolReader(txn.get(), dbs_).campaigns();
}

std::optional<std::string> LmdbSpool::campaign_message(std::string_view id) const {
  ReadTxn txn(env_);
  return SpoolReader(txn.get(), dbs_).campaign_message(id);
}

std::optional<StoredRecipient> LmdbSpool::recipient(std::uint32_t campaign_seq,
                                                    std::uint64_t seq) const {
  ReadTxn txn(env_);
  return SpoolReader(txn.get(), dbs_).recipient(campaign_seq, seq);
}

void LmdbSpool::for_each_recipient(std::string_view campaign_id,
                                   const std::function<bool(const StoredRecipient&)>& visit) const {
  ReadTxn txn(env_);
  auto seq = CampaignTable(txn.get(), dbs_).find(campaign_id);
  if (seq)
    SpoolReader(txn.get(), dbs_).for_each_recipient(*seq, visit);
}

std::optional<SuppressionEntry> LmdbSpool::suppression(std::string_view canonical) const {
  ReadTxn txn(env_);
  return SpoolReader(txn.get(), dbs_).suppression(canonical);
}

std::vector<SuppressionEntry> LmdbSpool::suppressions(std::string_view after,
                                                      std::size_t limit) const {
  ReadTxn txn(env_);
  return SpoolReader(txn.get(), dbs_).suppressions(after, limit);
}

std::vector<BounceRecord> LmdbSpool::bounces(std::string_view campaign, std::uint64_t after,
                                             std::size_t limit) const {
  ReadTxn txn(env_);
  return SpoolReader(txn.get(), dbs_).bounces(campaign, after, limit);
}

SpoolStats LmdbSpool::stats() const {
  SpoolWriterStats w = writer_.stats();
  SpoolStats s;
  s.commits = w.commits;
  s.requests_committed = w.requests_committed;
  s.map_bytes = w.map_bytes;
  s.used_bytes = w.used_bytes;
  s.last_commit_us = w.last_commit_us;
  s.queued_requests = w.queued_requests;
  s.commit_duration = std::move(w.commit_duration);
  s.recipients_injected = recipients_injected_.load(std::memory_order_relaxed);
  return s;
}

std::vector<std::string> LmdbSpool::audit() const {
  ReadTxn txn(env_);
  return audit_spool(txn.get(), dbs_);
}

} // namespace volley::queue
