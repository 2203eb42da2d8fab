// Test support: OpenDKIM's opendkim-testmsg (opendkim-tools, libopendkim 2.11 with ed25519-sha256)
// as an independent DKIM verifier for the protocol and integration suites. Header-only because the
// protocol suite links no test-support library. opendkim-testmsg has no key-file option and always
// asks DNS, so each run happens in a private network + mount namespace (`unshare -nm`, needs root)
// where dnsmasq on 127.0.0.1:53 serves the given TXT records and a bind-mounted /etc/resolv.conf
// points at it. It exits 0 when ANY signature verifies (check multi-signature messages one
// signature at a time: copies_with_one_signature) and rejects a message without a Date field
// ("dkim_chunk(): Syntax error"). Must never touch the host's network or resolv.conf, never write
// outside the caller's work directory, and never leave a process running: every step is bounded.
#pragma once

#include <sys/wait.h>

#include <algorithm>
#include <cstddef>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace volley::testing_support {

struct DkimTxtRecord {
  std::string name;  // "selector._domainkey.domain"
  std::string value; // the TXT value, e.g. "v=DKIM1; k=ed25519; p=..."
};

struct OpendkimVerdict {
  int exit_code = -1; // opendkim-testmsg's exit status (0 = verified); -1 = file not checked
  std::string output; // what it printed, e.g. "opendkim-testmsg: dkim_eom(): Bad signature"
};

struct OpendkimRun {
  std::vector<OpendkimVerdict> verdicts; // one per message file, in the order given
  std::string problem; // non-empty when the namespace or dnsmasq could not be set up
};

namespace opendkim_detail {

// $1 = work dir (dns.conf, resolv.conf, dnsmasq.log); the rest: message files. Writes what
// opendkim-testmsg printed to "<file>.out" and prints "<file> <exit code>" per file.
constexpr const char* kNamespaceScript = R"SH(
dir=$1; shift
ip link set lo up || exit 90
mount --bind "$dir/resolv.conf" /etc/resolv.conf || exit 91
rm -f "$dir/dnsmasq.log" # dnsmasq appends: an old "started" line must not count
dnsmasq --keep-in-foreground --no-resolv --no-hosts --listen-address=127.0.0.1 \
  --bind-interfaces --port=53 --pid-file= --conf-file="$dir/dns.conf" \
  --log-facility="$dir/dnsmasq.log" &
dns=$!
for i in $(seq 200); do grep -q started "$dir/dnsmasq.log" 2>/dev/null && break; sleep 0.05; done
if ! grep -q started "$dir/dnsmasq.log" 2>/dev/null; then
  echo "dnsmasq did not start within 10 s:"; cat "$dir/dnsmasq.log"; kill $dns; exit 92
fi
for f in "$@"; do
  timeout 60 opendkim-testmsg < "$f" > "$f.out" 2>&1
  echo "$f $?"
done
kill $dns; wait $dns 2>/dev/null
exit 0
)SH";

inline std::string shell_quoted(const std::string& text) {
  std::string out = "'";
  for (char c : text)
    out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// Exit status (-1 if not a normal exit) and stdout + stderr of `/bin/sh -c command`.
inline std::pair<int, std::string> run_shell(const std::string& command) {
  std::string output;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr)
    return {-1, "popen failed for: " + command};
  char buffer[4096];
  std::size_t n;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0)
    output.append(buffer, n);
  const int status = pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

inline std::string file_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

inline void write_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

} // namespace opendkim_detail

// dnsmasq txt-record line; the value is split into strings of 200 bytes (DNS allows 255 each).
inline std::string dnsmasq_txt_record(const DkimTxtRecord& record) {
  std::string line = "txt-record=" + record.name;
  for (std::size_t pos = 0; pos < record.value.size(); pos += 200)
    line += ",\"" + record.value.substr(pos, 200) + "\"";
  return line + "\n";
}

// "" when opendkim-testmsg can run here; otherwise why not, for GTEST_SKIP.
inline std::string opendkim_testmsg_unavailable() {
  using opendkim_detail::run_shell;
  for (const char* tool : {"opendkim-testmsg", "dnsmasq", "ip", "unshare", "timeout"})
    if (run_shell(std::string("command -v ") + tool).first != 0)
      return std::string(tool) + " is missing (packages opendkim-tools, dnsmasq-base, iproute2)";
  if (run_shell("unshare -nm true").first != 0)
    return "cannot create network/mount namespaces with `unshare -nm` (needs root)";
  return "";
}

// Verifies each message file with opendkim-testmsg, all in one namespace whose DNS serves
// `records`. `work_dir` (existing, the caller's) receives dns.conf, resolv.conf, the script and
// the dnsmasq log; each file gets a "<file>.out" next to it.
inline OpendkimRun run_opendkim_testmsg(const std::filesystem::path& work_dir,
                                        const std::vector<DkimTxtRecord>& records,
                                        const std::vector<std::string>& files) {
  using namespace opendkim_detail;
  std::string dns_conf;
  for (const DkimTxtRecord& record : records)
    dns_conf += dnsmasq_txt_record(record);
  write_file(work_dir / "dns.conf", dns_conf);
  write_file(work_dir / "resolv.conf", "nameserver 127.0.0.1\noptions timeout:1 attempts:1\n");
  write_file(work_dir / "opendkim_verify.sh", kNamespaceScript);
  std::string command = "unshare -nm sh " +
                        shell_quoted((work_dir / "opendkim_verify.sh").string()) + " " +
                        shell_quoted(work_dir.string());
  for (const std::string& file : files)
    command += " " + shell_quoted(file);
  const auto [exit_code, output] = run_shell(command);
  OpendkimRun run;
  run.verdicts.resize(files.size());
  if (exit_code != 0)
    run.problem = "namespace run exited " + std::to_string(exit_code) + ": " + output;
  std::istringstream lines(output);
  std::string file;
  int code = 0;
  while (lines >> file >> code)
    for (std::size_t i = 0; i < files.size(); ++i)
      if (files[i] == file && run.verdicts[i].exit_code == -1)
        run.verdicts[i] = {code, file_text(file + ".out")};
  return run;
}

// The DKIM-Signature fields at the top of `message` (where Volley puts them), each with its CRLF.
inline std::vector<std::string> leading_dkim_signature_fields(const std::string& message) {
  std::vector<std::string> fields;
  std::size_t at = 0;
  while (message.size() >= at + 15 &&
         std::equal(message.begin() + static_cast<std::ptrdiff_t>(at),
                    message.begin() + static_cast<std::ptrdiff_t>(at + 15),
                    "dkim-signature:", [](char a, char b) { return (a | 0x20) == b; })) {
    std::size_t end = at;
    do {
      end = message.find("\r\n", end);
      end = end == std::string::npos ? message.size() : end + 2;
    } while (end < message.size() && (message[end] == ' ' || message[end] == '\t'));
    fields.push_back(message.substr(at, end - at));
    at = end;
  }
  return fields;
}

// One copy of `message` per leading DKIM-Signature field, each keeping only that field. Removing
// the other fields leaves a signature intact as long as its h= does not list DKIM-Signature.
inline std::vector<std::string> copies_with_one_signature(const std::string& message) {
  const std::vector<std::string> fields = leading_dkim_signature_fields(message);
  std::size_t signatures_size = 0;
  for (const std::string& field : fields)
    signatures_size += field.size();
  std::vector<std::string> copies;
  for (const std::string& field : fields)
    copies.push_back(field + message.substr(signatures_size));
  return copies;
}

} // namespace volley::testing_support
