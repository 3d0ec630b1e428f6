// caffe_pairs: Caffe's fixed random pairs (examples/siamese/convert_mnist_siamese_data.cpp, docs/methods.md §13.1).
// Once, from the seed: for k = 0..P-1 draw i, j uniformly and independently (i = j can happen), label
// same = (y_i == y_j). About 1/C of the pairs are similar for C balanced classes. Batch t takes pairs
// [tB, (t+1)B) cyclically, in stored order, as Caffe's data layer does (no reshuffling between epochs).
#pragma once

#include "siamese/sample/sampler.h"

namespace siamese {

class CaffePairsSampler : public Sampler {
 public:
  CaffePairsSampler(int64_t batch_pairs, int64_t num_pairs) : batch_(batch_pairs), num_pairs_(num_pairs) {}
  void reset(const TensorDataset& train, uint64_t seed) override;
  Batch batch(int64_t iteration) const override;
  int64_t tuples_per_batch() const override { return batch_; }
  // The stored pairs (rows of the training set), for tests.
  const std::vector<int64_t>& first() const { return i_; }
  const std::vector<int64_t>& second() const { return j_; }

 private:
  int64_t batch_, num_pairs_;
  std::vector<int64_t> i_, j_;
  torch::Tensor y_;
};

SamplerRegistry::Entry caffe_pairs_entry();

}  // namespace siamese
