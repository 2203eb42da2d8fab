// SpfCaresResolver: a libspf2 DNS layer (SPF_dns_server_t, see /usr/include/spf2/spf_dns.h) that
// answers libspf2's A, AAAA, MX, TXT and PTR questions with c-ares through a BlockingDnsClient,
// so SPF evaluation asks the DNS servers Volley is configured with instead of libresolv's
// /etc/resolv.conf. Type 99 (SPF, retired by RFC 7208 §3.1) is answered NODATA without a query,
// which sends libspf2 on to TXT. Engine-internal (only spf_evaluator.cpp includes it).
// Must never: let libspf2 free the layer (destroy is null), return a null answer, or ask more than
// kMaxQueries questions for one evaluation.
#pragma once

#include <arpa/inet.h> // libspf2's headers need in_addr, size_t... declared first
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/types.h>

#include <cstddef>

extern "C" {
#include <spf2/spf.h>
}

#include <cstddef>
#include <string>
#include <vector>

#include "engine/blocking_dns_client.hpp"

namespace volley::engine {

class SpfCaresResolver {
public:
  // RFC 7208 §4.6.4 allows 10 DNS mechanisms with up to 10 MX/PTR names each; this bounds the rest.
  static constexpr std::size_t kMaxQueries = 200;

  explicit SpfCaresResolver(BlockingDnsClient& dns);
  SpfCaresResolver(const SpfCaresResolver&) = delete;
  SpfCaresResolver& operator=(const SpfCaresResolver&) = delete;

  // The layer to hand to SPF_server_new_dns; lives as long as this object.
  SPF_dns_server_t* layer() { return &layer_; }

  // Starts a new evaluation: clears the query budget and the failures seen.
  void reset();
  // "TXT a.test: timed out after 3 tries", one per failed question since reset().
  const std::vector<std::string>& failures() const { return failures_; }

private:
  static SPF_dns_rr_t* lookup(SPF_dns_server_t* layer, const char* domain, ns_type type,
                              int should_cache);
  SPF_dns_rr_t* answer(const char* domain, ns_type type);
  static int fill(SPF_dns_rr_t* rr, ns_type type, const std::vector<unsigned char>& message);
  void note_failure(const char* domain, ns_type type, const std::string& what);

  BlockingDnsClient& dns_;
  SPF_dns_server_t layer_{};
  std::size_t queries_ = 0;
  std::vector<std::string> failures_;
};

} // namespace volley::engine
