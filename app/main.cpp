// SPDX-License-Identifier: GPL-3.0-or-later
// ganvas: the studio. Wiring only: settings -> compute (device, threads) -> main window.
#include "core/app/RuntimeReport.h"
#include "core/engine/nn/BlasKernels.h"
#include "core/engine/nn/ProcessExit.h"
#include "core/io/ImageIO.h"
#include "core/settings/ComputeSettings.h"
#include "ui/MainWindow.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDockWidget>
#include <QMessageBox>
#include <QSettings>
#include <QTimer>

#include <cstdio>
#include <cstdlib>

namespace {

int runStudio(int argc, char** argv)
{
#if defined(Q_OS_LINUX)
    if (!std::getenv("DISPLAY") && !std::getenv("WAYLAND_DISPLAY") && !std::getenv("QT_QPA_PLATFORM")) {
        std::fprintf(stderr,
                     "ganvas: no display (neither DISPLAY nor WAYLAND_DISPLAY is set), so the studio cannot open a "
                     "window.\nRun it under a virtual display with `xvfb-run -a ganvas`, or use the command-line "
                     "tool:\n  ganvas-cli info\n  ganvas-cli bench\n  ganvas-cli --help\n");
        return 1;
    }
#endif
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("Ganvas"));
    QApplication::setApplicationName(QStringLiteral("Ganvas"));
    QApplication::setApplicationVersion(ganvas::core::ganvasVersion());
    QApplication::setApplicationDisplayName(QStringLiteral("Ganvas"));
    QApplication::setDesktopFileName(QStringLiteral("ganvas"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QApplication::translate("main", "Ganvas, an offline AI painting studio"));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption deviceOption(QStringLiteral("device"),
                                          QApplication::translate("main", "Compute device: auto, cpu, cuda or cuda:N."),
                                          QStringLiteral("device"));
    const QCommandLineOption threadsOption(QStringLiteral("threads"),
                                           QApplication::translate("main", "CPU threads (0 = all cores)."),
                                           QStringLiteral("n"));
    const QCommandLineOption precisionOption(QStringLiteral("precision"),
                                             QApplication::translate("main", "auto, fp32 or bf16 (auto: bf16 where native, else fp32)."), QStringLiteral("p"));
    const QCommandLineOption screenshotOption(
        QStringLiteral("screenshot"),
        QApplication::translate("main", "Save a picture of the window to <file> after <ms> (see --screenshot-delay) and quit."),
        QStringLiteral("file"));
    const QCommandLineOption delayOption(QStringLiteral("screenshot-delay"),
                                         QApplication::translate("main", "Milliseconds before --screenshot (default 2000)."),
                                         QStringLiteral("ms"), QStringLiteral("2000"));
    const QCommandLineOption benchmarkOption(QStringLiteral("run-benchmark"),
                                             QApplication::translate("main", "Start Tools > Run Benchmark at start-up."));
    const QCommandLineOption dockOption(QStringLiteral("show-dock"),
                                        QApplication::translate("main", "Raise the dock with this object name (e.g. latentSpaceDock)."),
                                        QStringLiteral("name"));
    parser.addOption(dockOption);
    parser.addOption(screenshotOption);
    parser.addOption(delayOption);
    parser.addOption(benchmarkOption);
    parser.addOption(deviceOption);
    parser.addOption(threadsOption);
    parser.addOption(precisionOption);
    parser.addPositionalArgument(QStringLiteral("image"), QApplication::translate("main", "Image to open."), QStringLiteral("[image]"));
    parser.process(app);

    QSettings settings;
    auto compute = ganvas::core::ComputeSettings::load(settings);
    if (parser.isSet(deviceOption))
        compute.device = parser.value(deviceOption);
    if (parser.isSet(threadsOption))
        compute.threads = parser.value(threadsOption).toInt();
    if (parser.isSet(precisionOption))
        compute.precision = parser.value(precisionOption);
    auto status = ganvas::core::applyComputeSettings(compute);
    if (!status.error.isEmpty()) {
        // A bad saved or given setting must not keep the studio from starting: fall back to auto.
        const QString error = status.error;
        status = ganvas::core::applyComputeSettings({});
        QMessageBox::warning(nullptr, QStringLiteral("Ganvas"),
                             QApplication::translate("main", "Compute settings ignored: %1\nUsing %2.")
                                 .arg(error, status.device));
    }

    if (!status.warning.isEmpty())
        std::fprintf(stderr, "ganvas: warning: bf16: %s\n", qPrintable(status.warning));

    ganvas::ui::MainWindow window;
    window.show();
    if (!parser.isSet(screenshotOption))
        window.offerRecovery();
    if (!parser.positionalArguments().isEmpty())
        window.openImage(parser.positionalArguments().constFirst());
    if (parser.isSet(benchmarkOption))
        window.runBenchmark();
    if (parser.isSet(dockOption)) {
        if (auto* dock = window.findChild<QDockWidget*>(parser.value(dockOption))) {
            dock->show();
            dock->raise();
        } else {
            std::fprintf(stderr, "ganvas: no dock named %s\n", qPrintable(parser.value(dockOption)));
        }
    }
    if (parser.isSet(screenshotOption)) {
        const QString path = parser.value(screenshotOption);
        QTimer::singleShot(parser.value(delayOption).toInt(), &window, [&window, path] {
            QString error;
            const bool ok = ganvas::core::saveImage(window.grab().toImage(), path, &error);
            if (!ok)
                std::fprintf(stderr, "ganvas: %s\n", qPrintable(error));
            QApplication::exit(ok ? 0 : 1);
        });
    }
    return app.exec();
}

} // namespace

int main(int argc, char** argv)
{
    // First: OpenBLAS may not know this CPU and run its slowest kernels (core/engine/nn/BlasKernels.h).
    ganvas::engine::chooseBlasKernels(argv);
    // The window, the jobs and the settings are gone when runStudio returns; then end without the
    // libraries' finalisers (OpenBLAS can hang in its own: core/engine/nn/ProcessExit.h).
    ganvas::engine::exitProcess(runStudio(argc, argv));
}
