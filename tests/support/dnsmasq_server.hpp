// Test support: a real DNS server (Debian's /usr/sbin/dnsmasq, package dnsmasq-base) on
// 127.0.0.1 with a free port, serving only the records a test gives it. Typical use:
//
//   DnsmasqServer dns;
//   dns.mx("a.test", "mx1.a.test", 10).address("mx1.a.test", "127.0.0.11")
//      .address("mx1.a.test", "::1").null_mx("null.test").txt("txt.test", "v=spf1 -all");
//   dns.start();                            // waits (<= 10 s) until it answers
//   DnsOptions options; options.servers = {dns.server()};   // "127.0.0.1:PORT"
//   ... resolve ...
//   EXPECT_EQ(dns.query_count("a.test", "MX"), 1u);         // from dnsmasq's --log-queries
//
// Answers: configured names get their records (other types: NODATA); any other name under a local
// domain ("test" by default, see local_domain()) gets NXDOMAIN; names outside every local domain
// get REFUSED (handy for a "DNS trouble" case). No upstream servers, no /etc/hosts, no
// /etc/resolv.conf. Records may only hold loopback addresses (127.0.0.0/8, ::1).
// Never listens on a non-loopback address and always kills what it started (destructor).
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace volley::testing_support {

class DnsmasqServer {
public:
  DnsmasqServer();  // makes the temp dir; nothing runs until start()
  ~DnsmasqServer(); // stops a running dnsmasq (SIGTERM, then SIGKILL) and removes the temp dir
  DnsmasqServer(const DnsmasqServer&) = delete;
  DnsmasqServer& operator=(const DnsmasqServer&) = delete;

  // Records; call before start(). A TTL of -1 means the default TTL (see ttl()).
  DnsmasqServer& mx(const std::string& domain, const std::string& host, int preference);
  DnsmasqServer& null_mx(const std::string& domain); // "MX 0 ." (RFC 7505)
  // A or AAAA record (by the address's family); throws unless it is loopback.
  DnsmasqServer& address(const std::string& host, const std::string& ip, int ttl = -1);
  DnsmasqServer& txt(const std::string& name, const std::string& text);
  // Names under `domain` that have no record get NXDOMAIN. "test" is always local.
  DnsmasqServer& local_domain(const std::string& domain);
  // TTL of MX and TXT records and of addresses without their own (dnsmasq --local-ttl); default 0.
  DnsmasqServer& ttl(int seconds);
  // Any other dnsmasq option, passed as is ("--cname=alias.test,target.test").
  DnsmasqServer& option(const std::string& raw);

  // Starts dnsmasq and waits (<= 10 s) until it answers a probe query. Throws std::runtime_error
  // with dnsmasq's output if it exits or stays silent.
  void start();
  void stop(); // SIGTERM, waits <= 5 s, then SIGKILL
  bool running() const { return pid_ > 0; }

  std::string server() const { return "127.0.0.1:" + std::to_string(port_); }
  std::uint16_t port() const { return port_; }
  // How many queries of `type` ("MX", "A", "AAAA", "TXT") for `name` dnsmasq has logged so far.
  // dnsmasq logs a query before answering it, so a count read after the answer is complete.
  std::size_t query_count(const std::string& name, const std::string& type) const;
  std::string log() const; // dnsmasq's log file (start-up lines and one line per query/answer)
  std::filesystem::path dir() const { return dir_; }

private:
  std::vector<std::string> command_line() const;
  bool spawn_and_wait();

  std::filesystem::path dir_;
  std::vector<std::string> records_;
  std::vector<std::string> local_domains_{"test"};
  int ttl_ = 0;
  std::uint16_t port_ = 0;
  pid_t pid_ = -1;
};

} // namespace volley::testing_support
