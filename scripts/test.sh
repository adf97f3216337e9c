#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Quick start, command 2: install what is missing, build, and run the whole test suite.
# The last thing printed is CTest's summary line.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${GANVAS_BUILD_DIR:-$here/build}"

"$here/scripts/install-deps.sh"
"$here/scripts/fetch-models.sh"
"$here/scripts/build.sh"
cd "$build"
exec ctest --output-on-failure --no-label-summary --parallel "${GANVAS_JOBS:-$(nproc)}" --timeout 900
