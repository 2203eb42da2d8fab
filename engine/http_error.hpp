// Maps Volley error codes to HTTP statuses and renders the API's error body
// {"error": code, "message": text}. Never invents a message: callers say what, where, what to do.
#pragma once

#include <string>

#include "protocol/result.hpp"

namespace volley::engine {

unsigned http_status_for(const Error& error);
std::string error_body(const Error& error);

} // namespace volley::engine
