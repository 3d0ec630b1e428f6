#include "siamese/model/siamese_net.h"

#include "siamese/model/data_parallel.h"

namespace siamese {

torch::Tensor embed_all(Branch& branch, const torch::Tensor& x, int64_t batch_size, int workers) {
  torch::NoGradGuard guard;
  const bool was_training = branch.is_training();
  branch.eval();
  std::vector<torch::Tensor> parts;
  // DataParallel needs shared ownership; wrap the reference without taking it.
  std::shared_ptr<Branch> alias(std::shared_ptr<Branch>{}, &branch);
  DataParallel parallel(alias, workers);
  for (int64_t s = 0; s < x.size(0); s += batch_size) parts.push_back(parallel.infer(x.slice(0, s, s + batch_size)));
  if (was_training) branch.train();
  if (parts.empty()) return torch::empty({0, branch.embedding_dim()});
  return torch::cat(parts);
}

}  // namespace siamese
