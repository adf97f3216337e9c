#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Cross-checks Ganvas' safetensors reader and writer against an independent implementation:
this file's own pure-Python codec of the format (struct + json) and Debian's python3-torch for
the numbers. Usage: safetensors_crosscheck.py PATH/TO/ganvas_engine_tests
Exits non-zero (with the difference) when the two disagree."""
import json
import os
import struct
import subprocess
import sys
import tempfile

import torch

DTYPES = {
    "F64": (torch.float64, 8), "F32": (torch.float32, 4), "F16": (torch.float16, 2),
    "BF16": (torch.bfloat16, 2), "I64": (torch.int64, 8), "I32": (torch.int32, 4),
    "I16": (torch.int16, 2), "I8": (torch.int8, 1), "U8": (torch.uint8, 1), "BOOL": (torch.bool, 1),
}
NAMES = {v[0]: k for k, v in DTYPES.items()}


def write(path, tensors, metadata):
    header, blobs, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = metadata
    for name in sorted(tensors):
        t = tensors[name].contiguous()
        # Raw little-endian bytes via a uint8 view of the storage (works for bf16 too).
        raw = bytes(t.view(-1).view(torch.uint8).numpy().tobytes()) if t.numel() else b""
        header[name] = {"dtype": NAMES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    text = json.dumps(header).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)


def read(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    body = data[8 + n:]
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        dtype, size = DTYPES[info["dtype"]]
        begin, end = info["data_offsets"]
        raw = bytearray(body[begin:end])
        t = torch.frombuffer(raw, dtype=torch.uint8) if raw else torch.empty(0, dtype=torch.uint8)
        out[name] = t.view(dtype).reshape(info["shape"]) if raw else torch.empty(info["shape"], dtype=dtype)
    return out, header.get("__metadata__", {})


def main():
    exe = sys.argv[1]
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        # 1. Python writes, Ganvas reads.
        torch.manual_seed(0)
        ours = {
            "w": torch.randn(3, 4, 5),
            "b": torch.randn(7).double(),
            "h": torch.randn(2, 2).half(),
            "bf": torch.randn(9).bfloat16(),
            "i": torch.arange(-4, 4, dtype=torch.int64),
            "u": torch.arange(0, 250, 7, dtype=torch.uint8),
            "m": torch.tensor([True, False, True]),
        }
        path = os.path.join(tmp, "python.safetensors")
        write(path, ours, {"made_by": "python"})
        dump = json.loads(subprocess.run([exe, "--tool", "safetensors-dump", path], check=True,
                                         capture_output=True, text=True).stdout)
        if dump["metadata"] != {"made_by": "python"}:
            failures.append(f"metadata read back as {dump['metadata']}")
        for name, t in ours.items():
            got = dump["tensors"][name]
            if got["dtype"] != NAMES[t.dtype] or got["shape"] != list(t.shape):
                failures.append(f"{name}: dtype/shape {got['dtype']} {got['shape']}")
                continue
            want = t.double().flatten().tolist()
            if any(abs(a - b) > 0 for a, b in zip(want, got["values"])) or len(want) != len(got["values"]):
                failures.append(f"{name}: values differ")

        # 2. Ganvas writes, Python reads.
        path = os.path.join(tmp, "ganvas.safetensors")
        subprocess.run([exe, "--tool", "safetensors-write", path], check=True)
        tensors, meta = read(path)
        expected = {
            "ramp": torch.arange(0, 12, dtype=torch.float32).view(3, 4) / 4,
            "half": torch.tensor([0.5, -2.0, 65504.0]).half(),
            "bf": torch.tensor([1.0, -0.15625]).bfloat16(),
            "ids": torch.tensor([-5, 9000000000], dtype=torch.int64),
            "flags": torch.tensor([True, False]),
        }
        if meta != {"written_by": "ganvas"}:
            failures.append(f"metadata written as {meta}")
        for name, t in expected.items():
            if name not in tensors or tensors[name].dtype != t.dtype or not torch.equal(tensors[name], t):
                failures.append(f"{name}: written wrong ({tensors.get(name)})")
        with open(path, "rb") as f:
            (n,) = struct.unpack("<Q", f.read(8))
        if n % 8:
            failures.append("header not 8-byte aligned")

    if failures:
        print("safetensors cross-check FAILED:\n  " + "\n  ".join(failures))
        return 1
    print("safetensors cross-check: Python->Ganvas 7 tensors and Ganvas->Python 5 tensors identical")
    return 0


if __name__ == "__main__":
    sys.exit(main())
