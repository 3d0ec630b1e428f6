// neighbour_graph: DrLIM's pairs (Hadsell, Chopra & LeCun, CVPR 2006; docs/methods.md §4.2, §4.4).
//
// Similar pairs come from prior knowledge, not from class labels:
//   S(i) = kNN(i)                                   the k nearest neighbours of row i in input space
//                                                   (Euclidean on the flattened inputs, i itself excluded)
//        ∪ G(i) ∪ ⋃_{j ∈ kNN(i)} G(j)               with `equivalences`: the rows declared equivalent to i
//                                                   and to each of its neighbours (G(i) = the other rows
//                                                   with i's TensorDataset::group id, e.g. i's shifted
//                                                   copies, data/shifted.h; DrLIM experiment B)
// then made symmetric (j ∈ S(i) ⇔ i ∈ S(j)). Dissimilar pairs: j uniform over the rows not in S(i) ∪ {i}.
// The kNN search is the exact one of index/exact.h, in blocks of rows, so memory is O(block · N), not O(N²):
// 30,000 × 784 float inputs take blocks of ~550 rows for its default 64 MiB distance tile.
//
// Epoch e visits every similar edge {i, j} once, in an order shuffled from (seed, e); each batch of B pairs
// holds round(similar_fraction · B) of them and the rest are dissimilar pairs drawn from (seed, t). A pair's
// `same` flag says "graph neighbours", which need not mean "same class". batch(t) is a pure function of t.
// Requires: `equivalences` only with a training set that carries `group` (ConfigError otherwise).
#pragma once

#include "siamese/sample/sampler.h"

namespace siamese {

// The k nearest neighbours of every row of x [N, ...] (flattened; integer inputs as float32) in Euclidean
// distance, excluding the row itself: int64 [N, k], nearest first, equal distances to the smaller row
// (exact_knn of index/exact.h). Computed in blocks of `block_rows` query rows (0 = as many as keep a
// block's distance tile within the search's default byte budget). Requires 1 <= k < N.
torch::Tensor knn_indices(const torch::Tensor& x, int64_t k, int64_t block_rows = 0);

// S(i) for every row, sorted and symmetric (see the header comment). `group` may be undefined (no
// equivalences). knn is int64 [N, k].
std::vector<std::vector<int64_t>> neighbour_sets(const torch::Tensor& knn, const torch::Tensor& group);

class NeighbourGraphSampler : public Sampler {
 public:
  struct Options {
    int64_t batch_size = 128;        // pairs per batch
    int64_t k = 5;                   // neighbours per row
    double similar_fraction = 0.5;   // share of similar pairs in a batch
    bool equivalences = false;       // add the declared equivalences (TensorDataset::group)
    int64_t block_rows = 0;          // kNN block (0 = auto)
  };
  explicit NeighbourGraphSampler(Options o) : o_(o) {}
  void reset(const TensorDataset& train, uint64_t seed) override;
  Batch batch(int64_t iteration) const override;
  int64_t tuples_per_batch() const override { return o_.batch_size; }
  int64_t batches_per_epoch() const { return batches_per_epoch_; }
  const std::vector<std::vector<int64_t>>& neighbours() const { return sets_; }
  int64_t num_edges() const { return static_cast<int64_t>(edge_a_.size()); }

 private:
  bool is_neighbour(int64_t i, int64_t j) const;
  Options o_;
  uint64_t seed_ = 0;
  int64_t similar_per_batch_ = 0, batches_per_epoch_ = 1;
  torch::Tensor y_;
  std::vector<std::vector<int64_t>> sets_;
  std::vector<int64_t> edge_a_, edge_b_;  // each undirected edge once, a < b
  mutable int64_t cached_epoch_ = -1;
  mutable std::vector<int64_t> cached_order_;
};

SamplerRegistry::Entry neighbour_graph_entry();

}  // namespace siamese
