"""The archive on real built editions: add, search, show, list, verify, revisions,
concurrent adds, a kill during add, corruption, Korean search, bad input."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from conftest import ROOT, SAMPLES
from epaper.archive.store import Archive
from epaper.cli import app
from epaper.edition.build import build
from epaper.errors import InputError
from epaper.pdf import facts

runner = CliRunner()


def edition(folder: Path, title: str = "The Korea Times", day: str = "2019-06-17",
            names: tuple[str, ...] = ("harbor-piers.md", "opinion-night-desk.md",
                                      "ko-night-market.md")) -> Path:
    (folder / "articles").mkdir(parents=True)
    for name in names:
        text = (SAMPLES / name).read_text(encoding="utf-8").replace("src: images/",
                                                                     "src: ../images/")
        (folder / "articles" / name).write_text(text, encoding="utf-8")
    shutil.copytree(SAMPLES / "images", folder / "images")
    (folder / "edition.toml").write_text(f'title = "{title}"\ndate = {day}\nlocale = "en_US"\n',
                                         encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def archived(tmp_path_factory: pytest.TempPathFactory):
    base = tmp_path_factory.mktemp("archive")
    ed = edition(base / "ed")
    out = base / "out"
    result = runner.invoke(app, ["build", str(ed), "--out-dir", str(out), "--archive",
                                 str(base / "arch")])
    assert result.exit_code == 0, result.output
    return base, ed, out, Archive(base / "arch")


def test_archived_copy_is_pdfa_with_its_sources(archived) -> None:
    base, ed, out, archive = archived
    (pdf,) = list(archive.root.rglob("*.pdf"))
    assert pdf.relative_to(archive.root).as_posix() == \
        "2019/06/17/the-korea-times-2019-06-17.pdf"
    assert pdf.with_name("the-korea-times-2019-06-17.report.json").is_file()
    f = facts(pdf.read_bytes())
    assert f.pdfa == "3B"
    assert "sources/edition.toml" in f.attachments
    assert "sources/articles/harbor-piers.md" in f.attachments
    assert "the-korea-times-2019-06-17.report.json" in f.attachments
    reader = PdfReader(pdf)
    assert reader.attachments["sources/articles/harbor-piers.md"][0] == \
        (ed / "articles" / "harbor-piers.md").read_bytes()
    # the same pages as the edition itself: labels, outline, fonts embedded
    assert f.labels == facts(next(out.glob("*.pdf")).read_bytes()).labels
    if shutil.which("qpdf"):
        check = subprocess.run(["qpdf", "--check", str(pdf)], capture_output=True, text=True)
        assert check.returncode == 0, check.stdout


def test_search_list_show(archived, tmp_path: Path) -> None:
    base, ed, out, archive = archived
    hits = archive.search("waterfront piers")
    assert hits and hits[0].slug == "harbor-piers" and hits[0].page == "A1"
    assert "pier" in hits[0].snippet.lower()
    assert archive.search("waterfront", section="opinion") == []
    assert archive.search("night desk", byline="Eleanor")[0].slug == "opinion-night-desk"
    assert archive.search("piers", date_from="2020-01-01") == []
    result = runner.invoke(app, ["archive", "search", "Harbor", "--json", "-a",
                                 str(archive.root)])
    assert result.exit_code == 0 and '"slug": "harbor-piers"' in result.stdout
    listed = runner.invoke(app, ["archive", "list", "-a", str(archive.root)])
    assert "2019-06-17  the-korea-times  r1" in listed.stdout
    story = tmp_path / "story.pdf"
    shown = runner.invoke(app, ["archive", "show", "harbor-piers", "-o", str(story), "-a",
                                str(archive.root)])
    assert shown.exit_code == 0, shown.output
    reader = PdfReader(story)
    text = " ".join(p.extract_text() for p in reader.pages)
    assert "Port city unveils plan" in text.replace("\n", " ")


def test_korean_search_inside_words(archived) -> None:
    _, _, _, archive = archived
    for query in ("야시장", "시장", "골목 상권", "청년"):
        hits = archive.search(query)
        assert hits and hits[0].slug == "ko-night-market", query
    assert archive.search("없는단어") == []


def test_re_adding_is_a_no_op_and_a_change_is_a_revision(archived, tmp_path: Path) -> None:
    base, ed, out, archive = archived
    again = archive.add(out)
    assert not again.new and again.revision == 1
    changed = tmp_path / "ed2"
    shutil.copytree(ed, changed)
    story = changed / "articles" / "harbor-piers.md"
    story.write_text(story.read_text(encoding="utf-8") + "\nA correction was added.\n",
                     encoding="utf-8")
    first = next(archive.root.rglob("the-korea-times-2019-06-17.pdf")).read_bytes()
    result = runner.invoke(app, ["build", str(changed), "--out-dir", str(tmp_path / "out2"),
                                 "--archive", str(archive.root)])
    assert result.exit_code == 0, result.output
    revisions = [e["revision"] for e in archive.editions()]
    assert revisions == [1, 2]
    assert next(archive.root.rglob("the-korea-times-2019-06-17.pdf")).read_bytes() == first
    assert archive.search("correction")[0].date == "2019-06-17"
    assert runner.invoke(app, ["archive", "verify", "-a", str(archive.root)]).exit_code == 0


def test_verify_finds_missing_changed_and_unreadable(archived, tmp_path: Path) -> None:
    _, _, _, archive = archived
    copy = Archive(tmp_path / "copy")
    shutil.copytree(archive.root, copy.root)
    assert copy.verify() == []
    pdfs = sorted(copy.root.rglob("*.pdf"))
    reports = sorted(copy.root.rglob("*.report.json"))
    data = bytearray(pdfs[0].read_bytes())
    data[len(data) // 2] ^= 0xFF
    pdfs[0].write_bytes(bytes(data))
    reports[0].unlink()
    result = runner.invoke(app, ["archive", "verify", "-a", str(copy.root)])
    assert result.exit_code == 6
    assert f"changed: {pdfs[0].relative_to(copy.root)}" in result.stderr
    assert f"missing: {reports[0].relative_to(copy.root)}" in result.stderr


def test_bad_input_changes_nothing(archived, tmp_path: Path) -> None:
    _, _, out, archive = archived
    before = sorted(p.name for p in archive.root.rglob("*"))
    db_before = (archive.root / "index.sqlite").read_bytes()
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"this is not a pdf")
    truncated = tmp_path / "trunc.pdf"
    truncated.write_bytes(next(out.glob("*.pdf")).read_bytes()[:3000])
    (tmp_path / "trunc.report.json").write_text((next(out.glob("*.report.json")))
                                                .read_text(encoding="utf-8"))
    foreign = tmp_path / "foreign.pdf"
    from pypdf import PdfWriter

    w = PdfWriter()
    w.add_blank_page(100, 100)
    with foreign.open("wb") as fh:
        w.write(fh)
    (tmp_path / "foreign.report.json").write_text("{}")
    for path, needle in ((junk, "not a PDF"), (truncated, "not a readable PDF"),
                         (foreign, "not made by epaper"), (tmp_path / "nope.pdf", "not found")):
        with pytest.raises(InputError) as caught:
            archive.add(path)
        assert needle in str(caught.value), str(caught.value)
    assert sorted(p.name for p in archive.root.rglob("*")) == before
    assert (archive.root / "index.sqlite").read_bytes() == db_before


def _add_in_process(pdf: Path, root: Path) -> subprocess.Popen:
    # a killed add cannot clean its temporary folder: keep it under the test's own folder
    (root.parent / "proc-tmp").mkdir(exist_ok=True)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TMPDIR": str(root.parent / "proc-tmp")}
    return subprocess.Popen([sys.executable, "-m", "epaper.cli", "archive", "add", str(pdf),
                             "-a", str(root)], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)


@pytest.mark.slow
def test_two_adds_at_once_both_land(tmp_path: Path) -> None:
    outs = []
    for n, day in enumerate(("2019-06-17", "2019-06-18")):
        ed = edition(tmp_path / f"ed{n}", day=day)
        outs.append(build(ed, tmp_path / f"out{n}", jobs=1).pdf_path)
    root = tmp_path / "arch"
    procs = [_add_in_process(pdf, root) for pdf in outs]
    for proc in procs:
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
    archive = Archive(root)
    assert [e["date"] for e in archive.editions()] == ["2019-06-17", "2019-06-18"]
    assert archive.verify() == []


@pytest.mark.slow
def test_a_kill_during_add_leaves_the_archive_consistent(tmp_path: Path) -> None:
    ed = edition(tmp_path / "ed")
    pdf = build(ed, tmp_path / "out", jobs=1).pdf_path
    root = tmp_path / "arch"
    for delay in (0.3, 1.0, 2.5, 5.0):
        proc = _add_in_process(pdf, root)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        if (root / "index.sqlite").exists():
            archive = Archive(root)
            assert archive.verify() == []
            db = sqlite3.connect(root / "index.sqlite")
            for (path,) in db.execute("SELECT path FROM files"):
                assert (root / path).is_file()
            db.close()
    final = _add_in_process(pdf, root)
    assert final.wait(timeout=300) == 0
    archive = Archive(root)
    assert len(archive.editions()) == 1 and archive.verify() == []


def test_search_terms_mixing_hangul_digits_and_latin(tmp_path: Path) -> None:
    from epaper.archive import index

    db = index.connect(tmp_path / "index.sqlite")
    db.execute("INSERT INTO editions (id, slug, date, revision, title, locale, pages, pdf, "
               "report, sha256, added) VALUES (1,'t','2026-11-30',1,'T','ko_KR',1,'a','b','c',"
               "'d')")
    db.execute("INSERT INTO stories (id, edition, date, slug, section, headline, byline, pages,"
               " page_indexes, boxes, text) VALUES (1,1,'2026-11-30','s','경제','K팝스타 공연',"
               "'김','A1','0','[]','2026년도 예산 100억원이 전통시장에 쓰인다.')")
    db.execute("INSERT INTO stories_fts (rowid, headline, byline, body) VALUES (1, ?, ?, ?)",
               (index.grams("K팝스타 공연"), index.grams("김"),
                index.grams("2026년도 예산 100억원이 전통시장에 쓰인다.")))
    for query in ("2026년도", "K팝스타", "100억원", "시장", "예산 시장"):
        assert [h.slug for h in index.search(db, query)] == ["s"], query
    assert index.search(db, "200억원") == []


def test_show_and_verify_say_what_is_wrong(archived, tmp_path: Path) -> None:
    _, _, _, archive = archived
    copy = Archive(tmp_path / "copy")
    shutil.copytree(archive.root, copy.root)
    (copy.root / "index.sqlite").unlink()
    for name in ("index.sqlite-wal", "index.sqlite-shm"):
        (copy.root / name).unlink(missing_ok=True)
    result = runner.invoke(app, ["archive", "verify", "-a", str(copy.root)])
    assert result.exit_code == 6 and "index is missing" in result.stderr
    assert not (copy.root / "index.sqlite").exists()
    missing = runner.invoke(app, ["archive", "show", "no-such-story", "-o",
                                  str(tmp_path / "x.pdf"), "-a", str(archive.root)])
    assert missing.exit_code == 2 and "no story 'no-such-story'" in missing.stderr
