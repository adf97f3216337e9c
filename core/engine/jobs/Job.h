// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// @file Job.h
/// The job contract (DESIGN.md §3): long work (style transfer, sampling, training, upscaling,
/// export) is a Job that runs on a worker thread, reports through a JobContext, polls
/// cancellation, and keeps its result to itself until whoever submitted it takes it on the
/// thread that owns the document. A failed or cancelled job therefore changes nothing.

#include "core/engine/jobs/JobContext.h"

#include <c10/core/Device.h>

#include <string>

namespace ganvas::engine {

/// How a job ranks against other work on its device. Runners give each priority a lane of its own
/// per queue, so nothing waits behind lower-ranked work, and a job steps aside at
/// JobContext::yieldToForeground() while higher-ranked work is queued or running on its device.
enum class JobPriority {
    Background,  ///< long work nobody waits for: training (style, generator)
    Normal,      ///< work a user waits for: Apply, refinement, upscaling, saving, evaluation
    Interactive, ///< short work a user is steering right now: gallery previews, Live, slider renders
};

class Job {
public:
    virtual ~Job() = default;

    /// Short human-readable title ("Style: Impasto, 1024x768"). Any thread.
    virtual std::string title() const = 0;

    /// The device the job runs on, from its own configuration. Runners keep one queue per device
    /// so a GPU is never oversubscribed. Any thread.
    virtual c10::Device device() const { return c10::Device(c10::kCPU); }

    /// Which runner queue the job waits in: its device by default, so compute jobs on one device
    /// run one after another. File jobs return "io" so a save never waits behind a training run.
    virtual std::string queue() const { return device().str(); }

    /// Normal unless the job is long work that should give way or short work a user is steering
    /// (JobPriority). Any thread.
    virtual JobPriority priority() const { return JobPriority::Normal; }

    /// True for work the application starts by itself and replaces often (a gallery preview, a
    /// thumbnail, a Live update): job lists show it only while it runs long and drop it when it
    /// ends. False for what the user asked for. Any thread.
    virtual bool transient() const { return false; }

    /// Does the work on the calling (worker) thread. Implementations construct their own
    /// torch::InferenceMode / NoGradGuard (thread-local), call ctx.throwIfCancelled() at least
    /// every ~50 ms of work, and throw on failure with a message a user can act on.
    virtual void run(JobContext& ctx) = 0;
};

enum class JobOutcome { Finished, Failed, Cancelled };

const char* jobOutcomeName(JobOutcome outcome);

struct JobResult {
    JobOutcome outcome = JobOutcome::Finished;
    std::string error; ///< set when outcome == Failed: one line, no backtrace
};

/// Runs @p job on the calling thread and converts every way it can end into a JobResult:
/// JobCancelled (or a cancelled token) -> Cancelled; std::bad_alloc and LibTorch out-of-memory
/// errors -> Failed with a clear "not enough memory" message; c10::Error -> its first line;
/// any other exception -> its what(). Never throws.
JobResult runJob(Job& job, JobContext& ctx);

} // namespace ganvas::engine
