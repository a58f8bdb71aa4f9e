"""Vertical justification of a whole stack: room left at its foot, too deep for one story
to absorb and too shallow for another story, is shared among the stories of the stack.
Each grows by its share, its columns justified down by space between paragraphs (at most
``PER_GAP`` lines per gap), and the stories below move down; the hairlines between them follow."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from epaper.layout.fit import EPS, block_starts, feathering, fit_subset
from epaper.layout.galley import Galley
from epaper.layout.pagemodel import Fragment, Page, Space
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
    room = {k: _room(pg, f) + _photo_room(pg, f) for k, f in above}  # how far each can grow
    if sum(room.values()) < hole - EPS:
        return False
    grown = []
    shift = 0.0
    shifts: list[tuple[float, float]] = []  # (original bottom, shift below it)
    for k, f in above:
        g = pg._measures_by_slug[f.slug].galley
        extra = hole * room[k] / sum(room.values())
        if extra <= EPS:  # this one cannot grow: it only moves down
            grown.append((k, replace(f, y=f.y + shift)))
            shifts.append((f.y + f.frame.depth, shift))
            continue
        frame = f.frame.with_depth(f.frame.depth + extra)
        why = "; the stack is justified to its foot"
        by_photo = min(extra, _photo_room(pg, f))
        if by_photo > EPS:  # the photo is cropped taller; the text beside it rebalances
            grow = by_photo * f.frame.columns / f.frame.lead_columns
            frame = replace(frame, lead_height=frame.lead_height + grow)
            why += f"; photo grown {grow:.0f}pt"
        caps = [r.height for r in frame.column_rects()]
        fit = replace(f.fit, capacities=tuple(caps))
        if by_photo > EPS:
            if f.jumps:
                caps[-1] -= g.pitch  # the "Continued on" line
            fit = fit_subset(g, [i for col in f.fit.columns for i in col], caps, pg.rules)
            if fit.overset:
                return False
            fit = replace(fit, capacities=tuple(r.height for r in frame.column_rects()))
        feather = feathering(fit, g, f.jumps, float("inf"), PER_GAP)
        for c, column in enumerate(fit.columns):
            if fit.capacities[c] - _used(g, column, f.jumps and c == len(fit.columns) - 1) \
                    > EPS and not feather[c]:
                return False  # this column would stay short: leave the hole
        grown.append((k, replace(f, y=f.y + shift, frame=frame, fit=fit, feather=feather,
                                 why=f.why + why)))
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


def _used(g: Galley, column: Sequence[int], jump_line: bool) -> float:
    return sum(g.items[i].height for i in column) + (g.pitch if jump_line else 0.0)


PHOTO_GROWTH = 0.75  # a lead photo may be cropped up to this much taller than it is set


def _photo_room(pg: Paginator, f: Fragment) -> float:
    """How much deeper the story can be set by cropping its lead photo taller (the text
    beside a narrower photo takes its share of the depth)."""
    if f.part or not f.frame.lead_columns:
        return 0.0
    natural = pg._measures_by_slug[f.slug].leads.get(f.frame.lead_columns, 0.0)
    grow = max(0.0, (1 + PHOTO_GROWTH) * natural - f.frame.lead_height)
    return grow * f.frame.lead_columns / f.frame.columns


def _room(pg: Paginator, f: Fragment) -> float:
    """How much deeper the story can be set with every column justified to its foot."""
    g = pg._measures_by_slug[f.slug].galley
    out = float("inf")
    for c, column in enumerate(f.fit.columns):
        slack = f.fit.capacities[c] - _used(g, column, f.jumps and c == len(f.fit.columns) - 1)
        starts = len(block_starts(g, column))
        out = min(out, PER_GAP * g.pitch * starts - slack)
    return max(0.0, out) if f.fit.columns else 0.0
