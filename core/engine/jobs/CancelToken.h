// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// @file CancelToken.h

#include <atomic>
#include <exception>

namespace ganvas::engine {

/// A flag that one thread sets and a job's worker thread polls (DESIGN.md §3: at least every
/// ~50 ms of work). Lock-free; any thread may call any member.
class CancelToken {
public:
    void cancel() noexcept { m_cancelled.store(true, std::memory_order_release); }
    bool isCancelled() const noexcept { return m_cancelled.load(std::memory_order_acquire); }

private:
    std::atomic<bool> m_cancelled{false};
};

/// Thrown by JobContext::throwIfCancelled(); runJob() turns it into JobOutcome::Cancelled.
class JobCancelled : public std::exception {
public:
    const char* what() const noexcept override;
};

} // namespace ganvas::engine
