// MxLookup (see mx_lookup.hpp). Status mapping: NXDOMAIN → no_such_domain; NODATA → implicit MX;
// SERVFAIL, REFUSED, timeouts, unreachable servers → temporary_failure; cancelled → stopped.
// Must never trust a count or name from the network beyond the c-ares parsers' checks.
#include "engine/mx_lookup.hpp"

#include <ares.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <map>

#include "engine/dns_answer_ttl.hpp"

namespace volley::engine {
namespace {

constexpr int kMaxAddressesPerQuery = 32;

const char* type_name(int type) {
  return type == kDnsTypeMx ? "MX" : type == kDnsTypeA ? "A" : "AAAA";
}

// "timed out after 3 tries", "SERVFAIL", ...: why a query got no usable answer.
std::string describe_failure(const CaresReply& reply) {
  switch (reply.status) {
  case ARES_ETIMEOUT:
    return "timed out after " + std::to_string(std::max(1, reply.timeouts)) + " tries";
  case ARES_ESERVFAIL:
    return "failed: SERVFAIL from the DNS server";
  case ARES_EREFUSED:
    return "failed: REFUSED by the DNS server";
  case ARES_ECONNREFUSED: // c-ares 1.18 also ends here when every server said SERVFAIL/REFUSED
    return "failed: no DNS server gave an answer (each was unreachable or answered "
           "SERVFAIL/REFUSED)";
  case ARES_EFORMERR:
    return "failed: FORMERR from the DNS server";
  case ARES_ENOTIMP:
    return "failed: NOTIMP from the DNS server";
  case ARES_EBADRESP:
    return "failed: malformed DNS response";
  default:
    return std::string("failed: ") + ares_strerror(reply.status);
  }
}

std::string normalised_host(const char* name) {
  std::string host = name ? name : "";
  while (!host.empty() && host.back() == '.')
    host.pop_back();
  for (char& c : host)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return host;
}

// MX records without duplicates (lowest preference wins); `root_targets` counts "MX n ." records.
int parse_mx(const CaresReply& reply, std::vector<MxHost>& hosts, int& root_targets) {
  ares_mx_reply* records = nullptr;
  int status =
      ares_parse_mx_reply(reply.message.data(), static_cast<int>(reply.message.size()), &records);
  if (status != ARES_SUCCESS)
    return status;
  std::map<std::string, std::uint16_t> best;
  for (ares_mx_reply* mx = records; mx; mx = mx->next) {
    std::string host = normalised_host(mx->host);
    if (host.empty()) {
      ++root_targets;
      continue;
    }
    auto [it, inserted] = best.emplace(host, mx->priority);
    if (!inserted)
      it->second = std::min(it->second, mx->priority);
  }
  ares_free_data(records);
  for (const auto& [name, preference] : best)
    hosts.push_back(MxHost{name, preference, {}});
  return ARES_SUCCESS;
}

// Sorted by preference, equal preferences in random order, at most `limit` hosts.
void order_hosts(std::vector<MxHost>& hosts, std::mt19937& random, std::size_t limit) {
  std::shuffle(hosts.begin(), hosts.end(), random);
  std::stable_sort(hosts.begin(), hosts.end(),
                   [](const MxHost& a, const MxHost& b) { return a.preference < b.preference; });
  if (hosts.size() > limit)
    hosts.resize(limit);
}

int parse_addresses(const CaresReply& reply, int type,
                    std::vector<boost::asio::ip::address>& addresses, std::uint32_t& ttl) {
  const unsigned char* data = reply.message.data();
  int length = static_cast<int>(reply.message.size());
  int count = kMaxAddressesPerQuery;
  int status = ARES_SUCCESS;
  auto take_ttl = [&](int record_ttl) {
    ttl = std::min(ttl, static_cast<std::uint32_t>(std::max(0, record_ttl)));
  };
  if (type == kDnsTypeA) {
    ares_addrttl records[kMaxAddressesPerQuery];
    status = ares_parse_a_reply(data, length, nullptr, records, &count);
    for (int i = 0; status == ARES_SUCCESS && i < count; ++i) {
      boost::asio::ip::address_v4::bytes_type bytes;
      std::memcpy(bytes.data(), &records[i].ipaddr, bytes.size());
      addresses.push_back(boost::asio::ip::address_v4(bytes));
      take_ttl(records[i].ttl);
    }
  } else {
    ares_addr6ttl records[kMaxAddressesPerQuery];
    status = ares_parse_aaaa_reply(data, length, nullptr, records, &count);
    for (int i = 0; status == ARES_SUCCESS && i < count; ++i) {
      boost::asio::ip::address_v6::bytes_type bytes;
      std::memcpy(bytes.data(), &records[i].ip6addr, bytes.size());
      addresses.push_back(boost::asio::ip::address_v6(bytes));
      take_ttl(records[i].ttl);
    }
  }
  return status;
}

} // namespace

MxLookup::MxLookup(CaresChannel& channel, std::mt19937& random, std::string domain, Done done)
    : channel_(channel), random_(random), domain_(std::move(domain)), done_(std::move(done)) {}

void MxLookup::start() {
  channel_.query(domain_, kDnsTypeMx,
                 [self = shared_from_this()](const CaresReply& reply) { self->on_mx(reply); });
}

bool MxLookup::stop_if_cancelled(const CaresReply& reply) {
  if (reply.status != ARES_ECANCELLED && reply.status != ARES_EDESTRUCTION)
    return false;
  result_.stopped = true;
  finish(MxAnswer::Kind::temporary_failure, "resolver stopped");
  return true;
}

void MxLookup::on_mx(const CaresReply& reply) {
  if (finished_ || stop_if_cancelled(reply))
    return;
  switch (reply.status) {
  case ARES_SUCCESS:
    on_mx_records(reply);
    return;
  case ARES_ENODATA: // the domain exists without MX records: RFC 5321 §5.1 implicit MX
    query_addresses({MxHost{domain_, 0, {}}}, true);
    return;
  case ARES_ENOTFOUND:
    finish(MxAnswer::Kind::no_such_domain, "NXDOMAIN for " + domain_);
    return;
  case ARES_EBADNAME:
    finish(MxAnswer::Kind::no_such_domain, "'" + domain_ + "' is not a valid domain name");
    return;
  default:
    finish(MxAnswer::Kind::temporary_failure,
           "MX lookup of " + domain_ + " " + describe_failure(reply));
  }
}

void MxLookup::on_mx_records(const CaresReply& reply) {
  std::vector<MxHost> hosts;
  int root_targets = 0;
  int status = parse_mx(reply, hosts, root_targets);
  if (status == ARES_ENODATA) { // an answer without MX records (e.g. only a CNAME)
    query_addresses({MxHost{domain_, 0, {}}}, true);
    return;
  }
  if (status != ARES_SUCCESS) {
    finish(MxAnswer::Kind::temporary_failure, "MX lookup of " + domain_ +
                                                  " failed: unparsable MX answer (" +
                                                  ares_strerror(status) + ")");
    return;
  }
  take_ttl(dns_answer_ttl(reply.message.data(), reply.message.size(), kDnsTypeMx).value_or(0));
  if (hosts.empty()) { // only "MX 0 ." (RFC 7505), or only root targets
    finish(MxAnswer::Kind::null_mx, domain_ + " does not accept mail (null MX, RFC 7505)");
    return;
  }
  order_hosts(hosts, random_, kMaxMxHosts);
  query_addresses(std::move(hosts), false);
}

void MxLookup::query_addresses(std::vector<MxHost> hosts, bool implicit) {
  implicit_ = implicit;
  hosts_.clear();
  for (auto& host : hosts)
    hosts_.push_back(HostState{std::move(host), {}, {}, {}, false});
  pending_ = hosts_.size() * 2;
  for (std::size_t i = 0; i < hosts_.size(); ++i) {
    for (int type : {kDnsTypeA, kDnsTypeAaaa}) {
      channel_.query(hosts_[i].host.name, type,
                     [self = shared_from_this(), i, type](const CaresReply& reply) {
                       self->on_address(i, type, reply);
                     });
    }
  }
}

void MxLookup::on_address(std::size_t index, int type, const CaresReply& reply) {
  if (finished_ || stop_if_cancelled(reply))
    return;
  HostState& state = hosts_[index];
  auto& addresses = type == kDnsTypeA ? state.v4 : state.v6;
  int status = reply.status;
  std::uint32_t ttl = UINT32_MAX;
  if (status == ARES_SUCCESS)
    status = parse_addresses(reply, type, addresses, ttl);
  if (status == ARES_SUCCESS && !addresses.empty())
    take_ttl(ttl);
  else if (status != ARES_SUCCESS && status != ARES_ENODATA && status != ARES_ENOTFOUND) {
    CaresReply failed = reply;
    failed.status = status;
    state.temporary_failure = true;
    state.problems += std::string(state.problems.empty() ? "" : ", ") + type_name(type) +
                      " lookup " + describe_failure(failed);
  }
  if (--pending_ == 0)
    assemble();
}

void MxLookup::assemble() {
  std::vector<MxHost> usable;
  for (HostState& state : hosts_) {
    if (state.v4.empty() && state.v6.empty())
      continue;
    MxHost host = std::move(state.host);
    host.addresses = std::move(state.v4);
    host.addresses.insert(host.addresses.end(), state.v6.begin(), state.v6.end());
    usable.push_back(std::move(host));
  }
  if (usable.empty()) {
    assemble_without_hosts();
    return;
  }
  result_.partial = std::any_of(hosts_.begin(), hosts_.end(),
                                [](const HostState& s) { return s.temporary_failure; });
  result_.answer.hosts = std::move(usable);
  result_.answer.implicit_mx = implicit_;
  finish(MxAnswer::Kind::ok, "");
}

void MxLookup::assemble_without_hosts() {
  if (implicit_) {
    if (hosts_.front().temporary_failure)
      finish(MxAnswer::Kind::temporary_failure,
             "no MX records for " + domain_ + " and its " + hosts_.front().problems);
    else
      finish(MxAnswer::Kind::no_such_domain, "no MX and no A/AAAA records for " + domain_);
    return;
  }
  std::string detail = "no MX host of " + domain_ + " has an address (";
  for (std::size_t i = 0; i < hosts_.size(); ++i) {
    detail += (i ? "; " : "") + hosts_[i].host.name + ": " +
              (hosts_[i].problems.empty() ? "no A/AAAA records" : hosts_[i].problems);
  }
  finish(MxAnswer::Kind::temporary_failure, detail + ")");
}

void MxLookup::take_ttl(std::uint32_t ttl) {
  result_.ttl_seconds = have_ttl_ ? std::min(result_.ttl_seconds, ttl) : ttl;
  have_ttl_ = true;
}

void MxLookup::finish(MxAnswer::Kind kind, std::string detail) {
  if (finished_)
    return;
  finished_ = true;
  result_.answer.kind = kind;
  result_.answer.detail = std::move(detail);
  Done done = std::move(done_);
  done(std::move(result_));
}

} // namespace volley::engine
