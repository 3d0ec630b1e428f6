#include "siamese/model/mlp.h"

#include <sstream>

#include "siamese/core/error.h"

namespace siamese {

std::vector<int64_t> parse_int_list(const std::string& text, const std::string& key) {
  std::vector<int64_t> out;
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, ',')) {
    if (item.find_first_not_of(" \t") == std::string::npos) continue;
    try {
      size_t used = 0;
      long long v = std::stoll(item, &used);
      SIAMESE_CHECK(v > 0, ConfigError, "'", key, "': sizes must be positive, got ", v);
      out.push_back(v);
    } catch (const std::logic_error&) {
      throw ConfigError(str("'", key, "' must be a comma-separated list of positive integers, got '", text, "'"));
    }
  }
  return out;
}

MlpBranch::MlpBranch(int64_t input_size, std::vector<int64_t> hidden, int64_t embedding_dim,
                     std::string activation, bool normalize)
    : dim_(embedding_dim), activation_(std::move(activation)), normalize_(normalize) {
  layers_ = register_module("layers", torch::nn::ModuleList());
  int64_t in = input_size;
  for (int64_t h : hidden) {
    layers_->push_back(torch::nn::Linear(in, h));
    in = h;
  }
  layers_->push_back(torch::nn::Linear(in, embedding_dim));
}

torch::Tensor MlpBranch::forward(torch::Tensor x) {
  x = x.flatten(1);
  const size_t n = layers_->size();
  for (size_t k = 0; k < n; ++k) {
    x = layers_[k]->as<torch::nn::Linear>()->forward(x);
    if (k + 1 < n) x = activation_ == "tanh" ? torch::tanh(x) : torch::relu(x);
  }
  if (normalize_) x = x / (x.pow(2).sum(1, true) + 1e-12).sqrt();
  return x;
}

BranchRegistry::Entry mlp_entry() {
  return {"mlp", "fully connected net: hidden layers with relu/tanh, then a linear embedding",
          {integer("embedding_dim", 2, "output width D").at_least(1),
           text("hidden", "256,128", "comma-separated hidden widths ('' for a linear map)"),
           text("activation", "relu", "hidden activation").one_of({"relu", "tanh"}),
           boolean("normalize", false, "L2-normalise the output")},
          [](const Params& p, const std::vector<int64_t>& shape) {
            int64_t in = 1;
            for (auto s : shape) in *= s;
            return std::make_shared<MlpBranch>(in, parse_int_list(p.s("hidden"), "model.hidden"),
                                               p.i("embedding_dim"), p.s("activation"), p.b("normalize"));
          }};
}

}  // namespace siamese
