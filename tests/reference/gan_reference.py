#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The Python reference of Ganvas' GAN (core/engine/gan/): the same generators and discriminators
(DCGAN shape: batch norm in G, none in D; and FastGAN: skip-layer excitation in G, a two-path
discriminator with a decoder that rebuilds real pictures at 32 px; same tensor names), the same recipe (non-saturating loss, lazy R1 every 16
steps, DiffAugment colour/translation/cutout, generator EMA), in PyTorch's Python API with the
textbook fp32 numerics. Used by
  - bench_peer.py (cases gan-train-*, gan-sample): images/s and ms per image in the same run;
  - the quality baseline in docs/MODELS.md: `gan_reference.py train --data DIR --minutes M --output DIR`
    trains for the same wall time as the bundled generator and writes a Ganvas generator folder
    (config.json + weights.safetensors with the same tensor names), which `ganvas-cli gan-eval`
    measures exactly like ours.
The data for `train` is a folder of PNGs already at the resolution (ganvas-cli dataset emoji)."""
import argparse
import json
import math
import os
import struct
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def channels_at(level, base, levels, max_channels):
    return min(max_channels, base << max(0, levels - 1 - level))


class Generator(nn.Module):
    def __init__(self, resolution=64, latent=128, base=32, max_channels=512):
        super().__init__()
        levels = int(round(math.log2(resolution / 4)))
        c = lambda l: channels_at(l, base, levels, max_channels)
        self.latent = latent
        self.first = nn.Sequential(nn.ConvTranspose2d(latent, c(0), 4, bias=False), nn.BatchNorm2d(c(0)), nn.ReLU(True))
        rest = []
        for l in range(1, levels):
            rest += [nn.ConvTranspose2d(c(l - 1), c(l), 4, 2, 1, bias=False), nn.BatchNorm2d(c(l)), nn.ReLU(True)]
        rest += [nn.ConvTranspose2d(c(levels - 1), 3, 4, 2, 1), nn.Tanh()]
        self.rest = nn.Sequential(*rest)

    def forward(self, z):
        return self.rest(self.first(z.view(z.size(0), z.size(1), 1, 1)))


class Discriminator(nn.Module):
    def __init__(self, resolution=64, base=32, max_channels=512):
        super().__init__()
        levels = int(round(math.log2(resolution / 4)))
        layers, cin = [], 3
        for l in range(levels - 1, -1, -1):
            cout = channels_at(l, base, levels, max_channels)
            layers += [nn.Conv2d(cin, cout, 4, 2, 1), nn.LeakyReLU(0.2)]
            cin = cout
        layers += [nn.Conv2d(cin, 1, 4)]
        self.net = nn.Sequential(*layers)

    def forward(self, x):
        return self.net(x).view(x.size(0))


def fast_channels(level, base, levels, max_channels):
    return channels_at(level, base, levels, max_channels) if level < levels else max(4, base // 2)


def fast_up_block(cin, cout, twice):
    layers = [nn.Upsample(scale_factor=2, mode="nearest"), nn.Conv2d(cin, 2 * cout, 3, 1, 1, bias=False),
              nn.BatchNorm2d(2 * cout), nn.GLU(1)]
    if twice:
        layers += [nn.Conv2d(cout, 2 * cout, 3, 1, 1, bias=False), nn.BatchNorm2d(2 * cout), nn.GLU(1)]
    return nn.Sequential(*layers)


class FastGenerator(nn.Module):
    """core/engine/gan/GanNetworks.cpp's "fastgan" generator, layer for layer."""

    def __init__(self, resolution=64, latent=128, base=32, max_channels=512):
        super().__init__()
        levels = int(round(math.log2(resolution / 4)))
        c = lambda l: fast_channels(l, base, levels, max_channels)
        self.latent = latent
        self.init = nn.Sequential(nn.ConvTranspose2d(latent, 2 * c(0), 4, bias=False), nn.BatchNorm2d(2 * c(0)))
        self.blocks = nn.ModuleList(fast_up_block(c(l - 1), c(l), l % 2 == 1) for l in range(1, levels + 1))
        self.excite = nn.ModuleList(
            nn.Sequential(nn.AdaptiveAvgPool2d(4), nn.Conv2d(c(l), c(l + 3), 4, bias=False), nn.SiLU(),
                          nn.Conv2d(c(l + 3), c(l + 3), 1, bias=False), nn.Sigmoid())
            for l in range(0, levels - 2))
        self.to_rgb = nn.Conv2d(c(levels), 3, 3, 1, 1)

    def forward(self, z):
        x = F.glu(self.init(z.view(z.size(0), z.size(1), 1, 1)), 1)
        feats = [x]
        for l, block in enumerate(self.blocks, start=1):
            x = block(x)
            if l >= 3:
                x = x * self.excite[l - 3](feats[l - 3])
            feats.append(x)
        return torch.tanh(self.to_rgb(x))


class DownBlock(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.main = nn.Sequential(nn.Conv2d(cin, cout, 4, 2, 1), nn.LeakyReLU(0.2), nn.Conv2d(cout, cout, 3, 1, 1),
                                  nn.LeakyReLU(0.2))
        self.direct = nn.Sequential(nn.AvgPool2d(2), nn.Conv2d(cin, cout, 1), nn.LeakyReLU(0.2))

    def forward(self, x):
        return (self.main(x) + self.direct(x)) * 0.5


class FastDiscriminator(nn.Module):
    """The "fastgan" discriminator with its decoder; forward() gives (logits, rebuilt 32 px picture),
    or the logits alone with rebuild=False (fakes and R1: the decoder does not run)."""

    def __init__(self, resolution=64, base=32, max_channels=512):
        super().__init__()
        levels = int(round(math.log2(resolution / 4)))
        c = lambda l: channels_at(l, base, levels, max_channels)
        self.from_rgb = nn.Sequential(nn.Conv2d(3, c(levels - 1), 4, 2, 1), nn.LeakyReLU(0.2))
        self.down = nn.ModuleList(DownBlock(c(l), c(l - 1)) for l in range(levels - 1, 0, -1))
        self.logit = nn.Conv2d(c(0), 1, 4)
        d1 = max(8, c(1) // 2)
        d2 = max(8, d1 // 2)
        self.decoder = nn.Sequential(nn.Upsample(scale_factor=2, mode="nearest"), nn.Conv2d(c(1), 2 * d1, 3, 1, 1), nn.GLU(1),
                                     nn.Upsample(scale_factor=2, mode="nearest"), nn.Conv2d(d1, 2 * d2, 3, 1, 1), nn.GLU(1),
                                     nn.Conv2d(d2, 3, 3, 1, 1), nn.Tanh())

    def forward(self, x, rebuild=True):
        h = self.from_rgb(x)
        at8 = None
        for block in self.down:
            h = block(h)
            if h.size(2) == 8:
                at8 = h
        logits = self.logit(h).view(x.size(0))
        return (logits, self.decoder(at8)) if rebuild else logits


def reconstruction_target(x):
    return x if x.size(2) == 32 else F.adaptive_avg_pool2d(x, 32)


def init_weights(m):
    if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d)):
        nn.init.normal_(m.weight, 0.0, 0.02)
        if m.bias is not None:
            nn.init.zeros_(m.bias)
    elif isinstance(m, nn.BatchNorm2d):
        nn.init.normal_(m.weight, 1.0, 0.02)
        nn.init.zeros_(m.bias)


def diff_augment(x):
    """Zhao et al. 2020: colour, translation (1/8), cutout (1/2)."""
    n, _, h, w = x.shape
    x = x + (torch.rand(n, 1, 1, 1, device=x.device) - 0.5)
    m = x.mean(1, keepdim=True)
    x = (x - m) * (torch.rand(n, 1, 1, 1, device=x.device) * 2) + m
    m = x.mean([1, 2, 3], keepdim=True)
    x = (x - m) * (torch.rand(n, 1, 1, 1, device=x.device) + 0.5) + m
    sh, sw = max(1, h // 8), max(1, w // 8)
    ty = torch.randint(-sh, sh + 1, (n, 1, 1), device=x.device)
    tx = torch.randint(-sw, sw + 1, (n, 1, 1), device=x.device)
    gy = (torch.arange(h, device=x.device).view(1, h, 1) + ty + 1).clamp(0, h + 1)
    gx = (torch.arange(w, device=x.device).view(1, 1, w) + tx + 1).clamp(0, w + 1)
    padded = F.pad(x, [1, 1, 1, 1])
    flat = padded.permute(0, 2, 3, 1).reshape(n, (h + 2) * (w + 2), x.size(1))
    idx = (gy * (w + 2) + gx).view(n, h * w, 1).expand(n, h * w, x.size(1))
    x = flat.gather(1, idx).view(n, h, w, x.size(1)).permute(0, 3, 1, 2)
    ch, cw = h // 2, w // 2
    oy = torch.randint(0, h + (1 - ch % 2), (n, 1, 1), device=x.device)
    ox = torch.randint(0, w + (1 - cw % 2), (n, 1, 1), device=x.device)
    yy = torch.arange(h, device=x.device).view(1, h, 1)
    xx = torch.arange(w, device=x.device).view(1, 1, w)
    inside = ((yy >= oy - ch // 2) & (yy < oy - ch // 2 + ch)) & ((xx >= ox - cw // 2) & (xx < ox - cw // 2 + cw))
    return x * (~inside).to(x.dtype).unsqueeze(1)


class Trainer:
    def __init__(self, resolution=64, latent=128, base=32, batch=32, lr=2e-4, device="cpu", seed=1,
                 architecture="dcgan"):
        torch.manual_seed(seed)
        fast = architecture == "fastgan"
        G = FastGenerator if fast else Generator
        self.g = G(resolution, latent, base).to(device)
        self.d = (FastDiscriminator if fast else Discriminator)(resolution, base).to(device)
        self.fast = fast
        self.g.apply(init_weights)
        self.d.apply(init_weights)
        self.ema = G(resolution, latent, base).to(device)
        self.ema.load_state_dict(self.g.state_dict())
        self.ema.requires_grad_(False)
        self.gopt = torch.optim.Adam(self.g.parameters(), lr, betas=(0.5, 0.99))
        self.dopt = torch.optim.Adam(self.d.parameters(), lr, betas=(0.5, 0.99))
        self.batch, self.latent, self.resolution = batch, latent, resolution
        self.r1_gamma = 0.0002 * resolution * resolution / batch
        self.r1_every = 16
        self.step_count = 0

    def step(self, real):
        b = real.size(0)
        z = torch.randn(b, self.latent, device=real.device)
        fake = self.g(z)
        self.d.requires_grad_(True)
        logits = lambda x: self.d(x, rebuild=False) if self.fast else self.d(x)
        real_seen = diff_augment(real)
        if self.fast:
            real_logits, rebuilt = self.d(real_seen)
        else:
            real_logits = self.d(real_seen)
        fake_logits = logits(diff_augment(fake.detach()))
        d_loss = F.softplus(fake_logits).mean() + F.softplus(-real_logits).mean()
        if self.fast:
            d_loss = d_loss + (rebuilt - reconstruction_target(real_seen)).abs().mean()
        self.dopt.zero_grad()
        d_loss.backward()
        self.dopt.step()
        if self.step_count % self.r1_every == 0:
            x = real.detach().clone().requires_grad_(True)
            out = logits(diff_augment(x))
            (grad,) = torch.autograd.grad(out.sum(), x, create_graph=True)
            pen = grad.square().sum([1, 2, 3]).mean()
            self.dopt.zero_grad()
            (pen * (self.r1_gamma * 0.5 * self.r1_every)).backward()
            self.dopt.step()
        self.d.requires_grad_(False)
        g_loss = F.softplus(-logits(diff_augment(fake))).mean()
        self.gopt.zero_grad()
        g_loss.backward()
        self.gopt.step()
        self.step_count += 1
        half_life = min(10000.0, max(b, 0.1 * self.step_count * b))
        beta = 0.5 ** (b / half_life)
        with torch.no_grad():
            for pe, pg in zip(self.ema.parameters(), self.g.parameters()):
                pe.lerp_(pg, 1 - beta)
            for be, bg in zip(self.ema.buffers(), self.g.buffers()):
                be.copy_(bg)
        return d_loss.item(), g_loss.item()


def recalibrate(g, batches=32, batch=64, seed=99):
    gen = torch.Generator().manual_seed(seed)
    for m in g.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.momentum = None
            m.reset_running_stats()
    g.train()
    with torch.no_grad():
        for _ in range(batches):
            g(torch.randn(batch, g.latent, generator=gen))
    g.eval()


def write_safetensors(path, tensors, metadata):
    """Our own writer of the safetensors layout (8-byte header length, JSON header, raw data)."""
    header, blobs, offset = {}, [], 0
    names = {torch.float32: "F32", torch.float16: "F16", torch.int64: "I64"}
    for name in sorted(tensors):
        t = tensors[name].detach().cpu().contiguous()
        data = t.numpy().tobytes()
        header[name] = {"dtype": names[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    header["__metadata__"] = metadata
    text = json.dumps(header).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path + ".tmp", "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)
    os.replace(path + ".tmp", path)


def load_folder(folder, resolution):
    """PNGs at the resolution, decoded with torchvision-free code: Qt is not available here, so
    the data are read through PyTorch's own PNG decoder when present, else PIL."""
    files = sorted(os.path.join(r, f) for r, _, fs in os.walk(folder) for f in fs if f.lower().endswith(".png"))
    images = []
    try:
        from PIL import Image  # python3-pil (Debian), only for this offline baseline
    except ImportError:
        sys.exit("gan_reference.py train needs python3-pil to read the PNGs")
    for f in files:
        im = Image.open(f).convert("RGB").resize((resolution, resolution), Image.BOX)
        images.append(torch.frombuffer(bytearray(im.tobytes()), dtype=torch.uint8).view(resolution, resolution, 3).permute(2, 0, 1))
    return torch.stack(images)


def train(args):
    torch.set_num_threads(args.threads or torch.get_num_threads())
    data = load_folder(args.data, args.resolution)
    t = Trainer(args.resolution, args.latent, args.channels, args.batch, seed=args.seed, architecture=args.architecture)
    t0 = time.perf_counter()
    step = 0
    gen = torch.Generator().manual_seed(args.seed)
    while time.perf_counter() - t0 < args.minutes * 60 and (args.steps <= 0 or step < args.steps):
        idx = torch.randint(0, data.size(0), (args.batch,), generator=gen)
        real = data[idx].float() / 127.5 - 1
        flip = torch.rand(args.batch, 1, 1, 1, generator=gen) < 0.5
        real = torch.where(flip, real.flip(3), real)
        d, g = t.step(real)
        step += 1
        if step % 100 == 0:
            el = time.perf_counter() - t0
            print(f"step {step}  D {d:.3f}  G {g:.3f}  {step * args.batch / el:.1f} img/s", flush=True)
    seconds = time.perf_counter() - t0
    recalibrate(t.ema)
    os.makedirs(args.output, exist_ok=True)
    state = {k: v.to(torch.float16) if v.dtype == torch.float32 else v for k, v in t.ema.state_dict().items()}
    write_safetensors(os.path.join(args.output, "weights.safetensors"), state, {"format": "ganvas-generator-1"})
    config = {"format": 1, "id": args.id, "name": "Python reference baseline", "kind": "generator",
              "weights": "weights.safetensors", "license": "GPL-3.0-or-later",
              "source": "tests/reference/gan_reference.py (PyTorch Python API, fp32)",
              "architecture": {"type": args.architecture, "resolution": args.resolution, "latent_dim": args.latent,
                               "g_channels": args.channels, "d_channels": args.channels, "max_channels": 512},
              "training": {"steps": step, "batch": args.batch, "images": data.size(0), "seconds": seconds,
                           "images_per_second": step * args.batch / seconds, "precision": "fp32",
                           "torch": torch.__version__, "threads": torch.get_num_threads()}}
    with open(os.path.join(args.output, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
    print(f"trained {step} steps in {seconds:.0f} s ({step * args.batch / seconds:.1f} img/s)")


def bench_train(resolution, latent, base, batch, device, min_seconds, architecture="dcgan"):
    t = Trainer(resolution, latent, base, batch, device=device, architecture=architecture)
    real = torch.rand(batch, 3, resolution, resolution, device=device) * 2 - 1
    for _ in range(3):
        t.step(real)
    steps, t0 = 0, time.perf_counter()
    while steps < 16 or time.perf_counter() - t0 < min_seconds:
        t.step(real)
        steps += 1
    return steps * batch / (time.perf_counter() - t0)


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    tr = sub.add_parser("train")
    tr.add_argument("--data", required=True)
    tr.add_argument("--output", required=True)
    tr.add_argument("--minutes", type=float, default=10)
    tr.add_argument("--steps", type=int, default=0)
    tr.add_argument("--resolution", type=int, default=64)
    tr.add_argument("--latent", type=int, default=128)
    tr.add_argument("--channels", type=int, default=32)
    tr.add_argument("--architecture", choices=["dcgan", "fastgan"], default="dcgan")
    tr.add_argument("--batch", type=int, default=32)
    tr.add_argument("--threads", type=int, default=0)
    tr.add_argument("--seed", type=int, default=1)
    tr.add_argument("--id", default="python-baseline")
    args = p.parse_args()
    if args.cmd == "train":
        train(args)


if __name__ == "__main__":
    main()
