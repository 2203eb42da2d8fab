// BlockingDnsClient: one DNS question at a time on a private io_context and CaresChannel, waited
// for in place; for offline tools (volleyctl check-domain) and libraries that call back
// synchronously (libspf2's DNS layer, spf_cares_resolver.hpp). Every query ends within c-ares's
// timeout x tries. Must never be used on the daemon's io_context threads (it blocks) or from two
// threads at once.
#pragma once

#include <boost/asio/io_context.hpp>
#include <string>
#include <vector>

#include "engine/cares_channel.hpp"
#include "engine/dns_answer_records.hpp"

namespace volley::engine {

struct TxtAnswer {
  int status = 0; // ARES_SUCCESS (records not empty), ARES_ENODATA, ARES_ENOTFOUND, failures
  int timeouts = 0;
  std::vector<std::string> records;
};

struct MxAnswerRecords {
  int status = 0;
  int timeouts = 0;
  std::vector<MxRecord> records;
};

class BlockingDnsClient {
public:
  // Throws std::runtime_error naming what failed if c-ares cannot be initialised.
  explicit BlockingDnsClient(const CaresChannelOptions& options);
  BlockingDnsClient(const BlockingDnsClient&) = delete;
  BlockingDnsClient& operator=(const BlockingDnsClient&) = delete;

  // The raw answer to one question of class IN (no search list).
  CaresReply query(const std::string& name, int type);
  TxtAnswer txt(const std::string& name);
  MxAnswerRecords mx(const std::string& name);

  std::uint64_t queries() const { return channel_.queries_started(); }

private:
  boost::asio::io_context io_;
  CaresChannel channel_;
};

} // namespace volley::engine
