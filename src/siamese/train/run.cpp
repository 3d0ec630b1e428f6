#include "siamese/train/run.h"

#include <set>
#include <sstream>
#include <thread>

#include "siamese/core/error.h"
#include "siamese/core/fs.h"
#include "siamese/train/recipe.h"

namespace siamese {

namespace {

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
    if (!is_bias_name(k)) out.push_back(v);
  return out;
}

std::vector<torch::Tensor> Model::trainable_biases() const {
  std::vector<torch::Tensor> out;
  for (auto& [k, v] : all_named(*this))
    if (is_bias_name(k)) out.push_back(v);
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

std::vector<std::string> apply_run_settings(const Config& cfg) {
  const auto& run = cfg.params("run");
  at::set_num_threads(run.s("parallelism") == "data" ? 1 : run_threads(cfg));
  torch::manual_seed(static_cast<uint64_t>(run.i("seed")));
  std::vector<std::string> warnings;
  const unsigned cores = std::thread::hardware_concurrency();
  if (cores > 0 && run.i("threads") > static_cast<int64_t>(cores))
    warnings.push_back(str("run.threads = ", run.i("threads"), " is more than the ", cores,
                           " cores of this machine; the extra threads share cores and slow each step down"));
  return warnings;
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

std::string shape_text(at::IntArrayRef s) {
  std::string out = "[";
  for (size_t k = 0; k < s.size(); ++k) out += (k ? ", " : "") + std::to_string(s[k]);
  return out + "]";
}

// Every parameter and buffer of `mod` (recursively) is in `a` with the same shape, and `a` holds nothing
// else; throws DataError naming the tensor as "<prefix>.<name>" and both shapes.
void check_archive_matches(const torch::nn::Module& mod, torch::serialize::InputArchive& a, const std::string& prefix,
                           const std::string& path) {
  std::set<std::string> expected;
  auto check = [&](const std::string& name, const torch::Tensor& want, bool is_buffer) {
    expected.insert(name);
    torch::Tensor got;
    SIAMESE_CHECK(a.try_read(name, got, is_buffer), DataError, path, ": no tensor '", prefix, ".", name,
                  "' (the model of this run needs ", shape_text(want.sizes()), "; weights of another architecture?)");
    SIAMESE_CHECK(got.sizes() == want.sizes(), DataError, path, ": tensor '", prefix, ".", name, "' has shape ",
                  shape_text(got.sizes()), " in the file but the model needs ", shape_text(want.sizes()),
                  " (weights of another architecture: another width, depth or input size?)");
    // Module::load's Tensor::set_ keeps the parameter's dtype on the file's storage: a half-precision
    // tensor for a float parameter would leave it on half the bytes it needs (found by checkpoint_fuzz).
    SIAMESE_CHECK(got.scalar_type() == want.scalar_type(), DataError, path, ": tensor '", prefix, ".", name,
                  "' is ", got.scalar_type(), " in the file but the model needs ", want.scalar_type());
  };
  for (const auto& kv : mod.named_parameters(/*recurse=*/false)) check(kv.key(), kv.value(), false);
  for (const auto& kv : mod.named_buffers(/*recurse=*/false)) check(kv.key(), kv.value(), true);
  for (const auto& kv : mod.named_children()) {
    expected.insert(kv.key());
    torch::serialize::InputArchive child;
    SIAMESE_CHECK(a.try_read(kv.key(), child), DataError, path, ": no layer '", prefix, ".", kv.key(),
                  "' (weights of another architecture?)");
    check_archive_matches(*kv.value(), child, prefix + "." + kv.key(), path);
  }
  for (const auto& key : a.keys()) {
    if (expected.count(key) || key == "training") continue;
    // A module may save state of its own (DeepID2's margin window "window_d"): only an extra layer is foreign.
    torch::serialize::InputArchive extra;
    SIAMESE_CHECK(!a.try_read(key, extra), DataError, path, ": holds '", prefix, ".", key,
                  "', which the model of this run does not have (weights of another architecture: another depth?)");
  }
}

}  // namespace

void rethrow_archive_error(const std::string& path, const std::string& action) {
  std::string msg;
  try {
    throw;
  } catch (const Error&) {
    throw;
  } catch (const std::bad_alloc&) {
    throw;
  } catch (const c10::Error& e) {
    msg = e.what_without_backtrace();
  } catch (const std::exception& e) {  // a damaged archive also fails in TorchScript's parser (ErrorReport)
    msg = e.what();
  }
  msg.erase(0, std::min(msg.size(), msg.find_first_not_of(" \n")));
  throw DataError(str(path, ": cannot ", action, " (", msg.substr(0, msg.find('\n')), ")"));
}

void load_weights(Model& m, const std::string& path) {
  SIAMESE_CHECK(file_exists(path), DataError, path, ": not found");
  try {
    torch::serialize::InputArchive root, branch, loss, distance;
    root.load_from(path);
    SIAMESE_CHECK(root.try_read("branch", branch) && root.try_read("loss", loss), DataError, path,
                  ": not a siamese weights file (no 'branch' or 'loss' part)");
    check_archive_matches(*m.branch, branch, "branch", path);
    check_archive_matches(*m.loss, loss, "loss", path);
    if (m.distance) {
      SIAMESE_CHECK(root.try_read("distance", distance), DataError, path,
                    ": has no 'distance' part but the recipe trains a distance (weights of another recipe?)");
      check_archive_matches(*m.distance, distance, "distance", path);
    }
    m.branch->load(branch);
    m.loss->load(loss);
    if (m.distance) m.distance->load(distance);
  } catch (...) {
    rethrow_archive_error(path, "load weights");
  }
}

OpenRun open_run(const std::string& dir) {
  const std::string cfg_path = dir + "/config.toml";
  SIAMESE_CHECK(file_exists(cfg_path), DataError, cfg_path, ": not found (is '", dir, "' a run directory?)");
  OpenRun r{load_recipe(cfg_path), {}, {}, dir, {}};
  r.warnings = apply_run_settings(r.config);
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
