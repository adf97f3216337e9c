// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// @file MemoryBudget.h
/// Memory pre-flight (issue #7 item 4): how much memory a device has free now, an estimate of a
/// job's peak, and whether the one fits in the other. Standard library only (no Torch, no Qt),
/// so the UI may include it; the estimators live next to each job kind (StyleRequest.h,
/// UpscaleTask.h, GanTraining.h) and are calibrated in docs/PERFORMANCE.md.
///
/// Test and user override: the environment variable GANVAS_MEMORY_LIMIT_MB (a whole number of
/// MiB, > 0) replaces whatever the system reports, for every device. It lets tests provoke the
/// pre-flight dialog and lets a user keep Ganvas well inside a shared machine's memory.

#include <cstdint>
#include <functional>
#include <string>

namespace ganvas::engine {

/// "We cannot tell" (availableBytes, parse functions).
constexpr int64_t kUnknownMemory = -1;

/// A job's expected peak memory above the process as it was before the job, in bytes, and
/// what it consists of in words ("1024 × 1024 px picture buffers + one 1088 px tile").
struct MemoryEstimate {
    int64_t bytes = 0;
    std::string what;
};

/// Bytes free for a new job on @p device ("cpu", "cuda", "cuda:N"; anything not starting with
/// "cuda" counts as the CPU), or kUnknownMemory.
/// - GANVAS_MEMORY_LIMIT_MB, when set to a positive whole number, wins for every device.
/// - CPU: MemAvailable from /proc/meminfo, lowered to the cgroup v2 limit left
///   (/sys/fs/cgroup/memory.max − memory.current) when the process runs under one.
/// - CUDA: kUnknownMemory. Asking the driver needs the CUDA runtime (cudaMemGetInfo), which a
///   CPU-only LibTorch 1.13 build (Debian's, what this builds against) neither ships nor links;
///   no GPU was available to test a CUDA path either. Unknown means "do not block the job".
/// Any thread; reads small files, cheap (well under a millisecond).
int64_t availableBytes(const std::string& device);

/// MemAvailable of a /proc/meminfo text in bytes ("MemAvailable:  123 kB"), or kUnknownMemory.
int64_t parseMemAvailable(const std::string& meminfo);

/// What a cgroup v2 limit leaves: @p max ("max" or bytes) − @p current (bytes), at least 0;
/// kUnknownMemory when there is no limit ("max") or the texts do not parse.
int64_t parseCgroupRemaining(const std::string& max, const std::string& current);

/// GANVAS_MEMORY_LIMIT_MB in bytes, or kUnknownMemory when unset, empty, not a positive whole
/// number.
int64_t memoryLimitOverride();

/// True when @p estimate fits into @p headroom × @p available (headroom in (0, 1]: the part
/// of the free memory a job may take; the rest stays for the system, caches and the UI). An
/// unknown @p available always fits: never block a job on a guess.
bool fits(const MemoryEstimate& estimate, int64_t available, double headroom = 0.9);

/// For "Downscale to fit": the largest linear scale s in [@p minScale, 1] (to about 1 %) at
/// which @p estimateAt(s) — the job's estimate with its picture scaled by s — fits (see
/// fits()); 1 when it fits as it is or @p available is unknown; 0 when not even @p minScale
/// fits. @p estimateAt must not shrink as s grows.
double scaleToFit(const std::function<int64_t(double scale)>& estimateAt, int64_t available, double headroom = 0.9,
                  double minScale = 1.0 / 64);

/// "1.4 GB", "350 MB" (decimal units, one decimal under 10 GB) for messages.
std::string formatBytes(int64_t bytes);

} // namespace ganvas::engine
