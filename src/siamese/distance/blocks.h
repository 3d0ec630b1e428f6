// Internal helper for pairwise distances computed by broadcasting [nq, 1, d] against [1, nr, d]: splits q
// into row blocks so the broadcast temporary stays around 4 M elements however large nq and nr are.
#pragma once

#include <torch/torch.h>

#include <algorithm>
#include <vector>

namespace siamese::detail {

// fn(q_block [b, d], r [nr, d]) -> [b, nr]; returns [nq, nr].
template <class Fn>
torch::Tensor pairwise_in_blocks(const torch::Tensor& q, const torch::Tensor& r, Fn fn) {
  const int64_t per_row = std::max<int64_t>(1, r.size(0) * std::max<int64_t>(1, q.size(1)));
  const int64_t block = std::max<int64_t>(1, (int64_t{1} << 22) / per_row);
  if (q.size(0) <= block) return fn(q, r);
  std::vector<torch::Tensor> parts;
  for (int64_t s = 0; s < q.size(0); s += block) parts.push_back(fn(q.slice(0, s, s + block), r));
  return torch::cat(parts);
}

}  // namespace siamese::detail
