#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Set-up step for AI upscaling (issue #6): fetches the pinned ESRGAN packages listed in
# deps/npm-models.txt with `npm pack` into a cache ($GANVAS_NPM_CACHE, default
# ~/.cache/ganvas/npm), checks each tarball's SHA-256 against the pin, and unpacks every scale into
# resources/upscalers/esrgan-<variant>-x<scale>/ (model.json, weight shards, the package's LICENSE,
# and a config.json Ganvas reads). Also installs the pinned TensorFlow.js used by the cross-check
# and the benchmark peer: `npm ci` in tests/reference/tfjs (node_modules there is git-ignored).
# Idempotent and quiet when everything is present. Without npm or the registry it says what is
# missing and exits 0: the rest of Ganvas works without upscalers. A tarball that does not match
# its pin is refused (exit 1). Ganvas itself never downloads anything at run time.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache="${GANVAS_NPM_CACHE:-$HOME/.cache/ganvas/npm}"
dest="$root/resources/upscalers"
hint="AI upscaling needs the ESRGAN weights: run scripts/fetch-models.sh with network access to the npm registry"

if ! command -v npm >/dev/null || ! command -v node >/dev/null; then
    echo "fetch-models: npm/node not found; $hint" >&2
    exit 0
fi

work=""
trap '[[ -n "$work" ]] && rm -rf "$work"' EXIT

# True when all four scales of a package are unpacked from the pinned tarball.
installed() { # variant sha
    local scale
    for scale in 2 3 4 8; do
        [[ -f "$dest/esrgan-$1-x$scale/model.json" ]] || return 1
        grep -q "$2" "$dest/esrgan-$1-x$scale/config.json" 2>/dev/null || return 1
    done
}

# config.json for one unpacked scale. upscalerjs' getESRGANModelDefinition (esrgan.js): the "rdn"
# models (slim, medium) read and write 0-255; the "rrdn" model (thick) reads and writes 0-1 and
# needs the custom layers MultiplyBeta (x * 0.2) and PixelShuffle<scale>x (depth_to_space, NHWC).
write_config() { # folder package version tarball-sha licence variant scale
    node - "$@" <<'JS'
const fs = require('fs');
const crypto = require('crypto');
const [out, pkg, version, sha, licence, variant, scaleText] = process.argv.slice(2);
const scale = Number(scaleText);
const rrdn = variant === 'thick';
const range = rrdn ? [0, 1] : [0, 255];
const config = {
    format: 1,
    id: `esrgan-${variant}-x${scale}`,
    name: `ESRGAN ${variant} ${scale}\u00d7`,
    kind: 'upscaler',
    weights: 'model.json',
    sha256: crypto.createHash('sha256').update(fs.readFileSync(`${out}/model.json`)).digest('hex'),
    license: licence,
    source: `npm ${pkg}@${version} models/x${scale} (tarball sha256 ${sha}), fetched by scripts/fetch-models.sh`,
    architecture: {
        type: 'tfjs-layers', scale, variant, family: rrdn ? 'rrdn' : 'rdn',
        input_range: range, output_range: range,
        custom_layers: rrdn ? ['MultiplyBeta', `PixelShuffle${scale}x`] : [],
    },
};
fs.writeFileSync(`${out}/config.json`, JSON.stringify(config, null, 2) + '\n');
JS
}

while read -r pkg version sha licence; do
    [[ -z "$pkg" || "$pkg" == \#* ]] && continue
    variant="${pkg##*/esrgan-}"
    installed "$variant" "$sha" && continue
    mkdir -p "$cache" "$dest"
    tarball="$cache/upscalerjs-esrgan-$variant-$version.tgz"
    if [[ ! -f "$tarball" ]] || ! echo "$sha  $tarball" | sha256sum -c --status; then
        echo "fetch-models: npm pack $pkg@$version"
        rm -f "$tarball"
        if ! (cd "$cache" && npm pack --silent "$pkg@$version" >/dev/null 2>&1) || [[ ! -f "$tarball" ]]; then
            echo "fetch-models: could not fetch $pkg@$version; $hint" >&2
            exit 0
        fi
        if ! echo "$sha  $tarball" | sha256sum -c --status; then
            echo "fetch-models: $pkg@$version from the registry has SHA-256 $(sha256sum "$tarball" | cut -d' ' -f1)," \
                 "not the pinned $sha (deps/npm-models.txt); refusing it" >&2
            rm -f "$tarball"
            exit 1
        fi
    fi
    work="$(mktemp -d)"
    tar -xzf "$tarball" -C "$work"
    for scale in 2 3 4 8; do
        src="$work/package/models/x$scale"
        if [[ ! -f "$src/model.json" ]]; then
            echo "fetch-models: $pkg@$version has no models/x$scale/model.json" >&2
            continue
        fi
        out="$dest/esrgan-$variant-x$scale"
        rm -rf "$out.tmp" && mkdir -p "$out.tmp"
        cp "$src"/model.json "$src"/*.bin "$out.tmp/"
        cp "$work/package/LICENSE" "$out.tmp/LICENSE"
        write_config "$out.tmp" "$pkg" "$version" "$sha" "$licence" "$variant" "$scale"
        rm -rf "$out" && mv "$out.tmp" "$out"
    done
    rm -rf "$work"
    work=""
    echo "fetch-models: $pkg@$version -> resources/upscalers/esrgan-$variant-x{2,3,4,8}"
done < "$root/deps/npm-models.txt"

# TensorFlow.js (pure-JavaScript CPU backend) for the cross-check and the benchmark peer, pinned by
# tests/reference/tfjs/package-lock.json; reinstalled when the lock file changes.
tfjs="$root/tests/reference/tfjs"
lock="$(sha256sum "$tfjs/package-lock.json" | cut -d' ' -f1)"
stamp="$tfjs/node_modules/.ganvas-lock-sha256"
if [[ ! -d "$tfjs/node_modules/@tensorflow/tfjs" || "$(cat "$stamp" 2>/dev/null)" != "$lock" ]]; then
    echo "fetch-models: npm ci in tests/reference/tfjs"
    if (cd "$tfjs" && npm ci --silent --ignore-scripts --no-audit --no-fund >/dev/null 2>&1); then
        echo "$lock" >"$stamp"
    else
        echo "fetch-models: could not install TensorFlow.js (npm ci in tests/reference/tfjs); the TensorFlow.js" \
             "cross-check will be skipped" >&2
    fi
fi
exit 0
