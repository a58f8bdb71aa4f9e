"""Replates, the page cache and per-page files, read back from the real PDFs."""

from __future__ import annotations

import json
import re
import shutil
from io import BytesIO
from pathlib import Path

import pikepdf
import pytest
from PIL import Image
from typer.testing import CliRunner

from conftest import ROOT
from epaper.archive.store import Archive
from epaper.cli import app
from epaper.edition.build import build
from epaper.parts import PartCache, chunks, part_key
from epaper.pdf import facts

EN = ROOT / "samples" / "editions" / "en"
runner = CliRunner()


def contents(pdf: bytes) -> list[bytes]:
    """Each page's content stream, decoded."""
    with pikepdf.open(BytesIO(pdf)) as doc:
        return [page.obj.Contents.read_bytes() for page in doc.pages]


def pages_of(report: dict, slug: str) -> list[str]:
    return [p["label"] for p in report["pages"] if any(f["slug"] == slug
                                                       for f in p["stories"])]


def one_page_story(report: dict) -> str:
    """A story set whole on one page that is not the section's first (no jumps)."""
    for page in report["pages"]:
        for frag in page["stories"]:
            if frag["jump_to"] is None and frag["jump_from"] is None and \
                    pages_of(report, frag["slug"]) == [page["label"]] and page["index"] > 0:
                return frag["slug"]
    raise AssertionError("the sample has no story on one page")


@pytest.fixture(scope="module")
def first(tmp_path_factory: pytest.TempPathFactory):
    """The English sample built once: (edition, out, result). Tests restore this state with
    ``restore`` at the same paths (file paths are part of a story's content key)."""
    root = tmp_path_factory.mktemp("replate")
    edition, out = root / "work" / "en", root / "work" / "out"
    shutil.copytree(EN, edition, ignore=shutil.ignore_patterns("out"))
    result = build(edition, out, jobs=2)
    shutil.copytree(root / "work", root / "pristine")
    return edition, out, result


def restore(first) -> tuple[Path, Path]:
    edition, out, _ = first
    work = edition.parent
    shutil.rmtree(work)
    shutil.copytree(work.parent / "pristine", work)
    return edition, out


@pytest.mark.slow
def test_rebuild_without_changes_keeps_every_page_byte_for_byte(first, tmp_path) -> None:
    edition, out = restore(first)
    before = first[2].pdf_path.read_bytes()  # as restored
    again = build(edition, out, jobs=1)
    plate = again.report["replate"]
    assert plate["mode"] == "replate" and plate["pages_changed"] == []
    assert plate["pages_kept"] == first[2].report["edition"]["labels"]
    assert again.report["render_cache"]["rendered"] == []
    assert again.pdf_path.read_bytes() == before


@pytest.mark.slow
def test_a_changed_ads_csv_lays_the_edition_out_again(first, tmp_path) -> None:
    edition, out = restore(first)
    csv = edition / "ads.csv"
    csv.write_text(csv.read_text(encoding="utf-8").replace("D1,2,60mm", "D1,2,50mm"),
                   encoding="utf-8")
    again = build(edition, out, jobs=2)
    plate = again.report["replate"]
    assert plate["mode"] == "fresh" and "booked ads" in plate["why"], plate


@pytest.mark.slow
def test_cold_warm_and_jobs_give_the_same_bytes(first, tmp_path) -> None:
    edition, _, result = first
    restore(first)
    original = result.pdf_path.read_bytes()
    cold = build(edition, tmp_path / "cold", jobs=1, use_cache=False, fresh=True)
    assert cold.report["render_cache"]["cached"] == 0
    assert cold.pdf_path.read_bytes() == original
    filled = build(edition, tmp_path / "warm", jobs=2, fresh=True)  # fills the cache
    assert filled.report["render_cache"]["cached"] == 0
    assert filled.pdf_path.read_bytes() == original
    warm = build(edition, tmp_path / "warm", jobs=2, fresh=True)  # parts from the cache
    assert warm.report["render_cache"]["cached"] == warm.report["render_cache"]["parts"]
    assert warm.pdf_path.read_bytes() == original


@pytest.mark.slow
def test_text_change_replates_only_that_storys_pages(first, tmp_path) -> None:
    edition, out = restore(first)
    old = first[2]
    old_pdf = old.pdf_path.read_bytes()
    slug = one_page_story(old.report)
    article = next(p for p in (edition / "articles").glob("*.md") if p.stem == slug)
    text = article.read_text(encoding="utf-8")
    body = text.split("---", 2)[2]
    word = next(w for w in re.findall(r"\b[a-z]{5}\b", body))
    article.write_text(text.replace(body, body.replace(word, word[::-1].upper(), 1)),
                       encoding="utf-8")
    new = build(edition, out, jobs=2, pages_dir=tmp_path / "pages-not-asked")
    plate = new.report["replate"]
    assert plate["stories"]["changed"] == [slug] and plate["refitted"] == [slug], plate["why"]
    assert plate["pages_changed"] == pages_of(old.report, slug)
    assert new.report["render_cache"]["rendered"] == [[label] for label in
                                                      plate["pages_changed"]]
    # every other page is the old page: the same content stream bytes
    labels = new.report["edition"]["labels"]
    assert labels == old.report["edition"]["labels"]
    before, after = contents(old_pdf), contents(new.pdf_path.read_bytes())
    for n, label in enumerate(labels):
        if label in plate["pages_kept"]:
            assert after[n] == before[n], f"page {label} changed though '{slug}' is not on it"
        else:
            assert after[n] != before[n], f"page {label} should show the change"
    story = next(s for s in new.report["stories"] if s["slug"] == slug)
    assert story["words_set"] == story["words_in_source"], f"'{slug}' lost words"
    assert word[::-1].upper() in story["text"]
    f = facts(new.pdf_path.read_bytes())
    assert f.labels == tuple(labels) and len(f.outline) == len(facts(old_pdf).outline)
    # archiving afterwards rebuilds the replated edition on its own plan, byte for byte
    added = Archive(tmp_path / "archive").add(out)
    assert added.new and facts(added.pdf.read_bytes()).pages == len(labels)


@pytest.mark.slow
def test_photo_swap_replates_that_storys_pages(first, tmp_path) -> None:
    edition, out = restore(first)
    old = first[2]
    status = {s["slug"]: s["status"] for s in old.report["stories"]}

    def users_of(photo: Path) -> list[str]:
        return [p.stem for p in (edition / "articles").glob("*.md")
                if f"images/{photo.name}" in p.read_text(encoding="utf-8")]

    # a photo whose stories are set whole (a trimmed or held story is the desk's again: see
    # the replate's "relaid" mode)
    photo = next(p for p in sorted((edition / "images").glob("*.jpg")) if users_of(p) and all(
        status.get(u) in ("set", "jumped") for u in users_of(p)))
    users = users_of(photo)
    with Image.open(photo) as im:  # another picture of the same shape
        im.transpose(Image.Transpose.FLIP_LEFT_RIGHT).save(photo, quality=85)
    new = build(edition, out, jobs=2)
    plate = new.report["replate"]
    assert sorted(plate["stories"]["changed"]) == sorted(users), plate
    assert plate["refitted"] == plate["stories"]["changed"], plate["why"]
    # the photo is shown with the story's first part: only those pages change (a
    # continuation elsewhere keeps its page)
    expected = [p["label"] for p in old.report["pages"]
                if any(f["slug"] in users and f["part"] == 0 for f in p["stories"])]
    assert expected and plate["pages_changed"] == expected


@pytest.mark.slow
def test_story_too_long_for_its_space_repaginates_its_section_only(first, tmp_path) -> None:
    edition, out = restore(first)
    old = first[2]
    slug = one_page_story(old.report)
    section = next(s["section"] for s in old.report["stories"] if s["slug"] == slug)
    article = next(p for p in (edition / "articles").glob("*.md") if p.stem == slug)
    extra = "\n\nA late paragraph that runs on and on, as late news does, " * 30
    article.write_text(article.read_text(encoding="utf-8") + extra, encoding="utf-8")
    new = build(edition, out, jobs=2)
    plate = new.report["replate"]
    assert plate["sections_repaginated"] == [section]
    assert any(f"'{slug}' changed and it runs" in why for why in plate["why"]), plate["why"]
    others = [p["label"] for p in old.report["pages"] if p["section"] != section]
    assert set(others) <= set(plate["pages_kept"])
    story = next(s for s in new.report["stories"] if s["slug"] == slug)
    assert story["words_set"] == story["words_in_source"]


@pytest.mark.slow
def test_fresh_and_added_story(first, tmp_path) -> None:
    edition, out = restore(first)
    original = first[2].pdf_path.read_bytes()
    forced = build(edition, out, jobs=2, fresh=True)
    assert forced.report["replate"] == {"mode": "fresh", "why": "--fresh"}
    assert forced.pdf_path.read_bytes() == original
    source = next((edition / "articles").glob("wire-business-01.md"))
    (edition / "articles" / "late-business.md").write_text(
        source.read_text(encoding="utf-8"), encoding="utf-8")
    new = build(edition, out, jobs=2)
    plate = new.report["replate"]
    assert plate["stories"]["added"] == ["late-business"]
    assert plate["sections_repaginated"] == ["business"]
    assert "'late-business' was added" in plate["why"][0]
    kept = [p["label"] for p in first[2].report["pages"] if p["section"] != "business"]
    assert set(kept) <= set(plate["pages_kept"])
    assert any(s["slug"] == "late-business" and s["words_set"] == s["words_in_source"]
               for s in new.report["stories"])


@pytest.mark.slow
def test_pages_dir_rewrites_only_changed_pages(first, tmp_path) -> None:
    edition, out = restore(first)
    pages = tmp_path / "pages"
    one = build(edition, out, jobs=2, pages_dir=pages)
    labels = one.report["edition"]["labels"]
    name = one.pdf_path.stem
    assert sorted(one.report["pages_dir"]["written"]) == sorted(f"{name}-{x}.pdf"
                                                                  for x in labels)
    for label in labels:
        f = facts((pages / f"{name}-{label}.pdf").read_bytes())
        assert f.pages == 1 and f.links == (), f"page file {label}"
    stamps = {p.name: p.stat().st_mtime_ns for p in pages.iterdir()}
    slug = one_page_story(one.report)
    article = next(p for p in (edition / "articles").glob("*.md") if p.stem == slug)
    article.write_text(article.read_text(encoding="utf-8").replace(" the ", " The ", 1),
                       encoding="utf-8")
    two = build(edition, out, jobs=2, pages_dir=pages)
    changed = two.report["replate"]["pages_changed"]
    assert changed and list(two.report["pages_dir"]["written"]) == [f"{name}-{x}.pdf"
                                                              for x in changed]
    for p in pages.iterdir():
        if p.name not in two.report["pages_dir"]["written"]:
            assert p.stat().st_mtime_ns == stamps[p.name], f"{p.name} was rewritten"


def test_part_cache_is_data_and_bounded(tmp_path) -> None:
    cache = PartCache(tmp_path, limit=3000)
    for n in range(4):
        cache.put(f"k{n}", b"%PDF-" + bytes([n]) * 1000, [f"A{n}"], [f"note {n}"])
    assert json.loads((tmp_path / "k0.json").read_text())["pages"] == ["A0"]
    assert cache.get("k1") == (b"%PDF-" + bytes([1]) * 1000, ["note 1"])
    (tmp_path / "k2.pdf").write_bytes(b"damaged")
    assert cache.get("k2") is None  # its checksum no longer matches: a miss
    dropped = cache.prune(keep={"k0"})
    assert dropped >= 1 and (tmp_path / "k0.pdf").exists()
    total = sum(p.stat().st_size for p in tmp_path.iterdir())
    assert total <= 3000
    assert chunks(5, 2) == [range(0, 2), range(2, 3), range(3, 5)]
    assert chunks(3, 1) == [range(0, 1), range(1, 2), range(2, 3)]


def test_part_key_follows_the_files_a_page_uses(tmp_path) -> None:
    folder = tmp_path / "R&D photos"
    folder.mkdir()
    photo = folder / "a.jpg"
    photo.write_bytes(b"one")
    page = f'<img src="{photo.as_uri().replace("&", "&amp;")}">'
    first = part_key(page, "p { color: black }")
    assert part_key(page, "p { color: black }") == first
    assert part_key(page, "p { color: red }") != first, "the stylesheet is part of the key"
    photo.write_bytes(b"other photo")
    assert part_key(page, "p { color: black }") != first, "a swapped photo must miss"


@pytest.mark.slow
def test_cli_fresh_pages_dir_and_replate_line(first, tmp_path) -> None:
    edition, out = restore(first)
    pages = tmp_path / "pages"
    fresh = runner.invoke(app, ["build", str(edition), "--out-dir", str(out), "--fresh",
                                "--pages-dir", str(pages), "--jobs", "2"])
    assert fresh.exit_code == 0, fresh.output
    assert fresh.output.count("page file written: ") == len(first[2].report["pages"])
    again = runner.invoke(app, ["build", str(edition), "--out-dir", str(out),
                                "--pages-dir", str(pages), "--jobs", "2"])
    assert again.exit_code == 0, again.output
    assert f"replate: pages changed none; {len(first[2].report['pages'])} kept" in again.output
    assert "page file written" not in again.output
