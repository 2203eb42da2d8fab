// What an inbound SMTP session wants written, in order: reply bytes, points where the writer must
// pause (a delayed reply), and what to do once everything is written (close, or start TLS).
// Plain data; must never be interpreted out of order (a pause holds back all later bytes).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace volley::protocol {

struct SmtpServerOutput {
  struct Pause {
    std::size_t offset = 0; // into bytes: wait before writing bytes[offset..]
    std::uint32_t delay_ms = 0;
  };
  std::string bytes;            // replies, batched (one write for a pipelined group)
  std::vector<Pause> pauses;    // ascending offsets
  bool close_after = false;     // close the connection once bytes are written
  bool start_tls_after = false; // do the TLS handshake once bytes are written

  bool empty() const { return bytes.empty() && !close_after && !start_tls_after; }
  void clear() {
    bytes.clear();
    pauses.clear();
    close_after = false;
    start_tls_after = false;
  }
};

} // namespace volley::protocol
