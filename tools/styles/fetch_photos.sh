#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Training and evaluation pictures for style networks (issue #13), taken from Debian packages at
# training time and never copied into the repository. Which file, which role, which licence:
# tools/styles/photos.tsv. Writes OUTPUT_DIR/train/ and OUTPUT_DIR/eval/ (eval pictures are never
# trained on) and OUTPUT_DIR/SOURCES.tsv (package version per file).
# Usage: tools/styles/fetch_photos.sh OUTPUT_DIR
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${1:?usage: $0 OUTPUT_DIR}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mapfile -t packages < <(grep -v '^#' "$here/photos.tsv" | cut -f2 | sort -u)
(cd "$work" && apt-get download "${packages[@]}" >/dev/null 2>&1) ||
    { echo "fetch_photos: apt-get download ${packages[*]} failed (run apt-get update?)" >&2; exit 1; }
for p in "${packages[@]}"; do
    dpkg -x "$work/${p}"_*.deb "$work/x-$p"
done
rm -rf "$out/train" "$out/eval"
mkdir -p "$out/train" "$out/eval"
: > "$out/SOURCES.tsv"
while IFS=$'\t' read -r role package path licence; do
    [[ -z "$role" || "$role" == \#* ]] && continue
    src="$work/x-$package/$path"
    if [[ -d "$src" ]]; then
        # A Plasma wallpaper folder: the image nearest 2560 px wide (sizes are WxH file names).
        name="$(basename "$path")"
        src="$(ls "$src"/contents/images/* | awk -F/ '{ split($NF, s, "x"); d = s[1] - 2560; if (d < 0) d = -d; print d "\t" $0 }' |
               sort -n | head -1 | cut -f2)"
        dest="$out/$role/$name.${src##*.}"
    else
        dest="$out/$role/$(basename "$path")"
    fi
    [[ -f "$src" ]] || { echo "fetch_photos: $package has no $path" >&2; exit 1; }
    cp "$src" "$dest"
    version="$(dpkg-deb -f "$work/${package}"_*.deb Version)"
    printf '%s\t%s\t%s\t%s\t%s\n' "$role" "$(basename "$dest")" "$package" "$version" "$licence" >> "$out/SOURCES.tsv"
done < "$here/photos.tsv"
echo "$(ls "$out/train" | wc -l) training and $(ls "$out/eval" | wc -l) evaluation pictures in $out"
