// Triplet samplers: each batch lists B triplets (anchor, positive, negative); rows [0, B) are the anchors,
// [B, 2B) the positives, [2B, 3B) the negatives.
//
// triplets (Hoffer & Ailon 2015, TripletNet's GenerateList; docs/methods.md §12.2): pick a class c uniformly
// among the classes with >= 2 examples; anchor and positive = two distinct random examples of c; negative
// = a random example of a class != c, the class chosen uniformly. Drawn from (seed, t) for every batch.
//
// graded_triplets (Wang et al., "Learning Fine-grained Image Similarity with Deep Ranking", CVPR 2014;
// docs/methods.md §11.3), for graded relevance r(i, j) >= 0 between images of one class:
//   * one reservoir buffer of `buffer_size` rows per class, filled by reservoir sampling (Algorithm R) from
//     a stream of the training rows in an order shuffled from (seed, round); buffers are refilled every
//     `refresh_every` batches (one "round"). Relevance is only computed inside a buffer (buffer_size²
//     values per class), so the N x N relevance matrix is never materialised.
//   * query i: drawn over all buffered rows with probability ∝ its total relevance r_i = Σ_{j≠i} r(i, j)
//     (j in i's buffer);
//   * positive p ≠ i from i's buffer with probability min(T_p, r(i, p)) / Z_i (T_p caps near-duplicates);
//   * negative: with probability `in_class_fraction` an in-class one, uniform over the n in i's buffer with
//     n ∉ {i, p} and r(i, p) − r(i, n) >= T_r; otherwise (or when no such n exists) an out-of-class one,
//     uniform over the buffered rows of the other classes (class chosen uniformly).
// Ensures: the positive is always of the query's class and differs from it; every in-class negative keeps
// the relevance gap >= T_r. The default relevance is a Gaussian of the input-space distance,
// r(i, j) = exp(−|x_i − x_j|² / (2 σ²)), σ² = `bandwidth` or (0) half the mean squared distance between
// same-class pairs of a seeded sample; C++ callers may pass their own relevance function.
// Requires: a class with >= 2 examples, and at least two classes.
#pragma once

#include <functional>

#include "siamese/sample/sampler.h"

namespace siamese {

class TripletSampler : public Sampler {
 public:
  explicit TripletSampler(int64_t batch_triplets) : batch_(batch_triplets) {}
  void reset(const TensorDataset& train, uint64_t seed) override;
  Batch batch(int64_t iteration) const override;
  int64_t tuples_per_batch() const override { return batch_; }
  std::string tuple_name() const override { return "triplets"; }

 private:
  int64_t batch_;
  uint64_t seed_ = 0;
  torch::Tensor y_;
  std::vector<std::vector<int64_t>> by_class_;
  std::vector<int64_t> anchor_classes_, classes_;  // classes with >= 2 / >= 1 examples
};

// Relevance among a set of training rows: rows int64 [M] -> float64 [M, M] (symmetric, >= 0; the diagonal
// is ignored).
using RelevanceFn = std::function<torch::Tensor(const torch::Tensor& rows)>;

class GradedTripletSampler : public Sampler {
 public:
  struct Options {
    int64_t batch_size = 64;         // triplets per batch
    int64_t buffer_size = 64;        // reservoir rows per class
    int64_t refresh_every = 100;     // batches between buffer refills
    double t_p = 1.0;                // cap T_p of a positive's relevance
    double t_r = 0.1;                // relevance gap T_r of an in-class negative
    double in_class_fraction = 0.5;  // share of in-class negatives
    double bandwidth = 0;            // σ² of the default relevance (0 = from the data)
  };
  // `relevance` null = the default Gaussian of the input-space distance.
  explicit GradedTripletSampler(Options o, RelevanceFn relevance = nullptr) : o_(o), relevance_(std::move(relevance)) {}
  void reset(const TensorDataset& train, uint64_t seed) override;
  Batch batch(int64_t iteration) const override;
  int64_t tuples_per_batch() const override { return o_.batch_size; }
  std::string tuple_name() const override { return "triplets"; }

  // The buffers of a round: per class the buffered rows and their relevance [M, M] (for tests).
  struct Buffers {
    std::vector<std::vector<int64_t>> rows;  // per class
    std::vector<torch::Tensor> relevance;    // per class, float64 [M_c, M_c]
  };
  Buffers buffers(int64_t round) const;
  // P(positive = buffer row q | query = buffer row a) in class c's buffer: min(T_p, r) / Z (for tests).
  std::vector<double> positive_probabilities(const Buffers& b, int64_t c, int64_t a) const;

 private:
  Options o_;
  RelevanceFn relevance_;
  uint64_t seed_ = 0;
  torch::Tensor y_;
  int64_t n_ = 0;
  std::vector<int64_t> label_;
  mutable int64_t cached_round_ = -1;
  mutable Buffers cached_;
};

SamplerRegistry::Entry triplets_entry();
SamplerRegistry::Entry graded_triplets_entry();

}  // namespace siamese
