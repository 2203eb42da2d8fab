// Test support: AiosmtpdServer (see header): starting the aiosmtpd recorder, reading its port and
// parsing its JSON-lines records with Boost.JSON. Never waits without a deadline and never leaves
// the Python process running.
#include "support/aiosmtpd_server.hpp"

#include <unistd.h>

#include <boost/json.hpp>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace volley::testing_support {
namespace {

std::vector<std::string> string_array(const boost::json::object& object, const char* key) {
  std::vector<std::string> values;
  if (const boost::json::value* array = object.if_contains(key); array && array->is_array())
    for (const boost::json::value& item : array->as_array())
      values.emplace_back(item.as_string());
  return values;
}

std::string string_field(const boost::json::object& object, const char* key) {
  const boost::json::value* value = object.if_contains(key);
  return value && value->is_string() ? std::string(value->as_string()) : std::string();
}

bool bool_field(const boost::json::object& object, const char* key) {
  const boost::json::value* value = object.if_contains(key);
  return value && value->is_bool() && value->as_bool();
}

std::int64_t int_field(const boost::json::object& object, const char* key) {
  const boost::json::value* value = object.if_contains(key);
  return value && value->is_int64() ? value->as_int64() : 0;
}

AiosmtpdRecord to_record(const boost::json::object& object) {
  AiosmtpdRecord record;
  record.n = static_cast<std::uint64_t>(int_field(object, "n"));
  record.ehlo = string_field(object, "ehlo");
  record.esmtp = bool_field(object, "esmtp");
  record.mail_from = string_field(object, "mail_from");
  record.mail_options = string_array(object, "mail_options");
  record.rcpts = string_array(object, "rcpts");
  record.body_8bitmime = bool_field(object, "body_8bitmime");
  record.smtputf8 = bool_field(object, "smtputf8");
  record.tls = bool_field(object, "tls");
  record.size = static_cast<std::uint64_t>(int_field(object, "size"));
  record.data = string_field(object, "data");
  record.reply = static_cast<int>(int_field(object, "reply"));
  return record;
}

} // namespace

std::string aiosmtpd_recorder_path() {
  return std::string(VOLLEY_SOURCE_DIR) + "/tests/support/aiosmtpd_recorder.py";
}

AiosmtpdServer::AiosmtpdServer(AiosmtpdSettings settings) : settings_(std::move(settings)) {
  std::string pattern = (std::filesystem::temp_directory_path() / "aiosmtpd-XXXXXX").string();
  if (!::mkdtemp(pattern.data()))
    throw std::runtime_error("mkdtemp failed");
  dir_ = pattern;
}

AiosmtpdServer::~AiosmtpdServer() {
  process_.stop(std::chrono::milliseconds(0));
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

std::vector<std::string> AiosmtpdServer::command_line() const {
  std::vector<std::string> argv = {
      "/usr/bin/python3", aiosmtpd_recorder_path(), "--port",     "0",
      "--record",         record_path().string(),   "--hostname", settings_.hostname};
  for (const std::string& rule : settings_.reject_mail)
    argv.insert(argv.end(), {"--reject-mail", rule});
  for (const std::string& rule : settings_.reject_rcpt)
    argv.insert(argv.end(), {"--reject-rcpt", rule});
  for (const std::string& rule : settings_.reject_data)
    argv.insert(argv.end(), {"--reject-data", rule});
  if (!settings_.smtputf8)
    argv.emplace_back("--no-smtputf8");
  if (!settings_.tls_cert.empty())
    argv.insert(argv.end(), {"--tls-cert", settings_.tls_cert.string(), "--tls-key",
                             settings_.tls_key.string()});
  return argv;
}

void AiosmtpdServer::start() {
  process_.start({.argv = command_line(), .stderr_file = dir_ / "stderr.log"});
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  const std::optional<std::string> line = process_.read_stdout_line(deadline);
  const std::string prefix = "listening on 127.0.0.1:";
  if (!line || !line->starts_with(prefix)) {
    process_.stop(std::chrono::seconds(2));
    throw std::runtime_error("aiosmtpd recorder did not start; stdout: " + line.value_or("") +
                             " stderr: " + errors());
  }
  port_ = static_cast<std::uint16_t>(std::stoul(line->substr(prefix.size())));
}

int AiosmtpdServer::stop() {
  return process_.stop();
}

std::vector<AiosmtpdRecord> AiosmtpdServer::records() const {
  std::ifstream in(record_path(), std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  std::vector<AiosmtpdRecord> records;
  std::string line;
  while (std::getline(text, line)) {
    if (text.eof())
      break; // no "\n" yet: the line is still being written
    boost::system::error_code error;
    const boost::json::value value = boost::json::parse(line, error);
    if (error || !value.is_object())
      throw std::runtime_error("aiosmtpd recorder wrote a bad record line: " + line);
    records.push_back(to_record(value.as_object()));
  }
  return records;
}

bool AiosmtpdServer::wait_for_records(std::size_t count, std::chrono::milliseconds timeout) const {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (records().size() < count) {
    if (std::chrono::steady_clock::now() >= deadline)
      return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

} // namespace volley::testing_support
