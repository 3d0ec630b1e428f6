// Findings of fuzz/checkpoint_fuzz.cpp, kept as regression tests. The target's structured inputs are a few
// bytes that drive a generator (fuzz/checkpoint_fuzz.cpp: byte 0 = mode, byte 1 = source model, ...); each
// test rebuilds the same file with the library's own writers and models of the same recipes, and the
// fuzzer's input is quoted in its comment.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "siamese/core/error.h"
#include "siamese/core/fs.h"
#include "siamese/train/optimizer.h"
#include "siamese/train/recipe.h"
#include "siamese/train/run.h"
#include "siamese/train/checkpoint.h"

namespace siamese {
namespace {

// Models 0 and 2 of the fuzz target.
const char* const kMlp6 =
    "[model]\nname = \"mlp\"\nhidden = \"6\"\nembedding_dim = 3\n[loss]\nname = \"contrastive\"\n"
    "[optimizer]\ntype = \"sgd\"\n";
const char* const kMlp54DeepId2 =
    "[model]\nname = \"mlp\"\nhidden = \"5,4\"\nembedding_dim = 4\n[loss]\nname = \"deepid2\"\n"
    "[optimizer]\ntype = \"adam\"\n";

struct Built {
  Model model;
  std::unique_ptr<Optimizer> opt;
};

Built build(const char* recipe) {
  DataSplits d;
  d.train.x = torch::zeros({6, 1, 3, 3});
  d.train.y = torch::tensor({0, 1, 2, 0, 1, 2}, torch::kLong);
  d.train.class_names = {"a", "b", "c"};
  Config cfg = load_recipe_string(recipe, "fuzz_model.toml");
  Built b{build_model(cfg, d), nullptr};
  const auto& op = cfg.params("optimizer");
  b.opt = std::make_unique<Optimizer>(
      std::vector<ParamGroup>{{b.model.trainable_weights(), 1.0, 1.0}, {b.model.trainable_biases(), 2.0, 1.0}}, op);
  return b;
}

std::string temp(const std::string& name) {
  return (std::filesystem::path(::testing::TempDir()) / ("siamese_ckpt_fuzz_" + name)).string();
}

template <class F>
std::string data_error(F f) {
  try {
    f();
  } catch (const DataError& e) {
    return e.what();
  }
  return "no DataError";
}

// crash-0cf169a9, input 01 02 00 00: save_weights of model 2 (hidden 5,4) loaded into model 0 (hidden 6).
// LibTorch's Module::load adopts a stored tensor of any shape, so the load "succeeded" with a [5, 9] first
// layer in a model built for [6, 9], and failed later, far from the cause.
TEST(CheckpointFuzzRegression, WeightsOfAnotherArchitectureNameTheTensorAndBothShapes) {
  const std::string path = temp("other_arch.pt");
  save_weights(build(kMlp54DeepId2).model, path);
  Built into = build(kMlp6);
  std::string e = data_error([&] { load_weights(into.model, path); });
  EXPECT_NE(e.find(path), std::string::npos) << e;
  EXPECT_NE(e.find("branch.layers.0.weight"), std::string::npos) << e;
  EXPECT_NE(e.find("[5, 9]"), std::string::npos) << e;
  EXPECT_NE(e.find("[6, 9]"), std::string::npos) << e;
  // The same architecture loads (into a fresh model: after a DataError the model is not to be used).
  save_weights(build(kMlp6).model, path);
  Built fresh = build(kMlp6);
  EXPECT_NO_THROW(load_weights(fresh.model, path));
}

// crash-c2a09db9 (second run, after the shape check), input 09 74 32 5b 51 4c 74: model 2 with one tensor
// saved in half precision (and one as a scalar), loaded into model 2. Tensor::set_ kept the float dtype of
// the parameter on the file's half-size storage; the next forward read past it (LibTorch caught it in
// setStorage). The element type of every stored tensor is now checked with its shape, before loading.
TEST(CheckpointFuzzRegression, TensorOfAnotherElementTypeIsADataError) {
  const std::string path = temp("half_bias.pt");
  Built src = build(kMlp54DeepId2);
  for (auto& kv : src.model.branch->named_parameters())
    if (kv.key() == "layers.0.bias") kv.value().set_data(kv.value().detach().to(torch::kHalf));
  save_weights(src.model, path);
  Built into = build(kMlp54DeepId2);
  std::string e = data_error([&] { load_weights(into.model, path); });
  EXPECT_NE(e.find("'branch.layers.0.bias' is Half in the file but the model needs Float"), std::string::npos) << e;
}

// crash-99b1fe3f, input 0b 02 00 01 ff x 8 ...: save_checkpoint with iteration -1, load_checkpoint returned -1.
TEST(CheckpointFuzzRegression, NegativeIterationIsADataError) {
  const std::string path = temp("negative_iteration.pt");
  Built b = build(kMlp54DeepId2);
  save_checkpoint(b.model, *b.opt, -1, path);
  Built into = build(kMlp54DeepId2);
  EXPECT_NE(data_error([&] { load_checkpoint(into.model, *into.opt, path); }).find("iteration is -1"), std::string::npos);
  save_checkpoint(b.model, *b.opt, 12, path);
  EXPECT_EQ(load_checkpoint(into.model, *into.opt, path), 12);
}

// Found while reading load_checkpoint for the fuzz target: a negative "count" sized a std::vector and
// escaped as std::length_error; a huge one as std::bad_alloc.
TEST(CheckpointFuzzRegression, OptimizerStateCountMustMatch) {
  const std::string path = temp("bad_count.pt");
  Built b = build(kMlp6);
  for (int64_t count : {int64_t{-1}, int64_t{1} << 40, int64_t{0}}) {
    torch::serialize::OutputArchive root, optim;
    write_weights(b.model, root);
    optim.write("count", torch::tensor(count));
    root.write("optimizer", optim);
    root.write("iteration", torch::tensor(int64_t{3}));
    std::ostringstream os;
    root.save_to(os);
    write_file_atomic(path, os.str());
    Built into = build(kMlp6);
    std::string e = data_error([&] { load_checkpoint(into.model, *into.opt, path); });
    EXPECT_NE(e.find("optimizer state has " + std::to_string(count) + " tensors"), std::string::npos) << e;
  }
}

// crash-c1ad6be1 (a 15,875-byte checkpoint.pt): the newline after "class Module(Module):" in the archive's
// TorchScript source replaced by 0xFF. TorchScript's parser throws torch::jit::ErrorReport, a std::exception
// but not a c10::Error, so it escaped load_weights / load_checkpoint. Same damage, applied to a fresh file:
TEST(CheckpointFuzzRegression, DamagedTorchScriptSourceInTheArchiveIsADataError) {
  const std::string good = temp("good.pt"), bad = temp("damaged.pt");
  Built b = build(kMlp6);
  save_checkpoint(b.model, *b.opt, 5, good);
  std::string bytes = read_file(good);
  const std::string marker = "class Module(Module):\n";
  const size_t at = bytes.find(marker);
  ASSERT_NE(at, std::string::npos);
  bytes[at + marker.size() - 1] = '\xff';
  std::ofstream(bad, std::ios::binary) << bytes;
  Built into = build(kMlp6);
  std::string e = data_error([&] { load_weights(into.model, bad); });
  EXPECT_NE(e.find("cannot load weights"), std::string::npos) << e;
  EXPECT_NE(e.find("valid token"), std::string::npos) << e;  // the first line of the parser's report
  e = data_error([&] { load_checkpoint(into.model, *into.opt, bad); });
  EXPECT_NE(e.find(bad), std::string::npos) << e;
}

}  // namespace
}  // namespace siamese
