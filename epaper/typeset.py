"""Typesetting: articles measured on the real WeasyPrint layout, ready to fit anywhere.

One WeasyPrint pass measures many stories at once: each story's head at every width the
caller may use, its continuation head, its lead photo, and its galley (the flow in one
column; the same at every story width, since all columns share one width).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from epaper.errors import InputErrors, Problem
from epaper.layout.compose import story_parts
from epaper.layout.galley import build_galley, snap
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
        views = []
        for n, (article, part) in enumerate(zip(articles, parts, strict=True)):
            # every width the lead photo may take, so placement may shrink or grow it
            lead_cols = list(range(1, max(spans) + 1)) if part.lead else []
            views.append(measure_view(
                f"s{n}", article, part, article.lang or "en",
                [(s, grid.span(s)) for s in spans], [(c, grid.span(c)) for c in lead_cols],
                grid.column_width))
        html = measure_html(self.templates, views, grid.span(max(spans)))
        rendered = weasy.render(html, sandbox, base)
        if warnings is not None:
            warnings.extend(rendered.warnings)
        m = weasy.measure(rendered, pages=len(articles))
        out = []
        for n, (article, part, view) in enumerate(zip(articles, parts, views, strict=True)):
            key = f"s{n}:"
            lines = {int(k[len(key):]): v for k, v in m.lines.items()
                     if k.startswith(key) and k[len(key):].isdigit()}
            heights = {int(k[len(key):]): v for k, v in m.heights.items()
                       if k.startswith(key) and k[len(key):].isdigit()}
            galley = build_galley(part.flow, lines, heights,
                                  self.layout.story.subhead_keep_lines)

            def snapped(kind: str, keys: Iterable[int], n: int = n,
                        pitch: float = galley.pitch) -> dict[int, float]:
                return {k: snap(m.heights[f"s{n}:{kind}:{k}"], pitch) for k in keys}

            out.append(StoryMeasure(article, part, galley, view.lang, snapped("head", spans),
                                    snapped("jhead", spans),
                                    snapped("lead", [c for c, _ in view.leads])))
        return out
