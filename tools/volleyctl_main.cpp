// volleyctl: command-line client for volleyd's control API. All logic lives in the volley_tools
// library (volleyctl_commands.cpp) so tests can run it in-process; this file must stay a shim.
#include <iostream>

#include "tools/volleyctl_commands.hpp"

int main(int argc, char** argv) {
  return volley::tools::run_volleyctl(argc, argv, std::cout, std::cerr);
}
