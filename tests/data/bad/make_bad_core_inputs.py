#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Writes the seed corpora of the core fuzz targets (tests/fuzz/core): hand-made broken files
under tests/data/bad/{ora,journal,images,brush-presets,style-json}/ and small valid ones under
tests/data/good/{ora,journal,images,brush-presets,style-json}/. Python's standard library only,
deterministic (fixed zip timestamps), so the files are reproducible:

    python3 tests/data/bad/make_bad_core_inputs.py

Every file is small (the biggest a few tens of KB): the fuzzer mutates them, and CTest replays
them through the real loaders in every build (fuzz.*_replay)."""
import base64
import io
import json
import os
import shutil
import struct
import zipfile
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
BAD = HERE
GOOD = os.path.normpath(os.path.join(HERE, "..", "good"))
KINDS = ["ora", "journal", "images", "brush-presets", "style-json"]

# Tiny pictures Qt 6.4 wrote (20 x 12; QImageWriter quality 50), kept as text so that this script
# needs nothing beyond the standard library.
ENCODED = {
    "jpeg": "/9j/4AAQSkZJRgABAQEAYABgAAD/2wBDABALDA4MChAODQ4SERATGCgaGBYWGDEjJR0oOjM9PDkzODdASFxOQERXRTc4UG1RV19iZ2hnPk1xeXBkeFxlZ2P/2wBDARESEhgVGC8aGi9jQjhCY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2P/wAARCAAMABQDASIAAhEBAxEB/8QAHwAAAQUBAQEBAQEAAAAAAAAAAAECAwQFBgcICQoL/8QAtRAAAgEDAwIEAwUFBAQAAAF9AQIDAAQRBRIhMUEGE1FhByJxFDKBkaEII0KxwRVS0fAkM2JyggkKFhcYGRolJicoKSo0NTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqDhIWGh4iJipKTlJWWl5iZmqKjpKWmp6ipqrKztLW2t7i5usLDxMXGx8jJytLT1NXW19jZ2uHi4+Tl5ufo6erx8vP09fb3+Pn6/8QAHwEAAwEBAQEBAQEBAQAAAAAAAAECAwQFBgcICQoL/8QAtREAAgECBAQDBAcFBAQAAQJ3AAECAxEEBSExBhJBUQdhcRMiMoEIFEKRobHBCSMzUvAVYnLRChYkNOEl8RcYGRomJygpKjU2Nzg5OkNERUZHSElKU1RVVldYWVpjZGVmZ2hpanN0dXZ3eHl6goOEhYaHiImKkpOUlZaXmJmaoqOkpaanqKmqsrO0tba3uLm6wsPExcbHyMnK0tPU1dbX2Nna4uPk5ebn6Onq8vP09fb3+Pn6/9oADAMBAAIRAxEAPwDm4dNx/DWlDpuP4a2oII/SrUEEfpXDUxcqXzOfB42TMtdM+XpRXVLBHjpRXouse2sdKx//2Q==",
    "webp": "UklGRrwAAABXRUJQVlA4WAoAAAAQAAAAEwAACwAAQUxQSCwAAAARX2AgbRv/drf9sRIRERtjA8MQmNwUpjCFqUwhhhRSSCHW/hH9j9vpikV8A1ZQOCBqAAAAsAQAnQEqFAAMAD7RWqZMqCUjojAIAQAaCWwAnTKEcDeSxIABmftN+QwPcWJjgAD+8ucwf7fWjdJrrqiggU1/vOtMIYMMVx3qJgy+o15nbcMG86lrD2Kcht+6uuH4uTWD7qASTm8aZQwAAA==",
    "tiff": "SUkqAMgDAAAAAACADAAIhhgAEIwkABiSMAAgmDwAKJ5IADCkVAA4qmAAQLBsAEi2eABQvIQAWMKQAGDInABozqgAcNS0AHjawACA4MwAiObYAJDs5ACY8gAUCIAMFACGGBQYjCQUEJIwFCiYPBQgnkgUOKRUFDCqYBRIsGwUQLZ4FFi8hBRQwpAUaMicFGDOqBR41LQUcNrAFIjgzBSA5tgUmOzkFJDyACgQgAwoGIYYKACMJCgIkjAoMJg8KDieSCggpFQoKKpgKFCwbChYtngoQLyEKEjCkChwyJwoeM6oKGDUtCho2sAokODMKJjm2CiA7OQoiPIAPBiADDwQhhg8CIwkPACSMDw4mDw8MJ5IPCikVDwgqmA8WLBsPFC2eDxIvIQ8QMKQPHjInDxwzqg8aNS0PGDawDyY4Mw8kObYPIjs5DyA8gBQIIAMUCiGGFAwjCRQOJIwUACYPFAInkhQEKRUUBiqYFBgsGxQaLZ4UHC8hFB4wpBQQMicUEjOqFBQ1LRQWNrAUKDgzFCo5thQsOzkULjyAGQogAxkIIYYZDiMJGQwkjBkCJg8ZACeSGQYpFRkEKpgZGiwbGRgtnhkeLyEZHDCkGRIyJxkQM6oZFjUtGRQ2sBkqODMZKDm2GS47ORksPIAeDCADHg4hhh4IIwkeCiSMHgQmDx4GJ5IeACkVHgIqmB4cLBseHi2eHhgvIR4aMKQeFDInHhYzqh4QNS0eEjawHiw4Mx4uObYeKDs5Hio8gCMOIAMjDCGGIwojCSMIJIwjBiYPIwQnkiMCKRUjACqYIx4sGyMcLZ4jGi8hIxgwpCMWMicjFDOqIxI1LSMQNrAjLjgzIyw5tiMqOzkjKDyAKBAgAygSIYYoFCMJKBYkjCgYJg8oGieSKBwpFSgeKpgoACwbKAItnigELyEoBjCkKAgyJygKM6ooDDUtKA42sCgwODMoMjm2KDQ7OSg2PIAtEiADLRAhhi0WIwktFCSMLRomDy0YJ5ItHikVLRwqmC0CLBstAC2eLQYvIS0EMKQtCjInLQgzqi0ONS0tDDawLTI4My0wObYtNjs5LTQ8gDIUIAMyFiGGMhAjCTISJIwyHCYPMh4nkjIYKRUyGiqYMgQsGzIGLZ4yAC8hMgIwpDIMMicyDjOqMgg1LTIKNrAyNDgzMjY5tjIwOzkyMjyANxYgAzcUIYY3EiMJNxAkjDceJg83HCeSNxopFTcYKpg3BiwbNwQtnjcCLyE3ADCkNw4yJzcMM6o3CjUtNwg2sDc2ODM3NDm2NzI7OTcwPIPAAABAwABAAAAFAAAAAEBAwABAAAADAAAAAIBAwAEAAAAkgQAAAMBAwABAAAAAQAAAAYBAwABAAAAAgAAABEBBAABAAAACAAAABIBAwABAAAAAQAAABUBAwABAAAABAAAABYBAwABAAAAzMwAABcBBAABAAAAwAMAABoBBQABAAAAggQAABsBBQABAAAAigQAABwBAwABAAAAAQAAACgBAwABAAAAAgAAAFIBAwABAAAAAgAAAAAAAABgAAAAAQAAAGAAAAABAAAACAAIAAgACAA=",
}


# ---------------------------------------------------------------- PNG, GIF, BMP, TIFF by hand

def chunk(kind, data, crc=None):
    c = zlib.crc32(kind + data) & 0xFFFFFFFF if crc is None else crc
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", c)


def png(width, height, colour_type=6, depth=8, rows=None, bad_crc=False, extra=b""):
    channels = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[colour_type]
    if rows is None:
        rows = [bytes((x * 13 + y * 7 + c * 50) & 255 for x in range(width) for c in range(channels))
                for y in range(height)]
    raw = b"".join(b"\0" + r for r in rows)
    ihdr = struct.pack(">IIBBBBB", width, height, depth, colour_type, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + extra +
            chunk(b"IDAT", zlib.compress(raw, 9), crc=0xDEADBEEF if bad_crc else None) + chunk(b"IEND", b""))


def png_header_only(width, height, depth=8, colour_type=6):
    """Signature and IHDR: what a decompression bomb shows a header reader."""
    ihdr = struct.pack(">IIBBBBB", width, height, depth, colour_type, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")


def gif(width, height, screen=None, truncate=False):
    """A GIF with a 4-colour palette; LZW codes written 'uncompressed' (a clear code every two
    pixels keeps the code size at 3 bits), which every decoder must accept."""
    sw, sh = screen or (width, height)
    out = b"GIF89a" + struct.pack("<HHBBB", sw, sh, 0xF1, 0, 0)
    out += bytes([0, 0, 0, 255, 0, 0, 0, 255, 0, 0, 0, 255])
    out += b"," + struct.pack("<HHHHB", 0, 0, width, height, 0)
    clear, end = 4, 5
    codes = []
    for i, p in enumerate((x + y) % 4 for y in range(height) for x in range(width)):
        if i % 2 == 0:
            codes.append(clear)
        codes.append(p)
    codes.append(end)
    bits, nbits, data = 0, 0, bytearray()
    for c in codes:
        bits |= c << nbits
        nbits += 3
        while nbits >= 8:
            data.append(bits & 255)
            bits >>= 8
            nbits -= 8
    if nbits:
        data.append(bits & 255)
    blocks = b"".join(bytes([len(data[i:i + 255])]) + bytes(data[i:i + 255]) for i in range(0, len(data), 255))
    body = out + bytes([2]) + blocks + b"\0;"
    return body[:len(body) * 2 // 3] if truncate else body


def bmp(width, height, bpp=24, pixels=None, data_offset=54):
    row = ((width * bpp + 31) // 32) * 4 if width > 0 else 0
    if pixels is None:
        pixels = bytes((i * 7) & 255 for i in range(row * abs(height))) if abs(height) * row < 4096 else b"\x55" * 64
    header = b"BM" + struct.pack("<IHHI", 54 + len(pixels), 0, 0, data_offset)
    info = struct.pack("<IiiHHIIiiII", 40, width, height, 1, bpp, 0, len(pixels), 2835, 2835, 0, 0)
    return header + info + pixels


def tiff_loop():
    """A little-endian TIFF whose first IFD names itself as the next IFD (a reader that follows
    it forever hangs), with a 65535 x 65535 image and a strip offset past the end."""
    entries = [(256, 3, 1, 65535), (257, 3, 1, 65535), (258, 3, 1, 8), (259, 3, 1, 1),
               (262, 3, 1, 1), (273, 4, 1, 0x7FFFFFF0), (277, 3, 1, 1), (279, 4, 1, 0x7FFFFFF0)]
    ifd = struct.pack("<H", len(entries))
    for tag, typ, count, value in entries:
        ifd += struct.pack("<HHI", tag, typ, count) + (struct.pack("<HH", value, 0) if typ == 3 else struct.pack("<I", value))
    ifd += struct.pack("<I", 8)
    return b"II*\0" + struct.pack("<I", 8) + ifd


# ---------------------------------------------------------------- .ora

MIME = b"image/openraster"


def zipped(entries):
    """A zip in memory; entries (name, bytes) in order, mimetype stored, the rest deflated."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, data)
    return buf.getvalue()


def stack(w, h, layers, extra=""):
    body = "".join('<layer name="%s" src="%s" x="%s" y="%s" opacity="%s" visibility="%s"%s/>'
                   % (n, s, x, y, o, v, a) for n, s, x, y, o, v, a in layers)
    return ('<?xml version="1.0" encoding="UTF-8"?><image version="0.0.3" w="%s" h="%s" xres="72" yres="72"%s>'
            '<stack>%s</stack></image>' % (w, h, extra, body)).encode()


def good_ora():
    layer = png(24, 16)
    return zipped([("mimetype", MIME),
                   ("stack.xml", stack(24, 16, [("top", "data/top.png", 3, 2, "0.5", "visible", ' composite-op="svg:multiply"'),
                                                ("base", "data/base.png", 0, 0, "1", "visible", "")])),
                   ("data/top.png", png(8, 8, colour_type=4)), ("data/base.png", layer), ("mergedimage.png", layer),
                   ("Thumbnails/thumbnail.png", png(6, 4))])


def bad_oras():
    L = png(10, 10)
    def one(src):
        return [("a", src, 0, 0, "1", "visible", "")]
    good = good_ora()
    yield "random-bytes", bytes((i * 37 + 11) & 255 for i in range(3000))
    yield "empty", b""
    yield "truncated-half", good[:len(good) // 2]
    yield "truncated-central-directory", good[:-10]
    yield "no-mimetype", zipped([("stack.xml", stack(10, 10, one("a.png"))), ("a.png", L)])
    yield "wrong-mimetype", zipped([("mimetype", b"image/png"), ("stack.xml", stack(10, 10, one("a.png"))), ("a.png", L)])
    yield "mimetype-not-first", zipped([("stack.xml", stack(10, 10, one("a.png"))), ("mimetype", MIME), ("a.png", L)])
    yield "no-stack", zipped([("mimetype", MIME), ("a.png", L)])
    yield "stack-broken-xml", zipped([("mimetype", MIME), ("stack.xml", b'<image w="1" h="1"><stack><layer')])
    yield "stack-no-image-element", zipped([("mimetype", MIME), ("stack.xml", b"<stack><layer src='a.png'/></stack>")])
    yield "stack-no-layers", zipped([("mimetype", MIME), ("stack.xml", b'<image w="10" h="10"><stack/></image>')])
    yield "stack-huge-canvas", zipped([("mimetype", MIME), ("stack.xml", stack(100000, 100000, one("a.png"))), ("a.png", L)])
    yield "stack-negative-size", zipped([("mimetype", MIME), ("stack.xml", stack(-10, 10, one("a.png"))), ("a.png", L)])
    yield "stack-size-not-number", zipped([("mimetype", MIME), ("stack.xml", stack("1e3", "ten", one("a.png"))), ("a.png", L)])
    yield "stack-layer-no-src", zipped([("mimetype", MIME), ("stack.xml", stack(10, 10, one(""))), ("a.png", L)])
    yield "path-escape", zipped([("mimetype", MIME), ("stack.xml", stack(10, 10, one("../../etc/passwd")))])
    yield "path-absolute", zipped([("mimetype", MIME), ("stack.xml", stack(10, 10, one("/etc/passwd")))])
    yield "entry-name-escape", zipped([("mimetype", MIME), ("stack.xml", stack(10, 10, one("../a.png"))), ("../a.png", L)])
    yield "missing-layer", zipped([("mimetype", MIME), ("stack.xml", stack(10, 10, one("data/none.png")))])
    yield "layer-not-png", zipped([("mimetype", MIME), ("stack.xml", stack(10, 10, one("a.png"))), ("a.png", b"\x89PNG garbage")])
    yield "layer-png-truncated", zipped([("mimetype", MIME), ("stack.xml", stack(10, 10, one("a.png"))), ("a.png", L[:len(L) // 2])])
    yield "layer-png-bad-crc", zipped([("mimetype", MIME), ("stack.xml", stack(10, 10, one("a.png"))), ("a.png", png(10, 10, bad_crc=True))])
    yield "layer-png-claims-100000", zipped([("mimetype", MIME), ("stack.xml", stack(10, 10, one("a.png"))),
                                             ("a.png", png_header_only(100000, 100000))])
    yield "layer-far-outside", zipped([("mimetype", MIME),
                                       ("stack.xml", stack(10, 10, [("a", "a.png", 2147483647, -2147483648, "1", "visible", "")])),
                                       ("a.png", L)])
    yield "layer-opacity-weird", zipped([("mimetype", MIME),
                                         ("stack.xml", stack(10, 10, [("a", "a.png", 0, 0, "nan", "hidden", ' composite-op="svg:nope"'),
                                                                       ("b", "a.png", 0, 0, "-1e308", "visible", "")])),
                                         ("a.png", L)])
    yield "many-layers", zipped([("mimetype", MIME),
                                 ("stack.xml", stack(10, 10, [("l%d" % i, "a.png", i % 7, i % 5, "1", "visible", "") for i in range(300)])),
                                 ("a.png", L)])
    yield "mask-escape", zipped([("mimetype", MIME),
                                 ("stack.xml", stack(10, 10, [("a", "a.png", 0, 0, "1", "visible", ' ganvas:mask="../m.png"')],
                                                     extra=' xmlns:ganvas="http://ganvas.org/ns/ora"')),
                                 ("a.png", L)])
    # The central directory claims a.png unpacks to 4 GiB (the data is 10 x 10 pixels).
    bomb = bytearray(zipped([("mimetype", MIME), ("stack.xml", stack(10, 10, one("a.png"))), ("a.png", L)]))
    i = bomb.find(b"PK\x01\x02")
    while i >= 0:
        name_len = struct.unpack_from("<H", bomb, i + 28)[0]
        if bomb[i + 46:i + 46 + name_len] == b"a.png":
            struct.pack_into("<I", bomb, i + 24, 0xFFFFFFF0)
        i = bomb.find(b"PK\x01\x02", i + 4)
    yield "declared-size-huge", bytes(bomb)
    yield "zip-bomb-small", zipped([("mimetype", MIME), ("stack.xml", stack(10, 10, one("a.png"))), ("a.png", b"\0" * (2 << 20))])


# ---------------------------------------------------------------- journals

def line(obj):
    return json.dumps(obj, separators=(",", ":")) + "\n"


def begin(w=96, h=64, **extra):
    r = {"type": "begin", "format": 1, "app": "Ganvas fuzz seed", "size": [w, h], "dpi": 72,
         "file": "", "background": "#ffffffff", "seq": 1}
    r.update(extra)
    return r


def stroke(layer, brush, points, colour="#204060", **extra):
    r = {"type": "stroke", "layer": layer, "brush": brush, "colour": colour, "text": "Brush stroke",
         "points": [[x, y, p, 0, 0, i * 8] for i, (x, y, p) in enumerate(points)]}
    r.update(extra)
    return r


def b64png(*args, **kwargs):
    return base64.b64encode(png(*args, **kwargs)).decode()


def good_journals(brushes):
    round_, ink = brushes[0], brushes[1]
    recs = [begin(),
            stroke(0, round_, [(10, 10, 0.2), (40, 30, 0.8), (80, 50, 1.0)]),
            {"type": "layer", "op": "add", "name": "Ink"},
            {"type": "current", "layer": 1},
            stroke(1, ink, [(5, 60, 0.5), (50, 5, 1.0), (90, 60, 0.3)], colour="#c03020"),
            {"type": "layer", "op": "opacity", "layer": 1, "value": 0.6},
            {"type": "layer", "op": "blend", "layer": 1, "value": "multiply"},
            {"type": "select", "op": "rect", "rect": [10, 10, 30, 20], "mode": "replace"},
            {"type": "select", "op": "feather", "radius": 2},
            {"type": "fill", "layer": 0, "at": [2, 2], "colour": "#30a050", "tolerance": 20, "merged": False},
            {"type": "select", "op": "none"},
            {"type": "tiles", "layer": 0, "tiles": {"0": b64png(64, 64)}, "text": "AI result"},
            {"type": "layer", "op": "mask-add", "layer": 1},
            stroke(1, round_, [(20, 20, 1.0), (30, 30, 1.0)], colour="#000000", mask=True),
            {"type": "undo-index", "index": 5},
            {"type": "layer", "op": "duplicate", "layer": 0},
            {"type": "layer", "op": "move", "layer": 0, "to": 1},
            {"type": "layer", "op": "merge-down", "layer": 1},
            {"type": "saved"}]
    yield "painting", "".join(line(dict(r, seq=i + 1)) for i, r in enumerate(recs))
    yield "blank", line(begin(16, 16))
    yield "layers", "".join(line(r) for r in [begin(32, 32),
                                            {"type": "layer", "op": "add", "name": "A", "png": b64png(32, 32)},
                                            {"type": "layer", "op": "rename", "layer": 1, "value": "B"},
                                            {"type": "layer", "op": "lock", "layer": 1, "value": True},
                                            {"type": "layer", "op": "visible", "layer": 1, "value": False},
                                            {"type": "select", "op": "polygon", "points": [1, 1, 30, 2, 15, 30]},
                                            {"type": "select", "op": "invert"},
                                            {"type": "layer", "op": "flatten"}])


def bad_journals(brushes):
    b = brushes[0]
    ok = line(begin()) + line(stroke(0, b, [(1, 1, 1), (9, 9, 1)]))
    yield "empty", ""
    yield "torn-last-line", ok + line(stroke(0, b, [(2, 2, 1), (5, 5, 1)]))[:40]
    yield "damage-in-middle", line(begin()) + '{"type":"stroke",,,\n' + line({"type": "saved"})
    yield "no-begin", line(stroke(0, b, [(1, 1, 1)]))
    yield "begin-format-2", line(begin(format=2))
    yield "canvas-huge", line(begin(100000, 100000))
    yield "canvas-zero", line(begin(0, 64))
    yield "canvas-negative", line(begin(-5, -5))
    yield "canvas-strings", line(begin("96", "64"))
    yield "base-escape", line(begin(base="../x.ora"))
    yield "base-missing", line(begin(base="missing.ora"))
    yield "unknown-record", ok + line({"type": "teleport"})
    yield "record-not-object", ok + "[1,2,3]\n"
    yield "layer-negative", ok + line(stroke(-1, b, [(1, 1, 1)]))
    yield "layer-huge", ok + line(stroke(2147483647, b, [(1, 1, 1)]))
    yield "layer-float", ok + line(stroke(0.5, b, [(1, 1, 1)]))
    yield "points-malformed", ok + line(dict(stroke(0, b, [(1, 1, 1)]), points=[[1, 2, 3]]))
    yield "points-strings", ok + line(dict(stroke(0, b, [(1, 1, 1)]), points=[["a", "b", "c", "d", "e", "f"]]))
    yield "points-empty", ok + line(dict(stroke(0, b, [(1, 1, 1)]), points=[]))
    yield "points-huge-coordinates", ok + line(stroke(0, b, [(1e308, -1e308, 1), (-1e308, 1e308, 1e308), (0, 0, -1e308)]))
    yield "points-overflowing-time", ok + line(dict(stroke(0, b, [(1, 1, 1)]),
                                                    points=[[1, 1, 1, 1e300, -1e300, 1e300], [5, 5, 1, 0, 0, -1e300]]))
    yield "points-2000", line(begin(32, 32)) + line(stroke(0, b, [(i % 32, (i * 7) % 32, 1) for i in range(2000)]))
    yield "brush-wrong-types", ok + line(stroke(0, {"size": "big", "mode": 3}, [(1, 1, 1)]))
    yield "brush-size-negative", ok + line(stroke(0, dict(b, size=-5), [(1, 1, 1)]))
    yield "brush-curve-nonmonotonic", ok + line(stroke(0, dict(b, pressure_size=[[1, 0], [0, 4], [0.5, -3], [0.5, 9]]),
                                                       [(1, 1, 0.5), (9, 9, 0.2)]))
    yield "colour-not-colour", ok + line(stroke(0, b, [(1, 1, 1)], colour="rgb(nope)"))
    yield "mask-without-mask", ok + line(stroke(0, b, [(1, 1, 1)], mask=True))
    yield "deep-json", ok + "[" * 5000 + "]" * 5000 + "\n"
    yield "deep-json-in-record", ok + '{"type":"layer","op":"add","name":' + "[" * 3000 + "]" * 3000 + "}\n"
    yield "layer-png-broken", ok + line({"type": "layer", "op": "add", "name": "x", "png": "iVBORw0KGgo="})
    yield "layer-png-not-base64", ok + line({"type": "layer", "op": "add", "name": "x", "png": "%%%%"})
    yield "layer-png-huge-header", ok + line({"type": "layer", "op": "add", "name": "x",
                                             "png": base64.b64encode(png_header_only(60000, 60000)).decode()})
    yield "layer-mask-wrong-size", ok + line({"type": "layer", "op": "add", "name": "x", "mask_png": b64png(5, 5, colour_type=0)})
    yield "layer-move-out", ok + line({"type": "layer", "op": "move", "layer": 0, "to": -1})
    yield "layer-remove-last", ok + line({"type": "layer", "op": "remove", "layer": 0})
    yield "layer-merge-bottom", ok + line({"type": "layer", "op": "merge-down", "layer": 0})
    yield "layer-blend-unknown", ok + line({"type": "layer", "op": "blend", "layer": 0, "value": "plasma"})
    yield "layer-op-unknown", ok + line({"type": "layer", "op": "explode", "layer": 0})
    yield "layer-opacity-huge", ok + line({"type": "layer", "op": "opacity", "layer": 0, "value": 1e308})
    yield "tiles-bad-index", ok + line({"type": "tiles", "layer": 0, "tiles": {"-1": b64png(64, 64), "99999": ""}})
    yield "tiles-wrong-size", ok + line({"type": "tiles", "layer": 0, "tiles": {"0": b64png(8, 8)}})
    yield "tiles-key-not-number", ok + line({"type": "tiles", "layer": 0, "tiles": {"zero": ""}})
    yield "undo-index-out", ok + line({"type": "undo-index", "index": 99})
    yield "undo-index-negative", ok + line({"type": "undo-index", "index": -3})
    yield "select-huge-rect", ok + line({"type": "select", "op": "rect", "rect": [-2147483648, -2147483648, 2147483647, 2147483647]})
    yield "select-ellipse-huge", ok + line({"type": "select", "op": "ellipse", "rect": [0, 0, 2147483647, 2147483647], "mode": "add"})
    yield "select-polygon-2-points", ok + line({"type": "select", "op": "polygon", "points": [0, 0, 5, 5]})
    yield "select-polygon-huge", ok + line({"type": "select", "op": "polygon", "points": [0, 0, 1e300, 0, 0, -1e300, 7, 7]})
    yield "select-feather-huge", ok + line({"type": "select", "op": "rect", "rect": [1, 1, 20, 20]}) + \
        line({"type": "select", "op": "feather", "radius": 1e9})
    yield "select-op-unknown", ok + line({"type": "select", "op": "lasso-of-doom"})
    yield "fill-outside", ok + line({"type": "fill", "layer": 0, "at": [-5, 99999], "colour": "#ff0000", "tolerance": 10})
    yield "fill-tolerance-huge", ok + line({"type": "fill", "layer": 0, "at": [5, 5], "colour": "#ff0000",
                                           "tolerance": 2147483647, "merged": True})
    yield "fill-malformed", ok + line({"type": "fill", "layer": 0, "at": [5], "colour": "#ff0000"})
    yield "binary-garbage", ok + "\x00\x01\x02\xff\xfe" * 20 + "\n"
    # Found by fuzz_journal (UBSan: x + width overflowed int in QRect); fixed in JournalPlayer.
    yield "select-ellipse-overflow", ok + line({"type": "select", "op": "ellipse", "rect": [1, 0, 2147483647, 2147483647], "mode": "add"})


# ---------------------------------------------------------------- images

def good_images():
    yield "rgba.png", png(20, 12)
    yield "grey.png", png(9, 7, colour_type=0)
    yield "grey-alpha-16bit.png", png(6, 5, colour_type=4, depth=16,
                                     rows=[bytes((x * 31 + y) & 255 for x in range(6 * 4)) for y in range(5)])
    yield "palette.gif", gif(12, 8)
    yield "rgb24.bmp", bmp(10, 6)
    for fmt, suffix in (("jpeg", "jpg"), ("webp", "webp"), ("tiff", "tif")):
        yield "small." + suffix, base64.b64decode(ENCODED[fmt])


def bad_images():
    p = png(20, 12)
    jpg = base64.b64decode(ENCODED["jpeg"])
    webp = base64.b64decode(ENCODED["webp"])
    tif = base64.b64decode(ENCODED["tiff"])
    yield "empty", b""
    yield "png-signature-only", p[:8]
    yield "png-truncated-idat", p[:len(p) - 30]
    yield "png-bad-crc", png(20, 12, bad_crc=True)
    yield "png-claims-100000x100000", png_header_only(100000, 100000)
    yield "png-claims-2^31", png_header_only(0x7FFFFFFF, 1)
    yield "png-zero-size", png_header_only(0, 0)
    yield "png-bad-depth", png_header_only(4, 4, depth=3, colour_type=2)
    yield "png-palette-missing-plte", png(4, 4, colour_type=3, rows=[b"\x05" * 4] * 4)
    yield "png-too-little-data", png(64, 64, rows=[b"\x01\x02"] * 2)
    yield "png-huge-text-chunk", png(4, 4, extra=chunk(b"zTXt", b"key\0\0" + zlib.compress(b"A" * (4 << 20), 9)))
    yield "jpeg-truncated", jpg[:len(jpg) // 2]
    yield "jpeg-header-only", jpg[:200]
    sof = jpg.find(b"\xff\xc0")
    for name, (w, h) in (("jpeg-sof-65500", (65500, 65500)), ("jpeg-sof-zero", (0, 0))):
        j = bytearray(jpg)
        if sof > 0:
            struct.pack_into(">HH", j, sof + 5, h, w)
        yield name, bytes(j)
    exif = b"Exif\0\0" + b"MM\0*\0\0\0\x08" + struct.pack(">H", 1) + struct.pack(">HHII", 0x0112, 3, 1, 0x00090000) + b"\0\0\0\0"
    yield "jpeg-exif-orientation-9", jpg[:2] + b"\xff\xe1" + struct.pack(">H", len(exif) + 2) + exif + jpg[2:]
    loop = b"Exif\0\0" + b"II*\0\x08\0\0\0" + struct.pack("<H", 1) + struct.pack("<HHII", 0x8769, 4, 1, 8) + struct.pack("<I", 8)
    yield "jpeg-exif-ifd-loop", jpg[:2] + b"\xff\xe1" + struct.pack(">H", len(loop) + 2) + loop + jpg[2:]
    yield "gif-screen-65535", gif(4, 4, screen=(65535, 65535))
    yield "gif-truncated", gif(12, 8, truncate=True)
    yield "gif-frame-outside-screen", gif(12, 8, screen=(4, 4))
    yield "bmp-width-2^31", bmp(0x7FFFFFFF, 1, pixels=b"\0" * 16)
    yield "bmp-negative-height", bmp(8, -8)
    yield "bmp-bpp-0", bmp(8, 8, bpp=0)
    yield "bmp-offset-past-end", bmp(8, 8, data_offset=0x7FFFFFFF)
    yield "tiff-ifd-loop-65535", tiff_loop()
    yield "tiff-truncated", tif[:len(tif) // 3]
    w = bytearray(webp)
    struct.pack_into("<I", w, 4, 0x7FFFFFF0)
    yield "webp-riff-size-huge", bytes(w)
    w = bytearray(webp)
    if w[12:16] == b"VP8X":
        w[24:30] = b"\xff" * 6
    yield "webp-canvas-16m", bytes(w)
    yield "webp-truncated", webp[:len(webp) // 2]
    yield "ppm-claims-99999", b"P6 99999 99999 255\n" + b"\x80" * 300
    yield "ico-255-entries", b"\0\0\1\0\xff\0" + b"\xff\xff\0\0\1\0\x20\0\xff\xff\xff\x7f\x16\0\0\0" * 255
    yield "svg-looking-text", b'<svg xmlns="http://www.w3.org/2000/svg" width="100000" height="100000"><rect/></svg>'
    yield "random-bytes", bytes((i * 131 + 7) & 255 for i in range(2048))
    # Found by fuzz_image: width 8, height -526081 (top-down), 24-bit, the pixels cut short. Qt's
    # header reader gives no size, so it decoded past a 4 MP limit; loadImage now checks after decoding.
    yield "bmp-top-down-over-limit", bytes.fromhex(
        "424df600000000000000360000002800000008000000fff8f7ff0100180000000000001f"
        "5e656c01080f8585852d161d242bab9393939339")


# ---------------------------------------------------------------- brush presets

def bad_presets(brushes):
    b = brushes[0]
    def doc(brs, **k):
        return json.dumps(dict({"format": 1, "brushes": brs}, **k))
    yield "not-json", "{\"format\": 1, \"brushes\": [ {\"id\": "
    yield "empty", ""
    yield "array-root", json.dumps([b])
    yield "format-2", doc([b], format=2)
    yield "format-string", doc([b], format="1")
    yield "brushes-object", json.dumps({"format": 1, "brushes": {"round": b}})
    yield "brush-not-object", doc([b, 7, "round"])
    yield "id-empty", doc([dict(b, id="")])
    yield "id-number", doc([dict(b, id=5)])
    yield "name-object", doc([dict(b, name={"en": "Round"})])
    yield "mode-unknown", doc([dict(b, mode="spray")])
    yield "size-string", doc([dict(b, size="24")])
    yield "size-negative", doc([dict(b, size=-5)])
    yield "size-huge", doc([dict(b, size=1e308)])
    yield "size-overflow-literal", '{"format":1,"brushes":[{"id":"x","size":1e999}]}'
    yield "nan-literal", '{"format":1,"brushes":[{"id":"x","opacity":NaN}]}'
    yield "spacing-zero", doc([dict(b, spacing=0)])
    yield "opacity-bool", doc([dict(b, opacity=True)])
    yield "curve-not-array", doc([dict(b, pressure_size="linear")])
    yield "curve-one-point", doc([dict(b, pressure_size=[[0, 0]])])
    yield "curve-65-points", doc([dict(b, pressure_size=[[i / 64, i / 64] for i in range(65)])])
    yield "curve-1000-points", doc([dict(b, pressure_opacity=[[0.5, 0.5]] * 1000)])
    yield "curve-nonmonotonic", doc([dict(b, pressure_size=[[1, 0], [0, 1], [0.5, 0.2], [0.5, 0.9]])])
    yield "curve-outside-range", doc([dict(b, tilt_size=[[-3, -1], [7, 1e300]])])
    yield "curve-triples", doc([dict(b, tilt_opacity=[[0, 0, 0], [1, 1, 1]])])
    yield "curve-strings", doc([dict(b, pressure_size=[["0", "0"], ["1", "1"]])])
    yield "duplicate-ids", doc([b, b, dict(b, name="Again")])
    yield "3000-brushes", doc([{}] * 3000)
    yield "deep-json", '{"format":1,"brushes":' + "[" * 5000 + "]" * 5000 + "}"
    yield "unknown-keys", doc([dict(b, future_key=[1, 2, {"x": None}], smudge_strength=0.3)])
    # Found by fuzz_brush_presets (the fuzzer's input as it was): a 31-point curve with two points
    # at x = 0; std::sort could swap them, so the curve read back from its own JSON differed.
    # PressureCurve sorts stably now.
    yield "curve-equal-x-round-trip", (
        '{"format": 1, "brushes": [{"id": "round", "name": "Round", "mode": "paint", "size": 24, "o'
        'pacity": 1.0, "flow": 1.0, "hardness": 0.85, "spacing": 0.1, "pressure_size": [[0.0, 0.0],'
        ' [0.015625, 0.015625], [0.03125, 0.03125], [0.023437,5], [0.59375, 0.59375], [0.609375, 0.'
        '609375], [0.625, 0.625], [0.640625, 0.640625], [0.65625, 0.65625], [0.671875, 0.671875], ['
        '0.6875, 0.6875], [0.703125, 0.703125], [0.71875, 0.71875], [0.734375, 0.734375], [0.75, 0.'
        '75], [0.765625, 0.765625], [0.78125, 0.78125], [0.796875, 0.796875], [0.8125, 0.8125], [0.'
        '828125, 0.828125], [0.84375, 0.84375], [0.859375, 0.859375], [0.875, 0.875], [0.890625, 0.'
        '890625], [0.29605, 0.90625], [0.921875, 0.921875], [0.9375, 0.9375], [0.953125, 0.953125],'
        ' [0.96875, 0.96875], [0.984375, 0.984375], [0.0, 1.0]], "pressure_opacity": [[0, 1], [1, 1'
        ']]}]}'
    )


# ---------------------------------------------------------------- style config.json (core side)

def style(**extra):
    r = {"format": 1, "id": "fuzz-style", "name": "Fuzz style", "kind": "style", "license": "CC0-1.0",
         "architecture": {"type": "gatys"}}
    r.update(extra)
    return json.dumps(r, indent=1)


def bad_styles():
    yield "style-image-escape", style(style_image="../outside.png")
    yield "style-image-absolute", style(style_image="/etc/passwd")
    yield "thumbnail-dotdot-inside", style(thumbnail="thumbnail.png/../../outside.png")
    yield "thumbnail-backslash", style(thumbnail="..\\outside.png")
    yield "thumbnail-nul", style(thumbnail="thumbnail.png\u0000../../x")
    yield "style-image-number", style(style_image=7)
    yield "tags-1000", style(tags=["tag%d" % i for i in range(1000)])
    yield "tags-not-strings", style(tags=[1, None, {"a": 1}, ["x"], "ok"])
    yield "tags-string", style(tags="painterly")
    yield "tag-huge", style(tags=["x" * 5000])
    yield "category-huge", style(category="C" * 5000)
    yield "description-object", style(description={"en": "x"})
    yield "opencv-unknown-filter", style(architecture={"type": "opencv", "filter": "plasma"})
    yield "opencv-filter-number", style(architecture={"type": "opencv", "filter": 3})
    yield "opencv-no-filter", style(architecture={"type": "opencv"})
    yield "opencv-oil-huge", style(architecture={"type": "opencv", "filter": "oil", "size": 1e9, "dyn_ratio": -1e9})
    yield "opencv-stylization-extreme", style(architecture={"type": "opencv", "filter": "stylization",
                                                           "sigma_s": -1e308, "sigma_r": 1e308})
    yield "opencv-pencil-strings", style(architecture={"type": "opencv", "filter": "pencil-colour", "sigma_s": "60", "shade": None})
    yield "opencv-detail-zero", style(architecture={"type": "opencv", "filter": "detail", "sigma_s": 0, "sigma_r": 0})
    yield "opencv-edge-inf-literal", style(architecture={"type": "opencv", "filter": "edge-preserving"})[:-2] + ', "x": 1e999}'
    yield "weights-missing", style(weights="gone.safetensors")
    yield "weights-present-hash-wrong", style(weights="model.safetensors", sha256="1" * 64)
    yield "kind-generator-in-styles", style(kind="generator")
    yield "architecture-type-number", style(architecture={"type": 5})
    yield "utf8-broken", style(name="Fuzz").encode("utf-8").replace(b"Fuzz", b"F\xff\xfez").decode("latin-1")


def good_styles():
    for sid in ("classic-oil", "classic-pencil-colour", "cubist"):
        with open(os.path.join(ROOT, "resources", "styles", sid, "config.json")) as f:
            yield sid, f.read()
    yield "presentation", style(category="Painterly", description="All the keys", tags=["a", "b"],
                               style_image="style.png", thumbnail="thumbnail.png")


# ---------------------------------------------------------------- writing

def write(kind_folder, name, data):
    os.makedirs(kind_folder, exist_ok=True)
    with open(os.path.join(kind_folder, name), "wb") as f:
        f.write(data.encode("utf-8") if isinstance(data, str) else data)


def main():
    for kind in KINDS:
        for base in (BAD, GOOD):
            shutil.rmtree(os.path.join(base, kind), ignore_errors=True)
    with open(os.path.join(ROOT, "resources", "brushes", "presets.json")) as f:
        presets_text = f.read()
    brushes = json.loads(presets_text)["brushes"]
    write(os.path.join(GOOD, "ora"), "two-layers.ora", good_ora())
    for name, data in bad_oras():
        write(os.path.join(BAD, "ora"), name + ".ora", data)
    for name, text in good_journals(brushes):
        write(os.path.join(GOOD, "journal"), name + ".jsonl", text)
    for name, text in bad_journals(brushes):
        write(os.path.join(BAD, "journal"), name + ".jsonl", text)
    for name, data in good_images():
        write(os.path.join(GOOD, "images"), name, data)
    for name, data in bad_images():
        write(os.path.join(BAD, "images"), name, data)
    write(os.path.join(GOOD, "brush-presets"), "presets.json", presets_text)
    write(os.path.join(GOOD, "brush-presets"), "one-brush.json", json.dumps({"format": 1, "brushes": [brushes[0]]}))
    for name, text in bad_presets(brushes):
        write(os.path.join(BAD, "brush-presets"), name + ".json", text)
    for name, text in good_styles():
        write(os.path.join(GOOD, "style-json"), name + ".json", text)
    for name, text in bad_styles():
        write(os.path.join(BAD, "style-json"), name + ".json", text)
    sizes = [os.path.getsize(os.path.join(d, f)) for base in (BAD, GOOD) for kind in KINDS
             for d, _, fs in os.walk(os.path.join(base, kind)) for f in fs]
    print("wrote %d files, %d bytes, the largest %d" % (len(sizes), sum(sizes), max(sizes)))


if __name__ == "__main__":
    main()
