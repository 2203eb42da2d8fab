// volley-sink: fast fault-injecting SMTP sink for tests and benchmarks. All logic lives in the
// volley_tools library (volley_sink_server.cpp) so tests can reach it; this file must stay a shim.
#include <iostream>
#include <string>
#include <vector>

#include "tools/volley_sink_server.hpp"

int main(int argc, char** argv) {
  std::ios::sync_with_stdio(false);
  const std::vector<std::string> arguments(argv + 1, argv + argc);
  return volley::tools::run_volley_sink(arguments, std::cout, std::cerr);
}
