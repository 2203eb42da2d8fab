// Asynchronous MX resolution for the delivery engine with c-ares, driven by a Boost.Asio io_context
// (c-ares sockets are watched with asio, no extra thread). Answers: the MX hosts of a domain sorted
// by preference (equal preferences shuffled), each with its A/AAAA addresses; RFC 5321 §5.1
// implicit MX (no MX record → the domain's own A/AAAA at preference 0); RFC 7505 null MX ("0 .") →
// null_mx; NXDOMAIN, or no MX and no A/AAAA → no_such_domain; MX hosts none of which has an address
// (often a transient DNS problem at the receiver), SERVFAIL and timeouts → temporary_failure.
// Positive answers are cached until their smallest TTL (clamped to [min_ttl, max_ttl]); negative
// and temporary failures for failure_ttl. Concurrent lookups of one domain share one query. Must
// never: block the io_context, call a callback from inside resolve() (always posted), or return a
// non-loopback address in tests (the caller decides what to connect to; tests point at dnsmasq).
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace volley::engine {

struct DnsOptions {
  std::vector<std::string> servers; // "127.0.0.1:5353" or "[::1]:53"; empty = /etc/resolv.conf
  std::chrono::milliseconds timeout{5000}; // per try
  int tries = 3;
  std::chrono::seconds min_ttl{60};
  std::chrono::seconds max_ttl{3600};
  std::chrono::seconds negative_ttl{300};
  std::chrono::seconds failure_ttl{30}; // temporary failures (SERVFAIL, timeouts)
  std::size_t max_cache_entries = 100000;
};

struct MxHost {
  std::string name; // lower-case, no trailing dot
  std::uint16_t preference = 0;
  std::vector<boost::asio::ip::address> addresses; // A then AAAA; empty if the host has none
};

struct MxAnswer {
  enum class Kind { ok, null_mx, no_such_domain, temporary_failure };
  Kind kind = Kind::temporary_failure;
  std::vector<MxHost> hosts; // ok: at least one host with at least one address
  bool implicit_mx = false;  // ok: hosts came from the domain's own A/AAAA records
  std::string detail;        // for logs and bounce diagnostics: "NXDOMAIN for x.test",
                             // "MX lookup of x.test timed out after 3 tries", ...
};

class MxResolver {
public:
  // Throws std::runtime_error with a clear message if c-ares cannot be initialised or a server
  // string is invalid ("dns.servers: '1.2.3' is not host:port").
  MxResolver(boost::asio::io_context& io, DnsOptions options);
  ~MxResolver();
  MxResolver(const MxResolver&) = delete;
  MxResolver& operator=(const MxResolver&) = delete;

  // domain: ASCII (A-label) domain, any case. The callback runs on the io_context, never inline.
  void resolve(const std::string& domain, std::function<void(const MxAnswer&)> done);
  // Cancels outstanding queries (their callbacks get temporary_failure "resolver stopped").
  void stop();

  std::size_t cache_size() const;

private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

} // namespace volley::engine
