"""Newspaper pages from articles: measure → paginate → render → verify.

The page model (``epaper.layout.paginate.Pages``) is the product; the PDF and the report
are made from it. The edition build adds what makes pages an edition (dates, masthead
text, outline, metadata) on top of this.
"""

from __future__ import annotations

import re
import time
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from epaper import __version__, l10n
from epaper.errors import InputErrors, Problem, RenderError
from epaper.layout.galley import Line
from epaper.layout.grid import Layout
from epaper.layout.measured import StoryMeasure
from epaper.layout.paginate import (
    Fragment,
    Page,
    Pages,
    PageSpec,
    Paginator,
    Section,
    check_plan,
    default_sections,
)
from epaper.layout.rules import HouseRules
from epaper.layout.templates import PageTemplate, load_templates
from epaper.layout.trim import paragraphs_in
from epaper.model import Article, Paragraph
from epaper.render import weasy
from epaper.render.fonts import FontSet
from epaper.render.jinja import pages_css, pages_html
from epaper.render.views import (
    BoxRect,
    PageView,
    StoryView,
    flow_views,
    fragment_view,
    head_view,
    image_aspect,
)
from epaper.typeset import Typesetter
from epaper.units import PT_PER

MM2 = PT_PER["mm"] ** 2


@dataclass(frozen=True)
class Furniture:
    """What the page furniture and the document say (the edition fills these in)."""

    title: str = "epaper"
    masthead_line: str = ""
    folio_right: str = ""
    imprint: tuple[str, ...] = ()
    lang: str | None = None  # the document's language (default: the pages' own)
    document_title: str = ""
    author: str = ""
    description: str = ""
    keywords: tuple[str, ...] = ()
    created: str = ""  # ISO date for the PDF's creation date (deterministic)
    ads: tuple[AdFill, ...] = ()


@dataclass(frozen=True)
class AdFill:
    """What fills an ad block: a label, an image (file URL) or both; ``page`` pins it."""

    label: str
    image_url: str = ""
    page: str | None = None


@dataclass
class PagesResult:
    pages: Pages
    pdf: bytes
    warnings: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    files_read: list[str] = field(default_factory=list)

    def report(self) -> dict[str, object]:
        """The machine-readable report: pages, stories, quality, warnings, timings."""
        return pages_report(self.pages, self.warnings, self.timings)


class PageMaker:
    """Makes pages with one layout (its page templates) and one font set."""

    def __init__(self, layout: Layout | str = "broadsheet", fonts: FontSet | None = None) -> None:
        self.typesetter = Typesetter(layout, fonts)
        self.layout = self.typesetter.layout
        self.templates: dict[str, PageTemplate] = load_templates(self.layout)

    def spans(self) -> set[int]:
        return {stack.span for t in self.templates.values() for stack in t.stacks}

    def paginate(self, articles: Sequence[Article], roots: Sequence[Path], base: Path,
                 sections: Sequence[Section] | None = None, explicit: Sequence[PageSpec] = (),
                 warnings: list[str] | None = None,
                 timings: dict[str, float] | None = None,
                 house: HouseRules | None = None) -> tuple[Pages, weasy.Sandbox]:
        """Measure and place: the page model, and the sandbox the measuring used."""
        timings = timings if timings is not None else {}
        problems = check_plan(explicit, self.templates, {a.slug for a in articles})
        problems += duplicate_slugs(articles)
        if problems:
            raise InputErrors(problems)
        self.typesetter.check_fonts(articles)
        sandbox = self.typesetter.sandbox(roots)
        t0 = time.perf_counter()
        measures = self.typesetter.measure(articles, self.spans(), sandbox, base, warnings)
        timings["measure"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        sections = list(sections) if sections is not None else default_sections(measures)
        pages = Paginator(self.layout, self.templates, house).paginate(sections, measures,
                                                                       explicit)
        timings["place_fit"] = time.perf_counter() - t0
        return pages, sandbox

    def page_views(self, pages: Pages, furniture: Furniture,
                   only: range | None = None) -> list[PageView]:
        """What the page template shows, page by page (the ``only`` pages, or all)."""
        grid = self.layout.grid
        labels = {p.index: p.label for p in pages.pages}
        views = []
        ads = assign_ads(pages, furniture.ads)
        for page in pages.pages:
            if only is not None and page.index not in only:
                continue
            stories = tuple(self._fragment_view(pages.measures[f.slug], f, labels)
                            for f in page.fragments)
            masthead = page.template.masthead_rect(grid)
            lang = _page_lang(pages, page)
            folio = None if masthead else BoxRect(grid.margin_left, grid.margin_top - 22,
                                                  grid.span(grid.columns), 14)
            views.append(PageView(
                page.label, grid.page_width, grid.page_height, lang, page.section.title,
                BoxRect(masthead.x, masthead.y, masthead.width, masthead.height)
                if masthead else None,
                furniture.title, furniture.masthead_line, folio,
                f"{page.label} · {page.section.title}",
                " · ".join(x for x in (furniture.folio_right, furniture.title) if x),
                stories,
                tuple(BoxRect(r.x, r.y, r.width, r.height,
                              fill.label if fill else l10n.labels(lang)["advertisement"],
                              fill.image_url if fill else "")
                      for r, fill in ((page.template.ad_rect(ad, grid), ads.get((page.index, n)))
                                      for n, ad in enumerate(page.template.ads)))
                + tuple(BoxRect(a.rect.x, a.rect.y, a.rect.width, a.rect.height, a.label,
                                a.image or "") for a in page.ads),
                tuple(BoxRect(f.rect.x, f.rect.y, f.rect.width, f.rect.height,
                              l10n.labels(lang)["filler"]) for f in page.fillers),
                tuple(BoxRect(r.x, r.y, r.width, 0) for r in page.rules),
                furniture.imprint if masthead else ()))
        return views

    def _fragment_view(self, m: StoryMeasure, f: Fragment, labels: dict[int, str]) -> StoryView:
        words = l10n.labels(m.lang)
        views = flow_views(m.parts.flow, m.lang)
        jump_to = words["continued_on"].format(page=labels[f.jump_to]) if f.jump_to is not None \
            else ""
        jump_from = words["continued_from"].format(page=labels[f.jump_from]) \
            if f.jump_from is not None else ""
        view = fragment_view(m.slug, m.lang, f.x, f.y, f.frame,
                             head_view(m.article, f.frame.columns, m.lang, f.part),
                             m.parts.lead if f.part == 0 else None, m.galley, f.fit, views,
                             self.layout.story.column_rules, jump_from, jump_to,
                             anchor(m.slug, f.part + 1) if f.jump_to is not None else "",
                             f.feather)
        grown = 0.0
        if f.part == 0 and m.parts.lead is not None and f.frame.lead_columns:
            extra = f.frame.lead_height - m.leads[f.frame.lead_columns]
            if extra > 0.01:
                grown = f.frame.lead_width * image_aspect(m.parts.lead.path) + extra
        return replace(view, anchor=anchor(m.slug, f.part),
                       back=anchor(m.slug, f.part - 1) if f.jump_from is not None else "",
                       lead_image_height=round(grown, 3))

    def pages_html(self, views: Sequence[PageView], furniture: Furniture,
                   inline_css: bool = True) -> str:
        """The HTML document of some page views."""
        lang = furniture.lang or (views[0].lang if views else "en")
        return pages_html(self.typesetter.templates, views, lang, {
            "title": furniture.document_title or furniture.title,
            "author": furniture.author, "description": furniture.description,
            "keywords": ", ".join(furniture.keywords), "created": furniture.created,
            "version": __version__}, inline_css)

    def stylesheet(self) -> str:
        """The pages' stylesheet, for documents made with ``inline_css=False``."""
        return pages_css(self.typesetter.templates)

    def render(self, pages: Pages, sandbox: weasy.Sandbox, base: Path, furniture: Furniture,
               warnings: list[str], only: range | None = None) -> weasy.Rendered:
        """Lay out the pages (or the ``only`` ones) in one WeasyPrint document and check it
        against the plan."""
        html = self.pages_html(self.page_views(pages, furniture, only), furniture)
        return self.render_html(html, pages, only, sandbox, base, warnings)

    def render_html(self, html: str, pages: Pages, only: range | None,
                    sandbox: weasy.Sandbox, base: Path, warnings: list[str],
                    css: str | None = None) -> weasy.Rendered:
        """Lay out the document of the pages ``only`` (or all), with the shared stylesheet
        ``css`` if the HTML leaves it out, and check every column against the plan."""
        chosen = [p for p in pages.pages if only is None or p.index in only]
        rendered = weasy.render(html, sandbox, base, css)
        warnings.extend(rendered.warnings)
        if rendered.page_count != len(chosen):
            raise RenderError(f"{len(chosen)} pages planned, {rendered.page_count} set")
        planned = [sum(1 for i in col if isinstance(pages.measures[f.slug].galley.items[i], Line))
                   for p in chosen for f in p.fragments for col in f.fit.columns]
        weasy.check_columns(rendered, planned, "pages " + ", ".join(p.label for p in chosen))
        return rendered

    def make(self, articles: Sequence[Article], roots: Sequence[Path], base: Path,
             sections: Sequence[Section] | None = None, explicit: Sequence[PageSpec] = (),
             furniture: Furniture = Furniture(),
             house: HouseRules | None = None) -> PagesResult:
        """Articles to pages: the page model and the PDF (``house``: the night desk's
        rules; default the layout's)."""
        warnings: list[str] = [w for a in articles for w in a.warnings]
        timings: dict[str, float] = {}
        pages, sandbox = self.paginate(articles, roots, base, sections, explicit, warnings,
                                       timings, house)
        t0 = time.perf_counter()
        rendered = self.render(pages, sandbox, base, furniture, warnings)
        timings["render"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        pdf = weasy.write_pdf(rendered)
        timings["write"] = time.perf_counter() - t0
        warnings.extend(overset_warnings(pages))
        return PagesResult(pages, pdf, warnings, timings, list(sandbox.fetched))


def anchor(slug: str, part: int) -> str:
    """The link target of a story part (jump lines link to and back)."""
    return f"story-{slug}-{part}"


def assign_ads(pages: Pages, ads: Sequence[AdFill]) -> dict[tuple[int, int], AdFill]:
    """Ads to ad blocks: pinned ones to their page's first free block, the rest in order."""
    free = [(p.index, n) for p in pages.pages for n in range(len(p.template.ads))]
    out: dict[tuple[int, int], AdFill] = {}
    for ad in ads:
        if ad.page:
            spot = next((f for f in free if pages.pages[f[0]].label == ad.page), None)
        else:
            spot = free[0] if free else None
        if spot is not None:
            out[spot] = ad
            free.remove(spot)
    return out


def duplicate_slugs(articles: Sequence[Article]) -> list[Problem]:
    """Articles that share a slug (stories are known by slug in pages, reports, archive)."""
    slugs = [a.slug for a in articles]
    return [Problem(None, f"two articles share the slug '{slug}' ("
                    + ", ".join(str(a.path) for a in articles if a.slug == slug) + ")",
                    fix="give one of them another 'slug:' in its front matter")
            for slug in sorted({s for s in slugs if slugs.count(s) > 1})]


def _page_lang(pages: Pages, page: Page) -> str:
    langs = [pages.measures[f.slug].lang for f in page.fragments]
    return max(set(langs), key=langs.count) if langs else "en"


def fill_warnings(pages: Pages, row_gap: float) -> list[str]:
    """A line for every house filler and every page under the fill rule, and the stories
    held for a later edition."""
    out = []
    for page in pages.pages:
        for filler in page.fillers:
            r = filler.rect
            out.append(f"house filler on {page.label}: {r.width / PT_PER['mm']:.0f} × "
                       f"{r.height / PT_PER['mm']:.0f} mm at ({r.x / PT_PER['mm']:.0f}, "
                       f"{r.y / PT_PER['mm']:.0f}) mm")
        fill = page_quality(pages, page, row_gap)["fill_ratio"]
        if fill < pages.fill_rule:  # type: ignore[operator]
            out.append(f"page {page.label} is filled {fill:.1%}, under the rule of "
                       f"{pages.fill_rule:.0%}")
    for slug in pages.held:  # holding is the desk's routine, except beyond the hold rule
        priority = pages.measures[slug].article.priority
        if priority < pages.hold:
            out.append(f"held for a later edition to keep the page plan: '{slug}' (priority "
                       f"{priority}; the hold rule is {pages.hold} and above)")
    labels = {p.label for p in pages.pages}
    for label in sorted(set(pages.booked) - labels):
        out.append(f"ads booked on {label}, a page this edition does not have")
    return out


def overset_warnings(pages: Pages) -> list[str]:
    """A loud line for every story that did not reach print whole."""
    out = []
    for page in pages.pages:
        for f in page.fragments:
            if f.fit.overset and f.jump_to is None:
                g = pages.measures[f.slug].galley
                lines = sum(1 for i in f.fit.overset if isinstance(g.items[i], Line))
                out.append(f"overset: '{f.slug}' on {page.label} (slot '{f.slot}'): {lines} "
                           f"lines, {story_words(pages.measures[f.slug], f.fit.overset)} words "
                           "do not fit and may not jump")
    for u in pages.unplaced:
        if u.slug in pages.held:
            continue
        out.append(f"overset: '{u.slug}' was not placed ({u.lines} lines): {u.why}")
    return out


# -- the report ------------------------------------------------------------------------------

_WORD = re.compile(r"\S+")


def _word_starts(text: str) -> list[int]:
    return [m.start() for m in _WORD.finditer(text)]


def _box(r: object) -> list[float]:
    return [round(getattr(r, k), 2) for k in ("x", "y", "width", "height")]


def story_words(m: StoryMeasure, indices: Sequence[int]) -> int:
    """Words that start in the given galley lines."""
    texts = {fb.index: fb.block.text for fb in m.parts.flow if isinstance(fb.block, Paragraph)}
    starts = {k: _word_starts(t) for k, t in texts.items()}
    n = 0
    for i in indices:
        item = m.galley.items[i]
        if isinstance(item, Line):
            block = starts[item.block]
            n += bisect_left(block, item.end) - bisect_left(block, item.start)
    return n


def page_quality(pages: Pages, page: Page, row_gap: float) -> dict[str, object]:
    """Fill ratio, empty area, overset, widows/orphans and jumps of one page."""
    area = page.story_area - sum(r.width * row_gap for r in page.rules)
    filled = sum(f.frame.width * f.frame.depth - f.empty_area(pages.measures[f.slug])
                 for f in page.fragments)
    return {
        "fill_ratio": round(filled / area, 4) if area else 0.0,
        "news_hole_mm2": round(area / MM2),
        "ads": len(page.ads) + len(page.template.ads),
        "ads_mm2": round(page.ad_area / MM2),
        "empty_area_mm2": round(max(0.0, area - filled) / MM2),
        "story_area_mm2": round(area / MM2),
        "fillers": len(page.fillers),
        "overset_lines": sum(
            1 for f in page.fragments if f.jump_to is None for i in f.fit.overset
            if isinstance(pages.measures[f.slug].galley.items[i], Line)),
        "widows": sum(f.fit.widows for f in page.fragments),
        "orphans": sum(f.fit.orphans for f in page.fragments),
        "jumps_out": sum(1 for f in page.fragments if f.jump_to is not None),
        "jumps_in": sum(1 for f in page.fragments if f.jump_from is not None),
    }


def pages_report(pages: Pages, warnings: Sequence[str], timings: dict[str, float],
                 row_gap: float = 14.17) -> dict[str, object]:
    """The pages and stories sections of the report (JSON-ready)."""
    labels = {p.index: p.label for p in pages.pages}
    page_rows = []
    for page in pages.pages:
        frags = []
        for f in page.fragments:
            m = pages.measures[f.slug]
            frags.append({
                "slug": f.slug, "part": f.part, "slot": f.slot, "box_pt": _box(f.rect),
                "columns_pt": [[round(f.x + r.x, 2), round(f.y + r.y, 2), round(r.width, 2),
                                round(r.height, 2)] for r in f.frame.column_rects()],
                "lines": sum(1 for col in f.fit.columns for i in col
                             if isinstance(m.galley.items[i], Line)),
                "jump_to": labels.get(f.jump_to) if f.jump_to is not None else None,
                "jump_from": labels.get(f.jump_from) if f.jump_from is not None else None,
                "why": f.why,
            })
        page_rows.append({"index": page.index, "label": page.label,
                          "template": page.template.name, "section": page.section.id,
                          "stories": frags, "quality": page_quality(pages, page, row_gap)})
    stories = []
    for slug, m in pages.measures.items():
        parts = pages.fragments_of(slug)
        placed = [i for _, f in parts for col in f.fit.columns for i in col]
        lines = sum(1 for i in m.galley.items if isinstance(i, Line))
        lines_set = sum(1 for i in placed if isinstance(m.galley.items[i], Line))
        cut = pages.trims.get(slug, ())
        cut_lines = sum(1 for i in cut if isinstance(m.galley.items[i], Line))
        status = ("held" if slug in pages.held else "trimmed" if slug in pages.trims else
                  "jumped" if len(parts) > 1 else "set")
        stories.append({
            "slug": slug, "section": m.article.section, "priority": m.article.priority,
            "file": str(m.article.path),
            "status": status,
            "pages": [p.label for p, _ in parts],
            "fragments": len(parts),
            "jumps": max(0, len(parts) - 1),
            "lines": lines, "lines_set": lines_set,
            "overset_lines": 0 if status == "held" else lines - lines_set - cut_lines,
            "lines_cut": cut_lines,
            "paragraphs_cut": paragraphs_in(m.galley, cut),
            "words_in_source": story_words(m, range(len(m.galley.items))),
            "words_set": story_words(m, placed),
            "words_cut": story_words(m, cut),
            "headline": m.article.headline,
            "byline": ", ".join(m.article.bylines),
            "lang": m.lang,
            "text": m.article.body_text,
        })
    fills = [row["quality"]["fill_ratio"] for row in page_rows]  # type: ignore[index]
    summary = {
        "pages": len(page_rows), "fill_rule": pages.fill_rule,
        "min_fill": min(fills, default=0.0),
        "mean_fill": round(sum(fills) / len(fills), 4) if fills else 0.0,
        "pages_under_rule": [row["label"] for row, fill in zip(page_rows, fills, strict=True)
                             if fill < pages.fill_rule],
        "fillers": sum(len(p.fillers) for p in pages.pages),
        "jumps": sum(s["jumps"] for s in stories),  # type: ignore[misc]
        "trims": sum(1 for s in stories if s["status"] == "trimmed"),
        "holds": sum(1 for s in stories if s["status"] == "held"),
        "held": list(pages.held),
    }
    return {"summary": summary, "pages": page_rows, "stories": stories,
            "warnings": list(warnings),
            "timings_s": {k: round(v, 3) for k, v in timings.items()}}
