#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Regenerates tests/data/images/: procedural pictures made by this script (ours to ship, no
outside data). Run from the repository root with Debian's python3-torch:
    /usr/bin/python3 tests/data/make_sample_images.py"""
import math
import os
import struct
import zlib

import torch

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "images")


def save_png(path, rgb):
    """rgb: uint8 tensor [H, W, 3]. Minimal PNG writer (zlib + struct), no imaging library needed."""
    h, w, _ = rgb.shape
    raw = b"".join(b"\x00" + bytes(rgb[y].flatten().tolist()) for y in range(h))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n")
        f.write(chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)))
        f.write(chunk(b"IDAT", zlib.compress(raw, 9)))
        f.write(chunk(b"IEND", b""))


def swirl(w=768, h=512, seed=3):
    """Impasto-like swirls: a flow field of sines, coloured along a sunset palette, with strokes."""
    g = torch.Generator().manual_seed(seed)
    y, x = torch.meshgrid(torch.linspace(-1, 1, h), torch.linspace(-1.5, 1.5, w), indexing="ij")
    field = torch.zeros_like(x)
    for _ in range(6):
        fx, fy, ph = (torch.rand(3, generator=g) * torch.tensor([6.0, 6.0, 2 * math.pi])).tolist()
        field += torch.sin(fx * x + fy * y + ph + 2.5 * torch.sin(3 * y - 2 * x))
    t = (field - field.min()) / (field.max() - field.min())
    stroke = 0.5 + 0.5 * torch.sin(40 * t + 8 * x)  # brush-stroke banding along the flow
    palette = torch.tensor([[20, 30, 80], [60, 70, 160], [240, 170, 60], [250, 90, 70], [250, 235, 200]], dtype=torch.float32)
    pos = t * (len(palette) - 1)
    i = pos.floor().clamp(0, len(palette) - 2).long()
    f = (pos - i).unsqueeze(-1)
    colour = palette[i] * (1 - f) + palette[i + 1] * f
    colour = colour * (0.8 + 0.2 * stroke.unsqueeze(-1))
    return colour.clamp(0, 255).round().to(torch.uint8)


def main():
    os.makedirs(OUT, exist_ok=True)
    save_png(os.path.join(OUT, "swirl.png"), swirl())
    print("wrote", os.path.join(OUT, "swirl.png"))


if __name__ == "__main__":
    main()
