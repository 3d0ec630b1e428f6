// End to end: a training run stopped by SIGINT, SIGTERM or SIGHUP checkpoints, says so in one line, exits 1
// and resumes to the end; a second trainer on a run directory in use exits 2 naming the holder's pid.
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "cli/cli_helpers.h"
#include "paths.h"

extern char** environ;

namespace siamese::testing {
namespace {

namespace fs = std::filesystem;

// `siamese <args>` started in the background, its stdout and stderr going to `log`.
pid_t spawn_siamese(const std::string& args, const std::string& log) {
  const std::string cmd = "exec " + siamese::test::binary_path() + " " + args + " > " + log + " 2>&1 < /dev/null";
  const char* argv[] = {"/bin/sh", "-c", cmd.c_str(), nullptr};
  pid_t pid = -1;
  EXPECT_EQ(posix_spawn(&pid, "/bin/sh", nullptr, nullptr, const_cast<char* const*>(argv), environ), 0);
  return pid;
}

int wait_exit(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// Waits (at most ~60 s) until `path` exists and is not empty.
bool wait_for_file(const std::string& path) {
  for (int i = 0; i < 600; ++i) {
    std::error_code ec;
    if (fs::exists(path, ec) && fs::file_size(path, ec) > 0) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

std::string long_recipe(const std::string& dir) {
  const std::string data = make_toy_idx(dir);
  const std::string path = dir + "/long.toml";
  write_text(path, data +
                       "[run]\nseed = 3\nthreads = 1\n"
                       "[model]\nname = \"lenet\"\nembedding_dim = 2\nconv1 = 4\nconv2 = 8\nhidden = 32\n"
                       "[loss]\nname = \"contrastive\"\n"
                       "[sampler]\nname = \"m_per_class\"\nclasses_per_batch = 4\nper_class = 4\n"
                       "[optimizer]\nlr = 0.01\n"
                       "[train]\niterations = 1000000\nlog_every = 5\ncheckpoint_every = 1000000\n");
  return path;
}

class SignalStop : public ::testing::TestWithParam<int> {};

TEST_P(SignalStop, CheckpointsExitsOneAndResumes) {
  const int sig = GetParam();
  const std::string dir = fresh_dir("signal_" + std::to_string(sig));
  const std::string recipe = long_recipe(dir), run = dir + "/run", log = dir + "/log.txt";
  const pid_t pid = spawn_siamese("train " + recipe + " --run-dir " + run + " --quiet", log);
  ASSERT_TRUE(wait_for_file(run + "/metrics.jsonl")) << read_text(log);
  ASSERT_EQ(kill(pid, sig), 0);
  EXPECT_EQ(wait_exit(pid), 1) << read_text(log);
  const std::string out = read_text(log);
  EXPECT_NE(out.find("interrupted at iteration"), std::string::npos) << out;
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 1) << out;
  EXPECT_TRUE(fs::exists(run + "/checkpoint.pt"));
  // The stopped run continues: here to a short end, set through --set train.iterations.
  const std::string it = out.substr(out.find("interrupted at iteration ") + 25);
  const long done = std::stol(it);
  auto resumed = run_siamese("train " + recipe + " --run-dir " + run +
                             " --quiet --resume --set train.iterations=" + std::to_string(done + 3));
  EXPECT_EQ(resumed.exit_code, 0) << resumed.output;
  EXPECT_TRUE(fs::exists(run + "/model.pt"));
}

INSTANTIATE_TEST_SUITE_P(Cli, SignalStop, ::testing::Values(SIGINT, SIGTERM, SIGHUP));

TEST(RunLock, ASecondTrainerOnTheSameRunExitsTwoNamingThePid) {
  const std::string dir = fresh_dir("lock");
  const std::string recipe = long_recipe(dir), run = dir + "/run", log = dir + "/log.txt";
  const pid_t pid = spawn_siamese("train " + recipe + " --run-dir " + run + " --quiet", log);
  ASSERT_TRUE(wait_for_file(run + "/metrics.jsonl")) << read_text(log);
  auto second = run_siamese("train " + recipe + " --run-dir " + run + " --quiet --force");
  EXPECT_EQ(second.exit_code, 2) << second.output;
  EXPECT_NE(second.output.find("pid " + std::to_string(pid)), std::string::npos) << second.output;
  EXPECT_EQ(std::count(second.output.begin(), second.output.end(), '\n'), 1) << second.output;
  kill(pid, SIGTERM);
  EXPECT_EQ(wait_exit(pid), 1);
  // The first run's files are intact: --force from the loser removed nothing.
  EXPECT_TRUE(fs::exists(run + "/checkpoint.pt"));
}

}  // namespace
}  // namespace siamese::testing
