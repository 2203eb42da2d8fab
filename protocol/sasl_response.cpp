// SASL response decoding for SMTP AUTH (see sasl_response.hpp). Never reads past the line.
#include "protocol/sasl_response.hpp"

#include "protocol/base64_lines.hpp"

namespace volley::protocol {
namespace {

Error sasl_error(std::string what) {
  return make_error(error_code::invalid_request, std::move(what));
}

bool is_base64_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
         c == '/' || c == '=';
}

} // namespace

Result<std::string> decode_sasl_base64(std::string_view line) {
  std::string out;
  if (line == "=")
    return out;
  for (char c : line)
    if (!is_base64_char(c))
      return sasl_error("the response is not base64 text");
  if (line.size() % 4 != 0 || !base64::decode(line, out))
    return sasl_error("the response is not valid base64");
  return out;
}

Result<SaslCredentials> decode_sasl_plain(std::string_view line) {
  auto decoded = decode_sasl_base64(line);
  if (!decoded)
    return decoded.error();
  const std::string& text = *decoded;
  const std::size_t first = text.find('\0');
  const std::size_t second =
      first == std::string::npos ? std::string::npos : text.find('\0', first + 1);
  if (second == std::string::npos || text.find('\0', second + 1) != std::string::npos)
    return sasl_error("a PLAIN response is authzid NUL user NUL password");
  SaslCredentials credentials;
  credentials.authzid = text.substr(0, first);
  credentials.user = text.substr(first + 1, second - first - 1);
  credentials.password = text.substr(second + 1);
  if (credentials.user.empty())
    return sasl_error("the PLAIN response has an empty user name");
  if (credentials.authzid.size() > kMaxSaslFieldBytes ||
      credentials.user.size() > kMaxSaslFieldBytes ||
      credentials.password.size() > kMaxSaslFieldBytes)
    return sasl_error("a PLAIN field is longer than 255 bytes");
  return credentials;
}

Result<std::string> decode_sasl_login_value(std::string_view line) {
  auto decoded = decode_sasl_base64(line);
  if (!decoded)
    return decoded.error();
  if (decoded->size() > kMaxSaslFieldBytes)
    return sasl_error("the value is longer than 255 bytes");
  if (decoded->find('\0') != std::string::npos)
    return sasl_error("the value holds a NUL byte");
  return decoded;
}

} // namespace volley::protocol
