// Reading and checking [dkim] (see dkim_config_reader.hpp). Header names and selectors are checked
// with the signer's own validate_dkim_signer_config, so what is accepted here is what signs.
#include "policy/dkim_config_reader.hpp"

#include <algorithm>
#include <filesystem>

#include "policy/dkim_key_file.hpp"
#include "policy/domain_name.hpp"
#include "protocol/ascii_case.hpp"
#include "protocol/dkim_signer.hpp"

namespace volley::policy {
namespace {

using protocol::DkimCanonicalization;

constexpr std::size_t max_signatures = 4;
const std::vector<std::string_view> domain_keys{"selector",         "key_file", "signatures",
                                                "canonicalization", "headers",  "oversign"};
const std::vector<std::string_view> signature_keys{"selector", "key_file"};

SourcePosition position_of(const toml::source_region& region) {
  return SourcePosition{std::max<std::uint32_t>(region.begin.line, 1),
                        std::max<std::uint32_t>(region.begin.column, 1)};
}

std::string resolve(const std::string& path, std::string_view base_dir) {
  std::filesystem::path given(path);
  if (base_dir.empty() || given.is_absolute())
    return path;
  return (std::filesystem::path(base_dir) / given).lexically_normal().string();
}

std::optional<DkimCanonicalization> canonicalization_named(std::string_view name) {
  if (name == "relaxed")
    return DkimCanonicalization::relaxed;
  if (name == "simple")
    return DkimCanonicalization::simple;
  return std::nullopt;
}

// Reads one entry of a domain table at a time, with the table's name in every message.
class DkimDomainReader {
public:
  DkimDomainReader(ConfigDiagnostics& diagnostics, std::string name, std::string_view base_dir)
      : diagnostics_(diagnostics), name_(std::move(name)), base_dir_(base_dir) {}

  void error(const toml::node& node, const std::string& what, std::string_view hint) {
    diagnostics_.add(position_of(node.source()), "[dkim.\"" + name_ + "\"] " + what, hint);
    failed_ = true;
  }
  bool failed() const { return failed_; }

  void check_keys(const toml::table& table, const std::vector<std::string_view>& known,
                  std::string_view where) {
    for (auto&& [key, node] : table) {
      std::string name(key.str());
      if (std::find(known.begin(), known.end(), name) != known.end())
        continue;
      std::string suggestion = closest_name(name, known);
      diagnostics_.add(position_of(key.source()),
                       "unknown key `" + name + "` in [dkim.\"" + name_ + "\"]" +
                           std::string(where),
                       suggestion.empty() ? "valid keys: " + join_names(known)
                                          : "did you mean `" + suggestion + "`?");
      failed_ = true;
    }
  }

  std::optional<std::string> string_at(const toml::table& table, std::string_view key) {
    const toml::node* node = table.get(key);
    if (!node)
      return std::nullopt;
    if (!node->is_string()) {
      error(*node, "`" + std::string(key) + "` must be a string", "put the value in double quotes");
      return std::nullopt;
    }
    return node->as_string()->get();
  }

  std::optional<DkimSignatureConfig> signature(const toml::table& table, const toml::node& at) {
    auto selector = string_at(table, "selector");
    auto key_file = string_at(table, "key_file");
    if (!table.get("selector"))
      error(at, "has no `selector`",
            "add selector = \"s2026\" (the DNS name is "
            "<selector>._domainkey.<domain>)");
    if (!table.get("key_file"))
      error(at, "has no `key_file`", "add key_file = \"keys/" + name_ + ".pem\" (mode 0600)");
    if (!selector || !key_file)
      return std::nullopt;
    std::string path = resolve(*key_file, base_dir_);
    auto key = load_dkim_key_file(path);
    if (!key) {
      error(*table.get("key_file"), key.error().message, "");
      return std::nullopt;
    }
    return DkimSignatureConfig{*selector, path, *key};
  }

  std::vector<std::string> header_list(const toml::table& table, std::string_view key,
                                       bool& present) {
    std::vector<std::string> names;
    const toml::node* node = table.get(key);
    present = node != nullptr;
    if (!node)
      return names;
    const toml::array* array = node->as_array();
    if (!array) {
      error(*node, "`" + std::string(key) + "` must be an array of header names",
            "e.g. " + std::string(key) + " = [\"from\", \"subject\"]");
      return names;
    }
    for (const toml::node& element : *array) {
      if (!element.is_string()) {
        error(element, "`" + std::string(key) + "` entries must be strings", "quote each name");
        continue;
      }
      const std::string& name = element.as_string()->get();
      if (protocol::ascii_equal_ignoring_case(name, "dkim-signature")) {
        // With several signatures each would cover another's field, absent when it was signed.
        error(element, "`" + std::string(key) + "` lists dkim-signature",
              "leave it out: signatures are added after signing and never sign each other");
        continue;
      }
      names.push_back(name);
    }
    return names;
  }

  void canonicalization(const toml::table& table, DkimDomainConfig& config) {
    auto text = string_at(table, "canonicalization");
    if (!text)
      return;
    std::string_view value = *text;
    std::size_t slash = value.find('/');
    auto header = canonicalization_named(value.substr(0, slash));
    auto body = slash == std::string_view::npos ? std::optional(DkimCanonicalization::simple)
                                                : canonicalization_named(value.substr(slash + 1));
    if (!header || !body) {
      error(*table.get("canonicalization"), "unknown canonicalization \"" + *text + "\"",
            "use \"relaxed/relaxed\" (default), \"relaxed/simple\", \"simple/relaxed\" or "
            "\"simple/simple\" (header/body)");
      return;
    }
    config.header_canonicalization = *header;
    config.body_canonicalization = *body;
  }

  void signatures(const toml::table& table, DkimDomainConfig& config) {
    const toml::node* list = table.get("signatures");
    if (!list) {
      if (auto one = signature(table, table))
        config.signatures.push_back(std::move(*one));
      return;
    }
    if (table.get("selector") || table.get("key_file")) {
      return error(*list, "has both `signatures` and `selector`/`key_file`",
                   "list every signature in signatures = [{selector = ..., key_file = ...}, ...]");
    }
    const toml::array* array = list->as_array();
    if (!array || array->empty() || array->size() > max_signatures) {
      return error(*list, "`signatures` must be an array of 1 to 4 tables",
                   "e.g. signatures = [{selector = \"r2026\", key_file = \"keys/rsa.pem\"}, "
                   "{selector = \"e2026\", key_file = \"keys/ed25519.pem\"}]");
    }
    for (const toml::node& element : *array) {
      const toml::table* entry = element.as_table();
      if (!entry) {
        error(element, "`signatures` entries must be tables",
              "write {selector = \"s2026\", key_file = \"keys/" + name_ + ".pem\"}");
        continue;
      }
      check_keys(*entry, signature_keys, " signatures entry");
      if (auto one = signature(*entry, element))
        config.signatures.push_back(std::move(*one));
    }
  }

  // Runs the signer's own checks (selector syntax, header names, "from" signed).
  void validate(const toml::table& table, const DkimDomainConfig& config) {
    std::string domain =
        config.pattern.starts_with('.') ? config.pattern.substr(1) : config.pattern;
    for (const DkimSignatureConfig& signature : config.signatures) {
      protocol::DkimSignerConfig signer{
          .domain = domain, .selector = signature.selector, .key = signature.key};
      if (!config.signed_headers.empty())
        signer.signed_headers = config.signed_headers;
      if (config.oversign_set)
        signer.oversigned_headers = config.oversigned_headers;
      auto checked = protocol::validate_dkim_signer_config(signer);
      if (!checked)
        return error(table, checked.error().message, "");
    }
  }

private:
  ConfigDiagnostics& diagnostics_;
  std::string name_;
  std::string_view base_dir_;
  bool failed_ = false;
};

std::optional<DkimDomainConfig> read_domain(const std::string& name, const toml::node& node,
                                            ConfigDiagnostics& diagnostics,
                                            std::string_view base_dir) {
  DkimDomainReader reader(diagnostics, name, base_dir);
  const toml::table* table = node.as_table();
  if (!table) {
    reader.error(node, "must be a table",
                 "write [dkim.\"" + name + "\"] on its own line, then selector and key_file");
    return std::nullopt;
  }
  auto pattern = normalize_domain_pattern(name);
  if (!pattern || *pattern == "*") {
    reader.error(node, pattern ? "\"*\" is not a signing domain" : pattern.error().message,
                 "name the From domain, e.g. [dkim.\"example.org\"] or [dkim.\".example.org\"]");
    return std::nullopt;
  }
  reader.check_keys(*table, domain_keys, "");
  DkimDomainConfig config;
  config.pattern = *pattern;
  reader.canonicalization(*table, config);
  bool headers_set = false;
  config.signed_headers = reader.header_list(*table, "headers", headers_set);
  config.oversigned_headers = reader.header_list(*table, "oversign", config.oversign_set);
  reader.signatures(*table, config);
  if (!reader.failed())
    reader.validate(*table, config);
  if (reader.failed())
    return std::nullopt;
  return config;
}

} // namespace

SectionSchema dkim_section_schema() {
  return SectionSchema{"dkim", {}, true};
}

void read_dkim_section(const toml::table& root, ConfigDiagnostics& diagnostics,
                       std::string_view base_dir, std::vector<DkimDomainConfig>& out) {
  const toml::node* section = root.get("dkim");
  if (!section || !section->is_table())
    return; // absent, or reported by check_names
  std::vector<std::pair<SourcePosition, DkimDomainConfig>> domains;
  for (auto&& [key, node] : *section->as_table()) {
    auto domain = read_domain(std::string(key.str()), node, diagnostics, base_dir);
    if (!domain)
      continue;
    for (const auto& [at, other] : domains) {
      if (other.pattern == domain->pattern) {
        diagnostics.add(position_of(key.source()),
                        "[dkim.\"" + std::string(key.str()) + "\"] repeats the domain of line " +
                            std::to_string(at.line),
                        "domains are case-insensitive: keep one table");
      }
    }
    domains.emplace_back(position_of(key.source()), std::move(*domain));
  }
  std::stable_sort(domains.begin(), domains.end(),
                   [](const auto& a, const auto& b) { return a.first.line < b.first.line; });
  out.clear();
  for (auto& [at, domain] : domains)
    out.push_back(std::move(domain));
}

} // namespace volley::policy
