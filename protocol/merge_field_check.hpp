// Injection-time check of a recipient's vars against a campaign template's merge fields: which
// field (if any) the stored "vars" JSON lacks. Pure. Runs for every recipient of a templated
// campaign, so the common answer ("all present") comes from a scan of the compact JSON text with no
// parse and no allocation; only a suspected miss parses the vars to confirm. Must never accept a
// recipient that lacks a field (a scan hit is always a real key), nor be called for static
// templates (callers skip the check when the field list is empty).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/result.hpp"

namespace volley::protocol {

// Every merge field a campaign's recipients need, sorted and unique: those of its message plus
// those of its unsubscribe URL ("" = none), which is rendered per recipient into List-Unsubscribe.
// invalid_request (saying which of the two) when either does not compile.
Result<std::vector<std::string>> campaign_merge_field_names(std::string_view message,
                                                            std::string_view unsubscribe_url);

// fields: MergeTemplate::fields() (valid field names); vars_json: RecipientInput::vars_json ("" or
// a compact JSON object as the decoders write it). The first field of fields that vars_json has no
// member for, or nullopt when every field has a value.
std::optional<std::string_view> first_missing_merge_field(const std::vector<std::string>& fields,
                                                          std::string_view vars_json);

// The rejection text for a recipient: missing merge field "first_name" (add it to "vars").
std::string missing_merge_field_error(std::string_view field);

} // namespace volley::protocol
