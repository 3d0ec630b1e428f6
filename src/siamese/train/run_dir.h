// A run directory held by one process: the policy for what may happen to the run inside it, and a lock.
//
// runs/<name>/ holds config.toml (the resolved recipe), metrics.jsonl, checkpoint.pt, model.pt,
// report.json and the plots (train/run.h). Opening a RunDir:
//   * creates the folder and takes an exclusive advisory lock on <dir>/.lock (flock, released when the
//     RunDir is destroyed or the process dies); the lock file holds the holder's pid. A second process
//     opening the same folder gets ConfigError naming that pid — two trainers never write one run.
//   * removes the temporary files a killed atomic write left behind (`*.tmp.<pid>`, core/fs.h): the lock
//     guarantees no writer of ours is still alive to finish them.
// check_policy() then says whether a run may start here: a folder that already holds a run needs
// --resume (continue it) or --force (start over: clear_run() removes its files).
#pragma once

#include <string>

namespace siamese {

enum class RunStart { kFresh, kResume, kForce };

class RunDir {
 public:
  // Throws ConfigError when another process holds the lock, DataError when the folder cannot be made.
  explicit RunDir(std::string path);
  ~RunDir();
  RunDir(const RunDir&) = delete;
  RunDir& operator=(const RunDir&) = delete;

  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }
  std::string config() const { return file("config.toml"); }
  std::string checkpoint() const { return file("checkpoint.pt"); }
  std::string model() const { return file("model.pt"); }
  std::string metrics() const { return file("metrics.jsonl"); }

  bool holds_run() const;  // a checkpoint or final weights are here
  // Fresh: refuses a folder that holds a run. Resume: requires config.toml. Force: always allowed.
  // Throws ConfigError with the advice; changes nothing.
  void check_policy(RunStart start) const;
  void clear_run() const;  // removes checkpoint, model, metrics and report
  int removed_stale_files() const { return removed_stale_; }

 private:
  std::string path_;
  int lock_fd_ = -1;
  int removed_stale_ = 0;
};

}  // namespace siamese
