// volley-dsn FILE...: parses bounce, complaint and auto-reply messages offline and prints one JSON
// line per recipient (protocol/bounce_report_json.hpp). Exit 0 when every file was read and
// parsed, 1 when one could not be read or is not a message at all, 2 on usage errors.
// Must never: write anything but JSON lines to stdout, or touch the spool or the network.
#include <algorithm>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "protocol/bounce_report.hpp"
#include "protocol/bounce_report_json.hpp"

namespace {

constexpr std::streamsize kMaxMessageBytes = 64 << 20;

int parse_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::cerr << "volley-dsn: cannot open " << path << ": check the path and permissions\n";
    return 1;
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  std::string raw = buffer.str();
  if (static_cast<std::streamsize>(raw.size()) > kMaxMessageBytes) {
    std::cerr << "volley-dsn: " << path << ": larger than 64 MiB, not a bounce; skipped\n";
    return 1;
  }
  const auto report = volley::protocol::parse_bounce_message(raw);
  if (!report) {
    std::cerr << "volley-dsn: " << path << ": " << report.error().message << "\n";
    return 1;
  }
  std::cout << volley::protocol::bounce_report_json_lines(path, *report);
  return 0;
}

} // namespace

int main(int argc, char** argv) {
  std::ios::sync_with_stdio(false);
  if (argc < 2) {
    std::cerr
        << "usage: volley-dsn FILE...\n"
           "  Parses bounce / complaint / auto-reply messages and prints one JSON line per\n"
           "  recipient: file, recipient, status, smtp_code, reason, hard, kind, diagnostic,\n"
           "  remote_mta, type, verp_candidates.\n";
    return 2;
  }
  int status = 0;
  for (int i = 1; i < argc; ++i)
    status = std::max(status, parse_file(argv[i]));
  return status;
}
