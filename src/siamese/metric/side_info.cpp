#include "siamese/metric/side_info.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <set>
#include <utility>

#include "siamese/core/error.h"

namespace siamese {

namespace {

class UnionFind {
 public:
  explicit UnionFind(int64_t n) : parent_(static_cast<size_t>(n)), components_(n) {
    std::iota(parent_.begin(), parent_.end(), 0);
  }
  int64_t find(int64_t a) {
    while (parent_[a] != a) {
      parent_[a] = parent_[parent_[a]];  // path halving keeps the trees flat
      a = parent_[a];
    }
    return a;
  }
  void unite(int64_t a, int64_t b) {
    a = find(a);
    b = find(b);
    if (a == b) return;
    parent_[b] = a;
    --components_;
  }
  int64_t components() const { return components_; }

 private:
  std::vector<int64_t> parent_;
  int64_t components_;
};

torch::Tensor to_pair_tensor(const std::vector<int64_t>& flat) {
  return torch::tensor(flat, torch::kInt64).reshape({static_cast<int64_t>(flat.size() / 2), 2});
}

std::vector<int64_t> labels_of(const torch::Tensor& y) {
  SIAMESE_CHECK(y.defined() && y.dim() == 1, DataError, "labels must be a 1-D tensor");
  torch::Tensor yc = y.to(torch::kInt64).contiguous();
  return std::vector<int64_t>(yc.data_ptr<int64_t>(), yc.data_ptr<int64_t>() + yc.numel());
}

torch::Tensor class_pairs(const torch::Tensor& y, bool same) {
  std::vector<int64_t> lab = labels_of(y);
  std::vector<int64_t> flat;
  const int64_t n = static_cast<int64_t>(lab.size());
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = i + 1; j < n; ++j)
      if ((lab[i] == lab[j]) == same) {
        flat.push_back(i);
        flat.push_back(j);
      }
  return to_pair_tensor(flat);
}

}  // namespace

std::vector<int64_t> connected_components(int64_t n, const torch::Tensor& pairs) {
  UnionFind uf(n);
  if (pairs.defined() && pairs.numel() > 0) {
    torch::Tensor p = pairs.to(torch::kInt64).contiguous();
    auto a = p.accessor<int64_t, 2>();
    for (int64_t r = 0; r < p.size(0); ++r) {
      SIAMESE_CHECK(a[r][0] >= 0 && a[r][0] < n && a[r][1] >= 0 && a[r][1] < n, DataError, "pair ", r, " (",
                    a[r][0], ", ", a[r][1], ") is out of range for ", n, " points");
      uf.unite(a[r][0], a[r][1]);
    }
  }
  std::vector<int64_t> id(static_cast<size_t>(n), -1), root_id(static_cast<size_t>(n), -1);
  int64_t next = 0;
  for (int64_t i = 0; i < n; ++i) {
    int64_t r = uf.find(i);
    if (root_id[r] < 0) root_id[r] = next++;
    id[i] = root_id[r];
  }
  return id;
}

torch::Tensor same_class_pairs(const torch::Tensor& y) { return class_pairs(y, true); }
torch::Tensor different_class_pairs(const torch::Tensor& y) { return class_pairs(y, false); }

torch::Tensor pairs_not_in(int64_t n, const torch::Tensor& excluded) {
  std::set<std::pair<int64_t, int64_t>> skip;
  if (excluded.defined() && excluded.numel() > 0) {
    torch::Tensor e = excluded.to(torch::kInt64).contiguous();
    auto a = e.accessor<int64_t, 2>();
    for (int64_t r = 0; r < e.size(0); ++r) skip.insert({std::min(a[r][0], a[r][1]), std::max(a[r][0], a[r][1])});
  }
  std::vector<int64_t> flat;
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = i + 1; j < n; ++j)
      if (!skip.count({i, j})) {
        flat.push_back(i);
        flat.push_back(j);
      }
  return to_pair_tensor(flat);
}

torch::Tensor xing_similar_pairs(const torch::Tensor& y, double component_fraction, uint64_t seed) {
  SIAMESE_CHECK(component_fraction > 0 && component_fraction <= 1, ConfigError,
                "component fraction must be in (0, 1], got ", component_fraction);
  std::vector<int64_t> lab = labels_of(y);
  const int64_t n = static_cast<int64_t>(lab.size());
  torch::Tensor all = same_class_pairs(y).contiguous();
  std::vector<int64_t> order(static_cast<size_t>(all.size(0)));
  std::iota(order.begin(), order.end(), 0);
  std::mt19937_64 rng(seed);
  std::shuffle(order.begin(), order.end(), rng);
  // Components can never drop below the number of classes, whatever S is.
  std::set<int64_t> classes(lab.begin(), lab.end());
  const int64_t target = std::max<int64_t>(static_cast<int64_t>(classes.size()),
                                           std::llround(component_fraction * static_cast<double>(n)));
  UnionFind uf(n);
  auto a = all.accessor<int64_t, 2>();
  std::vector<int64_t> flat;
  for (int64_t r : order) {
    if (uf.components() <= target) break;
    uf.unite(a[r][0], a[r][1]);
    flat.push_back(a[r][0]);
    flat.push_back(a[r][1]);
  }
  return to_pair_tensor(flat);
}

torch::Tensor subsample_pairs(const torch::Tensor& pairs, int64_t max_rows, uint64_t seed) {
  if (max_rows <= 0 || pairs.size(0) <= max_rows) return pairs;
  std::vector<int64_t> order(static_cast<size_t>(pairs.size(0)));
  std::iota(order.begin(), order.end(), 0);
  std::mt19937_64 rng(seed);
  std::shuffle(order.begin(), order.end(), rng);
  order.resize(static_cast<size_t>(max_rows));
  std::sort(order.begin(), order.end());
  return pairs.index_select(0, torch::tensor(order, torch::kInt64));
}

PairSets pairs_from_labels(const torch::Tensor& y, const std::string& similar, const std::string& dissimilar,
                           int64_t max_pairs, uint64_t seed) {
  PairSets out;
  if (similar == "all")
    out.similar = same_class_pairs(y);
  else if (similar == "much")
    out.similar = xing_similar_pairs(y, 0.7, seed);
  else if (similar == "little")
    out.similar = xing_similar_pairs(y, 0.9, seed);
  else
    throw ConfigError(str("unknown similar-pair rule '", similar, "' (known: all, much, little)"));
  out.similar = subsample_pairs(out.similar, max_pairs, seed + 1);
  if (dissimilar == "different-class")
    out.dissimilar = different_class_pairs(y);
  else if (dissimilar == "not-similar")
    out.dissimilar = pairs_not_in(y.size(0), out.similar);
  else
    throw ConfigError(str("unknown dissimilar-pair rule '", dissimilar, "' (known: different-class, not-similar)"));
  out.dissimilar = subsample_pairs(out.dissimilar, max_pairs, seed + 2);
  SIAMESE_CHECK(out.similar.size(0) > 0, DataError, "no similar pairs: every class has a single example");
  SIAMESE_CHECK(out.dissimilar.size(0) > 0, DataError, "no dissimilar pairs: the data has a single class");
  return out;
}

}  // namespace siamese
