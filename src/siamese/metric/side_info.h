// Pairwise side information for Mahalanobis learners: sets S (similar) and D (dissimilar) of index pairs.
//
// Xing et al. (NIPS 2002) build S from labels by adding random same-class pairs until the graph with
// edges S has a number of connected components K_c of about 90 % ("little" side information) or 70 %
// ("much") of N; D is then every pair not in S (or, as a flag, every different-class pair).
// Pair tensors are int64 [p, 2] with i < j in every row, no duplicates.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <string>
#include <vector>

namespace siamese {

struct PairSets {
  torch::Tensor similar;     // S [p, 2] int64
  torch::Tensor dissimilar;  // D [q, 2] int64
};

// Component id (0..K_c-1) of every vertex 0..n-1 of the graph with the given edges [p, 2].
std::vector<int64_t> connected_components(int64_t n, const torch::Tensor& pairs);

// Every pair i < j with y_i == y_j (resp. y_i != y_j).
torch::Tensor same_class_pairs(const torch::Tensor& y);
torch::Tensor different_class_pairs(const torch::Tensor& y);
// Every pair i < j of 0..n-1 that is not a row of `excluded`.
torch::Tensor pairs_not_in(int64_t n, const torch::Tensor& excluded);

// Xing's protocol: random same-class pairs (seeded) added one at a time until the number of connected
// components is <= round(component_fraction * n). Requires 0 < component_fraction <= 1.
torch::Tensor xing_similar_pairs(const torch::Tensor& y, double component_fraction, uint64_t seed);

// At most `max_rows` rows of `pairs`, chosen uniformly without replacement (seeded); all when max_rows <= 0.
torch::Tensor subsample_pairs(const torch::Tensor& pairs, int64_t max_rows, uint64_t seed);

// Builds S and D from labels. similar: "all" | "much" (K_c ~ 0.7 N) | "little" (K_c ~ 0.9 N);
// dissimilar: "different-class" | "not-similar" (Xing's default). Each set is capped at max_pairs rows.
PairSets pairs_from_labels(const torch::Tensor& y, const std::string& similar, const std::string& dissimilar,
                           int64_t max_pairs, uint64_t seed);

}  // namespace siamese
