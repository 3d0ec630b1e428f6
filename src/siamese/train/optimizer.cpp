#include "siamese/train/optimizer.h"

#include <cmath>

#include "siamese/core/error.h"

namespace siamese {

Optimizer::Optimizer(std::vector<ParamGroup> groups, const Params& p)
    : groups_(std::move(groups)),
      type_(p.s("type")),
      momentum_(p.f("momentum")),
      beta2_(p.f("beta2")),
      weight_decay_(p.f("weight_decay")),
      clip_(p.f("clip_grad_norm")) {
  for (const auto& g : groups_)
    for (const auto& w : g.params) {
      m_.push_back(torch::zeros_like(w));
      if (type_ == "adam") v_.push_back(torch::zeros_like(w));
    }
}

void Optimizer::zero_grad() {
  for (auto& g : groups_)
    for (auto& w : g.params)
      if (w.grad().defined()) w.mutable_grad().zero_();
}

double Optimizer::step(double lr) {
  torch::NoGradGuard guard;
  // The global norm costs a pass and a sync per tensor: computed only when clipping needs it.
  double norm = 0;
  if (clip_ > 0) {
    double sq = 0;
    for (auto& g : groups_)
      for (auto& w : g.params)
        if (w.grad().defined()) sq += w.grad().pow(2).sum().item<double>();
    norm = std::sqrt(sq);
  }
  const double scale = (clip_ > 0 && norm > clip_) ? clip_ / norm : 1.0;
  ++steps_;
  size_t k = 0;
  for (auto& g : groups_) {
    for (auto& w : g.params) {
      const size_t idx = k++;
      if (!w.grad().defined()) continue;
      auto grad = scale == 1.0 ? w.grad() : w.grad() * scale;
      const double wd = weight_decay_ * g.decay_mult;
      if (wd != 0) grad = grad + wd * w;
      const double rate = lr * g.lr_mult;
      if (type_ == "sgd") {
        m_[idx].mul_(momentum_).add_(grad, rate);
        w.sub_(m_[idx]);
      } else {
        m_[idx].mul_(momentum_).add_(grad, 1 - momentum_);
        v_[idx].mul_(beta2_).addcmul_(grad, grad, 1 - beta2_);
        const double bc1 = 1 - std::pow(momentum_, static_cast<double>(steps_));
        const double bc2 = 1 - std::pow(beta2_, static_cast<double>(steps_));
        auto denom = (v_[idx] / bc2).sqrt().add_(1e-8);
        w.addcdiv_(m_[idx], denom, -rate / bc1);
      }
    }
  }
  return norm;
}

std::vector<torch::Tensor> Optimizer::state() const {
  std::vector<torch::Tensor> s = m_;
  s.insert(s.end(), v_.begin(), v_.end());
  s.push_back(torch::tensor(steps_, torch::kLong));
  return s;
}

void Optimizer::load_state(const std::vector<torch::Tensor>& s) {
  SIAMESE_CHECK(s.size() == m_.size() + v_.size() + 1, DataError,
                "checkpoint optimizer state has ", s.size(), " tensors, expected ", m_.size() + v_.size() + 1,
                " (different model or optimizer?)");
  torch::NoGradGuard guard;
  for (size_t k = 0; k < m_.size(); ++k) {
    SIAMESE_CHECK(s[k].sizes() == m_[k].sizes(), DataError, "checkpoint optimizer state: shape mismatch");
    m_[k].copy_(s[k]);
  }
  for (size_t k = 0; k < v_.size(); ++k) v_[k].copy_(s[m_.size() + k]);
  steps_ = s.back().item<int64_t>();
}

double learning_rate(const Params& s, double base, int64_t t, int64_t total) {
  const std::string& policy = s.s("policy");
  const double it = static_cast<double>(t);
  if (policy == "fixed") return base;
  if (policy == "inv") return base * std::pow(1.0 + s.f("gamma") * it, -s.f("power"));
  if (policy == "step") return base * std::pow(s.f("gamma"), std::floor(it / static_cast<double>(s.i("step_size"))));
  if (policy == "exp") return base * std::pow(s.f("gamma"), it);
  if (policy == "poly") return base * std::pow(std::max(0.0, 1.0 - it / static_cast<double>(total)), s.f("power"));
  throw ConfigError(str("unknown learning-rate policy '", policy, "'"));
}

}  // namespace siamese
