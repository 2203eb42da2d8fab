// DkimKey: PEM forms accepted (PKCS#8, traditional RSA) and refused (weak RSA, EC, encrypted,
// garbage); the TXT record against the `openssl` command line; signatures checked by the openssl
// command line (RSA: byte-identical to `openssl dgst -sha256 -sign`, PKCS#1 v1.5 being
// deterministic; Ed25519: `openssl pkeyutl -verify` over the SHA-256 of the data, RFC 8463).
#include <gtest/gtest.h>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "protocol/base64_lines.hpp"
#include "tests/protocol/dkim_test_support.hpp"

namespace volley::protocol {
namespace {

using namespace dkim_test;

bool have_openssl_cli() {
  return run_command("openssl version").exit_code == 0;
}

std::string traditional_rsa_pem(const std::string& pkcs8_pem) {
  BIO* in = BIO_new_mem_buf(pkcs8_pem.data(), static_cast<int>(pkcs8_pem.size()));
  EVP_PKEY* pkey = PEM_read_bio_PrivateKey(in, nullptr, nullptr, nullptr);
  BIO* out = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey_traditional(out, pkey, nullptr, nullptr, 0, nullptr, nullptr);
  char* text = nullptr;
  const long size = BIO_get_mem_data(out, &text);
  std::string pem(text, static_cast<std::size_t>(size));
  BIO_free(out);
  BIO_free(in);
  EVP_PKEY_free(pkey);
  return pem;
}

// PKCS#8 PEM of pkey (which is freed).
std::string pkcs8_pem_and_free(EVP_PKEY* pkey) {
  BIO* out = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(out, pkey, nullptr, nullptr, 0, nullptr, nullptr);
  char* text = nullptr;
  const long size = BIO_get_mem_data(out, &text);
  std::string pem(text, static_cast<std::size_t>(size));
  BIO_free(out);
  EVP_PKEY_free(pkey);
  return pem;
}

TEST(DkimKeyTest, GeneratedKeysParseWithTheirAlgorithm) {
  ASSERT_TRUE(rsa_key().key);
  EXPECT_EQ(rsa_key().key->algorithm(), DkimAlgorithm::rsa_sha256);
  EXPECT_EQ(rsa_key().key->bits(), 2048);
  EXPECT_TRUE(rsa_key().pem.starts_with("-----BEGIN PRIVATE KEY-----"));
  ASSERT_TRUE(ed25519_key().key);
  EXPECT_EQ(ed25519_key().key->algorithm(), DkimAlgorithm::ed25519_sha256);
  EXPECT_EQ(dkim_algorithm_name(DkimAlgorithm::ed25519_sha256), "ed25519-sha256");
}

TEST(DkimKeyTest, TraditionalRsaPemIsAccepted) {
  const std::string pem = traditional_rsa_pem(rsa_key().pem);
  ASSERT_TRUE(pem.starts_with("-----BEGIN RSA PRIVATE KEY-----")) << pem.substr(0, 40);
  const Result<DkimKey> key = DkimKey::from_pem(pem);
  ASSERT_TRUE(key.ok()) << key.error().message;
  EXPECT_EQ(key->dns_txt_record(), rsa_key().key->dns_txt_record());
}

TEST(DkimKeyTest, WeakOrForeignKeysAreRefusedWithAClearMessage) {
  EVP_PKEY* weak = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<std::size_t>(768));
  ASSERT_NE(weak, nullptr);
  const Result<DkimKey> refused = DkimKey::from_pem(pkcs8_pem_and_free(weak));
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("768 bits"), std::string::npos) << refused.error().message;

  EVP_PKEY* ec = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
  ASSERT_NE(ec, nullptr);
  const Result<DkimKey> ec_key = DkimKey::from_pem(pkcs8_pem_and_free(ec));
  ASSERT_FALSE(ec_key.ok());
  EXPECT_NE(ec_key.error().message.find("unsupported key type"), std::string::npos);

  EXPECT_FALSE(DkimKey::from_pem("").ok());
  EXPECT_FALSE(DkimKey::from_pem("-----BEGIN PRIVATE KEY-----\nnot base64\n").ok());
  const Result<DkimKey> encrypted = DkimKey::from_pem(
      "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n");
  ASSERT_FALSE(encrypted.ok());
  EXPECT_NE(encrypted.error().message.find("encrypted"), std::string::npos);
  EXPECT_FALSE(generate_dkim_key(DkimAlgorithm::rsa_sha256, 512).ok());
}

TEST(DkimKeyTest, TxtRecordsMatchTheOpensslCommandLine) {
  if (!have_openssl_cli())
    GTEST_SKIP() << "openssl command line missing";
  TempDir dir;
  const std::string rsa = dir.write("rsa.pem", rsa_key().pem);
  const std::string ed = dir.write("ed.pem", ed25519_key().pem);
  const CommandResult rsa_pub =
      run_command("openssl pkey -in " + rsa + " -pubout -outform DER | base64 -w0");
  const CommandResult ed_pub =
      run_command("openssl pkey -in " + ed + " -pubout -outform DER | tail -c 32 | base64 -w0");
  ASSERT_EQ(rsa_pub.exit_code, 0) << rsa_pub.output;
  EXPECT_EQ(rsa_key().key->dns_txt_record(), "v=DKIM1; k=rsa; p=" + rsa_pub.output);
  EXPECT_EQ(ed25519_key().key->dns_txt_record(), "v=DKIM1; k=ed25519; p=" + ed_pub.output);
  EXPECT_EQ(ed_pub.output.size(), 44u);
}

TEST(DkimKeyTest, RsaSignatureEqualsOpensslDgstSign) {
  if (!have_openssl_cli())
    GTEST_SKIP() << "openssl command line missing";
  TempDir dir;
  const std::string data = "from:a@example.com\r\nsubject:x\r\ndkim-signature:v=1; b=";
  const std::string key = dir.write("rsa.pem", rsa_key().pem);
  const std::string file = dir.write("data", data);
  const CommandResult expected =
      run_command("openssl dgst -sha256 -sign " + key + " " + file + " | base64 -w0");
  const Result<std::string> signature = rsa_key().key->sign(data);
  ASSERT_TRUE(signature.ok()) << signature.error().message;
  std::string ours;
  base64::encode(signature.value(), ours);
  EXPECT_EQ(ours, expected.output);
}

// RSA signs through reused contexts shared by the copies of a key: reuse and threads must not
// change a byte (PKCS#1 v1.5 is deterministic), whichever context a call happens to get.
TEST(DkimKeyTest, RsaSignaturesStayIdenticalAcrossReuseCopiesAndThreads) {
  const DkimKey& key = *rsa_key().key;
  const std::string first = "from:a@example.com\r\nsubject:one\r\ndkim-signature:v=1; b=";
  const std::string second = "from:a@example.com\r\nsubject:two\r\ndkim-signature:v=1; b=";
  const Result<std::string> expected_first = key.sign(first);
  const Result<std::string> expected_second = key.sign(second);
  ASSERT_TRUE(expected_first.ok() && expected_second.ok());
  ASSERT_NE(expected_first.value(), expected_second.value());
  std::atomic<int> mismatches{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      const DkimKey copy = key; // copies share the contexts
      for (int i = 0; i < 25; ++i) {
        const bool odd = (i + t) % 2 == 1;
        const Result<std::string> signature = copy.sign(odd ? second : first);
        if (!signature.ok() ||
            signature.value() != (odd ? expected_second.value() : expected_first.value()))
          ++mismatches;
      }
    });
  }
  for (std::thread& thread : threads)
    thread.join();
  EXPECT_EQ(mismatches.load(), 0);
}

TEST(DkimKeyTest, Ed25519SignsTheSha256OfTheData) {
  if (!have_openssl_cli())
    GTEST_SKIP() << "openssl command line missing";
  TempDir dir;
  const std::string data = "from:a@example.com\r\ndkim-signature:v=1; a=ed25519-sha256; b=";
  const Result<std::string> signature = ed25519_key().key->sign(data);
  ASSERT_TRUE(signature.ok()) << signature.error().message;
  ASSERT_EQ(signature->size(), 64u);
  const std::string key = dir.write("ed.pem", ed25519_key().pem);
  const std::string sig = dir.write("sig", signature.value());
  const std::string plain = dir.write("data", data);
  ASSERT_EQ(
      run_command("openssl dgst -sha256 -binary " + plain + " > " + plain + ".sha256").exit_code,
      0);
  const std::string verify = "openssl pkeyutl -verify -inkey " + key + " -rawin -sigfile " + sig;
  const CommandResult over_hash = run_command(verify + " -in " + plain + ".sha256");
  EXPECT_EQ(over_hash.exit_code, 0) << over_hash.output;
  const CommandResult over_data = run_command(verify + " -in " + plain); // negative control
  EXPECT_NE(over_data.exit_code, 0) << over_data.output;
}

} // namespace
} // namespace volley::protocol
