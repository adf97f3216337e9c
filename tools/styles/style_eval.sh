#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The style-quality evaluation of issue #13 (docs/MODELS.md, "Measured style quality"), resumable:
# fetches the evaluation pictures once (tools/styles/fetch_photos.sh), then runs
# `ganvas-cli style-eval` with the optimisation references cached in build-train/eval-cache, so an
# interrupted run loses at most the reference it was computing. Writes build-train/style-eval.json
# and build-train/style-eval.png (the contact sheet).
# Usage: tools/styles/style_eval.sh [ganvas-cli style-eval options, e.g. --presets cubist,mosaic]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cli="${GANVAS_CLI:-$root/build/app/ganvas-cli}"
work="$root/build-train"
[[ -d "$work/photos/eval" ]] || bash "$root/tools/styles/fetch_photos.sh" "$work/photos"
# Three pictures painted with Ganvas' own brushes join the photos (ours, GPL-3.0-or-later).
if [[ ! -f "$work/photos/eval/painted-portrait.png" ]]; then
    /usr/bin/python3 "$root/tools/styles/make_painted_pictures.py" "$work/painted"
    for journal in "$work"/painted/*.jsonl; do
        "$cli" render "$journal" --output "$work/photos/eval/$(basename "${journal%.jsonl}").png"
    done
fi
nice -n 10 "$cli" style-eval --images "$work/photos/eval" --iterations 50 --cache "$work/eval-cache" \
    --sheet "$work/style-eval.png" --json "$@" > "$work/style-eval.json.part"
mv "$work/style-eval.json.part" "$work/style-eval.json"
/usr/bin/python3 - "$work/style-eval.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
print("| style | pictures | texture share | patch share | feature share | structure (optimisation) | edges (optimisation) |")
print("|---|---|---|---|---|---|---|")
for s in d["styles"]:
    print(f"| {s['style']} | {s['pictures']} | {100*s['texture_share']:.0f} % | {100*s['swd_share']:.0f} % | "
          f"{100*s['covariance_share']:.0f} % | {s['structure']:.2f} ({s['reference_structure']:.2f}) | "
          f"{s['edges']:.2f} ({s['reference_edges']:.2f}) |")
PY
