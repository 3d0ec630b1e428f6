#include "siamese/loss/energy_exp.h"

#include "siamese/core/error.h"
#include "siamese/loss/common.h"

namespace siamese {

EnergyExpLoss::EnergyExpLoss(double q, double q_scale, const std::string& reducer, std::shared_ptr<Distance> distance)
    : PairLoss(reducer, std::move(distance)), q_scale_(q_scale) {
  q_ = register_buffer("q", torch::tensor(q, torch::kDouble));
}

void EnergyExpLoss::estimate_q(const torch::Tensor& embeddings) {
  torch::NoGradGuard no_grad;
  auto x = embeddings.slice(0, 0, std::min<int64_t>(embeddings.size(0), 2000));
  SIAMESE_CHECK(x.size(0) >= 2, ConfigError, "energy_exp: estimating Q needs at least 2 embeddings (or set q)");
  const double emax = distance()->pairwise(x, x).max().item<double>();
  SIAMESE_CHECK(emax > 0, ConfigError,
                "energy_exp: every sample embedding is identical, so Q cannot be estimated; set q explicitly");
  q_.fill_(q_scale_ * emax);
}

void EnergyExpLoss::prepare(const torch::Tensor& sample_embeddings) {
  if (q_.item<double>() <= 0) estimate_q(sample_embeddings);
}

torch::Tensor EnergyExpLoss::pair_terms(const torch::Tensor& e, const torch::Tensor& same) const {
  const double Q = q_.item<double>();
  SIAMESE_ASSERT(Q > 0, "energy_exp used before Q is known");
  return torch::where(same, (2.0 / Q) * e.pow(2), (2.0 * Q) * torch::exp((-2.77 / Q) * e));
}

LossTerms EnergyExpLoss::terms(const LossInput& in) {
  if (q_.item<double>() <= 0) estimate_q(in.embeddings.detach());
  return PairLoss::terms(in);
}

LossRegistry::Entry energy_exp_entry() {
  return {"energy_exp",
          "Chopra 2005: (2/Q)E² genuine, 2Q·exp(-2.77E/Q) impostor; E = L1 energy, Q its upper bound (fixed)",
          {real("q", 0.0, "upper bound Q of the energy (0 = estimate once before training, then frozen)").at_least(0),
           real("q_scale", 1.0, "when estimating: Q = q_scale × the largest energy in the sample").above(0),
           reducer_param()},
          [](const Params& p, const LossContext& ctx) {
            return std::make_shared<EnergyExpLoss>(p.f("q"), p.f("q_scale"), p.s("reducer"),
                                                   distance_or(ctx, "manhattan", "energy_exp"));
          }};
}

}  // namespace siamese
