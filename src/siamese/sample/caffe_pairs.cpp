#include "siamese/sample/caffe_pairs.h"

#include <random>

#include "siamese/sample/sample_util.h"

namespace siamese {

void CaffePairsSampler::reset(const TensorDataset& train, uint64_t seed) {
  const int64_t n = train.size();
  const double n2 = static_cast<double>(n) * static_cast<double>(n);
  sample_detail::check_fits_data("num_pairs", num_pairs_, n2, "ordered pairs of the training rows");
  const int64_t p = num_pairs_ > 0 ? num_pairs_ : n;
  sample_detail::check_fits_data("batch_size", batch_, static_cast<double>(p),
                                 num_pairs_ > 0 ? "fixed pairs (sampler.num_pairs)" : "fixed pairs (one per training row)");
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int64_t> pick(0, n - 1);
  i_.resize(p);
  j_.resize(p);
  for (int64_t k = 0; k < p; ++k) {
    i_[k] = pick(rng);
    j_[k] = pick(rng);
  }
  y_ = train.y;
}

Batch CaffePairsSampler::batch(int64_t iteration) const {
  const int64_t p = static_cast<int64_t>(i_.size());
  std::vector<int64_t> rows(2 * batch_);
  for (int64_t k = 0; k < batch_; ++k) {
    const int64_t idx = (iteration * batch_ + k) % p;
    rows[k] = i_[idx];
    rows[batch_ + k] = j_[idx];
  }
  return sample_detail::side_by_side_pairs(rows, y_);
}

SamplerRegistry::Entry caffe_pairs_entry() {
  return {"caffe_pairs", "Caffe's fixed random pairs: drawn once (seeded), iterated in order, ~1/C similar",
          {integer("batch_size", 64, "pairs per batch").at_least(1),
           integer("num_pairs", 0, "pairs generated once (0 = as many as training images, as Caffe)").at_least(0)},
          [](const Params& p) { return std::make_shared<CaffePairsSampler>(p.i("batch_size"), p.i("num_pairs")); }};
}

}  // namespace siamese
