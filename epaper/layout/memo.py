"""What a paginator remembers while the desk lays the edition out again and again.

The desk tries each section many times over (page budgets, cuts, photo sizes), and most
of what a trial computes came up in the trial before: the same story in the same frame,
the same stack search over the same waiting stories. Every entry here is a pure function
of its key within one paginator (its layout and house rules are fixed; the desk's photo
growth is in the keys where it matters), so a remembered result is exactly the one the
work would give again. Keys name story measures by ``id``: the paginator holds its
measures for its whole life, so those ids stay theirs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from epaper.layout.fit import Fit
from epaper.layout.pagemodel import Pending
from epaper.layout.story import StoryFrame

# a stack search's steps, by the queue index of the story each sets: (index, items kept
# when trimmed, depth when it jumps, lead photo width, why)
Found = tuple[tuple[int, int | None, float | None, int, str], ...]


@dataclass(frozen=True)
class Option:
    """A way to set a waiting story at a span, as the stack search weighs it."""

    lead: int  # lead photo width in columns (0: none above the text)
    natural: float  # depth when set whole
    waste: float  # blank column feet when set whole, in body lines
    other: bool  # not the photo width the layout prefers
    trim: bool  # may be cut at a paragraph end
    min_depth: float  # the least depth worth starting it in
    tops: tuple[float, ...]  # where its text columns start below the frame's top
    head: float
    pitch: float
    growable: float  # how much its lead photo may grow, over the stack's width
    # body lines of room → how it trims to them: (items kept, depth, cost, waste) or None
    trims: dict[int, tuple[int, float, float, float] | None] = field(default_factory=dict)

    def lines_before(self, room: float) -> int:
        """Body lines a frame of depth ``room`` holds (what stays before a jump)."""
        return sum(int(max(0.0, room - top) // self.pitch) for top in self.tops)


@dataclass
class Memo:
    """The paginator's memory (see the module docstring); one per paginator."""

    # (slug, items, part, span, lead width, growth) → (natural depth, waste in lines)
    natural: dict[tuple[object, ...], tuple[float, float]] = field(default_factory=dict)
    # (id of a waiting story, items kept) → that story cut (the same object every time)
    cuts: dict[tuple[int, int], Pending] = field(default_factory=dict)
    # trim_to's arguments, the room in whole lines → the cut, or None
    trims: dict[tuple[object, ...], Pending | None] = field(default_factory=dict)
    # (measure, items) → where the story may be cut (items kept)
    ends: dict[tuple[int, tuple[int, ...]], list[int]] = field(default_factory=dict)
    # (story content, span, lead width, growth) → (items kept, depth bound, natural depth)
    # for each place it may be cut
    tables: dict[tuple[object, ...], tuple[list[int], list[float], list[float | None]]] = \
        field(default_factory=dict)
    # (story content, span, growth) → how it may be set there
    options: dict[tuple[object, ...], list[Option]] = field(default_factory=dict)
    # where a stack search ran → (the queue it looked at, all of it?, its steps)
    stacks: dict[tuple[object, ...], list[tuple[list[tuple[object, ...]], bool, Found]]] = \
        field(default_factory=dict)
    # (story content, span, depth, may jump, lead width, growth) → (frame, fit, feathering)
    placed: dict[tuple[object, ...], tuple[StoryFrame, Fit, tuple[float, ...]]] = \
        field(default_factory=dict)
    # (id of a frame, id of a fit, feathering, jumps) → (that frame, that fit, empty area);
    # the objects are kept to tell a reused id from the same frame and fit
    empties: dict[tuple[object, ...], tuple[StoryFrame, Fit, float]] = \
        field(default_factory=dict)
