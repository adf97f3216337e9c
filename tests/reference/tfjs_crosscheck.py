#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Proof that Ganvas' imported ESRGAN networks are the original ones (issue #6): every installed
upscaler (resources/upscalers/esrgan-*-x*/) runs on two test pictures in TensorFlow.js (the
original model, pure-JavaScript CPU backend, tests/reference/tfjs/run_model.js under Node.js) and
in our engine (ganvas_engine_tests --tool upscale-raw); the outputs, unrounded, must agree within
0.5 on the 0-255 scale. Exits 77 (CTest: skipped) when Node.js, TensorFlow.js or the models are
missing (scripts/fetch-models.sh installs them).
Usage: tfjs_crosscheck.py ENGINE_TESTS_BINARY [MODEL_ID ...]"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SKIP = 77


def pictures(h, w):
    gen = torch.Generator().manual_seed(11)
    noise = torch.rand(h, w, 3, generator=gen)
    y = torch.linspace(0, 1, h).view(h, 1, 1)
    x = torch.linspace(0, 1, w).view(1, w, 1)
    smooth = torch.cat([x.expand(h, w, 1), y.expand(h, w, 1), ((x + y) / 2).expand(h, w, 1)], 2)
    edges = ((torch.sin(x * 25) * torch.cos(y * 19)) > 0).float().expand(h, w, 3) * 0.8 + 0.1
    return {"noise": noise, "smooth": smooth, "edges": edges}


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    engine = sys.argv[1]
    wanted = sys.argv[2:]
    node = shutil.which("node")
    runner = os.path.join(HERE, "tfjs", "run_model.js")
    models_root = os.path.join(ROOT, "resources", "upscalers")
    if not node or not os.path.exists(runner):
        print("skipped: Node.js or tests/reference/tfjs/run_model.js missing")
        return SKIP
    models = sorted(d for d in (os.listdir(models_root) if os.path.isdir(models_root) else [])
                    if os.path.exists(os.path.join(models_root, d, "model.json")))
    if wanted:
        models = [m for m in models if m in wanted]
    if not models:
        print("skipped: no upscaler installed (run scripts/fetch-models.sh)")
        return SKIP
    worst = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        for model in models:
            folder = os.path.join(models_root, model)
            arch = json.load(open(os.path.join(folder, "config.json")))["architecture"]
            in_max = arch.get("input_range", [0, 255])[1]
            out_scale = 255.0 / arch.get("output_range", [0, 255])[1]
            for name, img in pictures(20, 24).items():
                src = os.path.join(tmp, "in.raw")
                (img * in_max).contiguous().numpy().astype("<f4").tofile(src)
                ours_path, theirs_path = os.path.join(tmp, "ours.raw"), os.path.join(tmp, "theirs.raw")
                r = subprocess.run([engine, "--tool", "upscale-raw", os.path.join(folder, "model.json"), src, "20", "24", ours_path],
                                   capture_output=True, text=True)
                if r.returncode != 0:
                    print(f"FAIL {model} {name}: ours: {r.stderr.strip()}")
                    return 1
                t = subprocess.run([node, runner, folder, src, "20", "24", theirs_path], capture_output=True, text=True)
                if t.returncode == 3:
                    print("skipped: TensorFlow.js is not installed (scripts/fetch-models.sh)")
                    return SKIP
                if t.returncode != 0:
                    print(f"FAIL {model} {name}: TensorFlow.js: {t.stderr.strip()[-400:]}")
                    return 1
                ours = torch.from_numpy(__import__("numpy").fromfile(ours_path, dtype="<f4"))
                theirs = torch.from_numpy(__import__("numpy").fromfile(theirs_path, dtype="<f4"))
                if ours.numel() != theirs.numel():
                    print(f"FAIL {model} {name}: {ours.numel()} values against TensorFlow.js' {theirs.numel()}")
                    return 1
                diff = ((ours - theirs).abs().max() * out_scale).item()
                worst = max(worst, diff)
                status = "ok" if diff <= 0.5 else "FAIL"
                print(f"{status} {model:22s} {name:7s} max |ours - tfjs| = {diff:.5f} (0-255 scale)")
                if diff > 0.5:
                    return 1
    print(f"all {len(models)} models agree with TensorFlow.js: worst difference {worst:.5f} on the 0-255 scale")
    return 0


if __name__ == "__main__":
    sys.exit(main())
