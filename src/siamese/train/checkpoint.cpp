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
    std::vector<torch::Tensor> state(static_cast<size_t>(count.item<int64_t>()));
    for (size_t k = 0; k < state.size(); ++k) optim.read(std::to_string(k), state[k]);
    opt.load_state(state);
    root.read("iteration", it);
    return it.item<int64_t>();
  } catch (const c10::Error& e) {
    std::string msg = e.what_without_backtrace();
    throw DataError(str(path, ": cannot read the checkpoint (", msg.substr(0, msg.find('\n')), ")"));
  } catch (const DataError& e) {
    throw DataError(str(path, ": ", e.what()));
  }
}

bool weights_finite(const Model& m) {
  torch::NoGradGuard no_grad;
  for (const auto& w : m.trainable_weights())
    if (!torch::isfinite(w).all().item<bool>()) return false;
  for (const auto& b : m.trainable_biases())
    if (!torch::isfinite(b).all().item<bool>()) return false;
  return true;
}

}  // namespace siamese
