// BlockingDnsClient (see blocking_dns_client.hpp): runs the private io_context one handler at a
// time until the answer's handler has run. Must never loop without progress: run_one() returning
// 0 (nothing left to wait for) ends the wait with ARES_ECANCELLED.
#include "engine/blocking_dns_client.hpp"

#include <ares.h>

#include <optional>

namespace volley::engine {

BlockingDnsClient::BlockingDnsClient(const CaresChannelOptions& options) : channel_(io_, options) {}

CaresReply BlockingDnsClient::query(const std::string& name, int type) {
  std::optional<CaresReply> answer;
  channel_.query(name, type, [&answer](const CaresReply& reply) { answer = reply; });
  io_.restart();
  while (!answer && io_.run_one() > 0) {
  }
  if (!answer)
    return CaresReply{ARES_ECANCELLED, 0, {}};
  return std::move(*answer);
}

TxtAnswer BlockingDnsClient::txt(const std::string& name) {
  CaresReply reply = query(name, kDnsTypeTxt);
  TxtAnswer answer{reply.status, reply.timeouts, {}};
  if (reply.status == ARES_SUCCESS)
    answer.status = parse_txt_records(reply.message, answer.records);
  return answer;
}

MxAnswerRecords BlockingDnsClient::mx(const std::string& name) {
  CaresReply reply = query(name, kDnsTypeMx);
  MxAnswerRecords answer{reply.status, reply.timeouts, {}};
  if (reply.status == ARES_SUCCESS)
    answer.status = parse_mx_records(reply.message, answer.records);
  return answer;
}

} // namespace volley::engine
