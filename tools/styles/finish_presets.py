#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Final touches on trained style presets in resources/styles/: records the SHA-256 of each
weights file in its config.json (checked by ModelCatalogue::verify) and writes its LICENSE.
Run by tools/styles/train_presets.sh after training; safe to run again."""
import hashlib
import json
import pathlib
import sys

LICENSE = """GPL-3.0-or-later, like Ganvas.

Made entirely by the Ganvas project:
- style.png: painted procedurally by tools/styles/make_style_images.py (no third-party content);
- weights.safetensors: trained by `ganvas-cli style-train` (see config.json "training" and
  docs/MODELS.md) on that picture and on the sample photos of Debian's python3-skimage
  (astronaut, hubble_deep_field, rocket: public domain; chelsea, camera, retina, brick, grass,
  gravel: CC0; ihc: no known copyright restrictions), fetched at training time and not shipped.
"""


def main():
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "resources/styles")
    for config_path in sorted(root.glob("*/config.json")):
        config = json.loads(config_path.read_text())
        weights = config.get("weights")
        if not weights or config.get("architecture", {}).get("type") != "johnson":
            continue
        digest = hashlib.sha256((config_path.parent / weights).read_bytes()).hexdigest()
        config["sha256"] = digest
        config_path.write_text(json.dumps(config, indent=2, sort_keys=True) + "\n")
        (config_path.parent / "LICENSE").write_text(LICENSE)
        print(f"{config['id']}: sha256 {digest[:16]}…")


if __name__ == "__main__":
    main()
