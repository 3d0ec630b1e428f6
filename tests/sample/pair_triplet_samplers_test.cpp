// balanced_pairs, triplets (Hoffer), graded_triplets (Wang) and the explicit pairs/triplets files.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "siamese/core/error.h"
#include "siamese/sample/balanced_pairs.h"
#include "siamese/sample/caffe_pairs.h"
#include "siamese/sample/explicit_tuples.h"
#include "siamese/sample/triplets.h"

namespace siamese {
namespace {

TensorDataset classes_of(const std::vector<int64_t>& sizes) {
  std::vector<int64_t> y;
  for (size_t c = 0; c < sizes.size(); ++c)
    for (int64_t k = 0; k < sizes[c]; ++k) y.push_back(static_cast<int64_t>(c));
  TensorDataset d;
  d.y = torch::tensor(y, torch::kLong);
  d.x = torch::rand({d.y.size(0), 4});
  return d;
}

TEST(SamplerBalancedPairs, SimilarFractionIsExactAndPairsAreValid) {
  auto d = classes_of({6, 1, 9, 4});
  BalancedPairsSampler s(40, 0.25);
  s.reset(d, 2);
  for (int64_t t = 0; t < 20; ++t) {
    Batch b = s.batch(t);
    ASSERT_EQ(b.pairs->size(), 40);
    EXPECT_EQ(b.pairs->same.sum().item<int64_t>(), 10);
    for (int64_t q = 0; q < 40; ++q) {
      const int64_t i = b.rows[q].item<int64_t>(), j = b.rows[40 + q].item<int64_t>();
      EXPECT_NE(i, j);
      EXPECT_EQ(b.pairs->same[q].item<bool>(), d.y[i].item<int64_t>() == d.y[j].item<int64_t>());
    }
  }
  BalancedPairsSampler again(40, 0.25);
  again.reset(d, 2);
  EXPECT_TRUE(again.batch(5).rows.equal(s.batch(5).rows));
  EXPECT_FALSE(s.batch(5).rows.equal(s.batch(6).rows));  // resampled, not a fixed list
}

TEST(SamplerTriplets, HofferTripletsAreValid) {
  auto d = classes_of({5, 1, 7, 3});
  TripletSampler s(50);
  s.reset(d, 4);
  for (int64_t t = 0; t < 10; ++t) {
    Batch b = s.batch(t);
    ASSERT_TRUE(b.triplets.has_value());
    for (int64_t q = 0; q < 50; ++q) {
      const int64_t a = b.rows[b.triplets->anchor[q].item<int64_t>()].item<int64_t>();
      const int64_t p = b.rows[b.triplets->positive[q].item<int64_t>()].item<int64_t>();
      const int64_t n = b.rows[b.triplets->negative[q].item<int64_t>()].item<int64_t>();
      EXPECT_NE(a, p);
      EXPECT_EQ(d.y[a].item<int64_t>(), d.y[p].item<int64_t>());
      EXPECT_NE(d.y[a].item<int64_t>(), d.y[n].item<int64_t>());
      EXPECT_NE(d.y[a].item<int64_t>(), 1);  // the single-example class never anchors
    }
  }
}

// Relevance on row indices: r(i, j) = 1 / (1 + |i - j|) (rows of a class are consecutive).
torch::Tensor index_relevance(const torch::Tensor& rows) {
  auto r = rows.to(torch::kDouble);
  return 1.0 / (1.0 + (r.unsqueeze(1) - r.unsqueeze(0)).abs());
}

TEST(SamplerGradedTriplets, RespectsTpTrAndNeverTakesAPositiveFromAnotherClass) {
  auto d = classes_of({12, 12, 12});
  GradedTripletSampler::Options o;
  o.batch_size = 64;
  o.buffer_size = 8;  // smaller than a class: the reservoirs hold 8 of 12
  o.refresh_every = 5;
  o.t_p = 0.3;
  o.t_r = 0.2;
  o.in_class_fraction = 0.7;
  GradedTripletSampler s(o, index_relevance);
  s.reset(d, 6);
  auto buf = s.buffers(0);
  for (size_t c = 0; c < 3; ++c) {
    EXPECT_EQ(buf.rows[c].size(), 8u);
    EXPECT_EQ(buf.relevance[c].sizes(), (std::vector<int64_t>{8, 8}));  // never N x N
  }
  int64_t in_class = 0;
  for (int64_t t = 0; t < 30; ++t) {
    Batch b = s.batch(t);
    for (int64_t q = 0; q < 64; ++q) {
      const int64_t a = b.rows[q].item<int64_t>(), p = b.rows[64 + q].item<int64_t>(), n = b.rows[128 + q].item<int64_t>();
      ASSERT_EQ(d.y[a].item<int64_t>(), d.y[p].item<int64_t>()) << "positive from another class";
      ASSERT_NE(a, p);
      if (d.y[n].item<int64_t>() == d.y[a].item<int64_t>()) {
        ++in_class;
        const double rp = 1.0 / (1.0 + std::abs(a - p)), rn = 1.0 / (1.0 + std::abs(a - n));
        EXPECT_GE(rp - rn, o.t_r - 1e-12) << a << "," << p << "," << n;
        EXPECT_NE(n, a);
        EXPECT_NE(n, p);
      }
    }
  }
  EXPECT_GT(in_class, 0);
  // Positive probabilities: min(T_p, r) / Z. r = 1/2 for the adjacent rows is capped at T_p = 0.3.
  const auto& rows = buf.rows[0];
  auto probs = s.positive_probabilities(buf, 0, 0);
  double z = 0;
  std::vector<double> w;
  for (size_t q = 0; q < rows.size(); ++q) {
    w.push_back(q == 0 ? 0.0 : std::min(0.3, 1.0 / (1.0 + std::abs(rows[0] - rows[q]))));
    z += w.back();
  }
  for (size_t q = 0; q < rows.size(); ++q) EXPECT_NEAR(probs[q], w[q] / z, 1e-12);
  // A tiny cap makes every positive equally likely.
  o.t_p = 1e-6;
  GradedTripletSampler flat(o, index_relevance);
  flat.reset(d, 6);
  for (double p : flat.positive_probabilities(buf, 0, 3))
    if (p > 0) {
      EXPECT_NEAR(p, 1.0 / 7.0, 1e-9);
    }
}

TEST(SamplerGradedTriplets, DefaultPixelRelevanceRuns) {
  auto d = classes_of({20, 20});
  GradedTripletSampler::Options o;
  o.batch_size = 16;
  GradedTripletSampler s(o);
  s.reset(d, 1);
  Batch b = s.batch(0);
  EXPECT_EQ(b.rows.numel(), 48);
  EXPECT_TRUE(b.labels.slice(0, 0, 16).equal(b.labels.slice(0, 16, 32)));
}

std::string write_temp(const std::string& name, const std::string& text) {
  auto path = (std::filesystem::temp_directory_path() / ("siamese_sample_" + name)).string();
  std::ofstream(path) << text;
  return path;
}

TEST(SamplerExplicitFiles, PairsByIndexAndByPath) {
  auto d = classes_of({3, 3});
  auto names = write_temp("names.txt", "img/a.png\nimg/b.png\nimg/c.png\nimg/d.png\nimg/e.png\nimg/f.png\n");
  auto pairs = write_temp("pairs.csv", "a,b,same\n0,1,1\n# comment\nimg/c.png, img/f.png, different\n4,5,true\n");
  ExplicitTuplesSampler s(2, pairs, names, 3, /*shuffle=*/false);
  s.reset(d, 1);
  ASSERT_EQ(s.size(), 3);
  Batch b = s.batch(0);
  EXPECT_TRUE(b.rows.equal(torch::tensor({0, 2, 4, 1, 5, 5}, torch::kLong)));
  EXPECT_TRUE(b.pairs->same.equal(torch::tensor({true, false, true})));
  auto trip = write_temp("trip.csv", "0,1,3\n2,0,5\n");
  ExplicitTuplesSampler t(3, trip, "", 2, true);
  t.reset(d, 1);
  Batch tb = t.batch(0);
  EXPECT_EQ(tb.triplets->size(), 2);
  EXPECT_EQ(tb.rows.numel(), 6);
}

TEST(SamplerExplicitFiles, BadLinesNameTheLine) {
  auto d = classes_of({3, 3});
  auto bad = write_temp("bad.csv", "0,1,1\n0,9,0\n");
  ExplicitTuplesSampler s(2, bad, "", 2, false);
  try {
    s.reset(d, 1);
    FAIL() << "no error";
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find(":2:"), std::string::npos) << e.what();
  }
}

std::string config_error(Sampler& s, const TensorDataset& d) {
  try {
    s.reset(d, 1);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(SamplerSizes, CountsLargerThanTheDataAllowNameTheKeyBeforeAllocating) {
  auto d = classes_of({3, 2});  // 5 rows: 10 distinct pairs, 25 ordered draws, 3*2*2 + 2*1*3 = 18 triplets
  BalancedPairsSampler bp_ok(10, 0.5), bp(11, 0.5);
  EXPECT_EQ(config_error(bp_ok, d), "");
  EXPECT_EQ(config_error(bp, d), "sampler.batch_size = 11 is larger than the 10 distinct pairs of the training rows");
  BalancedPairsSampler bp_huge(int64_t{1} << 62, 0.5);  // 2 * batch would overflow
  EXPECT_NE(config_error(bp_huge, d).find("sampler.batch_size = 4611686018427387904"), std::string::npos);

  CaffePairsSampler cp_ok(5, 0), cp(6, 0);  // num_pairs 0 = one fixed pair per training row
  EXPECT_EQ(config_error(cp_ok, d), "");
  EXPECT_EQ(config_error(cp, d), "sampler.batch_size = 6 is larger than the 5 fixed pairs (one per training row)");
  CaffePairsSampler cp_pairs(4, 26);
  EXPECT_EQ(config_error(cp_pairs, d), "sampler.num_pairs = 26 is larger than the 25 ordered pairs of the training rows");
  CaffePairsSampler cp_batch(8, 7);
  EXPECT_EQ(config_error(cp_batch, d), "sampler.batch_size = 8 is larger than the 7 fixed pairs (sampler.num_pairs)");

  TripletSampler t_ok(18), t(19);
  EXPECT_EQ(config_error(t_ok, d), "");
  EXPECT_EQ(config_error(t, d), "sampler.batch_size = 19 is larger than the 18 distinct triplets of the training rows");
  GradedTripletSampler::Options o;
  o.batch_size = 19;
  GradedTripletSampler g(o, index_relevance);
  EXPECT_EQ(config_error(g, d), "sampler.batch_size = 19 is larger than the 18 distinct triplets of the training rows");

  auto pairs = write_temp("two_pairs.csv", "0,1,1\n2,3,0\n");
  ExplicitTuplesSampler e_ok(2, pairs, "", 2, false), e(2, pairs, "", 3, false);
  EXPECT_EQ(config_error(e_ok, d), "");
  EXPECT_EQ(config_error(e, d), "sampler.batch_size = 3 is larger than the 2 pairs in " + pairs);
}

}  // namespace
}  // namespace siamese
