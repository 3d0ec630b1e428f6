// Exact (exhaustive) k-nearest-neighbour search over any Distance: the one neighbour search of the code
// base. The kNN meters and retrieval metrics (eval/metrics.h), cross-validated kNN of the metric learners,
// the DrLIM neighbour graph (sample/neighbour_graph.h) and LMNN's target neighbours (metric/lmnn.h) all
// call it, and it is the ground truth an approximate index is checked against.
//
// What: for query row q_i, the k reference rows r_j nearest under `dist`: the smallest dist values for a
// distance, the largest for a similarity (dist.is_similarity() decides).
//
// Tie rule (the only one): references are ranked by (value, reference row). Among references whose values
// are equal -- bit for bit, as the distance computes them -- the smaller reference row comes first, both
// inside the k and at the k-th place. The search is exhaustive and deterministic: given the values the
// distance computes, which references are returned and in what order never depends on the block size or
// the thread count.
//
// Memory: queries are taken in blocks of `rows` rows so that one [rows, nr] tile of distances fits
// `budget_bytes`: rows = max(1, budget_bytes / (nr * element size)), see rows_per_block(). A block also
// holds a one-byte mask of the same shape and the distance's own temporaries (the built-in distances keep
// theirs near 4 M elements). Nothing of size nq x nr is ever held, so memory is O(rows * nr + nq * k).
//
// Euclidean and squared Euclidean distances (distance/euclidean.h) take a faster route with the same
// result: a block is screened with the matrix-product form |q|^2 + |r|^2 - 2 q.r, whose rounding error is
// bounded (by c (|q| + max|r|)^2 with c = 4 (d + 8) u, u the unit roundoff of the dtype, twice the worst
// case of both forms), every reference that can reach the k nearest under that bound is kept, and only
// those are measured with dist.paired. All other distances use dist.pairwise on the block.
//
// Requires: queries [nq, d] and references [nr, d], floating point (float or double; a mixed pair is
// promoted), CPU; 1 <= k <= nr (k <= nr - 1 with exclude_self), else ConfigError naming k; exclude_self
// only when the query set IS the reference set, query i being reference i (nq == nr), or a contiguous part
// of it, query i being reference first_query_row + i (first_query_row + nq <= nr; else DataError); this
// lets a caller search a large set against itself a slice of queries at a time. budget_bytes >= 1. A NaN distance throws DataError naming the distance.
// Ensures: values [nq, k] in the distance's units and dtype, ids [nq, k] int64 reference rows, each row
// nearest first by the tie rule; with exclude_self, ids[i] never holds first_query_row + i.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <memory>

#include "siamese/distance/distance.h"

namespace siamese {

// 64 MiB of distances per block: 16 M float32 or 8 M float64 entries.
inline constexpr int64_t kDefaultSearchBudgetBytes = int64_t{64} << 20;

struct Neighbours {
  torch::Tensor values;  // [nq, k] distances (or similarities), nearest first
  torch::Tensor ids;     // [nq, k] int64 reference rows
};

Neighbours exact_knn(const torch::Tensor& queries, const torch::Tensor& references, int64_t k,
                     const Distance& dist, bool exclude_self = false,
                     int64_t budget_bytes = kDefaultSearchBudgetBytes, int64_t first_query_row = 0);

// Rows of a [rows, columns] tile of `bytes_per_entry`-byte entries that fit `budget_bytes`: at least 1.
int64_t rows_per_block(int64_t budget_bytes, int64_t columns, int64_t bytes_per_entry);

// The same search as an index object (the shape a FAISS-backed index will share): vectors are added in
// batches, each with caller ids (default: their position, 0, 1, ... in order of addition), and search
// returns those ids. Ties follow the tie rule on the position of addition, not on the caller id.
class ExactIndex {
 public:
  explicit ExactIndex(std::shared_ptr<const Distance> dist, int64_t budget_bytes = kDefaultSearchBudgetBytes);

  // vectors [n, d] (d fixed by the first call); ids [n] integer or undefined.
  void add(const torch::Tensor& vectors, const torch::Tensor& ids = {});
  // The k nearest stored vectors of each query row; requires 1 <= k <= size().
  Neighbours search(const torch::Tensor& queries, int64_t k) const;
  int64_t size() const { return vectors_.defined() ? vectors_.size(0) : 0; }

 private:
  std::shared_ptr<const Distance> dist_;
  int64_t budget_bytes_;
  torch::Tensor vectors_, ids_;
};

}  // namespace siamese
