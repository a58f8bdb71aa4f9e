"""``epaper web``: a built edition (its PDF and the report beside it) to a static e-paper
folder, ``OUT/web/<title-slug>/<date>/``, that needs no server and no network:

    index.html, viewer.js, viewer.css   the viewer
    edition.js                          pages, regions, stories, search index, words
    pages/A1.webp, pages/A1.thumb.webp  zoom image and thumbnail of each page
    stories/<slug>.html                 each story as a clean HTML page
    photos/…                            web copies of the story photos
    alto/A1.xml, mets.xml               ALTO 4.4 per page, METS 1.12.1 for the edition

Story text comes from the articles the report names (checked against their recorded
sha256), never from the PDF; the PDF gives the page images and the ALTO words. The folder
is written beside its final place and swapped in whole."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from epaper import l10n
from epaper import pdf as pdftools
from epaper.errors import InputError, InputErrors, Problem
from epaper.files import write_atomic
from epaper.ingest.article import read_article
from epaper.model import Article, Image
from epaper.web import alto, images, mets, search, story, textlayer
from epaper.web.words import words

HERE = Path(__file__).parent


@dataclass(frozen=True)
class WebResult:
    folder: Path
    pages: int
    stories: int
    zoom_bytes: tuple[int, ...]
    total_bytes: int
    seconds: float


def read_report(pdf: Path) -> dict:  # type: ignore[type-arg]
    """The build report written beside an edition PDF."""
    path = pdf.with_name(pdf.stem + ".report.json")
    if not pdf.is_file():
        raise InputError(Problem(pdf, "no such edition PDF", fix="give the PDF that "
                                 "`epaper build` wrote"))
    try:
        report = json.loads(path.read_text(encoding="utf-8"))
        report["edition"]["pdf"], report["pages"], report["stories"]  # noqa: B018
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InputError(Problem(path, f"no readable build report beside the PDF ({exc})",
                                 fix="keep the .report.json that `epaper build` wrote "
                                     "beside the PDF")) from exc
    return report  # type: ignore[no-any-return]


def edition_slug(report: dict) -> str:  # type: ignore[type-arg]
    """The publication's slug, from the PDF name ``<slug>-<date>.pdf``."""
    stem = Path(str(report["edition"]["pdf"])).stem
    day = str(report["edition"]["date"])
    return stem[: -len(day) - 1] if stem.endswith(day) else stem


def web_folder(out_dir: Path, report: dict) -> Path:  # type: ignore[type-arg]
    """``OUT/web/<title-slug>/<date>``."""
    return out_dir / "web" / edition_slug(report) / str(report["edition"]["date"])


def _safe(name: str) -> str:
    return re.sub(r"[^\w.-]+", "-", name).strip("-") or "x"


def read_stories(report: dict, source: Path) -> dict[str, Article]:  # type: ignore[type-arg]
    """Each story's article, from ``source`` (the edition folder or a copy of its recorded
    sources); every file must be the one the edition was built from."""
    edition = report["edition"]
    recorded: dict[str, str] = edition.get("sources", {})
    built_from = Path(edition.get("source", source))
    problems, out = [], {}
    for s in report["stories"]:
        file = Path(s["file"])
        rel = (str(file.relative_to(built_from)) if file.is_relative_to(built_from)
               else f"articles/{file.name}")
        path = source / rel
        if not path.is_file():
            problems.append(Problem(path, f"the article of story '{s['slug']}' is missing",
                                    fix="run `epaper web` where the edition's sources are, "
                                        "or pass --source EDITION_DIR"))
            continue
        want = recorded.get(rel)
        if want and hashlib.sha256(path.read_bytes()).hexdigest() != want:
            problems.append(Problem(path, f"the article of story '{s['slug']}' changed since "
                                    "the edition was built", fix="rebuild the edition first"))
            continue
        try:
            out[s["slug"]] = read_article(path, roots=[source / "articles", source])
        except InputErrors as exc:
            problems.extend(exc.problems)
    if problems:
        raise InputErrors(problems)
    return out


def _env() -> Environment:
    return Environment(loader=FileSystemLoader(HERE / "templates"), undefined=StrictUndefined,
                       autoescape=select_autoescape(["html", "j2"]), keep_trailing_newline=True)


def make_web(pdf: Path, out_dir: Path | None = None, source: Path | None = None,
             jobs: int = 1, folder: Path | None = None) -> WebResult:
    """Write the e-paper of the edition ``pdf``; see the module docstring."""
    t0 = time.perf_counter()
    pdf = Path(pdf).resolve()
    report = read_report(pdf)
    edition = report["edition"]
    source = Path(source or edition.get("source", pdf.parent)).resolve()
    articles = read_stories(report, source)
    final = folder or web_folder(Path(out_dir or pdf.parent).resolve(), report)
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=final.parent, prefix=f".{final.name}.", suffix=".part"))
    try:
        _write(pdf, report, articles, tmp, jobs)
        zoom = tuple(p.stat().st_size for p in sorted((tmp / "pages").glob("*.webp"))
                     if not p.name.endswith(".thumb.webp"))
        total = sum(p.stat().st_size for p in tmp.rglob("*") if p.is_file())
        old = None
        if final.exists():
            old = final.with_name(f".{final.name}.old")
            shutil.rmtree(old, ignore_errors=True)
            final.rename(old)
        tmp.rename(final)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return WebResult(final, len(report["pages"]), len(articles), zoom, total,
                     time.perf_counter() - t0)


def _write(pdf: Path, report: dict, articles: dict[str, Article], out: Path,  # type: ignore[type-arg]
           jobs: int) -> None:
    edition = report["edition"]
    locale = str(edition["locale"])
    lang = l10n.locale(locale).language
    vocab = words(locale)
    labels = [str(p["label"]) for p in report["pages"]]
    names = [_safe(label) for label in labels]
    pics = images.page_images(pdf, out, names, jobs)
    sizes = pdftools.facts(pdf.read_bytes()).page_sizes
    for name, data in text_structure(pdf, report).items():
        write_atomic(out / name, data)
    titles = {s["id"]: s["title"] for s in edition.get("sections", [])}
    story_rows = {s["slug"]: s for s in report["stories"]}
    langs = {slug: str(s.get("lang") or lang) for slug, s in story_rows.items()}

    # photos: web copies, named by story
    photo_urls: dict[Path, str] = {}

    def photo_url(image: Image) -> str:
        if image.path not in photo_urls:
            name = f"photos/{len(photo_urls) + 1:03d}-{_safe(image.path.stem)}.jpg"
            images.photo_copy(image.path, out / name)
            photo_urls[image.path] = name
        return photo_urls[image.path]

    # pages, regions, ALTO
    pages = []
    for n, (page, pic) in enumerate(zip(report["pages"], pics, strict=True)):
        section = str(page["section"])
        w, h = sizes[n]
        pages.append({
            "label": labels[n], "section": section,
            "width": round(w, 2), "height": round(h, 2),
            "zoom": pic.zoom, "zoomSize": list(pic.zoom_size),
            "thumb": pic.thumb, "thumbSize": list(pic.thumb_size),
            "alt": vocab["page_alt"].format(
                page=labels[n], section=titles.get(section, section),
                headlines="; ".join(articles[f["slug"]].headline for f in page["stories"]
                                    if f["part"] == 0 and f["slug"] in articles)),
            "regions": [{"slug": f["slug"], "part": f["part"],
                         "box": [round(f["box_pt"][0] / w, 5), round(f["box_pt"][1] / h, 5),
                                 round(f["box_pt"][2] / w, 5), round(f["box_pt"][3] / h, 5)]}
                        for f in page["stories"] if f["slug"] in articles],
        })

    # stories
    env = _env()
    stories, plain = {}, []
    for slug, art in articles.items():
        row = story_rows[slug]
        art_lang = langs[slug]
        html = story.article_html(art, art_lang, photo_url)
        first = next((p["label"] for p in pages
                      for r in p["regions"] if r["slug"] == slug), None)
        stories[slug] = {"headline": art.headline, "section": art.section,
                         "pages": row["pages"], "page": first, "lang": art_lang,
                         "html": str(html)}
        write_atomic(out / f"stories/{_safe(slug)}.html", env.get_template(
            "story.html.j2").render(
                article=story.article_html(art, art_lang, lambda i: "../" + photo_url(i)),
                lang=art_lang, headline=art.headline,
                                    title=edition["title"], words=vocab, page=first,
                                    slug=slug).encode("utf-8"))
        plain.append(" ".join([art.kicker, art.headline, art.deck, " ".join(art.bylines),
                               art.dateline, art.body_text, art.tagline]))
    slugs = list(articles)
    sections = [{"id": s["id"], "title": s["title"], "letter": s.get("letter", "")}
                for s in edition.get("sections", [])] or [
        {"id": sid, "title": sid, "letter": ""}
        for sid in dict.fromkeys(p["section"] for p in pages)]
    day = date.fromisoformat(str(edition["date"]))
    data = {
        "title": edition["title"], "date": edition["date"],
        "dateText": l10n.long_date(day, locale), "lang": lang, "words": vocab,
        "sections": sections, "pages": pages, "stories": stories,
        "search": {"slugs": slugs, "index": search.build_index(plain)},
    }
    write_atomic(out / "edition.js", ("window.EPAPER = " + json.dumps(
        data, ensure_ascii=False, separators=(",", ":")) + ";\n").encode("utf-8"))
    for name in ("viewer.js", "viewer.css"):
        write_atomic(out / name, (HERE / "static" / name).read_bytes())
    write_atomic(out / "index.html", env.get_template("index.html.j2").render(
        title=edition["title"], date_text=data["dateText"], lang=lang, words=vocab,
        stories=[(s, articles[s].headline) for s in slugs],
        safe=_safe).encode("utf-8"))


def archival_extras(pdf_bytes: bytes, report: dict) -> list[tuple[str, bytes]]:  # type: ignore[type-arg]
    """The ALTO and METS files of a freshly built edition, for its archive copy (named
    ``epaper/alto/<label>.xml`` and ``epaper/mets.xml``)."""
    with tempfile.TemporaryDirectory(prefix="epaper-alto-") as tmp:
        pdf = Path(tmp) / "edition.pdf"
        pdf.write_bytes(pdf_bytes)
        return [(f"epaper/{name}", data) for name, data in text_structure(pdf, report).items()]


def text_structure(pdf: Path, report: dict) -> dict[str, bytes]:  # type: ignore[type-arg]
    """``alto/<label>.xml`` for every page and ``mets.xml``: the PDF's words, grouped into
    the report's story blocks. Needs only the PDF and its report (the archive embeds them)."""
    edition = report["edition"]
    lang = l10n.locale(str(edition["locale"])).language
    texts = textlayer.read_words(pdf)
    langs = {s["slug"]: str(s.get("lang") or lang) for s in report["stories"]}
    files: dict[str, bytes] = {}
    blocks: dict[tuple[str, int], tuple[int, list[str]]] = {}
    mets_pages = []
    for n, (page, text) in enumerate(zip(report["pages"], texts, strict=True)):
        name = _safe(str(page["label"]))
        regions = [alto.Region(f["slug"], f["part"], tuple(f["box_pt"]),
                               tuple(tuple(c) for c in f["columns_pt"]))
                   for f in page["stories"]]
        done = alto.page_alto(text, n + 1, str(page["label"]), regions,
                              f"pages/{name}.webp", lang, langs)
        files[f"alto/{name}.xml"] = done.xml
        blocks.update({key: (n, ids) for key, ids in done.blocks.items()})
        mets_pages.append(mets.MetsPage(str(page["label"]), f"pages/{name}.webp",
                                        f"alto/{name}.xml"))
    articles = []
    for s in report["stories"]:
        if not s.get("pages"):  # held for a later edition, or not placed: not in this issue
            continue
        areas: list[tuple[int, str]] = []
        for part in range(int(s.get("fragments", 1))):
            n, ids = blocks.get((s["slug"], part), (0, []))
            areas.extend((n, i) for i in ids)
        articles.append(mets.MetsArticle(s["slug"], s["headline"], s["section"],
                                         tuple(areas)))
    sections = [(x["id"], x["title"]) for x in edition.get("sections", [])] or [
        (sid, sid) for sid in dict.fromkeys(p["section"] for p in report["pages"])]
    files["mets.xml"] = mets.edition_mets(str(edition["title"]), str(edition["date"]),
                                          mets_pages, sections, articles)
    return files
