#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# A long background training run of one candidate preset recipe (issue #13), resumable: run it
# again after any interruption and it continues from build-train/candidates/ID/checkpoint.
# Low priority (nice 19, its session's scheduler group too), so builds and tests keep the cores. The recipe under test: residual
# head (output = input + network: it starts as the picture itself, and no droplet artefacts
# appeared in the first 100 steps where the sigmoid head drew them from the start), the
# mean-covariance style statistic, 256 px crops of the 59 training pictures of photos.tsv.
# Usage: tools/styles/train_candidate.sh ID [STEPS (default 3000)]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cli="${GANVAS_CLI:-$root/build/app/ganvas-cli}"
id="${1:?usage: $0 ID [STEPS]}"
steps="${2:-3000}"
work="$root/build-train"
[[ -d "$work/photos/train" ]] || bash "$root/tools/styles/fetch_photos.sh" "$work/photos"
out="$work/candidates/$id"
resume=()
[[ -f "$out/checkpoint.safetensors" ]] && resume=(--resume)
mkdir -p "$work/candidates"
# Its own session with its scheduler group niced (as train_multistyle.sh): under autogroup
# scheduling `nice` alone ranks a process only within its own session.
exec setsid -w bash -c 'echo 19 > /proc/self/autogroup 2>/dev/null; exec nice -n 19 "$@"' train \
    "$cli" --threads 2 style-train --style "$root/resources/styles/$id/style.png" --content "$work/photos/train" \
    --output "$out" --id "$id" --steps "$steps" --size 256 --batch 4 --lr 0.002 --style-weight 10 --tv-weight 0 \
    --style-scale 2 --statistic mean-covariance --head residual --checkpoint-every 50 --preview-every 1000000 \
    "${resume[@]}" >> "$work/candidates/$id.log" 2>&1
