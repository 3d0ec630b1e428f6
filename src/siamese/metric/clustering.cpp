#include "siamese/metric/clustering.h"

#include <algorithm>
#include <limits>
#include <map>
#include <numeric>
#include <random>

#include "siamese/core/error.h"
#include "siamese/metric/side_info.h"

namespace siamese {

namespace {

std::vector<int64_t> to_vector(const torch::Tensor& t) {
  torch::Tensor c = t.to(torch::kInt64).contiguous();
  return std::vector<int64_t>(c.data_ptr<int64_t>(), c.data_ptr<int64_t>() + c.numel());
}

// Squared Euclidean distances [q, m], clamped at 0 (the expanded form can round below it).
torch::Tensor squared_distances(const torch::Tensor& a, const torch::Tensor& b) {
  torch::Tensor d = a.square().sum(1, true) + b.square().sum(1).unsqueeze(0) - 2 * a.matmul(b.t());
  return d.clamp_min(0);
}

}  // namespace

torch::Tensor constrained_kmeans(const torch::Tensor& x, int64_t clusters, const torch::Tensor& similar,
                                 const KMeansOptions& opt) {
  SIAMESE_CHECK(x.dim() == 2 && x.size(0) > 0, DataError, "k-means: x must be a non-empty [n, d] tensor");
  const int64_t n = x.size(0);
  SIAMESE_CHECK(clusters >= 1 && clusters <= n, ConfigError, "k-means: clusters must be in [1, ", n, "], got ",
                clusters);
  torch::Tensor xd = x.to(torch::kFloat64).contiguous();
  std::vector<int64_t> comp = connected_components(n, similar);
  const int64_t nc = *std::max_element(comp.begin(), comp.end()) + 1;
  SIAMESE_CHECK(nc >= clusters, DataError, "constrained k-means: the similar pairs leave ", nc,
                " components, fewer than ", clusters, " clusters");
  torch::Tensor comp_t = torch::tensor(comp, torch::kInt64);
  // Per-component sums make a component's summed squared distance to centroid mu
  //   sum_i |x_i|^2 - 2 mu . sum_i x_i + size |mu|^2
  // without touching its members again.
  torch::Tensor sums = torch::zeros({nc, xd.size(1)}, torch::kFloat64).index_add_(0, comp_t, xd);
  torch::Tensor sizes = torch::zeros({nc}, torch::kFloat64).index_add_(0, comp_t, torch::ones({n}, torch::kFloat64));
  torch::Tensor sumsq = torch::zeros({nc}, torch::kFloat64).index_add_(0, comp_t, xd.square().sum(1));

  std::mt19937_64 rng(opt.seed);
  torch::Tensor best_assign;
  double best_inertia = std::numeric_limits<double>::infinity();
  for (int64_t restart = 0; restart < std::max<int64_t>(1, opt.restarts); ++restart) {
    // k-means++ seeding on the points.
    std::vector<int64_t> seeds;
    seeds.push_back(std::uniform_int_distribution<int64_t>(0, n - 1)(rng));
    torch::Tensor mind = squared_distances(xd, xd.index_select(0, torch::tensor(seeds, torch::kInt64))).squeeze(1);
    while (static_cast<int64_t>(seeds.size()) < clusters) {
      torch::Tensor w = mind.contiguous();
      std::vector<double> weights(w.data_ptr<double>(), w.data_ptr<double>() + n);
      double total = std::accumulate(weights.begin(), weights.end(), 0.0);
      int64_t pick = total > 0 ? std::discrete_distribution<int64_t>(weights.begin(), weights.end())(rng)
                               : std::uniform_int_distribution<int64_t>(0, n - 1)(rng);
      seeds.push_back(pick);
      mind = torch::minimum(mind, squared_distances(xd, xd.slice(0, pick, pick + 1)).squeeze(1));
    }
    torch::Tensor centroids = xd.index_select(0, torch::tensor(seeds, torch::kInt64));
    torch::Tensor assign;
    torch::Tensor cost;
    for (int64_t it = 0; it < opt.max_iter; ++it) {
      cost = sumsq.unsqueeze(1) - 2 * sums.matmul(centroids.t()) +
             sizes.unsqueeze(1) * centroids.square().sum(1).unsqueeze(0);
      torch::Tensor next = cost.argmin(1);
      if (assign.defined() && next.equal(assign)) break;
      assign = next;
      torch::Tensor csum = torch::zeros_like(centroids).index_add_(0, assign, sums);
      torch::Tensor csize = torch::zeros({clusters}, torch::kFloat64).index_add_(0, assign, sizes);
      // An emptied cluster keeps its old centroid rather than becoming NaN.
      torch::Tensor keep = (csize == 0).unsqueeze(1);
      centroids = torch::where(keep, centroids, csum / csize.clamp_min(1).unsqueeze(1));
    }
    cost = sumsq.unsqueeze(1) - 2 * sums.matmul(centroids.t()) +
           sizes.unsqueeze(1) * centroids.square().sum(1).unsqueeze(0);
    assign = cost.argmin(1);
    double inertia = cost.gather(1, assign.unsqueeze(1)).sum().item<double>();
    if (inertia < best_inertia) {
      best_inertia = inertia;
      best_assign = assign;
    }
  }
  return best_assign.index_select(0, comp_t);
}

torch::Tensor kmeans(const torch::Tensor& x, int64_t clusters, const KMeansOptions& opt) {
  return constrained_kmeans(x, clusters, torch::empty({0, 2}, torch::kInt64), opt);
}

double pairwise_clustering_accuracy(const torch::Tensor& truth, const torch::Tensor& found, bool balanced) {
  std::vector<int64_t> c = to_vector(truth), h = to_vector(found);
  SIAMESE_CHECK(c.size() == h.size() && c.size() >= 2, DataError,
                "clustering accuracy: need two label vectors of the same length >= 2");
  // Counting pairs through the contingency table is O(n) instead of O(n^2).
  std::map<int64_t, double> nt, nf;
  std::map<std::pair<int64_t, int64_t>, double> nb;
  for (size_t i = 0; i < c.size(); ++i) {
    nt[c[i]] += 1;
    nf[h[i]] += 1;
    nb[{c[i], h[i]}] += 1;
  }
  auto pairs = [](double m) { return m * (m - 1) / 2; };
  double same_true = 0, same_found = 0, same_both = 0;
  for (auto& kv : nt) same_true += pairs(kv.second);
  for (auto& kv : nf) same_found += pairs(kv.second);
  for (auto& kv : nb) same_both += pairs(kv.second);
  const double total = pairs(static_cast<double>(c.size()));
  const double diff_true = total - same_true;
  const double diff_both = total - same_true - same_found + same_both;
  if (!balanced) return (same_both + diff_both) / total;
  SIAMESE_CHECK(same_true > 0 && diff_true > 0, DataError,
                "balanced clustering accuracy needs both same-class and different-class pairs");
  return 0.5 * same_both / same_true + 0.5 * diff_both / diff_true;
}

}  // namespace siamese
