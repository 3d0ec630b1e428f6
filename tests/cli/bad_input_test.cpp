// End to end: every bad input of issue 9's "bad input, faults and limits" list ends in the documented exit
// code and ONE line on stderr naming the file, key or value: recipes that are directories, unreadable or
// empty; sizes that cannot fit (exit 2 before allocating; exit 1 "out of memory" when an allocation still
// fails); strict integer lists; IDX shapes, truncated gzip and tiny CSVs; weights of another architecture;
// damaged metrics logs; more threads than cores (a warning); unknown subcommands; over-long values.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include <torch/torch.h>

#include "cli/cli_helpers.h"
#include "paths.h"
#include "siamese/data/idx.h"

namespace siamese::testing {
namespace {

struct Outcome {
  int exit_code = -1;
  std::string out, err;
  int err_lines() const { return static_cast<int>(std::count(err.begin(), err.end(), '\n')); }
  bool err_has(const std::string& s) const { return err.find(s) != std::string::npos; }
};

// Runs `siamese <args>` with stdout and stderr apart; `limit` (a shell prefix such as "ulimit -v N;") is
// applied to the program only.
Outcome run(const std::string& args, const std::string& limit = "") {
  static int counter = 0;
  const std::string base = ::testing::TempDir() + "/siamese_bad_input_" + std::to_string(::getpid()) + "_" +
                           std::to_string(counter++);
  const std::string cmd = "(" + limit + " exec " + siamese::test::binary_path() + " " + args + ") >" + base +
                          ".out 2>" + base + ".err </dev/null";
  const int status = std::system(cmd.c_str());
  Outcome r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = read_text(base + ".out");
  r.err = read_text(base + ".err");
  return r;
}

#define EXPECT_ONE_LINE(r, code, ...)                                                     \
  do {                                                                                    \
    EXPECT_EQ((r).exit_code, code) << (r).out << (r).err;                                 \
    EXPECT_EQ((r).err_lines(), 1) << (r).err;                                             \
    for (const std::string& s : {__VA_ARGS__}) EXPECT_TRUE((r).err_has(s)) << s << " not in: " << (r).err; \
  } while (0)

std::string mlp_recipe(const std::string& data, const std::string& hidden, int iterations = 6) {
  return data +
         "val_fraction = 0.2\n"
         "[run]\nseed = 3\nthreads = 1\n"
         "[model]\nname = \"mlp\"\nembedding_dim = 2\nhidden = \"" + hidden + "\"\n"
         "[loss]\nname = \"contrastive\"\n"
         "[sampler]\nname = \"m_per_class\"\nclasses_per_batch = 4\nper_class = 4\n"
         "[optimizer]\nlr = 0.01\n"
         "[train]\niterations = " + std::to_string(iterations) + "\nlog_every = 1\ncheckpoint_every = 3\n"
         "[eval]\nmax_pairs = 1000\n";
}

class BadInput : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = fresh_dir("bad_input");
    data_ = make_toy_idx(dir_, 4, 12, 6);
    write_text(dir_ + "/mlp.toml", mlp_recipe(data_, "16"));
    trained_ = run("train " + dir_ + "/mlp.toml --run-dir " + dir_ + "/trained --quiet");
  }
  // A copy of the run trained once for the suite.
  static std::string trained_copy(const std::string& name) {
    EXPECT_EQ(trained_.exit_code, 0) << trained_.out << trained_.err;
    const std::string to = dir_ + "/" + name;
    std::filesystem::remove_all(to);
    std::filesystem::copy(dir_ + "/trained", to, std::filesystem::copy_options::recursive);
    return to;
  }
  static Outcome trained_;
  static std::string dir_, data_;
};
std::string BadInput::dir_, BadInput::data_;
Outcome BadInput::trained_;

TEST_F(BadInput, RecipeThatIsADirectoryUnreadableOrEmptyExitsTwo) {
  std::filesystem::create_directories(dir_ + "/recipe_dir.toml");
  auto r = run("train " + dir_ + "/recipe_dir.toml --run-dir " + dir_ + "/r1");
  EXPECT_ONE_LINE(r, 2, dir_ + "/recipe_dir.toml: is a directory");
  write_text(dir_ + "/empty.toml", "");
  r = run("train " + dir_ + "/empty.toml --run-dir " + dir_ + "/r2");
  EXPECT_ONE_LINE(r, 2, dir_ + "/empty.toml: empty recipe");
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/r2/config.toml"));  // not trained with "all defaults"
  if (std::filesystem::exists("/proc/self/clear_refs")) {  // opens for root, but cannot be read by anyone
    r = run("train /proc/self/clear_refs --run-dir " + dir_ + "/r3");
    EXPECT_ONE_LINE(r, 2, "/proc/self/clear_refs: cannot ");
  }
}

TEST_F(BadInput, IntegerListsAreStrict) {
  for (std::string bad : {"32x", "1e3", "32,,16"}) {
    write_text(dir_ + "/list.toml", mlp_recipe(data_, bad));
    auto r = run("train " + dir_ + "/list.toml --run-dir " + dir_ + "/list --force");
    EXPECT_ONE_LINE(r, 2, "model.hidden = \"" + bad + "\"");
  }
  auto r = run("train " + dir_ + "/mlp.toml --run-dir " + dir_ + "/classes --set data.classes=1,2x");
  EXPECT_ONE_LINE(r, 2, "data.classes = \"1,2x\"");
}

TEST_F(BadInput, SizesThatCannotFitExitTwoNamingTheKey) {
  auto r = run("train " + dir_ + "/mlp.toml --run-dir " + dir_ + "/k --set sampler.per_class=13");
  EXPECT_ONE_LINE(r, 2, "sampler.per_class = 13 is larger than the ", " examples of the largest class");
  r = run("train " + dir_ + "/mlp.toml --run-dir " + dir_ + "/p --set sampler.classes_per_batch=5");
  EXPECT_ONE_LINE(r, 2, "classes_per_batch = 5");
  // Terabytes of weights: refused at once, before the allocation is tried.
  write_text(dir_ + "/wide.toml", mlp_recipe(data_, "1000000000000"));
  r = run("train " + dir_ + "/wide.toml --run-dir " + dir_ + "/wide");
  EXPECT_ONE_LINE(r, 2, "model.hidden = \"1000000000000\": needs ", "more than this machine's");
  r = run("train " + dir_ + "/mlp.toml --run-dir " + dir_ + "/dim --set model.embedding_dim=100000000000000");
  EXPECT_ONE_LINE(r, 2, "model.embedding_dim = 100000000000000: needs ");
}

TEST_F(BadInput, AnAllocationThatStillFailsIsOutOfMemoryExitOne) {
  // 3.8 GB of weights passes the check against the machine's memory (16 bytes per parameter: 15 GB); an
  // address-space limit of 3 GB makes the allocator fail (LibTorch throws c10::Error, not std::bad_alloc).
  if (::sysconf(_SC_PHYS_PAGES) * static_cast<double>(::sysconf(_SC_PAGESIZE)) < 16e9)
    GTEST_SKIP() << "needs 16 GB of memory for the width to pass the pre-allocation check";
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "AddressSanitizer reserves terabytes of shadow address space: `ulimit -v` stops it at start-up";
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
  GTEST_SKIP() << "AddressSanitizer reserves terabytes of shadow address space: `ulimit -v` stops it at start-up";
#endif
#endif
  write_text(dir_ + "/big.toml", mlp_recipe(data_, "1200000"));
  auto r = run("train " + dir_ + "/big.toml --run-dir " + dir_ + "/big", "ulimit -v 3000000;");
  EXPECT_ONE_LINE(r, 1, "siamese: error: out of memory (could not allocate ");
}

TEST_F(BadInput, IdxOfDifferentShapesAndTruncatedGzipExitThree) {
  const std::string d = fresh_dir("bad_input_idx");
  write_idx_images(d + "/train-images", torch::zeros({8, 28, 28}, torch::kUInt8));
  write_idx_labels(d + "/train-labels", torch::arange(8).remainder(4).to(torch::kUInt8));
  write_idx_images(d + "/test-images", torch::zeros({4, 20, 20}, torch::kUInt8));
  write_idx_labels(d + "/test-labels", torch::arange(4).to(torch::kUInt8));
  const std::string section = "[data]\nname = \"idx\"\ntrain_images = \"" + d + "/train-images\"\ntrain_labels = \"" + d +
                              "/train-labels\"\ntest_images = \"" + d + "/test-images\"\ntest_labels = \"" + d +
                              "/test-labels\"\n";
  write_text(d + "/r.toml", mlp_recipe(section, "8"));
  auto r = run("train " + d + "/r.toml --run-dir " + d + "/run");
  EXPECT_ONE_LINE(r, 3, d + "/test-images: images are 20x20 but the training images");

  // A .gz cut in the middle (zlib: "unexpected end of file"), for IDX and CSV alike.
  const std::string gz = d + "/cut.gz";
  std::system(("gzip -c " + dir_ + "/train-images | head -c 3000 > " + gz).c_str());
  write_text(d + "/gz.toml", mlp_recipe("[data]\nname = \"idx\"\ntrain_images = \"" + gz + "\"\ntrain_labels = \"" +
                                            dir_ + "/train-labels\"\ntest_images = \"" + dir_ + "/test-images\"\n"
                                            "test_labels = \"" + dir_ + "/test-labels\"\n", "8"));
  r = run("train " + d + "/gz.toml --run-dir " + d + "/gzrun");
  EXPECT_ONE_LINE(r, 3, gz + ": truncated gzip stream (unexpected end of file)");
  std::string csv;
  for (int k = 0; k < 3000; ++k)
    csv += std::to_string(k) + "," + std::to_string((k * 7919) % 10007) + "," + std::to_string(k % 2) + "\n";
  write_text(d + "/t.csv", csv);
  std::system(("gzip -c " + d + "/t.csv | head -c 2000 > " + d + "/cut.csv.gz").c_str());
  r = run("fit-metric --method euclidean " + d + "/cut.csv.gz");
  EXPECT_ONE_LINE(r, 3, d + "/cut.csv.gz: truncated gzip stream (unexpected end of file)");
}

TEST_F(BadInput, CsvOfOneOrTwoRowsExitsThreeNamingTheFile) {
  const std::string d = fresh_dir("bad_input_csv");
  write_text(d + "/one.csv", "1.0,2.0,0\n");
  auto r = run("fit-metric --method euclidean " + d + "/one.csv");
  EXPECT_ONE_LINE(r, 3, d + "/one.csv: only 1 data row");
  write_text(d + "/two.csv", "f1,f2,label\n1.0,2.0,0\n3.0,1.0,1\n");
  r = run("fit-metric --method euclidean " + d + "/two.csv");
  EXPECT_ONE_LINE(r, 3, d + "/two.csv: only 2 data rows");
}

// A trained run whose config.toml is then edited to another architecture: eval, embed and plot refuse its
// model.pt naming the tensor and both shapes.
TEST_F(BadInput, WeightsOfAnotherArchitectureExitThreeInEvalEmbedPlot) {
  const std::string run_dir = trained_copy("arch");
  std::string cfg = read_text(run_dir + "/config.toml");
  const auto at = cfg.find("hidden = \"16\"");
  ASSERT_NE(at, std::string::npos) << cfg;
  write_text(run_dir + "/config.toml", cfg.substr(0, at) + "hidden = \"24\"" + cfg.substr(at + 13));
  for (std::string cmd : {"eval", "embed", "plot"}) {
    auto r = run(cmd + " --run-dir " + run_dir);
    EXPECT_ONE_LINE(r, 3, run_dir + "/model.pt: tensor 'branch.layers.0.weight' has shape [16, 784] in the file "
                          "but the model needs [24, 784]");
  }
}

TEST_F(BadInput, PlotSkipsNullLossesAndRefusesABadLine) {
  const std::string run_dir = trained_copy("plotlog");
  const std::string log = read_text(run_dir + "/metrics.jsonl");
  const int lines = static_cast<int>(std::count(log.begin(), log.end(), '\n'));
  write_text(run_dir + "/metrics.jsonl", log + "{\"iter\": 7, \"loss\": null}\n");
  auto r = run("plot --run-dir " + run_dir);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("1 logged iteration(s) with a null (non-finite) loss left out"), std::string::npos) << r.out;
  EXPECT_TRUE(std::filesystem::exists(run_dir + "/loss.png"));
  write_text(run_dir + "/metrics.jsonl", log + "{\"iter\": 7, \"loss\": null}\n{\"iter\": 8, \"lo");
  r = run("plot --run-dir " + run_dir);
  EXPECT_ONE_LINE(r, 3, run_dir + "/metrics.jsonl:" + std::to_string(lines + 2) + ": not a JSON line");
}

TEST_F(BadInput, MoreThreadsThanCoresIsAOneLineWarning) {
  const std::string run_dir = trained_copy("threads");
  const unsigned cores = std::thread::hardware_concurrency();
  std::string cfg = read_text(run_dir + "/config.toml");
  const auto at = cfg.find("threads = 1\n");
  ASSERT_NE(at, std::string::npos) << cfg;
  write_text(run_dir + "/config.toml",
             cfg.substr(0, at) + "threads = " + std::to_string(cores + 2) + "\n" + cfg.substr(at + 12));
  auto r = run("embed --run-dir " + run_dir);
  EXPECT_ONE_LINE(r, 0, "siamese: warning: run.threads = " + std::to_string(cores + 2) + " is more than the " +
                            std::to_string(cores) + " cores");
}

TEST_F(BadInput, UnknownSubcommandExitsTwoListingTheKnownOnes) {
  auto r = run("nosuch");
  EXPECT_ONE_LINE(r, 2, "unknown command 'nosuch'", "train", "eval", "fit-metric");
  r = run("nosuch --help");
  EXPECT_ONE_LINE(r, 2, "unknown command 'nosuch'");
  r = run("--help");
  EXPECT_EQ(r.exit_code, 0);
}

TEST_F(BadInput, LongValuesAreShortenedInMessages) {
  const std::string long_value(400, '7');
  auto r = run("train " + dir_ + "/mlp.toml --run-dir " + dir_ + "/long --set model.hidden=" + long_value + "x");
  EXPECT_ONE_LINE(r, 2, "model.hidden = \"", "(401 characters)");
  EXPECT_LT(r.err.size(), 300u) << r.err;
  r = run(std::string(300, 'z'));
  EXPECT_ONE_LINE(r, 2, "(300 characters)");
  EXPECT_LT(r.err.size(), 300u) << r.err;
}

}  // namespace
}  // namespace siamese::testing
