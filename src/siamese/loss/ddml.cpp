#include "siamese/loss/ddml.h"

#include "siamese/loss/common.h"

namespace siamese {

DdmlLoss::DdmlLoss(double tau, double beta, double lambda, bool learn_tau, const std::string& reducer,
                   std::shared_ptr<Distance> distance)
    : PairLoss(reducer, std::move(distance)), beta_(beta), lambda_(lambda) {
  auto t = torch::tensor(tau, torch::kFloat);
  tau_ = learn_tau ? register_parameter("tau", t) : register_buffer("tau", t);
}

torch::Tensor DdmlLoss::pair_terms(const torch::Tensor& d, const torch::Tensor& same) const {
  auto d2 = d.pow(2);
  auto ell = torch::where(same, torch::ones_like(d2), -torch::ones_like(d2));
  auto z = 1.0 - ell * (tau_.to(d2.scalar_type()) - d2);
  return 0.5 * torch::softplus(z, beta_, /*threshold=*/20.0);
}

torch::Tensor DdmlLoss::penalty(const torch::TensorOptions& options) const {
  auto total = torch::zeros({}, options);
  if (lambda_ == 0) return total;
  for (const auto& p : penalized_) total = total + p.pow(2).sum().to(options.dtype());
  return 0.5 * lambda_ * total;
}

torch::Tensor DdmlLoss::forward(const LossInput& in) {
  return PairLoss::forward(in) + penalty(in.embeddings.options());
}

LossRegistry::Entry ddml_entry() {
  return {"ddml",
          "Hu 2014 DDML: ½g(1 - ℓ(τ - d²)), g = softplus_β, ℓ = ±1, + (λ/2)Σ||W||² on set_penalized_parameters",
          {real("tau", 3.0, "threshold τ on the squared distance").above(0),
           real("beta", 2.0, "sharpness β of the smooth hinge g").above(0),
           real("lambda", 1e-2, "weight λ of the penalty (λ/2)Σ||W||² on the branch's parameters").at_least(0),
           boolean("learn_tau", false, "train τ by gradient (an extension; the paper fixes τ)"), reducer_param()},
          [](const Params& p, const LossContext& ctx) {
            return std::make_shared<DdmlLoss>(p.f("tau"), p.f("beta"), p.f("lambda"), p.b("learn_tau"),
                                              p.s("reducer"), distance_or(ctx, "euclidean", "ddml"));
          }};
}

}  // namespace siamese
