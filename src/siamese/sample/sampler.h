// Batch samplers: which training examples form batch number t.
//
// batch(t) is a pure function of (training set, seed, t), so a resumed run sees exactly the batches an
// uninterrupted one would. A batch lists the dataset rows to embed and, for pair/triplet samplers, the
// tuples (indices into the batch rows). Samplers that only group examples by class (m_per_class) leave the
// tuples empty and a miner forms them from the embeddings.
// reset() checks the sampler's counts against the data (a batch, a per-class count or a number of pairs
// larger than the training set allows) and throws ConfigError naming the key before any batch is built.
#pragma once

#include <torch/torch.h>

#include "siamese/core/registry.h"
#include "siamese/core/tuples.h"
#include "siamese/data/dataset.h"

namespace siamese {

struct Batch {
  torch::Tensor rows;    // int64 [B] rows of the training set
  torch::Tensor labels;  // int64 [B] their class labels
  std::optional<Pairs> pairs;
  std::optional<Triplets> triplets;
};

class Sampler {
 public:
  virtual ~Sampler() = default;
  virtual void reset(const TensorDataset& train, uint64_t seed) = 0;
  virtual Batch batch(int64_t iteration) const = 0;
  // Number of tuples (or images) one batch contributes, for throughput ("pairs/s").
  virtual int64_t tuples_per_batch() const = 0;
  virtual std::string tuple_name() const { return "pairs"; }
};

using SamplerRegistry = Registry<Sampler>;
const SamplerRegistry& sampler_registry();

}  // namespace siamese
