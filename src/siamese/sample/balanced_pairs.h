// balanced_pairs: random pairs with a chosen fraction of similar ones, drawn afresh for every batch.
//
// Batch t holds round(similar_fraction * B) similar pairs and the rest dissimilar (B = batch_size), in
// random order. Similar pair: a row i uniform over the rows whose class has >= 2 examples, then j != i
// uniform in i's class. Dissimilar pair: i uniform over all rows, then j uniform over the rows of the other
// classes. Pairs are drawn from a generator seeded by (seed, t): a pure function of t, never repeated
// between epochs (unlike caffe_pairs, whose pairs are fixed once). Rows [0, B) are the first images,
// rows [B, 2B) the second ones.
// Requires: at least two classes, and one with two or more examples when similar_fraction > 0.
#pragma once

#include "siamese/sample/sampler.h"

namespace siamese {

class BalancedPairsSampler : public Sampler {
 public:
  BalancedPairsSampler(int64_t batch_pairs, double similar_fraction)
      : batch_(batch_pairs), similar_fraction_(similar_fraction) {}
  void reset(const TensorDataset& train, uint64_t seed) override;
  Batch batch(int64_t iteration) const override;
  int64_t tuples_per_batch() const override { return batch_; }

 private:
  int64_t batch_;
  double similar_fraction_;
  uint64_t seed_ = 0;
  torch::Tensor y_;
  std::vector<int64_t> label_;                  // y as a vector
  std::vector<std::vector<int64_t>> by_class_;  // rows per class
  std::vector<int64_t> pairable_;               // rows whose class has >= 2 examples
};

SamplerRegistry::Entry balanced_pairs_entry();

}  // namespace siamese
