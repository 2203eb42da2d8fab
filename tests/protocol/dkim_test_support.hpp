// Shared by the DKIM tests: keys generated once per test process, a temp directory, running a shell
// command and capturing its output, and the set of awkward messages every verifier must accept.
// Never touches files outside its temp directory.
#pragma once

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <utility>
#include <vector>

#include "protocol/dkim_key.hpp"
#include "protocol/dkim_signer.hpp"

namespace volley::protocol::dkim_test {

struct TestKey {
  std::string pem;
  std::shared_ptr<const DkimKey> key;
};

inline TestKey make_key(DkimAlgorithm algorithm, int bits = 2048) {
  Result<std::string> pem = generate_dkim_key(algorithm, bits);
  if (!pem.ok())
    return {};
  Result<DkimKey> key = DkimKey::from_pem(pem.value());
  if (!key.ok())
    return {};
  return {pem.value(), std::make_shared<const DkimKey>(std::move(key).value())};
}

inline const TestKey& rsa_key() {
  static const TestKey key = make_key(DkimAlgorithm::rsa_sha256);
  return key;
}
inline const TestKey& ed25519_key() {
  static const TestKey key = make_key(DkimAlgorithm::ed25519_sha256);
  return key;
}

inline DkimSignerConfig config_for(const TestKey& key, std::string selector,
                                   DkimCanonicalization canonicalization) {
  DkimSignerConfig config;
  config.domain = "example.com";
  config.selector = std::move(selector);
  config.key = key.key;
  config.header_canonicalization = canonicalization;
  config.body_canonicalization = canonicalization;
  config.signed_headers.push_back("comments"); // may repeat: exercises bottom-up selection
  return config;
}

class TempDir {
public:
  TempDir() {
    path_ = std::filesystem::temp_directory_path() /
            ("volley-dkim-" + std::to_string(getpid()) + "-" + std::to_string(counter()++));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::string write(const std::string& name, const std::string& bytes) const {
    const std::filesystem::path file = path_ / name;
    std::ofstream(file, std::ios::binary) << bytes;
    return file.string();
  }

private:
  static int& counter() {
    static int value = 0;
    return value;
  }
  std::filesystem::path path_;
};

// dkimpy (python3-dkim) as an independent verifier. The script's argv: a records file
// ("selector._domainkey.domain<TAB>TXT value" lines, served by its dnsfunc instead of DNS), then
// message files; it prints "<file> <signature count> pass|fail..." per file ("error ..." when the
// message cannot be parsed).
constexpr const char* kPython = "/usr/bin/python3";
constexpr const char* kDkimpyVerifyScript = R"PY(
import sys, dkim
records = {}
for line in open(sys.argv[1], encoding='ascii'):
    name, txt = line.rstrip('\n').split('\t', 1)
    records[name] = txt.encode()
def dnsfunc(name, timeout=5):
    name = name.decode() if isinstance(name, bytes) else name
    return records.get(name.rstrip('.'), b'')
def verdict(d, i):
    try:
        return 'pass' if d.verify(idx=i, dnsfunc=dnsfunc) else 'fail'
    except dkim.ValidationError:  # e.g. "body hash mismatch": a failed verification
        return 'fail'
for path in sys.argv[2:]:
    try:
        d = dkim.DKIM(open(path, 'rb').read())
        count = sum(1 for h in d.headers if h[0].lower() == b'dkim-signature')
        print(path, count, *[verdict(d, i) for i in range(count)])
    except Exception as e:
        print(path, 'error', type(e).__name__, str(e).replace('\n', ' '))
)PY";

struct CommandResult {
  int exit_code = -1;
  std::string output; // stdout and stderr
};

inline CommandResult run_command(const std::string& command) {
  CommandResult result;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr)
    return result;
  char buffer[4096];
  std::size_t n;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0)
    result.output.append(buffer, n);
  const int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

struct SampleMessage {
  std::string name;
  std::string text; // CRLF line ends; every one has From and Date (opendkim-testmsg wants Date)
};

inline std::vector<SampleMessage> awkward_messages() {
  const std::string head = "From: Sender <sender@example.com>\r\n"
                           "To: rcpt@example.org\r\n"
                           "Date: Sun, 29 Nov 2026 16:00:00 +0000\r\n"
                           "Message-ID: <m1@example.com>\r\n";
  const std::string long_line(990, 'x');
  std::string references = "References:";
  for (int i = 0; i < 30; ++i)
    references += " <ref" + std::to_string(i) + "@example.com>";
  return {
      {"plain", head + "Subject: hello\r\n\r\nHello world.\r\n"},
      {"folded_headers", head + "Subject: a subject\r\n\tfolded with a tab\r\n   and spaces\r\n"
                                "Cc: one@example.org,\r\n two@example.org\r\n\r\nbody\r\n"},
      {"trailing_whitespace", head + "Subject: trailing   \t\r\nX-Empty:\r\n\r\n"
                                     "line with blanks  \t\r\n  leading  and   inner\t\tws\r\n"
                                     " \t \r\nlast\r\n"},
      {"empty_body", head + "Subject: nothing\r\n\r\n"},
      {"only_line_ends", head + "Subject: blank\r\n\r\n\r\n\r\n\r\n"},
      {"long_lines", head + "Subject: long\r\n" + references + "\r\n\r\n" + long_line +
                         "\r\nshort\r\n" + long_line + " \r\n"},
      {"utf8_headers", "From: =?utf-8?q?J=C3=B6rg?= <j@example.com>\r\nTo: r@example.org\r\n"
                       "Date: Sun, 29 Nov 2026 16:00:00 +0000\r\n"
                       "Subject: Gr\xC3\xBC\xC3\x9F"
                       "e aus \xE6\x9D\xB1\xE4\xBA\xAC\r\n"
                       "Content-Type: text/plain; charset=utf-8\r\n"
                       "Content-Transfer-Encoding: 8bit\r\n\r\n\xC3\xA9t\xC3\xA9 \xE2\x82\xAC\r\n"},
      {"no_final_crlf", head + "Subject: no crlf\r\n\r\nline one\r\nline two without end"},
      {"many_trailing_blank_lines", head + "Subject: blanks\r\n\r\ntext\r\n\r\n\r\n \r\n\r\n"},
      {"leading_dots", head + "Subject: dots\r\n\r\n.hidden\r\n..\r\n.\r\n. \r\nend\r\n"},
      {"mixed_case_and_duplicates",
       "FROM: sender@example.com\r\nComments: first\r\nto: a@example.org\r\n"
       "Comments: second\r\n"
       "DATE: Sun, 29 Nov 2026 16:00:00 +0000\r\nsUBJECT: mixed case\r\n"
       "List-Unsubscribe: <https://example.com/u/1>, <mailto:u@example.com>\r\n"
       "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"
       "Received: one\r\nReceived: two\r\n\r\nbody\r\n"},
  };
}

struct SignedCase {
  std::string name;
  std::string message;
  int signatures = 1;
};

// Selectors: "rsa" (rsa_key) and "ed" (ed25519_key), both at example.com.
inline std::vector<SignedCase> signed_cases(std::int64_t now) {
  using C = DkimCanonicalization;
  struct Combo {
    std::string name;
    std::vector<DkimSignerConfig> configs;
  };
  const std::vector<Combo> combos = {
      {"rsa-relaxed", {config_for(rsa_key(), "rsa", C::relaxed)}},
      {"rsa-simple", {config_for(rsa_key(), "rsa", C::simple)}},
      {"ed-relaxed", {config_for(ed25519_key(), "ed", C::relaxed)}},
      {"ed-simple", {config_for(ed25519_key(), "ed", C::simple)}},
      {"dual-relaxed",
       {config_for(rsa_key(), "rsa", C::relaxed), config_for(ed25519_key(), "ed", C::relaxed)}},
      {"dual-mixed",
       {config_for(rsa_key(), "rsa", C::simple), config_for(ed25519_key(), "ed", C::relaxed)}},
  };
  std::vector<SignedCase> cases;
  for (const Combo& combo : combos)
    for (const SampleMessage& sample : awkward_messages()) {
      Result<std::string> signed_message = sign_message(combo.configs, sample.text, now);
      cases.push_back({combo.name + "/" + sample.name,
                       signed_message.ok() ? signed_message.value() : "sign failed",
                       static_cast<int>(combo.configs.size())});
    }
  return cases;
}

// A copy of `message` with line `text` inserted before the first line (a header added later).
inline std::string with_header_on_top(const std::string& message, const std::string& field) {
  return field + message;
}

// Tampered copies that must fail verification: body changed, Subject changed, a second From added
// on top (caught only because From is oversigned).
inline std::vector<std::pair<std::string, std::string>> tampered(const std::string& message) {
  std::vector<std::pair<std::string, std::string>> out;
  std::string body_changed = message;
  body_changed.insert(body_changed.find("\r\n\r\n") + 4, "X");
  out.emplace_back("body_changed", body_changed);
  std::string subject_changed = message;
  const std::size_t subject = subject_changed.find("Subject: ");
  subject_changed.insert(subject + 9, "Re: ");
  out.emplace_back("subject_changed", subject_changed);
  out.emplace_back("from_added", with_header_on_top(message, "From: evil@example.net\r\n"));
  return out;
}

} // namespace volley::protocol::dkim_test
