// Index tuples passed from samplers/miners to losses.
//
// Indices point into the rows of an embedding batch [B, d]. Pair labels are explicit: `same` is a bool
// tensor (true = same class / genuine / matching), never a bare 0/1 whose meaning depends on the paper.
// Each loss converts to the convention of the paper it implements.
#pragma once

#include <torch/torch.h>

#include <optional>
#include <vector>

namespace siamese {

enum class PairLabel : uint8_t { kDifferent = 0, kSame = 1 };

struct Pairs {
  torch::Tensor first;   // int64 [P]
  torch::Tensor second;  // int64 [P]
  torch::Tensor same;    // bool [P]
  torch::Tensor weight;  // optional float [P] (per-pair weight from the data, e.g. Carlevaris-Bianco's s_ij)

  int64_t size() const { return first.defined() ? first.size(0) : 0; }
  static Pairs make(std::vector<int64_t> first, std::vector<int64_t> second, const std::vector<PairLabel>& labels);
};

struct Triplets {
  torch::Tensor anchor;    // int64 [T]
  torch::Tensor positive;  // int64 [T]
  torch::Tensor negative;  // int64 [T]

  int64_t size() const { return anchor.defined() ? anchor.size(0) : 0; }
  static Triplets make(std::vector<int64_t> a, std::vector<int64_t> p, std::vector<int64_t> n);
};

// Every triplet (a, p, n) gives the pairs (a, p, same) and (a, n, different).
Pairs triplets_to_pairs(const Triplets& t);

// Every (same pair, different pair) sharing their first index gives a triplet (anchor, positive, negative).
// Memory is bounded by the number of resulting triplets.
Triplets pairs_to_triplets(const Pairs& p);

}  // namespace siamese
