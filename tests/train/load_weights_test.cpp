// load_weights refuses weights of another architecture (width, depth, input size) naming the tensor and
// both shapes, before copying anything; apply_run_settings returns its warnings instead of printing them.
#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include "siamese/core/error.h"
#include "siamese/train/recipe.h"
#include "siamese/train/run.h"

namespace siamese {
namespace {

struct Built {
  Config cfg;
  DataSplits data;
  Model model;
};

Built build(const std::string& model_section, int64_t dim = 6) {
  Built b;
  b.cfg = load_recipe_string("[data]\nname = \"blobs\"\nnum_classes = 3\nper_class = 10\ntest_per_class = 4\ndim = " +
                                 std::to_string(dim) + "\n[model]\n" + model_section,
                             "w.toml");
  const auto& d = b.cfg.section("data");
  b.data = load_data(d.component, d.params, 1);
  b.model = build_model(b.cfg, b.data);
  return b;
}

std::string load_error(Model& m, const std::string& path) {
  try {
    load_weights(m, path);
  } catch (const DataError& e) {
    return e.what();
  }
  return "";
}

TEST(LoadWeights, SameArchitectureRoundTrips) {
  const std::string path = ::testing::TempDir() + "/siamese_weights_same.pt";
  Built a = build("name = \"mlp\"\nhidden = \"5\"\nembedding_dim = 2\n");
  save_weights(a.model, path);
  Built b = build("name = \"mlp\"\nhidden = \"5\"\nembedding_dim = 2\n");
  b.model.branch->parameters()[0].data().fill_(7);
  EXPECT_EQ(load_error(b.model, path), "");
  auto x = torch::rand({4, 6});
  EXPECT_TRUE(torch::equal(a.model.branch->forward(x), b.model.branch->forward(x)));
}

TEST(LoadWeights, AnotherArchitectureNamesTheTensorAndBothShapes) {
  const std::string path = ::testing::TempDir() + "/siamese_weights_other.pt";
  save_weights(build("name = \"mlp\"\nhidden = \"5\"\nembedding_dim = 2\n").model, path);

  Built wider = build("name = \"mlp\"\nhidden = \"8\"\nembedding_dim = 2\n");
  const auto before = wider.model.branch->parameters()[0].clone();
  std::string e = load_error(wider.model, path);
  EXPECT_EQ(e, path + ": tensor 'branch.layers.0.weight' has shape [5, 6] in the file but the model needs [8, 6] "
                      "(weights of another architecture: another width, depth or input size?)");
  EXPECT_TRUE(torch::equal(before, wider.model.branch->parameters()[0]));  // nothing was copied

  Built deeper = build("name = \"mlp\"\nhidden = \"5,2\"\nembedding_dim = 2\n");
  e = load_error(deeper.model, path);
  EXPECT_EQ(e, path + ": no layer 'branch.layers.2' (weights of another architecture?)");

  Built shallower = build("name = \"mlp\"\nhidden = \"\"\nembedding_dim = 2\n");
  e = load_error(shallower.model, path);
  EXPECT_NE(e.find("'branch.layers.0.weight' has shape [5, 6] in the file but the model needs [2, 6]"), std::string::npos) << e;

  Built other_input = build("name = \"mlp\"\nhidden = \"5\"\nembedding_dim = 2\n", 9);
  e = load_error(other_input.model, path);
  EXPECT_NE(e.find("[5, 6] in the file but the model needs [5, 9]"), std::string::npos) << e;
}

TEST(LoadWeights, ExtraLayersInTheFileAreRefused) {
  // Same shapes for every tensor the smaller model has: only the extra layer tells them apart.
  const std::string path = ::testing::TempDir() + "/siamese_weights_extra.pt";
  save_weights(build("name = \"mlp\"\nhidden = \"2,2\"\nembedding_dim = 2\n").model, path);
  Built smaller = build("name = \"mlp\"\nhidden = \"2\"\nembedding_dim = 2\n");
  std::string e = load_error(smaller.model, path);
  EXPECT_EQ(e, path + ": holds 'branch.layers.2', which the model of this run does not have (weights of another "
                      "architecture: another depth?)");
}

TEST(RunSettings, MoreThreadsThanCoresIsAReturnedWarning) {
  const unsigned cores = std::thread::hardware_concurrency();
  ASSERT_GT(cores, 0u);
  const int before = at::get_num_threads();
  Config c = load_recipe_string("[run]\nthreads = " + std::to_string(cores + 3) + "\nparallelism = \"data\"\n", "t.toml");
  auto w = apply_run_settings(c);
  ASSERT_EQ(w.size(), 1u);
  EXPECT_EQ(w[0], "run.threads = " + std::to_string(cores + 3) + " is more than the " + std::to_string(cores) +
                      " cores of this machine; the extra threads share cores and slow each step down");
  Config fine = load_recipe_string("[run]\nthreads = 1\n", "t.toml");
  EXPECT_TRUE(apply_run_settings(fine).empty());
  at::set_num_threads(before);
}

}  // namespace
}  // namespace siamese
