"""Vertical justification of a whole stack: room left at its foot, too deep for one story
to absorb and too shallow for another story, is shared among the stories of the stack.
Each grows by its share, its columns justified down by space between paragraphs (at most
``PER_GAP`` lines per gap), and the stories below move down; the hairlines between them follow."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from epaper.layout.fit import EPS, feathering
from epaper.layout.pagemodel import Page, Space
from epaper.layout.story import Rect

PER_GAP = 1.5  # lines a gap between paragraphs may grow by when a whole stack is justified

if TYPE_CHECKING:
    from epaper.layout.paginate import Paginator


def _same_columns(x: float, width: float, space: Space) -> bool:
    return abs(x - space.x) < 0.5 and abs(width - space.width) < 0.5


def justify_stack(pg: Paginator, page: Page, space: Space) -> bool:
    """Share the room at the foot of ``space`` among the stories above it in its stack;
    False (nothing changed) when some column could not be justified within the limits."""
    hole = space.bottom - space.y
    if hole <= EPS:
        return False
    above = sorted(((k, f) for k, f in enumerate(page.fragments)
                    if _same_columns(f.x, f.frame.width, space)
                    and space.top - EPS <= f.y < space.y), key=lambda kf: kf[1].y)
    if not above:
        return False
    total = sum(f.frame.depth for _, f in above)
    grown = []
    shift = 0.0
    shifts: list[tuple[float, float]] = []  # (original bottom, shift below it)
    for k, f in above:
        g = pg._measures_by_slug[f.slug].galley
        extra = hole * f.frame.depth / total
        frame = f.frame.with_depth(f.frame.depth + extra)
        fit = replace(f.fit, capacities=tuple(r.height for r in frame.column_rects()))
        feather = feathering(fit, g, f.jumps, extra / g.pitch + 3, PER_GAP)
        for c, column in enumerate(fit.columns):
            used = sum(g.items[i].height for i in column) + \
                (g.pitch if f.jumps and c == len(fit.columns) - 1 else 0.0)
            if fit.capacities[c] - used > g.pitch and not feather[c]:
                return False  # this column would stay short: leave the hole
        grown.append((k, replace(f, y=f.y + shift, frame=frame, fit=fit, feather=feather,
                                 why=f.why + "; the stack is justified to its foot")))
        shifts.append((f.y + f.frame.depth, shift + extra))
        shift += extra
    for k, f in grown:
        page.fragments[k] = f
    for n, r in enumerate(page.rules):
        if _same_columns(r.x, r.width, space) and space.top - EPS <= r.y < space.y and \
                r.height >= 0:
            moved = max((s for bottom, s in shifts if bottom <= r.y + EPS), default=0.0)
            page.rules[n] = Rect(r.x, r.y + moved, r.width, r.height)
    if space.rule is not None:
        page.rules[space.rule] = Rect(0, 0, 0, -1)  # no hairline at the foot
    space.y = space.bottom
    return True
