// Independent verification with OpenDKIM's opendkim-testmsg (package opendkim-tools, libopendkim
// 2.11 with ed25519-sha256): it has no key-file option and always asks DNS, so each run happens in
// a private network + mount namespace (`unshare -nm`, needs root) where dnsmasq on 127.0.0.1:53
// serves our TXT records and a bind-mounted /etc/resolv.conf points at it. Nothing outside the
// namespace sees either. Skipped when the tools or the namespace privilege are missing.
// opendkim-testmsg exits 0 only when a signature verifies; it also insists on a Date field.
#include <gtest/gtest.h>

#include <ctime>
#include <sstream>
#include <string>

#include "tests/protocol/dkim_test_support.hpp"

namespace volley::protocol {
namespace {

using namespace dkim_test;

// $1 = work dir (dns.conf, resolv.conf); the rest: message files. Prints "<file> <exit code>".
constexpr const char* kNamespaceScript = R"SH(
dir=$1; shift
ip link set lo up || exit 90
mount --bind "$dir/resolv.conf" /etc/resolv.conf || exit 91
dnsmasq --keep-in-foreground --no-resolv --no-hosts --listen-address=127.0.0.1 \
  --bind-interfaces --port=53 --pid-file= --conf-file="$dir/dns.conf" \
  --log-facility="$dir/dnsmasq.log" &
dns=$!
for i in $(seq 200); do grep -q started "$dir/dnsmasq.log" 2>/dev/null && break; sleep 0.05; done
for f in "$@"; do
  opendkim-testmsg < "$f" > "$f.out" 2>&1
  echo "$f $?"
done
kill $dns; wait $dns 2>/dev/null
exit 0
)SH";

// dnsmasq txt-record line; strings longer than 255 bytes are split as DNS requires.
std::string txt_record(const std::string& name, const std::string& value) {
  std::string line = "txt-record=" + name;
  for (std::size_t pos = 0; pos < value.size(); pos += 200)
    line += ",\"" + value.substr(pos, 200) + "\"";
  return line + "\n";
}

class DkimOpendkimVerifyTest : public testing::Test {
protected:
  void SetUp() override {
    if (run_command("command -v opendkim-testmsg && command -v dnsmasq && command -v ip")
            .exit_code != 0)
      GTEST_SKIP() << "opendkim-testmsg (opendkim-tools), dnsmasq or ip is missing";
    if (run_command("unshare -nm true").exit_code != 0)
      GTEST_SKIP() << "cannot create network/mount namespaces (needs root)";
    ASSERT_TRUE(rsa_key().key && ed25519_key().key);
    dir_.write("dns.conf",
               txt_record("rsa._domainkey.example.com", rsa_key().key->dns_txt_record()) +
                   txt_record("ed._domainkey.example.com", ed25519_key().key->dns_txt_record()));
    dir_.write("resolv.conf", "nameserver 127.0.0.1\noptions timeout:1 attempts:1\n");
    script_ = dir_.write("verify.sh", kNamespaceScript);
  }

  // Exit code of opendkim-testmsg per file (-1 if it did not report).
  std::vector<int> verify(const std::vector<std::string>& files) {
    std::string command = "unshare -nm sh " + script_ + " " + dir_.path().string();
    for (const std::string& file : files)
      command += " " + file;
    const CommandResult result = run_command(command);
    EXPECT_EQ(result.exit_code, 0) << result.output;
    std::vector<int> codes(files.size(), -1);
    std::istringstream lines(result.output);
    std::string file;
    int code = 0;
    while (lines >> file >> code)
      for (std::size_t i = 0; i < files.size(); ++i)
        if (files[i] == file)
          codes[i] = code;
    return codes;
  }

  std::string output_of(const std::string& file) {
    return run_command("cat " + file + ".out").output;
  }

  TempDir dir_;
  std::string script_;
};

// The signature fields in front of a signed message, one string each.
std::vector<std::string> signature_fields(const std::string& message, int count) {
  std::vector<std::string> fields;
  std::size_t pos = 0;
  for (int i = 0; i < count; ++i) {
    std::size_t end = message.find("\r\n", pos);
    while (end != std::string::npos && (message[end + 2] == ' ' || message[end + 2] == '\t'))
      end = message.find("\r\n", end + 2);
    fields.push_back(message.substr(pos, end + 2 - pos));
    pos = end + 2;
  }
  return fields;
}

TEST_F(DkimOpendkimVerifyTest, EveryAwkwardMessageVerifiesForEveryAlgorithmAndCanonicalization) {
  const std::vector<SignedCase> cases = signed_cases(std::time(nullptr));
  std::vector<std::string> files;
  std::vector<std::string> names;
  for (const SignedCase& signed_case : cases) {
    names.push_back(signed_case.name);
    files.push_back(
        dir_.write("case" + std::to_string(files.size()) + ".eml", signed_case.message));
    if (signed_case.signatures < 2)
      continue;
    // opendkim-testmsg passes when ANY signature verifies: check each one alone as well.
    const std::vector<std::string> fields = signature_fields(signed_case.message, 2);
    const std::string unsigned_message =
        signed_case.message.substr(fields[0].size() + fields[1].size());
    for (int i = 0; i < 2; ++i) {
      names.push_back(signed_case.name + "/signature" + std::to_string(i));
      files.push_back(
          dir_.write("case" + std::to_string(files.size()) + ".eml", fields[i] + unsigned_message));
    }
  }
  const std::vector<int> codes = verify(files);
  for (std::size_t i = 0; i < files.size(); ++i)
    EXPECT_EQ(codes[i], 0) << names[i] << ": " << output_of(files[i]);
}

TEST_F(DkimOpendkimVerifyTest, TamperedMessagesFailForBothAlgorithms) {
  const std::vector<SignedCase> cases = signed_cases(std::time(nullptr));
  std::vector<std::string> files;
  std::vector<std::string> names;
  for (const SignedCase& signed_case : cases) {
    if (signed_case.signatures != 1 || !signed_case.name.ends_with("/plain"))
      continue;
    for (const auto& [how, message] : tampered(signed_case.message)) {
      names.push_back(signed_case.name + "/" + how);
      files.push_back(dir_.write("bad" + std::to_string(files.size()) + ".eml", message));
    }
  }
  ASSERT_EQ(files.size(), 4u * 3u);
  const std::vector<int> codes = verify(files);
  for (std::size_t i = 0; i < files.size(); ++i) {
    EXPECT_NE(codes[i], 0) << names[i];
    EXPECT_NE(codes[i], -1) << names[i] << " was not checked";
  }
}

} // namespace
} // namespace volley::protocol
