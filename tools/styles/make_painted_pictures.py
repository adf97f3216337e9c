#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Stroke journals that paint three evaluation pictures with Ganvas' own brushes (issue #13: the
evaluation set includes pictures painted in Ganvas): a landscape, a portrait and a still life,
each 512 x 384, every mark a brush stroke with pressure. Ours (GPL-3.0-or-later). Render them
with `ganvas-cli render JOURNAL --output PICTURE.png` (tools/styles/style_eval.sh does).
Usage: make_painted_pictures.py OUTPUT_DIR"""
import json
import math
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
PRESETS = json.load(open(os.path.join(HERE, "..", "..", "resources", "brushes", "presets.json")))["brushes"]
BRUSH = {b["id"]: b for b in PRESETS}
W, H = 512, 384


def stroke(brush, colour, points, size):
    b = dict(BRUSH[brush])
    b["size"] = size
    pts = [[round(x, 2), round(y, 2), round(p, 3), 0, 0, i * 8] for i, (x, y, p) in enumerate(points)]
    return {"type": "stroke", "layer": 1, "brush": b, "colour": colour, "text": "Brush stroke", "points": pts}


def line(x0, y0, x1, y1, n=40, p0=1.0, p1=1.0, wobble=0.0, rng=None):
    pts = []
    for i in range(n):
        t = i / (n - 1)
        w = wobble * math.sin(t * math.pi * 3 + (rng.random() * 6 if rng else 0)) if wobble else 0
        pts.append((x0 + (x1 - x0) * t, y0 + (y1 - y0) * t + w, p0 + (p1 - p0) * t))
    return pts


def ellipse(cx, cy, rx, ry, n=80, start=0.0, turns=1.0, pressure=1.0):
    return [(cx + rx * math.cos(start + 2 * math.pi * turns * i / (n - 1)),
             cy + ry * math.sin(start + 2 * math.pi * turns * i / (n - 1)), pressure) for i in range(n)]


def filled_ellipse(brush, colour, cx, cy, rx, ry, size):
    """Concentric rings from the rim inwards: a filled shape built of strokes."""
    out = []
    k = 0
    while rx - k * size * 0.45 > 0 and ry - k * size * 0.45 > 0:
        out.append(stroke(brush, colour, ellipse(cx, cy, rx - k * size * 0.45, ry - k * size * 0.45), size))
        k += 1
    out.append(stroke(brush, colour, [(cx - 1, cy, 1.0), (cx + 1, cy, 1.0)], size))
    return out


def landscape(rng):
    s = []
    for k, colour in enumerate(["#ff8fb8de", "#ff9cc3e4", "#ffb5d3ea", "#ffcfe2ee", "#fff2d7b8"]):
        y = 20 + k * 40
        s.append(stroke("soft", colour, line(-40, y, W + 40, y + rng.uniform(-10, 10), 30), 110))
    s += filled_ellipse("round", "#fff6c453", 390, 80, 34, 34, 18)
    for k, (colour, y0, amp) in enumerate([("#ff6d8f5e", 230, 30), ("#ff4f7a43", 270, 22), ("#ff3b5e33", 320, 14)]):
        for row in range(0, H - y0 + 20, 14):
            pts = [(x, y0 + row + amp * math.sin(x / 70 + k * 2) * max(0.0, 1 - row / 120), 1.0) for x in range(-20, W + 40, 16)]
            s.append(stroke("marker", colour, pts, 22))
    s.append(stroke("ink", "#ff3a2a1e", line(120, 300, 118, 200, 30, 1.0, 0.5), 10))
    for _ in range(40):
        a, r = rng.uniform(0, 2 * math.pi), rng.uniform(0, 45)
        s += [stroke("round", rng.choice(["#ff2f5a2a", "#ff3f7236", "#ff27451f"]),
                     [(118 + r * math.cos(a), 175 + 0.8 * r * math.sin(a), 1.0)] * 2, 26)]
    for _ in range(90):
        x, y = rng.uniform(0, W), rng.uniform(300, H)
        s.append(stroke("pencil", "#ff22391b", line(x, y, x + rng.uniform(-4, 4), y - rng.uniform(8, 18), 8, 1.0, 0.3), 3))
    return s


def portrait(rng):
    s = []
    for k in range(8):
        s.append(stroke("soft", rng.choice(["#ff7d8ca3", "#ff8e9db3", "#ff6c7a90"]),
                        line(-40, k * 55, W + 40, k * 55 + 30, 20), 120))
    s += filled_ellipse("marker", "#ff2e3f5c", 256, 420, 190, 120, 30)              # shoulders
    s += filled_ellipse("marker", "#ff3b2719", 256, 165, 108, 128, 26)             # hair, behind
    s += filled_ellipse("round", "#ffe2b594", 256, 200, 84, 104, 24)               # face
    s.append(stroke("marker", "#ff3b2719", [(180 + 152 * i / 29, 118 + 14 * math.sin(math.pi * i / 29), 1.0)
                                            for i in range(30)], 34))              # fringe
    for side in (-1, 1):
        s.append(stroke("ink", "#ff3b2719", ellipse(256 + side * 34, 168, 16, 8), 5))
        s += filled_ellipse("round", "#ff2b1d14", 256 + side * 34, 168, 6, 6, 6)
        s.append(stroke("ink", "#ff3b2719", line(256 + side * 14, 146, 256 + side * 52, 143, 20, 0.6, 0.3), 6))
    s.append(stroke("pencil", "#ff9a6b52", line(256, 175, 248, 222, 20, 0.5, 1.0), 4))
    s.append(stroke("ink", "#ffa0413d", [(226 + 60 * i / 29, 250 + 10 * math.sin(math.pi * i / 29), 0.4 + 0.6 * math.sin(math.pi * i / 29))
                                         for i in range(30)], 8))
    s.append(stroke("ink", "#ff5a3b2a", ellipse(256, 200, 84, 104, 120, 0.2, 0.8), 4))
    return s


def still_life(rng):
    s = []
    for k in range(10):
        s.append(stroke("soft", rng.choice(["#ffd9c7a7", "#ffcdb894", "#ffe3d5bb"]), line(-40, k * 26, W + 40, k * 26, 20), 90))
    for y in range(250, H + 20, 16):
        s.append(stroke("marker", rng.choice(["#ff7a4a2a", "#ff6b3f22", "#ff86553a"]), line(-20, y, W + 20, y + rng.uniform(-3, 3), 30), 24))
    s += filled_ellipse("soft", "#ff4a3020", 260, 300, 170, 26, 40)                 # shadow
    s += filled_ellipse("round", "#ff3f6e8c", 260, 250, 120, 60, 22)               # bowl
    s.append(stroke("ink", "#ff1f3645", ellipse(260, 250, 120, 60, 120), 5))
    for cx, cy, r, colour in [(200, 200, 42, "#ffc8372d"), (262, 186, 46, "#ffe59a2f"), (322, 204, 40, "#ff6f9a2c"),
                              (232, 150, 34, "#ffb02d4a")]:
        s += filled_ellipse("round", colour, cx, cy, r, r, 16)
        s.append(stroke("soft", "#ffffffff", [(cx - r * 0.35, cy - r * 0.4, 0.6)] * 2, r * 0.5))
        s.append(stroke("ink", "#ff2a1a12", ellipse(cx, cy, r, r, 90, 0.3, 0.6, 0.7), 4))
    return s


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name, paint in [("painted-landscape", landscape), ("painted-portrait", portrait), ("painted-still-life", still_life)]:
        rng = random.Random(name)
        recs = [{"type": "begin", "format": 1, "size": [W, H], "dpi": 150, "background": "#fffbf7ee", "file": ""},
                {"type": "layer", "op": "add", "name": "Paint"}] + paint(rng)
        with open(os.path.join(out, name + ".jsonl"), "w") as f:
            for i, r in enumerate(recs, 1):
                r["seq"] = i
                f.write(json.dumps(r, separators=(",", ":")) + "\n")
        print("wrote", os.path.join(out, name + ".jsonl"), len(recs), "records")


if __name__ == "__main__":
    main()
