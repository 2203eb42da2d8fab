// Test support: dnsmasq on loopback for DNS tests (see dnsmasq_server.hpp). Start-up is checked
// with a real query, not by sleeping. Must never configure a non-loopback address or leave
// dnsmasq running after the object is gone.
#include "support/dnsmasq_server.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/ip/address.hpp>
#include <chrono>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "support/volleyd_process.hpp"

namespace volley::testing_support {
namespace {

const char* const kDnsmasq = "/usr/sbin/dnsmasq";

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// A DNS query for "ready.probe.invalid" (type A); dnsmasq answers REFUSED, which is enough.
std::vector<unsigned char> probe_query() {
  std::vector<unsigned char> q = {0x56, 0x4c, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0};
  for (const char* label : {"ready", "probe", "invalid"}) {
    q.push_back(static_cast<unsigned char>(std::strlen(label)));
    q.insert(q.end(), label, label + std::strlen(label));
  }
  q.insert(q.end(), {0, 0, 1, 0, 1});
  return q;
}

bool answers_probe(std::uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  if (fd < 0)
    return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  auto query = probe_query();
  bool answered = false;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      ::send(fd, query.data(), query.size(), 0) == static_cast<ssize_t>(query.size())) {
    pollfd p{fd, POLLIN, 0};
    unsigned char reply[512];
    answered = ::poll(&p, 1, 100) == 1 && ::recv(fd, reply, sizeof reply, 0) >= 12 &&
               reply[0] == query[0] && reply[1] == query[1];
  }
  ::close(fd);
  return answered;
}

std::string current_user() {
  passwd* entry = ::getpwuid(::geteuid());
  return entry ? entry->pw_name : "root";
}

void require_plain_name(const std::string& name) {
  if (name.empty() || name.find_first_of(",/ \"") != std::string::npos)
    throw std::invalid_argument("DnsmasqServer: '" + name + "' is not a plain DNS name");
}

} // namespace

DnsmasqServer::DnsmasqServer() {
  std::string pattern = (std::filesystem::temp_directory_path() / "volley-dns-XXXXXX").string();
  if (!::mkdtemp(pattern.data()))
    throw std::runtime_error("DnsmasqServer: mkdtemp failed in " +
                             std::filesystem::temp_directory_path().string());
  dir_ = pattern;
}

DnsmasqServer::~DnsmasqServer() {
  stop();
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

DnsmasqServer& DnsmasqServer::mx(const std::string& domain, const std::string& host,
                                 int preference) {
  require_plain_name(domain);
  require_plain_name(host);
  records_.push_back("--mx-host=" + domain + "," + host + "," + std::to_string(preference));
  return *this;
}

DnsmasqServer& DnsmasqServer::null_mx(const std::string& domain) {
  require_plain_name(domain);
  records_.push_back("--mx-host=" + domain + ",.,0"); // dnsmasq serves this as "MX 0 ."
  return *this;
}

DnsmasqServer& DnsmasqServer::address(const std::string& host, const std::string& ip, int ttl) {
  require_plain_name(host);
  boost::system::error_code ec;
  auto parsed = boost::asio::ip::make_address(ip, ec);
  if (ec || !parsed.is_loopback())
    throw std::invalid_argument("DnsmasqServer: '" + ip + "' for " + host +
                                " is not a loopback address; tests use 127.0.0.0/8 or ::1 only");
  records_.push_back("--host-record=" + host + "," + parsed.to_string() +
                     (ttl >= 0 ? "," + std::to_string(ttl) : ""));
  return *this;
}

DnsmasqServer& DnsmasqServer::txt(const std::string& name, const std::string& text) {
  require_plain_name(name);
  if (text.find('"') != std::string::npos)
    throw std::invalid_argument("DnsmasqServer: TXT text for " + name + " must not contain '\"'");
  records_.push_back("--txt-record=" + name + ",\"" + text + "\"");
  return *this;
}

DnsmasqServer& DnsmasqServer::local_domain(const std::string& domain) {
  require_plain_name(domain);
  local_domains_.push_back(domain);
  return *this;
}

DnsmasqServer& DnsmasqServer::ttl(int seconds) {
  ttl_ = seconds;
  return *this;
}

DnsmasqServer& DnsmasqServer::option(const std::string& raw) {
  records_.push_back(raw);
  return *this;
}

std::vector<std::string> DnsmasqServer::command_line() const {
  std::vector<std::string> argv = {kDnsmasq,
                                   "--keep-in-foreground",
                                   "--no-resolv",
                                   "--no-hosts",
                                   "--conf-file=/dev/null",
                                   "--listen-address=127.0.0.1",
                                   "--bind-interfaces",
                                   "--port=" + std::to_string(port_),
                                   "--user=" + current_user(),
                                   "--pid-file=" + (dir_ / "dnsmasq.pid").string(),
                                   "--log-queries",
                                   "--log-facility=" + (dir_ / "dnsmasq.log").string(),
                                   "--local-ttl=" + std::to_string(ttl_)};
  for (const auto& domain : local_domains_)
    argv.push_back("--local=/" + domain + "/");
  argv.insert(argv.end(), records_.begin(), records_.end());
  return argv;
}

void DnsmasqServer::start() {
  if (pid_ > 0)
    throw std::runtime_error("DnsmasqServer: already running on " + server());
  if (::access(kDnsmasq, X_OK) != 0)
    throw std::runtime_error(std::string("DnsmasqServer: ") + kDnsmasq +
                             " not found; install the dnsmasq-base package");
  for (int attempt = 0; attempt < 3; ++attempt) { // a new port if the picked one was taken
    port_ = pick_free_loopback_port();
    if (spawn_and_wait())
      return;
    if (read_file(dir_ / "dnsmasq.out").find("in use") == std::string::npos)
      break;
  }
  throw std::runtime_error("DnsmasqServer: dnsmasq did not start on " + server() + "; output:\n" +
                           read_file(dir_ / "dnsmasq.out") + "\nlog:\n" + log());
}

bool DnsmasqServer::spawn_and_wait() {
  std::vector<std::string> args = command_line();
  std::vector<char*> argv;
  argv.reserve(args.size() + 1);
  for (auto& arg : args)
    argv.push_back(arg.data());
  argv.push_back(nullptr);
  std::string output = (dir_ / "dnsmasq.out").string();
  pid_t child = ::fork();
  if (child < 0)
    throw std::runtime_error("DnsmasqServer: fork failed");
  if (child == 0) {
    int in = ::open("/dev/null", O_RDONLY);
    int out = ::open(output.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ::dup2(in, 0);
    ::dup2(out, 1);
    ::dup2(out, 2);
    ::close_range(3, ~0U, 0);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  pid_ = child;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return false;
    }
    if (answers_probe(port_))
      return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  stop();
  return false;
}

void DnsmasqServer::stop() {
  if (pid_ <= 0)
    return;
  ::kill(pid_, SIGTERM);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  int status = 0;
  while (::waitpid(pid_, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() >= deadline) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  pid_ = -1;
}

std::size_t DnsmasqServer::query_count(const std::string& name, const std::string& type) const {
  std::istringstream lines(log());
  std::string needle = "query[" + type + "] " + name + " from ";
  std::size_t count = 0;
  for (std::string line; std::getline(lines, line);)
    if (line.find(needle) != std::string::npos)
      ++count;
  return count;
}

std::string DnsmasqServer::log() const {
  return read_file(dir_ / "dnsmasq.log");
}

} // namespace volley::testing_support
