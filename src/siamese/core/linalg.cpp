#include "siamese/core/linalg.h"

#include <algorithm>

#include "siamese/core/error.h"

namespace siamese {

torch::Tensor principal_directions(const torch::Tensor& x, int64_t k) {
  SIAMESE_ASSERT(x.dim() == 2 && x.size(0) >= 1 && k >= 1 && k <= x.size(1), "principal_directions: x ", x.sizes(),
                 ", k ", k);
  torch::NoGradGuard no_grad;
  const torch::Tensor xd = x.detach().to(torch::kCPU, torch::kDouble);
  const torch::Tensor centred = xd - xd.mean(0, /*keepdim=*/true);
  const torch::Tensor cov = centred.t().matmul(centred) / static_cast<double>(std::max<int64_t>(1, xd.size(0) - 1));
  // eigh returns ascending eigenvalues: the top directions are the last columns.
  torch::Tensor top = std::get<1>(torch::linalg::eigh(cov, "L")).flip({1}).slice(1, 0, k).t().contiguous();
  for (int64_t r = 0; r < k; ++r) {
    torch::Tensor row = top[r];
    if (row[row.abs().argmax().item<int64_t>()].item<double>() < 0) row.mul_(-1.0);
  }
  return top;
}

}  // namespace siamese
