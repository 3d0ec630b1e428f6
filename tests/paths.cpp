#include "paths.h"

namespace siamese::test {

const std::string& binary_path() {
  static const std::string p = SIAMESE_BINARY;
  return p;
}

const std::string& source_dir() {
  static const std::string p = SIAMESE_SOURCE_DIR;
  return p;
}

}  // namespace siamese::test
