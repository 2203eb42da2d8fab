// Sending-domain preflight (volleyctl check-domain): is DOMAIN ready for Volley's mail? SPF (the
// record, and check_host for each source IP via libspf2 + c-ares), DKIM key records against the
// configured keys, the DMARC record and alignment, and an MX for the bounce domain. All DNS goes
// to the given servers through c-ares (blocking, one question at a time). Returns items; never
// prints, never sends mail, never reads files (the config loader read the DKIM keys).
#pragma once

#include <boost/asio/ip/address.hpp>
#include <cstddef>
#include <string>
#include <vector>

#include "engine/cares_channel.hpp"
#include "engine/preflight_item.hpp"
#include "policy/dkim_config.hpp"

namespace volley::engine {

struct PreflightRequest {
  std::string domain;                               // the From / sender domain, lower-case
  std::vector<boost::asio::ip::address> source_ips; // empty: only check the SPF record exists
  std::string helo_name;                            // for SPF's %{h}
  CaresChannelOptions dns;                          // servers, timeout, tries
  std::vector<policy::DkimDomainConfig> dkim;       // [dkim] entries with loaded keys
  std::string bounce_domain;                        // the envelope sender's (VERP) domain
};

struct PreflightReport {
  std::vector<PreflightItem> items;
  bool dns_unreachable = false; // the first question got no answer: nothing else was checked

  std::size_t count(PreflightStatus status) const;
};

// Throws std::runtime_error when c-ares or libspf2 cannot be set up.
PreflightReport run_domain_preflight(const PreflightRequest& request);

} // namespace volley::engine
