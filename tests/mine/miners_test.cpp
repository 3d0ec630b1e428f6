// Miners on a hand-made batch whose distances are worked out by hand, and the O(B^2) memory bound at
// B = 1,024.
//
// Batch (1-D embeddings, Euclidean):  class 0 at x = 0, 1, 5 (rows 0-2); class 1 at x = 2.3, 3.8, 9.2 (rows 3-5).
//   positives: (0,1)=1  (0,2)=5  (1,2)=4  (3,4)=1.5  (3,5)=6.9  (4,5)=5.4
//   negatives: (0,3)=2.3 (0,4)=3.8 (0,5)=9.2 (1,3)=1.3 (1,4)=2.8 (1,5)=8.2 (2,3)=2.7 (2,4)=1.2 (2,5)=4.2
#include <gtest/gtest.h>

#include "siamese/mine/all_tuples.h"
#include "siamese/mine/hard_pairs.h"
#include "siamese/mine/triplet_miners.h"

namespace siamese {
namespace {

struct HandBatch {
  torch::Tensor emb = torch::tensor({0.0, 1.0, 5.0, 2.3, 3.8, 9.2}, torch::kDouble).view({6, 1});
  torch::Tensor labels = torch::tensor({0, 0, 0, 1, 1, 1}, torch::kLong);
  std::shared_ptr<Distance> dist = make_distance("euclidean", 1);
};

std::vector<std::vector<int64_t>> rows_of(const Triplets& t) {
  std::vector<std::vector<int64_t>> out;
  for (int64_t k = 0; k < t.size(); ++k)
    out.push_back({t.anchor[k].item<int64_t>(), t.positive[k].item<int64_t>(), t.negative[k].item<int64_t>()});
  return out;
}

std::vector<std::vector<int64_t>> rows_of(const Pairs& p) {
  std::vector<std::vector<int64_t>> out;
  for (int64_t k = 0; k < p.size(); ++k)
    out.push_back({p.first[k].item<int64_t>(), p.second[k].item<int64_t>(), p.same[k].item<bool>() ? 1 : 0});
  return out;
}

using V = std::vector<std::vector<int64_t>>;

TEST(MinerHardPairs, KeepsTheLargestLossPositivesAndNegatives) {
  HandBatch h;
  HardPairsMiner m({/*r_p=*/3, /*r_n=*/3, 0, 0});  // keep ceil(6/3) = 2 positives, ceil(9/3) = 3 negatives
  auto got = rows_of(*m.mine(h.emb, h.labels, *h.dist).pairs);
  EXPECT_EQ(got, (V{{0, 3, 0}, {1, 3, 0}, {2, 4, 0}, {3, 5, 1}, {4, 5, 1}}));
  // Explicit s_p = 1, s_n = 2 with every pair a candidate (r * s >= available).
  HardPairsMiner top({6, 5, 1, 2});
  EXPECT_EQ(rows_of(*top.mine(h.emb, h.labels, *h.dist).pairs), (V{{1, 3, 0}, {2, 4, 0}, {3, 5, 1}}));
  // r = 1: no mining.
  HardPairsMiner none({1, 1, 0, 0});
  EXPECT_EQ(none.mine(h.emb, h.labels, *h.dist).pairs->size(), 15);
}

TEST(MinerHardPairs, SubsampledCandidatesArePureInTheBatch) {
  torch::manual_seed(1);
  auto emb = torch::randn({64, 4});
  auto labels = torch::arange(64, torch::kLong) % 8;
  auto dist = make_distance("euclidean", 4);
  HardPairsMiner m({2, 2, 10, 20});
  auto a = m.mine(emb, labels, *dist).pairs;
  auto b = m.mine(emb, labels, *dist).pairs;
  EXPECT_EQ(a->size(), 30);
  EXPECT_TRUE(a->first.equal(b->first));
  EXPECT_TRUE(a->second.equal(b->second));
  EXPECT_EQ(a->same.sum().item<int64_t>(), 10);
}

TEST(MinerBatchHard, PicksFarthestPositiveAndClosestNegative) {
  HandBatch h;
  BatchHardMiner m;
  EXPECT_EQ(rows_of(*m.mine(h.emb, h.labels, *h.dist).triplets),
            (V{{0, 2, 3}, {1, 2, 3}, {2, 0, 4}, {3, 5, 1}, {4, 5, 2}, {5, 3, 2}}));
}

TEST(MinerSemiHard, PicksTheClosestNegativeInsideTheBand) {
  HandBatch h;
  SemiHardMiner band(1.0);
  EXPECT_EQ(rows_of(*band.mine(h.emb, h.labels, *h.dist).triplets), (V{{1, 0, 3}, {2, 1, 5}, {3, 4, 0}}));
  SemiHardMiner open(0.0);
  EXPECT_EQ(rows_of(*open.mine(h.emb, h.labels, *h.dist).triplets),
            (V{{0, 1, 3}, {0, 2, 5}, {1, 0, 3}, {1, 2, 5}, {2, 1, 5}, {3, 4, 0}, {4, 3, 1}, {5, 3, 1}, {5, 4, 1}}));
}

TEST(MinerAllTriplets, EnumeratesEveryValidTriplet) {
  HandBatch h;
  AllTripletsMiner m;
  auto t = *m.mine(h.emb, h.labels, *h.dist).triplets;
  EXPECT_EQ(t.size(), 36);  // 6 anchors x 2 positives x 3 negatives
  auto y = h.labels;
  EXPECT_TRUE((y.index_select(0, t.anchor) == y.index_select(0, t.positive)).all().item<bool>());
  EXPECT_TRUE((y.index_select(0, t.anchor) != y.index_select(0, t.negative)).all().item<bool>());
  EXPECT_TRUE((t.anchor != t.positive).all().item<bool>());
}

TEST(MinerMemory, TripletMiningAtB1024StaysWithinOrderBSquared) {
  const int64_t b = 1024;
  torch::manual_seed(2);
  auto emb = torch::randn({b, 16});
  auto labels = torch::arange(b, torch::kLong) % 256;  // 4 per class
  auto dist = make_distance("euclidean", 16);
  const int64_t bound = 2 * b * b;
  BatchHardMiner hard;
  SemiHardMiner semi(0.5);
  AllTripletsMiner all;
  HardPairsMiner pairs({8, 8, 0, 0});
  auto th = hard.mine(emb, labels, *dist).triplets;
  EXPECT_LE(hard.peak_temporary_elements(), bound);
  EXPECT_EQ(th->size(), b);
  auto ts = semi.mine(emb, labels, *dist).triplets;
  EXPECT_LE(semi.peak_temporary_elements(), bound);
  EXPECT_LE(ts->size(), b * 3);  // at most one per positive pair
  auto ta = all.mine(emb, labels, *dist).triplets;
  EXPECT_LE(all.peak_temporary_elements(), bound);
  EXPECT_EQ(ta->size(), b * 3 * (b - 4));
  pairs.mine(emb, labels, *dist);
  EXPECT_LE(pairs.peak_temporary_elements(), bound);
  EXPECT_GT(hard.peak_temporary_elements(), 0);
}

}  // namespace
}  // namespace siamese
