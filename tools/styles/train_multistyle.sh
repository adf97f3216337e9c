#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# All twelve style presets in ONE long training run (issue #13): one network with conditional
# instance normalisation (Dumoulin et al., ICLR 2017) whose convolutions every style shares, each
# style with its own normalisation scales and shifts, so the twelve share one budget instead of
# twelve. Each call trains MINUTES more (default 30) at low priority, then writes every preset as
# an ordinary network into build-train/multi/<id>/ (for style-eval) and keeps the checkpoint:
# call it again, after any interruption too, and it goes on from the last checkpoint (every 25
# steps). The recipe: the 16-32-64 network with 5 residual blocks, residual head,
# mean-covariance statistic, 128 px crops of the 59 training pictures of photos.tsv, style marks
# at 480 px (as the shipped presets: crop x style scale).
# Usage: tools/styles/train_multistyle.sh [MINUTES (default 30)] [STEPS (default 40000)]
# Loop until done:  while tools/styles/train_multistyle.sh 30; do :; done
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cli="${GANVAS_CLI:-$root/build/app/ganvas-cli}"
minutes="${1:-30}"
steps="${2:-40000}"
work="$root/build-train"
out="$work/multi"
[[ -d "$work/photos/train" ]] || bash "$root/tools/styles/fetch_photos.sh" "$work/photos"
ids=(crosshatch cubist fauvist-blocks impasto-swirls ink-wash mosaic neon-flow pointillism pop-halftone stained-glass
     watercolour woodcut)
presets=()
for id in "${ids[@]}"; do presets+=(--preset "$root/resources/styles/$id"); done
resume=()
[[ -f "$out/checkpoint.safetensors" ]] && resume=(--resume)
if [[ ${#resume[@]} -eq 0 && -d "$out" && -n "$(ls -A "$out" 2>/dev/null)" ]]; then
    [[ -f "$out/DONE" ]] && { echo "train_multistyle: $out is finished (remove it to train again)"; exit 1; }
fi
mkdir -p "$out"
set +e
# Its own session, whose scheduler group is niced too: with autogroup scheduling (Debian's
# default) `nice` alone only ranks a process within its session, and a build or test run in
# another session then gets no more of the CPU than this training does (measured: both ~100 %).
setsid -w bash -c 'echo 19 > /proc/self/autogroup 2>/dev/null; exec nice -n 19 "$@"' train \
    "$cli" --threads "${GANVAS_TRAIN_THREADS:-2}" style-train "${presets[@]}" --content "$work/photos/train" \
    --output "$out" --steps "$steps" --minutes "$minutes" --size 128 --batch 4 --blocks 5 --lr 0.002 --style-weight 10 \
    --tv-weight 0 --style-scale 3.75 --statistic mean-covariance --head residual --checkpoint-every 25 \
    --preview-every 1000000 "${resume[@]}" >> "$out/train.log" 2>&1
rc=$?
set -e
[[ $rc -eq 0 ]] || { echo "train_multistyle: ganvas-cli failed (rc $rc), see $out/train.log" >&2; exit $rc; }
[[ -f "$out/checkpoint.safetensors" ]] || { touch "$out/DONE"; echo "train_multistyle: all $steps steps done"; exit 1; }
tail -n 1 "$out/train.log"
