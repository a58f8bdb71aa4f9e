"""Typesetting: articles measured on the real WeasyPrint layout, ready to fit anywhere.

One WeasyPrint pass measures many stories at once: each story's head at every width the
caller may use, its continuation head, its lead photo, and its galley (the flow in one
column; the same at every story width, since all columns share one width).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from epaper.compose.flow import MARKER, KindStyle, compose_flow, greedy_ratios, probe_runs
from epaper.compose.shaping import Shaper
from epaper.errors import InputErrors, Problem, RenderError
from epaper.layout.compose import FlowBlock, story_parts
from epaper.layout.galley import Galley, assemble, build_galley, snap
from epaper.layout.grid import Layout, load_layout
from epaper.layout.measured import StoryMeasure
from epaper.model import Article, Paragraph
from epaper.render import weasy
from epaper.render.fonts import FontSet, coverage_problems, load_fonts
from epaper.render.html import Templates, measure_html, measure_view


def font_problems(article: Article, fonts: FontSet) -> list[Problem]:
    """Characters of the article that the declared fonts cannot print."""
    texts = [("headline", "display", article.headline),
             ("kicker", "sans", article.kicker), ("byline", "sans", " ".join(article.bylines)),
             ("dateline", "sans", article.dateline), ("deck", "serif", article.deck),
             ("tagline", "serif", article.tagline), ("body", "serif", article.body_text),
             ("pullquotes", "display", " ".join(article.pullquotes))]
    texts += [(f"images.{i}", "sans", f"{im.caption} {im.credit}")
              for i, im in enumerate(article.images)]
    texts += [(f"related.{i}", "display", r.headline) for i, r in enumerate(article.related)]
    texts += [("body", "sans", " ".join(getattr(b, "text", "") for b in article.body
                                        if not isinstance(b, Paragraph)))]
    try:
        source = article.path.read_text(encoding="utf-8-sig")
    except OSError:
        source = ""
    return coverage_problems(fonts, article.path, source, texts)


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
