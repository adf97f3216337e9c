#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Copies a trained generator into resources/generators/<id>/ with what a bundled model carries:
config.json with licence, source, sha256 and the evaluation measured by `ganvas-cli gan-eval
--json` (2048 samples against the whole training set), the weights and directions, a thumbnail
and a LICENSE naming the data's licence. Checkpoints and datasets are never copied.
Usage: finish_bundled.py TRAINED_DIR EVAL_JSON THUMBNAIL_PNG MINUTES"""
import hashlib
import json
import os
import shutil
import sys

src, eval_json, thumb, minutes = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
config = json.load(open(os.path.join(src, "config.json")))
dst = os.path.join(root, "resources", "generators", config["id"])
os.makedirs(dst, exist_ok=True)
for name in ("weights.safetensors", "directions.safetensors"):
    shutil.copyfile(os.path.join(src, name), os.path.join(dst, name))
shutil.copyfile(thumb, os.path.join(dst, "thumbnail.png"))
config["license"] = "Apache-2.0"
config["description"] = "Colour emoji: faces, animals, food, objects, flags."
config["thumbnail"] = "thumbnail.png"
config["source"] = (
    "Trained by Ganvas on the 2,323 colour emoji of Noto Color Emoji (Debian fonts-noto-color-emoji; "
    "artwork Apache-2.0, font SIL OFL 1.1) rendered at 64 px by `ganvas-cli dataset emoji`; "
    f"command: tools/gan/train_bundled.sh {minutes} (docs/MODELS.md)")
config["evaluation"] = json.load(open(eval_json))
config["sha256"] = hashlib.sha256(open(os.path.join(dst, "weights.safetensors"), "rb").read()).hexdigest()
with open(os.path.join(dst, "config.json"), "w") as f:
    json.dump(config, f, indent=2)
    f.write("\n")
with open(os.path.join(dst, "LICENSE"), "w") as f:
    f.write("The weights in this folder were trained by the Ganvas project on images rendered from\n"
            "Noto Color Emoji (https://github.com/googlefonts/noto-emoji), installed from Debian's\n"
            "fonts-noto-color-emoji package. The emoji artwork is licensed under the Apache License 2.0\n"
            "and the font under the SIL Open Font License 1.1. The weights are distributed under the\n"
            "Apache License 2.0 (https://www.apache.org/licenses/LICENSE-2.0).\n")
print("wrote", dst)
