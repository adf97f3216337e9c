#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The Python peer of Ganvas' benchmark cases (core/engine/bench/EngineBenchCases.cpp): the same
operations and the same network in PyTorch's Python API, timed the same way (one warm-up run, then
the median of at least N runs and T seconds). `ganvas-cli bench` runs this in the same session and
reports ours/peer ratios. Prints JSON: {"torch": version, "threads": n, "cases": {name: {...}}}.

Usage: bench_peer.py [--threads N] [--quick] [--device cpu|cuda] [CASE ...]
       bench_peer.py --serve [--threads N] [--quick] [--device cpu|cuda]
With --serve it prints {"torch":…, "threads":…} once, then reads one case name per line on stdin
and answers each with one JSON line ({"case": name, "value": …} or {"case": name, "error": …}),
so `ganvas-cli bench` can interleave its cases with ours, round by round (issue #18)."""
import argparse
import json
import statistics
import sys
import time

import os
import torch
import torch.nn as nn
import torch.nn.functional as F


def median_seconds(fn, device, min_runs, min_seconds):
    def sync():
        if device.type == "cuda":
            torch.cuda.synchronize()
    fn()
    sync()
    runs = []
    start = time.perf_counter()
    while len(runs) < min_runs or time.perf_counter() - start < min_seconds:
        t0 = time.perf_counter()
        fn()
        sync()
        runs.append(time.perf_counter() - t0)
        if len(runs) >= 1000:
            break
    runs.sort()
    return runs[len(runs) // 2]


class StyleNet(nn.Module):
    """Identical to BenchStyleNetImpl: 16-32-64 channels, 3 residual blocks, zero padding."""

    def __init__(self, c1=16, c2=32, c3=64, blocks=3):
        super().__init__()

        def conv(i, o, k, s):
            return nn.Conv2d(i, o, k, stride=s, padding=k // 2)

        def norm(c):
            return nn.InstanceNorm2d(c, affine=True)

        self.head = nn.Sequential(conv(3, c1, 9, 1), norm(c1), nn.ReLU(), conv(c1, c2, 3, 2), norm(c2), nn.ReLU(),
                                  conv(c2, c3, 3, 2), norm(c3), nn.ReLU())
        self.res = nn.ModuleList([nn.Sequential(conv(c3, c3, 3, 1), norm(c3), nn.ReLU(), conv(c3, c3, 3, 1), norm(c3))
                                  for _ in range(blocks)])
        self.up1 = nn.Sequential(conv(c3, c2, 3, 1), norm(c2), nn.ReLU())
        self.up2 = nn.Sequential(conv(c2, c1, 3, 1), norm(c1), nn.ReLU())
        self.tail = conv(c1, 3, 9, 1)

    def forward(self, x):
        x = self.head(x)
        for block in self.res:
            x = x + block(x)
        x = self.up1(F.interpolate(x, scale_factor=2.0, mode="nearest"))
        x = self.up2(F.interpolate(x, scale_factor=2.0, mode="nearest"))
        return torch.sigmoid(self.tail(x))


def style_setup(args, device):
    torch.manual_seed(0)
    net = StyleNet().to(device).eval()
    size = 128 if args.quick else 512
    x = torch.rand(1, 3, size, size, device=device)
    return net, x


def style_seconds(args, device, net, x, bf16):
    def run():
        with torch.inference_mode(), torch.autocast(device.type, dtype=torch.bfloat16, enabled=bf16):
            net(x)
    return median_seconds(run, device, 2 if args.quick else 3, 0.2 if args.quick else 2.0)


def case_matmul(args, device):
    n = 512 if args.quick else 2048
    torch.manual_seed(0)
    a = torch.rand(n, n, device=device)
    b = torch.rand(n, n, device=device)
    with torch.inference_mode():
        s = median_seconds(lambda: torch.mm(a, b), device, 3, 0.2 if args.quick else 1.5)
    return {"value": 2.0 * n ** 3 / s / 1e9, "unit": "GFLOP/s"}


def case_style_fp32(args, device):
    net, x = style_setup(args, device)
    return {"value": style_seconds(args, device, net, x, False) * 1e3, "unit": "ms"}


def case_style_bf16(args, device):
    net, x = style_setup(args, device)
    fp32 = style_seconds(args, device, net, x, False)
    bf16 = style_seconds(args, device, net, x, True)
    return {"value": bf16 * 1e3, "unit": "ms", "speedup_vs_fp32": fp32 / bf16}


def case_style_threads(args, device):
    net, x = style_setup(args, device)
    torch.set_num_threads(1)
    one = style_seconds(args, device, net, x, False)
    torch.set_num_threads(args.threads)
    many = style_seconds(args, device, net, x, False)
    return {"value": one / many, "unit": "x"}


def case_gan_sample(args, device, architecture="dcgan"):
    import gan_reference
    torch.manual_seed(0)
    G = gan_reference.FastGenerator if architecture == "fastgan" else gan_reference.Generator
    g = G(32 if args.quick else 64).to(device).eval()
    z = torch.randn(1, 128, device=device)
    with torch.inference_mode():
        s = median_seconds(lambda: g(z), device, 5 if args.quick else 50, 0.2 if args.quick else 2.0)
    return {"value": s * 1e3, "unit": "ms"}


def case_gan_train(args, device, architecture="dcgan"):
    """The textbook recipe: fp32, the same step as ours (gan_reference.Trainer)."""
    import gan_reference
    torch.manual_seed(0)
    return {"value": gan_reference.bench_train(32 if args.quick else 64, 128, 32, 32, device,
                                               0.5 if args.quick else 8.0, architecture), "unit": "img/s"}


def case_upscale_slim(args, device):
    """The original ESRGAN slim 4x in TensorFlow.js' CPU backend (tests/reference/tfjs/run_model.js)
    on the same kind of picture and size as ours: whole picture in one predict call."""
    import subprocess
    import tempfile
    here = os.path.dirname(os.path.abspath(__file__))
    model = os.path.join(here, "..", "..", "resources", "upscalers", "esrgan-slim-x4")
    script = os.path.join(here, "tfjs", "run_model.js")
    if not os.path.exists(os.path.join(model, "model.json")):
        raise RuntimeError("esrgan-slim-x4 is not installed (scripts/fetch-models.sh)")
    side = 128 if args.quick else 512
    gen = torch.Generator().manual_seed(7)
    y = torch.linspace(0, 6.28, side).view(side, 1, 1)
    x = torch.linspace(0, 6.28, side).view(1, side, 1)
    img = (torch.sin(3 * x + torch.cat([y, 2 * y, 3 * y], 2)) * 0.4 + 0.5 + 0.05 * torch.randn(side, side, 3, generator=gen)).clamp(0, 1)
    with tempfile.TemporaryDirectory() as tmp:
        src, dst = os.path.join(tmp, "in.raw"), os.path.join(tmp, "out.raw")
        (img * 255).contiguous().numpy().astype("<f4").tofile(src)
        out = subprocess.run(["node", script, model, src, str(side), str(side), dst, "--time"],
                             check=True, capture_output=True, text=True, timeout=3600)
        timing = json.loads(out.stdout.strip().splitlines()[-1])
    return {"value": timing["seconds"], "unit": "s", "backend": timing.get("backend", "")}


CASES = {
    "matmul-fp32": case_matmul,
    "stylenet-fp32": case_style_fp32,
    "stylenet-bf16": case_style_bf16,
    "stylenet-threads": case_style_threads,
    "gan-sample": case_gan_sample,
    "gan-train-fp32": case_gan_train,
    "gan-train-bf16": case_gan_train,
    "fastgan-sample": lambda args, device: case_gan_sample(args, device, "fastgan"),
    "fastgan-train-fp32": lambda args, device: case_gan_train(args, device, "fastgan"),
    "fastgan-train-bf16": lambda args, device: case_gan_train(args, device, "fastgan"),
    "upscale-slim-x4": case_upscale_slim,
}


def main():
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    p = argparse.ArgumentParser()
    p.add_argument("--threads", type=int, default=0)
    p.add_argument("--quick", action="store_true")
    p.add_argument("--device", default="cpu")
    p.add_argument("--serve", action="store_true")
    p.add_argument("cases", nargs="*")
    args = p.parse_args()
    if args.threads <= 0:
        args.threads = torch.get_num_threads()
    torch.set_num_threads(args.threads)
    device = torch.device(args.device)
    if args.serve:
        print(json.dumps({"torch": torch.__version__, "threads": args.threads}), flush=True)
        for line in sys.stdin:
            name = line.strip()
            if not name:
                continue
            try:
                if name not in CASES:
                    raise KeyError("no such case")
                torch.set_num_threads(args.threads)
                answer = dict(CASES[name](args, device), case=name)
            except Exception as e:  # reported to ganvas-cli, which prints it with the case
                answer = {"case": name, "error": str(e)}
            print(json.dumps(answer), flush=True)
        return 0
    out = {"torch": torch.__version__, "threads": args.threads, "cases": {}}
    for name in args.cases or CASES:
        if name in CASES:
            torch.set_num_threads(args.threads)
            out["cases"][name] = CASES[name](args, device)
    json.dump(out, sys.stdout)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
