"""The nightly edition build: an edition folder in, a dated PDF and a JSON report out.

Steps (numbered as the progress shows them):
1. read edition.toml and every article (all input problems listed together);
2. measure the stories (cached, in parallel);
3. place and fit them on pages (or replate: keep the previous build's pages where nothing
   changed, see ``replate``);
4. render the pages, one per part, each cached by its content, and check them;
5. join the parts and finish the PDF: page labels, outline, document information;
6. write the PDF and the report, atomically.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo

from epaper import __version__, files, l10n
from epaper import pdf as pdftools
from epaper.compose.quality import composition
from epaper.edition import replate
from epaper.edition.booking import booked_ads, house_rules, page_plan
from epaper.edition.checks import ads_report
from epaper.edition.config import EditionConfig
from epaper.edition.inputs import EditionInputs, read_edition
from epaper.edition.measure import (
    MeasureStats,
    default_jobs,
    environment_key,
    measure_stories,
    story_key,
)
from epaper.edition.pagefiles import write_page_files
from epaper.errors import InputErrors, Problem, StrictFailure, WriteError
from epaper.layout.measured import StoryMeasure
from epaper.layout.newshole import BookedAd
from epaper.layout.paginate import (
    Pages,
    PageSpec,
    Paginator,
    Section,
    default_sections,
)
from epaper.model import Article, Image
from epaper.pages import (
    AdFill,
    Furniture,
    PageMaker,
    assign_ads,
    fill_warnings,
    overset_warnings,
    pages_report,
)
from epaper.parts import PartCache, render_parts
from epaper.render import weasy

STEPS = 6
Progress = Callable[..., None]  # (step, label) or (step, label, done, total) within a step
ArchivalExtras = Callable[[bytes, dict[str, object]], list[tuple[str, bytes]]]


@dataclass(frozen=True)
class Rendering:
    """What the pages were rendered from, for a later pass over the same plans (the press
    pages): the maker, the placed pages, the sandbox, the furniture, the names."""

    maker: PageMaker
    pages: Pages
    sandbox: weasy.Sandbox
    base: Path
    furniture: Furniture
    slug: str
    date: str


@dataclass
class BuildResult:
    pdf_path: Path
    report_path: Path
    report: dict[str, object]
    warnings: list[str] = field(default_factory=list)
    archival_pdf: bytes | None = None  # PDF/A-3b with the sources, when asked for
    rendering: Rendering | None = None




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
          archival: bool = False, archival_extras: ArchivalExtras | None = None,
          fresh: bool = False, pages_dir: Path | None = None) -> BuildResult:
    """Build the edition in ``edition_dir``; see the module docstring for the steps.
    ``archival``: also make the PDF/A-3b copy with the sources embedded (for the archive);
    ``archival_extras`` gives more files for it from the finished PDF and its report
    (the e-paper's ALTO and METS). ``use_cache=False``: measure and render everything
    afresh. ``fresh``: paginate afresh even when ``out_dir`` holds the previous build (no
    replate). ``pages_dir``: also write one PDF per page there (only the pages that
    changed)."""
    step = progress or (lambda n, label, done=0, total=0: None)
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    edition_dir = Path(edition_dir).resolve()
    out_dir = Path(out_dir or "out").resolve()  # default: ./out in the current directory

    # 1. inputs ------------------------------------------------------------------------------
    step(1, "Reading edition.toml and articles")
    inputs = read_edition(edition_dir, day, locale, skip=[out_dir])
    config, when, articles, maker = inputs.config, inputs.day, inputs.articles, inputs.maker
    locale_tag = config.locale
    region = l10n.locale(locale_tag).territory or ""
    articles = [replace(a, region=region) for a in articles]  # hyphenation: en_US, en_GB…
    warnings = list(inputs.warnings)
    articles_dir = edition_dir / "articles"
    own_name = f"{config.slug}-{when.isoformat()}"
    if config.locale != inputs.own_locale:  # a build in another locale keeps its own name
        own_name += f".{config.locale}"
    refused = _output_problems(out_dir, own_name, [edition_dir / "edition.toml",
                                                   *inputs.sources.articles])
    if refused:
        raise InputErrors(refused)
    timings["read"] = time.perf_counter() - t0

    # 2. measure ------------------------------------------------------------------------------
    t = time.perf_counter()
    jobs = jobs or default_jobs()
    step(2, f"Measuring {len(articles)} stories")
    folders = [articles_dir, edition_dir]
    measures, stats = measure_stories(
        maker.typesetter, articles, sorted(maker.spans()), folders, edition_dir, jobs,
        (out_dir / ".cache" / "measure") if use_cache else None, warnings,
        lambda done, total: step(2, f"Measuring {len(articles)} stories", done, total))
    timings["measure"] = time.perf_counter() - t

    # 3. place and fit -------------------------------------------------------------------------
    t = time.perf_counter()
    sections = _sections(config, measures, warnings)
    warnings += _empty_sections(config, measures)
    step(3, f"Placing {len(measures)} stories in {len(sections)} sections")
    explicit = [PageSpec(p.section, p.template, dict(p.slots)) for p in config.pages]
    booked, ad_problems = booked_ads(config, edition_dir, maker.layout, sections,
                                     maker.templates)
    if ad_problems:
        raise InputErrors(ad_problems)
    paginator = Paginator(maker.layout, maker.templates, house_rules(config, maker.layout),
                          booked, any(ad.booked for ad in config.ads) or bool(booked))
    name = own_name
    pdf_path = out_dir / f"{name}.pdf"
    environment = environment_key(maker.typesetter, sorted(maker.spans()))
    keys = {a.slug: story_key(a, environment) for a in articles}
    plan_config = replate.config_key((edition_dir / "edition.toml").read_bytes(), booked,
                                     environment, locale_tag)
    previous, why_fresh = (None, "--fresh") if fresh else replate.load(
        replate.plan_path(out_dir, name), pdf_path, plan_config, maker.templates, sections)
    replated, pages = None, None
    if previous is not None:
        pages, replated = replate.replate(previous, measures, keys, sections, maker.layout,
                                          paginator.house)
    if pages is None:  # no previous plan, or a section must be laid out again: the desk
        # lays out the edition (its plan, ads, fill, trims and holds span the sections);
        # the page cache still keeps every page whose content comes out the same
        pages = paginator.paginate(sections, measures, explicit, page_plan(config))
    timings["place_fit"] = time.perf_counter() - t

    # 4. render ---------------------------------------------------------------------------------
    t = time.perf_counter()
    step(4, f"Rendering {len(pages.pages)} pages")
    furniture = _furniture(config, when, locale_tag, sections, edition_dir)
    ads, ad_warnings = ads_report(pages, config, furniture.ads,
                                  assign_ads(pages, furniture.ads))
    warnings += ad_warnings
    sandbox = maker.typesetter.sandbox(folders)
    cache = PartCache(out_dir / ".cache" / "pages") if use_cache else None
    parts = render_parts(maker, pages, sandbox, edition_dir, furniture, warnings, jobs, cache,
                         lambda done, total: step(4, f"Rendering {len(pages.pages)} pages",
                                                  done, total))
    timings["render"] = time.perf_counter() - t

    # 5. finish ---------------------------------------------------------------------------------
    t = time.perf_counter()
    step(5, "Finishing the PDF: page labels, outline, metadata")
    info = _info(config, when, locale_tag, sections)
    data = pdftools.assemble([p.pdf for p in parts], _labels(pages), _outline(pages), info,
                             [p.borrowed for p in parts])
    timings["finish"] = time.perf_counter() - t
    warnings += overset_warnings(pages) + fill_warnings(pages, maker.layout.grid.row_gap)

    # 6. write ----------------------------------------------------------------------------------
    report_path = out_dir / f"{name}.report.json"
    timings["total"] = time.perf_counter() - t0
    report = _report(config, when, pages, sections, warnings, timings, stats, pdf_path, data,
                     maker)
    report["ads"] = ads
    report["render_cache"] = {"parts": len(parts), "cached": sum(p.cached for p in parts),
                              "rendered": [list(p.labels) for p in parts if not p.cached]}
    report["replate"] = (
        replated.report([p.labels for p in parts], [p.key for p in parts], previous)
        if replated is not None and previous is not None else {"mode": "fresh", "why": why_fresh})
    report["edition"]["source"] = str(edition_dir)  # type: ignore[index]
    report["edition"]["sources"] = _sources(edition_dir, config, articles,  # type: ignore[index]
                                            booked)
    report["files"] = files_report(inputs, report)
    archival_pdf = None
    if archival:  # one document for the archive: each font embedded once
        rendered = maker.render(pages, sandbox, edition_dir, furniture, [])
        stamp = datetime(when.year, when.month, when.day, tzinfo=ZoneInfo(config.timezone))
        attached = [weasy.Attached(f"sources/{rel}", (edition_dir / rel).read_bytes(),
                                "edition source") for rel in report["edition"]["sources"]]  # type: ignore[index]
        attached.append(weasy.Attached(report_path.name, stable_report_bytes(report),
                                    "build report", "Supplement"))
        attached += [weasy.Attached(name, content, "e-paper text (ALTO/METS)", "Supplement")
                  for name, content in (archival_extras(data, report)
                                        if archival_extras else [])]
        archival_pdf = pdftools.finish(weasy.write_archival_pdf(rendered, attached, stamp),
                                       _labels(pages), _outline(pages), info)
    if strict and (warnings or any(s["overset_lines"] for s in report["stories"])):  # type: ignore[index, union-attr]
        raise StrictFailure("--strict: the edition has " + "; ".join(warnings or ["overset"]))
    step(6, f"Writing {pdf_path.name}")
    files.recover(out_dir)
    for stale in out_dir.glob(f".{name}.*.part"):  # left by a build that was killed
        stale.unlink(missing_ok=True)
    if pages_dir is not None:
        report["pages_dir"] = asdict(write_page_files(Path(pages_dir), name, parts))
    try:  # the report first, the PDF last; both new or both old after any kill
        files.write_pair([(report_path, (json.dumps(report, ensure_ascii=False, indent=2)
                                         + "\n").encode("utf-8")), (pdf_path, data)])
    except OSError as exc:
        raise WriteError(f"{exc.filename or out_dir}: cannot write the edition: "
                         f"{exc.strerror} — free space on the disk and build again (the "
                         "previous edition, if any, is unchanged)") from None
    replate.save(replate.plan_path(out_dir, name), pages, keys, plan_config,
                 [(p.labels, p.key) for p in parts], data, pdf_path.name)
    return BuildResult(pdf_path, report_path, report, warnings, archival_pdf,
                       Rendering(maker, pages, sandbox, edition_dir, furniture, config.slug,
                                 when.isoformat()))


def _output_problems(out_dir: Path, name: str, inputs: list[Path]) -> list[Problem]:
    """Before any work: the output folder is usable, the file names fit the file system,
    and neither output would replace an input, a link or a device. A folder problem
    raises :class:`OutputError` (exit 3); a refused output path is a problem (exit 2)."""
    files.check_folder(out_dir, "output folder (--out-dir)")
    files.check_name(out_dir, f".{name}.report.json.xxxxxxxx.part", "edition title")
    files.recover(out_dir)  # a pair a killed build left half renamed
    return [p for p in (files.refuse_output(out_dir / f"{name}{ext}", inputs, option="--out-dir")
                        for ext in (".pdf", ".report.json")) if p is not None]


VOLATILE = ("timings_s", "measure_cache", "render_cache", "replate", "pages_dir")


def stable_report_bytes(report: dict[str, object]) -> bytes:
    """The report without what changes from run to run (timings, cache hits): what the
    archive keeps and embeds, so that the same edition archives byte for byte the same."""
    stable = {k: v for k, v in report.items() if k not in VOLATILE}
    return (json.dumps(stable, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _sources(edition_dir: Path, config: EditionConfig, articles: list[Article],
             booked: Sequence[BookedAd] = ()) -> dict[str, str]:
    """Files the edition is made from (relative path → sha256): edition.toml, the articles,
    every photo they use and every ad image."""
    used = {edition_dir / "edition.toml"}
    for article in articles:
        used.add(article.path.resolve())
        used.update(image.path for image in article.images)
        used.update(b.path for b in article.body if isinstance(b, Image))
    used.update((edition_dir / ad.image).resolve() for ad in config.ads if ad.image)
    if (edition_dir / "ads.csv").is_file():  # the ad dummy as the ad system exported it
        used.add(edition_dir / "ads.csv")
        used.update(Path(unquote(urlsplit(ad.image).path)) for ad in booked if ad.image)
    return {str(p.relative_to(edition_dir)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(used) if p.is_relative_to(edition_dir)}




def _empty_sections(config: EditionConfig, measures: list[StoryMeasure]) -> list[str]:
    used = {m.article.section for m in measures}
    return [f"edition.toml: section '{s.id}' is listed but has no stories: it is not printed"
            " — give it articles, or remove it from [[sections]]"
            for s in config.sections if s.id not in used]


def files_report(inputs: EditionInputs, report: dict[str, object]) -> list[dict[str, str]]:
    """Every source file read or passed over, and what became of it."""
    folder = inputs.folder
    rows = {"edition.toml": "settings"}
    stories = {s["file"]: s for s in report["stories"]}  # type: ignore[attr-defined, union-attr]
    for article in inputs.articles:
        story = stories.get(str(article.path))
        pages = ", ".join(story["pages"]) if story and story["pages"] else "no page (overset)"
        rows[str(article.path.relative_to(folder))] = f"story '{article.slug}': {pages}"
        for image in (*article.images, *(b for b in article.body if isinstance(b, Image))):
            if image.path.is_relative_to(folder):
                rows.setdefault(str(image.path.relative_to(folder)),
                                f"photo of story '{article.slug}'")
    for ad in inputs.config.ads:
        if ad.image:
            rows.setdefault(ad.image, "ad image")
    for path, why in inputs.sources.ignored:
        rows[str(path.relative_to(folder))] = f"not read: {why}"
    return [{"file": f, "outcome": o} for f, o in sorted(rows.items())]




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


def _report(config: EditionConfig, when: date, pages: Pages, sections: list[Section],
            warnings: list[str],
            timings: dict[str, float], stats: MeasureStats, pdf_path: Path, data: bytes,
            maker: PageMaker) -> dict[str, object]:
    body = pages_report(pages, warnings, timings, maker.layout.grid.row_gap)
    return {
        "edition": {"title": config.title, "date": when.isoformat(), "locale": config.locale,
                    "layout": config.layout, "pages": len(pages.pages),
                    "stories": len(pages.measures), "pdf": pdf_path.name,
                    "pdf_bytes": len(data),
                    "labels": [p.label for p in pages.pages],
                    "sections": [{"id": s.id, "title": s.title, "letter": s.letter}
                                 for s in sections]},
        **body,
        "composition": composition(pages.measures.values(), maker.layout.composer.breaker),
        "measure_cache": asdict(stats),
        "versions": {"epaper": __version__, "weasyprint": weasy.VERSION,
                     "fonts": maker.typesetter.fonts.versions()},
    }
