#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Rebuilds every shipped style preset in resources/styles/ from scratch, reproducibly:
#  1. the style pictures, painted procedurally by tools/styles/make_style_images.py (ours);
#  2. content photos from Debian's python3-skimage (public domain / CC0), fetched at training
#     time into a temporary folder, never committed; coffee.png is held out for evaluation;
#  3. one feed-forward network per style: ganvas-cli style-train (bf16 autocast on CPUs that
#     have it), a fixed number of steps;
#  4. SHA-256 and LICENSE per preset (finish_presets.py), then the measured quality on the
#     held-out photo (evaluate_presets.sh: ganvas-cli style --metrics), printed as the table in
#     docs/MODELS.md. (The OpenCV looks come from make_classic_styles.sh.)
# Usage: tools/styles/train_presets.sh [STEPS_PER_STYLE (default 900)] [ID ...]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cli="${GANVAS_CLI:-$root/build/app/ganvas-cli}"
steps="${1:-900}"
shift || true
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

/usr/bin/python3 "$root/tools/styles/make_style_images.py" --output "$work/styles"
bash "$root/tools/styles/fetch_content.sh" "$work/content"
mkdir -p "$work/eval"
mv "$work/content/coffee.png" "$work/eval/"

declare -A category description
category=([impasto-swirls]=Painterly [pointillism]=Painterly [watercolour]=Painterly [cubist]=Painterly
          [fauvist-blocks]=Painterly [ink-wash]=Drawing [crosshatch]=Drawing [woodcut]=Print
          [pop-halftone]=Print [mosaic]=Graphic [stained-glass]=Graphic [neon-flow]=Graphic)
description=([impasto-swirls]="Thick swirling strokes in blues and yellows"
             [pointillism]="Dense dots of pure colour"
             [watercolour]="Translucent washes with darker edges on paper"
             [cubist]="Faceted shards in earth tones"
             [fauvist-blocks]="Broad dabs of clashing colour"
             [ink-wash]="Sumi-e ink washes on grainy paper"
             [crosshatch]="Pen-and-ink hatching"
             [woodcut]="Carved black lines on cream paper"
             [pop-halftone]="Comic halftone dots and bold outlines"
             [mosaic]="Stone tiles with dark grout"
             [stained-glass]="Jewel-coloured panes and lead lines"
             [neon-flow]="Glowing streamlines on black")
ids=("$@")
[ ${#ids[@]} -eq 0 ] && ids=(impasto-swirls pointillism watercolour cubist fauvist-blocks ink-wash crosshatch woodcut
                             pop-halftone mosaic stained-glass neon-flow)
report="$root/build/presets-report.txt"
mkdir -p "$(dirname "$report")"
: > "$report"
for id in "${ids[@]}"; do
    name="$(echo "$id" | sed 's/-/ /g; s/\b\(.\)/\u\1/g')"
    out="$root/resources/styles/$id"
    rm -rf "$out"
    "$cli" --precision bf16 style-train --style "$work/styles/$id.png" --content "$work/content" --output "$out" \
        --id "$id" --name "$name" --category "${category[$id]}" --description "${description[$id]}" \
        --steps "$steps" --size 160 --batch 4 --lr 0.01 --style-weight 20 --head sigmoid --style-scale 3 \
        --preview-every 1000000 2>"$work/train-$id.log" | tee -a "$report"
done
/usr/bin/python3 "$root/tools/styles/finish_presets.py" "$root/resources/styles"
bash "$root/tools/styles/evaluate_presets.sh"
