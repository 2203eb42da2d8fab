// CaresChannel (see cares_channel.hpp). c-ares reports socket interest through its socket-state
// callback; each socket gets a posix::stream_descriptor used only for async_wait, released (never
// closed) when c-ares says it no longer cares, which it does right before closing the socket.
// Must never: let asio own a c-ares fd, or let a handler touch the channel after destruction.
#include "engine/cares_channel.hpp"

#include <ares.h>

#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace volley::engine {
namespace {

constexpr int kDnsClassIn = 1;

void ensure_library_initialised() {
  static const int status = ares_library_init(ARES_LIB_INIT_ALL);
  if (status != ARES_SUCCESS)
    throw std::runtime_error(std::string("dns: c-ares library initialisation failed: ") +
                             ares_strerror(status));
}

void set_servers(ares_channel channel, const std::vector<DnsServerAddress>& servers) {
  std::vector<ares_addr_port_node> nodes(servers.size());
  for (std::size_t i = 0; i < servers.size(); ++i) {
    ares_addr_port_node& node = nodes[i];
    node.next = i + 1 < nodes.size() ? &nodes[i + 1] : nullptr;
    if (servers[i].address.is_v4()) {
      node.family = AF_INET;
      auto bytes = servers[i].address.to_v4().to_bytes();
      std::memcpy(&node.addr.addr4, bytes.data(), bytes.size());
    } else {
      node.family = AF_INET6;
      auto bytes = servers[i].address.to_v6().to_bytes();
      std::memcpy(&node.addr.addr6, bytes.data(), bytes.size());
    }
    node.udp_port = servers[i].port;
    node.tcp_port = servers[i].port;
  }
  int status = ares_set_servers_ports(channel, nodes.data());
  if (status != ARES_SUCCESS)
    throw std::runtime_error(std::string("dns.servers: c-ares refused the server list: ") +
                             ares_strerror(status) + "; check the [dns] servers setting");
}

} // namespace

struct CaresChannel::Watch {
  Watch(boost::asio::io_context& io, int socket) : descriptor(io), fd(socket) {}
  ~Watch() { release(); }
  void release() {
    if (descriptor.is_open())
      descriptor.release(); // cancels waits; the fd stays open for c-ares to close
    released = true;
  }

  boost::asio::posix::stream_descriptor descriptor;
  int fd;
  bool want_read = false;
  bool want_write = false;
  bool read_pending = false;
  bool write_pending = false;
  bool released = false;
};

struct CaresChannel::PendingQuery {
  CaresChannel* channel;
  ReplyHandler done;
};

CaresChannel::CaresChannel(boost::asio::io_context& io, const CaresChannelOptions& options)
    : io_(io), timer_(io) {
  ensure_library_initialised();
  ares_options init{};
  init.sock_state_cb = &CaresChannel::on_socket_state;
  init.sock_state_cb_data = this;
  init.timeout = static_cast<int>(std::max<std::int64_t>(1, options.timeout.count()));
  init.tries = std::max(1, options.tries);
  int mask = ARES_OPT_SOCK_STATE_CB | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES;
  ares_channel channel = nullptr;
  int status = ares_init_options(&channel, &init, mask);
  if (status != ARES_SUCCESS)
    throw std::runtime_error(std::string("dns: cannot initialise the c-ares resolver: ") +
                             ares_strerror(status) +
                             "; check /etc/resolv.conf or set [dns] servers");
  channel_ = channel;
  if (!options.servers.empty()) {
    try {
      set_servers(channel_, options.servers);
    } catch (...) {
      ares_destroy(channel_);
      channel_ = nullptr;
      throw;
    }
  }
}

CaresChannel::~CaresChannel() {
  destroying_ = true;
  if (channel_)
    ares_destroy(channel_); // reports every socket as closed, drops every pending query
  for (auto& [fd, watch] : watches_)
    watch->release();
  watches_.clear();
}

void CaresChannel::query(const std::string& name, int type, ReplyHandler done) {
  if (shut_down_) {
    post_reply(std::move(done), CaresReply{ARES_ECANCELLED, 0, {}});
    return;
  }
  ++queries_started_;
  auto* pending = new PendingQuery{this, std::move(done)};
  ares_query(channel_, name.c_str(), kDnsClassIn, type, &CaresChannel::on_reply, pending);
  rearm_timer();
}

void CaresChannel::shut_down() {
  shut_down_ = true;
  ares_cancel(channel_);
  rearm_timer();
}

void CaresChannel::on_reply(void* arg, int status, int timeouts, unsigned char* message,
                            int length) {
  std::unique_ptr<PendingQuery> pending(static_cast<PendingQuery*>(arg));
  CaresChannel& self = *pending->channel;
  if (self.destroying_)
    return;
  CaresReply reply;
  reply.status = status;
  reply.timeouts = timeouts;
  if (message && length > 0)
    reply.message.assign(message, message + length);
  self.post_reply(std::move(pending->done), std::move(reply));
}

void CaresChannel::post_reply(ReplyHandler done, CaresReply reply) {
  boost::asio::post(
      io_, [alive = std::weak_ptr<char>(alive_), done = std::move(done), reply = std::move(reply)] {
        if (!alive.expired())
          done(reply);
      });
}

void CaresChannel::on_socket_state(void* data, int fd, int readable, int writable) {
  static_cast<CaresChannel*>(data)->watch_socket(fd, readable != 0, writable != 0);
}

void CaresChannel::watch_socket(int fd, bool readable, bool writable) {
  auto found = watches_.find(fd);
  if (!readable && !writable) { // c-ares is about to close fd
    if (found != watches_.end()) {
      found->second->release();
      watches_.erase(found);
    }
    return;
  }
  if (destroying_)
    return;
  if (found == watches_.end()) {
    auto watch = std::make_shared<Watch>(io_, fd);
    boost::system::error_code ec;
    watch->descriptor.assign(fd, ec);
    if (ec) {
      spdlog::warn("dns: cannot watch c-ares socket {}: {}; its queries will time out", fd,
                   ec.message());
      return;
    }
    found = watches_.emplace(fd, std::move(watch)).first;
  }
  found->second->want_read = readable;
  found->second->want_write = writable;
  arm(found->second);
}

void CaresChannel::arm(const std::shared_ptr<Watch>& watch) {
  using boost::asio::posix::descriptor_base;
  if (watch->want_read && !watch->read_pending) {
    watch->read_pending = true;
    watch->descriptor.async_wait(
        descriptor_base::wait_read,
        [this, alive = std::weak_ptr<char>(alive_), watch](const boost::system::error_code& ec) {
          if (!alive.expired())
            on_ready(watch, false, ec);
        });
  }
  if (watch->want_write && !watch->write_pending) {
    watch->write_pending = true;
    watch->descriptor.async_wait(
        descriptor_base::wait_write,
        [this, alive = std::weak_ptr<char>(alive_), watch](const boost::system::error_code& ec) {
          if (!alive.expired())
            on_ready(watch, true, ec);
        });
  }
}

void CaresChannel::on_ready(const std::shared_ptr<Watch>& watch, bool for_write,
                            const boost::system::error_code& ec) {
  (for_write ? watch->write_pending : watch->read_pending) = false;
  if (watch->released || ec == boost::asio::error::operation_aborted)
    return;
  if (!(for_write ? watch->want_write : watch->want_read))
    return;
  if (for_write)
    process(ARES_SOCKET_BAD, watch->fd);
  else
    process(watch->fd, ARES_SOCKET_BAD);
  if (!ec && !watch->released) // on a wait error, c-ares's own timeouts take over
    arm(watch);
}

void CaresChannel::process(int read_fd, int write_fd) {
  ares_process_fd(channel_, read_fd, write_fd);
  rearm_timer();
}

void CaresChannel::rearm_timer() {
  timeval storage{};
  timeval* next = ares_timeout(channel_, nullptr, &storage);
  if (!next) {
    timer_.cancel();
    return;
  }
  timer_.expires_after(std::chrono::seconds(next->tv_sec) +
                       std::chrono::microseconds(next->tv_usec));
  timer_.async_wait(
      [this, alive = std::weak_ptr<char>(alive_)](const boost::system::error_code& ec) {
        if (alive.expired() || ec == boost::asio::error::operation_aborted)
          return;
        process(ARES_SOCKET_BAD, ARES_SOCKET_BAD);
      });
}

} // namespace volley::engine
