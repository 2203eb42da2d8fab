// The webhook's durable cursor: the last event seq the CRM acknowledged (2xx), plus where the line
// after it starts (file identity + byte offset) so a restart resumes without scanning. Stored as
// one JSON line in "<log_file>.cursor", replaced atomically (write temp, fsync, rename, fsync dir).
// Never moves backwards on its own and never writes a half cursor.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace volley::engine {

struct WebhookCursor {
  std::uint64_t acked_seq = 0;      // every event up to this seq was acknowledged
  std::uint64_t file_inode = 0;     // the file holding acked_seq (0 = unknown) ...
  std::uint64_t file_first_seq = 0; // ... identified by inode and first seq
  std::uint64_t offset = 0;         // byte offset just after acked_seq's line in that file
  bool operator==(const WebhookCursor&) const = default;
};

std::string webhook_cursor_path(const std::string& log_file);

// nullopt when the file does not exist. Throws std::runtime_error (what is wrong and what to do)
// when it exists but cannot be read or parsed.
std::optional<WebhookCursor> load_webhook_cursor(const std::string& path);

// Atomically replaces the cursor file. Returns false (errno-style message in error) on failure.
bool store_webhook_cursor(const std::string& path, const WebhookCursor& cursor, std::string& error);

} // namespace volley::engine
