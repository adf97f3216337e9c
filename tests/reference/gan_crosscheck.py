#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Cross-checks Ganvas' generators against their Python twins in gan_reference.py (PyTorch's
Python API): for each architecture ("dcgan", "fastgan") and two resolutions, random weights
(with batch-norm statistics away from 0 and 1) are written as a generator folder, loaded by
`ganvas_engine_tests --tool gan-forward` as the studio loads one, and run on the same latents.
The outputs must agree to float rounding; the tensor names and shapes are the file format.
Usage: gan_crosscheck.py PATH/TO/ganvas_engine_tests"""
import json
import os
import subprocess
import sys
import tempfile

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gan_reference  # noqa: E402


def check(exe, architecture, resolution, tmp):
    torch.manual_seed(resolution + len(architecture))
    latent, base = 16, 8
    G = gan_reference.FastGenerator if architecture == "fastgan" else gan_reference.Generator
    g = G(resolution, latent, base)
    g.apply(gan_reference.init_weights)
    with torch.no_grad():
        for p in g.parameters():
            p.add_(torch.randn_like(p) * 0.05)
        for name, b in g.named_buffers():
            if name.endswith("running_mean"):
                b.copy_(torch.randn_like(b) * 0.1)
            elif name.endswith("running_var"):
                b.copy_(torch.rand_like(b) + 0.5)
    g.eval()
    folder = os.path.join(tmp, f"{architecture}-{resolution}")
    os.makedirs(folder)
    state = dict(g.state_dict())
    gan_reference.write_safetensors(os.path.join(folder, "weights.safetensors"), state, {"format": "ganvas-generator-1"})
    config = {"format": 1, "id": f"x-{architecture}-{resolution}", "name": "crosscheck", "kind": "generator",
              "weights": "weights.safetensors", "license": "GPL-3.0-or-later",
              "architecture": {"type": architecture, "resolution": resolution, "latent_dim": latent,
                               "g_channels": base, "d_channels": base, "max_channels": 512}}
    with open(os.path.join(folder, "config.json"), "w") as f:
        json.dump(config, f)
    z = torch.randn(3, latent)
    zpath, opath = os.path.join(folder, "z.raw"), os.path.join(folder, "out.raw")
    z.numpy().astype("<f4").tofile(zpath)
    subprocess.run([exe, "--tool", "gan-forward", folder, zpath, "3", opath], check=True)
    with open(opath, "rb") as f:
        ours = torch.frombuffer(bytearray(f.read()), dtype=torch.float32).view(3, 3, resolution, resolution)
    with torch.no_grad():
        theirs = g(z)
    diff = (ours - theirs).abs().max().item()
    spread = theirs.std().item()
    print(f"{architecture} {resolution} px: max |ours - PyTorch| = {diff:.2e} (output spread {spread:.3f})")
    return diff < 1e-4 and spread > 1e-3


def main():
    exe = sys.argv[1]
    with tempfile.TemporaryDirectory() as tmp:
        ok = all([check(exe, a, r, tmp) for a in ("dcgan", "fastgan") for r in (32, 64)])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
