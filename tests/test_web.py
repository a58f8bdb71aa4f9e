"""The e-paper folder (``epaper web``, ``build --web``): page images, regions, story files
made from the articles (every word once, in order, no jump lines), the search index, ALTO
4.4 and METS 1.12.1 valid against the official schemas with the PDF's words, the archive
copy embedding them, and bad input."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import lxml.etree as LET
import lxml.html
import pdfplumber
import pytest
from typer.testing import CliRunner

from conftest import ROOT, join_lines
from epaper.cli import app
from epaper.ingest.article import read_article
from epaper.pdf import attachments
from epaper.web import search
from epaper.web.make import edition_slug, web_folder
from epaper.web.mets import article_id

pytestmark = pytest.mark.slow
runner = CliRunner()
SCHEMAS = ROOT / "tests" / "data" / "schemas"
ALTO = "{http://www.loc.gov/standards/alto/ns-v4#}"
METS = "{http://www.loc.gov/METS/}"
JUMP = re.compile(r"^(Continued (on|from) [A-Z]\d+|[A-Z]\d+면에서? 계속)$")


def folder_of(pdf: Path) -> Path:
    report = json.loads(pdf.with_name(pdf.stem + ".report.json").read_text(encoding="utf-8"))
    return web_folder(pdf.parent, report)


def edition_data(folder: Path) -> dict:
    text = (folder / "edition.js").read_text(encoding="utf-8")
    return json.loads(text.removeprefix("window.EPAPER = ").rstrip().rstrip(";"))


def article_of(story: dict):  # type: ignore[no-untyped-def]
    path = Path(story["file"])
    return read_article(path, roots=[path.parent, path.parent.parent])


def _without(words: list[str], quote: list[str], body: list[str]) -> list[str]:
    """``words`` without the run that prints the pull quote ``quote`` (its quote marks
    aside): of the runs that do (the body may hold the same sentence), the one whose removal
    leaves the body readable in order."""
    strip = "\"'“”‘’"
    want = [w.strip(strip) for w in quote]
    runs = [i for i in range(len(words) - len(want) + 1)
            if [w.strip(strip) for w in words[i:i + len(want)]] == want]
    for i in runs:
        rest = words[:i] + words[i + len(want):]
        read = iter(join_lines(rest))
        if all(any(w == r for r in read) for w in body):
            return rest
    return words


def report_of(pdf: Path) -> dict:
    return json.loads(pdf.with_name(pdf.stem + ".report.json").read_text(encoding="utf-8"))


class _Local(LET.Resolver):
    def resolve(self, url, pubid, context):  # type: ignore[no-untyped-def]
        if url.endswith("xlink.xsd"):
            return self.resolve_filename(str(SCHEMAS / "xlink.xsd"), context)
        return None


def schema(name: str) -> LET.XMLSchema:
    parser = LET.XMLParser()
    parser.resolvers.add(_Local())
    return LET.XMLSchema(LET.parse(str(SCHEMAS / name), parser))


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_folder_pages_and_regions(sample_epapers: dict[str, Path], lang: str) -> None:
    pdf = sample_epapers[lang]
    report = report_of(pdf)
    folder = folder_of(pdf)
    assert folder == pdf.parent / "web" / edition_slug(report) / report["edition"]["date"]
    data = edition_data(folder)
    assert [p["label"] for p in data["pages"]] == report["edition"]["labels"]
    for page, row in zip(data["pages"], report["pages"], strict=True):
        zoom = folder / page["zoom"]
        assert zoom.stat().st_size <= 300_000, f"{page['label']}: zoom image over 300 KB"
        assert (folder / page["thumb"]).is_file()
        # at least 1.1 px per point: 9.5 pt body type is 10 px or more
        assert page["zoomSize"][0] / page["width"] >= 1.0, page["label"]
        assert [(r["slug"], r["part"]) for r in page["regions"]] == [
            (f["slug"], f["part"]) for f in row["stories"]], page["label"]
        for r, f in zip(page["regions"], row["stories"], strict=True):
            assert r["box"][0] == pytest.approx(f["box_pt"][0] / page["width"], abs=1e-4)
    titles = {s["id"]: s["title"] for s in report["edition"]["sections"]}
    assert [s["title"] for s in data["sections"]] == list(titles.values())
    html = (folder / "index.html").read_text(encoding="utf-8")
    assert f'<html lang="{data["lang"]}">' in html
    assert "http://" not in html and "https://" not in html  # nothing from the network
    for name in ("viewer.js", "viewer.css"):
        text = (folder / name).read_text(encoding="utf-8")
        assert "http://" not in text and "https://" not in text, name


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_story_files_every_word_once_in_order(sample_epapers: dict[str, Path],
                                              lang: str) -> None:
    pdf = sample_epapers[lang]
    folder = folder_of(pdf)
    report = report_of(pdf)
    for story in report["stories"]:
        article = article_of(story)
        doc = lxml.html.parse(str(folder / "stories" / f"{story['slug']}.html")).getroot()
        body = doc.find_class("story-body")[0]
        for el in body.find_class("dateline"):
            el.drop_tree()
        words = " ".join(p.text_content() for p in body.xpath("./p|./blockquote")).split()
        assert words == article.words(), f"{story['slug']}: body words differ"
        text = doc.text_content()
        assert "Continued" not in text and "계속" not in text, story["slug"]
        assert doc.find_class("headline")[0].text_content() == article.headline
        for img in doc.iter("img"):
            assert (folder / "stories" / img.get("src")).resolve().is_file(), story["slug"]
            assert img.get("alt") is not None


def test_search_index_korean_pairs() -> None:
    assert {"전통", "통시", "시장"} <= search.tokens("전통시장 야시장")
    index = search.build_index(["Harbor piers", "전통시장이 열렸다"])
    assert index["시장"] == [1] and index["harbor"] == [0]
    assert search.tokens("Café") == {"cafe"}


def _alto_words(path: Path) -> list[tuple[str, tuple[float, ...]]]:
    out = []
    for s in LET.parse(str(path)).iter(f"{ALTO}String"):
        box = tuple(float(s.get(k)) * 72 / 1200 for k in ("HPOS", "VPOS", "WIDTH", "HEIGHT"))
        out.append((s.get("CONTENT"), box))
    return out


def _same_words(alto_words, chars, label: str) -> None:  # type: ignore[no-untyped-def]
    """Each ALTO word is exactly the PDF's characters inside its box, and every printed
    character of the page is in one ALTO word."""
    rows: dict[int, list[dict]] = {}
    for c in chars:
        if c["text"].strip():
            rows.setdefault(int((c["top"] + c["bottom"]) / 2 // 10), []).append(c)
    used = 0
    for word, (x, y, w, h) in alto_words:
        cy = y + h / 2
        inside = [c for k in (int(cy // 10) - 1, int(cy // 10), int(cy // 10) + 1)
                  for c in rows.get(k, [])
                  if x - 0.3 <= (c["x0"] + c["x1"]) / 2 <= x + w + 0.3
                  and y - 0.3 <= (c["top"] + c["bottom"]) / 2 <= y + h + 0.3]
        text = "".join(c["text"] for c in sorted(inside, key=lambda c: c["x0"]))
        assert text == word, f"{label}: ALTO word '{word}' but the PDF has '{text}' there"
        used += len(inside)
    assert used == sum(len(r) for r in rows.values()), f"{label}: PDF characters not in ALTO"


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_alto_and_mets_valid_with_the_pdf_words(sample_epapers: dict[str, Path],
                                                lang: str) -> None:
    pdf = sample_epapers[lang]
    folder = folder_of(pdf)
    report = report_of(pdf)
    alto_schema, mets_schema = schema("alto-4-4.xsd"), schema("mets-1-12-1.xsd")
    mets = LET.parse(str(folder / "mets.xml"))
    mets_schema.assertValid(mets)
    labels = report["edition"]["labels"]
    check_pages = range(len(labels)) if lang == "ko" else (0, 2)  # pdfplumber is slow
    blocks: dict[tuple[int, str], list[str]] = {}
    with pdfplumber.open(pdf) as doc:
        for n, label in enumerate(labels):
            path = folder / "alto" / f"{label}.xml"
            tree = LET.parse(str(path))
            alto_schema.assertValid(tree)
            for tb in tree.iter(f"{ALTO}TextBlock"):  # story columns, without jump lines
                blocks[(n, tb.get("ID"))] = [
                    s.get("CONTENT") for line in tb.iter(f"{ALTO}TextLine")
                    if tb.get("TAGREFS") == "BODY" and not JUMP.match(
                        " ".join(x.get("CONTENT") for x in line.iter(f"{ALTO}String")))
                    for s in line.iter(f"{ALTO}String")]
            if n not in check_pages:
                continue
            _same_words(_alto_words(path), doc.pages[n].chars, label)
    # each METS article: its blocks, in order, hold the story's body words in order
    for story in report["stories"]:
        if story["status"] == "held":  # held for a later edition: on no page, in no METS
            assert not any(d.get("ID") == article_id(story["slug"])
                           for d in mets.iter(f"{METS}div")), story["slug"]
            continue
        art = next(d for d in mets.iter(f"{METS}div")
                   if d.get("ID") == article_id(story["slug"]))
        assert art.get("LABEL") == story["headline"]
        words: list[str] = []
        for area in art.iter(f"{METS}area"):
            page_index = int(area.get("FILEID").removeprefix("ALTO")) - 1
            words += blocks[(page_index, area.get("BEGIN"))]
        source = article_of(story)
        body = source.words()
        # pull quotes repeat body text inside the columns, wherever they float (even between
        # the halves of a hyphenated word): read the columns without them
        if story["words_cut"]:  # trimmed from the bottom: the leading words were set
            body = body[:len(body) - story["words_cut"]]
        for quote in source.pullquotes:
            words = _without(words, quote.split(), body)
        if lang == "ko":  # Hangul lines break between syllables, without a hyphen
            words, body = list("".join(words).replace("\u2010", "")), list("".join(body))
        read = iter(join_lines(words))
        missing = [w for w in body if not any(w == r for r in read)]
        assert len(words) >= len(body), story["slug"]
        assert not missing, f"{story['slug']}: METS blocks lack {missing[:5]}"


def test_web_command_and_bad_input(sample_epapers: dict[str, Path], tmp_path: Path) -> None:
    pdf = sample_epapers["ko"]
    result = runner.invoke(app, ["web", str(pdf), "--out-dir", str(tmp_path / "o"), "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert Path(summary["index"]).is_file() and summary["pages"] == 5
    # no report beside the PDF
    lone = tmp_path / "lone.pdf"
    shutil.copy(pdf, lone)
    result = runner.invoke(app, ["web", str(lone)])
    assert result.exit_code == 2 and "report" in result.output and "keep the" in result.output
    # an article changed since the build: named, nothing written
    source = tmp_path / "src"
    shutil.copytree(ROOT / "samples" / "editions" / "ko", source)
    article = next((source / "articles").glob("*.md"))
    article.write_text(article.read_text(encoding="utf-8") + "\n추가 문장.\n", encoding="utf-8")
    result = runner.invoke(app, ["web", str(pdf), "--source", str(source), "--out-dir",
                                 str(tmp_path / "bad")])
    assert result.exit_code == 2, result.output
    assert article.name in result.output and "changed since" in result.output
    assert not (tmp_path / "bad" / "web").exists() or not any(
        (tmp_path / "bad" / "web").rglob("index.html"))


def test_archive_copy_embeds_alto_and_mets(tmp_path: Path) -> None:
    from test_archive import edition

    ed = edition(tmp_path / "ed")
    result = runner.invoke(app, ["build", str(ed), "--out-dir", str(tmp_path / "out"),
                                 "--archive", str(tmp_path / "arch"), "--jobs", "1"])
    assert result.exit_code == 0, result.output
    archived = next((tmp_path / "arch").rglob("*.pdf"))
    files = attachments(archived.read_bytes())
    assert "epaper/mets.xml" in files and "epaper/alto/A1.xml" in files
    schema("mets-1-12-1.xsd").assertValid(LET.fromstring(files["epaper/mets.xml"]))
    schema("alto-4-4.xsd").assertValid(LET.fromstring(files["epaper/alto/A1.xml"]))


def test_serve_without_archive(tmp_path: Path) -> None:
    result = runner.invoke(app, ["serve", "--archive", str(tmp_path / "none")])
    assert result.exit_code == 1 and "no archive at" in result.output
