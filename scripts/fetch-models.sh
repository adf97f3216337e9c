#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Set-up step for AI upscaling (issue #6): fetches the pinned ESRGAN packages listed in
# deps/npm-models.txt with `npm pack`, checks each tarball's SHA-256, and unpacks every scale into
# resources/upscalers/esrgan-<variant>-x<scale>/ (model.json, weight shards, the package's LICENSE,
# and a config.json Ganvas reads). Also installs the pinned TensorFlow.js used by the cross-check
# (tests/reference/tfjs). Idempotent; nothing is downloaded when everything is present. Without
# npm or the registry it says what is missing and exits 0: the rest of Ganvas works without
# upscalers. Ganvas itself never downloads anything at run time.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache="${GANVAS_NPM_CACHE:-$HOME/.cache/ganvas/npm}"
dest="$root/resources/upscalers"
hint="AI upscaling needs the ESRGAN weights: run scripts/fetch-models.sh with access to the npm registry"

if ! command -v npm >/dev/null || ! command -v node >/dev/null; then
    echo "fetch-models: npm/node not found; $hint" >&2
    exit 0
fi
mkdir -p "$cache" "$dest"

while read -r pkg version sha licence; do
    [[ -z "$pkg" || "$pkg" == \#* ]] && continue
    variant="${pkg##*/esrgan-}"
    tarball="$cache/upscalerjs-esrgan-$variant-$version.tgz"
    if [[ -f "$dest/esrgan-$variant-x4/config.json" && -f "$dest/esrgan-$variant-x8/config.json" ]] &&
       grep -q "$sha" "$dest/esrgan-$variant-x4/config.json"; then
        continue
    fi
    if [[ ! -f "$tarball" ]] || ! echo "$sha  $tarball" | sha256sum -c --status; then
        echo "fetch-models: npm pack $pkg@$version"
        if ! (cd "$cache" && npm pack --silent "$pkg@$version" >/dev/null 2>&1); then
            echo "fetch-models: could not fetch $pkg@$version; $hint" >&2
            exit 0
        fi
    fi
    if ! echo "$sha  $tarball" | sha256sum -c --status; then
        echo "fetch-models: $tarball does not have the pinned SHA-256 $sha; refusing it" >&2
        rm -f "$tarball"
        exit 1
    fi
    work="$(mktemp -d)"
    tar -xzf "$tarball" -C "$work"
    for scale in 2 3 4 8; do
        src="$work/package/models/x$scale"
        [[ -f "$src/model.json" ]] || continue
        out="$dest/esrgan-$variant-x$scale"
        rm -rf "$out.tmp" && mkdir -p "$out.tmp"
        cp "$src"/model.json "$src"/*.bin "$out.tmp/"
        cp "$work/package/LICENSE" "$out.tmp/LICENSE"
        python3 - "$out.tmp" "$pkg" "$version" "$sha" "$licence" "$variant" "$scale" <<'PY'
import hashlib, json, sys
out, pkg, version, sha, licence, variant, scale = sys.argv[1:]
# upscalerjs' getModelDefinition: the "rdn" models (slim, medium) read and write 0-255, the "rrdn"
# model (thick) 0-1 with its custom layers MultiplyBeta and PixelShuffle<r>x.
rrdn = variant == "thick"
config = {
    "format": 1,
    "id": f"esrgan-{variant}-x{scale}",
    "name": f"ESRGAN {variant} {scale}\u00d7",
    "kind": "upscaler",
    "weights": "model.json",
    "sha256": hashlib.sha256(open(f"{out}/model.json", "rb").read()).hexdigest(),
    "license": licence,
    "source": f"npm {pkg}@{version} models/x{scale} (tarball sha256 {sha}), fetched by scripts/fetch-models.sh",
    "architecture": {"type": "tfjs-layers", "scale": int(scale), "variant": variant,
                     "family": "rrdn" if rrdn else "rdn",
                     "input_range": [0, 1] if rrdn else [0, 255],
                     "output_range": [0, 1] if rrdn else [0, 255]},
}
json.dump(config, open(f"{out}/config.json", "w"), indent=2)
PY
        rm -rf "$out" && mv "$out.tmp" "$out"
    done
    rm -rf "$work"
    echo "fetch-models: $pkg@$version -> $dest/esrgan-$variant-x{2,3,4,8}"
done < "$root/deps/npm-models.txt"

# TensorFlow.js for the cross-check and the benchmark peer (pinned by package-lock.json).
tfjs="$root/tests/reference/tfjs"
if [[ ! -d "$tfjs/node_modules/@tensorflow/tfjs" ]]; then
    echo "fetch-models: npm ci in tests/reference/tfjs"
    (cd "$tfjs" && npm ci --silent --no-audit --no-fund >/dev/null 2>&1) ||
        echo "fetch-models: could not install TensorFlow.js; the cross-check will be skipped" >&2
fi
