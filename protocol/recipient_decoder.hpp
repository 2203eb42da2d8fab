// Decoding of one recipient object ({"to", "vars"?, "id"?}) shared by the NDJSON upload, inline
// "recipients" of a campaign and "to" of a transactional message. Internal to protocol/.
// Never builds error strings on the success path: it runs for every uploaded recipient.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <string>
#include <string_view>

#include "protocol/api_requests.hpp"

namespace volley::protocol {

// Where the object sits, for field paths in messages: nowhere (an NDJSON line) or array[index].
struct RecipientLocation {
  std::string_view array_name; // "" for an NDJSON line
  std::uint64_t index = 0;

  std::string prefix() const; // "" or "\"recipients\"[12]."
};

// Error codes tell callers how to treat a failure:
//   invalid_request  - a field has the wrong JSON type (client bug); message carries the full path
//   invalid_address  - "to" missing or not a valid mailbox; message is relative to the recipient
//   too_large        - "vars" or "id" over its limit; message is relative to the recipient
// On failure *to_on_error (if given) receives the "to" string (cut to 320 bytes) or "".
Result<RecipientInput> decode_recipient_object(const boost::json::object& object,
                                               const DecodeLimits& limits,
                                               const RecipientLocation& where,
                                               std::string* to_on_error);

} // namespace volley::protocol
