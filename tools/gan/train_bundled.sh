#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Reproduces the bundled emoji generator (resources/generators/noto-emoji) and its quality
# baseline, as docs/MODELS.md reports them:
#   1. renders Noto Color Emoji (Debian's fonts-noto-color-emoji) to 64 px PNGs;
#   2. trains Ganvas' generator for MINUTES wall-clock minutes on one core (bf16 autocast) and, at
#      the same time on the other core, the same architecture and recipe in PyTorch's Python API
#      (tests/reference/gan_reference.py, fp32): the same wall time and the same share of the CPU;
#   3. measures both with `ganvas-cli gan-eval` against the training set and writes 64-sample grids.
# Usage: tools/gan/train_bundled.sh [MINUTES=25] [WORK=/tmp/ganvas-gan]
# Needs a build (bash scripts/build.sh) and python3-pil for the Python baseline's PNG reading.
set -euo pipefail
MINUTES=${1:-25}
WORK=${2:-/tmp/ganvas-gan}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CLI="$ROOT/build/app/ganvas-cli"
mkdir -p "$WORK"
"$CLI" dataset emoji --output "$WORK/emoji64" --size 64
"$CLI" --threads 1 --precision bf16 gan-train --data "$WORK/emoji64" --output "$WORK/noto-emoji" \
    --name "Noto Emoji" --id noto-emoji --minutes "$MINUTES" --preview-every 500 --eval-every 2000 \
    --checkpoint-every 1000 --previews "$WORK/ours-previews" > "$WORK/ours.log" 2>&1 &
ours=$!
python3 "$ROOT/tests/reference/gan_reference.py" train --data "$WORK/emoji64" --output "$WORK/python-baseline" \
    --minutes "$MINUTES" --threads 1 > "$WORK/python.log" 2>&1 &
python=$!
wait $ours $python
for g in noto-emoji python-baseline; do
    "$CLI" gan-eval --generator "$WORK/$g" --data "$WORK/emoji64" --samples 2048 | tee "$WORK/$g-eval.txt"
    "$CLI" gan-eval --generator "$WORK/$g" --data "$WORK/emoji64" --samples 2048 --json > "$WORK/$g-eval.json"
    "$CLI" sample --generator "$WORK/$g" --seed 0 --count 64 --columns 8 --output "$WORK/$g-grid.png"
done
"$CLI" sample --generator "$WORK/noto-emoji" --seed 0 --count 4 --columns 2 --output "$WORK/thumbnail.png"
python3 "$ROOT/tools/gan/finish_bundled.py" "$WORK/noto-emoji" "$WORK/noto-emoji-eval.json" "$WORK/thumbnail.png" "$MINUTES"
