#include "siamese/train/checkpoint.h"

#include <sstream>

#include "siamese/core/error.h"
#include "siamese/core/fs.h"

namespace siamese {

void save_checkpoint(const Model& m, const Optimizer& opt, int64_t iteration, const std::string& path) {
  torch::serialize::OutputArchive root, optim;
  write_weights(m, root);
  auto state = opt.state();
  for (size_t k = 0; k < state.size(); ++k) optim.write(std::to_string(k), state[k]);
  optim.write("count", torch::tensor(static_cast<int64_t>(state.size())));
  root.write("optimizer", optim);
  root.write("iteration", torch::tensor(iteration));
  std::ostringstream os;
  root.save_to(os);
  write_file_atomic(path, os.str());
}

int64_t load_checkpoint(Model& m, Optimizer& opt, const std::string& path) {
  load_weights(m, path);
  try {
    torch::serialize::InputArchive root, optim;
    root.load_from(path);
    root.read("optimizer", optim);
    torch::Tensor count, it;
    optim.read("count", count);
    // Checked before it sizes anything: a negative count gave std::length_error, a huge one a hang or
    // std::bad_alloc (found by fuzz/checkpoint_fuzz.cpp).
    const int64_t n = count.item<int64_t>(), expected = static_cast<int64_t>(opt.state().size());
    SIAMESE_CHECK(n == expected, DataError, "the checkpoint's optimizer state has ", n, " tensors, expected ",
                  expected, " (different model or optimizer?)");
    std::vector<torch::Tensor> state(static_cast<size_t>(n));
    for (size_t k = 0; k < state.size(); ++k) optim.read(std::to_string(k), state[k]);
    opt.load_state(state);
    root.read("iteration", it);
    const int64_t iteration = it.item<int64_t>();
    SIAMESE_CHECK(iteration >= 0, DataError, "the checkpoint's iteration is ", iteration);
    return iteration;
  } catch (const DataError& e) {
    throw DataError(str(path, ": ", e.what()));
  } catch (...) {
    rethrow_archive_error(path, "read the checkpoint");
  }
}

bool all_finite(const std::vector<torch::Tensor>& tensors) {
  if (tensors.empty()) return true;
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> flags;
  flags.reserve(tensors.size());
  for (const auto& t : tensors) flags.push_back(torch::isfinite(t).all());
  return torch::stack(flags).all().item<bool>();
}

bool weights_finite(const Model& m) {
  std::vector<torch::Tensor> params = m.trainable_weights();
  for (auto& b : m.trainable_biases()) params.push_back(b);
  return all_finite(params);
}

}  // namespace siamese
