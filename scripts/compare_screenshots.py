#!/usr/bin/env python
"""List the screenshots in docs/screenshots/ that differ from the committed ones (``make screenshots``).

A regenerated picture is compared with the version in git's HEAD: the share
of pixels that changed (by more than a faint anti-aliasing difference) and
whether the size changed. Pictures above ``--threshold`` (default 0.5 %) are
listed for review and the exit status is 1; new pictures are listed too.
Review them, then commit the ones that are right; ``git checkout`` the rest.
"""

from __future__ import annotations

import argparse
import io
import subprocess
import sys
from pathlib import Path

from PIL import Image, ImageChops

ROOT = Path(__file__).resolve().parent.parent
FOLDER = "docs/screenshots"
#: A channel difference up to this is anti-aliasing or font hinting, not a change.
FAINT = 24


def committed(path: str) -> bytes | None:
    result = subprocess.run(["git", "show", f"HEAD:{path}"], cwd=ROOT, capture_output=True, check=False)
    return result.stdout if result.returncode == 0 else None


def changed_share(old: Image.Image, new: Image.Image) -> float:
    """The share of pixels whose colour moved by more than a faint difference (1.0 if the sizes differ)."""
    if old.size != new.size:
        return 1.0
    difference = ImageChops.difference(old.convert("RGB"), new.convert("RGB")).convert("L")
    moved = sum(difference.point(lambda value: 255 if value > FAINT else 0).histogram()[255:])
    return moved / (old.size[0] * old.size[1])


def compare(threshold: float) -> list[str]:
    report = []
    for picture in sorted((ROOT / FOLDER).glob("*.png")):
        path = f"{FOLDER}/{picture.name}"
        before = committed(path)
        if before is None:
            report.append(f"new        {path}")
            continue
        if before == picture.read_bytes():
            continue
        share = changed_share(Image.open(io.BytesIO(before)), Image.open(picture))
        if share > threshold:
            report.append(f"{share:6.1%} changed  {path}")
    return report


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threshold", type=float, default=0.005, help="share of pixels (default 0.005)")
    args = parser.parse_args(argv)
    report = compare(args.threshold)
    if not report:
        print("Screenshots: nothing changed beyond a trace.")
        return 0
    print("Screenshots to review before committing:")
    print("\n".join(f"  {line}" for line in report))
    return 1


if __name__ == "__main__":
    sys.exit(main())
