#include "siamese/distance/euclidean.h"

namespace siamese {

namespace {
// ||q_i - r_j||^2 computed exactly as a difference (not the expanded q^2 + r^2 - 2qr form, which loses
// precision and can go negative); blockwise over q so memory stays bounded for large nr.
torch::Tensor pairwise_sq(const torch::Tensor& q, const torch::Tensor& r) {
  const int64_t block = std::max<int64_t>(1, (1 << 22) / std::max<int64_t>(1, r.size(0) * q.size(1)));
  if (q.size(0) <= block) return (q.unsqueeze(1) - r.unsqueeze(0)).pow(2).sum(-1);
  std::vector<torch::Tensor> parts;
  for (int64_t s = 0; s < q.size(0); s += block)
    parts.push_back((q.slice(0, s, s + block).unsqueeze(1) - r.unsqueeze(0)).pow(2).sum(-1));
  return torch::cat(parts);
}
}  // namespace

torch::Tensor EuclideanDistance::pairwise(const torch::Tensor& q, const torch::Tensor& r) const {
  return (pairwise_sq(q, r) + eps_).sqrt();
}
torch::Tensor EuclideanDistance::paired(const torch::Tensor& a, const torch::Tensor& b) const {
  return ((a - b).pow(2).sum(-1) + eps_).sqrt();
}

torch::Tensor SquaredEuclideanDistance::pairwise(const torch::Tensor& q, const torch::Tensor& r) const {
  return pairwise_sq(q, r);
}
torch::Tensor SquaredEuclideanDistance::paired(const torch::Tensor& a, const torch::Tensor& b) const {
  return (a - b).pow(2).sum(-1);
}

torch::Tensor CosineSimilarity::pairwise(const torch::Tensor& q, const torch::Tensor& r) const {
  auto qn = q / (q.pow(2).sum(-1, true) + eps_).sqrt();
  auto rn = r / (r.pow(2).sum(-1, true) + eps_).sqrt();
  return qn.matmul(rn.t());
}
torch::Tensor CosineSimilarity::paired(const torch::Tensor& a, const torch::Tensor& b) const {
  auto an = a / (a.pow(2).sum(-1, true) + eps_).sqrt();
  auto bn = b / (b.pow(2).sum(-1, true) + eps_).sqrt();
  return (an * bn).sum(-1);
}

DistanceRegistry::Entry euclidean_entry() {
  return {"euclidean", "L2 distance sqrt(||x - y||^2 + eps); eps keeps the gradient finite at 0",
          {real("eps", 1e-12, "added under the square root").at_least(0)},
          [](const Params& p, int64_t) { return std::make_shared<EuclideanDistance>(p.f("eps")); }};
}
DistanceRegistry::Entry squared_euclidean_entry() {
  return {"squared_euclidean", "squared L2 distance ||x - y||^2", {},
          [](const Params&, int64_t) { return std::make_shared<SquaredEuclideanDistance>(); }};
}
DistanceRegistry::Entry cosine_entry() {
  return {"cosine", "cosine similarity x.y / (|x||y|) (a similarity: larger = closer)",
          {real("eps", 1e-12, "added to the squared norms").at_least(0)},
          [](const Params& p, int64_t) { return std::make_shared<CosineSimilarity>(p.f("eps")); }};
}

}  // namespace siamese
