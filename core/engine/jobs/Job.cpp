// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/engine/jobs/Job.h"

#include "core/engine/nn/TorchCompat.h"

#include <new>

namespace ganvas::engine {

const char* jobOutcomeName(JobOutcome outcome)
{
    switch (outcome) {
    case JobOutcome::Finished: return "finished";
    case JobOutcome::Failed: return "failed";
    case JobOutcome::Cancelled: return "cancelled";
    }
    return "?";
}

namespace {

std::string outOfMemoryMessage(const Job& job)
{
    return "not enough memory on " + job.device().str() +
           " for this job; nothing was changed. Try a smaller image, tiling, or another device.";
}

bool isOutOfMemory(const std::string& message)
{
    return message.find("out of memory") != std::string::npos ||
           message.find("DefaultCPUAllocator: can't allocate memory") != std::string::npos ||
           message.find("not enough memory") != std::string::npos;
}

} // namespace

JobResult runJob(Job& job, JobContext& ctx)
{
    JobResult result;
    try {
        ctx.throwIfCancelled();
        job.run(ctx);
        // A job that noticed cancellation and returned early did not finish its work.
        if (ctx.cancelled())
            result.outcome = JobOutcome::Cancelled;
    } catch (const JobCancelled&) {
        result.outcome = JobOutcome::Cancelled;
    } catch (const std::bad_alloc&) {
        result = {JobOutcome::Failed, outOfMemoryMessage(job)};
    } catch (const c10::Error& error) {
        const std::string message = torchErrorMessage(error);
        result = {JobOutcome::Failed, isOutOfMemory(message) ? outOfMemoryMessage(job) : message};
    } catch (const std::exception& error) {
        result = {JobOutcome::Failed, error.what()};
    } catch (...) {
        result = {JobOutcome::Failed, "unknown error"};
    }
    if (result.outcome == JobOutcome::Failed && result.error.empty())
        result.error = "failed without a message";
    return result;
}

} // namespace ganvas::engine
