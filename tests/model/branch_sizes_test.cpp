// Widths that cannot be allocated are recipe errors naming the key, raised before the allocation is tried;
// list-valued widths are parsed strictly ("32x", "1e3", "32,,16" are errors).
#include <gtest/gtest.h>

#include "siamese/core/error.h"
#include "siamese/core/memory.h"
#include "siamese/model/lenet.h"
#include "siamese/model/mlp.h"

namespace siamese {
namespace {

std::string branch_error(const std::string& name, const std::map<std::string, Value>& params,
                         const std::vector<int64_t>& shape) {
  try {
    branch_registry().create_with(name, params, shape);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(BranchSizes, MlpHiddenListIsParsedStrictly) {
  for (const char* bad : {"32x", "1e3", "32,,16", "0", "-4"}) {
    std::string e = branch_error("mlp", {{"hidden", std::string(bad)}}, {8});
    EXPECT_EQ(e.rfind("model.hidden = \"" + std::string(bad) + "\": item ", 0), 0u) << bad << ": " << e;
  }
  auto ok = branch_registry().create_with("mlp", {{"hidden", std::string("6, 5")}, {"embedding_dim", int64_t{3}}}, {8});
  EXPECT_EQ(ok->forward(torch::rand({2, 8})).sizes(), (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(ok->parameters().size(), 6u);  // three Linear layers
}

TEST(BranchSizes, WidthsBeyondMemoryNameTheKeyBeforeAllocating) {
  // Each of these would ask for terabytes; the check answers at once instead of trying.
  std::string e = branch_error("mlp", {{"hidden", std::string("100000000000")}}, {784});
  EXPECT_EQ(e.rfind("model.hidden = \"100000000000\": needs ", 0), 0u) << e;
  EXPECT_NE(e.find("more than this machine's"), std::string::npos) << e;
  e = branch_error("mlp", {{"hidden", std::string("16")}, {"embedding_dim", int64_t{1} << 50}}, {784});
  EXPECT_EQ(e.rfind("model.embedding_dim = 1125899906842624: needs ", 0), 0u) << e;
  e = branch_error("mlp", {{"hidden", std::string("9223372036854775807,9223372036854775807")}}, {4});  // no overflow
  EXPECT_EQ(e.rfind("model.hidden = ", 0), 0u) << e;
  e = branch_error("lenet", {{"hidden", int64_t{1} << 40}}, {1, 28, 28});
  EXPECT_EQ(e.rfind("model.conv2 = 50, model.hidden = 1099511627776: needs ", 0), 0u) << e;
  e = branch_error("lenet", {{"embedding_dim", int64_t{1} << 42}}, {1, 28, 28});
  EXPECT_EQ(e.rfind("model.ip2 = 10, model.embedding_dim = 4398046511104: needs ", 0), 0u) << e;
  // The estimate: 16 bytes per parameter. A net of about half the machine's memory passes.
  const double memory = static_cast<double>(physical_memory_bytes());
  const int64_t width = static_cast<int64_t>(memory / 2 / 16 / 101);  // (100 + 1) * width parameters
  EXPECT_NO_THROW(check_mlp_size(100, {}, width));
  EXPECT_THROW(check_mlp_size(100, {}, 2 * width + 2 * width / 10), ConfigError);
}

}  // namespace
}  // namespace siamese
