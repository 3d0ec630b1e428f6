#include "siamese/data/gzip.h"

#include <zlib.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "siamese/core/error.h"

namespace siamese {

std::string read_maybe_gzip(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) throw DataError(str(path, ": is a directory, not a data file"));
  errno = 0;
  gzFile f = gzopen(path.c_str(), "rb");
  if (!f) throw DataError(str(path, ": cannot open (", errno ? std::strerror(errno) : "out of memory", ")"));
  std::string out;
  char buf[1 << 16];
  int got = 0;
  while ((got = gzread(f, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(got));
  int err = Z_OK;
  const char* msg = gzerror(f, &err);
  std::string detail = msg ? msg : "";
  if (detail.rfind(path + ": ", 0) == 0) detail.erase(0, path.size() + 2);  // zlib prefixes the path
  const int sys = errno;
  gzclose(f);
  if (err == Z_ERRNO) throw DataError(str(path, ": cannot read (", std::strerror(sys), ")"));
  if (err == Z_BUF_ERROR) throw DataError(str(path, ": truncated gzip stream (", detail, ")"));
  if (got < 0 || err != Z_OK) throw DataError(str(path, ": corrupt gzip stream (", detail, ")"));
  return out;
}

}  // namespace siamese
