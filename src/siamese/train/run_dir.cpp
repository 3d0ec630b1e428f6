#include "siamese/train/run_dir.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <regex>

#include "siamese/core/error.h"
#include "siamese/core/fs.h"

namespace siamese {

namespace {

std::string read_holder(int fd) {
  char buf[32] = {};
  const ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
  std::string pid = n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
  while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' ')) pid.pop_back();
  return pid.empty() ? "unknown" : pid;
}

int remove_stale_temporaries(const std::string& dir) {
  static const std::regex tmp(R"(.+\.tmp\.[0-9]+)");
  int removed = 0;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    if (e.is_regular_file(ec) && std::regex_match(e.path().filename().string(), tmp))
      removed += std::filesystem::remove(e.path(), ec) ? 1 : 0;
  }
  return removed;
}

}  // namespace

RunDir::RunDir(std::string path) : path_(std::move(path)) {
  make_dirs(path_);
  const std::string lock = file(".lock");
  lock_fd_ = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (lock_fd_ < 0) throw DataError(str(lock, ": cannot open the run lock (", std::strerror(errno), ")"));
  if (::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
    const std::string holder = read_holder(lock_fd_);
    ::close(lock_fd_);
    lock_fd_ = -1;
    throw ConfigError(str(path_, ": in use by another siamese process (pid ", holder,
                          "); wait for it to finish or use another --run-dir"));
  }
  const std::string pid = std::to_string(::getpid()) + "\n";
  // Best effort: without the pid the lock still holds; only a competing process's message gets poorer.
  const bool written = ::ftruncate(lock_fd_, 0) == 0 && ::pwrite(lock_fd_, pid.data(), pid.size(), 0) >= 0;
  (void)written;
  removed_stale_ = remove_stale_temporaries(path_);
}

RunDir::~RunDir() {
  if (lock_fd_ >= 0) ::close(lock_fd_);  // closing releases the flock
}

bool RunDir::holds_run() const { return file_exists(checkpoint()) || file_exists(model()); }

void RunDir::check_policy(RunStart start) const {
  if (start == RunStart::kResume) {
    SIAMESE_CHECK(file_exists(config()), ConfigError, path_, ": nothing to resume (no config.toml)");
  } else if (start == RunStart::kFresh) {
    SIAMESE_CHECK(!holds_run(), ConfigError, path_,
                  ": already holds a run; use --resume to continue it, --force to start over, or another --run-dir");
  }
}

void RunDir::clear_run() const {
  std::error_code ec;
  for (const char* f : {"checkpoint.pt", "model.pt", "metrics.jsonl", "report.json"})
    std::filesystem::remove(file(f), ec);
}

}  // namespace siamese
