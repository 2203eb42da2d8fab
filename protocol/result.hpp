// Result<T>: a value or an Error (code + human message). Used on every parse/validation path and for
// spool answers. Never throws on the error path; value() on an error is a programmer bug (asserts).
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace volley {

// Machine-readable error codes shared by protocol/, queue/ and the control API (engine maps them to HTTP).
namespace error_code {
inline constexpr const char* bad_json = "bad_json";                // 400: not parseable, message names line/column
inline constexpr const char* invalid_request = "invalid_request";  // 400: parseable but a field is wrong
inline constexpr const char* invalid_address = "invalid_address";  // 400 / per-recipient rejection
inline constexpr const char* too_large = "too_large";              // 413
inline constexpr const char* not_found = "not_found";              // 404
inline constexpr const char* conflict = "conflict";                // 409
inline constexpr const char* unauthorized = "unauthorized";        // 401
inline constexpr const char* spool_full = "spool_full";            // 507: map at its configured maximum
inline constexpr const char* disk_full = "disk_full";              // 507: ENOSPC/EFBIG/EDQUOT on commit
inline constexpr const char* unavailable = "unavailable";          // 503: overloaded or shutting down
inline constexpr const char* internal = "internal";                // 500: unexpected storage/IO error
}  // namespace error_code

struct Error {
  std::string code;     // one of error_code::*
  std::string message;  // what was wrong, where, and what to do
};

struct Unit {};

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}
  Result(Error error) : state_(std::in_place_index<1>, std::move(error)) {}

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & {
    assert(ok());
    return std::get<0>(state_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<0>(state_);
  }
  T&& value() && {
    assert(ok());
    return std::get<0>(std::move(state_));
  }
  const Error& error() const {
    assert(!ok());
    return std::get<1>(state_);
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Error> state_;
};

inline Error make_error(const char* code, std::string message) { return Error{code, std::move(message)}; }

}  // namespace volley
