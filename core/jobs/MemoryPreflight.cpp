// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/jobs/MemoryPreflight.h"

#include "core/engine/jobs/MemoryBudget.h"

#include <QCoreApplication>
#include <QSettings>

#include <algorithm>

namespace ganvas::core {

static_assert(kUnknownMemory == engine::kUnknownMemory, "one meaning of 'unknown'");

int64_t availableMemory(const QString& device)
{
    const int64_t measured = engine::availableBytes(device.toStdString());
    if (engine::memoryLimitOverride() != engine::kUnknownMemory || !QCoreApplication::instance())
        return measured; // the environment's figure is final; no application, no settings
    const qint64 mb = QSettings().value(QLatin1String(kMemoryLimitKey), 0).toLongLong();
    if (mb <= 0)
        return measured;
    const int64_t limit = static_cast<int64_t>(std::min<qint64>(mb, qint64(1) << 30)) * 1024 * 1024;
    return measured == kUnknownMemory ? limit : std::min(measured, limit);
}

bool fitsInMemory(const MemoryEstimate& estimate, int64_t available, double headroom)
{
    return engine::fits(engine::MemoryEstimate{estimate.bytes, estimate.what}, available, headroom);
}

double scaleToFitMemory(const std::function<int64_t(double)>& estimateAt, int64_t available, double headroom,
                        double minScale)
{
    return engine::scaleToFit(estimateAt, available, headroom, minScale);
}

QString formatMemory(int64_t bytes)
{
    return QString::fromStdString(engine::formatBytes(bytes));
}

} // namespace ganvas::core
