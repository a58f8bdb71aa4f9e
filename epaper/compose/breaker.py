"""Knuth–Plass total-fit line breaking over boxes, glue and penalties.

The classic algorithm (Knuth & Plass, "Breaking paragraphs into lines", 1981): every legal
breakpoint keeps the best way to reach it per line number, fitness class and run of
hyphenated lines, and the paragraph takes the path of least total demerits. Boxes may carry
stretch and shrink too (a line's letter-spacing range).
"""

from __future__ import annotations

from dataclasses import dataclass

INFINITY = 10_000.0  # a penalty of this size forbids the break; minus it forces one


@dataclass(frozen=True)
class Box:
    width: float
    stretch: float = 0.0
    shrink: float = 0.0


@dataclass(frozen=True)
class Glue:
    width: float
    stretch: float
    shrink: float


@dataclass(frozen=True)
class Penalty:
    width: float
    penalty: float
    flagged: bool = False  # a hyphen: consecutive flagged breaks cost double-hyphen demerits


Item = Box | Glue | Penalty


@dataclass(frozen=True)
class Params:
    tolerance: float
    line_penalty: float
    double_hyphen_demerits: float
    final_hyphen_demerits: float
    fitness_demerits: float
    max_hyphenated_lines: int
    short_last_line: float = 0.0  # natural width under which a last line costs demerits
    short_last_line_demerits: float = 0.0


@dataclass(frozen=True)
class Break:
    """A chosen breakpoint: item ``position`` ends line ``line`` at adjustment ``ratio``."""

    position: int
    line: int
    ratio: float


@dataclass
class _Node:
    position: int
    line: int
    fitness: int
    hyphens: int  # hyphenated lines in a row ending here
    total_width: float
    total_stretch: float
    total_shrink: float
    demerits: float
    ratio: float
    previous: _Node | None


def _fitness(ratio: float) -> int:
    if ratio < -0.5:
        return 0
    if ratio <= 0.5:
        return 1
    if ratio <= 1.0:
        return 2
    return 3


def break_lines(items: list[Item], widths: tuple[float, float], params: Params,
                looseness: int = 0) -> list[Break] | None:
    """The best breaks of ``items`` (ending with a forced break) for lines of ``widths``
    (first line, every other line); None when no set of breaks keeps every line within
    the tolerance. ``looseness``: prefer a solution with that many lines more (or fewer)
    than the best, when one is feasible."""
    options = break_options(items, widths, params)
    if not options:
        return None
    best = min(options, key=lambda n: (options[n][0], n))
    chosen = options.get(best + looseness, options[best]) if looseness else options[best]
    return chosen[1]


def break_options(items: list[Item], widths: tuple[float, float],
                  params: Params) -> dict[int, tuple[float, list[Break]]]:
    """For every number of lines the paragraph can be set in within the tolerance: the
    least total demerits and the breaks that give them (InDesign's copyfit freedom)."""
    sums_w = [0.0]
    sums_y = [0.0]
    sums_z = [0.0]
    for item in items:
        if isinstance(item, Penalty):
            sums_w.append(sums_w[-1])
            sums_y.append(sums_y[-1])
            sums_z.append(sums_z[-1])
        else:
            sums_w.append(sums_w[-1] + item.width)
            sums_y.append(sums_y[-1] + item.stretch)
            sums_z.append(sums_z[-1] + item.shrink)
    active: dict[tuple[int, int, int, int], _Node] = {
        (0, 0, 1, 0): _Node(0, 0, 1, 0, 0.0, 0.0, 0.0, 0.0, 0.0, None)}
    last_index = len(items) - 1
    for b, item in enumerate(items):
        if isinstance(item, Penalty):
            if item.penalty >= INFINITY:
                continue
            width, penalty, flagged = item.width, item.penalty, item.flagged
        elif isinstance(item, Glue) and b > 0 and isinstance(items[b - 1], Box):
            width, penalty, flagged = 0.0, 0.0, False
        else:
            continue
        # totals after the break: skip the glue and penalties that vanish at a line start
        after = b
        while after < len(items) and not isinstance(items[after], Box) and not (
                isinstance(items[after], Penalty) and items[after].penalty <= -INFINITY
                and after > b):
            after += 1
        best: dict[tuple[int, int, int], tuple[float, _Node, float]] = {}
        for key, node in list(active.items()):
            line_width = widths[0] if node.line == 0 else widths[1]
            natural = sums_w[b] - node.total_width + width
            if natural < line_width:
                stretch = sums_y[b] - node.total_stretch
                ratio = (line_width - natural) / stretch if stretch > 0 else INFINITY
            elif natural > line_width:
                shrink = sums_z[b] - node.total_shrink
                ratio = (line_width - natural) / shrink if shrink > 0 else -INFINITY
            else:
                ratio = 0.0
            forced = penalty <= -INFINITY
            if forced and ratio > 0 and b == last_index:
                ratio = 0.0  # the last line is set flush left (its fill stretches)
            if ratio < -1 or forced:
                del active[key]
            if ratio < -1:
                continue
            badness = 100 * abs(ratio) ** 3
            if badness > params.tolerance:
                continue
            hyphens = node.hyphens + 1 if flagged else 0
            if hyphens > params.max_hyphenated_lines:
                continue
            base = params.line_penalty + badness
            if penalty >= 0:
                demerits = base ** 2 + penalty ** 2
            elif penalty > -INFINITY:
                demerits = base ** 2 - penalty ** 2
            else:
                demerits = base ** 2
            if flagged and node.hyphens:
                demerits += params.double_hyphen_demerits
            fitness = _fitness(ratio)
            if abs(fitness - node.fitness) > 1:
                demerits += params.fitness_demerits
            if b == last_index:
                if node.hyphens:
                    demerits += params.final_hyphen_demerits
                if natural < params.short_last_line:
                    demerits += params.short_last_line_demerits
            demerits += node.demerits
            candidate = (node.line + 1, fitness, hyphens)
            if candidate not in best or demerits < best[candidate][0]:
                best[candidate] = (demerits, node, ratio)
        for (line, fitness, hyphens), (demerits, node, ratio) in best.items():
            key = (b, line, fitness, hyphens)
            if key not in active or demerits < active[key].demerits:
                active[key] = _Node(b, line, fitness, hyphens, sums_w[after], sums_y[after],
                                    sums_z[after], demerits, ratio, node)
        if not active:
            return {}
    best: dict[int, _Node] = {}
    for end in active.values():
        if end.position == last_index and (end.line not in best
                                           or end.demerits < best[end.line].demerits):
            best[end.line] = end
    out: dict[int, tuple[float, list[Break]]] = {}
    for count, chosen in best.items():
        path: list[Break] = []
        node: _Node | None = chosen
        while node is not None and node.previous is not None:
            path.append(Break(node.position, node.line, node.ratio))
            node = node.previous
        out[count] = (chosen.demerits, path[::-1])
    return out
