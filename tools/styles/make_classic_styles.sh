#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Writes the OpenCV "classic" looks into resources/styles/classic-*: config.json (no weights:
# architecture {"type": "opencv", ...}), LICENSE, and a thumbnail made by applying the look to
# one of our own procedural pictures (tools/styles/make_style_images.py) with ganvas-cli.
# Usage: tools/styles/make_classic_styles.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cli="${GANVAS_CLI:-$root/build/app/ganvas-cli}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
/usr/bin/python3 "$root/tools/styles/make_style_images.py" --output "$work" --only stained-glass,pointillism >/dev/null

make() { # id name filter description params-json sample
    local id="$1" name="$2" filter="$3" description="$4" params="$5" sample="$6"
    local out="$root/resources/styles/$id"
    mkdir -p "$out"
    cat > "$out/config.json" <<JSON
{
  "format": 1,
  "id": "$id",
  "name": "$name",
  "kind": "style",
  "license": "GPL-3.0-or-later",
  "source": "OpenCV $filter filter; no weights",
  "category": "Classic (OpenCV)",
  "description": "$description",
  "tags": ["classic", "opencv", "filter"],
  "thumbnail": "thumbnail.png",
  "architecture": {"type": "opencv", "filter": "$filter"$params}
}
JSON
    printf 'GPL-3.0-or-later. A parameter set for an OpenCV filter (no weights). The thumbnail is\nmade by tools/styles/make_classic_styles.sh from a procedural picture of the Ganvas project.\n' > "$out/LICENSE"
    # The gallery centre-crops thumbnails to squares itself.
    "$cli" style --style "$out" --input "$work/$sample.png" --output "$out/thumbnail.png" --max-side 160 >/dev/null
}

make classic-stylization "Watercolour Filter" stylization "Edge-aware smoothing with inked edges (OpenCV stylization)" ', "sigma_s": 60, "sigma_r": 0.45' stained-glass
make classic-pencil "Pencil Sketch" pencil "Grey pencil sketch (OpenCV pencilSketch)" ', "sigma_s": 60, "sigma_r": 0.07, "shade": 0.05' stained-glass
make classic-pencil-colour "Coloured Pencil" pencil-colour "Coloured pencil sketch (OpenCV pencilSketch)" ', "sigma_s": 60, "sigma_r": 0.07, "shade": 0.05' stained-glass
make classic-oil "Oil Painting" oil "Oil-paint smearing (OpenCV xphoto oilPainting)" ', "size": 9, "dyn_ratio": 1' pointillism
make classic-smooth "Smooth Cartoon" edge-preserving "Flat colour areas that keep their edges (OpenCV edgePreservingFilter)" ', "sigma_s": 60, "sigma_r": 0.4' pointillism
make classic-detail "Detail Boost" detail "Exaggerated local detail (OpenCV detailEnhance)" ', "sigma_s": 10, "sigma_r": 0.15' pointillism
echo "classic styles written to $root/resources/styles/classic-*"
