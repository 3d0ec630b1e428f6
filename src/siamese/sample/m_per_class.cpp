#include "siamese/sample/m_per_class.h"

#include <algorithm>
#include <numeric>

#include "siamese/core/error.h"
#include "siamese/sample/sample_util.h"

namespace siamese {

using namespace sample_detail;

void MPerClassSampler::reset(const TensorDataset& train, uint64_t seed) {
  seed_ = seed;
  y_ = train.y;
  by_class_ = rows_by_class(train.y);
  by_class_.erase(std::remove_if(by_class_.begin(), by_class_.end(), [](auto& v) { return v.empty(); }),
                  by_class_.end());
  SIAMESE_CHECK(static_cast<int64_t>(by_class_.size()) >= p_, ConfigError, "sampler m_per_class: classes_per_batch = ",
                p_, " but the training set has only ", by_class_.size(), " non-empty classes");
  size_t largest = 0;
  for (const auto& rows : by_class_) largest = std::max(largest, rows.size());
  check_fits_data("per_class", k_, static_cast<double>(largest), "examples of the largest class");
  int64_t chunks = 0, most = 0;
  for (const auto& rows : by_class_) {
    const int64_t c = (static_cast<int64_t>(rows.size()) + k_ - 1) / k_;
    chunks += c;
    most = std::max(most, c);
  }
  batches_per_epoch_ = std::max((chunks + p_ - 1) / p_, most);
  cached_epoch_ = -1;
}

namespace {

// K rows of `rows`: `start` first (as given), topped up from the rest without replacement, then with.
std::vector<int64_t> fill_chunk(std::vector<int64_t> chunk, const std::vector<int64_t>& rows, int64_t k,
                                std::mt19937_64& rng) {
  if (static_cast<int64_t>(chunk.size()) >= k) return chunk;
  std::vector<int64_t> rest;
  for (int64_t r : rows)
    if (std::find(chunk.begin(), chunk.end(), r) == chunk.end()) rest.push_back(r);
  std::shuffle(rest.begin(), rest.end(), rng);
  for (size_t q = 0; static_cast<int64_t>(chunk.size()) < k && q < rest.size(); ++q) chunk.push_back(rest[q]);
  while (static_cast<int64_t>(chunk.size()) < k)
    chunk.push_back(rows[static_cast<size_t>(uniform_below(rng, static_cast<int64_t>(rows.size())))]);
  return chunk;
}

}  // namespace

std::vector<std::vector<int64_t>> MPerClassSampler::epoch_schedule(int64_t epoch) const {
  auto rng = make_rng(seed_, 0x6d70635fULL, static_cast<uint64_t>(epoch));
  const size_t c = by_class_.size();
  // 1. chunks of K per class
  std::vector<std::vector<std::vector<int64_t>>> chunks(c);
  for (size_t k = 0; k < c; ++k) {
    std::vector<int64_t> order = by_class_[k];
    std::shuffle(order.begin(), order.end(), rng);
    for (size_t s = 0; s < order.size(); s += static_cast<size_t>(k_)) {
      std::vector<int64_t> chunk(order.begin() + static_cast<std::ptrdiff_t>(s),
                                 order.begin() + static_cast<std::ptrdiff_t>(std::min(order.size(), s + k_)));
      chunks[k].push_back(fill_chunk(std::move(chunk), by_class_[k], k_, rng));
    }
  }
  std::vector<size_t> next(c, 0);
  auto remaining = [&](size_t k) { return static_cast<int64_t>(chunks[k].size() - next[k]); };
  // 2./3. deal chunks into batches of P distinct classes
  std::vector<std::vector<int64_t>> batches;
  for (int64_t b = 0; b < batches_per_epoch_; ++b) {
    const int64_t left_batches = batches_per_epoch_ - b;
    std::vector<char> chosen(c, 0);
    std::vector<size_t> picked;
    for (size_t k = 0; k < c && static_cast<int64_t>(picked.size()) < p_; ++k)
      if (remaining(k) >= left_batches) {
        chosen[k] = 1;
        picked.push_back(k);
      }
    while (static_cast<int64_t>(picked.size()) < p_) {
      std::vector<double> w(c, 0.0);
      double total = 0;
      for (size_t k = 0; k < c; ++k)
        if (!chosen[k]) total += (w[k] = static_cast<double>(remaining(k)));
      if (total <= 0) break;
      size_t k = std::discrete_distribution<size_t>(w.begin(), w.end())(rng);
      chosen[k] = 1;
      picked.push_back(k);
    }
    std::vector<int64_t> rows;
    for (size_t k : picked) {
      const auto& chunk = chunks[k][next[k]++];
      rows.insert(rows.end(), chunk.begin(), chunk.end());
    }
    // Too few classes with chunks left: complete the batch with extra visits of other classes.
    while (static_cast<int64_t>(picked.size()) < p_) {
      std::vector<size_t> free;
      for (size_t k = 0; k < c; ++k)
        if (!chosen[k]) free.push_back(k);
      size_t k = free[static_cast<size_t>(uniform_below(rng, static_cast<int64_t>(free.size())))];
      chosen[k] = 1;
      picked.push_back(k);
      auto chunk = fill_chunk({}, by_class_[k], k_, rng);
      rows.insert(rows.end(), chunk.begin(), chunk.end());
    }
    batches.push_back(std::move(rows));
  }
  return batches;
}

Batch MPerClassSampler::batch(int64_t iteration) const {
  const int64_t epoch = iteration / batches_per_epoch_;
  if (epoch != cached_epoch_) {
    cached_ = epoch_schedule(epoch);
    cached_epoch_ = epoch;
  }
  Batch b;
  b.rows = to_long_tensor(cached_[static_cast<size_t>(iteration % batches_per_epoch_)]);
  b.labels = y_.index_select(0, b.rows);
  return b;
}

SamplerRegistry::Entry m_per_class_entry() {
  return {"m_per_class",
          "P classes x K examples per batch, every example once per epoch; tuples formed in the batch by a miner",
          {integer("classes_per_batch", 8, "P: distinct classes in a batch").at_least(1),
           integer("per_class", 8, "K: examples of each class (a smaller class repeats examples)").at_least(1)},
          [](const Params& p) { return std::make_shared<MPerClassSampler>(p.i("classes_per_batch"), p.i("per_class")); }};
}

}  // namespace siamese
