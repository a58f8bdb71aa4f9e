"""The views the layout's templates see: stories placed in columns (lines and boxes with
their positions in points), heads, photos, the measuring document's stories, and pages."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

from PIL import Image as PILImage

from epaper import l10n
from epaper.layout.compose import FlowBlock, StoryParts
from epaper.layout.fit import Fit, block_starts
from epaper.layout.galley import Galley, Line
from epaper.layout.story import StoryFrame
from epaper.model import (
    Article,
    Image,
    Paragraph,
    PullQuote,
    Related,
    Rule,
    Run,
    Subhead,
)
from epaper.render.display import unquote
from epaper.render.markup import line_style, slice_runs

# -- views: what the templates see -------------------------------------------------------

@dataclass(frozen=True)
class ImageView:
    url: str
    caption: str
    credit: str


@dataclass(frozen=True)
class HeadView:
    span: int
    headline: str
    kicker: str = ""
    deck: str = ""
    byline: str = ""
    date: str = ""
    jumphead: str = ""  # what a continuation's head says (default: the headline)

    def jump(self) -> HeadView:
        """The head of the story's continuations."""
        return replace(self, headline=self.jumphead or self.headline)


@dataclass(frozen=True)
class ParaView:
    index: int
    kind: str
    marker: str
    runs: tuple[Run, ...]
    noindent: bool
    is_para: bool = True


@dataclass(frozen=True)
class BoxView:
    index: int
    kind: str  # subhead, rule, pull, photo, related
    text: str = ""
    image: ImageView | None = None
    headline: str = ""
    meta: str = ""
    is_para: bool = False


@dataclass(frozen=True)
class LineView:
    para: ParaView
    runs: tuple[Run, ...]
    height: float
    first: bool
    last: bool
    hyphen: bool
    is_line: bool = True
    is_jump: bool = False
    space_before: float = 0.0
    style: str = ""  # a composed line: spacing out of the classes' range
    spacing: str = ""  # a composed line: its letter- and word-spacing classes
    planned: float = 0.0  # a composed line: the width it must set at (checked after rendering)


@dataclass(frozen=True)
class JumpLineView:
    """"Continued on A6" at the foot of a story's first part."""

    text: str
    height: float
    target: str = ""  # page label the line points at
    is_line: bool = False
    is_jump: bool = True


@dataclass(frozen=True)
class SlotView:
    view: BoxView
    height: float
    offset: float  # centres the block in its whole number of grid lines
    is_line: bool = False
    is_jump: bool = False
    space_before: float = 0.0


@dataclass(frozen=True)
class ColumnView:
    number: int
    x: float
    y: float
    width: float
    height: float
    items: tuple[LineView | SlotView | JumpLineView, ...]


@dataclass(frozen=True)
class RuleView:
    x: float
    y: float
    height: float


@dataclass(frozen=True)
class StoryView:
    slug: str
    lang: str
    span: int
    x: float
    y: float
    width: float
    height: float
    head: HeadView | None
    lead: ImageView | None
    lead_x: float
    lead_y: float
    lead_width: float
    columns: tuple[ColumnView, ...]
    rules: tuple[RuleView, ...] = field(default=())
    jump_from: str = ""  # "Continued from A1" on a continuation
    anchor: str = ""  # link target of this part
    back: str = ""  # link target of the previous part
    lead_image_height: float = 0.0  # set when the photo grew (cropped taller); 0: natural


@cache
def image_aspect(path: Path) -> float:
    """Height over width of an image file."""
    with PILImage.open(path) as im:
        return im.height / im.width


def image_view(image: Image) -> ImageView:
    """What a template shows of a photo: its file URL, caption and credit."""
    return ImageView(image.path.as_uri(), image.caption, image.credit)


def head_view(article: Article, span: int, lang: str, part: int = 0) -> HeadView:
    """The story's head at ``span``; a continuation's (``part`` > 0) repeats the
    headline, or says the article's ``jumphead``."""
    stamp = article.updated or article.published
    return HeadView(span, article.jumphead or article.headline if part else article.headline,
                    article.kicker, article.deck, l10n.byline(article.bylines, lang),
                    l10n.medium_date(stamp, lang) if stamp and article.bylines else "",
                    article.jumphead or article.headline)


def flow_views(flow: Sequence[FlowBlock], lang: str) -> dict[int, ParaView | BoxView]:
    """One view per flow block, by flow index."""
    views: dict[int, ParaView | BoxView] = {}
    for fb in flow:
        b = fb.block
        if isinstance(b, Paragraph):
            views[fb.index] = ParaView(fb.index, b.kind, b.marker, b.runs, fb.noindent)
        elif isinstance(b, Subhead):
            views[fb.index] = BoxView(fb.index, "subhead", text=b.text)
        elif isinstance(b, Rule):
            views[fb.index] = BoxView(fb.index, "rule")
        elif isinstance(b, PullQuote):
            views[fb.index] = BoxView(fb.index, "pull", text=unquote(b.text))
        elif isinstance(b, Image):
            views[fb.index] = BoxView(fb.index, "photo", image=image_view(b))
        elif isinstance(b, Related):
            meta = " · ".join(x for x in (
                l10n.medium_date(b.published, lang) if b.published else "", b.section or "") if x)
            views[fb.index] = BoxView(fb.index, "related", headline=b.headline, meta=meta)
    return views


def story_view(slug: str, lang: str, x: float, y: float, frame: StoryFrame, head: HeadView,
               lead: Image | None, galley: Galley, fit: Fit,
               views: dict[int, ParaView | BoxView], column_rules: bool,
               feather: Sequence[float] = ()) -> StoryView:
    """Place the fitted galley's lines and boxes in the frame's columns."""
    columns = []
    rects = frame.column_rects()
    for n, (rect, indices) in enumerate(zip(rects, fit.columns, strict=True)):
        columns.append(ColumnView(n + 1, rect.x, rect.y, rect.width, rect.height,
                                  column_items(galley, indices, views,
                                               feather[n] if feather else 0.0)))
    rules: tuple[RuleView, ...] = ()
    if column_rules:  # hairlines in the gutters, from the higher column top to the foot
        rules = tuple(RuleView(r.x - frame.gutter / 2, min(r.y, rects[n - 1].y),
                               frame.depth - min(r.y, rects[n - 1].y))
                      for n, r in enumerate(rects) if n > 0)
    return StoryView(slug, lang, frame.columns, x, y, frame.width, frame.depth, head,
                     image_view(lead) if lead else None, frame.lead_x, frame.head_height,
                     frame.lead_width, tuple(columns), rules)


def feather_gaps(starts: Sequence[int], feather: float, pitch: float) -> dict[int, float]:
    """Space before block starts that adds up to ``feather`` before each, given as whole grid
    lines spread evenly through the column, so that baselines stay on the grid across the
    gutters. What is less than a line stays at the column's foot."""
    total = feather * len(starts)
    # float noise only: a line more than the feather allows would push the foot past the box
    lines = min(len(starts), math.floor(total / pitch + 1e-6)) if pitch > 0 else 0
    if lines <= 0:
        return {}
    chosen = {starts[int((j + 0.5) * len(starts) / lines)] for j in range(lines)}
    return {k: pitch for k in chosen}


def column_items(galley: Galley, indices: Sequence[int],
                 views: dict[int, ParaView | BoxView],
                 feather: float = 0.0) -> tuple[LineView | SlotView, ...]:
    """The column's lines and boxes; ``feather`` is added before each new block (in whole
    grid lines, see :func:`feather_gaps`)."""
    items: list[LineView | SlotView] = []
    gaps = feather_gaps(block_starts(galley, indices), feather, galley.pitch) if feather else {}
    for k, i in enumerate(indices):
        item = galley.items[i]
        view = views[item.block]
        space = gaps.get(k, 0.0)
        if isinstance(item, Line):
            assert isinstance(view, ParaView)
            spacing, style = line_style(item)
            items.append(LineView(view, slice_runs(view.runs, item.start, item.end),
                                  item.height, item.first, item.last, item.hyphen,
                                  space_before=space, style=style, spacing=spacing,
                                  planned=item.planned))
        else:
            assert isinstance(view, BoxView)
            offset = (item.height - item.natural) / 2
            items.append(SlotView(view, item.height, round(offset, 3), space_before=space))
    return tuple(items)


# -- the measuring document ----------------------------------------------------------------

@dataclass(frozen=True)
class ProbeView:
    """A paragraph kind set once with a run of each style, for the composer to read the
    layout's computed styles (``key``: story key, kind, noindent)."""

    key: str
    kind: str
    noindent: bool
    runs: tuple[Run, ...]
    marker: bool


@dataclass(frozen=True)
class MeasureView:
    """One story in the measuring document."""

    key: str
    lang: str
    column_width: float
    heads: tuple[tuple[int, float, HeadView], ...]  # (span, width, head)
    jump_label: str
    lead: ImageView | None
    leads: tuple[tuple[int, float], ...]  # (lead columns, width)
    flow: tuple[ParaView | BoxView, ...]
    composed: bool = False  # paragraphs are broken by the composer: only probes are set
    probes: tuple[ProbeView, ...] = ()


def measure_view(key: str, article: Article, parts: StoryParts, lang: str,
                 spans: Sequence[tuple[int, float]], leads: Sequence[tuple[int, float]],
                 column_width: float,
                 probes: Mapping[tuple[str, bool], Sequence[frozenset[str]]] | None = None,
                 composed: bool = False) -> MeasureView:
    """What to measure of one story: heads at ``spans`` (span, width), the lead photo at
    ``leads`` (columns, width), and the flow at ``column_width``."""
    views = flow_views(parts.flow, lang)
    heads = tuple((span, round(width, 3), head_view(article, span, lang))
                  for span, width in spans)
    jump_label = l10n.labels(lang)["continued_from"].format(page="A00")
    return MeasureView(key, lang, round(column_width, 3), heads, jump_label,
                       image_view(parts.lead) if parts.lead else None,
                       tuple((cols, round(width, 3)) for cols, width in leads),
                       tuple(views[fb.index] for fb in parts.flow), composed,
                       tuple(ProbeView(f"{key}:{kind}:{int(noindent)}", kind, noindent,
                                       tuple(Run("x", c) for c in combos if "marker" not in c),
                                       any("marker" in c for c in combos))
                             for (kind, noindent), combos in (probes or {}).items()))


# -- newspaper pages ---------------------------------------------------------------------------

@dataclass(frozen=True)
class BoxRect:
    x: float
    y: float
    width: float
    height: float
    text: str = ""
    image: str = ""


@dataclass(frozen=True)
class PageView:
    label: str
    width: float
    height: float
    lang: str
    section_title: str
    masthead: BoxRect | None
    masthead_title: str
    masthead_line: str
    folio: BoxRect | None
    folio_left: str
    folio_right: str
    stories: tuple[StoryView, ...]
    ads: tuple[BoxRect, ...]
    fillers: tuple[BoxRect, ...]
    rules: tuple[BoxRect, ...]
    imprint: tuple[str, ...] = ()


def fragment_view(slug: str, lang: str, x: float, y: float, frame: StoryFrame, head: HeadView,
                  lead: Image | None, galley: Galley, fit: Fit,
                  views: dict[int, ParaView | BoxView], column_rules: bool,
                  jump_from: str = "", jump_to: str = "", jump_to_label: str = "",
                  feather: Sequence[float] = ()) -> StoryView:
    """A story fragment on a page; ``jump_to`` adds the "Continued on" line (linking to
    ``jump_to_label``, the next part's anchor) to its last column, ``jump_from`` gives it a
    continuation head."""
    story = story_view(slug, lang, x, y, frame, head, lead, galley, fit, views, column_rules,
                       feather)
    if jump_to:
        columns = list(story.columns)
        last = columns[-1]
        columns[-1] = ColumnView(last.number, last.x, last.y, last.width, last.height,
                                 (*last.items, JumpLineView(jump_to, galley.pitch,
                                                            jump_to_label)))
        story = StoryView(**{**story.__dict__, "columns": tuple(columns)})
    if jump_from:
        story = StoryView(**{**story.__dict__, "jump_from": jump_from, "lead": None})
    return story
