// siamese: train, evaluate, plot, embed and inspect Siamese / triplet networks and metric learners.
// Every failure ends in one line on stderr and an exit code (see core/error.h): 2 usage/config,
// 3 data/IO, 1 runtime failure (out of memory included), 70 internal error. An unknown subcommand is a usage
// error naming it and listing the known ones, even with --help after it.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>

#include <c10/util/Exception.h>
#include <torch/version.h>

#include "commands.h"
#include "siamese/core/blas.h"
#include "siamese/core/error.h"
#include "siamese/core/memory.h"
#include "siamese/core/text.h"

namespace siamese::cli {

void print_warnings(const std::vector<std::string>& warnings) {
  for (const auto& w : warnings) std::fprintf(stderr, "siamese: warning: %s\n", w.c_str());
}

}  // namespace siamese::cli

namespace {

// The first argument that is not an option names the subcommand; "" when every argument is an option.
// The root takes no option with a value (only --help and --version), so no option's value is mistaken.
std::string unknown_subcommand(CLI::App& app, int argc, char** argv) {
  for (int k = 1; k < argc; ++k) {
    const std::string a = argv[k];
    if (!a.empty() && a[0] == '-') continue;
    for (const auto* sub : app.get_subcommands([](CLI::App*) { return true; }))
      if (sub->get_name() == a) return "";
    return a;
  }
  return "";
}

std::string known_subcommands(CLI::App& app) {
  std::string known;
  for (const auto* sub : app.get_subcommands([](CLI::App*) { return true; }))
    known += (known.empty() ? "" : ", ") + sub->get_name();
  return known;
}

// LibTorch's CPU allocator reports failure as a c10::Error ("DefaultCPUAllocator: can't allocate memory:
// you tried to allocate N bytes"), not std::bad_alloc.
bool is_out_of_memory(const c10::Error& e) {
  if (dynamic_cast<const c10::OutOfMemoryError*>(&e)) return true;
  const std::string m = e.what_without_backtrace();
  for (const char* s : {"can't allocate memory", "not enough memory", "alloc_cpu() seems to have been called with negative"})
    if (m.find(s) != std::string::npos) return true;
  return false;
}

// "could not allocate 3.6 GB" from the allocator's "... you tried to allocate 3840000000 bytes ...".
std::string requested_bytes(const std::string& message) {
  const std::string marker = "tried to allocate ";
  const auto at = message.find(marker);
  if (at == std::string::npos) return "";
  const double bytes = std::strtod(message.c_str() + at + marker.size(), nullptr);
  return bytes > 0 ? "could not allocate " + siamese::format_bytes(bytes) : "";
}

int out_of_memory(const std::string& detail) {
  std::fprintf(stderr, "siamese: error: out of memory%s (try a smaller sampler batch, eval.batch_size or model width)\n",
               detail.empty() ? "" : (" (" + siamese::shorten_value(detail, 120) + ")").c_str());
  return static_cast<int>(siamese::ExitCode::kRuntime);
}

}  // namespace

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
  const std::string unknown = unknown_subcommand(app, argc, argv);
  if (!unknown.empty()) {
    std::fprintf(stderr, "siamese: error: unknown command '%s' (known: %s; see siamese --help)\n",
                 siamese::shorten_value(unknown).c_str(), known_subcommands(app).c_str());
    return static_cast<int>(siamese::ExitCode::kUsage);
  }
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
    if (is_out_of_memory(e)) return out_of_memory(requested_bytes(msg));
    std::fprintf(stderr, "siamese: internal error (torch): %s\n", msg.substr(0, msg.find('\n')).c_str());
    return static_cast<int>(siamese::ExitCode::kInternal);
  } catch (const std::bad_alloc&) {
    return out_of_memory("");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "siamese: internal error: %s\n", e.what());
    return static_cast<int>(siamese::ExitCode::kInternal);
  }
  return 0;
}
