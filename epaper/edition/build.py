"""The nightly edition build: an edition folder in, a dated PDF and a JSON report out.

Steps (numbered as the progress shows them):
1. read edition.toml and every article (all input problems listed together);
2. measure the stories (cached, in parallel);
3. place and fit them on pages;
4. render the pages (one WeasyPrint document: fonts embedded once) and check them;
5. finish the PDF: page labels, outline, document information;
6. write the PDF and the report, atomically.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from epaper import __version__, l10n
from epaper import pdf as pdftools
from epaper.edition.booking import booked_ads, house_rules, page_plan
from epaper.edition.config import EditionConfig, load_config
from epaper.edition.measure import MeasureStats, default_jobs, measure_stories
from epaper.errors import InputErrors, Problem, StrictFailure
from epaper.files import write_atomic
from epaper.ingest.article import read_article
from epaper.layout.measured import StoryMeasure
from epaper.layout.paginate import (
    Pages,
    PageSpec,
    Paginator,
    Section,
    check_plan,
    default_sections,
)
from epaper.model import Article, Image
from epaper.pages import (
    AdFill,
    Furniture,
    PageMaker,
    duplicate_slugs,
    fill_warnings,
    overset_warnings,
    pages_report,
)
from epaper.render import weasy

STEPS = 6
Progress = Callable[[int, str], None]


@dataclass
class BuildResult:
    pdf_path: Path
    report_path: Path
    report: dict[str, object]
    warnings: list[str] = field(default_factory=list)
    archival_pdf: bytes | None = None  # PDF/A-3b with the sources, when asked for


def resolve_date(value: str | None, config_date: date | None, timezone: str,
                 now: datetime | None = None) -> date | None:
    """``YYYY-MM-DD``, ``today`` or ``tomorrow`` (in the publication's time zone)."""
    if value is None:
        return config_date
    now_date = (now or datetime.now(ZoneInfo("UTC"))).astimezone(ZoneInfo(timezone)).date()
    if value == "today":
        return now_date
    if value == "tomorrow":
        return now_date + timedelta(days=1)
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputErrors([Problem(None, f"--date {value!r} is not a date", field="date",
                                   fix="use YYYY-MM-DD, today or tomorrow")]) from None


def _sections(config: EditionConfig, measures: list[StoryMeasure],
              warnings: list[str]) -> list[Section]:
    defaults = {s.id: s for s in default_sections(measures)}
    if not config.sections:
        return list(defaults.values())
    out: list[Section] = []
    listed = [c.id for c in config.sections]
    taken = {c.letter for c in config.sections if c.letter}
    free_letters = iter(x for x in "ABCDEFGHIJKLMNOPQRSTUVWXYZ" if x not in taken)
    order = listed + [sid for sid in defaults if sid not in listed]
    for n, sid in enumerate(order):
        conf = next((c for c in config.sections if c.id == sid), None)
        if conf is None:
            warnings.append(f"section '{sid}' is not in edition.toml [sections]: "
                            "printed after the listed ones")
        base = defaults.get(sid)
        role = (conf.template if conf and conf.template else
                (base.first_template if base else "inside"))
        # only the first section opens with the front page (the masthead is on it)
        first = "front" if n == 0 and role != "opinion" else (
            "inside" if role == "front" else role)
        out.append(Section(sid, (conf.title if conf and conf.title else
                                 (base.title if base else sid)),
                           (conf.letter if conf and conf.letter else next(free_letters)),
                           first, "opinion" if role == "opinion" else "inside"))
    return out


def _masthead_line(config: EditionConfig, day: date, locale: str) -> str:
    parts = [l10n.long_date(day, locale)]
    ko = l10n.locale(locale).language == "ko"
    if config.volume or config.number:
        if ko:
            parts.append(" ".join(x for x in (
                f"제{config.volume}권" if config.volume else "",
                f"제{config.number}호" if config.number else "") if x))
        else:
            parts.append(" · ".join(x for x in (
                f"Vol. {config.volume}" if config.volume else "",
                f"No. {config.number:,}" if config.number else "") if x))
    if config.price:
        parts.append(config.price)
    return " · ".join(parts)


def build(edition_dir: Path, out_dir: Path | None = None, day: str | None = None,
          locale: str | None = None, jobs: int | None = None, use_cache: bool = True,
          strict: bool = False, progress: Progress | None = None,
          archival: bool = False) -> BuildResult:
    """Build the edition in ``edition_dir``; see the module docstring for the steps.
    ``archival``: also make the PDF/A-3b copy with the sources embedded (for the archive)."""
    step = progress or (lambda n, label: None)
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    edition_dir = Path(edition_dir).resolve()
    out_dir = Path(out_dir or edition_dir / "out").resolve()

    # 1. inputs ------------------------------------------------------------------------------
    step(1, "Reading edition.toml and articles")
    problems: list[Problem] = []
    overrides: dict[str, object] = {"locale": locale}
    config, config_problems = load_config(edition_dir / "edition.toml", overrides)
    problems += config_problems
    when: date | None = None
    if config is not None:
        try:
            when = resolve_date(day, config.date, config.timezone)
        except InputErrors as exc:
            problems += exc.problems
    articles_dir = edition_dir / "articles"
    paths = sorted(articles_dir.glob("*.md")) if articles_dir.is_dir() else []
    if not paths:
        problems.append(Problem(articles_dir, "no articles (*.md) in the edition folder",
                                fix="put the article files in articles/"))
    articles: list[Article] = []
    for path in paths:
        try:
            articles.append(read_article(path, roots=[articles_dir, edition_dir]))
        except InputErrors as exc:
            problems += exc.problems
    if config is not None:
        problems += _ad_problems(config, edition_dir)
    problems += duplicate_slugs(articles)
    maker = PageMaker(config.layout) if config is not None else None
    if config is not None and maker is not None:
        problems += _section_problems(config, maker, {a.section for a in articles},
                                      edition_dir / "edition.toml")
    if problems:
        raise InputErrors(problems)
    assert config is not None and when is not None
    locale_tag = config.locale
    lang = l10n.locale(locale_tag).language
    articles = [a if a.lang else _with_lang(a, lang) for a in articles]
    warnings: list[str] = [w for a in articles for w in a.warnings]
    assert maker is not None
    maker.typesetter.check_fonts(articles)
    timings["read"] = time.perf_counter() - t0

    # 2. measure ------------------------------------------------------------------------------
    t = time.perf_counter()
    jobs = jobs or default_jobs()
    step(2, f"Measuring {len(articles)} stories")
    folders = [articles_dir, edition_dir]
    measures, stats = measure_stories(
        maker.typesetter, articles, sorted(maker.spans()), folders, edition_dir, jobs,
        (out_dir / ".cache") if use_cache else None, warnings)
    timings["measure"] = time.perf_counter() - t

    # 3. place and fit -------------------------------------------------------------------------
    t = time.perf_counter()
    sections = _sections(config, measures, warnings)
    step(3, f"Placing {len(measures)} stories in {len(sections)} sections")
    explicit = [PageSpec(p.section, p.template, dict(p.slots)) for p in config.pages]
    plan_problems = check_plan(explicit, maker.templates, {m.slug for m in measures})
    if plan_problems:
        raise InputErrors([Problem(edition_dir / "edition.toml", p.message, field=p.field,
                                   fix=p.fix) for p in plan_problems])
    ads, ad_problems = booked_ads(config, edition_dir, maker.layout, sections, maker.templates)
    if ad_problems:
        raise InputErrors(ad_problems)
    house = house_rules(config, maker.layout)
    pages = Paginator(maker.layout, maker.templates, house, ads,
                      any(ad.booked for ad in config.ads) or bool(ads)).paginate(
        sections, measures, explicit, page_plan(config))
    timings["place_fit"] = time.perf_counter() - t

    # 4. render ---------------------------------------------------------------------------------
    t = time.perf_counter()
    step(4, f"Rendering {len(pages.pages)} pages")
    furniture = _furniture(config, when, locale_tag, sections, edition_dir)
    sandbox = maker.typesetter.sandbox(folders)
    raw = maker.render_pdf(pages, sandbox, edition_dir, furniture, warnings, jobs)
    timings["render"] = time.perf_counter() - t

    # 5. finish ---------------------------------------------------------------------------------
    t = time.perf_counter()
    step(5, "Finishing the PDF: page labels, outline, metadata")
    info = _info(config, when, locale_tag, sections)
    data = pdftools.finish(raw, _labels(pages), _outline(pages), info)
    timings["finish"] = time.perf_counter() - t
    warnings += overset_warnings(pages) + fill_warnings(pages, maker.layout.grid.row_gap)

    # 6. write ----------------------------------------------------------------------------------
    name = f"{config.slug}-{when.isoformat()}"
    pdf_path, report_path = out_dir / f"{name}.pdf", out_dir / f"{name}.report.json"
    timings["total"] = time.perf_counter() - t0
    report = _report(config, when, pages, warnings, timings, stats, pdf_path, data, maker)
    report["edition"]["source"] = str(edition_dir)  # type: ignore[index]
    report["edition"]["sources"] = _sources(edition_dir, config, articles)  # type: ignore[index]
    archival_pdf = None
    if archival:  # one document for the archive: each font embedded once
        rendered = maker.render(pages, sandbox, edition_dir, furniture, [])
        stamp = datetime(when.year, when.month, when.day, tzinfo=ZoneInfo(config.timezone))
        files = [weasy.Attached(f"sources/{rel}", (edition_dir / rel).read_bytes(),
                                "edition source") for rel in report["edition"]["sources"]]  # type: ignore[index]
        files.append(weasy.Attached(report_path.name, stable_report_bytes(report),
                                    "build report", "Supplement"))
        archival_pdf = pdftools.finish(weasy.write_archival_pdf(rendered, files, stamp),
                                       _labels(pages), _outline(pages), info)
    if strict and (warnings or any(s["overset_lines"] for s in report["stories"])):  # type: ignore[index, union-attr]
        raise StrictFailure("--strict: the edition has " + "; ".join(warnings or ["overset"]))
    step(6, f"Writing {pdf_path.name}")
    for stale in out_dir.glob(f".{name}.*.part"):  # left by a build that was killed
        stale.unlink(missing_ok=True)
    write_atomic(pdf_path, data)
    write_atomic(report_path, (json.dumps(report, ensure_ascii=False, indent=2) + "\n")
                 .encode("utf-8"))
    return BuildResult(pdf_path, report_path, report, warnings, archival_pdf)


VOLATILE = ("timings_s", "measure_cache")


def stable_report_bytes(report: dict[str, object]) -> bytes:
    """The report without what changes from run to run (timings, cache hits): what the
    archive keeps and embeds, so that the same edition archives byte for byte the same."""
    stable = {k: v for k, v in report.items() if k not in VOLATILE}
    return (json.dumps(stable, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _sources(edition_dir: Path, config: EditionConfig,
             articles: list[Article]) -> dict[str, str]:
    """Files the edition is made from (relative path → sha256): edition.toml, the articles,
    every photo they use and every ad image."""
    files = {edition_dir / "edition.toml"}
    for article in articles:
        files.add(article.path.resolve())
        files.update(image.path for image in article.images)
        files.update(b.path for b in article.body if isinstance(b, Image))
    files.update((edition_dir / ad.image).resolve() for ad in config.ads if ad.image)
    return {str(p.relative_to(edition_dir)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(files) if p.is_relative_to(edition_dir)}


def _section_problems(config: EditionConfig, maker: PageMaker, used: set[str],
                      toml: Path) -> list[Problem]:
    """Sections and planned pages that name what does not exist, and repeated letters."""
    roles = {t.role for t in maker.templates.values()}
    problems = []
    for n, sec in enumerate(config.sections):
        if sec.template and sec.template not in roles:
            problems.append(Problem(toml, f"no page template for the role '{sec.template}'",
                                    field=f"sections.{n}.template",
                                    fix="use one of: " + ", ".join(sorted(roles))))
    known = {s.id for s in config.sections} | used
    for n, page in enumerate(config.pages):
        if page.section not in known:
            problems.append(Problem(toml, f"page for unknown section '{page.section}'",
                                    field=f"pages.{n}.section",
                                    fix="use a section id of [[sections]] or of an article"))
    letters = [s.letter for s in config.sections if s.letter]
    for letter in sorted({x for x in letters if letters.count(x) > 1}):
        problems.append(Problem(toml, f"section letter '{letter}' is used twice",
                                field="sections", fix="give each section its own letter"))
    return problems


def _with_lang(article: Article, lang: str) -> Article:
    return replace(article, lang=lang)


def _ad_problems(config: EditionConfig, edition_dir: Path) -> list[Problem]:
    problems = []
    for n, ad in enumerate(config.ads):
        if ad.image is None:
            continue
        path = (edition_dir / ad.image).resolve()
        if not path.is_relative_to(edition_dir) or not path.is_file():
            problems.append(Problem(edition_dir / "edition.toml",
                                    f"ad image '{ad.image}' is not a file in the edition folder",
                                    field=f"ads.{n}.image",
                                    fix="put the ad image in the edition folder (e.g. ads/)"))
    return problems


def _furniture(config: EditionConfig, when: date, locale: str, sections: list[Section],
               edition_dir: Path) -> Furniture:
    lang = l10n.locale(locale).language
    return Furniture(
        title=config.title,
        masthead_line=_masthead_line(config, when, locale),
        folio_right=l10n.long_date(when, locale),
        imprint=tuple(f"{k} {v}" for k, v in config.imprint.items()),
        lang=lang,
        document_title=f"{config.title} — {l10n.long_date(when, locale)}",
        author=config.publisher or config.title,
        description=config.subject or f"{config.title}, {l10n.long_date(when, locale)}",
        keywords=tuple(s.title for s in sections),
        created=when.isoformat(),
        ads=tuple(AdFill(ad.label, (edition_dir / ad.image).resolve().as_uri()
                         if ad.image else "", ad.page) for ad in config.ads if not ad.booked),
    )


def _labels(pages: Pages) -> list[pdftools.LabelRange]:
    ranges: list[pdftools.LabelRange] = []
    for page in pages.pages:
        if ranges and ranges[-1].prefix == page.section.letter:
            last = ranges[-1]
            ranges[-1] = pdftools.LabelRange(last.prefix, last.first, last.count + 1)
        else:
            ranges.append(pdftools.LabelRange(page.section.letter, page.index, 1))
    return ranges


def _outline(pages: Pages) -> list[pdftools.OutlineEntry]:
    entries: list[pdftools.OutlineEntry] = []
    for page in pages.pages:
        if page.number == 1:
            stories = tuple(
                pdftools.OutlineEntry(pages.measures[f.slug].article.headline, p.index, f.y)
                for p in pages.pages if p.section.id == page.section.id
                for f in p.fragments if f.part == 0)
            entries.append(pdftools.OutlineEntry(page.section.title, page.index, 0.0, stories))
    return entries


def _info(config: EditionConfig, when: date, locale: str,
          sections: list[Section]) -> dict[str, str]:
    long = l10n.long_date(when, locale)
    return {"Title": f"{config.title} — {long}",
            "Author": config.publisher or config.title,
            "Publisher": config.publisher or config.title,
            "Subject": config.subject or f"{config.title}, {long}",
            "Keywords": ", ".join(s.title for s in sections),
            "Creator": f"epaper {__version__}",
            "Producer": f"WeasyPrint {weasy.VERSION}",
            "EditionDate": when.isoformat()}


def _report(config: EditionConfig, when: date, pages: Pages, warnings: list[str],
            timings: dict[str, float], stats: MeasureStats, pdf_path: Path, data: bytes,
            maker: PageMaker) -> dict[str, object]:
    body = pages_report(pages, warnings, timings, maker.layout.grid.row_gap)
    return {
        "edition": {"title": config.title, "date": when.isoformat(), "locale": config.locale,
                    "layout": config.layout, "pages": len(pages.pages),
                    "stories": len(pages.measures), "pdf": pdf_path.name,
                    "pdf_bytes": len(data),
                    "labels": [p.label for p in pages.pages]},
        **body,
        "measure_cache": asdict(stats),
        "versions": {"epaper": __version__, "weasyprint": weasy.VERSION,
                     "fonts": maker.typesetter.fonts.versions()},
    }
