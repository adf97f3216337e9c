#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Measures every trained style preset on the held-out photo (coffee.png from Debian's
# python3-skimage, CC0; fetched now, not kept) with `ganvas-cli style --metrics`, writes
# build/presets-report.txt and prints the docs/MODELS.md table.
# Usage: tools/styles/evaluate_presets.sh [OUTPUT_DIR_FOR_STYLED_IMAGES]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cli="${GANVAS_CLI:-$root/build/app/ganvas-cli}"
out="${1:-$(mktemp -d)}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
bash "$root/tools/styles/fetch_content.sh" "$work/content" >/dev/null 2>&1
report="$root/build/presets-report.txt"
mkdir -p "$(dirname "$report")" "$out"
: > "$report"
for config in "$root"/resources/styles/*/config.json; do
    dir="$(dirname "$config")"
    id="$(basename "$dir")"
    grep -q '"johnson"' "$config" || continue
    echo "-> $dir" >> "$report"
    "$cli" style --style "$dir" --input "$work/content/coffee.png" --output "$out/$id.png" --metrics 2>/dev/null \
        | tee -a "$report"
done
/usr/bin/python3 "$root/tools/styles/preset_table.py" "$report"
