// m_per_class: coverage (every example visited once per epoch where sizes allow, at least once otherwise),
// batch shape (P distinct classes x K), classes smaller than K, and determinism / purity of batch(t).
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "siamese/core/error.h"
#include "siamese/sample/m_per_class.h"

namespace siamese {
namespace {

TensorDataset dataset_with_sizes(const std::vector<int64_t>& sizes) {
  std::vector<int64_t> y;
  for (size_t c = 0; c < sizes.size(); ++c)
    for (int64_t k = 0; k < sizes[c]; ++k) y.push_back(static_cast<int64_t>(c));
  TensorDataset d;
  d.y = torch::tensor(y, torch::kLong);
  d.x = torch::zeros({d.y.size(0), 2});
  return d;
}

void expect_batch_shape(const Batch& b, const torch::Tensor& y, int64_t p, int64_t k) {
  ASSERT_EQ(b.rows.numel(), p * k);
  std::map<int64_t, int64_t> per_class;
  for (int64_t r = 0; r < b.rows.numel(); ++r) per_class[y[b.rows[r].item<int64_t>()].item<int64_t>()]++;
  EXPECT_EQ(static_cast<int64_t>(per_class.size()), p);
  for (auto& [c, n] : per_class) EXPECT_EQ(n, k) << "class " << c;
  EXPECT_TRUE(b.labels.equal(y.index_select(0, b.rows)));
}

TEST(SamplerMPerClass, BalancedClassesVisitEveryExampleExactlyOncePerEpoch) {
  auto d = dataset_with_sizes({12, 12, 12, 12, 12, 12});
  MPerClassSampler s(3, 4);
  s.reset(d, 7);
  ASSERT_EQ(s.batches_per_epoch(), 6);  // 18 chunks / 3 classes per batch
  for (int64_t epoch = 0; epoch < 3; ++epoch) {
    std::vector<int64_t> visits(72, 0);
    for (int64_t t = epoch * 6; t < (epoch + 1) * 6; ++t) {
      Batch b = s.batch(t);
      expect_batch_shape(b, d.y, 3, 4);
      for (int64_t r = 0; r < b.rows.numel(); ++r) visits[b.rows[r].item<int64_t>()]++;
    }
    for (int64_t r = 0; r < 72; ++r) EXPECT_EQ(visits[r], 1) << "row " << r << " epoch " << epoch;
  }
}

TEST(SamplerMPerClass, UnevenAndSmallClassesAreCoveredAndBatchesKeepTheirShape) {
  // Sizes not multiples of K, one class smaller than K (3 < 4) and one of a single example.
  auto d = dataset_with_sizes({10, 3, 7, 1, 20, 9});
  MPerClassSampler s(3, 4);
  s.reset(d, 3);
  // chunks: 3 + 1 + 2 + 1 + 5 + 3 = 15 -> ceil(15/3) = 5 = max chunks of one class
  ASSERT_EQ(s.batches_per_epoch(), 5);
  std::vector<int64_t> visits(d.size(), 0);
  for (int64_t t = 0; t < s.batches_per_epoch(); ++t) {
    Batch b = s.batch(t);
    expect_batch_shape(b, d.y, 3, 4);
    for (int64_t r = 0; r < b.rows.numel(); ++r) visits[b.rows[r].item<int64_t>()]++;
  }
  for (int64_t r = 0; r < d.size(); ++r) EXPECT_GE(visits[r], 1) << "row " << r << " never visited";
  // The single-example class (row 20) is repeated K times inside its batch.
  EXPECT_GE(visits[20], 4);
}

TEST(SamplerMPerClass, DominantClassAppearsInEveryBatch) {
  auto d = dataset_with_sizes({40, 4, 4});
  MPerClassSampler s(2, 4);
  s.reset(d, 1);
  ASSERT_EQ(s.batches_per_epoch(), 10);  // class 0 has 10 chunks
  std::vector<int64_t> visits(d.size(), 0);
  for (int64_t t = 0; t < 10; ++t) {
    Batch b = s.batch(t);
    expect_batch_shape(b, d.y, 2, 4);
    for (int64_t r = 0; r < b.rows.numel(); ++r) visits[b.rows[r].item<int64_t>()]++;
  }
  for (int64_t r = 0; r < 40; ++r) EXPECT_EQ(visits[r], 1) << "row " << r;
  for (int64_t r = 40; r < 48; ++r) EXPECT_GE(visits[r], 1);
}

TEST(SamplerMPerClass, DeterministicForASeedAndPureInTheIteration) {
  auto d = dataset_with_sizes({9, 14, 5, 11});
  MPerClassSampler a(2, 3), b(2, 3), c(2, 3);
  a.reset(d, 42);
  b.reset(d, 42);
  c.reset(d, 43);
  const int64_t n = 3 * a.batches_per_epoch();
  bool differs = false;
  for (int64_t t = 0; t < n; ++t) {
    EXPECT_TRUE(a.batch(t).rows.equal(b.batch(t).rows)) << t;
    differs |= !a.batch(t).rows.equal(c.batch(t).rows);
  }
  EXPECT_TRUE(differs);
  // Out of order (as after a resume) gives the same batches.
  for (int64_t t = n - 1; t >= 0; t -= 2) EXPECT_TRUE(b.batch(t).rows.equal(a.batch(t).rows)) << t;
  // Epochs differ from each other.
  EXPECT_FALSE(a.batch(0).rows.equal(a.batch(a.batches_per_epoch()).rows));
}

TEST(SamplerMPerClass, TooFewClassesIsAConfigError) {
  auto d = dataset_with_sizes({5, 5});
  MPerClassSampler s(3, 2);
  EXPECT_THROW(s.reset(d, 1), ConfigError);
}

TEST(SamplerMPerClass, PerClassLargerThanEveryClassNamesTheKey) {
  auto d = dataset_with_sizes({5, 7, 3});
  MPerClassSampler ok(2, 7);  // K equal to the largest class: smaller classes repeat examples
  EXPECT_NO_THROW(ok.reset(d, 1));
  MPerClassSampler s(2, 8);
  try {
    s.reset(d, 1);
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_STREQ(e.what(), "sampler.per_class = 8 is larger than the 7 examples of the largest class");
  }
  MPerClassSampler huge(2, int64_t{1} << 40);  // would allocate 2^40 rows per batch
  EXPECT_THROW(huge.reset(d, 1), ConfigError);
}

}  // namespace
}  // namespace siamese
