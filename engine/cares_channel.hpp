// CaresChannel: one c-ares channel driven by a Boost.Asio io_context. c-ares sockets are watched
// with non-owning posix descriptors (released before c-ares closes them) and c-ares timeouts with a
// steady_timer; no extra thread. Answers are raw DNS messages, handed to the caller by posting.
// Must never: close a c-ares socket itself, call a handler inline or after destruction, block, or
// be used from more than one thread (all calls on the io_context's thread).
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/dns_server_address.hpp"

struct ares_channeldata; // c-ares's opaque channel (ares_channel is a pointer to it)

namespace volley::engine {

constexpr int kDnsTypeA = 1;
constexpr int kDnsTypeMx = 15;
constexpr int kDnsTypeAaaa = 28;

struct CaresReply {
  int status = 0;   // ARES_SUCCESS, ARES_ENODATA, ARES_ENOTFOUND, ARES_ETIMEOUT...
  int timeouts = 0; // tries that timed out
  std::vector<unsigned char> message; // the raw response; empty if none arrived
};

struct CaresChannelOptions {
  std::vector<DnsServerAddress> servers; // empty = the servers of /etc/resolv.conf
  std::chrono::milliseconds timeout{5000};
  int tries = 3;
};

class CaresChannel {
public:
  using ReplyHandler = std::function<void(const CaresReply&)>;

  // Throws std::runtime_error naming what failed if c-ares cannot be initialised.
  CaresChannel(boost::asio::io_context& io, const CaresChannelOptions& options);
  ~CaresChannel(); // drops outstanding handlers without calling them
  CaresChannel(const CaresChannel&) = delete;
  CaresChannel& operator=(const CaresChannel&) = delete;

  // One question of class IN for `name` (no search list). `done` is always posted.
  void query(const std::string& name, int type, ReplyHandler done);
  // Cancels outstanding queries (handlers get ARES_ECANCELLED) and answers later ones the same way.
  void shut_down();

  std::uint64_t queries_started() const { return queries_started_; }
  std::size_t watched_sockets() const { return watches_.size(); }

private:
  struct Watch;
  struct PendingQuery;

  static void on_socket_state(void* data, int fd, int readable, int writable);
  static void on_reply(void* arg, int status, int timeouts, unsigned char* message, int length);
  void watch_socket(int fd, bool readable, bool writable);
  void arm(const std::shared_ptr<Watch>& watch);
  void on_ready(const std::shared_ptr<Watch>& watch, bool for_write,
                const boost::system::error_code& ec);
  void process(int read_fd, int write_fd);
  void rearm_timer();
  void post_reply(ReplyHandler done, CaresReply reply);

  boost::asio::io_context& io_;
  ares_channeldata* channel_ = nullptr;
  boost::asio::steady_timer timer_;
  std::unordered_map<int, std::shared_ptr<Watch>> watches_;
  std::shared_ptr<char> alive_ = std::make_shared<char>(0); // handlers hold a weak_ptr to it
  std::uint64_t queries_started_ = 0;
  bool shut_down_ = false;
  bool destroying_ = false;
};

} // namespace volley::engine
