// Small file-system helpers: atomic writes (temp file in the same folder, fsync, rename), so a crash never
// leaves a half-written checkpoint, report or cache file behind.
#pragma once

#include <string>

namespace siamese {

void write_file_atomic(const std::string& path, const std::string& contents);  // throws DataError
std::string read_file(const std::string& path);                                // throws DataError
void make_dirs(const std::string& path);                                       // throws DataError
bool file_exists(const std::string& path);

}  // namespace siamese
