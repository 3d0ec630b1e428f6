// Typed exceptions for siamese. Library code throws these for anything a user can cause (bad input, bad
// config, bad data); the CLI maps each to a one-line message and an exit code. Internal invariants use
// SIAMESE_ASSERT, which throws InternalError (exit 70) rather than aborting.
#pragma once

#include <sstream>
#include <stdexcept>
#include <string>

namespace siamese {

// Exit codes of the `siamese` program.
enum class ExitCode : int {
  kOk = 0,
  kRuntime = 1,   // e.g. the loss became NaN at step N
  kUsage = 2,     // bad command line or recipe
  kData = 3,      // unreadable, truncated or inconsistent data / files
  kInternal = 70  // a bug
};

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& what) : std::runtime_error(what) {}
  virtual ExitCode exit_code() const { return ExitCode::kRuntime; }
};

// Bad command line, unknown component name, invalid recipe key / type / range.
class ConfigError : public Error {
 public:
  using Error::Error;
  ExitCode exit_code() const override { return ExitCode::kUsage; }
};

// Unreadable, truncated, malformed or inconsistent data or file.
class DataError : public Error {
 public:
  using Error::Error;
  ExitCode exit_code() const override { return ExitCode::kData; }
};

// A run that cannot go on (non-finite loss, diverged solver, ...).
class RuntimeFailure : public Error {
 public:
  using Error::Error;
  ExitCode exit_code() const override { return ExitCode::kRuntime; }
};

// Broken invariant: a bug in siamese, not the user's fault.
class InternalError : public Error {
 public:
  using Error::Error;
  ExitCode exit_code() const override { return ExitCode::kInternal; }
};

namespace detail {
inline void append(std::ostringstream&) {}
template <class T, class... Rest>
void append(std::ostringstream& os, const T& first, const Rest&... rest) {
  os << first;
  append(os, rest...);
}
}  // namespace detail

// Concatenates its arguments with operator<<.
template <class... Args>
std::string str(const Args&... args) {
  std::ostringstream os;
  detail::append(os, args...);
  return os.str();
}

}  // namespace siamese

// User-facing check, always on: throws ErrorType(message) when cond is false.
#define SIAMESE_CHECK(cond, ErrorType, ...)            \
  do {                                                 \
    if (!(cond)) throw ErrorType(::siamese::str(__VA_ARGS__)); \
  } while (0)

// Internal invariant, always on: throws InternalError naming the file and line.
#define SIAMESE_ASSERT(cond, ...)                                                          \
  do {                                                                                     \
    if (!(cond))                                                                           \
      throw ::siamese::InternalError(::siamese::str("internal error at ", __FILE__, ":", \
                                                    __LINE__, ": ", #cond, " ", ##__VA_ARGS__)); \
  } while (0)
