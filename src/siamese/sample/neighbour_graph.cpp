#include "siamese/sample/neighbour_graph.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <unordered_map>

#include "siamese/core/error.h"
#include "siamese/core/options.h"
#include "siamese/distance/euclidean.h"
#include "siamese/index/exact.h"
#include "siamese/sample/sample_util.h"

namespace siamese {

using namespace sample_detail;

torch::Tensor knn_indices(const torch::Tensor& x, int64_t k, int64_t block_rows) {
  const int64_t n = x.size(0);
  SIAMESE_CHECK(k >= 1 && k < n, ConfigError, "neighbour graph: k = ", k, " needs 1 <= k < N = ", n);
  auto flat = x.reshape({n, -1});
  if (!flat.is_floating_point()) flat = flat.to(torch::kFloat32);
  // Squared Euclidean ranks exactly as Euclidean and needs no root.
  SquaredEuclideanDistance euclidean;
  euclidean.set_name("squared_euclidean");
  const int64_t budget = block_rows > 0 ? block_rows * n * flat.element_size() : kDefaultSearchBudgetBytes;
  return exact_knn(flat, flat, k, euclidean, /*exclude_self=*/true, budget).ids;
}

std::vector<std::vector<int64_t>> neighbour_sets(const torch::Tensor& knn, const torch::Tensor& group) {
  auto kc = knn.to(torch::kLong).contiguous();
  const int64_t n = kc.size(0), k = kc.size(1);
  const int64_t* kp = kc.data_ptr<int64_t>();
  std::vector<std::vector<int64_t>> members;  // rows of each group id
  std::vector<int64_t> gid;
  if (group.defined()) {
    auto gc = group.to(torch::kLong).contiguous();
    SIAMESE_CHECK(gc.numel() == n, DataError, "neighbour graph: group has ", gc.numel(), " entries for ", n, " rows");
    std::unordered_map<int64_t, size_t> slot;
    gid.resize(static_cast<size_t>(n));
    for (int64_t r = 0; r < n; ++r) {
      auto [it, added] = slot.emplace(gc.data_ptr<int64_t>()[r], members.size());
      if (added) members.emplace_back();
      members[it->second].push_back(r);
      gid[static_cast<size_t>(r)] = static_cast<int64_t>(it->second);
    }
  }
  std::vector<std::vector<int64_t>> s(static_cast<size_t>(n));
  auto add = [&](int64_t a, int64_t b) {
    if (a == b) return;
    s[static_cast<size_t>(a)].push_back(b);
    s[static_cast<size_t>(b)].push_back(a);
  };
  for (int64_t i = 0; i < n; ++i) {
    for (int64_t q = 0; q < k; ++q) {
      const int64_t j = kp[i * k + q];
      add(i, j);
      if (!gid.empty())
        for (int64_t m : members[static_cast<size_t>(gid[static_cast<size_t>(j)])]) add(i, m);
    }
    if (!gid.empty())
      for (int64_t m : members[static_cast<size_t>(gid[static_cast<size_t>(i)])]) add(i, m);
  }
  for (auto& v : s) {
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
  }
  return s;
}

void NeighbourGraphSampler::reset(const TensorDataset& train, uint64_t seed) {
  seed_ = seed;
  y_ = train.y;
  SIAMESE_CHECK(!o_.equivalences || train.group.defined(), ConfigError,
                "sampler neighbour_graph: equivalences = true needs a data source that declares groups "
                "(e.g. [data] name = \"shifted\") and a training split kept whole: set [data] val_fraction = 0, "
                "classes = \"\" and limit_train = 0 (use the source's own class selection)");
  auto knn = knn_indices(train.x, o_.k, o_.block_rows);
  sets_ = neighbour_sets(knn, o_.equivalences ? train.group : torch::Tensor());
  edge_a_.clear();
  edge_b_.clear();
  for (size_t i = 0; i < sets_.size(); ++i)
    for (int64_t j : sets_[i])
      if (static_cast<int64_t>(i) < j) {
        edge_a_.push_back(static_cast<int64_t>(i));
        edge_b_.push_back(j);
      }
  bool can_differ = false;
  for (const auto& v : sets_) can_differ |= static_cast<int64_t>(v.size()) + 1 < static_cast<int64_t>(sets_.size());
  SIAMESE_CHECK(o_.similar_fraction >= 1 || can_differ, ConfigError,
                "sampler neighbour_graph: every row neighbours every other one, so no dissimilar pair exists; lower k");
  similar_per_batch_ = std::llround(o_.similar_fraction * static_cast<double>(o_.batch_size));
  const int64_t edges = static_cast<int64_t>(edge_a_.size());
  batches_per_epoch_ = similar_per_batch_ > 0 ? std::max<int64_t>(1, (edges + similar_per_batch_ - 1) / similar_per_batch_) : 1;
  cached_epoch_ = -1;
}

bool NeighbourGraphSampler::is_neighbour(int64_t i, int64_t j) const {
  const auto& v = sets_[static_cast<size_t>(i)];
  return std::binary_search(v.begin(), v.end(), j);
}

Batch NeighbourGraphSampler::batch(int64_t iteration) const {
  const int64_t epoch = iteration / batches_per_epoch_;
  if (epoch != cached_epoch_) {
    cached_order_.resize(edge_a_.size());
    std::iota(cached_order_.begin(), cached_order_.end(), 0);
    auto rng = make_rng(seed_, 0x6e67ULL, static_cast<uint64_t>(epoch));
    std::shuffle(cached_order_.begin(), cached_order_.end(), rng);
    cached_epoch_ = epoch;
  }
  const int64_t b = o_.batch_size, n = static_cast<int64_t>(sets_.size());
  const int64_t edges = static_cast<int64_t>(edge_a_.size());
  const int64_t start = (iteration % batches_per_epoch_) * similar_per_batch_;
  auto rng = make_rng(seed_, 0x6e6764ULL, static_cast<uint64_t>(iteration));
  std::vector<int64_t> rows(static_cast<size_t>(2 * b));
  std::vector<char> same(static_cast<size_t>(b), 0);
  for (int64_t k = 0; k < b; ++k) {
    int64_t i, j;
    if (k < similar_per_batch_ && edges > 0) {
      // The last batch of an epoch wraps around to the start of the shuffled order.
      const int64_t e = cached_order_[static_cast<size_t>((start + k) % edges)];
      i = edge_a_[static_cast<size_t>(e)];
      j = edge_b_[static_cast<size_t>(e)];
      if (rng() & 1) std::swap(i, j);
      same[static_cast<size_t>(k)] = 1;
    } else {
      do {
        i = uniform_below(rng, n);
        j = uniform_below(rng, n);
      } while (i == j || is_neighbour(i, j));
    }
    rows[static_cast<size_t>(k)] = i;
    rows[static_cast<size_t>(b + k)] = j;
  }
  Batch out;
  out.rows = to_long_tensor(rows);
  out.labels = y_.index_select(0, out.rows);
  out.pairs = side_by_side_pair_indices(
      torch::tensor(std::vector<int64_t>(same.begin(), same.end()), torch::kLong).to(torch::kBool));
  return out;
}

namespace {

const OptionBinder<NeighbourGraphSampler::Options>& neighbour_graph_binder() {
  static const auto b = [] {
    using O = NeighbourGraphSampler::Options;
    OptionBinder<O> b;
    b.add("batch_size", &O::batch_size, "pairs per batch").at_least(1);
    b.add("k", &O::k, "nearest neighbours of each row (Euclidean, input space)").at_least(1);
    b.add("similar_fraction", &O::similar_fraction, "share of similar (neighbour) pairs in a batch").at_least(0).at_most(1);
    b.add("equivalences", &O::equivalences,
          "also pair each row with its declared equivalents and those of its neighbours (data group ids)");
    b.add("block_rows", &O::block_rows, "rows per kNN block (0 = auto, bounded memory)").at_least(0);
    return b;
  }();
  return b;
}

}  // namespace

SamplerRegistry::Entry neighbour_graph_entry() {
  return {"neighbour_graph",
          "DrLIM: similar = k nearest neighbours in input space (+ declared equivalences), dissimilar = the rest",
          neighbour_graph_binder().schema(),
          [](const Params& p) { return std::make_shared<NeighbourGraphSampler>(neighbour_graph_binder().bind(p)); }};
}

}  // namespace siamese
