#include "cli/cli_helpers.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <torch/torch.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "paths.h"
#include "siamese/data/idx.h"

namespace siamese::testing {

CommandResult run_siamese(const std::string& args) {
  std::string cmd = siamese::test::binary_path() + " " + args + " 2>&1 < /dev/null";
  CommandResult r;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) return r;
  std::array<char, 4096> buf{};
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) r.output.append(buf.data(), n);
  int status = ::pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

std::string fresh_dir(const std::string& name) {
  auto d = std::filesystem::path(::testing::TempDir()) / ("siamese_cli_" + name);
  std::filesystem::remove_all(d);
  std::filesystem::create_directories(d);
  return d.string();
}

std::string make_toy_idx(const std::string& dir, int classes, int train_per_class, int test_per_class) {
  auto gen = at::detail::createCPUGenerator(123);
  auto make = [&](int per, const std::string& prefix) {
    const int64_t n = static_cast<int64_t>(classes) * per;
    auto x = at::normal(30.0, 20.0, {n, 28, 28}, gen);
    auto y = torch::arange(classes).repeat_interleave(per);
    for (int64_t k = 0; k < n; ++k) {
      const int64_t c = y[k].item<int64_t>();
      const int64_t r0 = 4 + 5 * (c % 4), c0 = 4 + 5 * ((c / 4) % 4);
      x[k].slice(0, r0, r0 + 8).slice(1, c0, c0 + 8) += 180.0;
    }
    write_idx_images(dir + "/" + prefix + "-images", x.clamp(0, 255).to(torch::kUInt8));
    write_idx_labels(dir + "/" + prefix + "-labels", y.to(torch::kUInt8));
  };
  make(train_per_class, "train");
  make(test_per_class, "test");
  std::ostringstream s;
  s << "[data]\nname = \"idx\"\n"
    << "train_images = \"" << dir << "/train-images\"\ntrain_labels = \"" << dir << "/train-labels\"\n"
    << "test_images = \"" << dir << "/test-images\"\ntest_labels = \"" << dir << "/test-labels\"\n";
  return s.str();
}

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write_text(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

}  // namespace siamese::testing
