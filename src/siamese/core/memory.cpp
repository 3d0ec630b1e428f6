#include "siamese/core/memory.h"

#include <unistd.h>

#include <cstdio>

#include "siamese/core/error.h"

namespace siamese {

uint64_t physical_memory_bytes() {
  const long pages = ::sysconf(_SC_PHYS_PAGES), page = ::sysconf(_SC_PAGESIZE);
  if (pages <= 0 || page <= 0) return 0;
  return static_cast<uint64_t>(pages) * static_cast<uint64_t>(page);
}

std::string format_bytes(double bytes) {
  const char* units[] = {"bytes", "KB", "MB", "GB", "TB", "PB", "EB"};
  size_t u = 0;
  while (bytes >= 1024.0 && u + 1 < sizeof units / sizeof units[0]) {
    bytes /= 1024.0;
    ++u;
  }
  char buf[64];
  if (u == 0) std::snprintf(buf, sizeof buf, "%.0f bytes", bytes);
  else std::snprintf(buf, sizeof buf, bytes < 10 ? "%.1f %s" : "%.0f %s", bytes, units[u]);
  return buf;
}

void check_fits_in_memory(double bytes, const std::string& what, const std::string& detail) {
  const uint64_t memory = physical_memory_bytes();
  if (memory == 0 || bytes <= static_cast<double>(memory)) return;
  throw ConfigError(str(what, ": needs ", format_bytes(bytes), " (", detail, "), more than this machine's ",
                        format_bytes(static_cast<double>(memory)), " of memory"));
}

}  // namespace siamese
