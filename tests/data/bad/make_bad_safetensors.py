#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Regenerates tests/data/bad/safetensors/*.safetensors: hand-made broken files, each one a way a
truncated, corrupted or hostile model file can go wrong. Every one must be refused with a clear
message (tests/engine/SafeTensorsTest.cpp, bad_corpus_gives_clear_errors).
Run from the repository root: python3 tests/data/bad/make_bad_safetensors.py"""
import json
import os
import struct

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "safetensors")


def header(obj, pad=True):
    text = json.dumps(obj).encode() if not isinstance(obj, (bytes, str)) else (obj.encode() if isinstance(obj, str) else obj)
    if pad:
        text += b" " * ((8 - len(text) % 8) % 8)
    return text


def pack(text, data=b"", length=None):
    return struct.pack("<Q", len(text) if length is None else length) + text + data


def entry(dtype="F32", shape=(2,), begin=0, end=8):
    return {"dtype": dtype, "shape": list(shape), "data_offsets": [begin, end]}


good = header({"w": entry()})
CASES = {
    "empty": b"",
    "short-length": b"\x10\x00\x00",
    "header-length-huge": pack(good, b"\0" * 8, length=(1 << 62)),
    "header-length-past-eof": pack(good, b"", length=len(good) + 100),
    "header-not-json": pack(header("{this is not json}")),
    "header-array": pack(header("[1, 2, 3]")),
    "header-nul-bytes": pack(b"\0" * 16),
    "truncated-data": pack(good, b"\0" * 4),
    "offsets-past-end": pack(header({"w": entry(end=8)}), b"\0" * 4),
    "offsets-reversed": pack(header({"w": entry(begin=8, end=0)}), b"\0" * 8),
    "shape-mismatch": pack(header({"w": entry(shape=(3,))}), b"\0" * 8),
    "shape-negative": pack(header({"w": entry(shape=(-2,))}), b"\0" * 8),
    "shape-overflow": pack(header({"w": entry(shape=(1 << 40, 1 << 40, 1 << 40))}), b"\0" * 8),
    "shape-string": pack(header({"w": {"dtype": "F32", "shape": "2", "data_offsets": [0, 8]}}), b"\0" * 8),
    "rank-too-high": pack(header({"w": entry(shape=[1] * 9 + [2])}), b"\0" * 8),
    "dtype-unknown": pack(header({"w": entry(dtype="F128")}), b"\0" * 8),
    "dtype-missing": pack(header({"w": {"shape": [2], "data_offsets": [0, 8]}}), b"\0" * 8),
    "overlap": pack(header({"a": entry(begin=0, end=8), "b": entry(begin=4, end=12)}), b"\0" * 12),
    "hole": pack(header({"a": entry(begin=4, end=12)}), b"\0" * 12),
    "trailing-bytes": pack(good, b"\0" * 16),
    "duplicate-name": pack(header(b'{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},'
                                  b'"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}'), b"\0" * 8),
    "metadata-not-strings": pack(header({"__metadata__": {"a": 1}, "w": entry()}), b"\0" * 8),
    "extra-field": pack(header({"w": dict(entry(), code="import os")}), b"\0" * 8),
    "deep-nesting": pack(header("[" * 5000 + "]" * 5000), b""),
    "offset-float": pack(header({"w": {"dtype": "F32", "shape": [2], "data_offsets": [0.0, 8.5]}}), b"\0" * 8),
    "empty-name": pack(header({"": entry()}), b"\0" * 8),
}


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, data in CASES.items():
        with open(os.path.join(OUT, name + ".safetensors"), "wb") as f:
            f.write(data)
    print(f"wrote {len(CASES)} files to {OUT}")


if __name__ == "__main__":
    main()
