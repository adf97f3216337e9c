// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// @file CliJob.h
/// Runs an engine Job in the foreground of ganvas-cli: progress lines on stderr (at most a few
/// per second, the last always), previews written as PNGs when asked, Ctrl+C (SIGINT/SIGTERM)
/// cancels the job cleanly (a trainer writes its checkpoint first).

#include "core/engine/jobs/Job.h"

#include <string>

namespace ganvas::cli {

struct CliJobOptions {
    std::string previewDir;  ///< write preview-NNNN.png here when non-empty
    bool quiet = false;      ///< no progress lines
};

/// Runs @p job on this thread. Returns the outcome (errors already printed with @p commandName).
engine::JobResult runCliJob(engine::Job& job, const std::string& commandName, const CliJobOptions& options = {});

} // namespace ganvas::cli
