// SpfEvaluator (see spf_evaluator.hpp). check_mail_from does what libspf2's
// SPF_request_query_mailfrom does minus its loopback shortcut: fetch and compile the record
// (SPF_server_get_record), then SPF_record_interpret with the record as the explanation source.
// libspf2's warning/info/debug printers (stdout by default) are routed to spdlog at debug level,
// once per process. Must never print to stdout or leak a libspf2 object on any path.
#include "engine/spf_evaluator.hpp"

#include <spdlog/spdlog.h>

#include <cstring>
#include <mutex>
#include <stdexcept>

#include "engine/spf_cares_resolver.hpp"

namespace volley::engine {
namespace {

constexpr const char* kReceiver =
    "volley-preflight"; // libspf2 prefixes comments with "<rec_dom>: "
constexpr int kMaxReportedMessages = 4;

void log_libspf2_message(const char* file, int line, const char* message) {
  spdlog::debug("libspf2: {} ({}:{})", message ? message : "", file ? file : "?", line);
}

void route_libspf2_messages() {
  static std::once_flag once;
  std::call_once(once, [] {
    SPF_warning_handler = &log_libspf2_message;
    SPF_info_handler = &log_libspf2_message;
    SPF_debug_handler = &log_libspf2_message;
  });
}

SpfResult from_libspf2(SPF_result_t result) {
  switch (result) {
  case SPF_RESULT_PASS:
    return SpfResult::pass;
  case SPF_RESULT_FAIL:
    return SpfResult::fail;
  case SPF_RESULT_SOFTFAIL:
    return SpfResult::softfail;
  case SPF_RESULT_NEUTRAL:
    return SpfResult::neutral;
  case SPF_RESULT_NONE:
    return SpfResult::none;
  case SPF_RESULT_TEMPERROR:
    return SpfResult::temperror;
  default: // PERMERROR, and INVALID which libspf2 should never return
    return SpfResult::permerror;
  }
}

void append(std::string& text, const std::string& more) {
  if (!more.empty())
    text += (text.empty() ? "" : "; ") + more;
}

// libspf2's error messages (not warnings) of a response, at most kMaxReportedMessages.
std::string error_messages(SPF_response_t* response, bool skip_not_spf, bool* other_errors) {
  std::string text;
  int shown = 0;
  for (int i = 0; i < SPF_response_messages(response) && shown < kMaxReportedMessages; ++i) {
    SPF_error_t* error = SPF_response_message(response, i);
    if (!error || !SPF_error_errorp(error))
      continue;
    if (skip_not_spf && SPF_error_code(error) == SPF_E_NOT_SPF)
      continue;
    if (other_errors)
      *other_errors = true;
    const char* message = SPF_error_message(error);
    append(text, message ? message : SPF_strerror(SPF_error_code(error)));
    ++shown;
  }
  return text;
}

std::string header_comment(SPF_response_t* response) {
  const char* comment = SPF_response_get_header_comment(response);
  std::string text = comment ? comment : "";
  std::string prefix = std::string(kReceiver) + ": ";
  if (text.rfind(prefix, 0) == 0)
    text.erase(0, prefix.size());
  return text;
}

SpfVerdict interpreted(SPF_response_t* response) {
  // Not SPF_response_get_explanation: libspf2 1.2.10 returns a record's exp= text unexpanded and
  // with its spaces turned into '%' ("not%allowed"), which would only confuse.
  SpfVerdict verdict{from_libspf2(SPF_response_result(response)), header_comment(response)};
  if (verdict.result == SpfResult::permerror)
    append(verdict.explanation, error_messages(response, false, nullptr));
  return verdict;
}

// SPF_server_get_record failed: no record, several records, a syntax error or a DNS failure.
SpfVerdict without_record(SPF_response_t* response, SPF_errcode_t error,
                          const std::string& domain) {
  if (error == SPF_E_DNS_ERROR)
    return {SpfResult::temperror, "DNS failure while fetching the SPF record of " + domain};
  bool other_errors = false;
  std::string messages = error_messages(response, true, &other_errors);
  if (SPF_response_result(response) == SPF_RESULT_PERMERROR || other_errors)
    return {SpfResult::permerror, messages.empty() ? SPF_strerror(error) : messages};
  if (error == SPF_E_NOT_SPF)
    return {SpfResult::none, domain + " publishes no SPF record"};
  return {SpfResult::permerror, SPF_strerror(error)};
}

struct RequestFree {
  void operator()(SPF_request_t* request) const { SPF_request_free(request); }
};
struct ResponseFree {
  void operator()(SPF_response_t* response) const { SPF_response_free(response); }
};

void set_client_ip(SPF_request_t* request, const boost::asio::ip::address& ip) {
  if (ip.is_v4()) {
    in_addr address{};
    auto bytes = ip.to_v4().to_bytes();
    std::memcpy(&address, bytes.data(), bytes.size());
    SPF_request_set_ipv4(request, address);
  } else {
    in6_addr address{};
    auto bytes = ip.to_v6().to_bytes();
    std::memcpy(&address, bytes.data(), bytes.size());
    SPF_request_set_ipv6(request, address);
  }
}

} // namespace

const char* to_string(SpfResult result) {
  switch (result) {
  case SpfResult::pass:
    return "pass";
  case SpfResult::fail:
    return "fail";
  case SpfResult::softfail:
    return "softfail";
  case SpfResult::neutral:
    return "neutral";
  case SpfResult::none:
    return "none";
  case SpfResult::permerror:
    return "permerror";
  case SpfResult::temperror:
    return "temperror";
  }
  return "permerror";
}

SpfEvaluator::SpfEvaluator(BlockingDnsClient& dns)
    : resolver_(std::make_unique<SpfCaresResolver>(dns)) {
  route_libspf2_messages();
  server_ = SPF_server_new_dns(resolver_->layer(), 0);
  if (!server_)
    throw std::runtime_error("spf: libspf2 could not set up an SPF server (out of memory)");
  if (SPF_server_set_rec_dom(server_, kReceiver) != SPF_E_SUCCESS) {
    SPF_server_free(server_);
    throw std::runtime_error("spf: libspf2 could not set the receiver name (out of memory)");
  }
  SPF_response_t* errors = nullptr; // no default explanation (an openspf.org URL) to build
  SPF_server_set_explanation(server_, "", &errors);
  if (errors)
    SPF_response_free(errors);
}

SpfEvaluator::~SpfEvaluator() {
  SPF_server_free(server_); // leaves the resolver layer alone: its destroy is null
}

SpfVerdict SpfEvaluator::check_mail_from(const boost::asio::ip::address& ip,
                                         const std::string& domain, const std::string& helo) {
  resolver_->reset();
  std::unique_ptr<SPF_request_t, RequestFree> request(SPF_request_new(server_));
  if (!request)
    return {SpfResult::temperror, "libspf2 is out of memory"};
  set_client_ip(request.get(), ip);
  std::string sender = "postmaster@" + domain;
  SPF_request_set_env_from(request.get(), sender.c_str());
  if (!helo.empty())
    SPF_request_set_helo_dom(request.get(), helo.c_str());
  request->use_helo = 0;
  request->cur_dom = request->env_from_dp; // what libspf2's (static) SPF_request_prepare does
  std::unique_ptr<SPF_response_t, ResponseFree> response(SPF_response_new(request.get()));
  if (!response)
    return {SpfResult::temperror, "libspf2 is out of memory"};

  SPF_record_t* record = nullptr;
  SPF_errcode_t error = SPF_server_get_record(server_, request.get(), response.get(), &record);
  SpfVerdict verdict;
  if (error == SPF_E_SUCCESS && record) {
    response->spf_record_exp = record;
    SPF_record_interpret(record, request.get(), response.get(), 0);
    response->spf_record_exp = nullptr;
    SPF_record_free(record);
    verdict = interpreted(response.get());
  } else {
    if (record)
      SPF_record_free(record);
    verdict = without_record(response.get(), error, domain);
  }
  if (verdict.result == SpfResult::temperror)
    for (const std::string& failure : resolver_->failures())
      append(verdict.explanation, failure);
  return verdict;
}

} // namespace volley::engine
