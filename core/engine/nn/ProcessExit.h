// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// @file ProcessExit.h
/// How Ganvas' programs end: the caller has already destroyed what it owns (windows, jobs,
/// settings, journals: everything that writes on its way out), so this flushes the standard
/// streams and ends the process without running the shared libraries' finalisers.
///
/// Why: Debian 12's OpenBLAS (0.3.21, pthreads build; LibTorch's BLAS) can hang for ever in its
/// exit-time finaliser. gotoblas_quit → blas_thread_shutdown_ wakes each BLAS worker and joins it,
/// but a worker that found its queue empty and is just going to sleep overwrites the wake-up and
/// waits on its condition variable with no one left to signal it: a lost wake-up. It needs a BLAS
/// call shortly before the process ends, so it is rare; ui.upscale hit it in CI (all 9 cases
/// passed, then the process sat in pthread_join under gotoblas_quit until ctest's 600 s timeout),
/// and a loop of 150 runs under load here reproduced it once, with that stack. Nothing of ours
/// runs in those finalisers, and the kernel releases memory, files and threads at _Exit.
/// Sanitizer builds run with detect_leaks=0 (scripts/sanitize.sh), so no leak report is skipped.

namespace ganvas::engine {

/// Flushes stdout, stderr and the C++ streams, then ends the process with @p code at once.
[[noreturn]] void exitProcess(int code);

} // namespace ganvas::engine
