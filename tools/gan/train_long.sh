#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# A long, resumable generator training in the background (issue #14): run it again after any
# interruption (a reboot, a new session) and it continues from the last checkpoint.
#   tools/gan/train_long.sh NAME STEPS [extra gan-train options...]
# Output: build-train/gan/NAME/ (model, checkpoint.safetensors, previews/, train.log).
# Data: build-train/gan/emoji64 (Noto Color Emoji at 64 px, rendered on first use).
# Runs at nice 19 on one thread; bf16 where the CPU has native BF16, else fp32.
set -euo pipefail
NAME=${1:?name}
STEPS=${2:?steps}
shift 2
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CLI="$ROOT/build/app/ganvas-cli"
WORK="$ROOT/build-train/gan"
mkdir -p "$WORK/$NAME/previews"
[ -d "$WORK/emoji64" ] || "$CLI" dataset emoji --output "$WORK/emoji64" --size 64
PRECISION=fp32
grep -q avx512_bf16 /proc/cpuinfo && PRECISION=bf16
RESUME=()
[ -f "$WORK/$NAME/checkpoint.safetensors" ] && RESUME=(--resume)
exec nice -n 19 "$CLI" --threads 1 --precision "$PRECISION" gan-train --data "$WORK/emoji64" \
    --output "$WORK/$NAME" --name "$NAME" --id "$NAME" --steps "$STEPS" --preview-every 2000 \
    --eval-every 5000 --checkpoint-every 1000 --previews "$WORK/$NAME/previews" "${RESUME[@]}" "$@" \
    >> "$WORK/$NAME/train.log" 2>&1
