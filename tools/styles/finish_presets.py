#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Final touches on trained style presets in resources/styles/: records the SHA-256 of each
weights file in its config.json (checked by ModelCatalogue::verify) and writes its LICENSE.
Run by tools/styles/train_marks_presets.sh --install (and the older train_presets.sh) after
training; safe to run again."""
import hashlib
import json
import pathlib
import sys

# Networks that read their style's marks (train_marks_presets.sh) were trained on the pictures of
# tools/styles/photos.tsv; the older ones on scikit-image's samples.
MARKS_LICENSE = """GPL-3.0-or-later, like Ganvas.

Made entirely by the Ganvas project:
- style.png: painted procedurally by tools/styles/make_style_images.py (no third-party content);
- weights.safetensors: trained by `ganvas-cli style-train` (tools/styles/train_marks_presets.sh;
  see config.json "training" and docs/MODELS.md) on that picture and on the 45 training pictures
  of tools/styles/photos.tsv whose licences are GPL-2+ (KDE Plasma and MATE wallpapers), CC0 or
  public domain (scikit-image samples), fetched from Debian packages at training time and not
  shipped. The CC-BY-SA wallpapers of that list are not trained on.
"""

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
        marks = config.get("architecture", {}).get("marks_input", False)
        (config_path.parent / "LICENSE").write_text(MARKS_LICENSE if marks else LICENSE)
        print(f"{config['id']}: sha256 {digest[:16]}…")


if __name__ == "__main__":
    main()
