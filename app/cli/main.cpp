// SPDX-License-Identifier: GPL-3.0-or-later
// ganvas-cli: the studio's work without a window. Wiring only; each subcommand is its own file.
#include "app/cli/Command.h"
#include "core/app/RuntimeReport.h"
#include "core/engine/nn/BlasKernels.h"
#include "core/engine/nn/ProcessExit.h"
#include "core/settings/ComputeSettings.h"

#include <QGuiApplication>
#include <QSettings>

#include <iostream>

namespace {

int runCli(int argc, char** argv)
{
    using namespace ganvas;
    // A QGuiApplication because some commands paint (emoji, previews, contact sheets); the
    // offscreen platform because the CLI never shows a window and must run without a display
    // (ssh, CI, containers) whatever platform the desktop session exports. Qt sees only the
    // program name: it would otherwise take options that are ours (--style, --display, --name).
    qputenv("QT_QPA_PLATFORM", "offscreen");
    int qtArgc = 1;
    QGuiApplication app(qtArgc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("Ganvas"));
    QCoreApplication::setApplicationName(QStringLiteral("Ganvas"));
    QCoreApplication::setApplicationVersion(core::ganvasVersion());

    CLI::App cli{"ganvas-cli: Ganvas without a window (style transfer, GANs, upscaling, benchmarks)", "ganvas-cli"};
    cli.set_version_flag("--version", core::ganvasVersion().toStdString());
    cli.require_subcommand(1);
    cli::GlobalOptions global;
    cli.add_option("--device", global.device, "compute device: auto, cpu, cuda or cuda:N (default: settings, else auto)");
    cli.add_option("--threads", global.threads, "CPU threads, 0 = all cores (default: settings, else all cores)")
        ->check(CLI::Range(0, 1024));
    cli.add_option("--precision", global.precision, "auto, fp32 or bf16 (default: settings, else auto: bf16 on CUDA and on CPUs with native bf16, fp32 elsewhere)");
    int maxMegapixels = 0;
    cli.add_option("--max-megapixels", maxMegapixels,
                   "refuse input pictures larger than this many megapixels, before decoding (default: "
                   "GANVAS_MAX_MEGAPIXELS, else the setting limits/maxMegapixels, else 256)")
        ->check(CLI::Range(1, 1 << 20));

    std::vector<std::unique_ptr<cli::Command>> commands;
    commands.push_back(cli::makeInfoCommand());
    commands.push_back(cli::makeBenchCommand());
    commands.push_back(cli::makeRenderCommand());
    commands.push_back(cli::makeTimelapseCommand());
    commands.push_back(cli::makeStylesCommand());
    commands.push_back(cli::makeStyleCommand());
    commands.push_back(cli::makeStyleTrainCommand());
    commands.push_back(cli::makeStyleEvalCommand());
    commands.push_back(cli::makeGeneratorsCommand());
    commands.push_back(cli::makeSampleCommand());
    commands.push_back(cli::makeGanTrainCommand());
    commands.push_back(cli::makeGanEvalCommand());
    commands.push_back(cli::makeGanProjectCommand());
    commands.push_back(cli::makeUpscaleCommand());
    commands.push_back(cli::makeUpscalersCommand());
    commands.push_back(cli::makeDatasetCommand());
    commands.push_back(cli::makeSoakCommand());
    std::vector<std::pair<CLI::App*, cli::Command*>> subs;
    for (auto& c : commands)
        subs.emplace_back(c->add(cli), c.get());

    try {
        cli.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int code = cli.exit(e);
        return code == 0 ? cli::kExitOk : cli::kExitUsage;
    }

    if (maxMegapixels > 0) // read by every image load (core/io/ImageIO.h)
        qputenv("GANVAS_MAX_MEGAPIXELS", QByteArray::number(maxMegapixels));

    QSettings settings;
    auto compute = core::ComputeSettings::load(settings);
    if (!global.device.empty())
        compute.device = QString::fromStdString(global.device);
    if (global.threads >= 0)
        compute.threads = global.threads;
    if (!global.precision.empty())
        compute.precision = QString::fromStdString(global.precision);
    const auto status = core::applyComputeSettings(compute);
    if (!status.error.isEmpty()) {
        std::cerr << "ganvas-cli: " << status.error.toStdString() << "\n";
        return cli::kExitUsage;
    }
    if (!status.warning.isEmpty())
        std::cerr << "ganvas-cli: warning: --precision bf16: " << status.warning.toStdString() << "\n";

    for (const auto& [sub, command] : subs)
        if (sub->parsed()) {
            try {
                return command->run();
            } catch (const std::exception& e) {
                std::cerr << "ganvas-cli " << sub->get_name() << ": " << e.what() << "\n";
                return cli::kExitFailure;
            }
        }
    return cli::kExitUsage;
}

} // namespace

int main(int argc, char** argv)
{
    // First: OpenBLAS may not know this CPU and run its slowest kernels (core/engine/nn/BlasKernels.h).
    ganvas::engine::chooseBlasKernels(argv);
    // Everything the command owns is gone when runCli returns; then end without the libraries'
    // finalisers (OpenBLAS can hang in its own: core/engine/nn/ProcessExit.h).
    ganvas::engine::exitProcess(runCli(argc, argv));
}
