#include "siamese/train/trainer.h"

#include <chrono>
#include <cmath>
#include <filesystem>
#include <sstream>

#include "siamese/core/error.h"
#include "siamese/core/fs.h"
#include "siamese/model/data_parallel.h"
#include "siamese/sample/sampler.h"
#include "siamese/train/checkpoint.h"
#include "siamese/train/optimizer.h"
#include "siamese/train/recipe.h"
#include "siamese/train/run_dir.h"
#include "siamese/train/tuples.h"

namespace siamese {

namespace {

// Everything a run is made of, built from its recipe.
struct Session {
  Config cfg;
  uint64_t seed = 0;
  DataSplits data;
  Model model;
  std::unique_ptr<DataParallel> parallel;
  std::shared_ptr<Sampler> sampler;
  std::unique_ptr<TupleResolver> tuples;
  std::unique_ptr<Optimizer> optimizer;
  std::vector<torch::Tensor> parameters;  // everything the optimizer updates, for the weight guard
};

// The recipe with the keys a resumed run may change neutralised.
std::string comparable(const Config& c) {
  Config copy = c;
  auto& t = copy.sections_.at("train").params;
  t.set("iterations", int64_t{0});
  t.set("stop_at_iteration", int64_t{0});
  copy.sections_.at("optimizer").params.set("lr", 0.0);
  return copy.to_toml();
}

std::string first_difference(const std::string& a, const std::string& b) {
  std::istringstream sa(a), sb(b);
  std::string la, lb, section;
  while (true) {
    const bool ga = static_cast<bool>(std::getline(sa, la)), gb = static_cast<bool>(std::getline(sb, lb));
    if (!ga && !gb) return "";
    if (!ga) la.clear();
    if (!gb) lb.clear();
    if (ga && !la.empty() && la[0] == '[') section = la;
    if (la != lb) return str(section, " '", la, "' vs '", lb, "'");
  }
}

void check_resumable(const RunDir& dir, const Config& cfg) {
  const Config saved = load_recipe(dir.config());
  const std::string diff = first_difference(comparable(saved), comparable(cfg));
  SIAMESE_CHECK(diff.empty(), ConfigError, dir.config(), ": the recipe differs from the run being resumed: ", diff,
                " (only train.iterations, train.stop_at_iteration and optimizer.lr may change)");
}

Session build_session(Config cfg, const TrainOptions& o) {
  Session s;
  s.cfg = std::move(cfg);
  for (const auto& w : apply_run_settings(s.cfg))
    if (o.warn) o.warn(w);
  s.seed = static_cast<uint64_t>(s.cfg.params("run").i("seed"));
  const auto& data = s.cfg.section("data");
  s.data = load_data(data.component, data.params, s.seed);
  // The sampler checks its sizes against the data before the model is allocated (samplers draw from their
  // own seeded generators, so the order does not change any result).
  const auto& samp = s.cfg.section("sampler");
  s.sampler = sampler_registry().create(samp.component, samp.params);
  s.sampler->reset(s.data.train, s.seed);
  s.model = build_model(s.cfg, s.data);
  s.parallel = std::make_unique<DataParallel>(s.model.branch, run_workers(s.cfg));
  std::shared_ptr<Miner> miner;
  const auto& mine = s.cfg.section("miner");
  if (!mine.component.empty()) miner = miner_registry().create(mine.component, mine.params);
  auto distance = training_distance(*s.model.loss, s.model.distance, s.model.branch->embedding_dim());
  s.tuples = std::make_unique<TupleResolver>(s.model.loss->consumes(), miner, distance);
  const auto& op = s.cfg.params("optimizer");
  std::vector<ParamGroup> groups = {{s.model.trainable_weights(), 1.0, 1.0},
                                    {s.model.trainable_biases(), op.f("bias_lr_mult"), op.f("bias_decay_mult")}};
  for (const auto& g : groups) s.parameters.insert(s.parameters.end(), g.params.begin(), g.params.end());
  s.optimizer = std::make_unique<Optimizer>(groups, op);
  return s;
}

// Loads the checkpoint (resume) or prepares a fresh start; only then is the run directory changed.
int64_t start_run(Session& s, const RunDir& dir, RunStart start) {
  int64_t first = 0;
  if (start == RunStart::kResume && file_exists(dir.checkpoint())) {
    first = load_checkpoint(s.model, *s.optimizer, dir.checkpoint());
    const int64_t total = s.cfg.params("train").i("iterations");
    SIAMESE_CHECK(first <= total, ConfigError, dir.checkpoint(), ": the checkpoint is at iteration ", first,
                  ", past train.iterations = ", total);
    truncate_metrics(dir.metrics(), first);
  } else {
    if (start == RunStart::kForce) dir.clear_run();
    std::filesystem::remove(dir.metrics());
    const auto& x = s.data.train.x;
    s.model.loss->prepare(
        embed_all(*s.model.branch, x.slice(0, 0, std::min<int64_t>(x.size(0), 1000)), 500, s.parallel->workers()));
  }
  write_file_atomic(dir.config(), s.cfg.to_toml());
  return first;
}

// The built-in hooks and the caller's, validated before anything in the run directory changes; the
// metrics log comes last and is added once the run directory is prepared.
std::vector<std::shared_ptr<TrainHook>> make_hooks(const Session& s, const TrainOptions& o) {
  const auto& tr = s.cfg.params("train");
  const int64_t eval_every = tr.i("eval_every"), log_every = tr.i("log_every");
  SIAMESE_CHECK(eval_every % log_every == 0, ConfigError, s.cfg.source, " [train]: eval_every (", eval_every,
                ") must be a multiple of log_every (", log_every, ")");
  const bool on_test = tr.s("eval_split") == "test" || s.data.val.size() < 4;
  WarningSink warn = o.warn ? o.warn : [](const std::string&) {};
  std::vector<std::shared_ptr<TrainHook>> hooks = {
      std::make_shared<PeriodicCheck>(s.model, on_test ? s.data.test : s.data.val, on_test ? "test" : "val", eval_every,
                                      tr.i("eval_pairs"), s.seed + 17, s.model.eval_distance(s.cfg),
                                      s.parallel->workers()),
      std::make_shared<BatchDiagnostics>(s.model.loss),
      std::make_shared<CollapseWatch>(warn, *s.model.loss)};
  hooks.insert(hooks.end(), o.hooks.begin(), o.hooks.end());
  return hooks;
}

std::string last_good(int64_t last_ckpt, const std::string& path) {
  return last_ckpt > 0 ? str("; the last good checkpoint (iteration ", last_ckpt, ") is ", path)
                       : std::string("; no checkpoint was written yet");
}

// One optimisation step; throws RuntimeFailure when the loss or the updated weights are not finite.
double train_step(Session& s, int64_t it, LossInput& in, double lr, int64_t last_ckpt, const std::string& ckpt) {
  Batch batch = s.sampler->batch(it);
  auto emb = s.parallel->forward(s.data.train.x.index_select(0, batch.rows));
  in = LossInput{emb, batch.labels, batch.pairs, batch.triplets};
  s.tuples->resolve(in);
  auto loss = s.model.loss->forward(in);
  const double value = loss.item<double>();
  const std::string advice = str(" — resume it with a lower rate: --resume --set optimizer.lr=", lr / 10);
  if (!std::isfinite(value))
    throw RuntimeFailure(str("the loss became ", value, " at iteration ", it + 1, last_good(last_ckpt, ckpt), advice));
  s.optimizer->zero_grad();
  loss.backward();
  s.parallel->backward(emb.grad());
  s.optimizer->step(lr);
  if (!all_finite(s.parameters))
    throw RuntimeFailure(
        str("the weights became non-finite at iteration ", it + 1, last_good(last_ckpt, ckpt), advice));
  return value;
}

// Throughput and loss over the iterations since the last metrics row.
struct Window {
  double loss = 0;
  int64_t n = 0;
  std::chrono::steady_clock::time_point t0 = std::chrono::steady_clock::now();
  double rate(int64_t tuples_per_batch, std::chrono::steady_clock::time_point now) const {
    const double s = std::chrono::duration<double>(now - t0).count();
    return s > 0 ? static_cast<double>(n * tuples_per_batch) / s : 0;
  }
};

void log_row(const std::vector<std::shared_ptr<TrainHook>>& hooks, const StepInfo& step, Window& w, double elapsed) {
  nlohmann::json row = {{"iter", step.iteration}, {"loss", w.loss / static_cast<double>(w.n)},
                        {"lr", step.lr},          {step.tuple_name + "_per_s", step.tuples_per_s},
                        {"elapsed_s", elapsed},   {"train_s", elapsed}};
  for (const auto& h : hooks) h->on_log(step, row);
  w = Window{};
}

TrainResult run_loop(Session& s, const RunDir& dir, std::vector<std::shared_ptr<TrainHook>> hooks, const TrainOptions& o,
                     int64_t first) {
  const auto& tr = s.cfg.params("train");
  const int64_t total = tr.i("iterations"), log_every = tr.i("log_every"), ckpt_every = tr.i("checkpoint_every");
  const int64_t stop_at = tr.i("stop_at_iteration");
  hooks.push_back(std::make_shared<MetricsLog>(dir.metrics()));
  const RunInfo info{dir.path(), first, total, log_every, s.sampler->tuple_name()};
  for (const auto& h : hooks) h->on_start(info);
  TrainResult result{dir.path(), first, first};
  int64_t last_ckpt = first;
  const auto t0 = std::chrono::steady_clock::now();
  Window window;
  s.model.branch->train();
  for (int64_t it = first; it < total; ++it) {
    const double lr = learning_rate(s.cfg.params("schedule"), s.cfg.params("optimizer").f("lr"), it, total);
    LossInput in;
    const double value = train_step(s, it, in, lr, last_ckpt, dir.checkpoint());
    const int64_t done = it + 1;
    window.loss += value;
    ++window.n;
    const auto now = std::chrono::steady_clock::now();
    StepInfo step{done, total, value, lr, window.rate(s.sampler->tuples_per_batch(), now), s.sampler->tuple_name(),
                  &in};
    for (const auto& h : hooks) h->on_step(step);
    if (done % log_every == 0 || done == total)
      log_row(hooks, step, window, std::chrono::duration<double>(now - t0).count());
    result.last_loss = value;
    result.iterations = done;
    const bool interrupted = o.stop && o.stop->load();
    const bool stop = (stop_at > 0 && done == stop_at && done < total) || interrupted;
    if (done % ckpt_every == 0 || done == total || stop) {
      save_checkpoint(s.model, *s.optimizer, done, dir.checkpoint());
      last_ckpt = done;
    }
    if (interrupted)
      throw RuntimeFailure(str("interrupted at iteration ", done, "; checkpoint saved to ", dir.checkpoint(),
                               " — continue with --resume"));
    if (stop) {
      result.stopped_early = true;
      break;
    }
  }
  for (const auto& h : hooks) h->on_finish(result.iterations);
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return result;
}

}  // namespace

TrainResult train(const TrainOptions& o) {
  Config cfg = load_recipe(o.recipe, o.overrides);
  std::string name = cfg.params("run").s("name");
  if (name.empty()) name = std::filesystem::path(o.recipe).stem().string();
  const RunStart start = o.resume ? RunStart::kResume : o.force ? RunStart::kForce : RunStart::kFresh;
  RunDir dir(o.run_dir.empty() ? "runs/" + name : o.run_dir);
  dir.check_policy(start);
  if (start == RunStart::kResume) check_resumable(dir, cfg);
  Session s = build_session(std::move(cfg), o);
  auto hooks = make_hooks(s, o);
  const int64_t first = start_run(s, dir, start);
  TrainResult result = run_loop(s, dir, std::move(hooks), o, first);
  if (!result.stopped_early) save_weights(s.model, dir.model());
  return result;
}

}  // namespace siamese
