"""scripts/compare_screenshots.py: a regenerated screenshot that changed is listed for review."""

import importlib.util
from pathlib import Path

from PIL import Image

spec = importlib.util.spec_from_file_location(
    "compare_screenshots", Path(__file__).resolve().parents[2] / "scripts" / "compare_screenshots.py"
)
compare_screenshots = importlib.util.module_from_spec(spec)
spec.loader.exec_module(compare_screenshots)


def test_a_faint_difference_is_no_change_and_a_real_one_is_measured():
    before = Image.new("RGB", (100, 100), "white")
    faint = Image.new("RGB", (100, 100), (245, 245, 245))  # anti-aliasing, hinting
    changed = before.copy()
    changed.paste((29, 78, 216), (0, 0, 10, 100))  # a tenth of the picture turned blue
    assert compare_screenshots.changed_share(before, faint) == 0
    assert compare_screenshots.changed_share(before, changed) == 0.1


def test_a_picture_of_another_size_changed_entirely():
    assert compare_screenshots.changed_share(Image.new("RGB", (10, 10)), Image.new("RGB", (10, 12))) == 1.0
