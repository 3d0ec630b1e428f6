// Helpers for end-to-end tests of the `siamese` program: run it, capture output and exit code, and make
// small synthetic IDX data sets (class-dependent images) so the tests need no installed data.
#pragma once

#include <string>

namespace siamese::testing {

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

// Runs `siamese <args>` (args are passed to the shell as written).
CommandResult run_siamese(const std::string& args);

// A fresh empty directory under the test temp dir.
std::string fresh_dir(const std::string& name);

// Writes train/test IDX files of 28x28 images of `classes` classes into `dir` (a bright blob whose
// position depends on the class, plus noise) and returns a [data] section naming them.
std::string make_toy_idx(const std::string& dir, int classes = 4, int train_per_class = 60, int test_per_class = 20);

std::string read_text(const std::string& path);
void write_text(const std::string& path, const std::string& text);

}  // namespace siamese::testing
