"""The nightly edition build, read back from the real PDFs it writes."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

import pdfplumber
import pytest
from typer.testing import CliRunner

from conftest import ROOT, SAMPLES
from epaper.cli import app
from epaper.edition.build import build
from epaper.edition.inputs import resolve_date
from epaper.errors import InputErrors
from epaper.pdf import facts

EN = ROOT / "samples" / "editions" / "en"
KO = ROOT / "samples" / "editions" / "ko"
runner = CliRunner()


def page_text(pdf: Path, page: int, top: float, bottom: float) -> str:
    with pdfplumber.open(pdf) as doc:
        p = doc.pages[page]
        return p.crop((0, top, p.width, min(bottom, p.height))).extract_text() or ""


@pytest.fixture(scope="module")
def english(tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("en")
    return build(EN, out, jobs=2)


@pytest.fixture(scope="module")
def korean(tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("ko")
    return build(KO, out, jobs=2)


def small_edition(folder: Path, toml: str | None = None, count: int = 3) -> Path:
    (folder / "articles").mkdir(parents=True)
    samples = sorted(SAMPLES.glob("*.md"))
    for path in samples[:count]:
        text = path.read_text(encoding="utf-8").replace("src: images/", "src: ../images/")
        (folder / "articles" / path.name).write_text(text, encoding="utf-8")
    shutil.copytree(SAMPLES / "images", folder / "images")
    (folder / "edition.toml").write_text(toml or 'title = "The Korea Times"\n'
                                         "date = 2019-06-17\n"
                                         'locale = "en_US"\n', encoding="utf-8")
    return folder


@pytest.mark.slow
def test_english_sample_edition_is_a_full_paper(english) -> None:
    info = english.report["edition"]
    assert info["pages"] == 9 and info["stories"] >= 30  # the sample's [plan] pages
    sections = {p["section"] for p in english.report["pages"]}
    assert len(sections) >= 4 and "opinion" in sections
    assert any(s["jumps"] for s in english.report["stories"])
    for s in english.report["stories"]:  # every word set, cut (reported) or held
        if s["status"] == "held":
            assert s["words_set"] == 0 and not s["pages"], s["slug"]
        else:
            assert s["words_set"] + s["words_cut"] == s["words_in_source"], s["slug"]
    assert any(p["template"].startswith("inside") for p in english.report["pages"])
    f = facts(english.pdf_path.read_bytes())
    assert f.pages == info["pages"]
    # page labels equal the printed labels, section by section
    assert list(f.labels) == info["labels"]
    assert f.labels[0] == "A1" and "B1" in f.labels
    for n, label in enumerate(f.labels[1:4], start=1):
        assert page_text(english.pdf_path, n, 0, 50).startswith(label)


@pytest.mark.slow
def test_masthead_folios_metadata_outline_en(english) -> None:
    pdf = english.pdf_path
    masthead = page_text(pdf, 0, 0, 200)
    assert "The Harbor Courier" in masthead
    assert "MONDAY, NOVEMBER 30, 2026" in masthead.upper()
    assert "VOL. 74" in masthead.upper() and "NO. 21,012" in masthead.upper()
    folio = page_text(pdf, 1, 0, 50)
    assert "A2 · National" in folio and "Monday, November 30, 2026" in folio
    assert "The Harbor Courier" in folio
    f = facts(pdf.read_bytes())
    assert f.info["Title"] == "The Harbor Courier — Monday, November 30, 2026"
    assert f.info["Publisher"] == "Harbor Courier Media"
    assert f.info["Subject"] == "Daily news of the southern coast"
    assert f.lang == "en"
    tops = [t for depth, t, _ in f.outline if depth == 0]
    assert tops == ["National", "Business", "World", "Sports", "Opinion"]
    stories = [(t, page) for depth, t, page in f.outline if depth == 1]
    printed = [s for s in english.report["stories"] if s["status"] != "held"]
    assert len(stories) == len(printed)  # a held story is on no page, so not in the outline
    # each story entry points at the page holding the story's first part
    first_page = {s["slug"]: s["pages"][0] for s in printed}
    by_headline = {}
    for page in english.report["pages"]:
        for frag in page["stories"]:
            if frag["part"] == 0:
                by_headline.setdefault(frag["slug"], page["index"])
    assert sorted(page for _, page in stories) == sorted(
        f.labels.index(first_page[slug]) for slug in first_page)
    assert set(by_headline) == set(first_page)


@pytest.mark.slow
def test_jump_lines_are_links_both_ways(english) -> None:
    f = facts(english.pdf_path.read_bytes())
    index = {p["label"]: p["index"] for p in english.report["pages"]}
    links = set(f.links)
    problems, jumps = [], 0
    for page in english.report["pages"]:
        for frag in page["stories"]:
            if frag["jump_to"]:
                jumps += 1
                there = index[frag["jump_to"]]
                where = f"story '{frag['slug']}' part {frag['part']}"
                if (page["index"], there) not in links:
                    problems.append(f"{where}: no link from its jump line on {page['label']} "
                                    f"to {frag['jump_to']}")
                if (there, page["index"]) not in links:
                    problems.append(f"{where}: no link back from {frag['jump_to']} to "
                                    f"{page['label']}")
    assert jumps and not problems, "\n".join(problems)


@pytest.mark.slow
def test_korean_edition_dates_imprint_and_labels(korean) -> None:
    pdf = korean.pdf_path
    assert pdf.name == "남해일보-2026-11-30.pdf"
    assert korean.report["edition"]["pages"] >= 4
    masthead = page_text(pdf, 0, 0, 200)
    assert "남해일보" in masthead and "2026년 11월 30일 월요일" in masthead
    for item in ("발행인 김남해", "편집인 이바다", "등록번호", "등록연월일"):
        assert item in masthead
    folio = page_text(pdf, 1, 0, 50)
    assert "2026년 11월 30일 월요일" in folio
    f = facts(pdf.read_bytes())
    assert f.lang == "ko" and f.labels[0] == "A1"
    jumps = [frag for p in korean.report["pages"] for frag in p["stories"] if frag["jump_to"]]
    if jumps:
        frag = jumps[0]
        page = next(p for p in korean.report["pages"] if frag in p["stories"])
        text = page_text(pdf, page["index"], 0, 2000).replace(" ", "")
        assert f"{frag['jump_to']}면에계속" in text, (
            f"story '{frag['slug']}' on page {page['label']}: no line "
            f"'{frag['jump_to']}면에 계속'")


def test_minimal_edition_toml_builds(tmp_path: Path) -> None:
    folder = small_edition(tmp_path / "ed")
    result = build(folder, tmp_path / "out", jobs=1)
    assert result.pdf_path == tmp_path / "out" / "the-korea-times-2019-06-17.pdf"
    assert result.report_path.exists()
    report = json.loads(result.report_path.read_text(encoding="utf-8"))
    assert report["edition"]["date"] == "2019-06-17"
    assert report["versions"]["weasyprint"].startswith("70")
    assert set(report["timings_s"]) >= {"read", "measure", "place_fit", "render", "total"}
    masthead = page_text(result.pdf_path, 0, 0, 200)
    assert "The Korea Times" in masthead and "MONDAY, JUNE 17, 2019" in masthead.upper()


def test_two_builds_are_byte_identical(tmp_path: Path) -> None:
    folder = small_edition(tmp_path / "ed")
    a = build(folder, tmp_path / "a", jobs=1).pdf_path.read_bytes()
    b = build(folder, tmp_path / "b", jobs=1, use_cache=False).pdf_path.read_bytes()
    c = build(folder, tmp_path / "a", jobs=1).pdf_path.read_bytes()  # from the cache
    assert a == b == c


def test_all_bad_articles_listed_at_once(tmp_path: Path) -> None:
    folder = small_edition(tmp_path / "ed")
    bad = ROOT / "tests" / "data" / "bad"
    for name in ("unknown-field.md", "image-http.md", "missing-headline.md"):
        shutil.copy(bad / name, folder / "articles" / name)
    (folder / "edition.toml").write_text('title = "T"\ndate = 2019-06-17\nlocale = "en_US"\n'
                                         'colour = "red"\n', encoding="utf-8")
    result = runner.invoke(app, ["build", str(folder), "--out-dir", str(tmp_path / "out")])
    assert result.exit_code == 2
    err = result.stderr
    for needle in ("unknown-field.md:2", "did you mean 'headline'", "image-http.md:5",
                   "missing-headline.md", "edition.toml", "unknown key 'colour'"):
        assert needle in err, err
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").glob("*.pdf"))


def test_bad_edition_toml_is_named(tmp_path: Path) -> None:
    folder = small_edition(tmp_path / "ed", 'title = "T"\ndate = "yesterday"\nlocale = "xx_YY"\n')
    with pytest.raises(InputErrors) as caught:
        build(folder, tmp_path / "out")
    text = str(caught.value)
    assert "edition.toml" in text and "date" in text and "unknown locale" in text


def test_strict_fails_on_warnings_and_writes_nothing(tmp_path: Path) -> None:
    folder = small_edition(tmp_path / "ed")
    (folder / "articles" / "html.md").write_text(
        "---\nheadline: Tags\nsection: national\n---\nA <b>bold</b> claim.\n", encoding="utf-8")
    result = runner.invoke(app, ["build", str(folder), "--out-dir", str(tmp_path / "out"),
                                 "--strict"])
    assert result.exit_code == 1 and "raw HTML" in result.stderr
    assert not list((tmp_path / "out").glob("*.pdf"))
    ok = runner.invoke(app, ["build", str(folder), "--out-dir", str(tmp_path / "out")])
    assert ok.exit_code == 0 and "raw HTML" in ok.stderr


def test_cli_prints_paths_and_json(tmp_path: Path) -> None:
    folder = small_edition(tmp_path / "ed")
    result = runner.invoke(app, ["build", str(folder), "--out-dir", str(tmp_path / "out"),
                                 "--date", "2020-01-02", "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["pdf"].endswith("the-korea-times-2020-01-02.pdf")
    assert Path(summary["report"]).exists()
    plain = runner.invoke(app, ["build", str(folder), "--out-dir", str(tmp_path / "out")])
    assert plain.stdout.splitlines()[0].endswith("the-korea-times-2019-06-17.pdf")
    assert " A1  news hole " in plain.stderr and "pages, fill min " in plain.stderr
    assert summary["summary"]["pages"] >= 1 and "min_fill" in summary["summary"]


def test_today_and_tomorrow_in_the_publication_time_zone() -> None:
    late = datetime(2026, 11, 29, 20, 30, tzinfo=UTC)  # 05:30 on the 30th in Seoul
    assert resolve_date("today", None, "Asia/Seoul", late) == date(2026, 11, 30)
    assert resolve_date("tomorrow", None, "Asia/Seoul", late) == date(2026, 12, 1)
    assert resolve_date("today", None, "UTC", late) == date(2026, 11, 29)
    with pytest.raises(InputErrors):
        resolve_date("someday", None, "UTC", late)


@pytest.mark.slow
def test_a_killed_build_leaves_the_previous_edition_intact(tmp_path: Path) -> None:
    folder = tmp_path / "ed"
    shutil.copytree(EN, folder, ignore=shutil.ignore_patterns("out"))
    out = tmp_path / "out"
    first = build(folder, out, jobs=1, use_cache=False)
    before = first.pdf_path.read_bytes()
    # change a story, rebuild in another process, kill it while it works
    story = next((folder / "articles").glob("wire-national-0*.md"))
    story.write_text(story.read_text(encoding="utf-8") + "\nOne more paragraph.\n",
                     encoding="utf-8")
    (tmp_path / "proc-tmp").mkdir()  # a killed build cannot clean its temporary folders
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TMPDIR": str(tmp_path / "proc-tmp")}
    for delay in (0.5, 2.0, 4.0):
        proc = subprocess.Popen([sys.executable, "-m", "epaper.cli", "build", str(folder),
                                 "--out-dir", str(out), "--no-cache", "--jobs", "1"],
                                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert first.pdf_path.read_bytes() == before  # intact until a new one is complete
        facts(first.pdf_path.read_bytes())  # and readable
        assert not [p for p in out.iterdir() if p.suffix == ".pdf" and p != first.pdf_path]


def test_config_mistakes_are_problems_not_tracebacks(tmp_path: Path) -> None:
    folder = small_edition(tmp_path / "ed", 'title = "T"\ndate = 2019-06-17\nlocale = "en_US"\n'
                           '[[sections]]\nid = "national"\nletter = "A"\n'
                           '[[sections]]\nid = "opinion"\nletter = "A"\ntemplate = "opinon"\n'
                           '[[pages]]\nsection = "nowhere"\ntemplate = "inside"\n')
    (folder / "articles" / "twin.md").write_text(
        "---\nheadline: Twin\nsection: national\nslug: harbor-piers\n---\nText.\n",
        encoding="utf-8")
    with pytest.raises(InputErrors) as caught:
        build(folder, tmp_path / "out")
    text = str(caught.value)
    for needle in ("role 'opinon'", "unknown section 'nowhere'", "letter 'A' is used twice",
                   "share the slug 'harbor-piers'"):
        assert needle in text, text


def test_locale_is_part_of_the_measure_cache(tmp_path: Path) -> None:
    folder = small_edition(tmp_path / "ed", count=1)
    text = (folder / "articles" / "harbor-piers.md").read_text(encoding="utf-8")
    (folder / "articles" / "harbor-piers.md").write_text(text.replace("priority: 1\n", ""),
                                                         encoding="utf-8")
    en = build(folder, tmp_path / "out", jobs=1)
    ko = build(folder, tmp_path / "out", day="2019-06-18", locale="ko_KR", jobs=1)
    assert {s["lang"] for s in en.report["stories"]} == {"en"}
    assert {s["lang"] for s in ko.report["stories"]} == {"ko"}
    assert ko.report["measure_cache"]["cached"] == 0


@pytest.mark.slow
def test_parallel_parts_give_the_same_bytes_and_archive_add_reproduces_them(english,
                                                                           tmp_path: Path) -> None:
    from epaper.archive.store import Archive

    assert english.report["edition"]["pages"] > 8  # rendered in more than one part
    serial = build(EN, tmp_path / "serial", jobs=1)
    assert serial.pdf_path.read_bytes() == english.pdf_path.read_bytes()
    f = facts(english.pdf_path.read_bytes())
    assert f.lang == "en" and f.info["Title"].startswith("The Harbor Courier")
    added = Archive(tmp_path / "archive").add(english.pdf_path)
    assert added.new and facts(added.pdf.read_bytes()).pdfa == "3B"


@pytest.mark.slow
def test_rebuild_after_one_story_changes_in_parallel(tmp_path: Path) -> None:
    folder = tmp_path / "ed"
    shutil.copytree(EN, folder, ignore=shutil.ignore_patterns("out"))
    before = build(folder, tmp_path / "out", jobs=2).pdf_path.read_bytes()
    story = folder / "articles" / "wire-business-03.md"
    story.write_text(story.read_text(encoding="utf-8") + "\nA late addition.\n",
                     encoding="utf-8")
    again = build(folder, tmp_path / "out", jobs=2)
    cache = again.report["measure_cache"]
    assert cache["stories"] - cache["cached"] == 1  # only the changed story was measured
    assert again.pdf_path.read_bytes() != before
    for s in again.report["stories"]:  # every word set, or reported cut or held
        assert s["words_set"] + s["words_cut"] == s["words_in_source"] or \
            s["status"] == "held", s["slug"]


def test_editions_are_set_by_the_composer(english, korean) -> None:
    for result in (english, korean):
        figures = result.report["composition"]
        name = result.report["edition"]["title"]
        assert figures["breaker"] == "total-fit", name
        assert figures["forbidden_breaks"] == 0, (name, figures)
        assert figures["longest_hyphen_run"] <= 2, (name, figures)
        assert figures["space_ratio_p95"] <= 2.3, (name, figures)
        assert figures["looser_than_2"] <= 0.05, (name, figures)
