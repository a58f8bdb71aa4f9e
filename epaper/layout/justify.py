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
    False (nothing changed) when some column could not be justified within the limits.
    Shares are tried in turn: by how far each story can grow; photos first; text only."""
    hole = space.bottom - space.y
    if hole <= EPS:
        return False
    above = sorted(((k, f) for k, f in enumerate(page.fragments)
                    if _same_columns(f.x, f.frame.width, space)
                    and space.top - EPS <= f.y < space.y), key=lambda kf: kf[1].y)
    if not above:
        return False
    text = {k: _room(pg, f) for k, f in above}  # how far each can grow
    photo = {k: _photo_room(pg, f) for k, f in above}
    for shares in _shares(hole, text, photo):
        grown = _grown(pg, above, shares, photo)
        if grown is not None:
            break
    else:
        return False
    fragments, shifts = grown
    for k, f in fragments:
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


def _shares(hole: float, text: dict[int, float],
            photo: dict[int, float]) -> list[dict[int, tuple[float, bool]]]:
    """Ways to share ``hole`` among the stories: each story's (extra depth, by its photo
    first). Only ways where every story stays within how far it can grow."""
    out = []
    both = {k: text[k] + photo[k] for k in text}
    if sum(both.values()) >= hole - EPS:
        out.append({k: (hole * both[k] / sum(both.values()), True) for k in text})
        if sum(photo.values()) > EPS:  # photos take what they can, text the rest
            by_photo = min(hole, sum(photo.values()))
            rest = hole - by_photo
            out.append({k: (by_photo * photo[k] / sum(photo.values())
                            + (rest * text[k] / sum(text.values()) if rest > EPS else 0.0),
                            True) for k in text})
    if sum(text.values()) >= hole - EPS:
        out.append({k: (hole * text[k] / sum(text.values()), False) for k in text})
    return out


def _grown(pg: Paginator, above: Sequence[tuple[int, Fragment]],
           shares: dict[int, tuple[float, bool]], photo: dict[int, float]
           ) -> tuple[list[tuple[int, Fragment]], list[tuple[float, float]]] | None:
    """The stories of the stack each set deeper by its share, the ones below moved down,
    with (original bottom, shift below it) for the hairlines; None when a column would
    stay short."""
    grown = []
    shift = 0.0
    shifts: list[tuple[float, float]] = []  # (original bottom, shift below it)
    for k, f in above:
        g = pg._measures_by_slug[f.slug].galley
        extra, photo_first = shares[k]
        if extra <= EPS:  # this one cannot grow: it only moves down
            grown.append((k, replace(f, y=f.y + shift)))
            shifts.append((f.y + f.frame.depth, shift))
            continue
        set_deeper = _deeper(pg, f, g, extra, min(extra, photo[k]) if photo_first else 0.0)
        if set_deeper is None:
            return None  # a column would stay short: leave the hole
        grown.append((k, replace(set_deeper, y=f.y + shift)))
        shifts.append((f.y + f.frame.depth, shift + extra))
        shift += extra
    return grown, shifts


def _deeper(pg: Paginator, f: Fragment, g: Galley, extra: float,
            by_photo: float) -> Fragment | None:
    """The story set ``extra`` deeper, ``by_photo`` of it by cropping its photo taller
    (the text beside a narrower photo rebalanced: a line or two less photo where the
    columns would not break evenly), every column justified to its foot; None if not."""
    tries = [0.0] if by_photo <= EPS else \
        [by_photo * f.frame.columns / f.frame.lead_columns - n * g.pitch for n in range(4)]
    for grow in (t for t in tries if t >= 0):
        frame = f.frame.with_depth(f.frame.depth + extra)
        why = "; the stack is justified to its foot"
        if grow > EPS:  # the photo is cropped taller
            frame = replace(frame, lead_height=frame.lead_height + grow)
            why += f"; photo grown {grow:.0f}pt"
        caps = [r.height for r in frame.column_rects()]
        fit = replace(f.fit, capacities=tuple(caps))
        if grow > EPS:
            if f.jumps:
                caps[-1] -= g.pitch  # the "Continued on" line
            fit = fit_subset(g, [i for col in f.fit.columns for i in col], caps, pg.rules)
            if fit.overset:
                continue
            fit = replace(fit, capacities=tuple(r.height for r in frame.column_rects()))
        feather = feathering(fit, g, f.jumps, float("inf"), PER_GAP)
        if all(fit.capacities[c] - _used(g, column, f.jumps and c == len(fit.columns) - 1)
               <= EPS or feather[c] for c, column in enumerate(fit.columns)):
            return replace(f, frame=frame, fit=fit, feather=feather, why=f.why + why)
    return None


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
