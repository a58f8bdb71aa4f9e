"""Trimming at paragraph ends, from the bottom (inverted pyramid): where a story may be
cut, and how many paragraphs a cut removes."""

from __future__ import annotations

from collections.abc import Sequence

from epaper.layout.galley import Galley, Line


def cut_points(galley: Galley, items: Sequence[int]) -> list[int]:
    """How many of ``items`` may be kept: each count ends with a paragraph's last line and
    leaves something to cut."""
    return [k + 1 for k in range(len(items) - 1)
            if isinstance(line := galley.items[items[k]], Line) and line.last]


def paragraphs_in(galley: Galley, items: Sequence[int]) -> int:
    """Paragraphs that begin among ``items``."""
    return sum(1 for i in items if isinstance(line := galley.items[i], Line) and line.first)
