"""The galley: a story's flow set in one column, as a list of lines and unbreakable boxes.

Built from the measurements of a real WeasyPrint layout (see ``epaper.render.weasy``).
Each text line keeps which characters of its paragraph it holds, so that later stages can
put any line in any column, or on another page, and set exactly those characters again.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from itertools import accumulate

from epaper.errors import RenderError
from epaper.layout.compose import FlowBlock
from epaper.model import Paragraph, Subhead

HYPHEN = "\u2010"  # what WeasyPrint appends to a hyphenated line (CSS hyphenate-character)


@dataclass(frozen=True)
class MeasuredLine:
    """One line box as WeasyPrint set it: its text and height in points."""

    text: str
    height: float


@dataclass(frozen=True)
class Line:
    """A text line of paragraph ``block``: characters ``start:end`` of its text."""

    block: int
    start: int
    end: int
    height: float
    hyphen: bool = False  # a hyphen is added at the end (the word goes on in the next line)
    first: bool = False
    last: bool = False
    # set by the composer (epaper.compose); zero for lines WeasyPrint broke itself
    letter_spacing: float = 0.0  # points after every character
    word_spacing: float = 0.0  # points added to every space (negative: tightened)
    planned: float = 0.0  # the width the line sets at before justification, points
    space_ratio: float = 0.0  # a word space as justified over the natural space
    break_kind: str = ""  # how the line ends inside a word: auto, explicit, syllable


@dataclass(frozen=True)
class Box:
    """An unbreakable block (subhead, photo, pull quote, box), its height snapped to the grid."""

    block: int
    height: float
    natural: float
    floats: bool
    keep_lines: int = 0  # body lines that must follow it in the same column


Item = Line | Box


@dataclass(frozen=True)
class Galley:
    items: tuple[Item, ...]
    pitch: float  # the body line height: the grid every box snaps to
    breaker: str = "greedy"  # who broke the lines: "total-fit" (epaper) or "greedy" (WeasyPrint)
    emergency: tuple[int, ...] = ()  # paragraphs set past the composer's tolerance
    # the composer's freedom: paragraph block → {-1 or +1: its lines set one line shorter or
    # longer within the tolerance}
    alternatives: Mapping[int, Mapping[int, tuple[Line, ...]]] = field(default_factory=dict)

    @property
    def text_lines(self) -> int:
        return self.line_counts[-1]

    @cached_property
    def height_sums(self) -> tuple[float, ...]:
        """The height of the first k items, for each k."""
        return (0.0, *accumulate(item.height for item in self.items))

    @cached_property
    def line_heights(self) -> tuple[float | None, ...]:
        """Each item's height if it is a text line, else None (boxes)."""
        return tuple(item.height if isinstance(item, Line) else None for item in self.items)

    @cached_property
    def line_counts(self) -> tuple[int, ...]:
        """Text lines among the first k items, for each k (the pagination asks often)."""
        counts = [0]
        for item in self.items:
            counts.append(counts[-1] + isinstance(item, Line))
        return tuple(counts)

    def loosened(self, changes: Mapping[int, int]) -> Galley:
        """The galley with paragraphs set a line shorter or longer (``changes``: block →
        -1 or +1, from :attr:`alternatives`); every word stays, in order."""
        items: list[Item] = []
        done: set[int] = set()
        for item in self.items:
            change = changes.get(item.block, 0) if isinstance(item, Line) else 0
            if not change or item.block not in self.alternatives or \
                    change not in self.alternatives[item.block]:
                items.append(item)
            elif item.block not in done:
                done.add(item.block)
                items.extend(self.alternatives[item.block][change])
        return replace(self, items=tuple(items))


def snap(height: float, pitch: float) -> float:
    """Round ``height`` up to whole grid lines (tolerating float noise)."""
    return math.ceil(height / pitch - 1e-3) * pitch


def _locate(text: str, lines: Sequence[MeasuredLine], marker: str, block: int) -> list[Line]:
    out = []
    pos = 0
    for n, measured in enumerate(lines):
        shown = measured.text
        if n == 0 and marker and shown.startswith(marker):
            shown = shown[len(marker):]
        shown = shown.strip(" ")
        hyphen = False
        while pos < len(text) and text[pos] == " ":
            pos += 1
        if shown.endswith(HYPHEN) and not text.startswith(shown, pos):
            shown, hyphen = shown[:-1], True
        if not text.startswith(shown, pos):
            raise RenderError(
                f"cannot match set line {n + 1} of block {block} to its source text: "
                f"{shown!r} vs {text[pos:pos + len(shown)]!r}")
        out.append(Line(block, pos, pos + len(shown), measured.height, hyphen, n == 0, False))
        pos += len(shown)
    if text[pos:].strip():
        raise RenderError(f"block {block}: text left unset after the last line: {text[pos:]!r}")
    if out:
        out[-1] = Line(out[-1].block, out[-1].start, len(text), out[-1].height,
                       out[-1].hyphen, out[-1].first, True)
    return out


def build_galley(
    flow: Sequence[FlowBlock],
    lines: Mapping[int, Sequence[MeasuredLine]],
    heights: Mapping[int, float],
    subhead_keep_lines: int = 2,
) -> Galley:
    """Turn per-block measurements into a galley. ``lines``: text lines of each paragraph;
    ``heights``: margin-box heights of the unbreakable blocks."""
    counts = Counter(round(m.height, 2) for b in flow if b.splittable for m in lines[b.index])
    if not counts:
        raise RenderError("the story has no text lines to set")
    pitch = counts.most_common(1)[0][0]
    located = {fb.index: _locate(fb.block.text, lines[fb.index], fb.block.marker, fb.index)
               for fb in flow if isinstance(fb.block, Paragraph)}
    return assemble(flow, located, heights, pitch, subhead_keep_lines)


def assemble(flow: Sequence[FlowBlock], lines: Mapping[int, Sequence[Line]],
             heights: Mapping[int, float], pitch: float, subhead_keep_lines: int = 2,
             breaker: str = "greedy", emergency: tuple[int, ...] = (),
             alternatives: Mapping[int, Mapping[int, tuple[Line, ...]]] | None = None,
             ) -> Galley:
    """A galley from each paragraph's set lines and the unbreakable blocks' heights."""
    items: list[Item] = []
    for fb in flow:
        if isinstance(fb.block, Paragraph):
            items.extend(lines[fb.index])
        else:
            natural = heights[fb.index]
            keep = subhead_keep_lines if isinstance(fb.block, Subhead) else 0
            items.append(Box(fb.index, snap(natural, pitch), natural, fb.floats, keep))
    return Galley(tuple(items), pitch, breaker, emergency, alternatives or {})
