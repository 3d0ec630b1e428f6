// Shared helpers of the libFuzzer targets (fuzz/*_fuzz.cpp, built with -DSIAMESE_FUZZ=ON, run by `./run fuzz`).
//
// Contract checked by every target: on any input the library either succeeds or throws one of its
// documented errors (siamese::ConfigError / DataError / RuntimeFailure). Everything else is a finding and
// aborts the process so libFuzzer records the input: a crash or sanitizer report, an InternalError (a
// SIAMESE_ASSERT, i.e. a bug by the library's own definition), a c10::Error or any other std::exception
// escaping the library, or a hang (libFuzzer's -timeout).
#pragma once

#include <c10/util/Exception.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "siamese/core/error.h"

namespace siamese::fuzz {

// Prints `what` and aborts: libFuzzer saves the input as crash-<sha1>.
[[noreturn]] inline void finding(const std::string& kind, const std::string& what) {
  std::fprintf(stderr, "\n==FINDING== %s: %.2000s\n", kind.c_str(), what.c_str());
  std::fflush(stderr);
  std::abort();
}

// Runs f, accepting the library's documented errors as expected outcomes.
template <class F>
void expect_documented_errors(F&& f) {
  try {
    f();
  } catch (const InternalError& e) {
    finding("InternalError (SIAMESE_ASSERT)", e.what());
  } catch (const Error&) {
    // ConfigError, DataError, RuntimeFailure: the documented answer to bad input.
  } catch (const c10::Error& e) {
    finding("c10::Error escaped the library", e.what_without_backtrace());
  } catch (const std::exception& e) {
    finding("foreign std::exception escaped the library", e.what());
  } catch (...) {
    finding("non-std exception escaped the library", "?");
  }
}

// A file private to this process (in /dev/shm when present, so the disk is not worn out).
// (`./run fuzz` removes them when the campaign ends.)
inline std::string scratch_path(const std::string& suffix) {
  static const std::string dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
  return dir + "/siamese_fuzz_" + std::to_string(getpid()) + "_" + suffix;
}

inline void write_bytes(const std::string& path, const uint8_t* data, size_t size) {
  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) finding("harness", "cannot write " + path);
  if (size > 0 && std::fwrite(data, 1, size, f) != size) finding("harness", "short write to " + path);
  std::fclose(f);
}

}  // namespace siamese::fuzz
