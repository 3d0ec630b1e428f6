// Sizes from a recipe checked against the machine before anything is allocated.
//
// A width or count that cannot fit is a recipe error (ConfigError, exit 2) naming the key, raised before
// the allocation is tried; an allocation that passes this check and still fails is an out-of-memory
// runtime failure (exit 1, mapped by the program). Sizes are computed in double so that products of huge
// widths cannot overflow.
#pragma once

#include <cstdint>
#include <string>

namespace siamese {

// Installed physical memory in bytes (0 when the system does not say).
uint64_t physical_memory_bytes();

// "1.5 GB", "320 MB", "12 KB", "512 bytes".
std::string format_bytes(double bytes);

// Throws ConfigError "<what>: needs <bytes> (<detail>), more than this machine's <memory>" when `bytes`
// exceeds the physical memory. `what` names the key(s) and value(s), e.g. "model.hidden = \"100000000\"".
void check_fits_in_memory(double bytes, const std::string& what, const std::string& detail);

}  // namespace siamese
