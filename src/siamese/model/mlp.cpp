#include "siamese/model/mlp.h"

#include "siamese/core/error.h"
#include "siamese/core/memory.h"
#include "siamese/core/text.h"

namespace siamese {

void check_mlp_size(int64_t input_size, const std::vector<int64_t>& hidden, int64_t embedding_dim) {
  double params = 0, largest = -1;
  std::string key;
  int64_t in = input_size;
  for (size_t k = 0; k <= hidden.size(); ++k) {
    const int64_t out = k < hidden.size() ? hidden[k] : embedding_dim;
    const double layer = (static_cast<double>(in) + 1) * static_cast<double>(out);
    params += layer;
    if (layer > largest) {
      largest = layer;
      key = k < hidden.size() ? "model.hidden" : "model.embedding_dim";
    }
    in = out;
  }
  std::string hidden_text;
  for (int64_t h : hidden) hidden_text += (hidden_text.empty() ? "" : ",") + std::to_string(h);
  const std::string what = key == "model.hidden" ? str("model.hidden = \"", shorten_value(hidden_text), "\"")
                                                 : str("model.embedding_dim = ", embedding_dim);
  check_fits_in_memory(16.0 * params, what,
                       str("an mlp of ", params, " parameters, with gradients and optimizer state"));
}

MlpBranch::MlpBranch(int64_t input_size, std::vector<int64_t> hidden, int64_t embedding_dim,
                     std::string activation, bool normalize)
    : dim_(embedding_dim), activation_(std::move(activation)), normalize_(normalize) {
  check_mlp_size(input_size, hidden, embedding_dim);
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
            return std::make_shared<MlpBranch>(in, parse_int_list(p.s("hidden"), "model.hidden", 1),
                                               p.i("embedding_dim"), p.s("activation"), p.b("normalize"));
          }};
}

}  // namespace siamese
