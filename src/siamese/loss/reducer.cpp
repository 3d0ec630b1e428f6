#include "siamese/loss/reducer.h"

#include <algorithm>

#include "siamese/core/error.h"

namespace siamese {

namespace {

// Σ t / count, or the (zero) sum itself when count is 0: keeps the graph, never divides by zero.
torch::Tensor sum_over(const torch::Tensor& t, const torch::Tensor& count) {
  return t.sum() / count.clamp_min(1).to(t.scalar_type());
}

torch::Tensor mean_of(const torch::Tensor& t) { return t.numel() == 0 ? t.sum() : t.mean(); }
torch::Tensor nonzero_mean_of(const torch::Tensor& t) { return sum_over(t, (t > 0).sum()); }

template <class F>
class Simple : public Reducer {
 public:
  explicit Simple(F f) : f_(std::move(f)) {}
  torch::Tensor reduce(const torch::Tensor& terms, const torch::Tensor& same) const override {
    SIAMESE_ASSERT(terms.dim() == 1, "reducer: terms must be 1-D");
    return f_(terms);
  }

 private:
  F f_;
};

// Same-pair and different-pair terms reduced separately by `group`, then added.
template <class F>
class PosNeg : public Reducer {
 public:
  PosNeg(std::string name, F group) : name_(std::move(name)), group_(std::move(group)) {}
  bool needs_same() const override { return true; }
  torch::Tensor reduce(const torch::Tensor& terms, const torch::Tensor& same) const override {
    SIAMESE_ASSERT(terms.dim() == 1, "reducer: terms must be 1-D");
    SIAMESE_CHECK(same.defined(), ConfigError, "the reducer '", name_,
                  "' averages same and different pairs separately: it needs pair terms, not triplet terms");
    SIAMESE_ASSERT(same.numel() == terms.numel(), "reducer: same mask of ", same.numel(), " for ", terms.numel(),
                   " terms");
    auto s = same.to(torch::kBool);
    return group_(terms.masked_select(s)) + group_(terms.masked_select(~s));
  }

 private:
  std::string name_;
  F group_;
};

template <class F>
ReducerRegistry::Entry simple(std::string name, std::string summary, F f) {
  return {std::move(name), std::move(summary), {},
          [f](const Params&) -> std::shared_ptr<Reducer> { return std::make_shared<Simple<F>>(f); }};
}

template <class F>
ReducerRegistry::Entry pos_neg(const std::string& name, std::string summary, F group) {
  return {name, std::move(summary), {},
          [name, group](const Params&) -> std::shared_ptr<Reducer> { return std::make_shared<PosNeg<F>>(name, group); }};
}

}  // namespace

const ReducerRegistry& reducer_registry() {
  static const ReducerRegistry registry = [] {
    ReducerRegistry r("reducer");
    r.add(simple("mean", "Σt / T", [](const torch::Tensor& t) { return mean_of(t); }));
    r.add(simple("sum", "Σt", [](const torch::Tensor& t) { return t.sum(); }));
    r.add(simple("nonzero_mean", "Σt / #{t > 0} (0 when none)", [](const torch::Tensor& t) { return nonzero_mean_of(t); }));
    r.add(simple("caffe", "Σt / 2T (Caffe's 1/(2N))", [](const torch::Tensor& t) {
      return t.sum() / (2.0 * static_cast<double>(std::max<int64_t>(t.numel(), 1)));
    }));
    r.add(pos_neg("pos_neg_mean", "mean of the same-pair terms + mean of the different-pair terms (pairs only)",
                  [](const torch::Tensor& t) { return mean_of(t); }));
    r.add(pos_neg("pos_neg_nonzero_mean",
                  "same-pair Σt / #{t > 0} + different-pair Σt / #{t > 0} (pytorch-metric-learning's default; pairs only)",
                  [](const torch::Tensor& t) { return nonzero_mean_of(t); }));
    return r;
  }();
  return registry;
}

std::shared_ptr<Reducer> make_reducer(const std::string& name) { return reducer_registry().create_with(name, {}); }

ParamSpec reducer_param(const std::string& def, bool pairs) {
  std::vector<std::string> names;
  std::string list;
  for (const auto& info : reducer_registry().infos()) {
    if (!pairs && make_reducer(info.name)->needs_same()) continue;
    names.push_back(info.name);
    list += (list.empty() ? "" : ", ") + info.name + " (" + info.summary + ")";
  }
  return text("reducer", def, "how per-element terms become the loss: " + list).one_of(names);
}

}  // namespace siamese
