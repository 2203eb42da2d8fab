// Records out of one raw DNS answer, with c-ares's parsers: TXT values (each record's strings
// joined, RFC 7208 §3.3), MX hosts, IPv4/IPv6 addresses and PTR names; and a short text for a
// query that got no usable answer. Parses bytes from the network: keeps at most
// kMaxAnswerRecords records per answer and never trusts a count beyond the c-ares parsers' checks.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "engine/cares_channel.hpp"

namespace volley::engine {

constexpr int kDnsTypePtr = 12;
constexpr int kDnsTypeTxt = 16;
constexpr std::size_t kMaxAnswerRecords = 64;

struct MxRecord {
  std::uint16_t preference = 0;
  std::string host; // lower-case, no trailing dot; "" = the root ("MX 0 .", RFC 7505)
};

// Each returns an ARES_* status: ARES_SUCCESS with at least one record, ARES_ENODATA when the
// answer holds none of that type, or the parser's error (ARES_EBADRESP...).
int parse_txt_records(const std::vector<unsigned char>& message, std::vector<std::string>& out);
int parse_mx_records(const std::vector<unsigned char>& message, std::vector<MxRecord>& out);
int parse_ipv4_records(const std::vector<unsigned char>& message,
                       std::vector<std::array<unsigned char, 4>>& out);
int parse_ipv6_records(const std::vector<unsigned char>& message,
                       std::vector<std::array<unsigned char, 16>>& out);
int parse_ptr_records(const std::vector<unsigned char>& message, std::vector<std::string>& out);

// "NXDOMAIN", "timed out after 3 tries", "SERVFAIL from the DNS server", ...
std::string describe_dns_status(int status, int timeouts);

// True for answers that say nothing about the name: the server did not answer (timeout, refused
// connection), or answered SERVFAIL / REFUSED.
bool dns_server_failed(int status);

} // namespace volley::engine
