// neighbour_graph (DrLIM): blockwise kNN equals brute force, the graph is symmetric, shifted-copy
// equivalences are enumerated exactly, and batches draw similar pairs from the graph and dissimilar ones
// outside it.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "siamese/core/error.h"
#include "siamese/data/shifted.h"
#include "siamese/sample/neighbour_graph.h"

namespace siamese {
namespace {

TEST(SamplerNeighbourGraph, BlockwiseKnnEqualsBruteForce) {
  torch::manual_seed(3);
  auto x = torch::rand({41, 5}, torch::kDouble);
  const int64_t k = 4;
  auto knn = knn_indices(x, k, /*block_rows=*/7);  // several blocks, the last one partial
  ASSERT_EQ(knn.sizes(), (std::vector<int64_t>{41, k}));
  for (int64_t i = 0; i < 41; ++i) {
    std::vector<std::pair<double, int64_t>> d;
    for (int64_t j = 0; j < 41; ++j) {
      if (j == i) continue;
      double s = 0;
      for (int64_t c = 0; c < 5; ++c) s += std::pow(x[i][c].item<double>() - x[j][c].item<double>(), 2);
      d.push_back({s, j});
    }
    std::sort(d.begin(), d.end());
    for (int64_t q = 0; q < k; ++q) EXPECT_EQ(knn[i][q].item<int64_t>(), d[q].second) << "row " << i << " rank " << q;
  }
  // The automatic block size gives the same answer.
  EXPECT_TRUE(knn_indices(x, k).equal(knn));
}

TEST(SamplerNeighbourGraph, GraphIsSymmetricAndContainsTheNeighbours) {
  torch::manual_seed(5);
  auto x = torch::rand({30, 3}, torch::kDouble);
  auto knn = knn_indices(x, 3);
  auto s = neighbour_sets(knn, torch::Tensor());
  for (int64_t i = 0; i < 30; ++i) {
    for (int64_t q = 0; q < 3; ++q)
      EXPECT_TRUE(std::binary_search(s[i].begin(), s[i].end(), knn[i][q].item<int64_t>()));
    for (int64_t j : s[i]) {
      EXPECT_NE(j, i);
      EXPECT_TRUE(std::binary_search(s[j].begin(), s[j].end(), i)) << i << " -> " << j << " but not back";
      // j is in S(i) only because of a kNN relation in one direction.
      bool knn_edge = false;
      for (int64_t q = 0; q < 3; ++q) knn_edge |= knn[i][q].item<int64_t>() == j || knn[j][q].item<int64_t>() == i;
      EXPECT_TRUE(knn_edge);
    }
  }
}

TEST(SamplerNeighbourGraph, ShiftedCopyEquivalencesAreEnumeratedExactly) {
  // 4 originals, shifts {-1, +1}: row r = block * 4 + original. Hand-made kNN: every row's single
  // neighbour is the same block's original o^1 (0<->1, 2<->3).
  TensorDataset base{torch::rand({4, 1, 3, 6}), torch::tensor({0, 0, 1, 1}, torch::kLong), {}};
  auto d = with_shifted_copies(base, {-1, 1});
  ASSERT_EQ(d.size(), 12);
  ASSERT_TRUE(d.group.equal(torch::tensor({0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3}, torch::kLong)));
  auto knn = torch::empty({12, 1}, torch::kLong);
  for (int64_t r = 0; r < 12; ++r) knn[r][0] = (r / 4) * 4 + ((r % 4) ^ 1);
  auto plain = neighbour_sets(knn, torch::Tensor());
  auto invariant = neighbour_sets(knn, d.group);
  for (int64_t r = 0; r < 12; ++r) {
    const int64_t o = r % 4, b = r / 4;
    EXPECT_EQ(plain[r], std::vector<int64_t>{b * 4 + (o ^ 1)}) << r;
    // (a) the neighbour, (b) r's own copies, (c) the neighbour's copies: every row of the pair {o, o^1}.
    std::vector<int64_t> want;
    for (int64_t q = 0; q < 12; ++q)
      if (q != r && (q % 4) / 2 == o / 2) want.push_back(q);
    EXPECT_EQ(invariant[r], want) << r;
  }
}

TEST(SamplerNeighbourGraph, ShiftMovesContentAndZeroPads) {
  auto x = torch::tensor({1.0, 2.0, 3.0, 4.0}).view({1, 1, 1, 4});
  EXPECT_TRUE(shift_horizontally(x, 1).equal(torch::tensor({0.0, 1.0, 2.0, 3.0}).view({1, 1, 1, 4})));
  EXPECT_TRUE(shift_horizontally(x, -2).equal(torch::tensor({3.0, 4.0, 0.0, 0.0}).view({1, 1, 1, 4})));
  EXPECT_TRUE(shift_horizontally(x, 0).equal(x));
  EXPECT_EQ(shift_of_row(9, 4, {-1, 1}), 1);
  EXPECT_EQ(shift_of_row(5, 4, {-1, 1}), -1);
  EXPECT_EQ(shift_of_row(3, 4, {-1, 1}), 0);
}

TEST(SamplerNeighbourGraph, BatchesTakeSimilarPairsFromTheGraphAndDissimilarOnesOutside) {
  torch::manual_seed(11);
  TensorDataset base{torch::rand({10, 1, 4, 8}), torch::arange(10, torch::kLong) % 2, {}};
  auto d = with_shifted_copies(base, {-2, 2});
  NeighbourGraphSampler::Options o;
  o.batch_size = 16;
  o.k = 2;
  o.similar_fraction = 0.5;
  o.equivalences = true;
  NeighbourGraphSampler s(o);
  s.reset(d, 9);
  const auto& sets = s.neighbours();
  std::set<std::pair<int64_t, int64_t>> seen;
  for (int64_t t = 0; t < s.batches_per_epoch(); ++t) {
    Batch b = s.batch(t);
    ASSERT_TRUE(b.pairs.has_value());
    for (int64_t q = 0; q < 16; ++q) {
      const int64_t i = b.rows[b.pairs->first[q].item<int64_t>()].item<int64_t>();
      const int64_t j = b.rows[b.pairs->second[q].item<int64_t>()].item<int64_t>();
      const bool nb = std::binary_search(sets[i].begin(), sets[i].end(), j);
      EXPECT_EQ(nb, b.pairs->same[q].item<bool>()) << i << "," << j;
      EXPECT_NE(i, j);
      if (nb) seen.insert({std::min(i, j), std::max(i, j)});
    }
  }
  EXPECT_EQ(static_cast<int64_t>(seen.size()), s.num_edges());  // one epoch visits every edge
  // Every row is similar to its own shifted copies.
  for (int64_t r = 0; r < 30; ++r)
    for (int64_t q = r % 10; q < 30; q += 10)
      if (q != r) {
        EXPECT_TRUE(std::binary_search(sets[r].begin(), sets[r].end(), q));
      }
  // Pure in t.
  NeighbourGraphSampler s2(o);
  s2.reset(d, 9);
  EXPECT_TRUE(s2.batch(3).rows.equal(s.batch(3).rows));
}

TEST(SamplerNeighbourGraph, EquivalencesWithoutGroupsIsAConfigError) {
  TensorDataset d{torch::rand({10, 3}), torch::zeros({10}, torch::kLong), {}};
  NeighbourGraphSampler::Options o;
  o.equivalences = true;
  o.k = 2;
  NeighbourGraphSampler s(o);
  EXPECT_THROW(s.reset(d, 1), ConfigError);
}

}  // namespace
}  // namespace siamese
