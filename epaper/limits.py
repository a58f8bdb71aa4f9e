"""Size limits on what epaper reads: configurable, with defaults no newsroom reaches.

Set them in the environment: ``EPAPER_MAX_ARTICLE_BYTES``, ``EPAPER_MAX_IMAGE_BYTES``,
``EPAPER_MAX_IMAGE_PIXELS``, ``EPAPER_MAX_REPORT_BYTES``, ``EPAPER_MAX_WORD_CHARS``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

DEFAULTS = {
    "article_bytes": 1_000_000,  # ~150,000 words: ten times the longest feature
    "image_bytes": 50_000_000,
    "image_pixels": 100_000_000,  # decompression bombs stop here (Pillow decodes lazily)
    "report_bytes": 200_000_000,
    "word_chars": 2_000,  # one "word" (a URL, a hash) of more characters is refused
}


@dataclass(frozen=True)
class Limits:
    article_bytes: int
    image_bytes: int
    image_pixels: int
    report_bytes: int
    word_chars: int


def limits() -> Limits:
    """The limits in force: the environment's, else the defaults."""
    values = {}
    for name, default in DEFAULTS.items():
        raw = os.environ.get(f"EPAPER_MAX_{name.upper()}", "")
        values[name] = int(raw) if raw.strip().isdigit() else default
    return Limits(**values)
