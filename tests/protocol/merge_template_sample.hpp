// A nested multipart campaign message shared by the merge template MIME tests: multipart/mixed
// holding multipart/alternative (base64 text/plain + quoted-printable text/html with a placeholder
// split by a soft line break) and a base64 attachment whose decoded text contains "{{name}}".
#pragma once

#include <string>

namespace volley::protocol::merge_sample {

inline constexpr const char* kAttachmentBody =
    "e3tuYW1lfX0gbXVzdCBzdGF5IGV4YWN0bHkgYXMgaXQgaXMgaW4gdGhpcyBhdHRhY2htZW50Lg==";

inline std::string nested_message(const std::string& eol = "\r\n") {
  const std::string lines[] = {
      "From: News <news@example.com>",
      "To: {{name}} <{{email}}>",
      "Subject: Offer for {{name}}",
      "MIME-Version: 1.0",
      "Content-Type: multipart/mixed;",
      " boundary=\"outer=_1; x\"; charset=us-ascii",
      "",
      "This is a multi-part message.",
      "--outer=_1; x",
      "Content-Type: multipart/alternative; boundary=inner42",
      "",
      "--inner42",
      "Content-Type: text/plain; charset=utf-8",
      "Content-Transfer-Encoding: base64",
      "",
      "SGVsbG8ge3tuYW1lfX0sDQp5b3VyIGNvZGUgaXMge3sgY29kZSB9fS4NCkJ5ZQ0K",
      "--inner42",
      "Content-Type: text/html; charset=utf-8",
      "Content-Transfer-Encoding: quoted-printable",
      "",
      "<p>Hello {{na=",
      "me}}, code=3D{{code}} caf=C3=A9</p>",
      "<p>Trailing space stays  </p>",
      "--inner42extra is not a delimiter",
      "--inner42--",
      "",
      "--outer=_1; x",
      "Content-Type: application/octet-stream; name=\"a.txt\"",
      "Content-Transfer-Encoding: base64",
      "",
      kAttachmentBody,
      "--outer=_1; x--",
      "epilogue",
  };
  std::string message;
  for (const std::string& line : lines)
    message += line + eol;
  return message;
}

} // namespace volley::protocol::merge_sample
