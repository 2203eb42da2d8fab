// Merge-field templates: a campaign's raw RFC 5322 message with {{name}} placeholders, compiled
// once per campaign and rendered per recipient from that recipient's vars. Pure; render is const
// and may run on several threads at once (it uses thread-local scratch space). Must never: leave a
// placeholder silently blank (a missing var is an error), let a value start a new header line
// (CR/LF in a header value is refused), or change a byte of a part that holds no placeholder.
//
// Where placeholders are found (syntax: merge_template_placeholders.hpp):
// - Header fields of the message and of every MIME part, in the raw text. Not allowed (compile
//   error) in a field name, in Content-Type or in Content-Transfer-Encoding (they decide the
//   layout). Unstructured fields (Subject, Comments, Content-Description, X-*) whose merged value
//   holds non-ASCII or a line over 998 octets are rewritten as RFC 2047 encoded-words
//   (=?UTF-8?B?...?=); every other field gets the value as is (raw UTF-8 needs SMTPUTF8, see
//   MergeTemplate notes).
// - Bodies of text/* leaf parts (text/plain when Content-Type is absent). 7bit/8bit/binary and
//   unknown encodings: in the raw text; the value goes in raw with its line breaks made the
//   message's own line end. quoted-printable and base64: in the decoded text (a placeholder split
//   by a soft line break or hidden in base64 is found); at render such a part is decoded, merged
//   and encoded again (QP lines <= 76, base64 lines of 76). Parts without placeholders, and all
//   non-text parts (attachments), are copied byte for byte.
// - Multipart bodies are split on their Content-Type boundary (nested multiparts up to 16 deep).
//   A multipart whose boundary is missing, whose delimiters are not found, or that is nested too
//   deep is treated as one raw text, like a 7bit body (no error). message/rfc822 parts are opaque.
// Values are inserted as UTF-8 whatever the part's charset says: declare charset=utf-8.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/merge_template_parts.hpp"
#include "protocol/result.hpp"

namespace volley::protocol {

// A recipient's merge values by field name.
class VarLookup {
public:
  virtual ~VarLookup() = default;
  virtual std::optional<std::string_view> find(std::string_view name) const = 0;
};

inline constexpr std::size_t kMaxMergePlaceholders = 10000; // occurrences in one message

class MergeTemplate {
public:
  // Field names used, sorted and unique. Injection rejects a recipient whose vars lack one.
  const std::vector<std::string>& fields() const { return fields_; }

  // True when the message has no placeholder: message() is then every recipient's rendering and
  // the engine can send (or cache) it without copying.
  bool is_static() const { return fields_.empty(); }

  // The original message text.
  std::string_view message() const { return std::string_view(text_).substr(0, message_size_); }

  // The first field (in fields() order) that vars lacks, if any.
  std::optional<std::string_view> first_missing(const VarLookup& vars) const;

  // Appends the personalised message to out (reusing its capacity). invalid_request when a field
  // has no value (the message names it) or a header value holds CR or LF; out is then restored to
  // its previous size. Line ends follow the message (CRLF unless its first line ends in bare LF);
  // prepare_message_data still has to run on the result before DATA.
  Result<Unit> render(const VarLookup& vars, std::string& out) const;

private:
  friend class MergeTemplateBuilder;
  std::optional<Error> render_section(const merge::Section& section,
                                      const std::vector<std::string_view>& values,
                                      std::string& out) const;
  std::string text_; // the message, then the decoded text of re-encoded parts
  std::size_t message_size_ = 0;
  std::string eol_ = "\r\n"; // the message's line end
  std::vector<std::string> fields_;
  std::vector<merge::Piece> pieces_;
  std::vector<merge::Section> sections_;
};

// Finds every placeholder (see above). invalid_request (naming the field and where) for a
// placeholder in a header field name, Content-Type or Content-Transfer-Encoding, or for more than
// kMaxMergePlaceholders placeholders. Never fails on odd MIME: it falls back to raw text.
Result<MergeTemplate> compile_merge_template(std::string_view message);

} // namespace volley::protocol
