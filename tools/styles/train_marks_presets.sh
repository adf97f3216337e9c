#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The network style presets as shipped since 2026-12-07 (issue #13, ADR 0013): one network per
# style that reads its style picture's marks (--marks-input), trained alone, its style loss on
# luminance (no colour cast), the content loss at full resolution (--content-stage 0), and for
# most styles the network drawing luminance only (--luminance-palette).
#  1. the 59 training pictures of tools/styles/photos.tsv, fetched from Debian packages at run
#     time (never committed); only those under GPL-2+, CC0 or in the public domain are trained on
#     (45: the CC-BY-SA wallpapers are left out so that the weights stay GPL-3.0-or-later);
#  2. each style from its folder in resources/styles/ (style.png, id, name, category,
#     description), STEPS steps of 4 crops of 128 px, bf16 where the CPU has it, into
#     build-train/marks/<id>/;
#  3. `ganvas-cli style-eval` on the four evaluation pictures of docs/MODELS.md at 256 px, with
#     the contact sheet build-train/marks/sheet.png;
#  4. with --install: the networks copied into resources/styles/<id>/ and finished
#     (finish_presets.py: SHA-256 and LICENSE).
# Usage: tools/styles/train_marks_presets.sh [--install] [STEPS (default 300)] [ID ...]
# About 1.5 minutes per style on the 2-core development VM, nothing else running.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cli="${GANVAS_CLI:-$root/build/app/ganvas-cli}"
install=0
if [[ "${1:-}" == "--install" ]]; then
    install=1
    shift
fi
steps="${1:-300}"
shift || true
ids=("$@")
[[ ${#ids[@]} -eq 0 ]] && ids=(crosshatch cubist fauvist-blocks impasto-swirls ink-wash mosaic neon-flow pointillism
                               pop-halftone stained-glass watercolour woodcut)
# What each network draws: "network" (its own colours, from the marks and the picture) or
# "luminance" (--luminance-palette: luminance only, the picture's colours moved onto the style's
# palette). Chosen per style by style-eval and by eye (docs/MODELS.md); PALETTE=network or
# PALETTE=luminance trains every style one way, into build-train/marks-$PALETTE/.
declare -A palette
palette=([crosshatch]=luminance [cubist]=luminance [fauvist-blocks]=luminance [impasto-swirls]=luminance
         [ink-wash]=luminance [mosaic]=luminance [neon-flow]=luminance [pointillism]=network
         [pop-halftone]=luminance [stained-glass]=luminance [watercolour]=luminance [woodcut]=luminance)
# Style weight per style (10 unless listed) and the styles whose result takes the style picture's
# tone after the network (--tone-from-style: the paper of an ink wash). STYLE_WEIGHT=N and
# TONE=style|network override them for every style, into their own folders.
declare -A weight
weight=()
declare -A tone
tone=([ink-wash]=style [watercolour]=style)
# Cells after the network (--cells, ADR 0016): Cubist facets and stained-glass panes with lead lines.
declare -A cells
cells=([cubist]='{"shape":"facets","across":14,"texture":0.3,"follow":0.6,"relief":1.5}'
       [stained-glass]='{"shape":"panes","across":18,"texture":0.15,"follow":0.5,"lines":0.12}')
work="$root/build-train"
out="$work/marks${PALETTE:+-$PALETTE}${STYLE_WEIGHT:+-sw$STYLE_WEIGHT}${TONE:+-tone$TONE}"
[[ -d "$work/photos/train" ]] || bash "$root/tools/styles/fetch_photos.sh" "$work/photos"

# The training pictures whose licence lets the weights stay GPL-3.0-or-later.
content="$out/content"
rm -rf "$content"
mkdir -p "$content"
while IFS=$'\t' read -r role file _package _version licence; do
    [[ "$role" == train ]] || continue
    case "$licence" in
        GPL-2+* | CC0* | public-domain* | no-known-restrictions*) ln -s "$work/photos/train/$file" "$content/$file" ;;
    esac
done < "$work/photos/SOURCES.tsv"
echo "training pictures: $(ls "$content" | wc -l)"

# The evaluation pictures of docs/MODELS.md.
eval="$out/eval"
rm -rf "$eval"
mkdir -p "$eval"
for f in grace_hopper.jpg coffee.png EveningGlow.jpg chelsea.png; do ln -s "$work/photos/eval/$f" "$eval/$f"; done

trained=()
for id in "${ids[@]}"; do
    run="$out/run-$id"
    rm -rf "$run"
    draws="${PALETTE:-${palette[$id]}}"
    lum=()
    [[ "$draws" == luminance ]] && lum=(--luminance-palette)
    sw="${STYLE_WEIGHT:-${weight[$id]:-10}}"
    [[ "${TONE:-${tone[$id]:-network}}" == style ]] && lum+=(--tone-from-style)
    [[ -n "${cells[$id]:-}" ]] && lum+=(--cells "${cells[$id]}")
    nice -n 10 "$cli" --precision auto style-train --preset "$root/resources/styles/$id" --content "$content" \
        --output "$run" --steps "$steps" --size 128 --batch 4 --lr 5e-4 --style-weight "$sw" --tv-weight 0 \
        --head residual --blocks 5 --statistic mean-covariance --style-scale 3.75 --marks-input --style-luminance \
        --content-stage 0 "${lum[@]}" --preview-every 1000000 > "$out/train-$id.log" 2>&1 ||
        { echo "train_marks_presets: $id failed, see $out/train-$id.log" >&2; exit 1; }
    tail -n 1 "$out/train-$id.log"
    trained+=("$run/$id")
done

"$cli" --precision auto style-eval --presets "${trained[@]}" --images "$eval" --side 256 --iterations 50 \
    --cache "$work/eval-cache" --sheet "$out/sheet.png" --json > "$out/eval.json"
"$cli" --precision auto style-eval --presets "${trained[@]}" --images "$eval" --side 256 --iterations 50 \
    --cache "$work/eval-cache" 2>/dev/null | tee "$out/eval.txt"

if [[ $install -eq 1 && -z "${PALETTE:-}${STYLE_WEIGHT:-}${TONE:-}" ]]; then
    for id in "${ids[@]}"; do
        dest="$root/resources/styles/$id"
        cp "$out/run-$id/$id/weights.safetensors" "$out/run-$id/$id/config.json" "$out/run-$id/$id/thumbnail.png" "$dest/"
    done
    /usr/bin/python3 "$root/tools/styles/finish_presets.py" "$root/resources/styles"
fi
