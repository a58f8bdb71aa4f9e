"""A rendered proof compared with a reference image, with a tolerance."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageStat

from conftest import DATA, RESULTS
from epaper.render.raster import pdf_to_png

REFERENCE = Path(__file__).parent / "reference" / "pixel-story.png"


def test_proof_matches_reference(setter, tmp_path: Path) -> None:
    result = setter.preview(DATA / "ok" / "pixel-story.md", columns=2)
    pdf = tmp_path / "pixel-story.pdf"
    pdf.write_bytes(result.pdf)
    actual_path = pdf_to_png(pdf, tmp_path / "pixel-story.png", dpi=60)
    if os.environ.get("EPAPER_UPDATE_REFERENCES"):
        shutil.copy(actual_path, REFERENCE)
    actual = Image.open(actual_path).convert("L")
    expected = Image.open(REFERENCE).convert("L")
    ok = actual.size == expected.size
    if ok:
        diff = ImageChops.difference(actual, expected)
        mean = ImageStat.Stat(diff).mean[0]
        changed = diff.point(lambda v: 255 if v > 64 else 0).histogram()[255] / (
            diff.width * diff.height)
        ok = mean < 1.5 and changed < 0.01
    if not ok:
        RESULTS.mkdir(exist_ok=True)
        shutil.copy(actual_path, RESULTS / "pixel-story.actual.png")
        shutil.copy(REFERENCE, RESULTS / "pixel-story.expected.png")
        pytest.fail(f"proof differs from {REFERENCE} (see {RESULTS}); if the change is "
                    "intended, rerun with EPAPER_UPDATE_REFERENCES=1")
