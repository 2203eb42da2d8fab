// Control API router and write handlers (campaigns, messages, campaign state, suppressions); the
// status page's routes are here too, its handlers in control_api_status.cpp.
// Never answers 2xx before the spool's callback reported a durable commit.
#include "engine/control_api.hpp"

#include "engine/bounce_intake.hpp"

#include <chrono>
#include <utility>

#include "engine/api_json.hpp"
#include "engine/http_error.hpp"
#include "protocol/request_target.hpp"

namespace volley::engine {
namespace {

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

queue::NewRecipient to_new_recipient(protocol::RecipientInput input) {
  queue::NewRecipient r;
  r.canonical = input.mailbox.canonical();
  r.address = std::move(input.to);
  r.crm_id = std::move(input.crm_id);
  r.vars_json = std::move(input.vars_json);
  return r;
}

ControlResponse not_found(std::string_view method, std::string_view target) {
  return ControlApi::error_response(make_error(
      error_code::not_found, "no such endpoint: " + std::string(method) + " " +
                                 std::string(target) + " (see API.md for the v1 endpoints)"));
}

ControlResponse method_not_allowed(std::string_view method, std::string_view target,
                                   std::string_view allowed) {
  ControlResponse r = ControlApi::error_response(make_error(
      error_code::invalid_request, std::string(method) + " is not allowed on " +
                                       std::string(target) + "; use " + std::string(allowed)));
  r.status = 405;
  return r;
}

} // namespace

ControlApi::ControlApi(queue::Spool& spool, ControlApiOptions options)
    : spool_(spool), options_(std::move(options)), merge_fields_(spool), started_ms_(now_ms()) {
  // The delivery counters start at zero with the engine, which starts after this: whatever they
  // count before the first timer sample belongs in the history too.
  throughput_.sample(started_ms_, ThroughputCounts{});
}

ControlResponse ControlApi::error_response(const Error& error) {
  return ControlResponse{http_status_for(error), error_body(error)};
}

ControlResponse ControlApi::json_response(unsigned status, const std::string& json) {
  return ControlResponse{status, json};
}

RecipientUploadOptions ControlApi::upload_options(const std::string& campaign_id) {
  RecipientUploadOptions o;
  o.merge_fields = merge_fields_.fields(campaign_id);
  o.limits = options_.limits;
  o.max_line_bytes = options_.max_line_bytes;
  o.batch_size = options_.upload_batch;
  return o;
}

std::optional<Result<std::string>> ControlApi::match_upload(std::string_view method,
                                                            std::string_view target) const {
  if (method != "POST")
    return std::nullopt;
  auto parsed = protocol::parse_request_target(target);
  if (!parsed)
    return std::nullopt;
  const auto& s = parsed->segments;
  if (s.size() != 4 || s[0] != "v1" || s[1] != "campaigns" || s[3] != "recipients") {
    return std::nullopt;
  }
  auto info = spool_.campaign(s[2]);
  if (!info) {
    return Result<std::string>(
        make_error(error_code::not_found, "campaign \"" + s[2] +
                                              "\" does not exist; create it "
                                              "with POST /v1/campaigns first"));
  }
  if (info->state == queue::CampaignState::cancelled) {
    return Result<std::string>(make_error(
        error_code::conflict, "campaign \"" + s[2] + "\" is cancelled and takes no recipients"));
  }
  return Result<std::string>(s[2]);
}

void ControlApi::handle(std::string_view method, std::string_view target, std::string body,
                        Respond respond, const ControlRequestContext& context) {
  auto parsed = protocol::parse_request_target(target);
  if (!parsed)
    return respond(error_response(parsed.error()));
  const auto& s = parsed->segments;
  const auto& q = *parsed;
  bool get = method == "GET" || method == "HEAD";

  if (s.size() == 1 && s[0] == "healthz") {
    return respond(get ? health() : method_not_allowed(method, target, "GET"));
  }
  if (s.size() == 1 && s[0] == "metrics") {
    return respond(get ? metrics() : method_not_allowed(method, target, "GET"));
  }
  // The status page for browsers (control_api_status.cpp); the session checked the access level.
  if (s.empty())
    return respond(get ? status_page(q, context) : method_not_allowed(method, target, "GET"));
  if (s.size() == 2 && s[0] == "assets") {
    return respond(get ? status_asset_response(s[1], context)
                       : method_not_allowed(method, target, "GET"));
  }
  if (s.size() == 1 && s[0] == "login") {
    return respond(method == "POST" ? login(q, body)
                                    : method_not_allowed(method, target, "POST (the login form)"));
  }
  if (s.size() == 1 && s[0] == "logout")
    return respond(method == "POST" ? logout() : method_not_allowed(method, target, "POST"));
  if (s.empty() || s[0] != "v1")
    return respond(not_found(method, target));
  if (s.size() == 2 && s[1] == "status")
    return respond(get ? status() : method_not_allowed(method, target, "GET"));

  if (s.size() == 2 && s[1] == "campaigns") {
    if (method == "POST")
      return create_campaign(std::move(body), std::move(respond));
    if (!get)
      return respond(method_not_allowed(method, target, "GET or POST"));
    boost::json::array list;
    for (const auto& info : spool_.campaigns())
      list.push_back(campaign_json(info));
    return respond(json_response(
        200, boost::json::serialize(boost::json::object{{"campaigns", std::move(list)}})));
  }
  if (s.size() == 3 && s[1] == "campaigns") {
    if (!get)
      return respond(method_not_allowed(method, target, "GET"));
    auto info = spool_.campaign(s[2]);
    if (!info) {
      return respond(error_response(
          make_error(error_code::not_found, "campaign \"" + s[2] + "\" does not exist")));
    }
    return respond(json_response(200, boost::json::serialize(campaign_json(*info))));
  }
  if (s.size() == 4 && s[1] == "campaigns" &&
      (s[3] == "pause" || s[3] == "resume" || s[3] == "cancel")) {
    if (method != "POST")
      return respond(method_not_allowed(method, target, "POST"));
    return change_campaign_state(s[2], s[3], std::move(respond));
  }
  if (s.size() == 4 && s[1] == "campaigns" && s[3] == "recipients") {
    // Uploads are streamed by the session; reaching here means the session read it whole.
    return respond(method_not_allowed(method, target, "POST with an NDJSON body"));
  }
  if (s.size() == 2 && s[1] == "messages") {
    if (method != "POST")
      return respond(method_not_allowed(method, target, "POST"));
    return send_message(std::move(body), std::move(respond));
  }
  if (s.size() == 2 && s[1] == "suppressions") {
    if (!get)
      return respond(method_not_allowed(method, target, "GET"));
    return respond(list_suppressions(q.param("after"), q.param("limit")));
  }
  if (s.size() == 3 && s[1] == "suppressions") {
    if (method == "PUT")
      return put_suppression(s[2], std::move(body), std::move(respond));
    if (method == "DELETE")
      return delete_suppression(s[2], std::move(respond));
    if (get) {
      auto mailbox = protocol::parse_mailbox(s[2]);
      auto entry = spool_.suppression(mailbox ? mailbox->canonical() : s[2]);
      if (!entry) {
        return respond(error_response(
            make_error(error_code::not_found, "\"" + s[2] + "\" is not on the suppression list")));
      }
      return respond(json_response(200, boost::json::serialize(suppression_json(*entry))));
    }
    return respond(method_not_allowed(method, target, "GET, PUT or DELETE"));
  }
  if (s.size() == 3 && s[1] == "bounces" && s[2] == "raw") {
    if (method != "POST")
      return respond(method_not_allowed(method, target, "POST"));
    return receive_raw_bounce(std::move(body), std::move(respond));
  }
  if (s.size() == 2 && s[1] == "bounces") {
    if (!get)
      return respond(method_not_allowed(method, target, "GET"));
    return respond(list_bounces(q.param("campaign"), q.param("after"), q.param("limit")));
  }
  if (s.size() == 2 && s[1] == "queues") {
    if (!get)
      return respond(method_not_allowed(method, target, "GET"));
    return respond(queues());
  }
  if (s.size() == 3 && s[1] == "policy" && s[2] == "reload") {
    if (method != "POST")
      return respond(method_not_allowed(method, target, "POST"));
    if (!reload_policy_) {
      return respond(error_response(
          make_error(error_code::unavailable, "rate policy reload is not available")));
    }
    auto reloaded = reload_policy_();
    if (!reloaded)
      return respond(error_response(reloaded.error()));
    return respond(json_response(200, boost::json::serialize(boost::json::object{
                                          {"reloaded", true}, {"policy", reloaded.value()}})));
  }
  respond(not_found(method, target));
}

void ControlApi::receive_raw_bounce(std::string body, Respond respond) {
  if (!bounce_intake_) {
    return respond(
        error_response(make_error(error_code::unavailable, "bounce processing is not available")));
  }
  if (body.empty()) {
    return respond(error_response(make_error(error_code::invalid_request,
                                             "the body must be one raw message (a bounce, "
                                             "complaint or unsubscribe mail), as received")));
  }
  bounce_intake_->process(std::move(body), {}, "",
                          [respond = std::move(respond)](Result<BounceIntakeResult> result) {
                            if (!result)
                              return respond(error_response(result.error()));
                            boost::json::array records;
                            for (const auto& record : result->stored)
                              records.push_back(bounce_json(record));
                            boost::json::object answer{{"type", protocol::to_string(result->type)},
                                                       {"matched", result->verified},
                                                       {"records", std::move(records)}};
                            respond(json_response(202, boost::json::serialize(answer)));
                          });
}

void ControlApi::create_campaign(std::string body, Respond respond) {
  auto decoded = protocol::decode_campaign_create(body, options_.limits);
  if (!decoded)
    return respond(error_response(decoded.error()));
  protocol::CampaignCreateRequest& request = decoded.value();

  queue::NewCampaign campaign;
  campaign.id = std::move(request.id);
  campaign.kind = "campaign";
  campaign.from = request.from.text();
  campaign.message = std::move(request.message);
  campaign.tags = std::move(request.tags);
  campaign.not_before_ms = request.not_before_ms;
  campaign.expires_after_s = request.expires_after_s;
  campaign.unsubscribe_url = std::move(request.unsubscribe_url);
  std::vector<queue::NewRecipient> recipients;
  recipients.reserve(request.recipients.size());
  for (auto& input : request.recipients)
    recipients.push_back(to_new_recipient(std::move(input)));

  auto rejected = rejections_json(request.rejected);
  spool_.create_campaign(std::move(campaign), std::move(recipients),
                         [respond = std::move(respond), rejected = std::move(rejected)](
                             Result<queue::CampaignCreated> result) mutable {
                           if (!result)
                             return respond(error_response(result.error()));
                           boost::json::object out{{"id", result->id},
                                                   {"accepted", result->recipients.accepted},
                                                   {"duplicates", result->recipients.duplicates},
                                                   {"suppressed", result->recipients.suppressed},
                                                   {"rejected", std::move(rejected)}};
                           respond(json_response(202, boost::json::serialize(out)));
                         });
}

void ControlApi::send_message(std::string body, Respond respond) {
  auto decoded = protocol::decode_message_request(body, options_.limits);
  if (!decoded)
    return respond(error_response(decoded.error()));
  protocol::MessageRequest& request = decoded.value();
  queue::NewCampaign message;
  message.kind = "message";
  message.from = request.from.text();
  message.message = std::move(request.message);
  message.tags = std::move(request.tags);
  std::vector<queue::NewRecipient> recipients;
  for (auto& input : request.to)
    recipients.push_back(to_new_recipient(std::move(input)));
  spool_.create_campaign(std::move(message), std::move(recipients),
                         [respond = std::move(respond)](Result<queue::CampaignCreated> result) {
                           if (!result)
                             return respond(error_response(result.error()));
                           boost::json::object out{{"id", result->id},
                                                   {"accepted", result->recipients.accepted},
                                                   {"suppressed", result->recipients.suppressed}};
                           respond(json_response(202, boost::json::serialize(out)));
                         });
}

void ControlApi::change_campaign_state(const std::string& id, const std::string& action,
                                       Respond respond) {
  queue::CampaignAction what = action == "pause"    ? queue::CampaignAction::pause
                               : action == "resume" ? queue::CampaignAction::resume
                                                    : queue::CampaignAction::cancel;
  spool_.set_campaign_state(
      id, what, [id, respond = std::move(respond)](Result<queue::CampaignState> result) {
        if (!result)
          return respond(error_response(result.error()));
        boost::json::object out{{"id", id}, {"state", queue::to_string(*result)}};
        respond(json_response(200, boost::json::serialize(out)));
      });
}

void ControlApi::put_suppression(const std::string& address, std::string body, Respond respond) {
  auto mailbox = protocol::parse_mailbox(address);
  if (!mailbox) {
    return respond(error_response(make_error(error_code::invalid_address,
                                             "\"" + address + "\": " + mailbox.error().message)));
  }
  auto request = protocol::decode_suppression_request(body);
  if (!request)
    return respond(error_response(request.error()));
  queue::SuppressionEntry entry;
  entry.address = mailbox->canonical();
  entry.reason = request->reason.empty() ? "manual" : request->reason;
  entry.source = "api";
  entry.at_ms = now_ms();
  auto shown = suppression_json(entry);
  spool_.put_suppression(std::move(entry), [respond = std::move(respond),
                                            shown = std::move(shown)](Result<Unit> result) {
    if (!result)
      return respond(error_response(result.error()));
    respond(json_response(200, boost::json::serialize(shown)));
  });
}

void ControlApi::delete_suppression(const std::string& address, Respond respond) {
  auto mailbox = protocol::parse_mailbox(address);
  std::string canonical = mailbox ? mailbox->canonical() : address;
  spool_.delete_suppression(canonical, [canonical, respond = std::move(respond)](Result<bool> r) {
    if (!r)
      return respond(error_response(r.error()));
    if (!*r) {
      return respond(error_response(make_error(
          error_code::not_found, "\"" + canonical + "\" is not on the suppression list")));
    }
    respond(json_response(200, boost::json::serialize(boost::json::object{{"address", canonical},
                                                                          {"deleted", true}})));
  });
}

} // namespace volley::engine
