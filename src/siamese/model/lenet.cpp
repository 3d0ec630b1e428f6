#include "siamese/model/lenet.h"

#include "siamese/core/error.h"
#include "siamese/core/memory.h"

namespace siamese {

void check_lenet_size(const std::vector<int64_t>& s, int64_t embedding_dim, int64_t c1, int64_t c2,
                      int64_t hidden, int64_t ip2) {
  auto d = [](int64_t v) { return static_cast<double>(v); };
  const double h = d(((s[1] - 4) / 2 - 4) / 2), w = d(((s[2] - 4) / 2 - 4) / 2);
  // (parameters of the layer, the keys it depends on)
  const std::pair<double, std::string> layers[] = {
      {(d(s[0]) * 25 + 1) * d(c1), str("model.conv1 = ", c1)},
      {(d(c1) * 25 + 1) * d(c2), str("model.conv1 = ", c1, ", model.conv2 = ", c2)},
      {(d(c2) * h * w + 1) * d(hidden), str("model.conv2 = ", c2, ", model.hidden = ", hidden)},
      {(d(hidden) + 1) * d(ip2), str("model.hidden = ", hidden, ", model.ip2 = ", ip2)},
      {(d(ip2) + 1) * d(embedding_dim), str("model.ip2 = ", ip2, ", model.embedding_dim = ", embedding_dim)}};
  double params = 0;
  const std::pair<double, std::string>* largest = &layers[0];
  for (const auto& l : layers) {
    params += l.first;
    if (l.first > largest->first) largest = &l;
  }
  check_fits_in_memory(16.0 * params, largest->second,
                       str("a lenet of ", params, " parameters, with gradients and optimizer state"));
}

LeNetBranch::LeNetBranch(const std::vector<int64_t>& s, int64_t embedding_dim, int64_t c1, int64_t c2,
                         int64_t hidden, int64_t ip2)
    : dim_(embedding_dim) {
  SIAMESE_CHECK(s.size() == 3, ConfigError, "branch 'lenet' needs image input [C, H, W]; the data has ",
                s.size() - 0, "-d rows (use branch 'mlp' for feature vectors)");
  SIAMESE_CHECK(s[1] >= 16 && s[2] >= 16, ConfigError, "branch 'lenet' needs images of at least 16x16, got ",
                s[1], "x", s[2]);
  check_lenet_size(s, embedding_dim, c1, c2, hidden, ip2);
  conv1_ = register_module("conv1", torch::nn::Conv2d(torch::nn::Conv2dOptions(s[0], c1, 5)));
  conv2_ = register_module("conv2", torch::nn::Conv2d(torch::nn::Conv2dOptions(c1, c2, 5)));
  const int64_t h = ((s[1] - 4) / 2 - 4) / 2, w = ((s[2] - 4) / 2 - 4) / 2;
  ip1_ = register_module("ip1", torch::nn::Linear(c2 * h * w, hidden));
  ip2_ = register_module("ip2", torch::nn::Linear(hidden, ip2));
  feat_ = register_module("feat", torch::nn::Linear(ip2, embedding_dim));
  for (auto& kv : named_parameters()) {
    if (is_bias_name(kv.key())) {
      torch::NoGradGuard g;
      kv.value().zero_();
    } else {
      caffe_xavier_(kv.value());
    }
  }
  // Channels-last (NHWC) convolution weights make oneDNN run both convolutions, and ATen both poolings, in
  // NHWC without per-call layout reorders: 1.4-2x the training throughput of the NCHW layout on this net
  // (docs/results.md, throughput section). Strides are set explicitly: with one input channel the NCHW weight also counts as
  // channels-last-contiguous, so .contiguous(ChannelsLast) would keep NCHW strides and the format would not
  // propagate.
  torch::NoGradGuard g;
  for (auto* conv : {&conv1_, &conv2_}) {
    torch::Tensor& w = (*conv)->weight;
    w.set_data(torch::empty(w.sizes(), w.options().memory_format(torch::MemoryFormat::ChannelsLast)).copy_(w));
  }
}

torch::Tensor LeNetBranch::forward(torch::Tensor x) {
  x = torch::max_pool2d(conv1_->forward(x), 2, 2);
  x = torch::max_pool2d(conv2_->forward(x), 2, 2);
  x = torch::relu(ip1_->forward(x.flatten(1)));
  return feat_->forward(ip2_->forward(x));
}

BranchRegistry::Entry lenet_entry() {
  return {"lenet",
          "Caffe mnist_siamese LeNet: conv20@5 pool conv50@5 pool ip500 relu ip10 feat D (xavier fan_in init)",
          {integer("embedding_dim", 2, "output width D (the 'feat' layer)").at_least(1),
           integer("conv1", 20, "filters of conv1").at_least(1),
           integer("conv2", 50, "filters of conv2").at_least(1),
           integer("hidden", 500, "width of ip1").at_least(1),
           integer("ip2", 10, "width of ip2").at_least(1)},
          [](const Params& p, const std::vector<int64_t>& shape) {
            return std::make_shared<LeNetBranch>(shape, p.i("embedding_dim"), p.i("conv1"), p.i("conv2"),
                                                 p.i("hidden"), p.i("ip2"));
          }};
}

}  // namespace siamese
