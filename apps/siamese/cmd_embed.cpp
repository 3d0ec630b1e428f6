#include <cstdio>
#include <sstream>

#include "commands.h"
#include "siamese/core/error.h"
#include "siamese/core/fs.h"
#include "siamese/model/data_parallel.h"
#include "siamese/train/run.h"

namespace siamese::cli {

namespace {

// NumPy .npy v1.0, little-endian float32, C order.
std::string to_npy(const torch::Tensor& t) {
  auto c = t.contiguous().to(torch::kFloat32);
  std::string shape = "(";
  for (int64_t d = 0; d < c.dim(); ++d) shape += std::to_string(c.size(d)) + (c.dim() == 1 || d + 1 < c.dim() ? "," : "");
  shape += ")";
  std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }";
  while ((10 + header.size() + 1) % 64 != 0) header += ' ';
  header += '\n';
  std::string out = "\x93NUMPY";
  out += '\x01';
  out += '\x00';
  out += static_cast<char>(header.size() & 0xff);
  out += static_cast<char>((header.size() >> 8) & 0xff);
  out += header;
  out.append(reinterpret_cast<const char*>(c.data_ptr<float>()), c.numel() * sizeof(float));
  return out;
}

}  // namespace

void add_embed_command(CLI::App& root) {
  auto* cmd = root.add_subcommand(
      "embed", "embeddings of a split to <out>.npy, plus <out>.tsv and <out>.metadata.tsv (TensorBoard Projector)");
  struct Opts {
    std::string dir, split = "test", out;
  };
  auto o = std::make_shared<Opts>();
  cmd->add_option("--run-dir", o->dir, "run directory")->required();
  cmd->add_option("--split", o->split, "train, val or test")->check(CLI::IsMember({"train", "val", "test"}));
  cmd->add_option("--out", o->out, "output prefix (default: <run-dir>/embeddings-<split>)");
  cmd->callback([o] {
    OpenRun run = open_run(o->dir);
    print_warnings(run.warnings);
    const TensorDataset& d = o->split == "train" ? run.data.train : o->split == "val" ? run.data.val : run.data.test;
    SIAMESE_CHECK(d.size() > 0, ConfigError, "the ", o->split, " split of ", o->dir, " is empty");
    auto emb = embed_all(*run.model.branch, d.x, run.config.params("eval").i("batch_size"), run_workers(run.config));
    const std::string prefix = o->out.empty() ? o->dir + "/embeddings-" + o->split : o->out;
    write_file_atomic(prefix + ".npy", to_npy(emb));
    std::ostringstream tsv, meta;
    auto e = emb.contiguous();
    auto acc = e.accessor<float, 2>();
    auto y = d.y.contiguous();
    meta << "index\tlabel\tclass\n";
    for (int64_t r = 0; r < e.size(0); ++r) {
      for (int64_t c = 0; c < e.size(1); ++c) tsv << (c ? "\t" : "") << acc[r][c];
      tsv << "\n";
      const int64_t label = y[r].item<int64_t>();
      const std::string name = static_cast<size_t>(label) < d.class_names.size() ? d.class_names[label] : std::to_string(label);
      meta << r << "\t" << label << "\t" << name << "\n";
    }
    write_file_atomic(prefix + ".tsv", tsv.str());
    write_file_atomic(prefix + ".metadata.tsv", meta.str());
    std::printf("wrote %lld x %lld embeddings: %s.npy, %s.tsv, %s.metadata.tsv\n", static_cast<long long>(e.size(0)),
                static_cast<long long>(e.size(1)), prefix.c_str(), prefix.c_str(), prefix.c_str());
  });
}

}  // namespace siamese::cli
