// Error code -> HTTP status table and JSON error bodies for the control API.
// Never leaks internal details beyond the message the error already carries.
#include "engine/http_error.hpp"

#include <boost/json.hpp>
#include <cstring>

namespace volley::engine {

unsigned http_status_for(const Error& error) {
  struct Row {
    const char* code;
    unsigned status;
  };
  static constexpr Row table[] = {
      {error_code::bad_json, 400},        {error_code::invalid_request, 400},
      {error_code::invalid_address, 400}, {error_code::too_large, 413},
      {error_code::not_found, 404},       {error_code::conflict, 409},
      {error_code::unauthorized, 401},    {error_code::spool_full, 507},
      {error_code::disk_full, 507},       {error_code::unavailable, 503},
      {error_code::internal, 500},
  };
  for (const auto& row : table) {
    if (error.code == row.code)
      return row.status;
  }
  return 500;
}

std::string error_body(const Error& error) {
  boost::json::object body;
  body["error"] = error.code;
  body["message"] = error.message;
  return boost::json::serialize(body);
}

} // namespace volley::engine
