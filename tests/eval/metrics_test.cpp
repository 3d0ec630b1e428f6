// Tests of the evaluation meters: hand-worked values (the arithmetic is in the comments), naive-loop
// oracles on random data, and the pitfalls (ties, distance vs similarity, a query matching itself).
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <set>
#include <utility>
#include <vector>

#include "siamese/core/error.h"
#include "siamese/distance/distance.h"
#include "siamese/eval/metrics.h"

namespace siamese {
namespace {

torch::Tensor f64(const std::vector<double>& v) {
  return torch::tensor(v, torch::TensorOptions().dtype(torch::kDouble));
}

torch::Tensor flags(const std::vector<int>& v) {
  std::vector<int64_t> w(v.begin(), v.end());
  return torch::tensor(w, torch::kLong).to(torch::kBool);
}

torch::Tensor longs(const std::vector<int64_t>& v) { return torch::tensor(v, torch::kLong); }

// Points given as (x, y) pairs, float64.
torch::Tensor points2d(const std::vector<std::pair<double, double>>& p) {
  std::vector<double> flat;
  for (const auto& [x, y] : p) {
    flat.push_back(x);
    flat.push_back(y);
  }
  return f64(flat).view({static_cast<int64_t>(p.size()), 2});
}

std::shared_ptr<Distance> euclidean() { return make_distance("euclidean", 2); }

// ---------------------------------------------------------------------------------------------------
// ROC / AUC

TEST(EvalMetricsRoc, PerfectSeparationGivesAucOneAndEerZero) {
  // Similarities: genuine {0.9, 0.8}, impostor {0.2, 0.1}.
  const torch::Tensor s = f64({0.9, 0.2, 0.8, 0.1});
  const torch::Tensor same = flags({1, 0, 1, 0});
  EXPECT_EQ(roc_auc(s, same, true), 1.0);
  const Eer e = equal_error_rate(s, same, true);
  EXPECT_EQ(e.eer, 0.0);
  EXPECT_EQ(e.threshold, 0.8);  // the least "same" genuine score
  EXPECT_EQ(accuracy_at(s, same, true, e.threshold), 1.0);

  // The same data as distances (smaller = same).
  const torch::Tensor d = f64({0.1, 0.8, 0.2, 0.9});
  EXPECT_EQ(roc_auc(d, same, false), 1.0);
  const Eer ed = equal_error_rate(d, same, false);
  EXPECT_EQ(ed.eer, 0.0);
  EXPECT_EQ(ed.threshold, 0.2);
  EXPECT_EQ(accuracy_at(d, same, false, ed.threshold), 1.0);
}

TEST(EvalMetricsRoc, ReversedGivesAucZero) {
  const torch::Tensor s = f64({0.1, 0.8, 0.2, 0.9});
  const torch::Tensor same = flags({1, 0, 1, 0});
  EXPECT_EQ(roc_auc(s, same, true), 0.0);
  // Read as distances the same scores separate perfectly: the direction flag matters.
  EXPECT_EQ(roc_auc(s, same, false), 1.0);
  EXPECT_EQ(equal_error_rate(s, same, true).eer, 1.0);
}

TEST(EvalMetricsRoc, AllTiedGivesHalf) {
  const torch::Tensor s = f64({0.5, 0.5, 0.5, 0.5, 0.5});
  const torch::Tensor same = flags({1, 0, 1, 0, 0});
  EXPECT_EQ(roc_auc(s, same, true), 0.5);
  EXPECT_EQ(roc_auc(s, same, false), 0.5);
  const RocCurve roc = roc_curve(s, same, true);
  ASSERT_EQ(roc.fpr.size(), 2u);  // one tied step from (0, 0) straight to (1, 1)
  EXPECT_EQ(roc.fpr[1], 1.0);
  EXPECT_EQ(roc.tpr[1], 1.0);
  // From (0,0) [d = FAR - FRR = -1] to (1,1) [d = +1]: alpha = 1/2, EER = 1/2; the threshold of the
  // first point is infinite, so the tied score itself is reported.
  const Eer e = equal_error_rate(s, same, true);
  EXPECT_DOUBLE_EQ(e.eer, 0.5);
  EXPECT_EQ(e.threshold, 0.5);
}

TEST(EvalMetricsRoc, HandWorkedTies) {
  // Genuine {3, 2, 2}, impostor {2, 1} (similarities).
  // Pairwise: 3>2, 3>1, 2=2 (1/2), 2>1, 2=2 (1/2), 2>1  ->  U = 5, AUC = 5 / (3 * 2) = 5/6.
  // Ranks ascending: 1 -> 1; the three 2s share ranks 2,3,4 -> 3 each; 3 -> 5. Genuine rank sum
  // 3 + 3 + 5 = 11, U = 11 - 3*4/2 = 5.
  const torch::Tensor s = f64({3, 2, 2, 2, 1});
  const torch::Tensor same = flags({1, 1, 1, 0, 0});
  EXPECT_DOUBLE_EQ(roc_auc(s, same, true), 5.0 / 6.0);

  // ROC: (0,0) at +inf; accept {3}: (0, 1/3); accept the tied 2s: fpr and tpr move together to
  // (1/2, 1); accept everything: (1, 1).
  const RocCurve roc = roc_curve(s, same, true);
  const std::vector<double> fpr = {0, 0, 0.5, 1}, tpr = {0, 1.0 / 3, 1, 1}, thr = {INFINITY, 3, 2, 1};
  ASSERT_EQ(roc.fpr.size(), 4u);
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_DOUBLE_EQ(roc.fpr[i], fpr[i]) << i;
    EXPECT_DOUBLE_EQ(roc.tpr[i], tpr[i]) << i;
    EXPECT_EQ(roc.thresholds[i], thr[i]) << i;
  }
  // Trapezoids under these points give the same area: 1/2 * (1/3 + 1) * 1/2 + 1/2 = 5/6.

  // As distances the thresholds stay in score units and the infinite one is -inf.
  const RocCurve rd = roc_curve(-s, same, false);
  EXPECT_EQ(rd.thresholds[0], -INFINITY);
  EXPECT_EQ(rd.thresholds[1], -3.0);
  EXPECT_DOUBLE_EQ(rd.tpr[1], 1.0 / 3);
}

TEST(EvalMetricsRoc, CurveIsMonotoneFromOriginToOne) {
  torch::manual_seed(3);
  const torch::Tensor s = torch::randn({300}, torch::kDouble);
  const torch::Tensor same = torch::rand({300}, torch::kDouble) < 0.3;
  const RocCurve roc = roc_curve(s, same, false);
  ASSERT_GE(roc.fpr.size(), 2u);
  EXPECT_EQ(roc.fpr.front(), 0.0);
  EXPECT_EQ(roc.tpr.front(), 0.0);
  EXPECT_EQ(roc.fpr.back(), 1.0);
  EXPECT_EQ(roc.tpr.back(), 1.0);
  for (size_t i = 1; i < roc.fpr.size(); ++i) {
    EXPECT_GE(roc.fpr[i], roc.fpr[i - 1]);
    EXPECT_GE(roc.tpr[i], roc.tpr[i - 1]);
    EXPECT_GT(roc.thresholds[i], roc.thresholds[i - 1]);  // distances: looser = larger
  }
}

// Naive O(P^2) AUC: each (genuine, impostor) pair scores 1 when ordered right, 1/2 when tied.
double naive_auc(const std::vector<double>& s, const std::vector<int>& genuine, bool higher_is_same) {
  double wins = 0;
  int64_t pairs = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (!genuine[i]) continue;
    for (size_t j = 0; j < s.size(); ++j) {
      if (genuine[j]) continue;
      ++pairs;
      const double a = higher_is_same ? s[i] : -s[i], b = higher_is_same ? s[j] : -s[j];
      wins += a > b ? 1.0 : a == b ? 0.5 : 0.0;
    }
  }
  return wins / static_cast<double>(pairs);
}

TEST(EvalMetricsRoc, AucAgreesWithNaiveOracle) {
  torch::manual_seed(11);
  for (int trial = 0; trial < 6; ++trial) {
    const int64_t p = 200 + 150 * trial;
    torch::Tensor s = torch::randn({p}, torch::kDouble);
    if (trial % 2 == 0) s = torch::round(s * 4) / 4;  // many ties
    const torch::Tensor same = torch::rand({p}, torch::kDouble) < (0.2 + 0.1 * trial);
    std::vector<double> sv(s.data_ptr<double>(), s.data_ptr<double>() + p);
    std::vector<int> gv(p);
    for (int64_t i = 0; i < p; ++i) gv[i] = same[i].item<bool>() ? 1 : 0;
    for (bool higher : {true, false}) {
      EXPECT_NEAR(roc_auc(s, same, higher), naive_auc(sv, gv, higher), 1e-12)
          << "trial " << trial << " higher " << higher;
    }
    // float32 scores are accepted: quarter steps are exact in float, so the answer is the same.
    if (trial % 2 == 0) {
      EXPECT_NEAR(roc_auc(s.to(torch::kFloat), same, true), naive_auc(sv, gv, true), 1e-12);
    }
  }
}

TEST(EvalMetricsRoc, Errors) {
  const torch::Tensor s = f64({0.1, 0.2});
  EXPECT_THROW(roc_auc(s, flags({1, 1}), true), DataError);  // no impostor
  EXPECT_THROW(roc_auc(s, flags({0, 0}), true), DataError);  // no genuine
  EXPECT_THROW(roc_curve(s, flags({0, 0}), true), DataError);
  EXPECT_THROW(equal_error_rate(s, flags({1, 1}), true), DataError);
  EXPECT_THROW(roc_auc(s, flags({1, 0, 1}), true), DataError);              // length mismatch
  EXPECT_THROW(roc_auc(s, longs({1, 0}), true), DataError);                 // same must be bool
  EXPECT_THROW(roc_auc(f64({0.1, NAN}), flags({1, 0}), true), DataError);  // non-finite score
  EXPECT_THROW(tar_at_far(s, flags({1, 0}), true, 1.5), ConfigError);
  EXPECT_THROW(tar_at_far(s, flags({1, 0}), true, -0.1), ConfigError);
}

// ---------------------------------------------------------------------------------------------------
// EER

TEST(EvalMetricsEer, HandWorkedInterpolationOnBothAxes) {
  // Genuine {0.9, 0.5}, impostor {0.5, 0.1}; P = N = 2. ROC points (FAR, TAR) and d = FAR - FRR:
  //   +inf: (0, 0)      d = 0 - 1    = -1
  //   0.9 : (0, 1/2)    d = 0 - 1/2  = -1/2
  //   0.5 : (1/2, 1)    d = 1/2 - 0  = +1/2   <- first point with FAR >= FRR
  // alpha = 1/2 / (1/2 + 1/2) = 1/2: EER = 0 + 1/2 * (1/2 - 0) = 1/4 (FRR: 1/2 + 1/2 * (0 - 1/2) = 1/4),
  // threshold = 0.9 + 1/2 * (0.5 - 0.9) = 0.7.
  const torch::Tensor s = f64({0.9, 0.5, 0.5, 0.1});
  const torch::Tensor same = flags({1, 1, 0, 0});
  const Eer e = equal_error_rate(s, same, true);
  EXPECT_DOUBLE_EQ(e.eer, 0.25);
  EXPECT_DOUBLE_EQ(e.threshold, 0.7);

  // Distances d = 1 - s: same EER, threshold 1 - 0.7 = 0.3.
  const Eer ed = equal_error_rate(1.0 - s, same, false);
  EXPECT_DOUBLE_EQ(ed.eer, 0.25);
  EXPECT_NEAR(ed.threshold, 0.3, 1e-12);
}

TEST(EvalMetricsEer, HandWorkedInterpolationOnFrrOnly) {
  // Genuine {0.9, 0.6, 0.5, 0.2} (P = 4), impostor {0.8, 0.4, 0.3} (N = 3).
  //   +inf: (0, 0)       d = -1
  //   0.9 : (0, 1/4)     d = 0 - 3/4   = -3/4
  //   0.8 : (1/3, 1/4)   d = 1/3 - 3/4 = -5/12
  //   0.6 : (1/3, 1/2)   d = 1/3 - 1/2 = -1/6
  //   0.5 : (1/3, 3/4)   d = 1/3 - 1/4 = +1/12  <- first with FAR >= FRR
  // alpha = (1/6) / (1/12 + 1/6) = 2/3; FAR is 1/3 all along the segment, so EER = 1/3
  // (FRR = 1/2 + 2/3 * (1/4 - 1/2) = 1/3), threshold = 0.6 + 2/3 * (0.5 - 0.6) = 0.5333...
  const torch::Tensor s = f64({0.9, 0.8, 0.6, 0.5, 0.4, 0.3, 0.2});
  const torch::Tensor same = flags({1, 0, 1, 1, 0, 0, 1});
  const Eer e = equal_error_rate(s, same, true);
  EXPECT_NEAR(e.eer, 1.0 / 3.0, 1e-12);
  EXPECT_NEAR(e.threshold, 0.6 + 2.0 / 3.0 * (0.5 - 0.6), 1e-12);
}

TEST(EvalMetricsEer, ExactCrossingAtAPoint) {
  // Genuine {0.9, 0.8, 0.4}, impostor {0.7, 0.3, 0.2}: at 0.7 the ROC point is (1/3, 2/3), so
  // FAR = FRR = 1/3 exactly there (alpha = 1) and the threshold is that score.
  const torch::Tensor s = f64({0.9, 0.8, 0.7, 0.4, 0.3, 0.2});
  const torch::Tensor same = flags({1, 1, 0, 1, 0, 0});
  const Eer e = equal_error_rate(s, same, true);
  EXPECT_DOUBLE_EQ(e.eer, 1.0 / 3.0);
  EXPECT_EQ(e.threshold, 0.7);
}

// ---------------------------------------------------------------------------------------------------
// TAR@FAR, best threshold, accuracy

// Similarities, sorted: .95G .9G .85I .7G .6G .5I .4I .3G .2I .1I (G genuine, I impostor; 5 + 5).
// ROC (FAR, TAR): (0,0) (0,.2) (0,.4) (.2,.4) (.2,.6) (.2,.8) (.4,.8) (.6,.8) (.6,1) (.8,1) (1,1).
const std::vector<double> kScores = {0.95, 0.9, 0.85, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1};
const std::vector<int> kSame = {1, 1, 0, 1, 1, 0, 0, 1, 0, 0};

TEST(EvalMetricsTarAtFar, HandMadeList) {
  const torch::Tensor s = f64(kScores), same = flags(kSame);
  EXPECT_DOUBLE_EQ(tar_at_far(s, same, true, 0.0), 0.4);
  EXPECT_DOUBLE_EQ(tar_at_far(s, same, true, 0.1), 0.4);
  EXPECT_DOUBLE_EQ(tar_at_far(s, same, true, 0.2), 0.8);  // FAR exactly 1/5 is allowed
  EXPECT_DOUBLE_EQ(tar_at_far(s, same, true, 0.5), 0.8);
  EXPECT_DOUBLE_EQ(tar_at_far(s, same, true, 0.6), 1.0);
  EXPECT_DOUBLE_EQ(tar_at_far(s, same, true, 1.0), 1.0);
  // As distances (1 - s) nothing changes.
  EXPECT_DOUBLE_EQ(tar_at_far(1.0 - s, same, false, 0.2), 0.8);
  // When even the strictest step exceeds the FAR: the best impostor outranks every genuine pair.
  EXPECT_DOUBLE_EQ(tar_at_far(f64({0.9, 0.5, 0.4}), flags({0, 1, 1}), true, 0.0), 0.0);
}

TEST(EvalMetricsThreshold, BestThresholdOnHandMadeList) {
  // Correct decisions when accepting the first j distinct scores = TP + (5 - FP):
  //   none 5, .95 6, .9 7, .85 6, .7 7, .6 8, .5 7, .4 6, .3 7, .2 6, .1 5.
  // Best: accept down to 0.6 -> threshold midway between 0.6 and 0.5 = 0.55, accuracy 8/10.
  const torch::Tensor s = f64(kScores), same = flags(kSame);
  const ThresholdChoice c = best_threshold(s, same, true);
  EXPECT_DOUBLE_EQ(c.threshold, 0.55);
  EXPECT_DOUBLE_EQ(c.accuracy, 0.8);
  EXPECT_DOUBLE_EQ(accuracy_at(s, same, true, c.threshold), 0.8);

  const ThresholdChoice cd = best_threshold(1.0 - s, same, false);
  EXPECT_NEAR(cd.threshold, 0.45, 1e-12);
  EXPECT_DOUBLE_EQ(cd.accuracy, 0.8);
  EXPECT_DOUBLE_EQ(accuracy_at(1.0 - s, same, false, cd.threshold), 0.8);
}

TEST(EvalMetricsThreshold, AccuracyAtAppliesTheConvention) {
  const torch::Tensor s = f64(kScores), same = flags(kSame);
  // A threshold equal to a score accepts it: at 0.6 the accepted set is the same as at 0.55.
  EXPECT_DOUBLE_EQ(accuracy_at(s, same, true, 0.6), 0.8);
  EXPECT_DOUBLE_EQ(accuracy_at(s, same, true, 0.95), 0.6);  // only .95 accepted: 1 + 5 correct
  EXPECT_DOUBLE_EQ(accuracy_at(s, same, true, 2.0), 0.5);   // nothing accepted
  EXPECT_DOUBLE_EQ(accuracy_at(s, same, true, -2.0), 0.5);  // everything accepted
  // A threshold from elsewhere, applied to one class only, is fine.
  EXPECT_DOUBLE_EQ(accuracy_at(f64({0.9, 0.2}), flags({1, 1}), true, 0.5), 0.5);
}

TEST(EvalMetricsThreshold, ExtremesAndTieBreak) {
  // Every pair impostor: accepting nothing is best; the threshold sits beyond the top score.
  const ThresholdChoice none = best_threshold(f64({0.3, 0.7}), flags({0, 0}), true);
  EXPECT_DOUBLE_EQ(none.accuracy, 1.0);
  EXPECT_GT(none.threshold, 0.7);
  // Every pair genuine: accept everything.
  const ThresholdChoice all = best_threshold(f64({0.3, 0.7}), flags({1, 1}), true);
  EXPECT_DOUBLE_EQ(all.accuracy, 1.0);
  EXPECT_LT(all.threshold, 0.3);
  // Genuine 0.9, impostor 0.5, genuine 0.1: accepting {0.9} or everything are both 2/3 correct;
  // the strictest wins.
  const ThresholdChoice tie = best_threshold(f64({0.9, 0.5, 0.1}), flags({1, 0, 1}), true);
  EXPECT_DOUBLE_EQ(tie.accuracy, 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(tie.threshold, 0.7);
}

// ---------------------------------------------------------------------------------------------------
// kNN accuracy

// Class 0: A(0,0) B(0,1) C(1.2,0). Class 1: D(10,10) E(10,11) F(11.5,10) and an outlier O(-1.5,-1.5)
// sitting next to class 0.
struct KnnScene {
  torch::Tensor x = points2d({{0, 0}, {0, 1}, {1.2, 0}, {10, 10}, {10, 11}, {11.5, 10}, {-1.5, -1.5}});
  torch::Tensor y = longs({0, 0, 0, 1, 1, 1, 1});
};

TEST(EvalMetricsKnn, ExcludeSelfIsLeaveOneOut) {
  KnnScene s;
  auto dist = euclidean();
  // Without exclusion every point finds itself at distance 0.
  EXPECT_DOUBLE_EQ(knn_accuracy(s.x, s.y, s.x, s.y, 1, *dist, false), 1.0);
  // Leave-one-out, k = 1: A->B, B->A, C->A (1.2), D->E, E->D, F->D (1.5) are right; O->A (2.12) is
  // wrong: 6/7.
  EXPECT_DOUBLE_EQ(knn_accuracy(s.x, s.y, s.x, s.y, 1, *dist, true), 6.0 / 7.0);
  // k = 3: A {B, C, O} -> 0; B {A, C, O} -> 0; C {A, B, O} -> 0; D {E, F, C} -> 1; E {D, F, ...} -> 1;
  // F {D, E, ...} -> 1; O {A, B, C} -> 0 (wrong): 6/7.
  EXPECT_DOUBLE_EQ(knn_accuracy(s.x, s.y, s.x, s.y, 3, *dist, true), 6.0 / 7.0);
  // k = 6 leaves out only the point itself: every class-0 point sees 2 of class 0 and 4 of class 1.
  // A, B, C wrong; D, E, F see 3 of class 1, 3 of class 0 -> ties broken by summed distance (class 1
  // is far nearer) -> right; O sees 3 + 3 and class 0 is nearer -> wrong. 3/7.
  EXPECT_DOUBLE_EQ(knn_accuracy(s.x, s.y, s.x, s.y, 6, *dist, true), 3.0 / 7.0);
  EXPECT_THROW(knn_accuracy(s.x, s.y, s.x, s.y, 7, *dist, true), ConfigError);
  EXPECT_THROW(knn_accuracy(s.x, s.y, s.x, s.y, 0, *dist, false), ConfigError);
}

TEST(EvalMetricsKnn, SeparateQueriesAndVoteTieBreak) {
  auto dist = euclidean();
  // References around the origin: class 0 at distances 1 and 4, class 1 at distances 2 and 2.5.
  const torch::Tensor ref = points2d({{1, 0}, {4, 0}, {0, 2}, {0, -2.5}});
  const torch::Tensor ref_y = longs({0, 0, 1, 1});
  const torch::Tensor q = points2d({{0, 0}});
  // k = 1: nearest is class 0.
  EXPECT_DOUBLE_EQ(knn_accuracy(q, longs({0}), ref, ref_y, 1, *dist), 1.0);
  // k = 3: votes 0:{1}, 1:{2, 2.5} -> class 1 by majority.
  EXPECT_DOUBLE_EQ(knn_accuracy(q, longs({1}), ref, ref_y, 3, *dist), 1.0);
  // k = 2: one vote each; summed distance 1 (class 0) < 2 (class 1) -> class 0.
  EXPECT_DOUBLE_EQ(knn_accuracy(q, longs({0}), ref, ref_y, 2, *dist), 1.0);
  // k = 4: two votes each; sums 1 + 4 = 5 vs 2 + 2.5 = 4.5 -> class 1, although the nearest is class 0.
  EXPECT_DOUBLE_EQ(knn_accuracy(q, longs({1}), ref, ref_y, 4, *dist), 1.0);
  EXPECT_DOUBLE_EQ(knn_accuracy(q, longs({0}), ref, ref_y, 4, *dist), 0.0);
  EXPECT_THROW(knn_accuracy(q, longs({0}), ref, ref_y, 5, *dist), ConfigError);
  EXPECT_THROW(knn_accuracy(q, longs({0}), ref, ref_y, 1, *dist, /*exclude_self=*/true), DataError);
  EXPECT_THROW(knn_accuracy(q, longs({0, 1}), ref, ref_y, 1, *dist), DataError);
}

TEST(EvalMetricsKnn, SimilarityMeansLargerIsNearer) {
  auto cosine = make_distance("cosine", 2);
  ASSERT_TRUE(cosine->is_similarity());
  // References at 0 and 90 degrees, queries at 10 and 80 degrees.
  const double r = M_PI / 180;
  const torch::Tensor ref = points2d({{1, 0}, {0, 1}});
  const torch::Tensor q = points2d({{std::cos(10 * r), std::sin(10 * r)}, {std::cos(80 * r), 2 * std::sin(80 * r)}});
  EXPECT_DOUBLE_EQ(knn_accuracy(q, longs({0, 1}), ref, longs({0, 1}), 1, *cosine), 1.0);
}

TEST(EvalMetricsKnn, AgreesWithNaiveNearestNeighbourAcrossBlocks) {
  torch::manual_seed(5);
  const int64_t nq = 2500, nr = 400;  // (blocking itself is tested in tests/index/exact_test.cpp)
  const torch::Tensor q = torch::randn({nq, 3}, torch::kDouble), ref = torch::randn({nr, 3}, torch::kDouble);
  const torch::Tensor qy = torch::randint(0, 4, {nq}, torch::kLong), ry = torch::randint(0, 4, {nr}, torch::kLong);
  auto dist = make_distance("euclidean", 3);
  int64_t correct = 0;
  for (int64_t i = 0; i < nq; ++i) {
    const int64_t nn = (ref - q[i]).pow(2).sum(1).argmin().item<int64_t>();
    correct += ry[nn].item<int64_t>() == qy[i].item<int64_t>() ? 1 : 0;
  }
  EXPECT_DOUBLE_EQ(knn_accuracy(q, qy, ref, ry, 1, *dist), static_cast<double>(correct) / nq);
}

// ---------------------------------------------------------------------------------------------------
// Retrieval

TEST(EvalMetricsRetrieval, QueryNeverCountsItself) {
  // Class 0: (0,0), (0,3); class 1: (1,0), (1,3). Each point's nearest OTHER point is the one beside
  // it, of the other class; its class mate is 3 away. Counting itself would make P@1 = MAP@R = 1.
  const torch::Tensor x = points2d({{0, 0}, {0, 3}, {1, 0}, {1, 3}});
  const torch::Tensor y = longs({0, 0, 1, 1});
  const RetrievalMetrics m = retrieval_metrics(x, y, *euclidean(), {1, 2});
  EXPECT_EQ(m.num_queries, 4);
  EXPECT_EQ(m.num_skipped, 0);
  EXPECT_DOUBLE_EQ(m.precision_at_1, 0.0);
  EXPECT_DOUBLE_EQ(m.map_at_r, 0.0);  // R = 1 and the first retrieved is wrong
  EXPECT_DOUBLE_EQ(m.recall_at_k(1), 0.0);
  EXPECT_DOUBLE_EQ(m.recall_at_k(2), 1.0);  // second nearest (3 away) beats the diagonal (3.16)
  EXPECT_THROW(m.recall_at_k(5), ConfigError);
}

TEST(EvalMetricsRetrieval, HandComputedMapAtR) {
  // Points on a line: 0 (c0), 1 (c1), 2.5 (c0), 4.5 (c0), 7 (c1), 20 (c2, alone: skipped).
  //   q=0   (R=2): 1(c1) 2.5(c0) ...   rel 0,1 -> AP = (0 + 1/2) / 2 = 1/4
  //   q=2.5 (R=2): 1(c1, 1.5) 4.5(c0, 2) -> rel 0,1 -> AP = 1/4
  //   q=4.5 (R=2): 2.5(c0, 2) 7(c1, 2.5) -> rel 1,0 -> AP = (1 + 0) / 2 = 1/2
  //   q=1   (R=1): 0(c0)                -> AP = 0
  //   q=7   (R=1): 4.5(c0)              -> AP = 0
  // MAP@R = (1/4 + 1/4 + 1/2) / 5 = 1/5. P@1: only q=4.5 -> 1/5.
  // recall@2: q=0 yes, q=2.5 yes, q=4.5 yes, q=1 {0, 2.5} no, q=7 {4.5, 2.5} no -> 3/5.
  const torch::Tensor x = points2d({{0, 0}, {1, 0}, {2.5, 0}, {4.5, 0}, {7, 0}, {20, 0}});
  const torch::Tensor y = longs({0, 1, 0, 0, 1, 2});
  const RetrievalMetrics m = retrieval_metrics(x, y, *euclidean(), {2, 1, 5});
  EXPECT_EQ(m.num_queries, 5);
  EXPECT_EQ(m.num_skipped, 1);
  EXPECT_DOUBLE_EQ(m.map_at_r, 0.2);
  EXPECT_DOUBLE_EQ(m.precision_at_1, 0.2);
  EXPECT_DOUBLE_EQ(m.recall_at_k(1), 0.2);
  EXPECT_DOUBLE_EQ(m.recall_at_k(2), 0.6);
  // recall@5: every usable query reaches a class mate within 5 -> 1.
  EXPECT_DOUBLE_EQ(m.recall_at_k(5), 1.0);
  ASSERT_EQ(m.ks, (std::vector<int64_t>{2, 1, 5}));
}

TEST(EvalMetricsRetrieval, AgreesWithNaiveOracleAcrossBlocks) {
  torch::manual_seed(9);
  const int64_t n = 1500;  // (blocking itself is tested in tests/index/exact_test.cpp)
  const torch::Tensor x = torch::randn({n, 4}, torch::kDouble);
  const torch::Tensor y = torch::randint(0, 40, {n}, torch::kLong);
  y[0] = 1000;  // a singleton class
  const std::vector<int64_t> ks = {1, 5, 10};
  const RetrievalMetrics m = retrieval_metrics(x, y, *make_distance("euclidean", 4), ks);

  const torch::Tensor d2 = (x.unsqueeze(1) - x.unsqueeze(0)).pow(2).sum(2);
  auto da = d2.accessor<double, 2>();
  std::vector<int64_t> lab(y.data_ptr<int64_t>(), y.data_ptr<int64_t>() + n);
  std::map<int64_t, int64_t> count;
  for (int64_t l : lab) count[l]++;
  double p1 = 0, map = 0;
  std::vector<double> rec(ks.size(), 0);
  int64_t used = 0;
  for (int64_t q = 0; q < n; ++q) {
    const int64_t r = count[lab[q]] - 1;
    if (r == 0) continue;
    ++used;
    std::vector<int64_t> others;
    for (int64_t j = 0; j < n; ++j)
      if (j != q) others.push_back(j);
    std::sort(others.begin(), others.end(), [&](int64_t a, int64_t b) { return da[q][a] < da[q][b]; });
    p1 += lab[others[0]] == lab[q];
    double hits = 0, ap = 0;
    for (int64_t i = 0; i < r; ++i)
      if (lab[others[i]] == lab[q]) ap += ++hits / (i + 1);
    map += ap / r;
    for (size_t j = 0; j < ks.size(); ++j) {
      bool hit = false;
      for (int64_t i = 0; i < ks[j]; ++i) hit = hit || lab[others[i]] == lab[q];
      rec[j] += hit;
    }
  }
  EXPECT_EQ(m.num_queries, used);
  EXPECT_EQ(m.num_skipped, n - used);
  EXPECT_NEAR(m.precision_at_1, p1 / used, 1e-12);
  EXPECT_NEAR(m.map_at_r, map / used, 1e-12);
  for (size_t j = 0; j < ks.size(); ++j) EXPECT_NEAR(m.recall_at_k(ks[j]), rec[j] / used, 1e-12) << ks[j];
}

TEST(EvalMetricsRetrieval, Errors) {
  auto dist = euclidean();
  EXPECT_THROW(retrieval_metrics(points2d({{0, 0}, {1, 1}}), longs({0, 1}), *dist), DataError);  // all singletons
  EXPECT_THROW(retrieval_metrics(points2d({{0, 0}}), longs({0}), *dist), DataError);
  EXPECT_THROW(retrieval_metrics(points2d({{0, 0}, {1, 1}}), longs({0, 0, 1}), *dist), DataError);
  EXPECT_THROW(retrieval_metrics(points2d({{0, 0}, {1, 1}}), longs({0, 0}), *dist, {0}), ConfigError);
}

// ---------------------------------------------------------------------------------------------------
// Verification pairs

TEST(EvalMetricsPairs, AllPairsWhenSmall) {
  const PairSample p = verification_pairs(longs({0, 1, 0, 2}), 100, 1);
  ASSERT_EQ(p.first.numel(), 6);
  const std::vector<std::pair<int64_t, int64_t>> expected = {{0, 1}, {0, 2}, {0, 3}, {1, 2}, {1, 3}, {2, 3}};
  const std::vector<bool> same = {false, true, false, false, false, false};
  for (int64_t i = 0; i < 6; ++i) {
    EXPECT_EQ(p.first[i].item<int64_t>(), expected[i].first);
    EXPECT_EQ(p.second[i].item<int64_t>(), expected[i].second);
    EXPECT_EQ(p.same[i].item<bool>(), same[i]);
  }
  EXPECT_EQ(p.same.scalar_type(), torch::kBool);
  // Exactly as many pairs as allowed: still all of them.
  EXPECT_EQ(verification_pairs(longs({0, 1, 0, 2}), 6, 1).first.numel(), 6);
  EXPECT_THROW(verification_pairs(longs({0}), 10, 1), DataError);
  EXPECT_THROW(verification_pairs(longs({0, 1}), 0, 1), ConfigError);
}

TEST(EvalMetricsPairs, SampledPairsAreDistinctValidAndDeterministic) {
  const int64_t n = 100;
  const torch::Tensor labels = torch::arange(n, torch::kLong) % 7;
  const PairSample a = verification_pairs(labels, 500, 42);
  const PairSample b = verification_pairs(labels, 500, 42);
  const PairSample c = verification_pairs(labels, 500, 43);
  ASSERT_EQ(a.first.numel(), 500);
  EXPECT_TRUE(torch::equal(a.first, b.first));
  EXPECT_TRUE(torch::equal(a.second, b.second));
  EXPECT_FALSE(torch::equal(a.first, c.first) && torch::equal(a.second, c.second));
  std::set<std::pair<int64_t, int64_t>> seen;
  for (int64_t i = 0; i < 500; ++i) {
    const int64_t f = a.first[i].item<int64_t>(), s = a.second[i].item<int64_t>();
    EXPECT_GE(f, 0);
    EXPECT_LT(f, s);
    EXPECT_LT(s, n);
    EXPECT_EQ(a.same[i].item<bool>(), f % 7 == s % 7);
    EXPECT_TRUE(seen.insert({f, s}).second) << "duplicate pair " << f << "," << s;
  }
}

TEST(EvalMetricsPairs, SamplingIsRoughlyUniform) {
  // 10 items -> 45 pairs; 9 drawn per seed over 2000 seeds: each pair expected 400 times
  // (binomial sd ~ 18), so [300, 500] is a > 5 sd band.
  const torch::Tensor labels = torch::arange(10, torch::kLong);
  std::map<std::pair<int64_t, int64_t>, int> count;
  for (uint64_t seed = 0; seed < 2000; ++seed) {
    const PairSample p = verification_pairs(labels, 9, seed);
    for (int64_t i = 0; i < 9; ++i) count[{p.first[i].item<int64_t>(), p.second[i].item<int64_t>()}]++;
  }
  ASSERT_EQ(count.size(), 45u);
  for (const auto& [pair, c] : count) {
    EXPECT_GT(c, 300) << pair.first << "," << pair.second;
    EXPECT_LT(c, 500) << pair.first << "," << pair.second;
  }
}

// ---------------------------------------------------------------------------------------------------
// NMI

TEST(EvalMetricsNmi, KnownValues) {
  // Identical up to renaming.
  EXPECT_NEAR(nmi(longs({0, 0, 1, 1, 2}), longs({5, 5, 3, 3, 9})), 1.0, 1e-12);
  // Independent: every class split evenly over both clusters.
  EXPECT_NEAR(nmi(longs({0, 0, 1, 1}), longs({0, 1, 0, 1})), 0.0, 1e-12);
  EXPECT_EQ(nmi(longs({4, 4, 4}), longs({1, 1, 1})), 1.0);
  EXPECT_NEAR(nmi(longs({0, 0, 1, 1}), longs({0, 0, 0, 0})), 0.0, 1e-12);
  // labels {0,0,0,1,1,1}, clusters {0,0,1,1,1,1}: H(U) = ln 2, H(V) = -(1/3 ln 1/3 + 2/3 ln 2/3),
  // joint counts (0,0)=2, (0,1)=1, (1,1)=3:
  // I = 2/6 ln(6*2/(3*2)) + 1/6 ln(6*1/(3*4)) + 3/6 ln(6*3/(3*4)).
  const double hu = std::log(2.0);
  const double hv = -(1.0 / 3 * std::log(1.0 / 3) + 2.0 / 3 * std::log(2.0 / 3));
  const double mi = 2.0 / 6 * std::log(2.0) + 1.0 / 6 * std::log(0.5) + 3.0 / 6 * std::log(1.5);
  EXPECT_NEAR(nmi(longs({0, 0, 0, 1, 1, 1}), longs({0, 0, 1, 1, 1, 1})), mi / ((hu + hv) / 2), 1e-12);
  EXPECT_THROW(nmi(longs({0, 1}), longs({0})), DataError);
}

}  // namespace
}  // namespace siamese
