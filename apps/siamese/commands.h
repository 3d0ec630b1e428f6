// Subcommands of the `siamese` program: one file each (cmd_<name>.cpp). Each add_*_command() adds its
// subcommand to the root app and sets a callback; callbacks throw siamese::Error subclasses, which main()
// maps to a one-line message and an exit code (see core/error.h).
#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

namespace siamese::cli {

void add_train_command(CLI::App& root);
void add_eval_command(CLI::App& root);
void add_plot_command(CLI::App& root);
void add_embed_command(CLI::App& root);
void add_list_command(CLI::App& root);
void add_fit_metric_command(CLI::App& root);

// Prints "siamese: warning: <line>" on stderr for each warning the library returned (main.cpp).
void print_warnings(const std::vector<std::string>& warnings);

}  // namespace siamese::cli
