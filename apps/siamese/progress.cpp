#include "progress.h"

#include <unistd.h>

#include <cstdio>

namespace siamese {

Progress::Progress(int64_t total, std::string unit, int64_t every, bool quiet)
    : total_(total), every_(every), unit_(std::move(unit)), tty_(::isatty(STDERR_FILENO) != 0), quiet_(quiet) {
  start_ = last_draw_ = std::chrono::steady_clock::now();
}

std::string Progress::format_duration(double s) {
  char buf[32];
  if (s < 0 || s > 1e7) return "?";
  int h = static_cast<int>(s / 3600), m = static_cast<int>(s / 60) % 60, sec = static_cast<int>(s) % 60;
  if (h > 0)
    std::snprintf(buf, sizeof buf, "%dh%02dm", h, m);
  else
    std::snprintf(buf, sizeof buf, "%dm%02ds", m, sec);
  return buf;
}

void Progress::update(int64_t done, double loss, double rate) {
  if (quiet_) return;
  auto now = std::chrono::steady_clock::now();
  if (start_done_ < 0) {
    start_done_ = done;
    start_ = now;
  }
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const double per_it = done > start_done_ ? elapsed / static_cast<double>(done - start_done_) : 0;
  const double eta = per_it * static_cast<double>(total_ - done);
  if (tty_) {
    if (done != total_ && std::chrono::duration<double>(now - last_draw_).count() < 0.2) return;
    last_draw_ = now;
    const int width = 30;
    const int filled = static_cast<int>(width * static_cast<double>(done) / static_cast<double>(total_));
    std::string bar(filled, '=');
    if (filled < width) bar += '>' + std::string(width - filled - 1, ' ');
    std::fprintf(stderr, "\r[%s] %lld/%lld loss %.5f %.0f %s/s ETA %s   ", bar.c_str(),
                 static_cast<long long>(done), static_cast<long long>(total_), loss, rate, unit_.c_str(),
                 format_duration(eta).c_str());
    std::fflush(stderr);
  } else if (done % every_ == 0 || done == total_) {
    std::fprintf(stderr, "iter %lld/%lld loss %.5f %.0f %s/s ETA %s\n", static_cast<long long>(done),
                 static_cast<long long>(total_), loss, rate, unit_.c_str(), format_duration(eta).c_str());
  }
}

void Progress::finish() {
  if (tty_ && !quiet_) std::fprintf(stderr, "\n");
}

}  // namespace siamese
