// Data parallelism over CPU cores for one shared branch.
//
// Small nets like Caffe's LeNet gain nothing from intra-op threads (each op is too small to split well),
// so instead the batch is cut into one shard per worker thread; each worker runs the branch forward
// (and later backward) on its shard with ONE intra-op thread. Backward is two-stage: the loss is computed
// on the concatenated embeddings (a detached leaf), its gradient w.r.t. the embeddings is split per shard,
// and each worker back-propagates its shard. The maths is that of a single pass over the whole batch; the
// parameter gradients are the sum of the shards' (two addends per tensor commute exactly, so a run is
// still deterministic for a fixed number of workers).
#pragma once

#include <torch/torch.h>

#include <vector>

#include "siamese/model/branch.h"

namespace siamese {

class DataParallel {
 public:
  // workers <= 1: everything runs inline on the calling thread.
  DataParallel(std::shared_ptr<Branch> branch, int workers);

  // Forward with gradient tracking. Returns embeddings [n, d] as a leaf that requires grad; call
  // backward() with its gradient after the loss's backward.
  torch::Tensor forward(const torch::Tensor& x);
  void backward(const torch::Tensor& grad_embeddings);

  // Inference (no gradient), sharded across workers.
  torch::Tensor infer(const torch::Tensor& x);

  int workers() const { return workers_; }

 private:
  std::shared_ptr<Branch> branch_;
  int workers_;
  std::vector<torch::Tensor> shard_outputs_;
  std::vector<int64_t> shard_sizes_;
};

// Sets the intra-op thread count of the calling thread (OpenMP ICV, used by ATen, oneDNN and OpenBLAS).
void set_thread_intra_op(int threads);

// Embeds x in batches without gradient (inference), returning [n, d] float32; `workers` > 1 shards each
// batch across threads. The branch's train/eval mode is restored afterwards.
torch::Tensor embed_all(Branch& branch, const torch::Tensor& x, int64_t batch_size = 500, int workers = 1);

}  // namespace siamese
