// volleyctl entry points: parse the command line, choose the endpoint, run one command, return the
// exit status (0 ok, 1 error answer, 2 volleyd unreachable, 64 usage, 66 unreadable input file,
// 130 interrupted). Callable in-process (tests); never calls exit() and writes only to the given
// streams.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "tools/cli_format.hpp"
#include "tools/volleyctl_endpoint.hpp"

namespace volley::tools {

struct VolleyctlEnvironment {
  EnvironmentLookup lookup;         // VOLLEY_SOCKET, VOLLEY_URL, VOLLEY_TOKEN, NO_COLOR, COLUMNS
  FileExists exists;                // for ./var/run/volley.sock and ./var/control.token
  bool stderr_is_terminal = false;  // draw a progress bar while uploading
  bool stdout_is_terminal = false;  // colours, and `campaign watch` redrawn in place
  std::size_t terminal_columns = 0; // stdout's terminal width; 0 = unknown
};

// The real process environment (getenv, the filesystem) with the terminal facts as given.
VolleyctlEnvironment process_environment(bool stdout_is_terminal, bool stderr_is_terminal,
                                         std::size_t terminal_columns);

// Colour when stdout is a terminal, NO_COLOR is unset or empty and TERM is not "dumb"; the width
// of the terminal, else $COLUMNS, else 0 (no limit).
TerminalStyle terminal_style(const VolleyctlEnvironment& environment);

int run_volleyctl(const std::vector<std::string>& arguments,
                  const VolleyctlEnvironment& environment, std::ostream& out, std::ostream& err);

// argv[0] is skipped. Progress bars are drawn only when err is std::cerr and fd 2 is a terminal.
int run_volleyctl(int argc, char** argv, std::ostream& out, std::ostream& err);

} // namespace volley::tools
