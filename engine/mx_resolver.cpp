// MxResolver (see mx_resolver.hpp): the cache, the sharing of concurrent lookups of one domain and
// the posting of answers; the DNS work is MxLookup on a CaresChannel. Destroying the resolver drops
// the callbacks of lookups still running (stop() first to have them answered "resolver stopped").
// Must never call a callback inline, cache a "resolver stopped" answer, or run two lookups of one
// domain at once.
#include "engine/mx_resolver.hpp"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <cctype>
#include <random>
#include <unordered_map>

#include "engine/cares_channel.hpp"
#include "engine/mx_answer_cache.hpp"
#include "engine/mx_lookup.hpp"

namespace volley::engine {
namespace {

constexpr std::size_t kMaxDomainLength = 253;

CaresChannelOptions channel_options(const DnsOptions& options) {
  CaresChannelOptions result;
  for (const std::string& server : options.servers)
    result.servers.push_back(DnsServerAddress::parse(server));
  result.timeout = options.timeout;
  result.tries = options.tries;
  return result;
}

std::string normalised_domain(const std::string& domain) {
  std::string key = domain;
  if (!key.empty() && key.back() == '.')
    key.pop_back();
  for (char& c : key)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return key;
}

MxAnswer answer_of(MxAnswer::Kind kind, std::string detail) {
  MxAnswer answer;
  answer.kind = kind;
  answer.detail = std::move(detail);
  return answer;
}

} // namespace

struct MxResolver::Impl {
  using Callback = std::function<void(const MxAnswer&)>;
  struct InFlight {
    std::uint64_t id = 0;
    std::shared_ptr<MxLookup> lookup;
    std::vector<Callback> waiters;
  };

  Impl(boost::asio::io_context& context, DnsOptions dns)
      : io(context), options(std::move(dns)), channel(io, channel_options(options)),
        cache(options.max_cache_entries), random(std::random_device{}()) {}

  void post(Callback done, std::shared_ptr<const MxAnswer> answer) {
    boost::asio::post(io, [done = std::move(done), answer = std::move(answer)] { done(*answer); });
  }
  void start_lookup(const std::string& domain, Callback done);
  void on_lookup_done(const std::string& domain, std::uint64_t id, MxLookupResult result);
  std::chrono::seconds cache_time(const MxLookupResult& result) const;

  boost::asio::io_context& io;
  DnsOptions options;
  CaresChannel channel;
  MxAnswerCache cache;
  std::mt19937 random;
  std::unordered_map<std::string, InFlight> in_flight;
  std::uint64_t next_id = 1;
  bool stopped = false;
};

void MxResolver::Impl::start_lookup(const std::string& domain, Callback done) {
  std::uint64_t id = next_id++;
  auto lookup = std::make_shared<MxLookup>(
      channel, random, domain,
      [this, domain, id](MxLookupResult result) { on_lookup_done(domain, id, std::move(result)); });
  InFlight& entry = in_flight[domain];
  entry.id = id;
  entry.lookup = lookup;
  entry.waiters.push_back(std::move(done));
  lookup->start();
}

void MxResolver::Impl::on_lookup_done(const std::string& domain, std::uint64_t id,
                                      MxLookupResult result) {
  auto found = in_flight.find(domain);
  if (found == in_flight.end() || found->second.id != id)
    return; // stop() already answered its waiters
  std::vector<Callback> waiters = std::move(found->second.waiters);
  in_flight.erase(found);
  auto answer = std::make_shared<const MxAnswer>(std::move(result.answer));
  auto keep = cache_time(result);
  if (!result.stopped && keep.count() > 0)
    cache.store(domain, *answer, MxAnswerCache::Clock::now() + keep);
  for (Callback& done : waiters)
    post(std::move(done), answer);
}

std::chrono::seconds MxResolver::Impl::cache_time(const MxLookupResult& result) const {
  using Kind = MxAnswer::Kind;
  if (result.answer.kind == Kind::temporary_failure) // SERVFAIL, timeouts: ask again soon
    return options.failure_ttl;
  if (result.answer.kind != Kind::ok && result.answer.kind != Kind::null_mx)
    return options.negative_ttl;
  auto ttl = std::chrono::seconds(result.ttl_seconds);
  ttl = std::clamp(ttl, options.min_ttl, std::max(options.min_ttl, options.max_ttl));
  if (result.partial) // some host lookups failed for now: ask again soon
    ttl = std::min(ttl, options.min_ttl);
  return ttl;
}

MxResolver::MxResolver(boost::asio::io_context& io, DnsOptions options)
    : impl_(std::make_unique<Impl>(io, std::move(options))) {}

MxResolver::~MxResolver() = default;

void MxResolver::resolve(const std::string& domain, std::function<void(const MxAnswer&)> done) {
  using Kind = MxAnswer::Kind;
  std::string key = normalised_domain(domain);
  if (impl_->stopped) {
    impl_->post(std::move(done), std::make_shared<const MxAnswer>(
                                     answer_of(Kind::temporary_failure, "resolver stopped")));
    return;
  }
  if (key.empty() || key.size() > kMaxDomainLength) {
    impl_->post(std::move(done),
                std::make_shared<const MxAnswer>(
                    answer_of(Kind::no_such_domain, "'" + domain +
                                                        "' is not a valid domain name (empty or "
                                                        "longer than 253 characters)")));
    return;
  }
  if (auto cached = impl_->cache.find(key, MxAnswerCache::Clock::now())) {
    impl_->post(std::move(done), std::make_shared<const MxAnswer>(std::move(*cached)));
    return;
  }
  auto running = impl_->in_flight.find(key);
  if (running != impl_->in_flight.end()) {
    running->second.waiters.push_back(std::move(done));
    return;
  }
  impl_->start_lookup(key, std::move(done));
}

void MxResolver::stop() {
  impl_->stopped = true;
  auto running = std::move(impl_->in_flight);
  impl_->in_flight.clear();
  impl_->channel.shut_down();
  auto stopped = std::make_shared<const MxAnswer>(
      answer_of(MxAnswer::Kind::temporary_failure, "resolver stopped"));
  for (auto& [domain, entry] : running)
    for (auto& done : entry.waiters)
      impl_->post(std::move(done), stopped);
}

std::size_t MxResolver::cache_size() const {
  return impl_->cache.size();
}

} // namespace volley::engine
