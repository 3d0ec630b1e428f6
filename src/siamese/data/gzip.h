// The one reader of data files that may be gzip-compressed (IDX images/labels, CSV tables).
//
// zlib's gzread passes plain files through unchanged, so "train-images-idx3-ubyte" and
// "train-images-idx3-ubyte.gz" read alike. Ensures: the whole decompressed content, or a DataError naming
// the file: cannot open (with the system's reason), not a regular file (a directory), a corrupt stream, and
// a truncated one (zlib's "unexpected end of file": gzread then returns the bytes it had without an error
// code, so the stream state is checked after the last read, not only gzread's result).
#pragma once

#include <string>

namespace siamese {

std::string read_maybe_gzip(const std::string& path);

}  // namespace siamese
