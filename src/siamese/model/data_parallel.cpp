#include "siamese/model/data_parallel.h"

#include <omp.h>

#include <exception>
#include <thread>

#include "siamese/core/error.h"

namespace siamese {

void set_thread_intra_op(int threads) {
  omp_set_num_threads(threads);
}

DataParallel::DataParallel(std::shared_ptr<Branch> branch, int workers)
    : branch_(std::move(branch)), workers_(std::max(1, workers)) {}

namespace {

// Runs fn(k) for k = 0..n-1, k > 0 on fresh threads with one intra-op thread, k = 0 on the caller.
// The first exception is rethrown on the calling thread.
template <class Fn>
void run_sharded(int n, Fn fn) {
  if (n == 1) {
    fn(0);
    return;
  }
  std::vector<std::exception_ptr> errors(n);
  std::vector<std::thread> threads;
  const bool grad = torch::GradMode::is_enabled();
  for (int k = 1; k < n; ++k)
    threads.emplace_back([&, k] {
      try {
        torch::AutoGradMode mode(grad);
        set_thread_intra_op(1);
        fn(k);
      } catch (...) {
        errors[k] = std::current_exception();
      }
    });
  try {
    const int previous = omp_get_max_threads();
    set_thread_intra_op(1);
    fn(0);
    set_thread_intra_op(previous);
  } catch (...) {
    errors[0] = std::current_exception();
  }
  for (auto& t : threads) t.join();
  for (auto& e : errors)
    if (e) std::rethrow_exception(e);
}

std::vector<std::pair<int64_t, int64_t>> shards(int64_t n, int workers) {
  std::vector<std::pair<int64_t, int64_t>> out;
  const int64_t w = std::min<int64_t>(workers, std::max<int64_t>(n, 1));
  for (int64_t k = 0; k < w; ++k) out.push_back({n * k / w, n * (k + 1) / w});
  return out;
}

}  // namespace

torch::Tensor DataParallel::forward(const torch::Tensor& x) {
  if (workers_ == 1) {
    shard_outputs_ = {branch_->forward(x)};
    shard_sizes_ = {x.size(0)};
    auto leaf = shard_outputs_[0].detach().requires_grad_(true);
    return leaf;
  }
  auto parts = shards(x.size(0), workers_);
  shard_outputs_.assign(parts.size(), {});
  shard_sizes_.clear();
  for (auto& [a, b] : parts) shard_sizes_.push_back(b - a);
  run_sharded(static_cast<int>(parts.size()), [&](int k) {
    shard_outputs_[k] = branch_->forward(x.slice(0, parts[k].first, parts[k].second));
  });
  std::vector<torch::Tensor> detached;
  for (auto& o : shard_outputs_) detached.push_back(o.detach());
  return torch::cat(detached).requires_grad_(true);
}

void DataParallel::backward(const torch::Tensor& grad) {
  SIAMESE_ASSERT(!shard_outputs_.empty(), "DataParallel::backward without forward");
  if (!grad.defined()) return;  // the loss did not depend on the embeddings
  auto grads = grad.split_with_sizes(shard_sizes_);
  run_sharded(static_cast<int>(shard_outputs_.size()),
              [&](int k) { shard_outputs_[k].backward(grads[k].contiguous()); });
  shard_outputs_.clear();
}

torch::Tensor DataParallel::infer(const torch::Tensor& x) {
  torch::NoGradGuard guard;
  auto parts = shards(x.size(0), workers_);
  std::vector<torch::Tensor> out(parts.size());
  run_sharded(static_cast<int>(parts.size()), [&](int k) {
    torch::NoGradGuard g;
    out[k] = branch_->forward(x.slice(0, parts[k].first, parts[k].second));
  });
  return torch::cat(out);
}

torch::Tensor embed_all(Branch& branch, const torch::Tensor& x, int64_t batch_size, int workers) {
  torch::NoGradGuard guard;
  const bool was_training = branch.is_training();
  branch.eval();
  std::vector<torch::Tensor> parts;
  // DataParallel needs shared ownership; wrap the reference without taking it.
  std::shared_ptr<Branch> alias(std::shared_ptr<Branch>{}, &branch);
  DataParallel parallel(alias, workers);
  for (int64_t s = 0; s < x.size(0); s += batch_size) parts.push_back(parallel.infer(x.slice(0, s, s + batch_size)));
  if (was_training) branch.train();
  if (parts.empty()) return torch::empty({0, branch.embedding_dim()});
  return torch::cat(parts);
}

}  // namespace siamese
