#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Prints the docs/MODELS.md table of style presets from their config.json files and the report
that tools/styles/train_presets.sh writes (build/presets-report.txt)."""
import json
import pathlib
import re
import sys

root = pathlib.Path(__file__).resolve().parents[2]
report = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else root / "build/presets-report.txt").read_text()
metrics = {}
current = None
for line in report.splitlines():
    m = re.search(r"-> .*/resources/styles/([a-z0-9-]+)$", line)
    if m:
        current = m.group(1)
    m = re.search(r"gap closed (-?[\d.]+) %\), content SSIM ([\d.]+)", line)
    if m and current:
        metrics[current] = (m.group(1), m.group(2))
print("| preset | category | steps | training time | gap closed | content SSIM |")
print("|---|---|---|---|---|---|")
for config_path in sorted((root / "resources/styles").glob("*/config.json")):
    c = json.loads(config_path.read_text())
    t = c.get("training")
    if not t:
        continue
    gap, ssim = metrics.get(c["id"], ("?", "?"))
    print(f"| {c['name']} (`{c['id']}`) | {c.get('category', '')} | {t['steps']} | {t['seconds'] / 60:.1f} min "
          f"| {gap} % | {ssim} |")
