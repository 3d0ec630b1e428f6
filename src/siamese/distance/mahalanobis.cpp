#include "siamese/distance/mahalanobis.h"

#include "siamese/core/error.h"
#include "siamese/distance/blocks.h"
#include "siamese/distance/mahalanobis_model.h"

namespace siamese {

MahalanobisDistance::MahalanobisDistance(const torch::Tensor& L0, bool squared, double eps)
    : squared_(squared), eps_(eps) {
  L_ = register_parameter("L", L0.clone());
}

torch::Tensor MahalanobisDistance::pairwise(const torch::Tensor& q, const torch::Tensor& r) const {
  auto lt = L_.t().to(q.scalar_type());
  auto qt = q.matmul(lt), rt = r.matmul(lt);
  auto d2 = detail::pairwise_in_blocks(qt, rt, [](const torch::Tensor& qb, const torch::Tensor& rr) {
    return (qb.unsqueeze(1) - rr.unsqueeze(0)).pow(2).sum(-1);
  });
  return squared_ ? d2 : (d2 + eps_).sqrt();
}

torch::Tensor MahalanobisDistance::paired(const torch::Tensor& a, const torch::Tensor& b) const {
  auto d2 = (a - b).matmul(L_.t().to(a.scalar_type())).pow(2).sum(-1);
  return squared_ ? d2 : (d2 + eps_).sqrt();
}

DistanceRegistry::Entry mahalanobis_entry() {
  return {"mahalanobis",
          "learnable ||L(x - y)|| with M = L^T L (PSD by construction), L of rank r; trains with the branch",
          {integer("rank", 0, "rows r of L (0 = full rank, r = embedding dim)").at_least(0),
           text("init", "", "JSON model from `siamese fit-metric` to start from (empty = identity)"),
           boolean("squared", false, "return ||L(x - y)||² instead of its square root"),
           real("eps", 1e-12, "added under the square root (unsquared form)").at_least(0)},
          [](const Params& p, int64_t dim) -> std::shared_ptr<Distance> {
            SIAMESE_CHECK(dim > 0, ConfigError, "mahalanobis needs the embedding width (got ", dim, ")");
            int64_t rank = p.i("rank");
            SIAMESE_CHECK(rank <= dim, ConfigError, "mahalanobis rank = ", rank, " exceeds the embedding width ",
                          dim);
            torch::Tensor L0;
            if (!p.s("init").empty()) {
              auto model = MahalanobisModel::load(p.s("init"));
              SIAMESE_CHECK(model.dim() == dim, ConfigError, "mahalanobis init '", p.s("init"), "' is ", model.dim(),
                            "-D but the embeddings are ", dim, "-D");
              SIAMESE_CHECK(rank == 0 || rank == model.L.size(0), ConfigError, "mahalanobis rank = ", rank,
                            " but init '", p.s("init"), "' has rank ", model.L.size(0));
              L0 = model.L.to(torch::kFloat);
            } else {
              if (rank == 0) rank = dim;
              L0 = torch::eye(rank, dim, torch::kFloat);
            }
            return std::make_shared<MahalanobisDistance>(L0, p.b("squared"), p.f("eps"));
          }};
}

}  // namespace siamese
