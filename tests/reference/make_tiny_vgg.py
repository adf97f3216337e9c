#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Makes a tiny VGG-like TorchScript loss network with Debian's python3-torch, computes the
reference features the engine must reproduce, then runs the engine's torchscript test group.

Usage: make_tiny_vgg.py ENGINE_TEST_BINARY
The layout mirrors torchvision's vgg19().features (Conv2d, ReLU, MaxPool2d), only smaller, so
the engine's layer selection (first ReLU of each stage; second ReLU of stage 4) is exercised.
"""
import json
import os
import subprocess
import sys
import tempfile

import torch
import torch.nn as nn


def main():
    torch.manual_seed(0)
    c = [4, 6, 8, 8, 8]
    layers = []
    cin = 3
    for stage, cout in enumerate(c):
        for _ in range(2):
            layers += [nn.Conv2d(cin, cout, 3, padding=1), nn.ReLU(inplace=False)]
            cin = cout
        if stage + 1 < len(c):
            layers.append(nn.MaxPool2d(2, 2))
    net = nn.Sequential(*layers).eval()
    h, w = 32, 40
    x = torch.linspace(0, 1, 3 * h * w).view(1, 3, h, w)
    mean = torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1)
    std = torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1)
    y = (x - mean) / std
    styles, content = [], None
    stage, relu_in_stage, after_pool = 0, 0, True
    with torch.no_grad():
        for m in net:
            y = m(y)
            if isinstance(m, nn.ReLU):
                relu_in_stage += 1
                if after_pool:
                    n, ch, hh, ww = y.shape
                    f = y.reshape(n, ch, hh * ww)
                    g = torch.bmm(f, f.transpose(1, 2)) / (ch * hh * ww)
                    styles.append({"gram_sum": float(g.sum())})
                    after_pool = False
                if stage == 3 and relu_in_stage == 2:
                    content = float(y.sum())
            elif isinstance(m, nn.MaxPool2d):
                after_pool, relu_in_stage = True, 0
                stage += 1
    with tempfile.TemporaryDirectory() as d:
        torch.jit.script(net).save(os.path.join(d, "tiny_vgg.pt"))
        # A module with a layer the loader must refuse.
        torch.jit.script(nn.Sequential(nn.Conv2d(3, 4, 3), nn.Sigmoid())).save(os.path.join(d, "not_vgg.pt"))
        with open(os.path.join(d, "expected.json"), "w") as f:
            json.dump({"height": h, "width": w, "style_layers": styles, "content_sum": content}, f)
        env = dict(os.environ, GANVAS_TINY_VGG=d)
        return subprocess.call([sys.argv[1], "--group", "torchscript"], env=env)


if __name__ == "__main__":
    sys.exit(main())
