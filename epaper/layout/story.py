"""A story set in a frame of whole columns: its geometry and its copyfit figures.

Geometry is in points relative to the story's top-left corner: the head across all
columns, the lead photo over the first columns, then the text columns. The same
geometry will later place stories on pages and give e-paper hotspots.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from epaper.layout.compose import FlowBlock
from epaper.layout.fit import EPS, Fit, FitRules, fit_columns, lines_capacity
from epaper.layout.galley import Galley, Line
from epaper.layout.grid import Grid
from epaper.model import Paragraph
from epaper.units import PT_PER


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class StoryFrame:
    """The shape a story is set in: columns, head and lead photo depths, total depth."""

    columns: int
    column_width: float
    gutter: float
    head_height: float
    lead_columns: int
    lead_height: float
    depth: float  # the whole story, head included

    @property
    def width(self) -> float:
        return self.columns * self.column_width + (self.columns - 1) * self.gutter

    @property
    def lead_width(self) -> float:
        return self.lead_columns * self.column_width + (self.lead_columns - 1) * self.gutter

    @property
    def lead_x(self) -> float:
        """The lead photo sits over the last columns, so the text opens at the top left."""
        return (self.columns - self.lead_columns) * (self.column_width + self.gutter)

    def column_rects(self) -> list[Rect]:
        return [Rect(i * (self.column_width + self.gutter), top, self.column_width,
                     max(0.0, self.depth - top)) for i, top in enumerate(self.column_tops())]

    def column_tops(self) -> list[float]:
        """Where each text column starts below the frame's top (under the lead photo, the
        last columns start below it)."""
        first_under_lead = self.columns - self.lead_columns
        return [self.head_height + (self.lead_height if self.lead_columns and
                                    i >= first_under_lead else 0.0)
                for i in range(self.columns)]

    def with_depth(self, depth: float) -> StoryFrame:
        return StoryFrame(self.columns, self.column_width, self.gutter, self.head_height,
                          self.lead_columns, self.lead_height, depth)


def frame_for(grid: Grid, columns: int, head_height: float, lead_columns: int,
              lead_height: float, depth: float = 0.0) -> StoryFrame:
    """A frame of ``columns`` grid columns."""
    return StoryFrame(columns, grid.column_width, grid.gutter, head_height, lead_columns,
                      lead_height, depth)


def fit_frame(galley: Galley, frame: StoryFrame, rules: FitRules) -> Fit:
    """Set the galley into the frame's columns."""
    return fit_columns(galley, [r.height for r in frame.column_rects()], rules)


def natural_depth(galley: Galley, frame: StoryFrame, rules: FitRules) -> StoryFrame:
    """The shallowest frame, in whole lines, that holds the whole story (balanced columns).

    A galloping search on the body depth up from the balanced lower bound, then a step
    back while one line less still fits (widow and orphan rules make fitting not quite
    monotonic)."""
    return natural_fit(galley, frame, rules)[0]


def least_lines(total: float, frame: StoryFrame, pitch: float) -> int:
    """Body lines below the head that a frame needs at least to hold ``total`` points of
    galley: a line under its lead photo, and room for all of it, the photo's columns
    starting lower (a column takes at most its height and the fit's tolerance)."""
    photo = frame.lead_height * frame.lead_columns
    return max(1, math.ceil((frame.lead_height + pitch) / pitch - EPS),
               math.ceil((total + photo - frame.columns * EPS) / frame.columns / pitch - EPS))


def natural_fit(galley: Galley, frame: StoryFrame, rules: FitRules) -> tuple[StoryFrame, Fit]:
    """``natural_depth``, with the galley's fit in that frame."""
    pitch = galley.pitch
    total = sum(item.height for item in galley.items)
    low = least_lines(total, frame, pitch)
    high = max(low, math.ceil((total + frame.lead_height + pitch) / pitch))

    tried: dict[int, Fit] = {}
    tops = frame.column_tops()

    def fits(lines: int) -> bool:
        if lines not in tried:
            depth = frame.head_height + lines * pitch
            tried[lines] = fit_columns(galley, [max(0.0, depth - top) for top in tops], rules)
        return tried[lines].fits

    # the depth is most often a line or two past the balanced lower bound: gallop up from
    # it, then search between the last depth that did not fit and the first that did
    lo = hi = low
    step = 1
    while not fits(hi):
        if hi >= high:
            return frame.with_depth(frame.head_height + high * pitch), tried[hi]
        lo, hi, step = hi + 1, min(hi + step, high), step * 2
    while lo < hi:
        mid = (lo + hi) // 2
        if fits(mid):
            hi = mid
        else:
            lo = mid + 1
    while lo > low and fits(lo - 1):
        lo -= 1
    return frame.with_depth(frame.head_height + lo * pitch), tried[lo]


@dataclass(frozen=True)
class Copyfit:
    """What a desk editor reads off a proof: how the story fills its frame."""

    columns: int
    column_width_pt: float
    gutter_pt: float
    depth_pt: float
    depth_mm: float
    head_depth_pt: float
    line_pitch_pt: float
    lines: int  # body text lines the story needs at this width
    lines_set: int
    lines_available: int  # text lines the frame holds beside its placed photos and boxes
    overset_lines: int
    underset_lines: int
    overset_blocks: int  # photos, pull quotes, boxes that did not fit
    words: int
    characters: int
    overset_words: int
    widows: int
    orphans: int
    fits: bool


def _word_starts(text: str) -> list[int]:
    return [i for i, ch in enumerate(text) if ch != " " and (i == 0 or text[i - 1] == " ")]


def copyfit(galley: Galley, fit: Fit, frame: StoryFrame,
            flow: tuple[FlowBlock, ...]) -> Copyfit:
    """The copyfit figures of a fitted story."""
    texts = {fb.index: fb.block.text for fb in flow if isinstance(fb.block, Paragraph)}
    starts = {index: _word_starts(text) for index, text in texts.items()}
    overset = set(fit.overset)
    lines = galley.text_lines
    overset_lines = sum(1 for i in overset if isinstance(galley.items[i], Line))
    overset_words = 0
    for i in overset:
        item = galley.items[i]
        if isinstance(item, Line):
            overset_words += sum(1 for s in starts[item.block] if item.start <= s < item.end)
    available = lines_capacity(fit, galley)
    lines_set = lines - overset_lines
    return Copyfit(
        columns=frame.columns,
        column_width_pt=round(frame.column_width, 2),
        gutter_pt=round(frame.gutter, 2),
        depth_pt=round(frame.depth, 2),
        depth_mm=round(frame.depth / PT_PER["mm"], 1),
        head_depth_pt=round(frame.head_height, 2),
        line_pitch_pt=round(galley.pitch, 3),
        lines=lines,
        lines_set=lines_set,
        lines_available=available,
        overset_lines=overset_lines,
        underset_lines=max(0, available - lines_set) if not overset else 0,
        overset_blocks=sum(1 for i in overset if not isinstance(galley.items[i], Line)),
        words=sum(len(s) for s in starts.values()),
        characters=sum(len(t) for t in texts.values()),
        overset_words=overset_words,
        widows=fit.widows,
        orphans=fit.orphans,
        fits=fit.fits,
    )
