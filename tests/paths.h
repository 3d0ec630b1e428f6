// Where the tests find the program under test and the source tree (set by CMake on tests/paths.cpp only,
// so no other test object depends on the checkout's path).
#pragma once

#include <string>

namespace siamese::test {

const std::string& binary_path();  // the built `siamese` program
const std::string& source_dir();   // the repository root

}  // namespace siamese::test
