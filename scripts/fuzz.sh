#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Runs every libFuzzer target of the tree (engine and core) for a while and prints a table of
# executions and crashes (issue #7; docs/RELIABILITY.md, "Fuzzing").
#
#   scripts/fuzz.sh [--seconds N] [--build DIR] [--only NAME] [--parallel J]
#
#   --seconds N    fuzz each target for N seconds (default 60)
#   --build DIR    a -DGANVAS_FUZZ=ON build (default build-asan); when DIR has no
#                  fuzz-targets.txt, scripts/sanitize.sh asan --build-only makes it first
#   --only NAME    just this target (fuzz_ora or ora); may be repeated
#   --parallel J   run J targets at a time (default 1: one core each, timings comparable)
#
# The targets and their seed folders come from DIR/fuzz-targets.txt (written by CMake). New
# inputs the fuzzer finds go to DIR/fuzz-corpus/<target>/ (never into tests/data), crash
# inputs to DIR/fuzz-artifacts/, each run's log to DIR/fuzz-logs/<target>.log.
# Exit status: 0 when no target crashed, 1 when one did, 2 for a usage error.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seconds=60
build="$here/build-asan"
parallel=1
only=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --seconds) seconds="${2:?--seconds needs a number}"; shift 2 ;;
        --build) build="${2:?--build needs a folder}"; shift 2 ;;
        --only) only+=("${2:?--only needs a target name}"); shift 2 ;;
        --parallel) parallel="${2:?--parallel needs a number}"; shift 2 ;;
        -h|--help) sed -n '3,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "fuzz.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
done
[[ "$seconds" =~ ^[0-9]+$ && "$seconds" -gt 0 ]] || { echo "fuzz.sh: --seconds must be a positive number" >&2; exit 2; }
[[ "$parallel" =~ ^[0-9]+$ && "$parallel" -gt 0 ]] || { echo "fuzz.sh: --parallel must be a positive number" >&2; exit 2; }
build="$(cd "$(dirname "$build")" && pwd)/$(basename "$build")"

manifest="$build/fuzz-targets.txt"
if [[ ! -f "$manifest" ]]; then
    if [[ "$build" != "${GANVAS_ASAN_BUILD_DIR:-$here/build-asan}" ]]; then
        echo "fuzz.sh: $build has no fuzz-targets.txt; configure it with clang++-14 and -DGANVAS_FUZZ=ON" >&2
        exit 2
    fi
    echo "fuzz.sh: building the fuzz targets (scripts/sanitize.sh asan --build-only)"
    GANVAS_ASAN_BUILD_DIR="$build" "$here/scripts/sanitize.sh" asan --build-only
fi
[[ -f "$manifest" ]] || { echo "fuzz.sh: the build wrote no $manifest" >&2; exit 1; }

# LibTorch keeps process-lifetime allocations (no leak checks); a failed huge allocation must
# fail as it does without ASan. UBSan findings stop the run, like everywhere in issue #7.
export ASAN_OPTIONS="detect_leaks=0:allocator_may_return_null=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
supp="$here/tests/sanitizers/ubsan.supp"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
[[ -f "$supp" ]] && UBSAN_OPTIONS="$UBSAN_OPTIONS:suppressions=$supp"
export QT_QPA_PLATFORM=offscreen
# Keep the fuzzed code away from the user's settings, caches and model folders.
export XDG_CONFIG_HOME="$build/fuzz-home/config" XDG_DATA_HOME="$build/fuzz-home/data" XDG_CACHE_HOME="$build/fuzz-home/cache"
export GANVAS_MODEL_PATH="$build/fuzz-home/models"
mkdir -p "$build/fuzz-corpus" "$build/fuzz-artifacts" "$build/fuzz-logs" "$XDG_CONFIG_HOME" "$XDG_DATA_HOME" "$XDG_CACHE_HOME"

wanted() {
    [[ ${#only[@]} -eq 0 ]] && return 0
    local name="$1" o
    for o in "${only[@]}"; do
        [[ "$name" == "$o" || "$name" == "fuzz_$o" ]] && return 0
    done
    return 1
}

run_one() { # binary seeds...
    local binary="$1"; shift
    local name; name="$(basename "$binary")"
    local corpus="$build/fuzz-corpus/$name"
    mkdir -p "$corpus" "$build/fuzz-artifacts/$name"
    local seeds=() d
    for d in "$@"; do [[ -d "$d" ]] && seeds+=("$d"); done
    set +e
    "$binary" -max_total_time="$seconds" -rss_limit_mb=4096 -timeout=10 -print_final_stats=1 \
        -artifact_prefix="$build/fuzz-artifacts/$name/" "$corpus" "${seeds[@]}" \
        >"$build/fuzz-logs/$name.log" 2>&1
    echo $? >"$build/fuzz-logs/$name.rc"
    set -e
}

targets=()
while read -r binary seeds; do
    [[ -z "$binary" ]] && continue
    wanted "$(basename "$binary")" || continue
    [[ -x "$binary" ]] || { echo "fuzz.sh: $binary is not built (cmake --build $build)" >&2; exit 1; }
    targets+=("$binary $seeds")
done <"$manifest"
[[ ${#targets[@]} -gt 0 ]] || { echo "fuzz.sh: no target matches ${only[*]:-anything} in $manifest" >&2; exit 2; }

echo "fuzz.sh: ${#targets[@]} targets, $seconds s each, $parallel at a time, logs in $build/fuzz-logs"
running=0
for t in "${targets[@]}"; do
    # shellcheck disable=SC2086 # the manifest's fields are space-separated paths
    run_one $t &
    running=$((running + 1))
    if [[ $running -ge $parallel ]]; then
        wait -n || true
        running=$((running - 1))
    fi
done
wait || true

printf '%-22s %14s %9s  %s\n' target executions seconds crashes
total_runs=0
crashed=0
for t in "${targets[@]}"; do
    name="$(basename "${t%% *}")"
    log="$build/fuzz-logs/$name.log"
    rc="$(cat "$build/fuzz-logs/$name.rc" 2>/dev/null || echo 1)"
    runs="$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | tail -1 | grep -o '[0-9]*$' || true)"
    secs="$(grep -o 'Done [0-9]* runs in [0-9]* second' "$log" | tail -1 | awk '{print $5}' || true)"
    [[ -z "$runs" ]] && runs="$(grep -o 'Done [0-9]* runs' "$log" | tail -1 | awk '{print $2}' || true)"
    artifact="$(grep -o 'Test unit written to [^ ]*' "$log" | tail -1 | awk '{print $5}' || true)"
    result=0
    if [[ "$rc" != 0 || -n "$artifact" ]]; then
        result="${artifact:-exit $rc, see $log}"
        crashed=$((crashed + 1))
    fi
    [[ -z "$secs" ]] && secs="-" # a crash ends the run before libFuzzer's "Done" line
    total_runs=$((total_runs + ${runs:-0}))
    printf '%-22s %14s %9s  %s\n' "$name" "${runs:--}" "$secs" "$result"
done
echo "fuzz.sh: $total_runs executions in ${#targets[@]} targets, $crashed crashed"
[[ $crashed -eq 0 ]]
