// Test support: SmtpSinkProcess (see header): starting Postfix's smtp-sink on a free loopback port,
// reading its -c counter line and parsing its -D dump file. Never waits without a deadline and
// never leaves smtp-sink running.
#include "support/smtp_sink_process.hpp"

#include <pwd.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "support/volleyd_process.hpp"

namespace volley::testing_support {
namespace {

// One line, alone, before every dumped transaction (-S; smtp-sink unescapes "\n").
constexpr std::string_view kDumpMarker = "=====volley-smtp-sink-transaction=====";

std::string read_whole_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string read_file_tail(const std::filesystem::path& path, std::size_t bytes) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in)
    return "";
  const std::streamoff size = in.tellg();
  in.seekg(size > static_cast<std::streamoff>(bytes) ? size - static_cast<std::streamoff>(bytes)
                                                     : 0);
  std::string tail(bytes, '\0');
  in.read(tail.data(), static_cast<std::streamsize>(bytes));
  tail.resize(static_cast<std::size_t>(in.gcount()));
  return tail;
}

// True when /proc/net/tcp lists a LISTEN socket on 127.0.0.1:port.
bool loopback_port_listens(std::uint16_t port) {
  std::ifstream table("/proc/net/tcp");
  char wanted[32];
  std::snprintf(wanted, sizeof wanted, "0100007F:%04X", port);
  std::string slot, local, remote, state;
  for (std::string line; std::getline(table, line);) {
    std::istringstream fields(line);
    if (fields >> slot >> local >> remote >> state && local == wanted && state == "0A")
      return true;
  }
  return false;
}

std::string escape_strftime(const std::string& path) {
  std::string escaped;
  for (char c : path)
    escaped += (c == '%') ? std::string("%%") : std::string(1, c);
  return escaped;
}

// Splits one dumped transaction (the text after a marker line) into its parts.
SmtpSinkMessage parse_transaction(std::string_view block) {
  SmtpSinkMessage message;
  bool in_received = false;
  std::size_t position = 0;
  while (position < block.size()) {
    const std::size_t end = block.find('\n', position);
    const std::string_view line = block.substr(
        position, end == std::string_view::npos ? std::string_view::npos : end - position);
    const bool continuation = !line.empty() && line.front() == '\t';
    if (in_received && !continuation)
      break; // the message itself starts here
    position = end == std::string_view::npos ? block.size() : end + 1;
    if (line.starts_with("X-Helo-Args: "))
      message.helo = line.substr(13);
    else if (line.starts_with("X-Mail-Args: "))
      message.mail_from = line.substr(13);
    else if (line.starts_with("X-Rcpt-Args: "))
      message.rcpts.emplace_back(line.substr(13));
    else if (line.starts_with("Received: "))
      in_received = true;
  }
  std::string_view content = block.substr(position);
  if (content.ends_with('\n'))
    content.remove_suffix(1); // the dump adds one empty line after every message
  message.content = content;
  return message;
}

} // namespace

std::string smtp_sink_path() {
  return "/usr/sbin/smtp-sink";
}

std::string smtp_source_path() {
  return "/usr/sbin/smtp-source";
}

SmtpSinkProcess::SmtpSinkProcess(SmtpSinkSettings settings) : settings_(std::move(settings)) {
  std::string pattern = (std::filesystem::temp_directory_path() / "smtp-sink-XXXXXX").string();
  if (!::mkdtemp(pattern.data()))
    throw std::runtime_error("mkdtemp failed");
  dir_ = pattern;
  std::filesystem::create_directories(dir_ / "dump");
  if (::geteuid() == 0) {
    // smtp-sink refuses to run as root without -u; as "nobody" it must be able to write dump/.
    const passwd* nobody = ::getpwnam("nobody");
    std::filesystem::permissions(dir_, std::filesystem::perms::owner_all |
                                           std::filesystem::perms::group_exec |
                                           std::filesystem::perms::others_exec);
    if (nobody == nullptr || ::chown((dir_ / "dump").c_str(), nobody->pw_uid, nobody->pw_gid) != 0)
      throw std::runtime_error("SmtpSinkProcess: cannot hand " + dir_.string() + " to nobody");
  }
}

SmtpSinkProcess::~SmtpSinkProcess() {
  process_.stop(std::chrono::milliseconds(0));
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

std::vector<std::string> SmtpSinkProcess::command_line(std::uint16_t port) const {
  std::vector<std::string> argv = {smtp_sink_path(),
                                   "-c",
                                   "-4",
                                   "-h",
                                   settings_.hostname,
                                   "-m",
                                   std::to_string(settings_.max_connections)};
  if (::geteuid() == 0)
    argv.insert(argv.end(), {"-u", "nobody"});
  if (settings_.dump)
    argv.insert(argv.end(), {"-D", escape_strftime(dump_path().string()), "-S",
                             std::string(kDumpMarker) + "\\n"});
  argv.insert(argv.end(), settings_.args.begin(), settings_.args.end());
  argv.insert(argv.end(), {"127.0.0.1:" + std::to_string(port), std::to_string(settings_.backlog)});
  return argv;
}

bool SmtpSinkProcess::try_start_on(std::uint16_t port) {
  process_.start({.argv = command_line(port),
                  .stdout_file = dir_ / "counters.txt",
                  .stderr_file = dir_ / "stderr.log"});
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    if (!process_.running())
      return false; // e.g. "bind: Address already in use"
    if (loopback_port_listens(port)) {
      port_ = port;
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  process_.stop(std::chrono::milliseconds(0));
  throw std::runtime_error("smtp-sink did not listen on 127.0.0.1:" + std::to_string(port) +
                           " within 10 s; stderr: " + errors());
}

void SmtpSinkProcess::start() {
  for (int attempt = 0; attempt < 5; ++attempt)
    if (try_start_on(pick_free_loopback_port()))
      return;
  throw std::runtime_error("smtp-sink could not start (5 ports tried); stderr: " + errors());
}

int SmtpSinkProcess::stop() {
  return process_.stop();
}

SmtpSinkCounters SmtpSinkProcess::counters() const {
  // Records look like "sess=3 quit=3 mesg=7\r"; the last one may still be half-written. The
  // file grows by ~60 bytes per message, so only its tail is read.
  const std::string text = read_file_tail(dir_ / "counters.txt", 256);
  const std::size_t end = text.rfind('\r');
  if (end == std::string::npos)
    return {};
  const std::size_t previous = end == 0 ? std::string::npos : text.rfind('\r', end - 1);
  const std::size_t begin = previous == std::string::npos ? 0 : previous + 1;
  const std::string record = text.substr(begin, end - begin);
  SmtpSinkCounters counters;
  unsigned long long sessions = 0, quits = 0, messages = 0;
  if (std::sscanf(record.c_str(), "sess=%llu quit=%llu mesg=%llu", &sessions, &quits, &messages) ==
      3) {
    counters.sessions = sessions;
    counters.quits = quits;
    counters.messages = messages;
  }
  return counters;
}

std::vector<SmtpSinkMessage> SmtpSinkProcess::dumped_messages() const {
  if (!settings_.dump)
    throw std::logic_error("SmtpSinkProcess: dumped_messages() needs SmtpSinkSettings::dump");
  const std::string text = read_whole_file(dump_path());
  const std::string marker = std::string(kDumpMarker) + "\n";
  std::vector<SmtpSinkMessage> messages;
  std::size_t begin = text.starts_with(marker) ? 0 : std::string::npos;
  while (begin != std::string::npos) {
    const std::size_t body = begin + marker.size();
    std::size_t next = text.find("\n" + marker, body);
    if (next != std::string::npos)
      ++next; // the marker starts after the newline
    messages.push_back(parse_transaction(std::string_view(text).substr(
        body, next == std::string::npos ? std::string::npos : next - body)));
    begin = next;
  }
  return messages;
}

std::uint64_t SmtpSinkProcess::recipients() const {
  std::uint64_t count = 0;
  for (const SmtpSinkMessage& message : dumped_messages())
    count += message.rcpts.size();
  return count;
}

bool SmtpSinkProcess::wait_for_messages(std::uint64_t count,
                                        std::chrono::milliseconds timeout) const {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (counters().messages < count) {
    if (std::chrono::steady_clock::now() >= deadline)
      return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

} // namespace volley::testing_support
