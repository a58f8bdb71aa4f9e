"""The page model: sections, pages, story fragments with their frames, fillers, ads, and
the stories waiting to be placed (pure data; see ``paginate`` for how it is made)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from epaper.layout.fit import Fit, block_starts
from epaper.layout.galley import Line
from epaper.layout.measured import StoryMeasure
from epaper.layout.story import Rect, StoryFrame
from epaper.layout.templates import PageTemplate


@dataclass(frozen=True)
class Section:
    """A section of the edition, in print order."""

    id: str
    title: str
    letter: str
    first_template: str = "inside"
    next_template: str = "inside"


@dataclass(frozen=True)
class PagePlan:
    """The press plan: the edition's page count, or the multiple it is rounded to, and the
    pages of named sections."""

    pages: int | None = None
    multiple: int = 1
    sections: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class PageSpec:
    """An explicitly planned page: its template and, per slot, a story slug."""

    section: str
    template: str
    slots: Mapping[str, str]


@dataclass(frozen=True)
class Fragment:
    """One part of a story on one page."""

    slug: str
    part: int  # 0: the story's start; 1, 2…: continuations
    slot: str
    x: float
    y: float
    frame: StoryFrame
    fit: Fit
    why: str
    jump_to: int | None = None  # page index of the next part (linked when all is placed)
    jump_from: int | None = None  # page index of the previous part
    from_fragment: int | None = None  # the previous part's place in that page's fragments
    continues: bool = False  # the rest goes on to a later page
    feather: tuple[float, ...] = ()  # space added before each paragraph, per column

    @property
    def rect(self) -> Rect:
        return Rect(self.x, self.y, self.frame.width, self.frame.depth)

    @property
    def jumps(self) -> bool:
        return self.continues

    def empty_area(self, measure: StoryMeasure) -> float:
        """Unused depth at the foot of the columns, times the column width."""
        empty = 0.0
        for col, rect in enumerate(self.frame.column_rects()):
            used = self.fit.used(measure.galley, col)
            if self.feather:
                used += self.feather[col] * len(block_starts(measure.galley,
                                                             self.fit.columns[col]))
            if self.jumps and col == len(self.fit.columns) - 1:
                used += measure.galley.pitch  # the "Continued on" line
            empty += max(0.0, rect.height - used) * rect.width
        return empty


@dataclass(frozen=True)
class Filler:
    """A house filler in a hole no story could take."""

    rect: Rect
    why: str


@dataclass(frozen=True)
class PlacedAd:
    """A booked ad at its exact rectangle on the page."""

    rect: Rect
    label: str
    image: str | None = None
    advertiser: str = ""


@dataclass
class Page:
    index: int
    section: Section
    number: int  # within the section, from 1
    template: PageTemplate
    fragments: list[Fragment] = field(default_factory=list)
    fillers: list[Filler] = field(default_factory=list)
    rules: list[Rect] = field(default_factory=list)  # hairlines between stacked stories
    story_area: float = 0.0
    free: list[Space] = field(default_factory=list)  # room left at the foot of stacks
    unplaced: list[Unplaced] = field(default_factory=list)  # what could not be set here
    ads: list[PlacedAd] = field(default_factory=list)  # booked ads (template blocks aside)
    ad_area: float = 0.0  # booked ads and the template's ad blocks, square points
    closing: bool = False  # the last page of a section with a page budget: nothing jumps
    trims: dict[str, tuple[int, ...]] = field(default_factory=dict)  # slug → items cut

    @property
    def label(self) -> str:
        return f"{self.section.letter}{self.number}"


@dataclass
class Space:
    """Room at the foot of a stack: from ``y`` down to ``bottom``."""

    x: float
    y: float
    bottom: float
    width: float
    span: int
    slot: str
    above: int | None = None  # index in the page's fragments of the story just above
    rule: int | None = None  # index in the page's rules of the hairline under it
    top: float = 0.0  # the top of the stack the room is at the foot of




@dataclass(frozen=True)
class Unplaced:
    slug: str
    lines: int
    why: str


@dataclass
class Pages:
    """The page model of an edition."""

    pages: list[Page]
    measures: dict[str, StoryMeasure]
    unplaced: list[Unplaced] = field(default_factory=list)
    held: list[str] = field(default_factory=list)  # stories held for a later edition
    trims: Mapping[str, tuple[int, ...]] = field(default_factory=dict)  # slug → items cut
    fill_rule: float = 0.97
    booked: tuple[str, ...] = ()  # page labels with booked ads
    hold: int = 5  # the hold rule: a story of a lower priority number held is a warning

    def fragments_of(self, slug: str) -> list[tuple[Page, Fragment]]:
        out = [(p, f) for p in self.pages for f in p.fragments if f.slug == slug]
        return sorted(out, key=lambda pf: pf[1].part)


@dataclass(frozen=True)
class Step:
    pending: Pending
    depth: float | None  # None: whole, at its natural depth
    lead_cols: int
    how: str


@dataclass(frozen=True)
class StackPlan:
    y: float
    steps: tuple[Step, ...]
    used: frozenset[int]
    cost: float
    closed: bool
    jumps: int = 0
    growable: float = 0.0  # lead photo depth the stack's justification may add, points


@dataclass
class Pending:
    """A story (or its rest) waiting for space; ``origin``: the waiting story this is a
    trimmed version of."""

    measure: StoryMeasure
    items: tuple[int, ...]
    part: int = 0
    from_page: int | None = None
    from_fragment: int | None = None  # position in that page's fragment list
    origin: Pending | None = None

    @property
    def one_run(self) -> bool:
        """Are the items one run of the galley (no float left behind between them)?"""
        items = self.items
        return bool(items) and items[-1] - items[0] + 1 == len(items)

    @property
    def lines(self) -> int:
        items = self.items
        if self.one_run:
            counts = self.measure.galley.line_counts
            return counts[items[-1] + 1] - counts[items[0]]
        return sum(1 for i in items if isinstance(self.measure.galley.items[i], Line))

    @property
    def run(self) -> tuple[int, ...]:
        """The items as a key: (first item, count) when they are one run of the galley
        (nearly always), else all of them (a rest with a float left behind)."""
        return (self.items[0], len(self.items)) if self.one_run else self.items

