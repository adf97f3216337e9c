#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Sanitizer builds of the engine and core and their test suites (issue #7).
#
#   scripts/sanitize.sh asan [--fuzz-seconds N] [ctest args…]   ASan + UBSan, clang-14, build-asan/
#   scripts/sanitize.sh tsan [ctest args…]                       TSan, clang-14, build-tsan/
#   scripts/sanitize.sh asan|tsan --build-only                   configure and build, run nothing
#
# asan builds with -DGANVAS_FUZZ=ON, so the same build also holds the libFuzzer targets; with
# --fuzz-seconds N (N > 0) each target then fuzzes for N seconds from its seed corpus
# (scripts/fuzz.sh does the long runs). Qt, LibTorch and OpenCV are Debian's uninstrumented
# libraries: only our code is checked. The last line printed is CTest's summary.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mode="${1:-}"
shift || true
fuzz_seconds=0
build_only=0
while [[ $# -gt 0 ]]; do
    case "$1" in
        --fuzz-seconds) fuzz_seconds="${2:?--fuzz-seconds needs a number}"; shift 2 ;;
        --build-only) build_only=1; shift ;;
        *) break ;;
    esac
done
jobs="${GANVAS_JOBS:-$(nproc)}"
case "$mode" in
    asan) build="${GANVAS_ASAN_BUILD_DIR:-$here/build-asan}"; flags=(-DGANVAS_FUZZ=ON) ;;
    tsan) build="${GANVAS_TSAN_BUILD_DIR:-$here/build-tsan}"; flags=(-DGANVAS_SANITIZE=thread) ;;
    *) echo "usage: scripts/sanitize.sh asan|tsan [--fuzz-seconds N] [ctest arguments]" >&2; exit 2 ;;
esac
if ! command -v clang++-14 >/dev/null; then
    echo "sanitize.sh: clang++-14 is missing; run scripts/install-deps.sh" >&2
    exit 1
fi

generator=()
command -v ninja >/dev/null && [[ ! -f "$build/Makefile" ]] && generator=(-G Ninja)
start=$(date +%s)
cmake -S "$here" -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DCMAKE_CXX_COMPILER=clang++-14 -DGANVAS_BUILD_GUI=OFF "${flags[@]}" >/dev/null
cmake --build "$build" --parallel "$jobs"
echo "sanitize.sh: $mode build took $(( $(date +%s) - start )) s"
[[ $build_only == 1 ]] && exit 0

supp="$here/tests/sanitizers"
# detect_leaks=0: LibTorch keeps process-lifetime allocations (thread pools, kernel registries).
# allocator_may_return_null=1: the tests' deliberate 4 PB allocation must fail as it does
# without ASan (std::bad_alloc), not abort the process.
export ASAN_OPTIONS="detect_leaks=0:allocator_may_return_null=1:abort_on_error=1:detect_stack_use_after_return=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:suppressions=$supp/ubsan.supp"
export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:allocator_may_return_null=1:suppressions=$supp/tsan.supp"

if [[ "$mode" == asan && "$fuzz_seconds" -gt 0 ]]; then
    "$here/scripts/fuzz.sh" --build "$build" --seconds "$fuzz_seconds"
fi
cd "$build"
start=$(date +%s)
set +e
pin=()
if [[ "$mode" == tsan ]] && command -v taskset >/dev/null; then
    # One CPU: Qt's image code and LibTorch then size their internal thread pools (uninstrumented,
    # invisible to TSan) to one thread, so what TSan reports is about our threads. TSan checks
    # happens-before, not timing: our job workers, renderers and decoders still interleave.
    pin=(taskset -c 0)
fi
"${pin[@]}" ctest --output-on-failure --no-label-summary --parallel "$jobs" --timeout 1800 -L "engine|core" "$@"
rc=$?
set -e
echo "sanitize.sh: $mode tests took $(( $(date +%s) - start )) s"
exit $rc
