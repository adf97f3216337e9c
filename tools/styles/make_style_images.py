#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Generate the style images for Ganvas' bundled neural style-transfer presets.

Every image is painted procedurally by the code in this file (noise fields, flow
fields, Voronoi cells, brush-stroke rasterisation, halftone screens...).  Nothing is
copied, downloaded or derived from third-party artwork or photographs, so the output
is licensed like the rest of the project (GPL-3.0-or-later).

The output is deterministic: each style draws from its own fixed seed, and the only
dependencies are numpy and torch (CPU, one thread), as shipped by Debian.

    /usr/bin/python3 tools/styles/make_style_images.py [--output DIR] [--size N]
                                                       [--only ID[,ID]] [--sheet]

writes DIR/<id>.png (RGB, N x N) for each style; --sheet also writes DIR/_sheet.png,
a 4 x 3 contact sheet of the styles at 128 px.
"""

import argparse
import math
import os
import struct
import sys
import time
import zlib

import numpy as np
import torch
import torch.nn.functional as F

torch.set_num_threads(1)

# --------------------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------------------


def write_png(path, img):
    """Write an HxWx3 float image in [0, 1] as an 8-bit RGB PNG (zlib, no PIL)."""
    a = np.clip(np.rint(np.asarray(img, np.float64) * 255.0), 0, 255).astype(np.uint8)
    h, w = a.shape[:2]
    raw = np.concatenate([np.zeros((h, 1), np.uint8), a.reshape(h, w * 3)], axis=1)

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)

    png = b"\x89PNG\r\n\x1a\n"
    png += chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
    png += chunk(b"IDAT", zlib.compress(raw.tobytes(), 9))
    png += chunk(b"IEND", b"")
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(png)
    os.replace(tmp, path)


# --------------------------------------------------------------------------------------
# Field helpers
# --------------------------------------------------------------------------------------


def _t(a):
    return torch.from_numpy(np.ascontiguousarray(a, dtype=np.float32))


def blur(img, sigma):
    """Separable Gaussian blur of an HxW or HxWxC array (reflected borders)."""
    if sigma < 0.3:
        return img
    img = np.asarray(img, np.float32)
    h, w = img.shape[:2]
    r = int(min(math.ceil(3.0 * sigma), min(h, w) - 1))
    x = np.arange(-r, r + 1, dtype=np.float32)
    k = np.exp(-x * x / (2.0 * sigma * sigma))
    k = _t(k / k.sum())
    t = _t(img)
    t = t[None, None] if img.ndim == 2 else t.permute(2, 0, 1)[:, None]
    with torch.no_grad():
        t = F.conv2d(F.pad(t, (r, r, 0, 0), mode="reflect"), k.view(1, 1, 1, -1))
        t = F.conv2d(F.pad(t, (0, 0, r, r), mode="reflect"), k.view(1, 1, -1, 1))
    out = t[:, 0] if img.ndim == 3 else t[0, 0]
    out = out.permute(1, 2, 0) if img.ndim == 3 else out
    return out.numpy()


def dilate(mask, radius):
    """Grey-scale dilation (max filter) with a square window."""
    if radius < 1:
        return mask
    r = int(radius)
    t = _t(mask)[None, None]
    with torch.no_grad():
        t = F.max_pool2d(F.pad(t, (r, r, r, r), mode="replicate"), 2 * r + 1, stride=1)
    return t[0, 0].numpy()


def resize(img, h, w):
    t = _t(img).permute(2, 0, 1)[None]
    with torch.no_grad():
        t = F.interpolate(t, size=(h, w), mode="area")
    return t[0].permute(1, 2, 0).numpy()


def noise(rng, h, w, cells):
    """Smooth value noise in about [0, 1] with `cells` features across the image."""
    cy = max(1, int(round(cells * h / max(h, w))))
    cx = max(1, int(round(cells * w / max(h, w))))
    return noise2(rng, h, w, cy, cx)


def noise2(rng, h, w, cy, cx):
    """Anisotropic value noise: `cy` features down and `cx` across."""
    g = rng.random((int(cy) + 1, int(cx) + 1)).astype(np.float32)
    with torch.no_grad():
        t = F.interpolate(_t(g)[None, None], size=(h, w), mode="bicubic", align_corners=True)
    return t[0, 0].numpy()


def fbm(rng, h, w, cells=4, octaves=5, gain=0.5, lacunarity=2.0):
    """Fractal sum of value noise, normalised to [0, 1]."""
    acc = np.zeros((h, w), np.float32)
    amp, c = 1.0, float(cells)
    for _ in range(octaves):
        acc += amp * (noise(rng, h, w, min(c, max(h, w) / 1.5)) - 0.5)
        amp *= gain
        c *= lacunarity
    return norm01(acc)


def norm01(a, lo=None, hi=None):
    lo = a.min() if lo is None else lo
    hi = a.max() if hi is None else hi
    return ((a - lo) / max(hi - lo, 1e-8)).astype(np.float32)


def smoothstep(e0, e1, x):
    t = np.clip((x - e0) / (e1 - e0), 0.0, 1.0)
    return t * t * (3.0 - 2.0 * t)


def mix(a, b, t):
    t = np.asarray(t, np.float32)
    if t.ndim == 2:
        t = t[..., None]
    return a * (1.0 - t) + b * t


def sample(field, x, y):
    """Bilinear lookup of an HxW or HxWxC field at float pixel positions."""
    h, w = field.shape[:2]
    x = np.clip(x - 0.5, 0, w - 1.001)
    y = np.clip(y - 0.5, 0, h - 1.001)
    x0 = x.astype(np.int64)
    y0 = y.astype(np.int64)
    fx = x - x0
    fy = y - y0
    if field.ndim == 3:
        fx = fx[..., None]
        fy = fy[..., None]
    a = field[y0, x0] * (1 - fx) + field[y0, x0 + 1] * fx
    b = field[y0 + 1, x0] * (1 - fx) + field[y0 + 1, x0 + 1] * fx
    return a * (1 - fy) + b * fy


def grid(h, w):
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    return x + 0.5, y + 0.5


def hash01(*keys):
    """Deterministic per-element hash of integer arrays to [0, 1)."""
    h = np.uint64(0x9E3779B97F4A7C15)
    acc = np.zeros(np.broadcast(*[np.asarray(k) for k in keys]).shape, np.uint64)
    with np.errstate(over="ignore"):
        for i, k in enumerate(keys):
            k = np.asarray(k).astype(np.int64).astype(np.uint64)
            acc = (acc ^ (k + np.uint64(0x632BE59BD9B4E019) * np.uint64(i + 1))) * h
            acc ^= acc >> np.uint64(29)
            acc *= np.uint64(0xBF58476D1CE4E5B9)
            acc ^= acc >> np.uint64(32)
    return (acc >> np.uint64(11)).astype(np.float64) / float(1 << 53)


def curl_flow(psi):
    """Unit direction field (vx, vy) along the level lines of a stream function."""
    gy, gx = np.gradient(psi)
    vx, vy = gy, -gx
    n = np.sqrt(vx * vx + vy * vy) + 1e-9
    return (vx / n).astype(np.float32), (vy / n).astype(np.float32)


def trace(vx, vy, x, y, steps, step_len):
    """Trace many streamlines at once (midpoint method); returns (steps+1, N, 2)."""
    pts = np.empty((steps + 1, len(x), 2), np.float32)
    pts[0, :, 0] = x
    pts[0, :, 1] = y
    for i in range(steps):
        dx = sample(vx, x, y)
        dy = sample(vy, x, y)
        mx = x + dx * step_len * 0.5
        my = y + dy * step_len * 0.5
        dx = sample(vx, mx, my)
        dy = sample(vy, mx, my)
        x = x + dx * step_len
        y = y + dy * step_len
        pts[i + 1, :, 0] = x
        pts[i + 1, :, 1] = y
    return pts


def worley(rng, h, w, cell, jitter=0.9):
    """Voronoi cells of a jittered grid: (cell id, distance to seed, distance to edge, seeds)."""
    x, y = grid(h, w)
    return worley_xy(rng, x, y, cell, jitter)


def worley_xy(rng, x, y, cell, jitter=0.9):
    """Like worley() but over arbitrary (e.g. rotated or stretched) coordinates."""
    ox, oy = float(x.min()), float(y.min())
    x = x - ox
    y = y - oy
    h, w = x.shape
    gy = int(math.ceil(float(y.max()) / cell)) + 3
    gx = int(math.ceil(float(x.max()) / cell)) + 3
    j0 = 0.5 - jitter / 2
    sy = (np.arange(gy)[:, None] - 1 + j0 + jitter * rng.random((gy, gx))) * cell
    sx = (np.arange(gx)[None, :] - 1 + j0 + jitter * rng.random((gy, gx))) * cell
    cy = (y // cell).astype(np.int64) + 1
    cx = (x // cell).astype(np.int64) + 1
    best = np.full((h, w), np.inf, np.float32)
    by = np.zeros((h, w), np.int64)
    bx = np.zeros((h, w), np.int64)
    for dy in (-1, 0, 1):
        for dx in (-1, 0, 1):
            iy = np.clip(cy + dy, 0, gy - 1)
            ix = np.clip(cx + dx, 0, gx - 1)
            d = (x - sx[iy, ix]) ** 2 + (y - sy[iy, ix]) ** 2
            m = d < best
            best = np.where(m, d, best)
            by = np.where(m, iy, by)
            bx = np.where(m, ix, bx)
    s1x = sx[by, bx]
    s1y = sy[by, bx]
    edge = np.full((h, w), np.inf, np.float32)
    for dy in (-2, -1, 0, 1, 2):
        for dx in (-2, -1, 0, 1, 2):
            iy = np.clip(by + dy, 0, gy - 1)
            ix = np.clip(bx + dx, 0, gx - 1)
            qx = sx[iy, ix]
            qy = sy[iy, ix]
            sep = np.sqrt((qx - s1x) ** 2 + (qy - s1y) ** 2)
            dj = (x - qx) ** 2 + (y - qy) ** 2
            e = (dj - best) / (2.0 * np.maximum(sep, 1e-6))
            edge = np.where(sep > 1e-3, np.minimum(edge, e), edge)
    ids = by * gx + bx
    return ids, np.sqrt(best), edge.astype(np.float32), ((s1x + ox).astype(np.float32),
                                                          (s1y + oy).astype(np.float32))


def rgb2hsv(c):
    r, g, b = c[..., 0], c[..., 1], c[..., 2]
    mx = np.max(c, -1)
    mn = np.min(c, -1)
    d = mx - mn + 1e-9
    h = np.where(mx == r, (g - b) / d, np.where(mx == g, 2.0 + (b - r) / d, 4.0 + (r - g) / d))
    h = (h / 6.0) % 1.0
    s = np.where(mx > 1e-9, (mx - mn) / (mx + 1e-9), 0.0)
    return np.stack([h, s, mx], -1)


def hsv2rgb(c):
    h, s, v = c[..., 0] % 1.0, np.clip(c[..., 1], 0, 1), np.clip(c[..., 2], 0, 1)
    k = np.stack([(5 + h * 6) % 6, (3 + h * 6) % 6, (1 + h * 6) % 6], -1)
    return v[..., None] - v[..., None] * s[..., None] * np.clip(np.minimum(k, 4 - k), 0, 1)


def relief(img, height, strength, light=(-0.6, -0.8), sigma=0.8):
    """Shade an image with the slopes of a paint height map (light from the upper left)."""
    hgt = blur(height, sigma)
    gy, gx = np.gradient(hgt)
    shade = 1.0 - strength * (gx * light[0] + gy * light[1])
    spec = np.clip(-(gx * light[0] + gy * light[1]) * strength - 0.15, 0, None) ** 2 * 1.5
    return np.clip(img * shade[..., None] + spec[..., None], 0, 1)


# --------------------------------------------------------------------------------------
# Brush strokes
# --------------------------------------------------------------------------------------


def draw_stroke(img, pts, width, color, rng, hmap=None, bristle=0.3, dry=0.0, opacity=1.0,
                taper=0.15, thickness=1.0, mode="over", cap="round", profile="round"):
    """Rasterise one brush stroke along a polyline `pts` (K x 2, x/y pixels).

    The stroke has a bristle profile across its width (streaks), optional dry-brush
    gaps that grow towards its end, anti-aliased edges and, when `hmap` is given, a
    rounded paint-ridge height profile for later relief shading.  cap="square" gives
    the stroke flat ends (a brush dab) instead of round ones; profile="flat" gives a
    flat-topped dab with paint pushed up at its edges instead of a rounded ridge.
    """
    h, w = img.shape[:2]
    hw = width / 2.0
    x0 = max(0, int(math.floor(pts[:, 0].min() - hw - 2)))
    x1 = min(w, int(math.ceil(pts[:, 0].max() + hw + 2)))
    y0 = max(0, int(math.floor(pts[:, 1].min() - hw - 2)))
    y1 = min(h, int(math.ceil(pts[:, 1].max() + hw + 2)))
    if x1 <= x0 or y1 <= y0:
        return
    ys, xs = np.mgrid[y0:y1, x0:x1].astype(np.float32)
    xs += 0.5
    ys += 0.5
    a = pts[:-1].astype(np.float32)
    d = (pts[1:] - pts[:-1]).astype(np.float32)
    l2 = (d * d).sum(1) + 1e-6
    px = xs[..., None] - a[:, 0]
    py = ys[..., None] - a[:, 1]
    u = np.clip((px * d[:, 0] + py * d[:, 1]) / l2, 0.0, 1.0)
    qx = px - u * d[:, 0]
    qy = py - u * d[:, 1]
    dist2 = qx * qx + qy * qy
    k = dist2.argmin(-1)[..., None]
    dmin = np.sqrt(np.take_along_axis(dist2, k, -1)[..., 0])
    uk = np.take_along_axis(u, k, -1)[..., 0]
    cross = (d[k[..., 0], 0] * np.take_along_axis(py, k, -1)[..., 0]
             - d[k[..., 0], 1] * np.take_along_axis(px, k, -1)[..., 0])
    seg = np.sqrt(l2)
    cum = np.concatenate([[0.0], np.cumsum(seg)]).astype(np.float32)
    t = (cum[k[..., 0]] + uk * seg[k[..., 0]]) / max(cum[-1], 1e-6)
    v = np.where(cross < 0, -dmin, dmin) / hw
    over = None
    if cap == "square":
        kk = k[..., 0]
        perp = np.abs(cross) / seg[kk]
        raw = (np.take_along_axis(px, k, -1)[..., 0] * d[kk, 0]
               + np.take_along_axis(py, k, -1)[..., 0] * d[kk, 1]) / seg[kk]
        over = np.where(kk == 0, np.maximum(-raw, 0), 0.0)
        over = np.maximum(over, np.where(kk == len(seg) - 1, np.maximum(raw - seg[kk], 0), 0.0))
        v = np.where(cross < 0, -perp, perp) / hw
    prof = np.clip(np.minimum(t, 1.0 - t) / max(taper, 1e-3), 0.0, 1.0) ** 0.5
    prof = 0.45 + 0.55 * prof
    av = np.abs(v) / prof
    cov = np.clip((1.0 - av) * hw * prof + 0.5, 0.0, 1.0)
    if over is not None:
        cov *= np.clip(1.0 - over, 0.0, 1.0)
    nb = max(5, int(width * 1.2))
    bv = rng.random(nb + 1).astype(np.float32)
    bi = (np.clip(v, -1, 1) + 1.0) * 0.5 * nb
    i0 = np.minimum(bi.astype(np.int64), nb - 1)
    fb = bi - i0
    b = bv[i0] * (1 - fb) + bv[i0 + 1] * fb
    if dry > 0:
        na = 12
        tv = rng.random(na + 1).astype(np.float32)
        ti = np.clip(t, 0, 1) * na
        j0 = np.minimum(ti.astype(np.int64), na - 1)
        tn = tv[j0] * (1 - (ti - j0)) + tv[j0 + 1] * (ti - j0)
        thr = dry * (0.25 + t * t) + 0.35 * dry * (tn - 0.5) - 0.15
        # Bristles skip in places along the stroke: a 2-D (across, along) random table.
        nl = max(4, int(cum[-1] / 4.0))
        tab = rng.random((nb + 1, nl + 1)).astype(np.float32)
        lj = np.clip(t, 0, 1) * nl
        l0 = np.minimum(lj.astype(np.int64), nl - 1)
        fl = lj - l0
        n2 = ((tab[i0, l0] * (1 - fl) + tab[i0, l0 + 1] * fl) * (1 - fb)
              + (tab[i0 + 1, l0] * (1 - fl) + tab[i0 + 1, l0 + 1] * fl) * fb)
        cov *= np.clip((b + 0.45 * dry * (n2 - 0.5) - thr) * 6.0, 0.0, 1.0)
    cov *= opacity
    shade = 1.0 + bristle * (b - 0.5) * 2.0
    col = np.asarray(color, np.float32)
    ch = img.shape[2]
    pc = col[None, None, :] * shade[..., None] * (1.0 + 0.08 * (0.5 - t))[..., None]
    region = img[y0:y1, x0:x1]
    a3 = cov[..., None]
    if mode == "multiply":
        img[y0:y1, x0:x1] = region * (1.0 - a3 * (1.0 - np.clip(pc, 0, 1)))
    elif mode == "add":
        img[y0:y1, x0:x1] = region + pc * a3
    else:
        img[y0:y1, x0:x1] = region * (1.0 - a3) + np.clip(pc[..., :ch], 0, 1) * a3
    if hmap is not None:
        if profile == "flat":
            ridge = (np.clip((1.0 - av) * 6.0, 0.0, 1.0) * (0.45 + 0.55 * b)
                     + 0.35 * np.exp(-((av - 0.88) / 0.08) ** 2)) * thickness
        else:
            ridge = np.sqrt(np.clip(1.0 - av * av, 0.0, 1.0)) * (0.55 + 0.45 * b) * thickness
        hmap[y0:y1, x0:x1] = hmap[y0:y1, x0:x1] * (1.0 - cov * 0.85) + ridge * cov


def stroke_path(x, y, angle, length, bend, n=6):
    """A gently curved stroke path centred at (x, y)."""
    s = np.linspace(-0.5, 0.5, n) * length
    off = bend * length * (s / length) ** 2 * 2.0
    ca, sa = math.cos(angle), math.sin(angle)
    return np.stack([x + s * ca - off * sa, y + s * sa + off * ca], 1).astype(np.float32)


def paper(rng, h, w, base, grain=0.05, s=1.0):
    """Off-white paper with fibres and grain."""
    g = fbm(rng, h, w, cells=48 / s, octaves=3)
    f = blur(rng.random((h, w)).astype(np.float32), 0.6 * s)
    fib = blur(rng.random((h, w)).astype(np.float32), 0.5)
    fib = np.maximum(fib - blur(fib, 3.0), 0)
    t = 1.0 - grain * (g - 0.5) * 1.6 - grain * (f - 0.5) * 2.0 - grain * 2.0 * fib
    return np.asarray(base, np.float32)[None, None, :] * t[..., None]


# --------------------------------------------------------------------------------------
# Styles
# --------------------------------------------------------------------------------------


def style_impasto_swirls(rng, n):
    s = n / 512.0
    x, y = grid(n, n)
    # Stream function: large-scale noise plus a few vortices (stars and a big swirl).
    psi = (fbm(rng, n, n, cells=3, octaves=4) - 0.5) * 90.0 * s
    vort = [(0.22, 0.22, 0.11, 1.0), (0.72, 0.18, 0.09, -1.0), (0.5, 0.52, 0.2, 1.0),
            (0.86, 0.62, 0.08, -1.0), (0.18, 0.7, 0.1, -1.0), (0.62, 0.86, 0.09, 1.0)]
    halo = np.zeros((n, n), np.float32)
    for cx, cy, r, sg in vort:
        rr = ((x - cx * n) ** 2 + (y - cy * n) ** 2) / (r * n) ** 2
        psi += sg * 55.0 * s * np.exp(-rr)
        halo = np.maximum(halo, np.exp(-rr * 1.6))
    vx, vy = curl_flow(psi)
    # Colour field: ultramarine to cerulean with pale bands, yellow halos round vortices.
    t = fbm(rng, n, n, cells=5, octaves=4)
    band = 0.5 + 0.5 * np.sin(psi / (6.0 * s) + t * 4.0)
    deep = np.array([0.04, 0.1, 0.38], np.float32)
    mid = np.array([0.13, 0.3, 0.7], np.float32)
    light = np.array([0.42, 0.63, 0.9], np.float32)
    pale = np.array([0.82, 0.88, 0.86], np.float32)
    yellow = np.array([0.98, 0.8, 0.16], np.float32)
    lemon = np.array([1.0, 0.95, 0.55], np.float32)
    col = mix(deep, mid, smoothstep(0.2, 0.6, t))
    col = mix(col, light, smoothstep(0.55, 0.95, band) * 0.8)
    col = mix(col, pale, smoothstep(0.9, 1.0, band) * smoothstep(0.4, 0.7, t) * 0.7)
    col = mix(col, yellow, smoothstep(0.3, 0.6, halo))
    col = mix(col, lemon, smoothstep(0.75, 0.95, halo))
    teal = np.array([0.12, 0.45, 0.45], np.float32)
    col = mix(col, teal, smoothstep(0.75, 0.95, t) * 0.6)
    img = blur(col, 4 * s) * 0.85
    hmap = np.zeros((n, n), np.float32)
    # Strokes on a jittered grid, in random order, following the flow field.
    for layer, (sp, wmin, wmax, lmin, lmax) in enumerate([(11, 8, 12, 26, 44), (8, 5, 9, 18, 34)]):
        sp *= s
        g = np.arange(sp / 2, n, sp)
        gx, gy = np.meshgrid(g, g)
        px = (gx + rng.uniform(-sp / 2, sp / 2, gx.shape)).ravel()
        py = (gy + rng.uniform(-sp / 2, sp / 2, gy.shape)).ravel()
        order = rng.permutation(len(px))
        px, py = px[order], py[order]
        lens = rng.uniform(lmin, lmax, len(px)) * s
        nseg = 7
        half = nseg // 2
        step = lens / nseg
        fwd = np.empty((half + 1, len(px), 2), np.float32)
        bwd = np.empty((half + 1, len(px), 2), np.float32)
        fwd[0, :, 0] = bwd[0, :, 0] = px
        fwd[0, :, 1] = bwd[0, :, 1] = py
        for i in range(half):
            for arr, sgn in ((fwd, 1.0), (bwd, -1.0)):
                cx_, cy_ = arr[i, :, 0], arr[i, :, 1]
                arr[i + 1, :, 0] = cx_ + sgn * sample(vx, cx_, cy_) * step
                arr[i + 1, :, 1] = cy_ + sgn * sample(vy, cx_, cy_) * step
        paths = np.concatenate([bwd[::-1], fwd[1:]], 0)
        cols = sample(col, px, py)
        cols = cols * rng.uniform(0.82, 1.18, (len(px), 1)) + rng.normal(0, 0.04, (len(px), 3))
        r = rng.random(len(px))
        cols[r < 0.05] = mix(cols[r < 0.05], np.array([0.98, 0.97, 0.85], np.float32), 0.7)
        cols[r > 0.95] *= 0.45
        widths = rng.uniform(wmin, wmax, len(px)) * s
        for i in range(len(px)):
            draw_stroke(img, paths[:, i], widths[i], np.clip(cols[i], 0, 1), rng, hmap=hmap,
                        bristle=0.22, thickness=1.0 + layer * 0.3, taper=0.2)
    return relief(img, hmap * 3.0 * s, 0.55)


def style_pointillism(rng, n):
    s = n / 512.0
    x, y = grid(n, n)
    xn, yn = x / n, y / n
    f1 = fbm(rng, n, n, cells=4, octaves=5)
    ridge = lambda amp, c: (noise(rng, 1, n, c)[0] - 0.5) * amp
    horizon = 0.46 + ridge(0.06, 5)[None, :]
    hills = horizon - 0.09 - ridge(0.12, 4)[None, :] - 0.03
    sky = mix(np.array([0.3, 0.52, 0.9], np.float32), np.array([1.0, 0.85, 0.55], np.float32),
              smoothstep(0.0, 0.48, yn))
    sun = np.exp(-((xn - 0.72) ** 2 + (yn - 0.2) ** 2) / 0.004)
    sky = mix(sky, np.array([1.0, 0.72, 0.2], np.float32), np.clip(sun * 1.4, 0, 1))
    clouds = smoothstep(0.55, 0.75, fbm(rng, n, n, cells=5, octaves=5) * (1.2 - yn))
    sky = mix(sky, np.array([0.98, 0.9, 0.92], np.float32), clouds * 0.8)
    hillc = mix(np.array([0.42, 0.38, 0.72], np.float32), np.array([0.25, 0.45, 0.6], np.float32), f1)
    meadow = mix(np.array([0.2, 0.55, 0.18], np.float32), np.array([0.75, 0.78, 0.2], np.float32),
                 smoothstep(0.35, 0.75, fbm(rng, n, n, cells=6, octaves=4)))
    field = np.where((yn < hills)[..., None], sky, np.where((yn < horizon)[..., None], hillc, meadow))
    # Trees: dark green clumps along the meadow, with shadows.
    tn = fbm(rng, n, n, cells=12, octaves=3)
    for cx, cy, r in [(0.15, 0.5, 0.1), (0.38, 0.55, 0.07), (0.9, 0.52, 0.09), (0.6, 0.6, 0.05)]:
        d = np.sqrt(((xn - cx) / 0.8) ** 2 + (yn - cy) ** 2) / r + 0.5 * (tn - 0.5)
        field = mix(field, np.array([0.08, 0.3, 0.16], np.float32), smoothstep(1.0, 0.85, d))
        d2 = np.sqrt(((xn - cx - 0.06) / 1.6) ** 2 + ((yn - cy - r) * 3) ** 2) / r
        field = mix(field, np.array([0.15, 0.25, 0.35], np.float32),
                    smoothstep(1.0, 0.7, d2) * (yn > cy + r * 0.5) * 0.7)
    # Water at the bottom with light reflections.
    shore = 0.76 + ridge(0.05, 6)[None, :]
    streaks = noise2(rng, n, n, 70, 5)
    column = np.exp(-((xn - 0.72) / 0.08) ** 2)
    refl = smoothstep(0.55, 0.85, streaks + 0.35 * column - 0.1)
    water = mix(np.array([0.12, 0.35, 0.7], np.float32), np.array([0.3, 0.6, 0.8], np.float32),
                smoothstep(0.3, 0.8, f1))
    water = mix(water, np.array([0.98, 0.85, 0.5], np.float32), refl)
    field = np.where((yn > shore)[..., None], water, field)
    field = blur(field, 2.5 * s)
    canvas = mix(field, np.array([0.95, 0.92, 0.85], np.float32), 0.45)
    # Dots, z-ordered.
    nd = 30000  # a fixed count: dot radii scale with the size
    dx = rng.random(nd) * n
    dy = rng.random(nd) * n
    rad = rng.uniform(1.5, 4.5, nd) * s
    base = sample(field, dx, dy)
    hsv = rgb2hsv(base)
    r = rng.random(nd)
    hsv[:, 0] += np.where(r < 0.2, 0.5 + rng.normal(0, 0.04, nd),
                          np.where(r < 0.55, rng.normal(0, 0.07, nd), rng.normal(0, 0.025, nd)))
    hsv[:, 1] = np.clip(hsv[:, 1] * rng.uniform(1.0, 1.4, nd) + 0.06, 0, 1)
    hsv[:, 2] = np.clip(hsv[:, 2] * rng.uniform(0.82, 1.12, nd), 0, 1)
    cols = hsv2rgb(hsv)
    white = rng.random(nd) < 0.04
    cols[white] = mix(cols[white], np.array([1.0, 0.98, 0.9], np.float32), 0.7)
    R = int(math.ceil(4.5 * s)) + 1
    oy, ox = np.mgrid[-R:R + 1, -R:R + 1]
    ox = ox.ravel()
    oy = oy.ravel()
    cx = np.floor(dx).astype(np.int64)
    cy = np.floor(dy).astype(np.int64)
    fx = (dx - cx - 0.5)[:, None]
    fy = (dy - cy - 0.5)[:, None]
    inside = (ox[None] - fx) ** 2 + (oy[None] - fy) ** 2 <= rad[:, None] ** 2
    px = cx[:, None] + ox[None]
    py = cy[:, None] + oy[None]
    inside &= (px >= 0) & (px < n) & (py >= 0) & (py < n)
    did = np.broadcast_to(np.arange(nd)[:, None], inside.shape)[inside]
    pix = (py * n + px)[inside]
    key = pix * nd + did
    o = np.argsort(key, kind="stable")
    pix, did = pix[o], did[o]
    last = np.ones(len(pix), bool)
    last[:-1] = pix[1:] != pix[:-1]
    flat = canvas.reshape(-1, 3)
    flat[pix[last]] = cols[did[last]]
    img = flat.reshape(n, n, 3)
    img = blur(img, 0.5 * s)
    return np.clip(img, 0, 1)


def style_mosaic(rng, n):
    s = n / 512.0
    x, y = grid(n, n)
    ids, d1, edge, (sx, sy) = worley(rng, n, n, 13 * s, jitter=0.7)
    # Motif sampled at each tile's seed: rings round two centres, waves and noise.
    warp = fbm(rng, n, n, cells=3, octaves=4)
    pal = np.array([[0.72, 0.3, 0.16], [0.88, 0.64, 0.26], [0.93, 0.86, 0.68], [0.55, 0.17, 0.1],
                    [0.93, 0.74, 0.32], [0.42, 0.25, 0.13], [0.86, 0.5, 0.38], [0.98, 0.55, 0.2],
                    [0.3, 0.16, 0.1]], np.float32)

    def motif(px, py):
        px, py = px / n, py / n
        r1 = np.sqrt((px - 0.3) ** 2 + (py - 0.35) ** 2)
        r2 = np.sqrt((px - 0.75) ** 2 + (py - 0.72) ** 2)
        w = sample(warp, px * n, py * n)
        v = np.minimum(r1 * 14.0, r2 * 11.0 + 0.5) + 1.6 * w
        v2 = np.sin(px * 18 + 3 * np.sin(py * 9)) * 0.5 + 0.5
        idx = np.where(np.minimum(r1, r2) < 0.34, np.floor(v) % 6, np.floor(v2 * 3.99 + 4 * w) % 9)
        return idx.astype(np.int64)

    tid = motif(sx, sy)
    col = pal[tid]
    j = hash01(ids, 1)[..., None] - 0.5
    j2 = hash01(ids, 2)[..., None] - 0.5
    col = col * (1.0 + 0.22 * j) + 0.06 * (hash01(ids, 3)[..., None] - 0.5)
    col[..., 2] += 0.04 * j2[..., 0]
    # Per-tile shading: a tilted gradient plus a bevel towards the grout.
    ang = hash01(ids, 4) * 2 * np.pi
    grad = ((x - sx) * np.cos(ang) + (y - sy) * np.sin(ang)) / (13 * s)
    shade = 1.0 + 0.18 * grad - 0.3 * np.exp(-np.maximum(edge - 1.2 * s, 0) / (1.5 * s))
    stone = fbm(rng, n, n, cells=120 * s, octaves=2)
    col = col * (shade * (0.93 + 0.14 * stone))[..., None]
    grout = np.array([0.2, 0.17, 0.14], np.float32) * (0.75 + 0.5 * rng.random((n, n, 1)))
    gmask = np.clip((1.3 * s - edge) / (0.8 * s) + 0.5, 0, 1)
    img = mix(col, grout, gmask)
    return np.clip(img, 0, 1)


def style_ink_wash(rng, n):
    s = n / 512.0
    x, y = grid(n, n)
    yn = y / n
    dens = np.zeros((n, n), np.float32)

    def over(d, layer):
        return 1.0 - (1.0 - d) * (1.0 - np.clip(layer, 0, 1))

    # Mountain layers, paler with distance, fading into mist below the ridge, with
    # vertical fibre texture from the brush.
    mist = smoothstep(0.45, 0.75, noise2(rng, n, n, 5, 2) + 0.25 * noise2(rng, n, n, 12, 3))
    for i, (base, amp, strength, fade) in enumerate([(0.3, 0.2, 0.22, 0.2), (0.46, 0.22, 0.38, 0.16),
                                                     (0.62, 0.2, 0.6, 0.13), (0.82, 0.16, 0.85, 0.1)]):
        r = base - amp * (0.55 * noise(rng, 1, n, 3 + i)[0] + 0.3 * noise(rng, 1, n, 9 + 3 * i)[0]
                          + 0.15 * noise(rng, 1, n, 30 + 6 * i)[0])
        below = yn - r[None, :]
        fib = noise2(rng, n, n, 3 + i, 70 + 20 * i)
        tex = 0.7 * fbm(rng, n, n, cells=8 + 6 * i, octaves=5) + 0.3 * fib
        wash = (np.exp(-np.maximum(below, 0) / fade) * (below > 0)).astype(np.float32)
        wash = blur(wash, 1.2 * s) * (0.3 + 1.2 * tex) * (1.0 - 0.8 * mist * (below > 0.04))
        ridge = np.exp(-np.maximum(below, 0) * n / (3.0 * s)) * (below > -1.0 / n)
        ridge = blur(ridge.astype(np.float32), 0.6 * s) * smoothstep(0.3, 0.6, fib)
        dens = over(dens, wash * strength + ridge * (0.35 + 0.6 * strength))
    # Soft diffused blotches (blurred thresholded noise) with darker wet edges.
    for cells, thr, sig, amt in [(3, 0.64, 14, 0.22), (6, 0.7, 6, 0.3), (10, 0.76, 3, 0.3)]:
        m = (fbm(rng, n, n, cells=cells, octaves=4) > thr).astype(np.float32)
        m = blur(m, sig * s)
        edge = np.clip(m - blur(m, 2.5 * s), 0, 1) * 2.5
        dens = over(dens, (m * 0.8 + edge) * amt)
    pap = paper(rng, n, n, (0.95, 0.92, 0.84), grain=0.05, s=s)
    ink = np.array([0.1, 0.08, 0.07], np.float32)
    warm = np.array([0.6, 0.5, 0.4], np.float32)
    tint = mix(warm, ink, np.clip(dens * 1.3, 0, 1))
    img = pap * (1 - dens[..., None]) + tint * dens[..., None]
    # Broad dry-brush sweeps.
    for _ in range(6):
        cx, cy = rng.uniform(0.1, 0.9) * n, rng.uniform(0.15, 0.9) * n
        p = stroke_path(cx, cy, rng.uniform(-0.35, 0.35), rng.uniform(160, 300) * s,
                        rng.uniform(-0.08, 0.08), n=10)
        draw_stroke(img, p, rng.uniform(22, 44) * s, mix(ink, warm, rng.uniform(0, 0.5)), rng,
                    bristle=0.35, dry=rng.uniform(0.55, 0.8), opacity=0.9, taper=0.06,
                    mode="multiply")
    # Bare branches: tapered random-walk strokes with twigs.
    def branch(x0, y0, ang, length, width, depth):
        pts = [(x0, y0)]
        nseg = 10
        for _ in range(nseg):
            ang += rng.normal(0, 0.18)
            x0 += math.cos(ang) * length / nseg
            y0 += math.sin(ang) * length / nseg
            pts.append((x0, y0))
        pts = np.array(pts, np.float32)
        for j in range(nseg):
            wj = width * (1.0 - 0.75 * j / nseg)
            draw_stroke(img, pts[j:j + 2], wj, ink, rng, bristle=0.4, dry=0.25, opacity=0.92,
                        taper=0.001, mode="multiply")
        if depth > 0:
            for _ in range(3):
                j = rng.integers(2, nseg)
                branch(pts[j, 0], pts[j, 1], ang + rng.choice([-1, 1]) * rng.uniform(0.4, 1.0),
                       length * rng.uniform(0.3, 0.55), width * 0.5, depth - 1)
    branch(-0.02 * n, 0.22 * n, 0.15, 0.75 * n, 13 * s, 2)
    branch(1.02 * n, 0.55 * n, math.pi + 0.35, 0.5 * n, 10 * s, 1)
    # Reeds and grass at the bottom.
    for _ in range(45):
        cx, cy = rng.uniform(0, n), rng.uniform(0.75 * n, 1.05 * n)
        p = stroke_path(cx, cy, -math.pi / 2 + rng.normal(0, 0.3), rng.uniform(40, 140) * s,
                        rng.uniform(-0.3, 0.3), n=8)
        draw_stroke(img, p, rng.uniform(2.5, 7) * s, mix(ink, warm, rng.uniform(0, 0.6)), rng,
                    bristle=0.3, dry=rng.uniform(0.1, 0.4), opacity=rng.uniform(0.6, 0.95),
                    taper=0.45, mode="multiply")
    # Ink spatter.
    for _ in range(70):
        cx, cy, rr = rng.uniform(0, n), rng.uniform(0, n), rng.uniform(0.6, 2.5) * s
        p = np.array([[cx, cy], [cx + 0.01, cy]], np.float32)
        draw_stroke(img, p, rr * 2, ink, rng, bristle=0.1, opacity=rng.uniform(0.4, 0.9),
                    taper=0.001, mode="multiply")
    return np.clip(img, 0, 1)


def style_watercolour(rng, n):
    s = n / 512.0
    pap_h = fbm(rng, n, n, cells=90 * s, octaves=3)
    pap_h = 0.6 * pap_h + 0.4 * blur(rng.random((n, n)).astype(np.float32), 1.0 * s)
    img = np.ones((n, n, 3), np.float32) * np.array([0.985, 0.97, 0.94], np.float32)
    pal = np.array([[0.93, 0.52, 0.62], [0.62, 0.55, 0.88], [0.5, 0.82, 0.66], [0.98, 0.66, 0.45],
                    [0.48, 0.7, 0.95], [0.96, 0.86, 0.4], [0.35, 0.7, 0.74], [0.82, 0.55, 0.86],
                    [0.9, 0.42, 0.4]], np.float32)
    gran = norm01(blur(rng.random((n, n)).astype(np.float32), 0.8 * s))
    specs = [(12, 80, 160), (34, 30, 75), (34, 12, 28)]
    for count, rmin, rmax in specs:
        for _ in range(count):
            R = rng.uniform(rmin, rmax) * s
            cx, cy = rng.uniform(-0.05, 1.05) * n, rng.uniform(-0.05, 1.05) * n
            ex = rng.uniform(0.6, 1.7)
            rot = rng.uniform(0, np.pi)
            hb = int(R * 2.2) + 4
            x0, x1 = max(0, int(cx) - hb), min(n, int(cx) + hb)
            y0, y1 = max(0, int(cy) - hb), min(n, int(cy) + hb)
            if x1 - x0 < 4 or y1 - y0 < 4:
                continue
            ys, xs = np.mgrid[y0:y1, x0:x1].astype(np.float32)
            nn = fbm(rng, y1 - y0, x1 - x0, cells=max(2.0, max(y1 - y0, x1 - x0) / R * 1.3),
                     octaves=5, gain=0.55)
            u = (xs - cx) * math.cos(rot) + (ys - cy) * math.sin(rot)
            v = -(xs - cx) * math.sin(rot) + (ys - cy) * math.cos(rot)
            rho = np.sqrt((u / ex) ** 2 + (v * ex) ** 2) / R
            rho = rho + 0.8 * (nn - 0.5)
            soft = rng.random() < 0.3
            m = np.clip((1.0 - rho) / (0.25 if soft else 0.02), 0, 1)
            if soft:
                m = blur(m, 3 * s)
            edge = np.clip(m - blur(m, 3.5 * s), 0, 1)
            c = m * (0.45 + 0.4 * nn) + edge * (0.4 if soft else 1.6)
            c = c * (0.7 + 0.6 * (1.0 - pap_h[y0:y1, x0:x1])) * (0.8 + 0.4 * gran[y0:y1, x0:x1])
            # A bloom (back-run) in some washes: a paler centre with a dark fringe.
            if rng.random() < 0.25 and not soft:
                bx, by = cx + rng.normal(0, R * 0.3), cy + rng.normal(0, R * 0.3)
                br = np.sqrt((xs - bx) ** 2 + (ys - by) ** 2) / (R * 0.45) + 0.6 * (nn - 0.5)
                bm = np.clip((1 - br) / 0.05, 0, 1)
                c = c * (1 - 0.6 * bm) + np.clip(bm - blur(bm, 2 * s), 0, 1) * 0.8 * m
            col = pal[rng.integers(len(pal))] * rng.uniform(0.9, 1.05)
            k = rng.uniform(0.3, 0.65)
            a = np.clip(c * k, 0, 0.97)[..., None]
            img[y0:y1, x0:x1] *= 1.0 - a * (1.0 - np.clip(col, 0, 1))
    # Splashes.
    for _ in range(80):
        cx, cy, rr = rng.uniform(0, n), rng.uniform(0, n), rng.uniform(1.5, 6) * s
        col = pal[rng.integers(len(pal))]
        p = np.array([[cx, cy], [cx + 0.01, cy]], np.float32)
        draw_stroke(img, p, rr * 2, col * 0.8, rng, bristle=0.0, opacity=0.7, taper=0.001,
                    mode="multiply")
    gy, gx = np.gradient(blur(pap_h, 0.7 * s))
    img = img * (1.0 + (gx + gy) * 1.2)[..., None]
    img *= (0.97 + 0.04 * pap_h)[..., None]
    return np.clip(img, 0, 1)


def style_woodcut(rng, n):
    s = n / 512.0
    x, y = grid(n, n)
    w1 = fbm(rng, n, n, cells=3, octaves=4) - 0.5
    w2 = fbm(rng, n, n, cells=3, octaves=4) - 0.5
    qx, qy = x + 60 * s * w1, y + 60 * s * w2
    sunx, suny = 0.7 * n, 0.25 * n
    rs = np.sqrt((qx - sunx) ** 2 + (qy - suny) ** 2)
    # Regions: sky (rings round a sun), hills (diagonal), waves (wavy horizontal lines).
    hz = 0.42 * n + 50 * s * (noise(rng, 1, n, 4)[0] - 0.5)[None, :]
    sea = 0.66 * n + 40 * s * (noise(rng, 1, n, 5)[0] - 0.5)[None, :]
    region = np.where(y < hz, 0, np.where(y < sea, 1, 2))
    region = np.where(rs < 0.11 * n, 3, region)
    tone = fbm(rng, n, n, cells=4, octaves=4)
    period = 8.0 * s
    f0 = rs
    f1 = (qx * 0.55 + qy) + 25 * s * np.sin(qx / (40 * s))
    ry = y + 18 * s * w2
    f2 = ry + 9 * s * np.sin(x / (26 * s) + 3 * w1 + ry / (30 * s)) + 4 * s * np.sin(x / (11 * s) + 5 * w2)
    f3 = np.arctan2(qy - suny, qx - sunx) * 0.11 * n / 1.2
    f = np.select([region == 0, region == 1, region == 2], [f0, f1, f2], f3)
    ph = f / period
    dline = np.abs(ph - np.round(ph)) * period
    # Tone per region: the sky darkens away from the sun; hills and sea by noise.
    t = np.select([region == 0, region == 1, region == 2],
                  [0.12 + 0.6 * smoothstep(0.1 * n, 0.7 * n, rs) * (0.3 + tone),
                   0.45 + 0.55 * tone, 0.35 + 0.6 * tone], 0.25)
    hwid = period * (0.07 + 0.36 * np.clip(t, 0, 1)) * (0.75 + 0.5 * noise(rng, n, n, 40 * s))
    black = np.clip(hwid - dline + 0.5, 0, 1)
    # Region outlines and a few solid carved shapes.
    lab = region.astype(np.float32)
    ed = (np.abs(np.diff(lab, axis=0, append=lab[-1:])) + np.abs(np.diff(lab, axis=1, append=lab[:, -1:])))
    ed = blur(dilate((ed > 0).astype(np.float32), 2 * s), 0.7 * s)
    black = np.maximum(black, np.clip(ed * 1.5, 0, 1))
    solid = (fbm(rng, n, n, cells=6, octaves=4) > 0.72) & (region == 1)
    black = np.maximum(black, blur(solid.astype(np.float32), 0.8 * s) * 0.95)
    # Wood grain and uneven inking, paper showing through.
    grain = norm01(noise2(rng, n, n, int(150 * s), 5) + 0.5 * noise2(rng, n, n, int(300 * s), 12))
    speck = smoothstep(0.72, 0.8, grain) * 0.5 + (rng.random((n, n)) > 0.985) * 0.6
    black = black * (1.0 - np.clip(speck, 0, 1) * 0.8)
    pap = paper(rng, n, n, (0.94, 0.89, 0.76), grain=0.04, s=s)
    img = pap.copy()
    # Second (colour) block, slightly misregistered.
    red = np.array([0.78, 0.2, 0.12], np.float32)
    ochre = np.array([0.85, 0.6, 0.22], np.float32)
    c1 = (region == 3) | ((region == 0) & (rs < 0.2 * n))
    c2 = (region == 1) & (fbm(rng, n, n, cells=5, octaves=3) > 0.55)
    c3 = (region == 2) & (tone < 0.4)
    cmask = np.roll(np.stack([c1, c2, c3], -1).astype(np.float32), (int(2 * s), int(3 * s)), (0, 1))
    cmask = blur(cmask, 0.8 * s) * (0.8 + 0.2 * grain[..., None])
    img = img * (1 - cmask[..., :1] * (1 - red)) * (1 - cmask[..., 1:2] * (1 - ochre)) \
        * (1 - cmask[..., 2:3] * 0.6 * (1 - red * 0.9))
    ink = np.array([0.06, 0.05, 0.05], np.float32)
    img = mix(img, ink, black)
    return np.clip(img, 0, 1)


def style_stained_glass(rng, n):
    s = n / 512.0
    x, y = grid(n, n)
    ids, d1, edge, (sx, sy) = worley(rng, n, n, 40 * s, jitter=0.85)
    cx, cy = 0.5 * n, 0.5 * n
    r = np.sqrt((x - cx) ** 2 + (y - cy) ** 2)
    th = np.arctan2(y - cy, x - cx)
    # Rose window: concentric rings and radial spokes cut across the cells.
    rings = np.array([0.1, 0.2, 0.31, 0.44]) * n
    ring_i = np.searchsorted(rings, r)
    dring = np.min(np.abs(r[..., None] - rings[None, None, :]), -1)
    nsp = np.where(ring_i == 1, 8, np.where(ring_i == 2, 16, np.where(ring_i == 3, 24, 1)))
    sect = np.floor((th + np.pi) / (2 * np.pi) * nsp)
    dspoke = np.abs(((th + np.pi) / (2 * np.pi) * nsp - np.round((th + np.pi) / (2 * np.pi) * nsp))) \
        * 2 * np.pi / nsp * r
    dspoke = np.where((ring_i >= 1) & (ring_i <= 3), dspoke, np.inf)
    inner = ring_i <= 3
    lead_d = np.where(inner, np.minimum(dring, dspoke), np.minimum(edge, dring))
    cell = np.where(inner, ring_i * 100 + sect, ids * 7 + 1000 + ring_i)
    cell = np.where(ring_i == 0, 1, cell).astype(np.int64)
    # Inner rings: cut again by fine cells for variety.
    ids2, _, edge2, _ = worley(rng, n, n, 22 * s, jitter=0.9)
    cut = (ring_i == 3) | (ring_i == 1)
    lead_d = np.where(cut, np.minimum(lead_d, edge2), lead_d)
    cell = np.where(cut, cell * 10007 + ids2, cell)
    pal = np.array([[0.75, 0.04, 0.1], [0.06, 0.18, 0.75], [0.03, 0.58, 0.28], [0.98, 0.62, 0.04],
                    [0.5, 0.12, 0.72], [0.03, 0.62, 0.72], [1.0, 0.85, 0.22], [0.9, 0.25, 0.5],
                    [0.1, 0.35, 0.9]], np.float32)
    h = hash01(cell, 11)
    ringpal = np.array([6, 0, 1, 3, 4], np.int64)
    pick = np.where(inner & (hash01(cell, 12) < 0.6), ringpal[np.minimum(ring_i, 4)],
                    (h * len(pal)).astype(np.int64) % len(pal))
    col = pal[pick]
    # Glow: bright in the middle of each pane, darker next to the lead, light from above.
    glow = 1.0 - np.exp(-np.maximum(lead_d, 0) / (9 * s))
    grad = 1.0 - 0.35 * y / n
    mott = fbm(rng, n, n, cells=24, octaves=4)
    streak = blur(rng.random((n, n)).astype(np.float32), 0.6 * s)
    streak = blur(np.repeat(streak[:1], n, 0) * 0.6 + streak * 0.4, (1.5 * s))
    bright = (0.35 + 0.95 * glow) * grad * (0.8 + 0.4 * mott) * (0.9 + 0.25 * norm01(streak))
    bright *= 0.85 + 0.3 * hash01(cell, 13)
    img = np.clip(col * bright[..., None], 0, 1)
    hot = np.clip(glow - 0.6, 0, 1) * (0.5 + mott) * 0.5
    img = img + hot[..., None] * (0.6 * col + 0.25)
    # Lead came: thick dark lines with a soft highlight along their crest.
    lw = 3.2 * s
    lead = np.clip(lw - lead_d + 0.5, 0, 1)
    crest = np.exp(-(lead_d / (1.0 * s)) ** 2) * 0.16
    leadc = np.array([0.05, 0.05, 0.06], np.float32) + crest[..., None]
    img = mix(img, leadc, lead)
    return np.clip(img, 0, 1)


def _poly_mask(xs, ys, vx, vy):
    inside = np.zeros(xs.shape, bool)
    m = len(vx)
    for i in range(m):
        xa, ya, xb, yb = vx[i], vy[i], vx[(i + 1) % m], vy[(i + 1) % m]
        cond = (ya > ys) != (yb > ys)
        xi = xa + (ys - ya) * (xb - xa) / (yb - ya + 1e-9)
        inside ^= cond & (xs < xi)
    return inside


def _seg_dist(xs, ys, vx, vy):
    d = np.full(xs.shape, np.inf, np.float32)
    m = len(vx)
    for i in range(m):
        ax, ay, bx, by = vx[i], vy[i], vx[(i + 1) % m], vy[(i + 1) % m]
        dx, dy = bx - ax, by - ay
        u = np.clip(((xs - ax) * dx + (ys - ay) * dy) / (dx * dx + dy * dy + 1e-9), 0, 1)
        d = np.minimum(d, np.sqrt((xs - ax - u * dx) ** 2 + (ys - ay - u * dy) ** 2))
    return d


def style_cubist(rng, n):
    s = n / 512.0
    x, y = grid(n, n)
    pal = np.array([[0.78, 0.6, 0.3], [0.65, 0.4, 0.2], [0.4, 0.28, 0.18], [0.56, 0.55, 0.52],
                    [0.3, 0.4, 0.55], [0.88, 0.82, 0.66], [0.5, 0.5, 0.3], [0.2, 0.18, 0.16],
                    [0.62, 0.66, 0.7], [0.72, 0.48, 0.32]], np.float32)
    # Facets: an arrangement of random lines; every cell gets a colour and a "passage"
    # shading that darkens against one of its bounding lines.
    nl = 16
    code = np.zeros((n, n), np.int64)
    dists = []
    for i in range(nl):
        a = rng.uniform(0, np.pi)
        px, py = rng.uniform(0.1, 0.9) * n, rng.uniform(0.1, 0.9) * n
        sd = (x - px) * np.cos(a) + (y - py) * np.sin(a)
        code |= (sd > 0).astype(np.int64) << i
        dists.append(np.abs(sd))
    dists = np.stack(dists, 0)
    pick = (hash01(code, 1) * len(pal)).astype(np.int64)
    col = pal[pick] * (0.85 + 0.3 * hash01(code, 2))[..., None]
    which = (hash01(code, 3) * nl).astype(np.int64)
    dl = np.take_along_axis(dists, which[None], 0)[0]
    col = col * (0.45 + 0.55 * (1 - np.exp(-dl / (35 * s))))[..., None]
    # Some facets are hatched, at an angle of their own, darker towards the passage edge.
    fa = hash01(code, 4) * np.pi
    hv = ((x * np.cos(fa) + y * np.sin(fa)) / (5 * s)) % 1.0
    hatched = (hash01(code, 5) < 0.35) & (np.abs(hv - 0.5) * 5 * s < (0.4 + 1.4 * np.exp(-dl / (50 * s))) * s)
    col = col * (1 - 0.35 * hatched[..., None])
    img = col.astype(np.float32)
    # Dark outlines along parts of the arrangement lines.
    seg_on = fbm(rng, n, n, cells=5, octaves=2) > 0.45
    line = np.clip(1.8 * s - dists.min(0) + 0.5, 0, 1) * seg_on
    img = mix(img, np.array([0.12, 0.1, 0.09], np.float32), line * 0.85)
    # Overlapping translucent shards with hatch shading.
    for i in range(int(70)):
        cx, cy = rng.uniform(0, n), rng.uniform(0, n)
        R = rng.uniform(25, 110) * s
        m = rng.integers(3, 6)
        ang = np.sort(rng.uniform(0, 2 * np.pi, m))
        rad = R * rng.uniform(0.85, 1.0, m)
        rot = rng.uniform(0.5, 2.0)
        vx = cx + rad * np.cos(ang) * rot
        vy = cy + rad * np.sin(ang) / rot
        x0, x1 = max(0, int(vx.min()) - 2), min(n, int(vx.max()) + 3)
        y0, y1 = max(0, int(vy.min()) - 2), min(n, int(vy.max()) + 3)
        if x1 - x0 < 3 or y1 - y0 < 3:
            continue
        xs, ys = x[y0:y1, x0:x1], y[y0:y1, x0:x1]
        inside = _poly_mask(xs, ys, vx, vy)
        ga = rng.uniform(0, 2 * np.pi)
        g = ((xs - cx) * np.cos(ga) + (ys - cy) * np.sin(ga)) / R * 0.5 + 0.5
        g = np.clip(g, 0, 1)
        c = pal[rng.integers(len(pal))] * (0.7 + 0.5 * (1 - g))[..., None]
        ha = rng.uniform(0, np.pi)
        sp = rng.uniform(4, 7) * s
        hv = ((xs * np.cos(ha) + ys * np.sin(ha)) / sp) % 1.0
        hatch = (np.abs(hv - 0.5) * sp < (0.3 + 1.6 * g) * s) & (g > 0.35)
        c = c * (1 - 0.45 * hatch[..., None])
        a = inside * rng.uniform(0.55, 0.9)
        region = img[y0:y1, x0:x1]
        region[:] = mix(region, c, a)
        if rng.random() < 0.6:
            ed = _seg_dist(xs, ys, vx, vy)
            o = np.clip(1.3 * s - ed + 0.5, 0, 1) * rng.uniform(0.5, 0.9)
            region[:] = mix(region, np.array([0.1, 0.08, 0.07], np.float32), o)
    # Brushwork: short directional marks ("brick" strokes) over everything.
    mark = np.zeros((n, n), np.float32)
    for a in (0.4, 1.3, 2.3):
        ca, sa = math.cos(a), math.sin(a)
        u = (x * ca + y * sa) / (7 * s)
        v = (-x * sa + y * ca) / (3 * s)
        cellk = hash01(np.floor(u), np.floor(v), int(a * 10))
        mark += (cellk - 0.5) * (fbm(rng, n, n, cells=4, octaves=2) > 0.4 + 0.15 * a)
    img = img * (1.0 + 0.3 * mark)[..., None]
    weave = 1.0 + 0.03 * np.sin(x * 2.1 / s) * np.sin(y * 2.1 / s)
    img = img * weave[..., None] * (0.94 + 0.12 * fbm(rng, n, n, cells=60, octaves=2))[..., None]
    return np.clip(img, 0, 1)


def style_crosshatch(rng, n):
    s = n / 512.0
    x, y = grid(n, n)
    # Tone (darkness) field: a still life of lit spheres with cast shadows on a noisy ground.
    dark = 0.15 + 0.45 * fbm(rng, n, n, cells=3, octaves=4) + 0.2 * (y / n)
    L = np.array([-0.5, -0.6, 0.62])
    L = L / np.linalg.norm(L)
    outline = np.full((n, n), np.inf, np.float32)
    for cx, cy, r in [(0.33, 0.42, 0.2), (0.72, 0.62, 0.15), (0.62, 0.24, 0.1), (0.2, 0.8, 0.09)]:
        cx, cy, r = cx * n, cy * n, r * n
        sh = ((x - cx - 0.35 * r) / (1.3 * r)) ** 2 + ((y - cy - 0.55 * r) / (0.9 * r)) ** 2
        dark = dark + 0.35 * np.sqrt(np.clip(1 - sh, 0, 1))
    for cx, cy, r in [(0.33, 0.42, 0.2), (0.72, 0.62, 0.15), (0.62, 0.24, 0.1), (0.2, 0.8, 0.09)]:
        cx, cy, r = cx * n, cy * n, r * n
        dx, dy = (x - cx) / r, (y - cy) / r
        rr = dx * dx + dy * dy
        nz = np.sqrt(np.clip(1 - rr, 0, 1))
        lam = np.clip(dx * L[0] + dy * L[1] + nz * L[2], 0, 1)
        dk = 0.05 + 0.85 * (1 - lam) ** 1.2
        dark = np.where(rr < 1, dk, dark)
        outline = np.minimum(outline, np.abs(np.sqrt(rr) - 1) * r)
    dark = np.clip(blur(dark, 1.5 * s), 0, 1)
    ink = np.zeros((n, n), np.float32)
    wob = (fbm(rng, n, n, cells=30, octaves=2) - 0.5) * 0.6
    g0 = rng.uniform(0, np.pi)
    bases = [g0 + np.pi / 4, g0 - np.pi / 4, g0, g0 + np.pi / 2]
    thr = [0.12, 0.35, 0.56, 0.76]
    sp = 4.6 * s
    for k in range(4):
        # Bundles: Voronoi cells in a frame stretched along the layer's hatch direction,
        # so each bundle is a patch of short lines a little longer than it is wide.
        ca0, sa0 = math.cos(bases[k]), math.sin(bases[k])
        fa = (-x * sa0 + y * ca0) / 1.5
        fb = x * ca0 + y * sa0
        ids, _, edge, _ = worley_xy(rng, fa, fb, 20 * s, jitter=0.9)
        th = bases[k] + (hash01(ids, k, 5) - 0.5) * 0.4
        ca, sa = np.cos(th), np.sin(th)
        u = (x * ca + y * sa) / sp + hash01(ids, k, 6) + wob
        li = np.round(u)
        dline = np.abs(u - li) * sp
        amt = np.clip((dark - thr[k]) / 0.16, 0, 1)
        present = hash01(li, ids, k, 7) < amt
        inset = (0.3 + 3.0 * hash01(li, ids, k, 8) ** 2) * s
        hwid = (0.45 + 0.25 * hash01(li, ids, k, 10)) * s
        line = np.clip(hwid - dline + 0.5, 0, 1) * present * (edge > inset)
        line *= 0.7 + 0.3 * hash01(li, ids, k, 11)
        ink = 1 - (1 - ink) * (1 - line)
    ink = np.maximum(ink, np.clip(1.1 * s - outline + 0.5, 0, 1) * 0.9)
    pap = paper(rng, n, n, (0.96, 0.94, 0.88), grain=0.03, s=s)
    img = mix(pap, np.array([0.08, 0.08, 0.13], np.float32), ink)
    return np.clip(img, 0, 1)


def style_pop_halftone(rng, n):
    s = n / 512.0
    x, y = grid(n, n)
    pal = np.array([[0.95, 0.12, 0.18], [1.0, 0.88, 0.08], [0.1, 0.72, 0.95], [0.95, 0.2, 0.68],
                    [0.15, 0.3, 0.9], [1.0, 0.55, 0.08], [0.98, 0.96, 0.9], [0.35, 0.85, 0.3]],
                   np.float32)
    wx = (fbm(rng, n, n, cells=3, octaves=3) - 0.5) * 80 * s
    wy = (fbm(rng, n, n, cells=3, octaves=3) - 0.5) * 80 * s
    fields = []
    for i in range(9):
        f = noise(rng, n, n, 2.5) + 0.5 * noise(rng, n, n, 5)
        fields.append(f)
    fields = np.stack(fields, 0)
    lab = fields.argmax(0)
    # Extra bubbles (circles with outlines) on top.
    for i in range(7):
        cx, cy, r = rng.uniform(0, n), rng.uniform(0, n), rng.uniform(30, 80) * s
        d = np.sqrt((x + wx * 0.3 - cx) ** 2 + (y + wy * 0.3 - cy) ** 2)
        lab = np.where(d < r, 20 + i, lab)
    colidx = (hash01(lab, 3) * len(pal)).astype(np.int64)
    colidx = np.where(lab < 9, lab % len(pal), colidx)
    col = pal[colidx]
    # Tone inside each blob: a diagonal gradient plus a soft noise, feeding the screens.
    ga = hash01(lab, 4) * 2 * np.pi
    grad = 0.5 + 0.5 * np.sin((x * np.cos(ga) + y * np.sin(ga)) / (90 * s) + hash01(lab, 5) * 6)
    shade = 0.6 + 0.4 * grad
    rgb = col * shade[..., None]
    cmy = np.clip(1.0 - rgb, 0, 1)
    kcov = np.clip(0.35 - shade, 0, 1) * 1.5 + 0.0
    pitch = 7.0 * s

    def screen(cov, ang, p):
        ca, sa = math.cos(ang), math.sin(ang)
        u = (x * ca + y * sa) / p
        v = (-x * sa + y * ca) / p
        du = (u - np.round(u)) * p
        dv = (v - np.round(v)) * p
        d = np.sqrt(du * du + dv * dv)
        r = p * np.sqrt(np.clip(cov, 0, 1) / np.pi) * 1.05
        return np.clip(r - d + 0.5, 0, 1)

    inks = [(np.array([0.0, 0.68, 0.94], np.float32), math.radians(15), 0),
            (np.array([0.93, 0.05, 0.55], np.float32), math.radians(75), 1),
            (np.array([1.0, 0.93, 0.0], np.float32), math.radians(0), 2)]
    img = np.ones((n, n, 3), np.float32) * np.array([1.0, 0.98, 0.93], np.float32)
    # Big "Ben-Day" dot pattern in some blobs, fine screens elsewhere.
    big = hash01(lab, 6) < 0.3
    for inkc, ang, ch in inks:
        dots = np.where(big, screen(cmy[..., ch] * 0.85, ang + 0.3, pitch * 2.0),
                        screen(cmy[..., ch], ang, pitch))
        img = img * (1 - dots[..., None] * (1 - inkc))
    kd = screen(kcov, math.radians(45), pitch)
    img = mix(img, np.array([0.05, 0.04, 0.06], np.float32), kd * 0.9)
    # Stripes in a few blobs, pop-art style.
    st = (hash01(lab, 7) < 0.2) & (((x + y) / (12 * s)) % 1.0 < 0.35)
    img = mix(img, np.array([0.05, 0.04, 0.06], np.float32), st * 0.85)
    # Bold black outlines round every blob.
    labf = lab.astype(np.float32)
    ed = (np.diff(labf, axis=0, append=labf[-1:]) != 0) | (np.diff(labf, axis=1, append=labf[:, -1:]) != 0)
    ed = blur(dilate(ed.astype(np.float32), 2.5 * s), 0.8 * s)
    img = mix(img, np.array([0.03, 0.03, 0.04], np.float32), np.clip(ed * 1.6, 0, 1))
    return np.clip(img, 0, 1)


def style_neon_flow(rng, n):
    s = n / 512.0
    x, y = grid(n, n)
    psi = (fbm(rng, n, n, cells=3, octaves=4) - 0.5) * 120 * s
    for cx, cy, r, sg in [(0.3, 0.35, 0.16, 1), (0.72, 0.62, 0.2, -1), (0.75, 0.15, 0.1, 1)]:
        psi += sg * 60 * s * np.exp(-((x - cx * n) ** 2 + (y - cy * n) ** 2) / (r * n) ** 2)
    vx, vy = curl_flow(psi)
    ns = 1000
    g = int(math.sqrt(ns))
    gx, gy = np.meshgrid((np.arange(g) + 0.5) / g * n, (np.arange(g) + 0.5) / g * n)
    sxs = (gx + rng.uniform(-0.5, 0.5, gx.shape) * n / g).ravel()
    sys_ = (gy + rng.uniform(-0.5, 0.5, gy.shape) * n / g).ravel()
    steps = int(110 * s)
    step = 0.7
    fwd = trace(vx, vy, sxs, sys_, steps, step)
    bwd = trace(vx, vy, sxs, sys_, steps, -step)
    pts = np.concatenate([bwd[::-1], fwd[1:]], 0)  # (2*steps+1, N, 2)
    m = pts.shape[0]
    cols = np.array([[1.0, 0.12, 0.8], [0.1, 0.85, 1.0], [0.55, 1.0, 0.12]], np.float32)
    reg = fbm(rng, n, n, cells=3, octaves=2)
    ci = np.clip((sample(reg, sxs, sys_) * 3).astype(np.int64), 0, 2)
    rnd = rng.random(len(sxs)) < 0.35
    ci = np.where(rnd, rng.integers(0, 3, len(sxs)), ci)
    # Lines have random extents along their streamline (so they start and end).
    a0 = rng.uniform(0.0, 0.45, len(sxs))
    a1 = a0 + rng.uniform(0.25, 0.55, len(sxs))
    tpos = np.linspace(0, 1, m)[:, None]
    env = np.clip(np.minimum(tpos - a0, a1 - tpos) / 0.06, 0, 1) * rng.uniform(0.3, 1.0, len(sxs))
    px = pts[..., 0].ravel() - 0.5
    py = pts[..., 1].ravel() - 0.5
    wts = env.ravel()
    ok = (px >= 0) & (px < n - 1) & (py >= 0) & (py < n - 1) & (wts > 0)
    px, py, wts = px[ok], py[ok], wts[ok]
    cidx = np.broadcast_to(ci[None, :], env.shape).ravel()[ok]
    x0 = px.astype(np.int64)
    y0 = py.astype(np.int64)
    fx, fy = px - x0, py - y0
    acc = np.zeros((3, n * n), np.float64)
    for ddx, ddy, ww in [(0, 0, (1 - fx) * (1 - fy)), (1, 0, fx * (1 - fy)), (0, 1, (1 - fx) * fy),
                         (1, 1, fx * fy)]:
        idx = (y0 + ddy) * n + x0 + ddx
        for c in range(3):
            acc[c] += np.bincount(idx, weights=ww * wts * cols[cidx, c], minlength=n * n)
    core = acc.reshape(3, n, n).transpose(1, 2, 0).astype(np.float32) * step * 1.3
    core = blur(core, 0.45 * s)
    glow = core * 0.9 + blur(core, 2.0 * s) * 1.2 + blur(core, 6 * s) * 0.9 + blur(core, 18 * s) * 0.6
    lum = core.max(-1, keepdims=True)
    bg = np.array([0.02, 0.012, 0.04], np.float32) * (0.7 + 0.6 * fbm(rng, n, n, cells=4, octaves=4))[..., None]
    img = 1.0 - np.exp(-(glow * 1.2 + bg))
    img = img + np.clip(lum - 0.6, 0, 1) * 0.6
    return np.clip(img, 0, 1)


def style_fauvist_blocks(rng, n):
    s = n / 512.0
    x, y = grid(n, n)
    pal = np.array([[0.93, 0.22, 0.08], [1.0, 0.8, 0.05], [0.0, 0.6, 0.38], [0.1, 0.25, 0.8],
                    [0.85, 0.1, 0.55], [1.0, 0.5, 0.05], [0.45, 0.18, 0.75], [0.1, 0.75, 0.72],
                    [0.55, 0.85, 0.1], [1.0, 0.45, 0.6], [0.12, 0.1, 0.5], [0.98, 0.92, 0.7]],
                   np.float32)
    zones = np.stack([noise(rng, n, n, 3) for _ in range(6)], 0).argmax(0)
    zpal = rng.permutation(len(pal))[:6]
    img = blur(pal[zpal[zones]], 6 * s)
    img = img * (0.85 + 0.3 * fbm(rng, n, n, cells=10, octaves=3))[..., None]
    hmap = np.zeros((n, n), np.float32)
    flow = fbm(rng, n, n, cells=3, octaves=2) * np.pi * 2
    for count, wmin, wmax, lmin, lmax in [(90, 55, 95, 80, 170), (150, 28, 48, 45, 100),
                                          (110, 12, 22, 24, 55)]:
        for _ in range(count):
            cx, cy = rng.uniform(-0.03, 1.03) * n, rng.uniform(-0.03, 1.03) * n
            base = sample(flow, np.array([cx]), np.array([cy]))[0]
            ang = round(base / (np.pi / 4)) * (np.pi / 4) + rng.normal(0, 0.25)
            ln = rng.uniform(lmin, lmax) * s
            wd = rng.uniform(wmin, wmax) * s
            p = stroke_path(cx, cy, ang, ln, rng.uniform(-0.06, 0.06), n=4)
            if rng.random() < 0.5:
                zc = pal[zpal[zones[int(np.clip(cy, 0, n - 1)), int(np.clip(cx, 0, n - 1))]]]
                c = zc * rng.uniform(0.8, 1.15) + rng.normal(0, 0.05, 3)
            else:
                c = pal[rng.integers(len(pal))] * rng.uniform(0.85, 1.1)
            draw_stroke(img, p, wd, np.clip(c, 0, 1), rng, hmap=hmap, bristle=0.35,
                        dry=max(0.0, rng.uniform(-0.3, 0.4)), taper=0.03, thickness=0.8,
                        cap="square", profile="flat")
    return relief(img, hmap * 2.5 * s, 0.5)


STYLES = [
    ("impasto-swirls", style_impasto_swirls),
    ("pointillism", style_pointillism),
    ("mosaic", style_mosaic),
    ("ink-wash", style_ink_wash),
    ("watercolour", style_watercolour),
    ("woodcut", style_woodcut),
    ("stained-glass", style_stained_glass),
    ("cubist", style_cubist),
    ("crosshatch", style_crosshatch),
    ("pop-halftone", style_pop_halftone),
    ("neon-flow", style_neon_flow),
    ("fauvist-blocks", style_fauvist_blocks),
]


def seed_of(style_id):
    return zlib.crc32(("ganvas-style:" + style_id).encode()) & 0xFFFFFFFF


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--output", default="resources/styles/_images", help="output folder")
    ap.add_argument("--size", type=int, default=512, help="image width and height in pixels")
    ap.add_argument("--only", default="", help="comma-separated style ids to generate")
    ap.add_argument("--sheet", action="store_true", help="also write a 4x3 contact sheet _sheet.png")
    args = ap.parse_args(argv)
    known = [sid for sid, _ in STYLES]
    only = [o.strip() for o in args.only.split(",") if o.strip()]
    for o in only:
        if o not in known:
            ap.error("unknown style %r (known: %s)" % (o, ", ".join(known)))
    if args.size < 64:
        ap.error("--size must be at least 64")
    os.makedirs(args.output, exist_ok=True)
    t_all = time.time()
    thumbs = {}
    for sid, fn in STYLES:
        if only and sid not in only:
            continue
        t0 = time.time()
        img = fn(np.random.default_rng(seed_of(sid)), args.size).astype(np.float32)
        assert img.shape == (args.size, args.size, 3), (sid, img.shape)
        write_png(os.path.join(args.output, sid + ".png"), img)
        thumbs[sid] = img
        print("%-16s %6.1f s" % (sid, time.time() - t0), flush=True)
    if args.sheet:
        t, gap = 128, 4
        sheet = np.full((3 * t + 4 * gap, 4 * t + 5 * gap, 3), 0.15, np.float32)
        for i, (sid, _) in enumerate(STYLES):
            if sid in thumbs:
                r, c = divmod(i, 4)
                sheet[gap + r * (t + gap):gap + r * (t + gap) + t,
                      gap + c * (t + gap):gap + c * (t + gap) + t] = resize(thumbs[sid], t, t)
        write_png(os.path.join(args.output, "_sheet.png"), sheet)
    print("total %.1f s" % (time.time() - t_all))
    return 0


if __name__ == "__main__":
    sys.exit(main())
