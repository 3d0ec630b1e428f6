#include "siamese/sample/balanced_pairs.h"

#include <algorithm>
#include <cmath>

#include "siamese/core/error.h"
#include "siamese/sample/sample_util.h"

namespace siamese {

using namespace sample_detail;

void BalancedPairsSampler::reset(const TensorDataset& train, uint64_t seed) {
  seed_ = seed;
  y_ = train.y;
  by_class_ = rows_by_class(train.y);
  auto yc = train.y.to(torch::kLong).contiguous();
  label_.assign(yc.data_ptr<int64_t>(), yc.data_ptr<int64_t>() + yc.numel());
  pairable_.clear();
  int64_t nonempty = 0;
  for (const auto& rows : by_class_) {
    nonempty += rows.empty() ? 0 : 1;
    if (rows.size() >= 2) pairable_.insert(pairable_.end(), rows.begin(), rows.end());
  }
  std::sort(pairable_.begin(), pairable_.end());
  SIAMESE_CHECK(nonempty >= 2, ConfigError, "sampler balanced_pairs needs at least two classes, the training set has ",
                nonempty);
  SIAMESE_CHECK(similar_fraction_ == 0 || !pairable_.empty(), ConfigError,
                "sampler balanced_pairs: no class has two examples, so no similar pair exists");
  const double n = static_cast<double>(label_.size());
  check_fits_data("batch_size", batch_, n * (n - 1) / 2, "distinct pairs of the training rows");
}

Batch BalancedPairsSampler::batch(int64_t iteration) const {
  auto rng = make_rng(seed_, 0x62616cULL, static_cast<uint64_t>(iteration));
  const int64_t n = static_cast<int64_t>(label_.size());
  const int64_t similar = std::llround(similar_fraction_ * static_cast<double>(batch_));
  std::vector<char> is_similar(static_cast<size_t>(batch_), 0);
  std::fill(is_similar.begin(), is_similar.begin() + similar, 1);
  std::shuffle(is_similar.begin(), is_similar.end(), rng);
  std::vector<int64_t> rows(static_cast<size_t>(2 * batch_));
  for (int64_t k = 0; k < batch_; ++k) {
    int64_t i, j;
    if (is_similar[static_cast<size_t>(k)]) {
      i = pairable_[static_cast<size_t>(uniform_below(rng, static_cast<int64_t>(pairable_.size())))];
      const auto& cls = by_class_[static_cast<size_t>(label_[static_cast<size_t>(i)])];
      do j = cls[static_cast<size_t>(uniform_below(rng, static_cast<int64_t>(cls.size())))]; while (j == i);
    } else {
      i = uniform_below(rng, n);
      const int64_t others = n - static_cast<int64_t>(by_class_[static_cast<size_t>(label_[static_cast<size_t>(i)])].size());
      SIAMESE_ASSERT(others > 0);
      do j = uniform_below(rng, n); while (label_[static_cast<size_t>(j)] == label_[static_cast<size_t>(i)]);
    }
    rows[static_cast<size_t>(k)] = i;
    rows[static_cast<size_t>(batch_ + k)] = j;
  }
  return side_by_side_pairs(rows, y_);
}

SamplerRegistry::Entry balanced_pairs_entry() {
  return {"balanced_pairs", "random pairs with a chosen fraction of similar ones, resampled every batch",
          {integer("batch_size", 64, "pairs per batch").at_least(1),
           real("similar_fraction", 0.5, "fraction of similar (same-class) pairs in a batch").at_least(0).at_most(1)},
          [](const Params& p) {
            return std::make_shared<BalancedPairsSampler>(p.i("batch_size"), p.f("similar_fraction"));
          }};
}

}  // namespace siamese
