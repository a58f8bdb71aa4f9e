"""HTML for WeasyPrint: the measuring galley and the printed story, from Jinja templates.

Templates and CSS belong to the layout folder; this module only prepares what they show
(views with positions in points) and renders them.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from types import TracebackType

from jinja2 import ChoiceLoader, FileSystemLoader, StrictUndefined, TemplateSyntaxError
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup, escape
from PIL import Image as PILImage

from epaper import l10n
from epaper.compose.paragraph import LETTER_STEP, WORD_STEP
from epaper.errors import FontError, LayoutError
from epaper.layout.compose import FlowBlock, StoryParts
from epaper.layout.fit import Fit, block_starts
from epaper.layout.galley import Galley, Line
from epaper.layout.grid import Layout
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
from epaper.render.display import keep_words, unquote
from epaper.render.fonts import FontSet, css_font_problems

_TAGS = {"em": "em", "strong": "strong", "code": "code"}


_LONG_WORD = re.compile(r"\S{20,}")


def breakable(text: str) -> str:
    """Escaped text in which a word too long for any column may break: a URL after ``/``
    and ``.`` (and its other separators), anything else every 8 characters. Breaks are
    ``<wbr>`` (WeasyPrint sets them as zero-width spaces, dropped when lines are read)."""
    out, pos = [], 0
    for match in _LONG_WORD.finditer(text):
        out.append(str(escape(text[pos:match.start()])))
        pieces, last = [], 0
        word = match.group(0)
        for cut in _cuts(word):
            pieces.append(str(escape(word[last:cut])))
            last = cut
        pieces.append(str(escape(word[last:])))
        out.append("<wbr>".join(p for p in pieces if p))
        pos = match.end()
    out.append(str(escape(text[pos:])))
    return "".join(out)


def _cuts(word: str) -> list[int]:
    """Where a long word may break: after URL separators, and at most 8 characters apart."""
    cuts, since = [], 0
    for i in range(1, len(word)):
        since += 1
        if word[i - 1] in "/.?&=_~#:,;-" or since >= 8:
            cuts.append(i)
            since = 0
    return cuts


def inline(runs: Sequence[Run], breaks: bool = False) -> Markup:
    """Runs as escaped inline HTML (``<em>``, ``<strong>``, dateline span). ``breaks``: long
    words get break opportunities (measuring: a set line never runs past its column)."""
    out = []
    for run in runs:
        html = breakable(run.text) if breaks else str(escape(run.text))
        for style in sorted(run.styles):
            if style == "dateline":
                html = f'<span class="dateline">{html}</span>'
            else:
                html = f"<{_TAGS[style]}>{html}</{_TAGS[style]}>"
        out.append(html)
    return Markup("".join(out))


def slice_runs(runs: Sequence[Run], start: int, end: int) -> tuple[Run, ...]:
    """The runs covering characters ``start:end`` of their joined text."""
    out, pos = [], 0
    for run in runs:
        a, b = max(start, pos), min(end, pos + len(run.text))
        if a < b:
            out.append(Run(run.text[a - pos:b - pos], run.styles))
        pos += len(run.text)
    return tuple(out)


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


LETTER_CLASSES = (-0.5, 0.8)  # points: letter-spacing steps that have a class (see css)
WORD_CLASSES = (-3.0, 0.0)


def _step_class(prefix: str, value: float, step: float, bounds: tuple[float, float]) -> str:
    n = round(value / step)
    if not value or abs(n * step - value) > 1e-6 or not bounds[0] <= value <= bounds[1]:
        return ""
    return f"{prefix}{'m' if n < 0 else 'p'}{abs(n)}"


def spacing_css() -> str:
    """One class per letter- and word-spacing step a composed line may take: classes cost
    WeasyPrint much less than a style attribute on every line."""
    rules = []
    for prefix, step, (low, high), prop in (("ls", LETTER_STEP, LETTER_CLASSES,
                                             "letter-spacing"),
                                            ("ws", WORD_STEP, WORD_CLASSES, "word-spacing")):
        for n in range(round(low / step), round(high / step) + 1):
            if n:
                name = f"{prefix}{'m' if n < 0 else 'p'}{abs(n)}"
                rules.append(f".para.line.{name} {{ {prop}: {n * step:.3f}pt }}")
    return "\n".join(rules)


def line_style(line: Line) -> tuple[str, str]:
    """The classes (and, out of their range, the inline CSS) that set a composed line as
    the composer planned it: its letter- and word-spacing."""
    if not line.planned:
        return "", ""
    classes, style = [], []
    for prefix, value, step, bounds, prop in (
            ("ls", line.letter_spacing, LETTER_STEP, LETTER_CLASSES, "letter-spacing"),
            ("ws", line.word_spacing, WORD_STEP, WORD_CLASSES, "word-spacing")):
        if value:
            name = _step_class(prefix, value, step, bounds)
            if name:
                classes.append(name)
            else:
                style.append(f"{prop}: {value:g}pt")
    return " ".join(classes), "; ".join(style)


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


# -- rendering templates -------------------------------------------------------------------

class Templates:
    """The Jinja environment of one layout (its folder first, epaper's own second). Layout
    templates are data a designer (or an uploaded edition) supplies: they run sandboxed, so
    a template cannot reach Python's internals (``__class__``, ``os.system``…)."""

    def __init__(self, layout: Layout, fonts: FontSet) -> None:
        self.layout = layout
        self.fonts = fonts
        self.env = SandboxedEnvironment(
            loader=ChoiceLoader([*(FileSystemLoader(f) for f in layout.folders),
                                 FileSystemLoader(Path(__file__).parent / "templates")]),
            autoescape=True, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
        )
        self.env.filters["inline"] = inline
        self.env.filters["keep_words"] = keep_words
        self._check_css()

    def _check_css(self) -> None:
        """Every font the layout's CSS names is declared, every @font-face file exists."""
        name = self.layout.css_template
        css = self.css(500.0, 500.0)
        source, filename = self.env.loader.get_source(self.env, name)[:2]  # type: ignore[union-attr]
        problems = css_font_problems(css, Path(filename or name), source, self.fonts,
                                     self.layout.folders)
        if problems:
            raise FontError("\n".join(str(p) for p in problems))

    def _render(self, name: str, **context: object) -> str:
        """A template rendered; a template mistake is one line: file:line: message."""
        try:
            return self.env.get_template(name).render(**context)
        except SecurityError as exc:
            raise LayoutError(f"{self.layout.folder}: template '{name}' tried an unsafe "
                              f"operation ({exc}); layout templates may only format the "
                              "values they are given") from None
        except TemplateSyntaxError as exc:
            raise LayoutError(f"{exc.filename or exc.name or name}:{exc.lineno}: "
                              f"{exc.message}") from None
        except Exception as exc:
            place = _template_frame(exc.__traceback__)
            if place is None:
                raise
            raise LayoutError(f"{place[0]}:{place[1]}: {exc}") from None

    def css(self, page_width: float, page_height: float) -> Markup:
        stack = {role: Markup(self.fonts.css_stack(role)) for role in self.fonts.stacks}
        css = self._render(self.layout.css_template,
                           font_faces=Markup(self.fonts.font_face_css()), stack=stack,
                           page_width=round(page_width, 3), page_height=round(page_height, 3))
        return Markup(css + "\n" + spacing_css())

    def render(self, name: str, lang: str, page_width: float, page_height: float,
               inline_css: bool = True, **context: object) -> str:
        """A template rendered; ``inline_css=False`` leaves the stylesheet out (the caller
        hands it to WeasyPrint once for many documents)."""
        css = self.css(page_width, page_height) if inline_css else Markup("")
        return self._render(name, css=css, labels=l10n.labels(lang), **context)


def _template_frame(tb: TracebackType | None) -> tuple[str, int] | None:
    """The innermost template (file, line) of a traceback: Jinja maps its frames to them."""
    place = None
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith((".j2", ".html", ".css")):
            place = (filename, tb.tb_lineno)
        tb = tb.tb_next
    return place


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


def measure_html(templates: Templates, stories: Sequence[MeasureView], width: float) -> str:
    """The measuring document: one story per (very tall) page."""
    lang = stories[0].lang if stories else "en"
    return templates.render("measure.html.j2", lang, width + 40, 100_000, stories=stories)


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


def pages_html(templates: Templates, pages: Sequence[PageView], lang: str,
               meta: dict[str, str] | None = None, inline_css: bool = True) -> str:
    """The document of newspaper pages (one WeasyPrint page each)."""
    grid = templates.layout.grid
    assert templates.layout.pages is not None
    return templates.render(templates.layout.pages.page_template, lang, grid.page_width,
                            grid.page_height, inline_css, pages=pages, doc_lang=lang,
                            meta=meta or {})


def pages_css(templates: Templates) -> str:
    """The stylesheet of the newspaper pages (what ``pages_html`` leaves out when asked)."""
    grid = templates.layout.grid
    return str(templates.css(grid.page_width, grid.page_height))
