// Small helpers shared by the samplers: seeded generators that depend only on (seed, stream, index), so
// batch(t) stays a pure function of t, and per-class row lists.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "siamese/sample/sampler.h"

namespace siamese::sample_detail {

// A well-mixed 64-bit value of (seed, stream, index) (SplitMix64 finaliser over each input in turn).
uint64_t mix_seed(uint64_t seed, uint64_t stream, uint64_t index);

// A generator for (seed, stream, index); different streams of one sampler never share a sequence.
inline std::mt19937_64 make_rng(uint64_t seed, uint64_t stream, uint64_t index) {
  return std::mt19937_64(mix_seed(seed, stream, index));
}

// Rows of each class: result[c] lists the rows with label c, in increasing order (classes 0..max(y)).
std::vector<std::vector<int64_t>> rows_by_class(const torch::Tensor& y);

// Uniform integer in [0, n).
inline int64_t uniform_below(std::mt19937_64& rng, int64_t n) {
  return std::uniform_int_distribution<int64_t>(0, n - 1)(rng);
}

// Throws ConfigError "sampler.<key> = <value> is larger than the <available> <what>" when value > available
// (`available` in double: counts of pairs or triplets of a large set do not fit an int64). Samplers call it
// in reset(), before a batch is allocated.
void check_fits_data(const std::string& key, int64_t value, double available, const std::string& what);

// A Batch's `rows` / `labels` from a row list.
torch::Tensor to_long_tensor(const std::vector<int64_t>& v);

// The pairs (k, n + k), k < n, of a batch whose rows are the n first members, then the n second members;
// same [n] bool says which pairs are similar.
Pairs side_by_side_pair_indices(const torch::Tensor& same);
// Such a batch from its rows [2n], with same = equal labels.
Batch side_by_side_pairs(const std::vector<int64_t>& rows, const torch::Tensor& y);
// The triplets (k, n + k, 2n + k), k < n, of a batch whose rows are n anchors, n positives, n negatives.
Triplets side_by_side_triplets(int64_t n);

}  // namespace siamese::sample_detail
