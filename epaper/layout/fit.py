"""Copyfitting: fill a story's columns with its galley, line by line.

Pure arithmetic on measured heights, so the same galley can be tried in many shapes
(natural depth search, page slots, jumps) without another WeasyPrint layout.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from epaper.layout.galley import Box, Galley, Line

EPS = 0.01


@dataclass(frozen=True)
class Fit:
    """Which galley items (by index) went into which column, and what did not fit."""

    columns: tuple[tuple[int, ...], ...]
    overset: tuple[int, ...]
    capacities: tuple[float, ...]
    pitch: float
    widows: int = 0  # paragraph-ending lines left alone at a column top
    orphans: int = 0  # paragraph-opening lines left alone at a column bottom

    @property
    def fits(self) -> bool:
        return not self.overset

    def used(self, galley: Galley, column: int) -> float:
        return sum(galley.items[i].height for i in self.columns[column])


@dataclass(frozen=True)
class FitRules:
    widows: int = 2
    orphans: int = 2


def _para_run(items: Sequence[int], galley: Galley, block: int) -> int:
    """How many trailing entries of ``items`` are lines of paragraph ``block``."""
    count = 0
    for index in reversed(items):
        item = galley.items[index]
        if isinstance(item, Line) and item.block == block:
            count += 1
        else:
            break
    return count


def _remaining_lines(galley: Galley, i: int) -> int:
    """Lines of the paragraph of line ``i`` from ``i`` to its end, inclusive."""
    block = galley.items[i].block
    n = 0
    while i < len(galley.items):
        item = galley.items[i]
        if not (isinstance(item, Line) and item.block == block):
            break
        n += 1
        i += 1
    return n


def fit_columns(galley: Galley, capacities: Sequence[float],
                rules: FitRules = FitRules()) -> Fit:
    """Fill columns of the given heights (points) in order. Text keeps its order; photos,
    pull quotes and boxes that do not fit at the bottom of a column float to the top of
    the next one. Widows and orphans are avoided where the column allows."""
    items = galley.items
    heights = galley.line_heights
    n = len(items)
    columns: list[list[int]] = [[] for _ in capacities]
    placed: set[int] = set()
    deferred: list[int] = []
    widows = orphans = 0
    c, i, used = 0, 0, 0.0
    tallest = max(capacities, default=0.0)

    def next_column() -> None:
        nonlocal c, used
        c += 1
        used = 0.0
        if c < len(capacities):
            for d in list(deferred):
                if items[d].height <= capacities[c] - used + EPS:
                    columns[c].append(d)
                    placed.add(d)
                    deferred.remove(d)
                    used += items[d].height

    def keep_room(box: Box, at: int) -> float:
        room, k, j = 0.0, 0, at + 1
        while k < box.keep_lines and j < n and isinstance(items[j], Line):
            room += items[j].height
            k += 1
            j += 1
        return room

    while i < n and c < len(capacities):
        if i in placed or i in deferred:
            i += 1
            continue
        item = items[i]
        room = capacities[c] - used
        col = columns[c]
        if isinstance(item, Box):
            need = item.height + keep_room(item, i)
            if need <= room + EPS:
                col.append(i)
                placed.add(i)
                used += item.height
                i += 1
            elif item.height > tallest + EPS:
                i += 1  # taller than any column: overset (and reported); the text goes on
            elif item.floats and item.height <= max(capacities[c + 1:], default=0) + EPS:
                deferred.append(i)
                i += 1
            else:
                next_column()
            continue
        if item.height <= room + EPS:  # this line and those after it that fit
            start, cap = i, capacities[c]
            used += item.height
            i += 1
            while i < n and (h := heights[i]) is not None and h <= cap - used + EPS:
                used += h
                i += 1
            col.extend(range(start, i))
            placed.update(range(start, i))
            continue
        # Column break before line i: keep paragraphs from leaving widows and orphans.
        if col:
            tail = _para_run(col, galley, item.block)
            ahead = _remaining_lines(galley, i)
            move = 0
            first_here = bool(tail) and isinstance(items[col[-tail]], Line) and \
                items[col[-tail]].first
            if tail and ahead < rules.widows:
                move = rules.widows - ahead
                if first_here and tail - move < rules.orphans:
                    move = tail  # the whole part moves rather than leave an orphan
            if not move and first_here and tail < rules.orphans:
                move = tail
            if move and move < len(col):
                popped = [col.pop() for _ in range(min(move, tail))]
                for j in popped:
                    placed.discard(j)
                    used -= items[j].height
                i = min(popped)
            elif tail and ahead < rules.widows:
                widows += 1
            elif first_here and tail < rules.orphans:
                orphans += 1
        if item.height > tallest + EPS:
            break  # a line taller than every column: nothing more can be set
        next_column()
    while deferred and c + 1 < len(capacities):  # floats still waiting for a column
        next_column()
    overset = () if len(placed) == n else tuple(sorted(set(range(n)) - placed))
    return Fit(tuple(tuple(col) for col in columns), overset, tuple(capacities),
               galley.pitch, widows, orphans)


def lines_capacity(fit: Fit, galley: Galley) -> int:
    """Text lines the columns can take, after the boxes that were placed in them."""
    grid_lines = sum(math.floor(cap / fit.pitch + EPS) for cap in fit.capacities)
    box_lines = sum(round(galley.items[i].height / fit.pitch)
                    for col in fit.columns for i in col if isinstance(galley.items[i], Box))
    return grid_lines - box_lines


def fit_subset(galley: Galley, indices: Sequence[int], capacities: Sequence[float],
               rules: FitRules = FitRules()) -> Fit:
    """Fit only the galley items at ``indices`` (a story's remainder); the returned fit
    speaks of the galley's own indices."""
    sub = Galley(tuple(galley.items[i] for i in indices), galley.pitch)
    fit = fit_columns(sub, capacities, rules)
    back = list(indices)
    return Fit(tuple(tuple(back[i] for i in col) for col in fit.columns),
               tuple(back[i] for i in fit.overset), fit.capacities, fit.pitch,
               fit.widows, fit.orphans)


def cut_for_jump(fit: Fit, galley: Galley, min_jump_lines: int, orphans: int) -> Fit:
    """Adjust a fit whose rest jumps to another page: the first part never ends inside a
    hyphenated word or with a paragraph's lone first lines, and the jump carries at least
    ``min_jump_lines`` lines."""
    if not fit.overset:
        return fit
    columns = [list(col) for col in fit.columns]
    overset = set(fit.overset)

    def last_line() -> tuple[int, int] | None:
        for c in range(len(columns) - 1, -1, -1):
            if columns[c]:
                index = columns[c][-1]
                return (c, index) if isinstance(galley.items[index], Line) else None
        return None

    def move(c: int) -> None:
        overset.add(columns[c].pop())

    def jumped_lines() -> int:
        return sum(1 for i in overset if isinstance(galley.items[i], Line))

    placed_lines = sum(1 for col in columns for i in col if isinstance(galley.items[i], Line))
    while placed_lines > 1 and (spot := last_line()) is not None:
        c, index = spot
        line = galley.items[index]
        assert isinstance(line, Line)
        run = _para_run(columns[c], galley, line.block)
        starts_here = isinstance(galley.items[columns[c][-run]], Line) and \
            galley.items[columns[c][-run]].first
        if line.hyphen or jumped_lines() < min_jump_lines or (starts_here and run < orphans):
            move(c)
            placed_lines -= 1
            continue
        break
    return Fit(tuple(tuple(col) for col in columns), tuple(sorted(overset)), fit.capacities,
               fit.pitch, fit.widows, fit.orphans)


def block_starts(galley: Galley, column: Sequence[int]) -> list[int]:
    """Positions in a column (after its first item) where a new paragraph or box begins."""
    return [k for k in range(1, len(column))
            if isinstance(galley.items[column[k]], Box) or galley.items[column[k]].first  # type: ignore[union-attr]
            or isinstance(galley.items[column[k - 1]], Box)]


def feathering(fit: Fit, galley: Galley, jumps: bool, max_lines: float = 3.0,
               per_gap: float = 1.0) -> tuple[float, ...]:
    """Vertical justification: for each column, the space to add before each paragraph so
    that a short column reaches the foot of its frame, as long as the column is short by at
    most ``max_lines`` and no gap grows by more than ``per_gap`` lines (else 0)."""
    out = []
    for c, column in enumerate(fit.columns):
        used = sum(galley.items[i].height for i in column)
        if jumps and c == len(fit.columns) - 1:
            used += galley.pitch  # the "Continued on" line
        slack = fit.capacities[c] - used
        starts = block_starts(galley, column)
        if EPS < slack <= max_lines * fit.pitch + EPS and starts and \
                slack / len(starts) <= per_gap * fit.pitch + EPS:
            out.append(round(slack / len(starts), 3))
        else:
            out.append(0.0)
    return tuple(out)
