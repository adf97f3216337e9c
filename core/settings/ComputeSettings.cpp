// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/settings/ComputeSettings.h"

#include "core/engine/nn/Device.h"
#include "core/engine/nn/TorchCompat.h"

#include <QMutex>
#include <QSettings>

namespace ganvas::core {

namespace {
QMutex g_mutex;
ComputeStatus g_current{QStringLiteral("cpu"), 1, QStringLiteral("fp32"), QStringLiteral("fp32"), {}, {}, {}};
} // namespace

ComputeSettings ComputeSettings::load(const QSettings& settings)
{
    ComputeSettings s;
    s.device = settings.value(QStringLiteral("compute/device"), s.device).toString();
    s.threads = settings.value(QStringLiteral("compute/threads"), s.threads).toInt();
    s.precision = settings.value(QStringLiteral("compute/precision"), s.precision).toString();
    return s;
}

void ComputeSettings::save(QSettings& settings) const
{
    settings.setValue(QStringLiteral("compute/device"), device);
    settings.setValue(QStringLiteral("compute/threads"), threads);
    settings.setValue(QStringLiteral("compute/precision"), precision);
}

ComputeStatus applyComputeSettings(const ComputeSettings& settings, bool setThreads)
{
    ComputeStatus status;
    try {
        const auto device = engine::resolveDevice(settings.device.toStdString());
        std::string warning;
        const auto precision = engine::resolvePrecision(settings.precision.toStdString(), device, &warning);
        if (settings.threads < 0 || settings.threads > 1024)
            throw std::invalid_argument("threads must be between 0 (all cores) and 1024");
        status.device = QString::fromStdString(device.str());
        status.precision = QString::fromLatin1(engine::precisionName(precision));
        status.requestedPrecision = settings.precision.isEmpty() ? QStringLiteral("auto") : settings.precision;
        status.precisionReason = QString::fromStdString(engine::precisionReason(precision, device));
        status.warning = QString::fromStdString(warning);
        if (setThreads) {
            status.threads = engine::initThreads(settings.threads);
        } else {
            QMutexLocker lock(&g_mutex);
            status.threads = g_current.threads;
        }
    } catch (const std::exception& e) {
        status.error = QString::fromStdString(e.what());
        return status;
    }
    QMutexLocker lock(&g_mutex);
    g_current = status;
    return status;
}

ComputeChoices computeChoices()
{
    const auto info = engine::runtimeInfo();
    return {engine::machineCores(), info.cudaDeviceCount, engine::cpuSupportsBf16()};
}

ComputeStatus currentCompute()
{
    QMutexLocker lock(&g_mutex);
    return g_current;
}

} // namespace ganvas::core
