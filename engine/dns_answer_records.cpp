// DNS answer parsing (see dns_answer_records.hpp). Must never free c-ares data with anything but
// ares_free_data / ares_free_hostent, or keep more than kMaxAnswerRecords records.
#include "engine/dns_answer_records.hpp"

#include <ares.h>

#include <algorithm>
#include <cstring>

namespace volley::engine {
namespace {

int length_of(const std::vector<unsigned char>& message) {
  return static_cast<int>(std::min<std::size_t>(message.size(), 65535));
}

std::string normalised_name(const char* name) {
  std::string out = name ? name : "";
  while (!out.empty() && out.back() == '.')
    out.pop_back();
  for (char& c : out)
    if (c >= 'A' && c <= 'Z')
      c = static_cast<char>(c - 'A' + 'a');
  return out;
}

template <class Record> int finish(int status, const std::vector<Record>& out) {
  if (status == ARES_SUCCESS && out.empty())
    return ARES_ENODATA;
  return status;
}

} // namespace

int parse_txt_records(const std::vector<unsigned char>& message, std::vector<std::string>& out) {
  ares_txt_ext* chunks = nullptr;
  int status = ares_parse_txt_reply_ext(message.data(), length_of(message), &chunks);
  if (status != ARES_SUCCESS)
    return status;
  bool skipping = false;
  for (ares_txt_ext* chunk = chunks; chunk; chunk = chunk->next) {
    if (chunk->record_start) {
      skipping = out.size() == kMaxAnswerRecords;
      if (!skipping)
        out.emplace_back();
    }
    if (!skipping && !out.empty())
      out.back().append(reinterpret_cast<const char*>(chunk->txt), chunk->length);
  }
  ares_free_data(chunks);
  return finish(status, out);
}

int parse_mx_records(const std::vector<unsigned char>& message, std::vector<MxRecord>& out) {
  ares_mx_reply* records = nullptr;
  int status = ares_parse_mx_reply(message.data(), length_of(message), &records);
  if (status != ARES_SUCCESS)
    return status;
  for (ares_mx_reply* mx = records; mx && out.size() < kMaxAnswerRecords; mx = mx->next)
    out.push_back(MxRecord{mx->priority, normalised_name(mx->host)});
  ares_free_data(records);
  std::stable_sort(out.begin(), out.end(), [](const MxRecord& a, const MxRecord& b) {
    return a.preference < b.preference;
  });
  return finish(status, out);
}

int parse_ipv4_records(const std::vector<unsigned char>& message,
                       std::vector<std::array<unsigned char, 4>>& out) {
  ares_addrttl records[kMaxAnswerRecords];
  int count = static_cast<int>(kMaxAnswerRecords);
  int status = ares_parse_a_reply(message.data(), length_of(message), nullptr, records, &count);
  for (int i = 0; status == ARES_SUCCESS && i < count; ++i) {
    std::array<unsigned char, 4> bytes{};
    std::memcpy(bytes.data(), &records[i].ipaddr, bytes.size());
    out.push_back(bytes);
  }
  return finish(status, out);
}

int parse_ipv6_records(const std::vector<unsigned char>& message,
                       std::vector<std::array<unsigned char, 16>>& out) {
  ares_addr6ttl records[kMaxAnswerRecords];
  int count = static_cast<int>(kMaxAnswerRecords);
  int status = ares_parse_aaaa_reply(message.data(), length_of(message), nullptr, records, &count);
  for (int i = 0; status == ARES_SUCCESS && i < count; ++i) {
    std::array<unsigned char, 16> bytes{};
    std::memcpy(bytes.data(), &records[i].ip6addr, bytes.size());
    out.push_back(bytes);
  }
  return finish(status, out);
}

int parse_ptr_records(const std::vector<unsigned char>& message, std::vector<std::string>& out) {
  // c-ares copies `address` into the hostent it builds; the names are all we keep.
  const unsigned char address[4] = {0, 0, 0, 0};
  hostent* host = nullptr;
  int status = ares_parse_ptr_reply(message.data(), length_of(message), address, sizeof address,
                                    AF_INET, &host);
  if (status != ARES_SUCCESS)
    return status;
  if (host->h_name)
    out.push_back(normalised_name(host->h_name));
  for (char** alias = host->h_aliases; alias && *alias && out.size() < kMaxAnswerRecords; ++alias)
    out.push_back(normalised_name(*alias));
  ares_free_hostent(host);
  return finish(status, out);
}

std::string describe_dns_status(int status, int timeouts) {
  switch (status) {
  case ARES_SUCCESS:
    return "answered";
  case ARES_ENODATA:
    return "no records of that type (NODATA)";
  case ARES_ENOTFOUND:
    return "no such domain (NXDOMAIN)";
  case ARES_ETIMEOUT:
    return "timed out after " + std::to_string(std::max(1, timeouts)) + " tries";
  case ARES_ESERVFAIL:
    return "SERVFAIL from the DNS server";
  case ARES_EREFUSED:
    return "REFUSED by the DNS server";
  case ARES_ECONNREFUSED: // c-ares 1.18 also ends here when every server said SERVFAIL/REFUSED
    return "no DNS server gave an answer (unreachable, or SERVFAIL/REFUSED)";
  case ARES_EFORMERR:
    return "FORMERR from the DNS server";
  case ARES_EBADRESP:
    return "malformed DNS response";
  default:
    return ares_strerror(status);
  }
}

bool dns_server_failed(int status) {
  return status == ARES_ETIMEOUT || status == ARES_ECONNREFUSED || status == ARES_ESERVFAIL ||
         status == ARES_EREFUSED;
}

} // namespace volley::engine
