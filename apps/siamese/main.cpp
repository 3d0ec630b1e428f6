// siamese: train, evaluate, plot, embed and inspect Siamese / triplet networks and metric learners.
// Every failure ends in one line on stderr and an exit code (see core/error.h): 2 usage/config,
// 3 data/IO, 1 runtime failure, 70 internal error.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <iostream>
#include <string>

#include <torch/version.h>

#include "commands.h"
#include "siamese/core/blas.h"
#include "siamese/core/error.h"

int main(int argc, char** argv) {
  siamese::select_blas_kernel(argv);  // may re-execute this program once (see core/blas.h)
  CLI::App app{"siamese — learn similarity with Siamese and triplet networks (LibTorch, no Python)", "siamese"};
  app.require_subcommand(1);
  const std::string blas = siamese::blas_core_name();
  app.set_version_flag("--version", "siamese 0.1.0 (LibTorch " + std::to_string(TORCH_VERSION_MAJOR) + "." +
                                        std::to_string(TORCH_VERSION_MINOR) + ", BLAS kernel: " +
                                        (blas.empty() ? std::string("not OpenBLAS") : "OpenBLAS " + blas) + ")");
  siamese::cli::add_train_command(app);
  siamese::cli::add_eval_command(app);
  siamese::cli::add_plot_command(app);
  siamese::cli::add_embed_command(app);
  siamese::cli::add_list_command(app);
  siamese::cli::add_fit_metric_command(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "siamese: %s (see --help)\n", e.what());
    return static_cast<int>(siamese::ExitCode::kUsage);
  } catch (const siamese::Error& e) {
    std::fprintf(stderr, "siamese: error: %s\n", e.what());
    return static_cast<int>(e.exit_code());
  } catch (const c10::Error& e) {
    std::string msg = e.what_without_backtrace();
    std::fprintf(stderr, "siamese: internal error (torch): %s\n", msg.substr(0, msg.find('\n')).c_str());
    return static_cast<int>(siamese::ExitCode::kInternal);
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "siamese: error: out of memory (try a smaller batch or eval.batch_size)\n");
    return static_cast<int>(siamese::ExitCode::kRuntime);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "siamese: internal error: %s\n", e.what());
    return static_cast<int>(siamese::ExitCode::kInternal);
  }
  return 0;
}
