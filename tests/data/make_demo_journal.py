#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Writes a stroke journal that paints a small demo picture with Ganvas' own brushes: the
procedural swirl (tests/data/images/swirl.png) as a base layer, then ink and marker strokes on
their own layers. Used for the README screenshot:
    python3 tests/data/make_demo_journal.py /tmp/demo.jsonl
    build/app/ganvas-cli render /tmp/demo.jsonl --output /tmp/demo.ora
With `--styled STYLED.png` (the flattened demo run through `ganvas-cli style`), it adds that as
a style layer whose mask was "painted" with the style brush: a soft diagonal band."""
import base64
import json
import math
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
PRESETS = json.load(open(os.path.join(HERE, "..", "..", "resources", "brushes", "presets.json")))["brushes"]
BRUSH = {b["id"]: b for b in PRESETS}
STYLE_NAME = "Cubist"  # the style layer's name with --styled (--style-name NAME)


def stroke(layer, brush, colour, points, size=None):
    b = dict(BRUSH[brush])
    if size:
        b["size"] = size
    pts = [[round(x, 2), round(y, 2), round(p, 3), 0, 0, i * 8] for i, (x, y, p) in enumerate(points)]
    return {"type": "stroke", "layer": layer, "brush": b, "colour": colour, "text": "Brush stroke", "points": pts}


def mask_band(w, h):
    """A soft diagonal band, white inside: what a few style-brush strokes leave on a mask."""
    import torch
    from make_sample_images import save_png  # noqa: E402 (same folder)
    y, x = torch.meshgrid(torch.arange(h, dtype=torch.float32), torch.arange(w, dtype=torch.float32), indexing="ij")
    d = (x - 0.9 * y - 120) / 140
    band = (1 - d.abs()).clamp(0, 1) * 1.6
    grey = (band.clamp(0, 1) * 255).round().to(torch.uint8)
    path = os.path.join(os.path.dirname(os.path.abspath(sys.argv[1])), "demo-mask.png")
    save_png(path, grey.unsqueeze(-1).expand(h, w, 3).contiguous())
    return base64.b64encode(open(path, "rb").read()).decode()


def main():
    out = sys.argv[1]
    styled = sys.argv[sys.argv.index("--styled") + 1] if "--styled" in sys.argv else None
    global STYLE_NAME
    if "--style-name" in sys.argv:
        STYLE_NAME = sys.argv[sys.argv.index("--style-name") + 1]
    swirl = base64.b64encode(open(os.path.join(HERE, "images", "swirl.png"), "rb").read()).decode()
    recs = [{"type": "begin", "format": 1, "size": [768, 512], "dpi": 150, "background": "#ffffffff", "file": ""},
            {"type": "layer", "op": "add", "name": "Swirl", "png": swirl},
            {"type": "layer", "op": "opacity", "layer": 1, "value": 0.85},
            {"type": "layer", "op": "add", "name": "Ink"}]
    # A spiral of ink with pressure swelling and fading.
    pts = []
    for i in range(400):
        t = i / 399
        r = 40 + 170 * t
        a = 6 * math.pi * t
        pts.append((384 + r * math.cos(a), 256 + 0.7 * r * math.sin(a), 0.2 + 0.8 * math.sin(math.pi * t)))
    recs.append(stroke(2, "ink", "#ff1b1f3a", pts, size=14))
    recs.append({"type": "layer", "op": "add", "name": "Marker"})
    recs.append({"type": "layer", "op": "blend", "layer": 3, "value": "svg:multiply"})
    for k, colour in enumerate(["#ffe84a5f", "#ff2a9d8f", "#fff4a261"]):
        y0 = 90 + 150 * k
        pts = [(60 + 6 * i, y0 + 25 * math.sin(i / 9 + k), 1.0) for i in range(110)]
        recs.append(stroke(3, "marker", colour, pts, size=26))
    recs.append({"type": "select", "op": "ellipse", "mode": "replace", "rect": [470, 300, 260, 180]})
    pts = [(470 + 12 * i, 300 + 18 * j + 6 * (i % 2), 1.0) for j in range(11) for i in range(23)]
    recs.append(stroke(3, "soft", "#ff264653", pts, size=60))
    recs.append({"type": "select", "op": "none"})
    if styled:
        recs.append({"type": "layer", "op": "add", "name": "Style: " + STYLE_NAME + " (100 %)",
                     "png": base64.b64encode(open(styled, "rb").read()).decode(), "mask_png": mask_band(768, 512),
                     "text": "Apply style " + STYLE_NAME, "ai": {"style": STYLE_NAME.lower(), "strength": 1.0}})
    with open(out, "w") as f:
        for i, r in enumerate(recs, 1):
            r["seq"] = i
            f.write(json.dumps(r, separators=(",", ":")) + "\n")
    print("wrote", out, len(recs), "records")


if __name__ == "__main__":
    main()
