"""Typesetting: articles measured on the real WeasyPrint layout, ready to fit anywhere.

One WeasyPrint pass measures many stories at once: each story's head at every width the
caller may use, its continuation head, its lead photo, and its galley (the flow in one
column; the same at every story width, since all columns share one width).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path

from PIL import Image as PILImage

from epaper import l10n
from epaper.compose.flow import MARKER, KindStyle, compose_flow, greedy_ratios, probe_runs
from epaper.compose.shaping import Shaper
from epaper.errors import InputErrors, Problem, RenderError
from epaper.layout.compose import FlowBlock, story_parts
from epaper.layout.galley import Galley, assemble, build_galley, snap
from epaper.layout.grid import Layout, load_layout
from epaper.layout.measured import StoryMeasure
from epaper.model import Article, Image, Paragraph
from epaper.render import weasy
from epaper.render.fonts import FontSet, coverage_problems, load_fonts
from epaper.render.jinja import Templates, measure_html
from epaper.render.views import measure_view


def font_problems(article: Article, fonts: FontSet) -> list[Problem]:
    """Characters of the article that the declared fonts cannot print."""
    texts = [("headline", "display", article.headline),
             ("kicker", "sans", article.kicker), ("byline", "sans", " ".join(article.bylines)),
             ("dateline", "sans", article.dateline), ("deck", "serif", article.deck),
             ("tagline", "serif", article.tagline), ("body", "serif", article.body_text),
             ("pullquotes", "display", " ".join(article.pullquotes)),
             ("section", "sans", article.section)]  # a folio title when not in [[sections]]
    texts += [(f"images.{i}", "sans", f"{im.caption} {im.credit}")
              for i, im in enumerate(article.images)]
    texts += [(f"related.{i}", "display", r.headline) for i, r in enumerate(article.related)]
    texts += [("body", "sans", " ".join(getattr(b, "text", "") for b in article.body
                                        if not isinstance(b, Paragraph)))]
    try:
        source = article.path.read_text(encoding="utf-8-sig")
    except OSError:
        source = ""
    problems = coverage_problems(fonts, article.path, source, texts)
    if article.lang:
        problems += locale_problems(article.lang, fonts, article.path, "lang")
    return problems


def image_problems(article: Article, layout: Layout) -> list[Problem]:
    """Photos declared wider than the layout's grid (they would be silently narrowed)."""
    problems = []
    columns = layout.grid.columns
    for n, image in enumerate(article.images):
        if image.columns and image.columns > columns:
            problems.append(Problem(article.path, f"the photo is set {image.columns} columns "
                                    f"wide; the layout '{layout.name}' has {columns}",
                                    line=image.source_line, field=f"images.{n}.columns",
                                    fix=f"use 1 to {columns}"))
    return problems


def resolution_warnings(article: Article, layout: Layout, least_ppi: int = 150) -> list[str]:
    """A warning for each photo under ``least_ppi`` at its declared width (one column when
    none is declared): it would print soft."""
    out = []
    photos = [*article.images, *(b for b in article.body if isinstance(b, Image))]
    for image in photos:
        width_in = layout.grid.span(min(image.columns or 1, layout.grid.columns)) / 72
        with PILImage.open(image.path) as im:
            ppi = im.width / width_in
        if ppi < least_ppi:
            out.append(f"{article.path}:{image.source_line or 1}: photo {image.path.name} is "
                       f"{ppi:.0f} ppi at {image.columns or 1} column(s); under {least_ppi} "
                       "ppi it prints soft — use a larger original")
    return out


_SAMPLE_DAY = date(2019, 6, 17)


def locale_problems(tag: str, fonts: FontSet, path: Path, field: str) -> list[Problem]:
    """A locale whose dates, bylines or labels no declared face can print: one problem
    naming the locale, its script, and the faces that would cover it."""
    texts = [l10n.long_date(_SAMPLE_DAY, tag), l10n.medium_date(_SAMPLE_DAY, tag),
             l10n.byline(["A", "B"], tag), *l10n.labels(tag).values()]
    missing = {c for role in ("serif", "sans", "display") for t in texts
               for c in fonts.uncovered(role, t)}
    if not missing:
        return []
    script = l10n.script_name(l10n.locale(tag))
    sample = "".join(sorted(missing))[:8]
    return [Problem(path, f"the locale '{tag}' prints {script} text (e.g. {sample!r} in its "
                    "dates and labels) that no declared face can show", field=field,
                    fix=f"add faces that cover {script} to fonts/fonts.toml (e.g. Noto Serif "
                        f"{script} and Noto Sans {script}, Debian package fonts-noto-core), "
                        "or use a locale in Latin or Korean script (en_US, ko_KR)")]


def _too_long(articles: Sequence[Article], rendered: weasy.Rendered) -> list[Problem]:
    """The stories whose galley ran past the measuring page (about 35 m of column)."""
    pages: dict[int, set[int]] = {}
    for key, found in weasy.marked_pages(rendered).items():
        pages.setdefault(int(key[1:].split(":")[0]), set()).update(found)
    return [Problem(articles[n].path, "the story is too long to set: its column galley runs "
                    f"over {len(found)} measuring pages (a photo far too tall, or a body of "
                    "many thousand lines)", fix="split the story, or crop its photos")
            for n, found in sorted(pages.items()) if len(found) > 1]


class Typesetter:
    """Measures stories with one layout and one font set (reusable: warm runs)."""

    def __init__(self, layout: Layout | str = "broadsheet", fonts: FontSet | None = None) -> None:
        self.layout = layout if isinstance(layout, Layout) else load_layout(layout)
        self.fonts = fonts or load_fonts()
        self.templates = Templates(self.layout, self.fonts)
        self.shaper = Shaper(self.fonts)

    def check_fonts(self, articles: Iterable[Article]) -> None:
        """Raise :class:`InputErrors` for every character the fonts cannot print."""
        problems = [p for a in articles for p in font_problems(a, self.fonts)]
        if problems:
            raise InputErrors(problems)

    def sandbox(self, folders: Iterable[Path]) -> weasy.Sandbox:
        """Files the renderer may read: these folders, the layout, the declared fonts."""
        return weasy.Sandbox((*(Path(f).resolve() for f in folders), *self.layout.folders),
                             self.fonts.files)

    def measure(self, articles: Sequence[Article], spans: Iterable[int],
                sandbox: weasy.Sandbox, base: Path,
                warnings: list[str] | None = None) -> list[StoryMeasure]:
        """Measure every article for every story span in ``spans``, in one WeasyPrint pass."""
        grid = self.layout.grid
        spans = sorted(set(spans))
        parts = [story_parts(a) for a in articles]
        composer = self.layout.composer
        probes = [probe_runs(p.flow) for p in parts]
        views = []
        for n, (article, part) in enumerate(zip(articles, parts, strict=True)):
            # every width the lead photo may take, so placement may shrink or grow it
            lead_cols = list(range(1, max(spans) + 1)) if part.lead else []
            views.append(measure_view(
                f"s{n}", article, part, article.lang or "en",
                [(s, grid.span(s)) for s in spans], [(c, grid.span(c)) for c in lead_cols],
                grid.column_width, probes[n], composer.total_fit))
        html = measure_html(self.templates, views, grid.span(max(spans)))
        rendered = weasy.render(html, sandbox, base)
        if warnings is not None:
            warnings.extend(rendered.warnings)
        if rendered.page_count != len(articles):
            raise InputErrors(_too_long(articles, rendered))
        m = weasy.measure(rendered, pages=len(articles))
        probed = weasy.probes(rendered)
        out = []
        for n, (article, part, view) in enumerate(zip(articles, parts, views, strict=True)):
            key = f"s{n}:"
            lines = {int(k[len(key):]): v for k, v in m.lines.items()
                     if k.startswith(key) and k[len(key):].isdigit()}
            heights = {int(k[len(key):]): v for k, v in m.heights.items()
                       if k.startswith(key) and k[len(key):].isdigit()}
            kinds = self._kinds(probes[n], probed, f"s{n}")
            if composer.total_fit:
                galley = self._compose(article, part.flow, kinds, _hyphenation_tag(article),
                                       heights, warnings)
            else:
                galley = build_galley(part.flow, lines, heights,
                                      self.layout.story.subhead_keep_lines)
                galley = greedy_ratios(galley, part.flow, kinds, self.shaper,
                                       grid.column_width, view.lang)

            def snapped(kind: str, keys: Iterable[int], n: int = n,
                        pitch: float = galley.pitch) -> dict[int, float]:
                return {k: snap(m.heights[f"s{n}:{kind}:{k}"], pitch) for k in keys}

            out.append(StoryMeasure(article, part, galley, view.lang, snapped("head", spans),
                                    snapped("jhead", spans),
                                    snapped("lead", [c for c, _ in view.leads])))
        return out

    @staticmethod
    def _kinds(combos: dict[tuple[str, bool], list[frozenset[str]]],
               probed: dict[str, weasy.Probe], key: str) -> dict[tuple[str, bool], KindStyle]:
        """Each paragraph kind's geometry and run styles, as WeasyPrint computed them."""
        kinds = {}
        for (kind, noindent), styles in combos.items():
            probe = probed[f"{key}:{kind}:{int(noindent)}"]
            order = [c for c in styles if MARKER not in c] + [c for c in styles if MARKER in c]
            kinds[(kind, noindent)] = KindStyle(probe.padding_left, probe.padding_right,
                                                probe.text_indent, probe.line_height,
                                                dict(zip(order, probe.styles, strict=True)))
        return kinds

    def _compose(self, article: Article, flow: Sequence[FlowBlock],
                 kinds: dict[tuple[str, bool], KindStyle], lang: str,
                 heights: dict[int, float], warnings: list[str] | None) -> Galley:
        """The galley with every paragraph broken by the composer."""
        if not kinds:
            raise RenderError(f"{article.path}: the story has no text lines to set")
        pitch = round(next(iter(kinds.values())).line_height, 2)
        lines, report = compose_flow(flow, kinds, self.shaper, self.layout.composer,
                                     self.layout.grid.column_width, lang, pitch)
        if report.overfull and warnings is not None:
            warnings.append(f"{article.path.name}: {report.overfull} line(s) wider than the "
                            "column even at the tightest spacing (a word too long to break)")
        return assemble(flow, lines, heights, pitch, self.layout.story.subhead_keep_lines,
                        "total-fit", report.emergency, report.alternatives)


def _hyphenation_tag(article: Article) -> str:
    """The article's language with the edition's region (``en`` in en_US: ``en-US``)."""
    lang = article.lang or "en"
    if article.region and "-" not in lang and "_" not in lang:
        return f"{lang}-{article.region}"
    return lang
