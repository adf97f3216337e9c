#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Quick start, command 1: install what is missing, build, and start the Ganvas studio.
# With no display it says so and runs the command-line equivalent instead.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${GANVAS_BUILD_DIR:-$here/build}"

"$here/scripts/install-deps.sh"
"$here/scripts/fetch-models.sh"
"$here/scripts/build.sh"

if [[ -z "${DISPLAY:-}" && -z "${WAYLAND_DISPLAY:-}" && -z "${QT_QPA_PLATFORM:-}" ]]; then
    cat <<MSG

ganvas: no display found (neither DISPLAY nor WAYLAND_DISPLAY is set), so the studio window
cannot open here. Run it on a desktop, or under a virtual display:

    xvfb-run -a $build/app/ganvas

The command-line tool does the same work without a window, for example:

    $build/app/ganvas-cli info
    $build/app/ganvas-cli bench
    $build/app/ganvas-cli --help

Here is \`ganvas-cli info\`:
MSG
    exec "$build/app/ganvas-cli" info
fi
exec "$build/app/ganvas" "$@"
