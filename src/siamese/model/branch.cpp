#include "siamese/model/branch.h"

#include <cmath>

namespace siamese {

bool is_bias_name(const std::string& key) {
  return key.size() >= 4 && key.compare(key.size() - 4, 4, "bias") == 0;
}

std::vector<torch::Tensor> Branch::bias_parameters() const {
  std::vector<torch::Tensor> out;
  for (const auto& kv : named_parameters())
    if (is_bias_name(kv.key())) out.push_back(kv.value());
  return out;
}

std::vector<torch::Tensor> Branch::weight_parameters() const {
  std::vector<torch::Tensor> out;
  for (const auto& kv : named_parameters())
    if (!is_bias_name(kv.key())) out.push_back(kv.value());
  return out;
}

void caffe_xavier_(torch::Tensor weight) {
  torch::NoGradGuard guard;
  const double fan_in = static_cast<double>(weight.numel()) / static_cast<double>(weight.size(0));
  const double scale = std::sqrt(3.0 / fan_in);
  weight.uniform_(-scale, scale);
}

}  // namespace siamese
