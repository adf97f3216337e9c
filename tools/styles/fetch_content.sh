#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Content photos for training style networks, taken at training time from a Debian package and
# never copied into the repository: the sample images of scikit-image (python3-skimage), every
# one public domain or CC0 (see the licence lines in skimage/data/_fetchers.py, quoted in
# docs/MODELS.md). Usage: tools/styles/fetch_content.sh OUTPUT_DIR
set -euo pipefail
out="${1:?usage: $0 OUTPUT_DIR}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && apt-get download python3-skimage >/dev/null)
dpkg -x "$work"/python3-skimage_*.deb "$work/x"
data="$work/x/usr/lib/python3/dist-packages/skimage/data"
mkdir -p "$out"
# Public domain: astronaut, hubble_deep_field, rocket. CC0: chelsea, coffee, camera, retina,
# brick, grass, gravel. "No known copyright restrictions": ihc (immunohistochemistry).
for f in astronaut.png chelsea.png coffee.png rocket.jpg hubble_deep_field.jpg retina.jpg ihc.png camera.png \
         brick.png grass.png gravel.png; do
    cp "$data/$f" "$out/"
done
echo "$(ls "$out" | wc -l) content images in $out (python3-skimage $(dpkg-deb -f "$work"/python3-skimage_*.deb Version))"
