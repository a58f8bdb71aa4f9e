"""Booked ads on a page and the news hole they leave: the page's template stacks with the
ads carved out.

An ad is booked by columns × depth at a position. Its rectangle is exact (points); the
stacks of the page template it overlaps are cut back above, below or beside it, so stories
are laid out in whatever room the ads leave. A template's own ad blocks go when ads are
booked: the stack above each block grows down over it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from epaper.layout.grid import Grid
from epaper.layout.story import Rect
from epaper.layout.templates import PageTemplate, Slot, Stack
from epaper.units import to_pt

MIN_PIECE = 100.0  # points: a piece of a stack shallower than this takes no story
DAN = 15  # a Korean page is 15 단 deep: "5단" is 5/15 of the text depth


@dataclass(frozen=True)
class BookedAd:
    """An ad as booked: page label, columns, depth (points), position, and where it was
    booked (for error messages)."""

    page: str
    columns: int
    depth: float
    position: str
    advertiser: str = ""
    label: str = "Advertisement"
    image: str | None = None
    where: str = ""


def parse_depth(text: str, grid: Grid) -> float:
    """A booked depth in points: ``60mm``, ``8cm``, ``3in``, ``200pt``, ``6rows`` (of the
    layout grid), ``5/15`` (of the text depth) or ``5단``. ValueError when unreadable."""
    value = text.strip().replace(" ", "")
    if m := re.fullmatch(r"(\d+(?:\.\d+)?)rows?", value):
        return float(m[1]) * grid.row_height
    if m := re.fullmatch(r"(\d+(?:\.\d+)?)/(\d+(?:\.\d+)?)", value):
        if float(m[2]) <= 0:
            raise ValueError(f"depth {text!r}: the whole must be more than 0")
        return float(m[1]) / float(m[2]) * grid.text_height
    if m := re.fullmatch(r"(\d+(?:\.\d+)?)(단|dan)", value):
        return float(m[1]) / DAN * grid.text_height
    return to_pt(value)


def news_top(template: PageTemplate, grid: Grid) -> float:
    """Where the news hole starts: under the masthead, or at the top margin."""
    return grid.y(template.masthead_rows) if template.masthead_rows else grid.margin_top


def ad_rect(ad: BookedAd, grid: Grid, top: float) -> Rect:
    """The ad's exact rectangle on a page whose news hole starts at ``top``."""
    width = grid.span(ad.columns)
    bottom = grid.margin_top + grid.text_height
    if ad.position.endswith("left"):
        col = 0
    elif ad.position.endswith("right"):
        col = grid.columns - ad.columns
    else:
        col = (grid.columns - ad.columns) // 2
    if ad.position.startswith("top"):
        y = top
    elif ad.position.startswith("side"):
        y = top + (bottom - top - ad.depth) / 2
    else:
        y = bottom - ad.depth
    return Rect(grid.x(col), y, width, ad.depth)


def overlaps(a: Rect, b: Rect) -> bool:
    return (a.x < b.x + b.width - 0.01 and b.x < a.x + a.width - 0.01
            and a.y < b.y + b.height - 0.01 and b.y < a.y + a.height - 0.01)


def _column_of(x: float, grid: Grid) -> int:
    return round((x - grid.margin_left) / (grid.column_width + grid.gutter))


def _stack(slot: Slot, rect: Rect, grid: Grid, name: str) -> Stack:
    col = _column_of(rect.x, grid)
    span = round((rect.width + grid.gutter) / (grid.column_width + grid.gutter))
    return Stack((replace(slot, name=name, col=col, span=span),), rect)


def _clip(stack: Stack, ad: Rect, grid: Grid) -> list[Stack]:
    """The pieces of a stack left around an ad (a row gap between them and the ad)."""
    r = stack.rect
    if not overlaps(r, ad):
        return [stack]
    gap = grid.row_gap
    slot = stack.slots[0]
    name = stack.slots[-1].name
    pieces: list[tuple[str, Rect]] = []
    above = ad.y - gap - r.y
    below = r.y + r.height - (ad.y + ad.height + gap)
    side_top = ad.y if above >= MIN_PIECE else r.y
    side_bottom = ad.y + ad.height if below >= MIN_PIECE else r.y + r.height
    if above >= MIN_PIECE:
        pieces.append((name, Rect(r.x, r.y, r.width, above)))
    if ad.x > r.x + 0.01:
        pieces.append((f"{name}-left", Rect(r.x, side_top, ad.x - grid.gutter - r.x,
                                             side_bottom - side_top)))
    right = ad.x + ad.width + grid.gutter
    if right < r.x + r.width - 0.01:
        pieces.append((f"{name}-right", Rect(right, side_top, r.x + r.width - right,
                                              side_bottom - side_top)))
    if below >= MIN_PIECE:
        pieces.append((f"{name}-below", Rect(r.x, ad.y + ad.height + gap, r.width, below)))
    return [_stack(slot, rect, grid, n) for n, rect in pieces
            if rect.height >= MIN_PIECE and rect.width > 1]


def without_ad_blocks(template: PageTemplate, grid: Grid) -> PageTemplate:
    """The template with its own ad blocks given to the news: the stack above each block
    (same columns) grows down over it."""
    stacks = list(template.stacks)
    for ad in template.ads:
        ad_box = template.ad_rect(ad, grid)
        for n, st in enumerate(stacks):
            if (st.slots[0].col, st.span) == (ad.col, ad.span) and \
                    abs(st.rect.y + st.rect.height + grid.row_gap - ad_box.y) < 1:
                stacks[n] = Stack(st.slots, Rect(st.rect.x, st.rect.y, st.rect.width,
                                                 ad_box.y + ad_box.height - st.rect.y))
    return replace(template, ads=(), stacks=tuple(stacks))


def carve(template: PageTemplate, grid: Grid, ads: list[Rect]) -> PageTemplate:
    """The template's stacks around booked ads (its own ad blocks removed)."""
    base = without_ad_blocks(template, grid)
    stacks = list(base.stacks)
    for ad in ads:
        stacks = [piece for st in stacks for piece in _clip(st, ad, grid)]
    slots = tuple(s for st in stacks for s in st.slots)
    return replace(base, stacks=tuple(stacks), slots=slots)
