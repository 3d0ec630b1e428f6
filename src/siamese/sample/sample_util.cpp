#include "siamese/sample/sample_util.h"

#include "siamese/core/error.h"

namespace siamese::sample_detail {

namespace {
uint64_t splitmix(uint64_t z) {
  z += 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}
}  // namespace

uint64_t mix_seed(uint64_t seed, uint64_t stream, uint64_t index) {
  return splitmix(splitmix(splitmix(seed) ^ stream) ^ index);
}

std::vector<std::vector<int64_t>> rows_by_class(const torch::Tensor& y) {
  auto yc = y.to(torch::kLong).contiguous();
  const int64_t n = yc.numel();
  const int64_t* yp = yc.data_ptr<int64_t>();
  int64_t classes = 0;
  for (int64_t k = 0; k < n; ++k) classes = std::max(classes, yp[k] + 1);
  std::vector<std::vector<int64_t>> out(static_cast<size_t>(classes));
  for (int64_t k = 0; k < n; ++k) out[static_cast<size_t>(yp[k])].push_back(k);
  return out;
}

void check_fits_data(const std::string& key, int64_t value, double available, const std::string& what) {
  if (static_cast<double>(value) <= available) return;
  std::ostringstream os;
  os.precision(available < 1e15 ? 15 : 3);
  os << available;
  throw ConfigError(str("sampler.", key, " = ", value, " is larger than the ", os.str(), " ", what));
}

torch::Tensor to_long_tensor(const std::vector<int64_t>& v) {
  if (v.empty()) return torch::empty({0}, torch::kLong);
  return torch::tensor(v, torch::kLong);
}

Pairs side_by_side_pair_indices(const torch::Tensor& same) {
  const int64_t n = same.size(0);
  Pairs pairs;
  pairs.first = torch::arange(n, torch::kLong);
  pairs.second = torch::arange(n, 2 * n, torch::kLong);
  pairs.same = same;
  return pairs;
}

Batch side_by_side_pairs(const std::vector<int64_t>& rows, const torch::Tensor& y) {
  const int64_t n = static_cast<int64_t>(rows.size()) / 2;
  Batch b;
  b.rows = to_long_tensor(rows);
  b.labels = y.index_select(0, b.rows);
  b.pairs = side_by_side_pair_indices(b.labels.slice(0, 0, n) == b.labels.slice(0, n, 2 * n));
  return b;
}

Triplets side_by_side_triplets(int64_t n) {
  Triplets t;
  t.anchor = torch::arange(n, torch::kLong);
  t.positive = torch::arange(n, 2 * n, torch::kLong);
  t.negative = torch::arange(2 * n, 3 * n, torch::kLong);
  return t;
}

}  // namespace siamese::sample_detail
