// Progress reporting for long loops: a one-line bar redrawn in place on a terminal (iteration, loss,
// throughput, ETA), plain lines every `every` iterations otherwise (logs, CI).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace siamese {

class Progress {
 public:
  Progress(int64_t total, std::string unit, int64_t every, bool quiet = false);
  // `done` iterations finished; `rate` in units per second.
  void update(int64_t done, double loss, double rate);
  void finish();
  static std::string format_duration(double seconds);

 private:
  int64_t total_, every_;
  std::string unit_;
  bool tty_, quiet_;
  std::chrono::steady_clock::time_point last_draw_;
  int64_t start_done_ = -1;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace siamese
