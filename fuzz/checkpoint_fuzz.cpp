// libFuzzer target: weights and checkpoint loading (load_weights in src/siamese/train/run.*, load_checkpoint
// in src/siamese/train/trainer.*), i.e. model.pt as `eval` / `embed` / `plot` read it and checkpoint.pt as
// `train --resume` reads it.
//
// Three small models (MLP + contrastive + SGD; MLP + learned weighted_l1 distance + Adam; MLP + DeepID2's
// classifier head + Adam) give files of the real format. Input byte 0: bit 0 raw/structured, bit 1
// load_weights/load_checkpoint, bits 2-3 the model loaded into.
//  - raw: the remaining bytes are the file (mutations of the seeds reach LibTorch's zip/pickle reader);
//  - structured: the remaining bytes drive a generator that builds a model (byte 1), alters some of its
//    tensors (shape, dtype, non-finite values, empty) and saves it through the library (save_weights,
//    save_checkpoint, or write_weights plus an "optimizer" / "iteration" entry of fuzzed content), so the
//    library's own checks (architecture, optimizer state, iteration) are what gets exercised.
// Oracle (fuzz_common.h): success or a documented siamese error; after a successful load every tensor of
// the model keeps the shape and dtype it was built with (weights of another architecture must be refused,
// not adopted), a forward pass works, and a checkpoint's iteration is >= 0.
//
// SIAMESE_FUZZ_WRITE_SEEDS=DIR makes the target write its seed corpus (valid model.pt / checkpoint.pt files
// of every model, and generator inputs) into DIR and exit; `./run fuzz` does this before the first run.
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

#include "fuzz_common.h"
#include "siamese/core/fs.h"
#include "siamese/train/optimizer.h"
#include "siamese/train/recipe.h"
#include "siamese/train/run.h"
#include "siamese/train/checkpoint.h"

using namespace siamese;

namespace {

const char* const kRecipes[] = {
    "[model]\nname = \"mlp\"\nhidden = \"6\"\nembedding_dim = 3\n[loss]\nname = \"contrastive\"\n"
    "[optimizer]\ntype = \"sgd\"\n",
    "[model]\nname = \"mlp\"\nhidden = \"\"\nembedding_dim = 2\n[distance]\nname = \"weighted_l1\"\n"
    "[loss]\nname = \"contrastive\"\n[optimizer]\ntype = \"adam\"\n",
    "[model]\nname = \"mlp\"\nhidden = \"5,4\"\nembedding_dim = 4\n[loss]\nname = \"deepid2\"\n"
    "[optimizer]\ntype = \"adam\"\n"};
constexpr int kModels = 3;

const DataSplits& tiny_data() {
  static const DataSplits d = [] {
    DataSplits s;
    s.name = "fuzz";
    s.train.x = torch::rand({6, 1, 3, 3});
    s.train.y = torch::tensor({0, 1, 2, 0, 1, 2}, torch::kLong);
    s.train.class_names = {"a", "b", "c"};
    s.val = s.test = s.train;
    return s;
  }();
  return d;
}

struct Built {
  Config cfg;
  Model model;
  std::unique_ptr<Optimizer> opt;
};

Built build(int which) {
  Built b{load_recipe_string(kRecipes[which], "fuzz_model.toml"), {}, nullptr};
  b.model = build_model(b.cfg, tiny_data());
  const auto& op = b.cfg.params("optimizer");
  std::vector<ParamGroup> groups = {{b.model.trainable_weights(), 1.0, 1.0},
                                    {b.model.trainable_biases(), op.f("bias_lr_mult"), op.f("bias_decay_mult")}};
  b.opt = std::make_unique<Optimizer>(groups, op);
  return b;
}

std::vector<std::pair<std::string, torch::Tensor>> named_tensors(const Model& m) {
  std::vector<std::pair<std::string, torch::Tensor>> out;
  auto add = [&](const std::string& prefix, const torch::nn::Module* mod) {
    if (!mod) return;
    for (const auto& kv : mod->named_parameters()) out.push_back({prefix + kv.key(), kv.value()});
    for (const auto& kv : mod->named_buffers()) out.push_back({prefix + kv.key(), kv.value()});
  };
  add("branch.", m.branch.get());
  add("loss.", m.loss.get());
  add("distance.", m.distance.get());
  return out;
}

// Fuzz bytes as a stream (zeros when exhausted).
struct Bytes {
  const uint8_t* p;
  size_t n;
  uint8_t u8() { return n ? (--n, *p++) : 0; }
  int64_t i64() {
    uint64_t v = 0;
    for (int k = 0; k < 8; ++k) v = (v << 8) | u8();
    return static_cast<int64_t>(v);
  }
  std::vector<int64_t> shape() {
    std::vector<int64_t> s(u8() % 4);
    for (auto& d : s) d = u8() % 5;
    return s;
  }
  torch::ScalarType dtype() {
    static const torch::ScalarType types[] = {torch::kFloat32, torch::kFloat64, torch::kLong, torch::kUInt8,
                                              torch::kFloat16, torch::kBool};
    return types[u8() % 6];
  }
};

torch::Tensor fuzzed_tensor(Bytes& in, int64_t value) {
  auto shape = in.shape();
  auto t = torch::full(shape, static_cast<double>(value), torch::kFloat64);
  return t.to(in.dtype());
}

// Builds a weights / checkpoint file at `path` from the fuzz bytes.
void generate(Bytes in, const std::string& path) {
  Built src = build(in.u8() % kModels);
  auto tensors = named_tensors(src.model);
  torch::NoGradGuard no_grad;
  for (int k = in.u8() % 4; k > 0; --k) {
    torch::Tensor& t = tensors[in.u8() % tensors.size()].second;
    switch (in.u8() % 4) {
      case 0: t.set_data(torch::zeros(in.shape(), t.options())); break;
      case 1: t.set_data(t.to(in.dtype())); break;
      case 2: t.set_data(torch::full_like(t, in.u8() & 1 ? std::numeric_limits<double>::quiet_NaN()
                                                         : std::numeric_limits<double>::infinity())); break;
      default: t.set_data(torch::empty({0}, t.options())); break;
    }
  }
  const int how = in.u8() % 3;
  if (how == 0) return save_weights(src.model, path);
  if (how == 1) return save_checkpoint(src.model, *src.opt, in.i64(), path);
  torch::serialize::OutputArchive root, optim;
  write_weights(src.model, root);
  const uint8_t flags = in.u8();
  const int64_t count = (flags & 1) ? in.i64() : static_cast<int64_t>(in.u8() % 8);
  optim.write("count", fuzzed_tensor(in, count));
  for (int k = 0, n = in.u8() % 8; k < n; ++k) optim.write(std::to_string(k), fuzzed_tensor(in, in.u8()));
  if (!(flags & 2)) root.write("optimizer", optim);
  if (!(flags & 4)) root.write("iteration", fuzzed_tensor(in, in.i64()));
  std::ostringstream os;
  root.save_to(os);
  write_file_atomic(path, os.str());
}

void check_loaded(const Built& fresh, const Built& loaded, bool checkpoint, int64_t iteration) {
  auto before = named_tensors(fresh.model), after = named_tensors(loaded.model);
  if (before.size() != after.size()) fuzz::finding("contract", "the model's tensor list changed on load");
  for (size_t k = 0; k < before.size(); ++k) {
    const auto& [name, a] = before[k];
    const auto& b = after[k].second;
    if (a.sizes() != b.sizes() || a.scalar_type() != b.scalar_type())
      fuzz::finding("contract", siamese::str("a load accepted ", name, " of shape ", b.sizes(), " ", b.scalar_type(),
                                    " for a model whose ", name, " is ", a.sizes(), " ", a.scalar_type()));
  }
  if (checkpoint && iteration < 0) fuzz::finding("contract", siamese::str("load_checkpoint returned iteration ", iteration));
  torch::NoGradGuard no_grad;
  auto emb = loaded.model.branch->forward(tiny_data().train.x);
  if (emb.dim() != 2 || emb.size(0) != tiny_data().train.x.size(0))
    fuzz::finding("contract", "forward after load gives the wrong shape");
}

void write_seeds(const std::string& dir) {
  std::filesystem::create_directories(dir);
  auto put = [&](const std::string& name, const std::string& bytes) { std::ofstream(dir + "/" + name, std::ios::binary) << bytes; };
  for (int m = 0; m < kModels; ++m) {
    Built b = build(m);
    const std::string w = fuzz::scratch_path("seed_w"), c = fuzz::scratch_path("seed_c");
    save_weights(b.model, w);
    save_checkpoint(b.model, *b.opt, 7, c);
    for (int target = 0; target < kModels; ++target) {
      // raw: mode byte (bit 0 = 0), then the file.
      put(siamese::str("raw_weights_", m, "_into_", target), std::string(1, char(target << 2)) + read_file(w));
      put(siamese::str("raw_ckpt_", m, "_into_", target), std::string(1, char(2 | (target << 2))) + read_file(c));
      // structured: mode byte (bit 0 = 1), source model, no mutation, then save_weights / save_checkpoint.
      put(siamese::str("gen_weights_", m, "_into_", target), std::string{char(1 | (target << 2)), char(m), 0, 0});
      std::string g{char(3 | (target << 2)), char(m), 0, 1};
      g += std::string(7, '\0') + '\x07';  // iteration 7
      put(siamese::str("gen_ckpt_", m, "_into_", target), g);
    }
    std::filesystem::remove(w);
    std::filesystem::remove(c);
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  torch::set_num_threads(1);
  if (const char* dir = std::getenv("SIAMESE_FUZZ_WRITE_SEEDS")) {
    write_seeds(dir);
    std::exit(0);
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const uint8_t mode = data[0];
  const bool structured = mode & 1, checkpoint = mode & 2;
  const int target = ((mode >> 2) & 3) % kModels;
  const std::string path = fuzz::scratch_path(checkpoint ? "checkpoint.pt" : "model.pt");
  std::filesystem::remove(path);
  if (structured) {
    // The generator only saves; an altered tensor LibTorch refuses to save is not a finding of the loader.
    try {
      generate(Bytes{data + 1, size - 1}, path);
    } catch (const c10::Error&) {
      return 0;
    }
  } else {
    fuzz::write_bytes(path, data + 1, size - 1);
  }
  const Built fresh = build(target);
  Built into = build(target);
  fuzz::expect_documented_errors([&] {
    int64_t iteration = 0;
    if (checkpoint) {
      iteration = load_checkpoint(into.model, *into.opt, path);
    } else {
      load_weights(into.model, path);
    }
    check_loaded(fresh, into, checkpoint, iteration);
  });
  return 0;
}
