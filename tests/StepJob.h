// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Stands in for long work that gives way between its steps, as the trainers do (Background) and
// the optimisation of an Apply or a refinement does (Normal): steps of ~10 ms until cancelled,
// each after JobContext::yieldToForeground(). It counts its steps, the steps it took while a test
// said higher-ranked work was running (outrankedRunning), and the seconds it waited.

#include "core/engine/jobs/Job.h"

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

namespace ganvas::test {

class StepJob : public engine::Job {
public:
    explicit StepJob(engine::JobPriority priority = engine::JobPriority::Background) : m_priority(priority) {}
    std::string title() const override { return m_priority == engine::JobPriority::Background ? "training" : "apply"; }
    engine::JobPriority priority() const override { return m_priority; }
    void run(engine::JobContext& ctx) override
    {
        for (;;) {
            yielded = yielded.load() + ctx.yieldToForeground();
            ctx.throwIfCancelled();
            if (outrankedRunning)
                ++stepsWhileOutranked;
            ++steps;
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
    }
    std::atomic<int> steps{0}, stepsWhileOutranked{0};
    std::atomic<bool> outrankedRunning{false};
    std::atomic<double> yielded{0};

private:
    engine::JobPriority m_priority;
};

} // namespace ganvas::test
