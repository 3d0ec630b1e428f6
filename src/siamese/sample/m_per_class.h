// m_per_class: batches of P classes x K examples; the pairs / triplets are then formed inside the batch by
// a miner (all_pairs, hard_pairs, batch_hard, ...).
//
// Epoch schedule (a pure function of (seed, epoch), so batch(t) is a pure function of t and a resumed run
// sees the same batches):
//   1. Each class is shuffled and cut into chunks of K. A last partial chunk (class size not a multiple of
//      K, or a class smaller than K) is topped up with other examples of the same class, drawn without
//      replacement from the rest of the class, then with replacement when the class has fewer than K
//      examples — so a class smaller than K repeats examples inside its chunk (a pair of a row with itself
//      has distance 0; losses add an epsilon under the square root, docs/methods.md §0.3).
//   2. Chunks are dealt into batches of P distinct classes: each batch first takes every class that must
//      appear in all remaining batches to be used up in time, then fills up with classes drawn with
//      probability proportional to their remaining chunks.
//   3. When fewer than P classes still hold chunks (last batch, or a class much larger than the others),
//      the batch is completed with K random examples of classes not yet in it (extra visits).
// Ensures: every batch has exactly P distinct classes with exactly K rows each; every training example is
// visited at least once per epoch, and exactly once when every class size is a multiple of K and no class
// holds more than batches_per_epoch chunks. batches_per_epoch = max(ceil(sum_c ceil(n_c/K) / P),
// max_c ceil(n_c/K)). Requires at least P non-empty classes and K <= the size of the largest class
// (ConfigError naming the key otherwise).
#pragma once

#include "siamese/sample/sampler.h"

namespace siamese {

class MPerClassSampler : public Sampler {
 public:
  MPerClassSampler(int64_t classes_per_batch, int64_t per_class) : p_(classes_per_batch), k_(per_class) {}
  void reset(const TensorDataset& train, uint64_t seed) override;
  Batch batch(int64_t iteration) const override;
  int64_t tuples_per_batch() const override { return p_ * k_; }
  std::string tuple_name() const override { return "images"; }
  int64_t batches_per_epoch() const { return batches_per_epoch_; }
  // The row lists of every batch of `epoch` (for tests and tools).
  std::vector<std::vector<int64_t>> epoch_schedule(int64_t epoch) const;

 private:
  int64_t p_, k_;
  uint64_t seed_ = 0;
  std::vector<std::vector<int64_t>> by_class_;  // non-empty classes only
  torch::Tensor y_;
  int64_t batches_per_epoch_ = 1;
  mutable int64_t cached_epoch_ = -1;
  mutable std::vector<std::vector<int64_t>> cached_;
};

SamplerRegistry::Entry m_per_class_entry();

}  // namespace siamese
