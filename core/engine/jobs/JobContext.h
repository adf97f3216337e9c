// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// @file JobContext.h
/// What a running Job may talk to: progress, preview images, cancellation and a log.

#include "core/engine/jobs/CancelToken.h"

// The tensor type alone, not LibTorch's front end (<torch/torch.h> costs ~16 s of compile time
// in every file that includes it; these two ~2 s): files that only submit or observe jobs stay light.
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <string>

namespace ganvas::engine {

enum class LogLevel { Debug, Info, Warning, Error };

/// Receives a job's reports. Called on the job's worker thread: implementations must be
/// thread-safe towards whoever reads what they collect (core's JobRunner queues Qt signals).
class JobObserver {
public:
    virtual ~JobObserver() = default;
    /// @p done of @p total units (total > 0, 0 <= done <= total).
    virtual void onProgress(int64_t done, int64_t total, const std::string& message) {}
    /// @p image: CPU float tensor [C,H,W], C = 3 (RGB) or 4 (RGBA), values in [0,1], owned by the
    /// observer (a private copy). @p pass counts coarse-to-fine passes from 0.
    virtual void onPreview(const at::Tensor& image, int pass) {}
    virtual void onLog(LogLevel level, const std::string& message) {}
};

/// Lets a job give way to higher-ranked work on its device (Job::priority(): a training to
/// everything, Apply or a refinement to previews and slider renders). The runner provides it; jobs
/// reach it through JobContext::yieldToForeground().
class YieldGate {
public:
    virtual ~YieldGate() = default;
    /// Blocks while higher-priority work is queued or running on the job's device. Returns when
    /// there is none, or within ~20 ms of @p token being cancelled: the seconds it waited.
    virtual double waitWhileOutranked(const CancelToken& token) = 0;
};

/// Handed to Job::run() on the worker thread. Not copyable; lives as long as the run.
class JobContext {
public:
    /// @p gate: given by runners to jobs that something can outrank; without one,
    /// yieldToForeground() is free.
    explicit JobContext(const CancelToken& token, JobObserver* observer = nullptr, YieldGate* gate = nullptr)
        : m_token(token), m_observer(observer), m_gate(gate) {}
    JobContext(const JobContext&) = delete;
    JobContext& operator=(const JobContext&) = delete;

    /// Reports progress. Clamps @p done to [0, total]; a non-positive total means "unknown" and
    /// is sent as 0 of 0.
    void progress(int64_t done, int64_t total, const std::string& message = {});

    /// Sends a preview. Accepts [C,H,W] or [1,C,H,W] with C = 1, 3 or 4 on any device and dtype;
    /// the observer gets a detached CPU float copy clamped to [0,1] (grey is expanded to RGB).
    /// Throws std::invalid_argument for any other shape.
    void preview(const at::Tensor& image, int pass = 0);

    void log(LogLevel level, const std::string& message);

    bool cancelled() const noexcept { return m_token.isCancelled(); }
    /// Throws JobCancelled when cancellation was requested. Jobs call this between units of work.
    void throwIfCancelled() const;

    /// Between steps of long work: waits while higher-ranked work runs on this device (only when
    /// the runner gave this run a YieldGate), and returns the seconds it waited, so a job can
    /// leave them out of its own rates. Never throws: check cancelled() afterwards.
    double yieldToForeground() { return m_gate ? m_gate->waitWhileOutranked(m_token) : 0.0; }

    int previewsSent() const { return m_previews; }
    /// The token this run is cancelled through: a job that runs other jobs inside it gives them
    /// a context of their own on the same token (their reports go where it chooses).
    const CancelToken& token() const noexcept { return m_token; }
    /// The gate this run gives way through (may be null), for the contexts of jobs run inside it.
    YieldGate* gate() const noexcept { return m_gate; }

private:
    const CancelToken& m_token;
    JobObserver* m_observer;
    YieldGate* m_gate;
    int m_previews = 0;
};

} // namespace ganvas::engine
