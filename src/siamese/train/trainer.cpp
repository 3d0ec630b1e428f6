#include "siamese/train/trainer.h"

#include <csignal>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "siamese/core/error.h"
#include "siamese/core/fs.h"
#include "siamese/core/progress.h"
#include "siamese/eval/evaluate.h"
#include "siamese/eval/metrics.h"
#include "siamese/mine/all_tuples.h"
#include "siamese/train/diagnostics.h"
#include "siamese/model/data_parallel.h"
#include "siamese/model/siamese_net.h"
#include "siamese/mine/miner.h"
#include "siamese/sample/sampler.h"
#include "siamese/train/optimizer.h"
#include "siamese/train/recipe.h"
#include "siamese/train/run.h"

namespace siamese {

namespace {

volatile std::sig_atomic_t g_interrupted = 0;
void on_sigint(int) { g_interrupted = 1; }

DiagnosticsFn& diagnostics_fn() {
  static DiagnosticsFn fn;
  return fn;
}

// The recipe with the keys that may change between an interrupted run and its resumption neutralised.
std::string comparable(const Config& c) {
  Config copy = c;
  auto& t = copy.sections_.at("train").params;
  t.set("iterations", int64_t{0});
  t.set("stop_at_iteration", int64_t{0});
  return copy.to_toml();
}

std::string first_difference(const std::string& a, const std::string& b) {
  std::istringstream sa(a), sb(b);
  std::string la, lb, section;
  while (true) {
    bool ga = static_cast<bool>(std::getline(sa, la)), gb = static_cast<bool>(std::getline(sb, lb));
    if (!ga && !gb) return "";
    if (ga && !la.empty() && la[0] == '[') section = la;
    if (la != lb) return str(section, " '", la, "' vs '", lb, "'");
  }
}

}  // namespace

void save_checkpoint(const Model& m, const Optimizer& opt, int64_t iteration, const std::string& path) {
  torch::serialize::OutputArchive root, optim;
  write_weights(m, root);
  auto state = opt.state();
  for (size_t k = 0; k < state.size(); ++k) optim.write(std::to_string(k), state[k]);
  optim.write("count", torch::tensor(static_cast<int64_t>(state.size())));
  root.write("optimizer", optim);
  root.write("iteration", torch::tensor(iteration));
  std::ostringstream os;
  root.save_to(os);
  write_file_atomic(path, os.str());
}

int64_t load_checkpoint(Model& m, Optimizer& opt, const std::string& path) {
  load_weights(m, path);
  try {
    torch::serialize::InputArchive root, optim;
    root.load_from(path);
    root.read("optimizer", optim);
    torch::Tensor count, it;
    optim.read("count", count);
    const int64_t n = count.item<int64_t>(), expected = static_cast<int64_t>(opt.state().size());
    SIAMESE_CHECK(n == expected, DataError, path, ": the checkpoint's optimizer state has ", n, " tensors, expected ",
                  expected, " (different model or optimizer?)");
    std::vector<torch::Tensor> state(static_cast<size_t>(n));
    for (size_t k = 0; k < state.size(); ++k) optim.read(std::to_string(k), state[k]);
    opt.load_state(state);
    root.read("iteration", it);
    const int64_t iteration = it.item<int64_t>();
    SIAMESE_CHECK(iteration >= 0, DataError, path, ": the checkpoint's iteration is ", iteration);
    return iteration;
  } catch (const c10::Error& e) {
    std::string msg = e.what_without_backtrace();
    throw DataError(str(path, ": cannot read the checkpoint (", msg.substr(0, msg.find('\n')), ")"));
  } catch (const Error&) {
    throw;
  } catch (const std::bad_alloc&) {
    throw;
  } catch (const std::exception& e) {  // a damaged archive also fails in TorchScript's parser (ErrorReport)
    std::string msg = e.what();
    msg.erase(0, msg.find_first_not_of(" \n"));
    throw DataError(str(path, ": cannot read the checkpoint (", msg.substr(0, msg.find('\n')), ")"));
  }
}

namespace {

// Keeps the metrics lines up to `iteration` (the checkpoint a resumed run continues from).
void truncate_metrics(const std::string& path, int64_t iteration) {
  if (!file_exists(path)) return;
  std::ifstream in(path);
  std::string line, kept;
  while (std::getline(in, line)) {
    try {
      auto j = nlohmann::json::parse(line);
      if (j.value("iter", int64_t{0}) <= iteration) kept += line + "\n";
    } catch (const nlohmann::json::exception&) {
      // a torn last line from a crash: drop it
    }
  }
  write_file_atomic(path, kept);
}

}  // namespace

void set_training_diagnostics(DiagnosticsFn fn) { diagnostics_fn() = std::move(fn); }

TrainResult train(const TrainOptions& o) {
  Config cfg = load_recipe(o.recipe, o.overrides);
  std::string name = cfg.params("run").s("name");
  if (name.empty()) name = std::filesystem::path(o.recipe).stem().string();
  TrainResult result;
  result.run_dir = o.run_dir.empty() ? "runs/" + name : o.run_dir;
  const std::string dir = result.run_dir;
  const std::string ckpt = dir + "/checkpoint.pt", metrics_path = dir + "/metrics.jsonl";

  bool have_ckpt = file_exists(ckpt);
  if (o.resume) {
    SIAMESE_CHECK(file_exists(dir + "/config.toml"), ConfigError, dir, ": nothing to resume (no config.toml)");
    Config saved = load_recipe(dir + "/config.toml");
    std::string diff = first_difference(comparable(saved), comparable(cfg));
    SIAMESE_CHECK(diff.empty(), ConfigError, dir, "/config.toml: the recipe differs from the run being resumed: ",
                  diff, " (only train.iterations may change)");
  } else if (have_ckpt || file_exists(dir + "/model.pt")) {
    SIAMESE_CHECK(o.force, ConfigError, dir,
                  ": already holds a run; use --resume to continue it, --force to start over, or another --run-dir");
    for (auto f : {"/checkpoint.pt", "/model.pt", "/metrics.jsonl", "/report.json"}) std::filesystem::remove(dir + f);
    have_ckpt = false;
  }
  make_dirs(dir);
  write_file_atomic(dir + "/config.toml", cfg.to_toml());

  apply_run_settings(cfg);
  const uint64_t seed = static_cast<uint64_t>(cfg.params("run").i("seed"));
  const auto& data_sec = cfg.section("data");
  DataSplits data = load_data(data_sec.component, data_sec.params, seed);
  Model model = build_model(cfg, data);
  DataParallel parallel(model.branch, run_workers(cfg));
  const auto& samp = cfg.section("sampler");
  auto sampler = sampler_registry().create(samp.component, samp.params);
  sampler->reset(data.train, seed);
  std::shared_ptr<Miner> miner;
  const auto& mine = cfg.section("miner");
  if (!mine.component.empty()) miner = miner_registry().create(mine.component, mine.params);
  auto mine_distance = model.eval_distance(cfg);

  const auto& op = cfg.params("optimizer");
  std::vector<ParamGroup> groups = {{model.trainable_weights(), 1.0, 1.0},
                                    {model.trainable_biases(), op.f("bias_lr_mult"), op.f("bias_decay_mult")}};
  Optimizer optimizer(groups, op);

  const auto& tr = cfg.params("train");
  const int64_t total = tr.i("iterations");
  int64_t start = 0;
  if (o.resume && have_ckpt) {
    start = load_checkpoint(model, optimizer, ckpt);
    truncate_metrics(metrics_path, start);
  } else {
    std::filesystem::remove(metrics_path);
    const auto& x = data.train.x;
    model.loss->prepare(embed_all(*model.branch, x.slice(0, 0, std::min<int64_t>(x.size(0), 1000)), 500,
                                  parallel.workers()));
  }
  SIAMESE_CHECK(start <= total, ConfigError, "the checkpoint is at iteration ", start, ", past train.iterations = ", total);

  g_interrupted = 0;
  auto previous_handler = std::signal(SIGINT, on_sigint);
  struct Restore {
    void (*h)(int);
    ~Restore() { std::signal(SIGINT, h); }
  } restore{previous_handler};

  std::ofstream metrics(metrics_path, std::ios::app);
  Progress progress(total, sampler->tuple_name(), tr.i("log_every"), o.quiet);
  const TupleKind kind = model.loss->consumes();
  const int64_t log_every = tr.i("log_every"), ckpt_every = tr.i("checkpoint_every");
  const int64_t stop_at = tr.i("stop_at_iteration");
  double window_loss = 0;
  int64_t window_n = 0, last_ckpt = start;
  auto t0 = std::chrono::steady_clock::now();
  auto window_t0 = t0;
  double eval_seconds = 0;  // time spent in periodic checks, excluded from train_s
  const int64_t eval_every = tr.i("eval_every");
  SIAMESE_CHECK(eval_every % log_every == 0, ConfigError, cfg.source, " [train]: eval_every (", eval_every,
                ") must be a multiple of log_every (", log_every, ")");
  const TensorDataset& check_set = tr.s("eval_split") == "test" || data.val.size() < 4 ? data.test : data.val;
  auto check_pairs = verification_pairs(check_set.y, tr.i("eval_pairs"), seed + 17);
  DiagnosticsOptions diag_options;
  if (cfg.params("loss").has("margin")) diag_options.margin = cfg.params("loss").f("margin");
  CollapseMonitor collapse;
  model.branch->train();

  for (int64_t it = start; it < total; ++it) {
    Batch batch = sampler->batch(it);
    auto x = data.train.x.index_select(0, batch.rows);
    // ONE branch over the whole batch (weights shared by construction), sharded across the workers.
    auto emb = parallel.forward(x);
    LossInput in{emb, batch.labels, batch.pairs, batch.triplets};
    if (kind != TupleKind::kLabels && !in.pairs && !in.triplets) {
      if (miner) {
        Mined mined = miner->mine(emb.detach(), batch.labels, *mine_distance);
        in.pairs = mined.pairs;
        in.triplets = mined.triplets;
      } else if (kind == TupleKind::kPairs) {
        in.pairs = all_pairs(batch.labels);
      } else {
        in.triplets = AllTripletsMiner().mine(emb.detach(), batch.labels, *mine_distance).triplets;
      }
    }
    if (kind == TupleKind::kPairs && !in.pairs && in.triplets) in.pairs = triplets_to_pairs(*in.triplets);
    if (kind == TupleKind::kTriplets && !in.triplets && in.pairs) in.triplets = pairs_to_triplets(*in.pairs);

    auto loss = model.loss->forward(in);
    const double value = loss.item<double>();
    if (!std::isfinite(value))
      throw RuntimeFailure(str("the loss became ", value, " at iteration ", it + 1,
                               last_ckpt > 0 ? str("; the last good checkpoint (iteration ", last_ckpt, ") is ", ckpt)
                                             : std::string("; no checkpoint was written yet"),
                               " — try a lower optimizer.lr"));
    optimizer.zero_grad();
    loss.backward();
    parallel.backward(emb.grad());
    const double lr = learning_rate(cfg.params("schedule"), op.f("lr"), it, total);
    optimizer.step(lr);

    const int64_t done = it + 1;
    window_loss += value;
    ++window_n;
    auto now = std::chrono::steady_clock::now();
    const double window_s = std::chrono::duration<double>(now - window_t0).count();
    const double rate = window_s > 0 ? static_cast<double>(window_n * sampler->tuples_per_batch()) / window_s : 0;
    progress.update(done, value, rate);
    if (done % log_every == 0 || done == total) {
      const double elapsed = std::chrono::duration<double>(now - t0).count();
      nlohmann::json row = {{"iter", done}, {"loss", window_loss / static_cast<double>(window_n)}, {"lr", lr},
                            {sampler->tuple_name() + "_per_s", rate}, {"elapsed_s", elapsed},
                            {"train_s", elapsed - eval_seconds}};
      if (eval_every > 0 && done % eval_every == 0) {
        auto e0 = std::chrono::steady_clock::now();
        auto check_emb = embed_all(*model.branch, check_set.x, 500, parallel.workers());
        model.branch->train();
        auto scores = pair_scores(check_emb, check_pairs.first, check_pairs.second, *mine_distance);
        row["check_auc"] = roc_auc(scores, check_pairs.same, mine_distance->is_similarity());
        row["check_split"] = &check_set == &data.test ? "test" : "val";
        eval_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - e0).count();
      }
      {
        torch::NoGradGuard no_grad;
        LossInput detached = in;
        detached.embeddings = emb.detach();
        batch_diagnostics(detached.embeddings, detached, *mine_distance, row, diag_options);
        if (diagnostics_fn()) diagnostics_fn()(detached.embeddings, detached, *mine_distance, row);
      }
      if (auto warning = collapse.check(row)) {
        progress.finish();
        std::fprintf(stderr, "siamese: warning: %s\n", warning->c_str());
      }
      metrics << row.dump() << "\n" << std::flush;
      window_loss = 0;
      window_n = 0;
      window_t0 = now;
    }
    result.last_loss = value;
    result.iterations = done;
    const bool stop = (stop_at > 0 && done == stop_at && done < total) || g_interrupted;
    if (done % ckpt_every == 0 || done == total || stop) {
      save_checkpoint(model, optimizer, done, ckpt);
      last_ckpt = done;
    }
    if (g_interrupted) {
      progress.finish();
      throw RuntimeFailure(str("interrupted at iteration ", done, "; checkpoint saved to ", ckpt,
                               " — continue with --resume"));
    }
    if (stop) {
      result.stopped_early = true;
      break;
    }
  }
  progress.finish();
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (!result.stopped_early) save_weights(model, dir + "/model.pt");
  return result;
}

}  // namespace siamese
