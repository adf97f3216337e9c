// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/jobs/MemoryPreflight.h"

#include "core/engine/jobs/MemoryBudget.h"

namespace ganvas::core {

static_assert(kUnknownMemory == engine::kUnknownMemory, "one meaning of 'unknown'");

int64_t availableMemory(const QString& device)
{
    return engine::availableBytes(device.toStdString());
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
