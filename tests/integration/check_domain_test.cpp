// volleyctl check-domain against a real DNS server (dnsmasq on 127.0.0.1, support/dnsmasq_server):
// SPF evaluated by libspf2 through the c-ares layer (pass, fail, softfail, include: chains, no
// record), DKIM key records against configured keys (match, other key, missing, unsigned), DMARC
// records and alignment, the bounce MX, and exit codes (0, 1, 64, 69, 78). Runs volleyctl
// in-process. Never uses a non-loopback address or a domain outside .test, never needs volleyd,
// never writes outside its temp dir.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "protocol/dkim_key.hpp"
#include "support/dnsmasq_server.hpp"
#include "support/silent_dns_server.hpp"
#include "tools/volleyctl_commands.hpp"

namespace volley::tools {
namespace {

namespace fs = std::filesystem;
using testing_support::DnsmasqServer;

struct CheckRun {
  int status = 0;
  std::string out;
  std::string err;
};

// The first output line whose check column is `check` and whose detail contains `text`.
std::string line_of(const std::string& out, const std::string& check, const std::string& text) {
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);) {
    if (line.size() < 6)
      continue;
    std::istringstream words(line.substr(6));
    std::string column;
    words >> column;
    if (column == check && line.find(text) != std::string::npos)
      return line;
  }
  return "(no " + check + " line with '" + text + "')";
}

bool starts_with(const std::string& line, const char* status) {
  return line.rfind(status, 0) == 0;
}

// A TXT record holding exactly `text`. DnsmasqServer::txt() wraps the text in double quotes, which
// dnsmasq keeps from its command line (the record would start with '"'), so this passes the text
// bare; dnsmasq splits it at commas into strings, hence none are allowed.
DnsmasqServer& txt(DnsmasqServer& dns, const std::string& name, const std::string& text) {
  if (text.find(',') != std::string::npos)
    throw std::invalid_argument("TXT text for " + name + " must not contain ','");
  return dns.option("--txt-record=" + name + "," + text);
}

class CheckDomainTest : public ::testing::Test {
protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("volley-check-domain-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  CheckRun volleyctl(std::vector<std::string> arguments) {
    VolleyctlEnvironment environment;
    environment.lookup = [](const char*) { return std::nullopt; };
    environment.exists = [](const std::string&) { return false; };
    std::ostringstream out, err;
    int status = run_volleyctl(arguments, environment, out, err);
    return {status, out.str(), err.str()};
  }

  // check-domain DOMAIN --dns <dnsmasq> plus `extra`.
  CheckRun check(const std::string& domain, std::vector<std::string> extra = {}) {
    std::vector<std::string> arguments{"check-domain", domain, "--dns", dns_.server()};
    arguments.insert(arguments.end(), extra.begin(), extra.end());
    return volleyctl(arguments);
  }

  // A new private key file (0600) and its TXT record value.
  std::string
  make_key(const std::string& name,
           protocol::DkimAlgorithm algorithm = protocol::DkimAlgorithm::ed25519_sha256) {
    auto pem = protocol::generate_dkim_key(algorithm);
    EXPECT_TRUE(pem.ok());
    fs::path path = dir_ / name;
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
    EXPECT_GE(fd, 0);
    EXPECT_EQ(::write(fd, pem->data(), pem->size()), static_cast<ssize_t>(pem->size()));
    ::close(fd);
    return protocol::DkimKey::from_pem(*pem)->dns_txt_record();
  }

  std::string write_config(const std::string& toml) {
    fs::path path = dir_ / "volleyd.toml";
    std::ofstream(path) << toml;
    return path.string();
  }

  fs::path dir_;
  DnsmasqServer dns_;
};

TEST_F(CheckDomainTest, SpfPassForListedIpAndFailForOthers) {
  txt(dns_, "example.test", "v=spf1 ip4:127.0.0.2 -all");
  dns_.start();
  CheckRun run = check("example.test", {"--ip", "127.0.0.2", "--ip", "127.0.0.3"});
  EXPECT_EQ(run.status, 1) << run.out << run.err;
  EXPECT_TRUE(
      starts_with(line_of(run.out, "spf", "publishes \"v=spf1 ip4:127.0.0.2 -all\""), "PASS"))
      << run.out;
  std::string pass = line_of(run.out, "spf", "127.0.0.2: ");
  EXPECT_TRUE(starts_with(pass, "PASS")) << run.out;
  EXPECT_NE(pass.find("127.0.0.2: pass - domain of example.test designates 127.0.0.2"),
            std::string::npos)
      << pass;
  std::string fail = line_of(run.out, "spf", "127.0.0.3: ");
  EXPECT_TRUE(starts_with(fail, "FAIL")) << run.out;
  EXPECT_NE(fail.find("127.0.0.3: fail - domain of example.test does not designate 127.0.0.3"),
            std::string::npos)
      << fail;
}

TEST_F(CheckDomainTest, SpfSoftfailWithTildeAll) {
  txt(dns_, "soft.test", "v=spf1 ip4:127.0.0.2 ~all");
  dns_.start();
  CheckRun run = check("soft.test", {"--ip", "127.0.0.3"});
  std::string line = line_of(run.out, "spf", "127.0.0.3: ");
  EXPECT_TRUE(starts_with(line, "FAIL")) << run.out;
  EXPECT_NE(line.find("127.0.0.3: softfail"), std::string::npos) << line;
}

// libspf2 follows the include: chain with questions to dnsmasq (through c-ares, not resolv.conf).
TEST_F(CheckDomainTest, SpfFollowsIncludeChainThroughTheGivenServer) {
  txt(dns_, "chain.test", "v=spf1 include:one.chain.test -all");
  txt(dns_, "one.chain.test", "v=spf1 include:two.chain.test -all");
  txt(dns_, "two.chain.test", "v=spf1 ip4:127.0.0.0/29 a:host.chain.test -all");
  dns_.address("host.chain.test", "127.0.0.20");
  dns_.start();
  CheckRun run =
      check("chain.test", {"--ip", "127.0.0.4", "--ip", "127.0.0.20", "--ip", "127.0.0.9"});
  EXPECT_TRUE(starts_with(line_of(run.out, "spf", "127.0.0.4: pass"), "PASS")) << run.out;
  EXPECT_TRUE(starts_with(line_of(run.out, "spf", "127.0.0.20: pass"), "PASS")) << run.out;
  EXPECT_TRUE(starts_with(line_of(run.out, "spf", "127.0.0.9: fail"), "FAIL")) << run.out;
  EXPECT_GE(dns_.query_count("two.chain.test", "TXT"), 3u) << dns_.log();
  EXPECT_GE(dns_.query_count("host.chain.test", "A"), 1u) << dns_.log();
}

TEST_F(CheckDomainTest, MissingSpfRecordFailsWithoutPerIpEvaluation) {
  txt(dns_, "nospf.test", "site-verification=abc123");
  dns_.start();
  CheckRun run = check("nospf.test", {"--ip", "127.0.0.2"});
  EXPECT_EQ(run.status, 1);
  std::string line = line_of(run.out, "spf", "publishes no SPF record");
  EXPECT_TRUE(starts_with(line, "FAIL")) << run.out;
  EXPECT_NE(line.find("\"v=spf1 ip4:127.0.0.2 -all\""), std::string::npos) << line;
  EXPECT_EQ(run.out.find("127.0.0.2: "), std::string::npos) << run.out;
}

TEST_F(CheckDomainTest, NoSourceIpsChecksOnlyTheRecord) {
  txt(dns_, "example.test", "v=spf1 ip4:127.0.0.2 -all");
  dns_.start();
  CheckRun run = check("example.test");
  EXPECT_TRUE(starts_with(line_of(run.out, "spf", "no source IPs to check"), "WARN")) << run.out;
  EXPECT_EQ(run.out.find(": pass"), std::string::npos) << run.out;
}

TEST_F(CheckDomainTest, DkimRecordMatchingTheConfiguredKeyPasses) {
  std::string ed25519 = make_key("ed.pem");
  std::string rsa = make_key("rsa.pem", protocol::DkimAlgorithm::rsa_sha256); // TXT > 255 bytes
  txt(dns_, "e1._domainkey.example.test", ed25519);
  txt(dns_, "r1._domainkey.example.test", rsa);
  dns_.start();
  std::string config = write_config("[dkim.\"example.test\"]\n"
                                    "signatures = [{selector = \"r1\", key_file = \"rsa.pem\"},\n"
                                    "              {selector = \"e1\", key_file = \"ed.pem\"}]\n");
  CheckRun run = check("example.test", {"--config", config});
  std::string rsa_line = line_of(run.out, "dkim", "r1._domainkey.example.test");
  EXPECT_TRUE(starts_with(rsa_line, "PASS")) << run.out << run.err;
  EXPECT_NE(rsa_line.find("rsa-sha256, 2048 bits"), std::string::npos) << rsa_line;
  EXPECT_TRUE(starts_with(line_of(run.out, "dkim", "e1._domainkey.example.test"), "PASS"))
      << run.out;
}

TEST_F(CheckDomainTest, DkimRecordWithAnotherKeyOrNoneFails) {
  make_key("signing.pem");
  std::string other = make_key("other.pem");
  make_key("unpublished.pem");
  txt(dns_, "s1._domainkey.example.test", other);
  dns_.start();
  std::string config =
      write_config("[dkim.\"example.test\"]\n"
                   "signatures = [{selector = \"s1\", key_file = \"signing.pem\"},\n"
                   "              {selector = \"s2\", key_file = \"unpublished.pem\"}]\n");
  CheckRun run = check("example.test", {"--config", config});
  EXPECT_EQ(run.status, 1);
  std::string mismatch = line_of(run.out, "dkim", "s1._domainkey.example.test");
  EXPECT_TRUE(starts_with(mismatch, "FAIL")) << run.out;
  EXPECT_NE(mismatch.find("different public key"), std::string::npos) << mismatch;
  std::string missing = line_of(run.out, "dkim", "s2._domainkey.example.test");
  EXPECT_TRUE(starts_with(missing, "FAIL")) << run.out;
  EXPECT_NE(missing.find("no DKIM key record"), std::string::npos) << missing;
}

TEST_F(CheckDomainTest, UnsignedDomainWarnsAndFailsDkimAlignment) {
  txt(dns_, "_dmarc.plain.test", "v=DMARC1; p=none");
  dns_.start();
  CheckRun run = check("plain.test");
  EXPECT_TRUE(
      starts_with(line_of(run.out, "dkim", "messages from plain.test are not signed"), "WARN"))
      << run.out;
  EXPECT_TRUE(starts_with(line_of(run.out, "dkim-align", "not signed"), "FAIL")) << run.out;
}

TEST_F(CheckDomainTest, DmarcRecordPresentAbsentAndInherited) {
  txt(dns_, "_dmarc.example.test", "v=DMARC1; p=quarantine; sp=reject; adkim=s");
  txt(dns_, "_dmarc.bad.test", "v=spf1 -all");
  dns_.start();
  CheckRun present = check("example.test");
  std::string line = line_of(present.out, "dmarc", "_dmarc.example.test");
  EXPECT_TRUE(starts_with(line, "PASS")) << present.out;
  EXPECT_NE(line.find("p=quarantine"), std::string::npos) << line;

  CheckRun inherited = check("news.example.test");
  line = line_of(inherited.out, "dmarc", "_dmarc.example.test");
  EXPECT_TRUE(starts_with(line, "PASS")) << inherited.out;
  EXPECT_NE(line.find("applies to news.example.test as reject"), std::string::npos) << line;

  CheckRun absent = check("none.test");
  EXPECT_TRUE(
      starts_with(line_of(absent.out, "dmarc", "no DMARC record at _dmarc.none.test"), "FAIL"))
      << absent.out;
  CheckRun wrong = check("bad.test");
  EXPECT_TRUE(starts_with(line_of(wrong.out, "dmarc", "is not a DMARC record"), "FAIL"))
      << wrong.out;
}

TEST_F(CheckDomainTest, AlignmentFollowsBounceDomainDkimDomainAndStrictness) {
  make_key("k.pem");
  txt(dns_, "_dmarc.example.test", "v=DMARC1; p=reject; adkim=s");
  txt(dns_, "_dmarc.relaxed.test", "v=DMARC1; p=reject");
  dns_.start();
  // d=example.test signs news.example.test: relaxed aligns, adkim=s does not.
  std::string config = write_config("[verp]\nbounce_domain = \"bounce.example.test\"\n"
                                    "[dkim.\".example.test\"]\nselector = \"s1\"\n"
                                    "key_file = \"k.pem\"\n"
                                    "[dkim.\".relaxed.test\"]\nselector = \"s1\"\n"
                                    "key_file = \"k.pem\"\n");
  CheckRun strict = check("news.example.test", {"--config", config});
  EXPECT_TRUE(starts_with(line_of(strict.out, "dkim-align", "d=example.test"), "FAIL"))
      << strict.out;
  EXPECT_TRUE(starts_with(line_of(strict.out, "spf-align", "bounce.example.test"), "PASS"))
      << strict.out;
  CheckRun relaxed = check("news.relaxed.test", {"--config", config});
  EXPECT_TRUE(starts_with(line_of(relaxed.out, "dkim-align", "d=relaxed.test"), "PASS"))
      << relaxed.out;
  // The bounce domain is under example.test, not relaxed.test.
  EXPECT_TRUE(starts_with(line_of(relaxed.out, "spf-align", "bounce.example.test"), "FAIL"))
      << relaxed.out;
}

TEST_F(CheckDomainTest, StrictSpfAlignmentNeedsTheExactDomain) {
  txt(dns_, "_dmarc.example.test", "v=DMARC1; p=reject; aspf=s");
  dns_.start();
  std::string config = write_config("[verp]\nbounce_domain = \"bounce.example.test\"\n");
  CheckRun run = check("example.test", {"--config", config});
  std::string line = line_of(run.out, "spf-align", "bounce.example.test");
  EXPECT_TRUE(starts_with(line, "FAIL")) << run.out;
  EXPECT_NE(line.find("aspf=s"), std::string::npos) << line;
}

TEST_F(CheckDomainTest, BounceDomainWithoutMxWarns) {
  dns_.mx("example.test", "mx.example.test", 10).address("mx.example.test", "127.0.0.1");
  dns_.start();
  std::string config = write_config("[verp]\nbounce_domain = \"bounces.test\"\n");
  CheckRun run = check("example.test", {"--config", config});
  EXPECT_TRUE(starts_with(line_of(run.out, "bounce-mx", "bounces.test"), "WARN")) << run.out;
  CheckRun own = check("example.test");
  EXPECT_TRUE(starts_with(line_of(own.out, "bounce-mx", "mx.example.test (10)"), "PASS"))
      << own.out;
}

// Everything from the config ([dns] servers, source_ips, [dkim]): a ready domain exits 0.
TEST_F(CheckDomainTest, ReadyDomainExitsZeroUsingTheConfig) {
  std::string record = make_key("k.pem");
  txt(dns_, "ready.test", "v=spf1 ip4:127.0.0.2 -all");
  txt(dns_, "s1._domainkey.ready.test", record);
  txt(dns_, "_dmarc.ready.test", "v=DMARC1; p=reject");
  dns_.mx("ready.test", "mx.ready.test", 10).address("mx.ready.test", "127.0.0.1");
  dns_.start();
  std::string config = write_config("[delivery]\nhelo_name = \"mta.ready.test\"\n"
                                    "source_ips = [\"127.0.0.2\"]\n"
                                    "[dns]\nservers = [\"" +
                                    dns_.server() +
                                    "\"]\n"
                                    "[dkim.\"ready.test\"]\nselector = \"s1\"\n"
                                    "key_file = \"k.pem\"\n");
  CheckRun run = volleyctl({"check-domain", "ready.test", "--config", config});
  EXPECT_EQ(run.status, 0) << run.out << run.err;
  EXPECT_NE(run.out.find("summary: 7 PASS, 0 WARN, 0 FAIL"), std::string::npos) << run.out;
  EXPECT_TRUE(starts_with(line_of(run.out, "spf", "127.0.0.2: pass"), "PASS")) << run.out;

  CheckRun json = volleyctl({"--json", "check-domain", "ready.test", "--config", config});
  EXPECT_EQ(json.status, 0);
  auto parsed = boost::json::parse(json.out);
  EXPECT_EQ(parsed.at("fail").as_int64(), 0);
  EXPECT_EQ(parsed.at("items").as_array().size(), 7u);
}

TEST_F(CheckDomainTest, UnreachableOrSilentDnsServerExits69) {
  CheckRun refused = volleyctl({"check-domain", "example.test", "--dns",
                                testing_support::SilentDnsServer::unreachable_server()});
  EXPECT_EQ(refused.status, 69) << refused.out << refused.err;
  EXPECT_TRUE(starts_with(line_of(refused.out, "dns", "cannot query TXT example.test"), "FAIL"))
      << refused.out;

  testing_support::SilentDnsServer silent;
  std::string config = write_config("[dns]\ntimeout = \"200ms\"\ntries = 1\n");
  auto started = std::chrono::steady_clock::now();
  CheckRun timed_out =
      volleyctl({"check-domain", "example.test", "--config", config, "--dns", silent.server()});
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(10));
  EXPECT_EQ(timed_out.status, 69) << timed_out.out << timed_out.err;
  EXPECT_NE(line_of(timed_out.out, "dns", "timed out after 1 tries").find("FAIL"),
            std::string::npos)
      << timed_out.out;
}

TEST_F(CheckDomainTest, BadConfigExits78AndBadArgumentsExit64) {
  CheckRun missing = volleyctl({"check-domain", "example.test", "--config",
                                (dir_ / "absent.toml").string(), "--dns", "127.0.0.1:9"});
  EXPECT_EQ(missing.status, 78) << missing.err;
  std::string config = write_config("[delivery]\nno_such_key = 1\n");
  CheckRun invalid = volleyctl({"check-domain", "example.test", "--config", config});
  EXPECT_EQ(invalid.status, 78) << invalid.err;
  EXPECT_NE(invalid.err.find("no_such_key"), std::string::npos) << invalid.err;
  EXPECT_EQ(volleyctl({"check-domain", "example.test", "--ip", "not-an-ip"}).status, 64);
  EXPECT_EQ(volleyctl({"check-domain", "exa mple.test"}).status, 64);
  EXPECT_EQ(volleyctl({"check-domain", "example.test", "--dns", "nowhere"}).status, 64);
  EXPECT_EQ(volleyctl({"check-domain"}).status, 64);
}

} // namespace
} // namespace volley::tools
