"""Page images for the e-paper: a zoom image sharp enough to read body text on a tablet,
within a byte budget, and a thumbnail; and web copies of the story photos.

Pages are rendered once by poppler's ``pdftoppm`` at ``ZOOM_DPI``; Pillow encodes WebP.
A page of dense small type does not fit the budget at that resolution: its size is
stepped down until it does (the page list records each image's size)."""

from __future__ import annotations

import io
import math
import multiprocessing
import shutil
import subprocess
import tempfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from PIL import Image as PILImage

from epaper.errors import RenderError, ToolMissingError
from epaper.files import write_atomic

ZOOM_DPI = 100  # 9.5 pt body type at about 13 px
ZOOM_MAX_BYTES = 300_000
ZOOM_QUALITY = 40
THUMB_WIDTH = 220
PHOTO_WIDTH = 1000


@dataclass(frozen=True)
class PageImage:
    zoom: str  # file name, relative to the e-paper folder
    zoom_size: tuple[int, int]
    zoom_bytes: int
    thumb: str
    thumb_size: tuple[int, int]


ZOOM_MIN_DPI = 72  # at least a pixel per point: below it body type is no longer legible


def _encode(im: PILImage.Image, budget: int) -> tuple[bytes, PILImage.Image]:
    """WebP within ``budget`` bytes: fewer pixels when the page's type is too dense, down to
    ``ZOOM_MIN_DPI``; past that, a lower quality instead."""
    floor = ZOOM_MIN_DPI / ZOOM_DPI  # the smallest scale of the page as rendered

    def scaled(scale: float) -> PILImage.Image:
        scale = max(floor, scale)
        return im.resize((math.ceil(im.width * scale), math.ceil(im.height * scale)),
                         PILImage.Resampling.LANCZOS)

    # a JPEG of the page (fast) predicts the WebP's bytes well enough to pick the first
    # size; the loop below still checks the real size
    probe = io.BytesIO()
    im.save(probe, "JPEG", quality=ZOOM_QUALITY)
    guess = probe.tell() * 0.8
    scale = 1.0
    if guess > budget:
        scale = max(floor, (budget / guess) ** 0.5 * 0.97)
    current = scaled(scale) if scale < 1.0 else im
    quality = ZOOM_QUALITY
    while True:
        out = io.BytesIO()
        current.save(out, "WEBP", quality=quality, method=2)
        if out.tell() <= budget or quality <= 5:
            return out.getvalue(), current
        if scale > floor:  # bytes grow about as the pixel count: aim a little under
            scale = max(floor, scale * min(0.95, (budget / out.tell()) ** 0.5 * 0.97))
            current = scaled(scale)
        else:
            quality -= 5


def _one(ppm: Path, folder: Path, name: str) -> PageImage:
    with PILImage.open(ppm) as raw:
        im = raw.convert("RGB")
    data, zoom = _encode(im, ZOOM_MAX_BYTES)
    write_atomic(folder / f"pages/{name}.webp", data)
    thumb = im.resize((THUMB_WIDTH, round(im.height * THUMB_WIDTH / im.width)),
                      PILImage.Resampling.LANCZOS)
    out = io.BytesIO()
    thumb.save(out, "WEBP", quality=60, method=4)
    write_atomic(folder / f"pages/{name}.thumb.webp", out.getvalue())
    return PageImage(f"pages/{name}.webp", zoom.size, len(data),
                     f"pages/{name}.thumb.webp", thumb.size)


def page_images(pdf: Path, folder: Path, names: list[str], jobs: int = 1) -> list[PageImage]:
    """Render every page of ``pdf`` and write its zoom image and thumbnail into ``folder``
    (``pages/<name>.webp``, ``pages/<name>.thumb.webp``)."""
    tool = shutil.which("pdftoppm")
    if tool is None:
        raise ToolMissingError("pdftoppm not found: install poppler-utils "
                               "(apt-get install poppler-utils)")
    with tempfile.TemporaryDirectory(prefix="epaper-web-") as tmp:
        result = subprocess.run([tool, "-r", str(ZOOM_DPI), str(pdf), f"{tmp}/p"],
                                capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise RenderError(f"pdftoppm failed on {pdf}: {result.stderr.strip()}")
        ppms = sorted(Path(tmp).glob("p-*.ppm"))
        if len(ppms) != len(names):
            raise RenderError(f"{pdf}: {len(ppms)} pages rendered, {len(names)} expected")
        work = list(zip(ppms, [folder] * len(names), names, strict=True))
        if jobs > 1 and "fork" in multiprocessing.get_all_start_methods():
            # Pillow's WebP encoder holds the GIL: processes, not threads, use the cores
            context = multiprocessing.get_context("fork")
            with ProcessPoolExecutor(min(jobs, len(work)), mp_context=context) as pool:
                return list(pool.map(_one, *zip(*work, strict=True)))
        return [_one(*w) for w in work]


def photo_copy(src: Path, dest: Path) -> tuple[int, int]:
    """A web copy of a story photo (JPEG, at most ``PHOTO_WIDTH`` wide); its size."""
    with PILImage.open(src) as raw:
        im = raw.convert("RGB")
    if im.width > PHOTO_WIDTH:
        im = im.resize((PHOTO_WIDTH, round(im.height * PHOTO_WIDTH / im.width)),
                       PILImage.Resampling.LANCZOS)
    out = io.BytesIO()
    im.save(out, "JPEG", quality=80, optimize=True, progressive=True)
    write_atomic(dest, out.getvalue())
    return im.size
