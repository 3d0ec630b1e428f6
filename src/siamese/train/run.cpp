#include "siamese/train/run.h"

#include <set>
#include <sstream>
#include <thread>

#include "siamese/core/error.h"
#include "siamese/core/fs.h"
#include "siamese/train/recipe.h"

namespace siamese {

namespace {
bool is_bias(const std::string& key) { return key.size() >= 4 && key.compare(key.size() - 4, 4, "bias") == 0; }

std::vector<std::pair<std::string, torch::Tensor>> all_named(const Model& m) {
  std::vector<std::pair<std::string, torch::Tensor>> out;
  std::set<const void*> seen;
  auto add = [&](const torch::nn::Module* mod) {
    if (!mod) return;
    for (const auto& kv : mod->named_parameters())
      if (seen.insert(kv.value().unsafeGetTensorImpl()).second) out.push_back({kv.key(), kv.value()});
  };
  add(m.branch.get());
  add(m.loss.get());
  add(m.distance.get());
  return out;
}
}  // namespace

std::vector<torch::Tensor> Model::trainable_weights() const {
  std::vector<torch::Tensor> out;
  for (auto& [k, v] : all_named(*this))
    if (!is_bias(k)) out.push_back(v);
  return out;
}

std::vector<torch::Tensor> Model::trainable_biases() const {
  std::vector<torch::Tensor> out;
  for (auto& [k, v] : all_named(*this))
    if (is_bias(k)) out.push_back(v);
  return out;
}

std::shared_ptr<Distance> Model::eval_distance(const Config& cfg) const {
  const std::string& name = cfg.params("eval").s("distance");
  if (!name.empty()) return make_distance(name, branch->embedding_dim());
  if (distance) return distance;
  if (loss && loss->distance()) return loss->distance();
  return make_distance("euclidean", branch->embedding_dim());
}

static int run_threads(const Config& cfg) {
  int64_t threads = cfg.params("run").i("threads");
  if (threads <= 0) threads = std::max(1u, std::thread::hardware_concurrency());
  return static_cast<int>(threads);
}

int run_workers(const Config& cfg) {
  return cfg.params("run").s("parallelism") == "data" ? run_threads(cfg) : 1;
}

void apply_run_settings(const Config& cfg) {
  const auto& run = cfg.params("run");
  at::set_num_threads(run.s("parallelism") == "data" ? 1 : run_threads(cfg));
  torch::manual_seed(static_cast<uint64_t>(run.i("seed")));
}

Model build_model(const Config& cfg, const DataSplits& data) {
  torch::manual_seed(static_cast<uint64_t>(cfg.params("run").i("seed")));
  Model m;
  const auto& model = cfg.section("model");
  m.branch = branch_registry().create(model.component, model.params, data.train.input_shape());
  const int64_t dim = m.branch->embedding_dim();
  const auto& dist = cfg.section("distance");
  if (!dist.component.empty()) {
    m.distance = distance_registry().create(dist.component, dist.params, dim);
    m.distance->set_name(dist.component);
  }
  LossContext ctx;
  ctx.embedding_dim = dim;
  ctx.num_classes = data.train.num_classes();
  ctx.distance = m.distance;
  const auto& loss = cfg.section("loss");
  m.loss = loss_registry().create(loss.component, loss.params, ctx);
  m.loss->set_name(loss.component);
  m.loss->set_penalized_parameters(m.branch->parameters());  // DDML's (λ/2)Σ||W||²
  return m;
}

void write_weights(const Model& m, torch::serialize::OutputArchive& root) {
  torch::serialize::OutputArchive branch, loss, distance;
  m.branch->save(branch);
  m.loss->save(loss);
  root.write("branch", branch);
  root.write("loss", loss);
  if (m.distance) {
    m.distance->save(distance);
    root.write("distance", distance);
  }
}

void save_weights(const Model& m, const std::string& path) {
  torch::serialize::OutputArchive root;
  write_weights(m, root);
  std::ostringstream os;
  root.save_to(os);
  write_file_atomic(path, os.str());
}

namespace {
// Whether the tensor's elements lie inside its storage. Module::load's Tensor::set_ keeps the parameter's
// dtype but takes the file's storage: a half-precision tensor stored for a float parameter leaves a float
// tensor on half the bytes it needs (found by fuzz/checkpoint_fuzz.cpp).
bool fits_storage(const torch::Tensor& t) {
  if (t.numel() == 0) return true;
  int64_t last = t.storage_offset();
  for (int64_t d = 0; d < t.dim(); ++d) last += (t.size(d) - 1) * t.stride(d);
  return t.has_storage() && static_cast<int64_t>(t.storage().nbytes()) >= (last + 1) * static_cast<int64_t>(t.element_size());
}

// Shape, dtype and whether it fits its storage, for every parameter and buffer of the model, by name.
using Layout = std::tuple<std::string, std::vector<int64_t>, c10::ScalarType, bool>;
std::vector<Layout> tensor_layout(const Model& m) {
  std::vector<Layout> out;
  auto add = [&](const char* prefix, const torch::nn::Module* mod) {
    if (!mod) return;
    for (const auto& kv : mod->named_parameters())
      out.emplace_back(prefix + kv.key(), kv.value().sizes().vec(), kv.value().scalar_type(), fits_storage(kv.value()));
    for (const auto& kv : mod->named_buffers())
      out.emplace_back(prefix + kv.key(), kv.value().sizes().vec(), kv.value().scalar_type(), fits_storage(kv.value()));
  };
  add("branch.", m.branch.get());
  add("loss.", m.loss.get());
  add("distance.", m.distance.get());
  return out;
}
}  // namespace

void load_weights(Model& m, const std::string& path) {
  SIAMESE_CHECK(file_exists(path), DataError, path, ": not found");
  // LibTorch's Module::load adopts a stored tensor of any shape (Tensor::set_): compare afterwards.
  const auto expected = tensor_layout(m);
  try {
    torch::serialize::InputArchive root, branch, loss, distance;
    root.load_from(path);
    root.read("branch", branch);
    m.branch->load(branch);
    root.read("loss", loss);
    m.loss->load(loss);
    if (m.distance) {
      root.read("distance", distance);
      m.distance->load(distance);
    }
  } catch (const c10::Error& e) {
    std::string msg = e.what_without_backtrace();
    throw DataError(str(path, ": cannot load weights (", msg.substr(0, msg.find('\n')), ")"));
  } catch (const std::bad_alloc&) {
    throw;
  } catch (const std::exception& e) {  // a damaged archive also fails in TorchScript's parser (ErrorReport)
    std::string msg = e.what();
    msg.erase(0, msg.find_first_not_of(" \n"));
    throw DataError(str(path, ": cannot load weights (", msg.substr(0, msg.find('\n')), ")"));
  }
  const auto loaded = tensor_layout(m);
  for (size_t k = 0; k < expected.size() && k < loaded.size(); ++k) {
    const auto& [name, shape, type, fits] = expected[k];
    const auto& got_shape = std::get<1>(loaded[k]);
    const auto got_type = std::get<2>(loaded[k]);
    SIAMESE_CHECK(shape == got_shape && type == got_type, DataError, path, ": tensor '", name, "' is ",
                  c10::IntArrayRef(got_shape), " ", got_type, " in the file but ", c10::IntArrayRef(shape), " ", type,
                  " in this model (weights of another architecture?)");
    SIAMESE_CHECK(std::get<3>(loaded[k]) || !fits, DataError, path, ": tensor '", name,
                  "' does not fit the data stored for it (another element type?)");
  }
}

OpenRun open_run(const std::string& dir) {
  const std::string cfg_path = dir + "/config.toml";
  SIAMESE_CHECK(file_exists(cfg_path), DataError, cfg_path, ": not found (is '", dir, "' a run directory?)");
  OpenRun r{load_recipe(cfg_path), {}, {}, dir};
  apply_run_settings(r.config);
  const auto& data = r.config.section("data");
  r.data = load_data(data.component, data.params, static_cast<uint64_t>(r.config.params("run").i("seed")));
  r.model = build_model(r.config, r.data);
  std::string weights = dir + "/model.pt";
  if (!file_exists(weights)) weights = dir + "/checkpoint.pt";
  SIAMESE_CHECK(file_exists(weights), DataError, dir, ": no model.pt or checkpoint.pt (train first)");
  load_weights(r.model, weights);
  r.model.branch->eval();
  r.model.loss->eval();
  return r;
}

}  // namespace siamese
