// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// @file MemoryPreflight.h
/// The memory pre-flight as the studio and the CLI see it: a job's estimated peak, what is free
/// on a device, and whether it fits (issue #7). A Torch-free facade over
/// core/engine/jobs/MemoryBudget.h, so the ui layer never includes an engine header.

#include <QString>

#include <cstdint>
#include <functional>
#include <string>

namespace ganvas::core {

/// availableMemory() could not tell (e.g. a CUDA device): never blocks a job.
constexpr int64_t kUnknownMemory = -1;

/// A job's estimated peak resident memory and what it is made of (for the message).
struct MemoryEstimate {
    int64_t bytes = 0;
    std::string what;
};

/// The QSettings key of the memory limit a job may plan for, in MB (0 or unset: no limit but
/// what is free). Preferences sets it.
inline constexpr const char* kMemoryLimitKey = "limits/memoryLimitMB";

/// Bytes free for a new job on @p device ("cpu", "cuda", "cuda:N"), or kUnknownMemory; at most
/// the limit set in Preferences (kMemoryLimitKey; a CUDA device's unknown free memory becomes
/// that limit). GANVAS_MEMORY_LIMIT_MB overrides both (tests).
int64_t availableMemory(const QString& device);
/// True when @p estimate needs at most @p headroom of @p available (always when unknown).
bool fitsInMemory(const MemoryEstimate& estimate, int64_t available, double headroom = 0.9);
/// The largest scale in (minScale, 1] at which @p estimateAt fits, 1 when it fits as it is, 0
/// when not even the smallest does.
double scaleToFitMemory(const std::function<int64_t(double scale)>& estimateAt, int64_t available,
                        double headroom = 0.9, double minScale = 1.0 / 64);
/// "1.4 GB", "52 MB".
QString formatMemory(int64_t bytes);

} // namespace ganvas::core
