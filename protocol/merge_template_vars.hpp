// MergeVars: one recipient's merge values (the stored "vars" JSON object) as a VarLookup.
// Pure. Never invents a value: a name that is not in the object is not found (render then fails).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "protocol/merge_template.hpp"
#include "protocol/result.hpp"

namespace volley::protocol {

class MergeVars final : public VarLookup {
public:
  // vars_json is "" (no vars) or a JSON object; string members are taken as they are, numbers and
  // booleans as their JSON text. invalid_request for anything else (not an object, nested values).
  static Result<MergeVars> from_json(std::string_view vars_json);

  // Adds or replaces one value.
  void set(std::string_view name, std::string_view value);

  std::optional<std::string_view> find(std::string_view name) const override;

private:
  std::vector<std::pair<std::string, std::string>> entries_; // sorted by name
};

} // namespace volley::protocol
