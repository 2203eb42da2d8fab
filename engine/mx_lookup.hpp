// MxLookup: one MX resolution of one domain on a CaresChannel: the MX query, then A and AAAA for
// every MX host in parallel (or for the domain itself when it has no MX: RFC 5321 §5.1 implicit
// MX), assembled into an MxAnswer with the smallest TTL seen. Used by MxResolver only.
// Must never: report twice, keep an MX host without an address in an ok answer, or query more
// than kMaxMxHosts hosts.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "engine/cares_channel.hpp"
#include "engine/mx_resolver.hpp"

namespace volley::engine {

struct MxLookupResult {
  MxAnswer answer;
  std::uint32_t ttl_seconds = 0; // ok / null_mx: the smallest TTL of the records used
  bool partial = false;          // ok, but some address lookups failed temporarily
  bool stopped = false;          // cancelled by MxResolver::stop(); never cache
};

class MxLookup : public std::enable_shared_from_this<MxLookup> {
public:
  static constexpr std::size_t kMaxMxHosts = 16;
  using Done = std::function<void(MxLookupResult)>;

  // `channel` and `random` must outlive every handler of this lookup (the channel drops handlers
  // when it is destroyed, so owning both next to the channel is enough).
  MxLookup(CaresChannel& channel, std::mt19937& random, std::string domain, Done done);
  void start();

private:
  struct HostState {
    MxHost host;
    std::vector<boost::asio::ip::address> v4;
    std::vector<boost::asio::ip::address> v6;
    std::string problems; // "AAAA: SERVFAIL; ..." for the temporary-failure detail
    bool temporary_failure = false;
  };

  void on_mx(const CaresReply& reply);
  void on_mx_records(const CaresReply& reply);
  void query_addresses(std::vector<MxHost> hosts, bool implicit);
  void on_address(std::size_t index, int type, const CaresReply& reply);
  void assemble();
  void assemble_without_hosts();
  bool stop_if_cancelled(const CaresReply& reply);
  void finish(MxAnswer::Kind kind, std::string detail);
  void take_ttl(std::uint32_t ttl);

  CaresChannel& channel_;
  std::mt19937& random_;
  std::string domain_;
  Done done_;
  std::vector<HostState> hosts_;
  std::size_t pending_ = 0;
  bool implicit_ = false;
  bool finished_ = false;
  MxLookupResult result_;
  bool have_ttl_ = false;
};

} // namespace volley::engine
