// volleyctl dkim keygen: makes a DKIM private key (RSA or Ed25519) into a new file with mode 0600
// and prints the DNS TXT record to publish (zone-file form, split into 255-byte strings) and the
// config lines to use it. Offline: never talks to volleyd. Never overwrites a file without --force
// and never leaves a key file readable by others, not even for a moment (created 0600 with O_EXCL).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <string>

#include "protocol/dkim_key.hpp"
#include "tools/volleyctl_command_context.hpp"

namespace volley::tools {
namespace {

bool valid_label_text(const std::string& text) {
  if (text.empty() || text.size() > 253 || text.front() == '.' || text.back() == '.')
    return false;
  for (char c : text) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '.' || c == '_';
    if (!ok)
      return false;
  }
  return text.find("..") == std::string::npos;
}

// A TXT value longer than 255 bytes must be published as several strings (RFC 1035 §3.3.14).
std::string zone_strings(const std::string& value) {
  std::string out;
  for (std::size_t at = 0; at < value.size(); at += 255)
    out += (at ? " \"" : "\"") + value.substr(at, 255) + "\"";
  return out;
}

Result<Unit> write_new_private_file(const std::string& path, const std::string& text, bool force) {
  int flags = O_WRONLY | O_CREAT | O_CLOEXEC | (force ? O_TRUNC : O_EXCL);
  int fd = ::open(path.c_str(), flags, 0600);
  if (fd < 0) {
    if (errno == EEXIST)
      return make_error(error_code::invalid_request,
                        "--out " + path + " already exists; choose another file or add --force");
    return make_error(error_code::invalid_request,
                      "cannot create --out " + path + ": " + std::strerror(errno));
  }
  bool ok = ::fchmod(fd, 0600) == 0; // with --force an existing file may have had looser bits
  std::size_t written = 0;
  while (ok && written < text.size()) {
    ssize_t n = ::write(fd, text.data() + written, text.size() - written);
    if (n < 0 && errno == EINTR)
      continue;
    ok = n > 0;
    if (ok)
      written += static_cast<std::size_t>(n);
  }
  ok = ::fsync(fd) == 0 && ok;
  int saved = errno;
  ::close(fd);
  if (!ok)
    return make_error(error_code::invalid_request,
                      "cannot write --out " + path + ": " + std::strerror(saved));
  return Unit{};
}

} // namespace

int run_dkim_keygen(CommandContext& context) {
  const ParsedArgs& args = context.args;
  std::string domain = args.value("domain");
  std::string selector = args.value("selector");
  std::string out_path = args.value("out");
  if (!valid_label_text(domain))
    return report_usage_error(context, "--domain '" + domain + "' is not a domain name");
  if (!valid_label_text(selector))
    return report_usage_error(context, "--selector '" + selector +
                                           "' may hold only letters, digits, '-', '_' and '.'");
  std::string algorithm_name = args.has("algorithm") ? args.value("algorithm") : "rsa";
  protocol::DkimAlgorithm algorithm;
  if (algorithm_name == "rsa")
    algorithm = protocol::DkimAlgorithm::rsa_sha256;
  else if (algorithm_name == "ed25519")
    algorithm = protocol::DkimAlgorithm::ed25519_sha256;
  else
    return report_usage_error(context,
                              "--algorithm must be rsa or ed25519, not '" + algorithm_name + "'");
  int bits = 2048;
  if (args.has("bits")) {
    if (algorithm != protocol::DkimAlgorithm::rsa_sha256)
      return report_usage_error(context, "--bits applies to rsa keys only");
    std::string text = args.value("bits");
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), bits);
    if (ec != std::errc() || end != text.data() + text.size() || bits < 1024 || bits > 8192)
      return report_usage_error(context, "--bits must be a number from 1024 to 8192");
  }

  auto pem = protocol::generate_dkim_key(algorithm, bits);
  if (!pem) {
    context.err << "error: " << pem.error().message << "\n";
    return exit_server_error;
  }
  auto key = protocol::DkimKey::from_pem(*pem);
  if (!key) {
    context.err << "error: the generated key does not load: " << key.error().message << "\n";
    return exit_server_error;
  }
  if (auto written = write_new_private_file(out_path, *pem, args.has("force")); !written) {
    context.err << "error: " << written.error().message << "\n";
    return exit_no_input;
  }
  std::string record = key->dns_txt_record();
  std::string name = selector + "._domainkey." + domain;
  if (context.json) {
    boost::json::object out{{"file", out_path},
                            {"algorithm", algorithm == protocol::DkimAlgorithm::rsa_sha256
                                              ? "rsa-sha256"
                                              : "ed25519-sha256"},
                            {"dns_name", name},
                            {"txt", record}};
    if (algorithm == protocol::DkimAlgorithm::rsa_sha256)
      out["bits"] = bits;
    context.out << boost::json::serialize(out) << "\n";
    return exit_ok;
  }
  context.out << "wrote " << out_path << " ("
              << (algorithm == protocol::DkimAlgorithm::rsa_sha256
                      ? "rsa-sha256, " + std::to_string(bits) + " bits"
                      : std::string("ed25519-sha256"))
              << ", mode 0600)\n\n"
              << "publish this DNS TXT record:\n"
              << name << ". IN TXT " << zone_strings(record) << "\n\n"
              << "TXT value (for DNS panels that take one string):\n"
              << record << "\n";
  return exit_ok;
}

} // namespace volley::tools
