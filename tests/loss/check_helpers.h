// Shared checks for the loss and distance tests (header-only, included by tests/loss and tests/distance):
//   * check_gradients: double-precision central finite differences against autograd, for any scalar
//     function of a set of leaf tensors. Coordinates where the function has a kink within ±h (hinges,
//     |x| at 0) are detected by comparing the difference quotients at h and h/2 and skipped, as Caffe's
//     checker does; the caller asserts that few were skipped.
//   * check_schema: config round-trip (defaults -> values -> make_params -> same values) and rejection of
//     out-of-range / wrongly typed values (ConfigError), for any registered component.
// How to add a test for a new loss or distance: nothing — the sweep tests iterate the registries.
#pragma once

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <functional>
#include <string>
#include <vector>

#include "siamese/core/error.h"
#include "siamese/core/params.h"
#include "siamese/core/registry.h"

namespace siamese::checks {

struct GradCheck {
  int64_t checked = 0;
  int64_t skipped = 0;     // coordinates at a kink
  double max_error = 0;    // largest |analytic - numeric| / max(1, |numeric|)
  std::string worst;       // where max_error occurred
};

// f: the scalar (a 0-d double tensor) as a function of the current values of `leaves` (leaf tensors with
// requires_grad). Perturbs each element of each leaf in place (restoring it) and compares with autograd.
inline GradCheck check_gradients(const std::function<torch::Tensor()>& f, const std::vector<torch::Tensor>& leaves,
                                 double h = 1e-6) {
  for (auto& p : leaves)
    if (p.grad().defined()) p.grad().zero_();
  f().backward();
  std::vector<torch::Tensor> analytic;
  for (auto& p : leaves) analytic.push_back(p.grad().defined() ? p.grad().clone() : torch::zeros_like(p));
  GradCheck r;
  torch::NoGradGuard no_grad;
  auto value_at = [&](torch::Tensor& flat, int64_t k, double delta) {
    flat[k].add_(delta);
    double v = f().item<double>();
    flat[k].sub_(delta);
    return v;
  };
  for (size_t t = 0; t < leaves.size(); ++t) {
    torch::Tensor p = leaves[t];
    auto flat = p.view({-1});
    auto a = analytic[t].reshape({-1});
    for (int64_t k = 0; k < flat.numel(); ++k) {
      const double fd = (value_at(flat, k, h) - value_at(flat, k, -h)) / (2 * h);
      const double fd_half = (value_at(flat, k, h / 2) - value_at(flat, k, -h / 2)) / h;
      if (std::abs(fd - fd_half) > 1e-4 * std::max(1.0, std::abs(fd))) {
        ++r.skipped;
        continue;
      }
      ++r.checked;
      const double err = std::abs(a[k].item<double>() - fd) / std::max(1.0, std::abs(fd));
      if (err > r.max_error) {
        r.max_error = err;
        r.worst = str("leaf ", t, " element ", k, ": autograd ", a[k].item<double>(), ", numeric ", fd);
      }
    }
  }
  return r;
}

inline Value out_of_range_below(const ParamSpec& s) {
  const double lo = *s.min;
  if (s.type == ParamType::kInt) return static_cast<int64_t>(s.min_exclusive ? lo : lo - 1);
  return s.min_exclusive ? lo : lo - 1e-3 * std::max(1.0, std::abs(lo));
}

inline Value out_of_range_above(const ParamSpec& s) {
  const double hi = *s.max;
  if (s.type == ParamType::kInt) return static_cast<int64_t>(hi + 1);
  return hi + 1e-3 * std::max(1.0, std::abs(hi));
}

inline Value wrong_type(const ParamSpec& s) {
  if (s.type == ParamType::kString) return int64_t{1};
  return std::string("not a number");
}

// A valid value different from the default (to check that values, not only defaults, round-trip).
inline Value another_valid(const ParamSpec& s) {
  switch (s.type) {
    case ParamType::kBool: return !std::get<bool>(s.default_value);
    case ParamType::kInt: {
      int64_t v = std::get<int64_t>(s.default_value) + 1;
      if (s.max && static_cast<double>(v) > *s.max) v -= 2;
      return v;
    }
    case ParamType::kFloat: {
      double d = std::get<double>(s.default_value);
      double v = d == 0 ? 0.5 : d * 1.5;
      if (s.max && v > *s.max) v = (d + (s.min ? *s.min : d - 1)) / 2;
      return v;
    }
    case ParamType::kString:
      if (s.choices.size() > 1) return s.choices[0] == std::get<std::string>(s.default_value) ? s.choices[1] : s.choices[0];
      return s.default_value;
  }
  return s.default_value;
}

inline void check_schema(const ComponentInfo& info) {
  SCOPED_TRACE(info.name);
  EXPECT_FALSE(info.summary.empty());
  // defaults -> values -> make_params -> same values
  Params defaults = make_params(info.schema);
  EXPECT_EQ(defaults.values().size(), info.schema.size());
  Params again = make_params(info.schema, defaults.values());
  EXPECT_EQ(again.values(), defaults.values());
  for (const auto& s : info.schema) {
    SCOPED_TRACE(s.name);
    EXPECT_FALSE(s.summary.empty());
    Value v = another_valid(s);
    Params changed = make_params(info.schema, {{s.name, v}});
    Params changed_again = make_params(info.schema, changed.values());
    EXPECT_EQ(changed_again.values(), changed.values());
    EXPECT_EQ(changed.values().at(s.name), v);
    if (s.min) {
      EXPECT_THROW(make_params(info.schema, {{s.name, out_of_range_below(s)}}), ConfigError);
    }
    if (s.max) {
      EXPECT_THROW(make_params(info.schema, {{s.name, out_of_range_above(s)}}), ConfigError);
    }
    if (!s.choices.empty()) {
      EXPECT_THROW(make_params(info.schema, {{s.name, std::string("__no_such_choice__")}}), ConfigError);
    }
    EXPECT_THROW(make_params(info.schema, {{s.name, wrong_type(s)}}), ConfigError);
  }
  EXPECT_THROW(make_params(info.schema, {{"__no_such_key__", 1.0}}), ConfigError);
}

}  // namespace siamese::checks
