"""Lengths: newsroom units (mm, cm, in, pt, pc, px) to PDF points."""

from __future__ import annotations

import re

PT_PER = {"pt": 1.0, "mm": 72 / 25.4, "cm": 72 / 2.54, "in": 72.0, "pc": 12.0, "px": 0.75}
_LENGTH = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*(pt|mm|cm|in|pc|px)\s*$")


def to_pt(value: str | float | int) -> float:
    """``"391mm"`` → 1108.35. Bare numbers are points. Raises ValueError on junk."""
    if isinstance(value, int | float):
        return float(value)
    match = _LENGTH.match(value)
    if not match:
        raise ValueError(f"not a length: {value!r} (write e.g. 180mm, 7.5in or 520pt)")
    return float(match[1]) * PT_PER[match[2]]
