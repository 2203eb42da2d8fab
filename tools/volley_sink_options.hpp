// Command line of volley-sink (see volley_sink_usage() for every flag). Pure: strings in, options
// or an error naming the flag and what it expects out; never prints, exits or touches files.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/result.hpp"
#include "tools/volley_sink_fault.hpp"

namespace volley::tools {

struct VolleySinkOptions {
  std::string listen_host = "127.0.0.1"; // an IP literal ("localhost" becomes 127.0.0.1)
  std::uint16_t listen_port = 0;         // 0 = the kernel picks one (printed at start)
  bool allow_any_address = false;
  unsigned threads = 1;
  bool tls_self_signed = false;
  std::string tls_cert;
  std::string tls_key;
  std::uint64_t max_message_size = 10485760;
  bool pipelining = true;
  std::string hostname = "volley-sink.localhost";
  std::string record_file;
  std::string record_bodies_dir;
  std::string stats_file;
  std::vector<VolleySinkFault> faults;
  std::uint64_t seed = 1;
  bool help = false;
};

Result<VolleySinkOptions> parse_volley_sink_options(const std::vector<std::string>& arguments);
std::string_view volley_sink_usage();

} // namespace volley::tools
