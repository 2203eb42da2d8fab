// Test support: generates NDJSON recipient lines on the fly (never the whole body in memory) for
// upload_stream, e.g. "{"to":"r-7@d3.example.com","id":"7"}".
#pragma once

#include <cstdint>
#include <string>

namespace volley::testing_support {

class RecipientStream {
public:
  RecipientStream(std::string prefix, std::uint64_t first, std::uint64_t count)
      : prefix_(std::move(prefix)), next_(first), end_(first + count) {}

  // Next chunk of about 256 KiB of lines; "" when done.
  std::string next_chunk() {
    std::string chunk;
    chunk.reserve(300 * 1024);
    while (next_ < end_ && chunk.size() < 256 * 1024) {
      chunk += "{\"to\":\"" + address(next_) + "\",\"id\":\"" + std::to_string(next_) + "\"}\n";
      ++next_;
    }
    return chunk;
  }

  std::string address(std::uint64_t n) const {
    return prefix_ + "-" + std::to_string(n) + "@d" + std::to_string(n % 50) + ".example.com";
  }

private:
  std::string prefix_;
  std::uint64_t next_;
  std::uint64_t end_;
};

} // namespace volley::testing_support
