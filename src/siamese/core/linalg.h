// Small dense linear algebra shared by the layers above (the one PCA of the code base).
#pragma once

#include <torch/torch.h>

#include <cstdint>

namespace siamese {

// The top-k principal directions of the rows of x [n, d]: eigenvectors of the covariance of the centred
// rows (divided by n - 1), as the rows of a [k, d] float64 tensor in decreasing order of variance, unit
// length, each with its largest-magnitude entry positive (a deterministic sign).
// Requires x [n, d] with n >= 1 and 1 <= k <= d. Used by the PCA plot (viz) and LMNN's start (metric).
torch::Tensor principal_directions(const torch::Tensor& x, int64_t k);

}  // namespace siamese
