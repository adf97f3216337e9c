// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// @file Command.h
/// One `ganvas-cli` subcommand: it declares its options on a CLI11 sub-app and runs after parsing.
/// Exit codes everywhere: 0 success, 1 failure (message on stderr), 2 usage error.

#include <CLI/CLI.hpp>

#include <memory>
#include <string>
#include <vector>

namespace ganvas::cli {

enum ExitCode { kExitOk = 0, kExitFailure = 1, kExitUsage = 2 };

struct GlobalOptions {
    std::string device;     ///< empty: from settings
    int threads = -1;       ///< -1: from settings
    std::string precision;  ///< empty: from settings
};

class Command {
public:
    virtual ~Command() = default;
    /// Adds the subcommand and its options to @p app; returns the sub-app.
    virtual CLI::App* add(CLI::App& app) = 0;
    /// Runs after a successful parse. Compute settings are already applied.
    virtual int run() = 0;
};

std::unique_ptr<Command> makeInfoCommand();
std::unique_ptr<Command> makeBenchCommand();
std::unique_ptr<Command> makeRenderCommand();
std::unique_ptr<Command> makeTimelapseCommand();
std::unique_ptr<Command> makeStylesCommand();
std::unique_ptr<Command> makeStyleCommand();
std::unique_ptr<Command> makeStyleTrainCommand();
std::unique_ptr<Command> makeStyleEvalCommand();
std::unique_ptr<Command> makeGeneratorsCommand();
std::unique_ptr<Command> makeSampleCommand();
std::unique_ptr<Command> makeGanTrainCommand();
std::unique_ptr<Command> makeGanEvalCommand();
std::unique_ptr<Command> makeGanProjectCommand();
std::unique_ptr<Command> makeUpscaleCommand();
std::unique_ptr<Command> makeUpscalersCommand();
std::unique_ptr<Command> makeDatasetCommand();
std::unique_ptr<Command> makeSoakCommand();

} // namespace ganvas::cli
