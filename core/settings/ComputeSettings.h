// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// @file ComputeSettings.h
/// Where and how the engine computes: device ("auto", "cpu", "cuda", "cuda:N"), intra-op
/// threads (0 = every core) and precision ("auto", "fp32", "bf16"; "auto" is bf16 on CUDA and on
/// CPUs with native bf16, fp32 elsewhere: engine::resolvePrecision). Stored in QSettings under
/// "compute/…"; the CLI's --device/--threads/--precision override them for one run.
/// This header has no Torch in it, so the UI may include it.

#include <QString>

class QSettings;

namespace ganvas::core {

struct ComputeSettings {
    QString device = QStringLiteral("auto");
    int threads = 0;
    QString precision = QStringLiteral("auto");

    static ComputeSettings load(const QSettings& settings);
    void save(QSettings& settings) const;
};

/// What apply() decided.
struct ComputeStatus {
    QString device;     ///< resolved device, e.g. "cpu" or "cuda:0"
    int threads = 1;    ///< LibTorch intra-op threads now in force
    QString precision;  ///< "fp32" or "bf16": what jobs run in
    QString requestedPrecision; ///< what the settings asked for ("auto", "fp32", "bf16")
    QString precisionReason;    ///< e.g. "fp32: this CPU has no native bf16" (status bar, About)
    QString warning;    ///< non-empty when bf16 was forced on a CPU that only emulates it (its cost)
    QString error;      ///< non-empty when the settings were invalid (nothing was changed then)
};

/// Validates @p settings, then sets LibTorch's intra-op threads (all cores when threads == 0).
/// Call once at start-up on the main thread, before any job runs. Invalid settings change
/// nothing and are reported in ComputeStatus::error.
/// With @p setThreads false (Preferences while the studio runs: LibTorch's thread pool cannot
/// be resized once it has worked) the device and precision change for the jobs submitted from
/// now on and the thread count stays what it is.
ComputeStatus applyComputeSettings(const ComputeSettings& settings, bool setThreads = true);

/// What this machine offers the settings: CPU cores and CUDA devices of this build.
struct ComputeChoices {
    int cores = 1;
    int cudaDevices = 0;
    bool bf16Native = false; ///< the CPU computes bf16 natively (else "bf16" is emulated and slow)
};
ComputeChoices computeChoices();

/// The status of the last successful applyComputeSettings() (for jobs and the About dialog).
ComputeStatus currentCompute();

} // namespace ganvas::core
