"""Edition-level checks made before measuring (so that every problem is reported at once)
and the ads' fate after placing (so that no ad vanishes without a word)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path

from epaper import l10n
from epaper.edition.config import EditionConfig
from epaper.errors import Problem
from epaper.layout.paginate import Pages, PageSpec, check_plan
from epaper.layout.templates import PageTemplate
from epaper.render.fonts import FontSet, coverage_problems
from epaper.typeset import locale_problems


def edition_font_problems(config: EditionConfig, when: date, toml: Path,
                          fonts: FontSet) -> list[Problem]:
    """Every string of edition.toml that is printed, and the locale's dates and labels,
    checked against the declared faces (no tofu from the masthead or the imprint either)."""
    problems = locale_problems(config.locale, fonts, toml, "locale")
    if problems:
        return problems  # the locale's own script is missing: one problem says it all
    texts = [("title", "display", config.title),
             ("price", "sans", config.price or ""),
             ("masthead", "sans", l10n.long_date(when, config.locale)),
             ("imprint", "sans", " ".join(f"{k} {v}" for k, v in config.imprint.items()))]
    texts += [(f"sections.{n}.title", "sans", s.title or "") for n, s in
              enumerate(config.sections)]
    texts += [(f"ads.{n}.label", "sans", ad.label) for n, ad in enumerate(config.ads)]
    try:
        source = toml.read_text(encoding="utf-8")
    except OSError:
        source = ""
    return coverage_problems(fonts, toml, source, texts)


def plan_problems(pages: Sequence[PageSpec], templates: Mapping[str, PageTemplate],
                  slugs: set[str], toml: Path) -> list[Problem]:
    """Every problem of the explicit ``[[pages]]`` plan at once: unknown templates, slots
    and stories, and a story placed twice."""
    problems = [Problem(toml, p.message, field=p.field, fix=p.fix)
                for p in check_plan(pages, templates, slugs)]
    seen: dict[str, str] = {}
    for n, spec in enumerate(pages):
        for slot, slug in spec.slots.items():
            where = f"pages.{n}.slots.{slot}"
            if slug in seen:
                problems.append(Problem(toml, f"the story '{slug}' is placed twice ({seen[slug]} "
                                        f"and {where})", field=where,
                                        fix="place each story in one slot; it jumps on by "
                                            "itself"))
            else:
                seen[slug] = where
    return problems


def ads_report(pages: Pages, config: EditionConfig, fills: Sequence[object],
               placed: Mapping[tuple[int, int], object]) -> tuple[list[dict[str, object]],
                                                                   list[str]]:
    """Every ad with the page it was printed on, or why not: rows for the report and a
    warning for each ad left out. Booked ads (a size and a position: edition.toml or
    ads.csv) are placed by the desk, which warns about those it cannot place; the others go
    into the templates' ad blocks (``fills``: what fills each, in the order of edition.toml)."""
    rows: list[dict[str, object]] = [
        {"label": ad.label, "image": ad.image, "page": page.label, "pinned": page.label,
         "advertiser": ad.advertiser, "booked": True, "why_not": None}
        for page in pages.pages for ad in page.ads]
    where = {id(fill): pages.pages[spot[0]].label for spot, fill in placed.items()}
    labels = [p.label for p in pages.pages]
    warnings = []
    blocks = [(n, ad) for n, ad in enumerate(config.ads) if not ad.booked]
    for (n, ad), fill in zip(blocks, fills, strict=True):
        page = where.get(id(fill))
        why = None
        if page is None:
            why = (f"no page {ad.page} in this edition (pages: {', '.join(labels)})"
                   if ad.page and ad.page not in labels else
                   f"no free ad block on page {ad.page}" if ad.page else
                   "no free ad block left on the pages")
            warnings.append(f"ad '{ad.label}' (ads.{n}) was not printed: {why}")
        rows.append({"label": ad.label, "image": ad.image, "page": page, "pinned": ad.page,
                     "advertiser": ad.advertiser, "booked": False, "why_not": why})
    return rows, warnings
