#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Configures and builds Ganvas into ./build (or $GANVAS_BUILD_DIR). Extra arguments go to CMake.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${GANVAS_BUILD_DIR:-$here/build}"
type="${GANVAS_BUILD_TYPE:-RelWithDebInfo}"
jobs="${GANVAS_JOBS:-$(nproc)}"

generator=()
command -v ninja >/dev/null && [[ ! -f "$build/Makefile" ]] && generator=(-G Ninja)

cmake -S "$here" -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE="$type" "$@"
cmake --build "$build" --parallel "$jobs"
