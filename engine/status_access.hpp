// Who may do what on the control API's TCP listener. The bearer token (Authorization header) gives
// full access; the status page's session cookie gives read-only access to the page, its assets and
// GET /v1/status; without either, only the login page, its assets, POST /login and POST /logout are
// served. So a browser session can never change anything (no CSRF on writes), and every write still
// needs the bearer token. The Unix socket needs no credentials (full access, protected by its file
// mode). Pure; must never grant more than read-only access to anything but the bearer token.
#pragma once

#include <cstdint>
#include <string_view>

namespace volley::engine {

enum class ControlAccess {
  full,      // bearer token (or the Unix socket)
  read_only, // valid status page session cookie
  anonymous, // nothing valid: login page only
};

// The access a TCP request's credentials give. An empty token (no TCP authentication) means full.
ControlAccess control_access(std::string_view authorization_header, std::string_view cookie_header,
                             std::string_view token, std::int64_t now_s);

// Whether `access` may make this request (target may carry a query string).
bool access_permits(ControlAccess access, std::string_view method, std::string_view target);

} // namespace volley::engine
