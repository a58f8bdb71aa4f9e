"""Hostile editions: unprintable edition.toml text, locales without faces, damaged or absurd
images, ads that find no block, page plans with several mistakes."""

from __future__ import annotations

import io
import shutil
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image as PILImage

from conftest import ROOT
from epaper.edition import build as build_module
from epaper.edition.build import build
from epaper.errors import InputErrors
from epaper.ingest import read_article
from epaper.render.fonts import load_fonts
from epaper.typeset import font_problems

PHOTO = ROOT / "samples" / "articles" / "images" / "busan-piers.jpg"
STORY = ROOT / "samples" / "articles" / "opinion-night-desk.md"
TOML = 'title = "The Test Times"\ndate = 2019-06-17\n'


def edition(folder: Path, toml: str = TOML, extra: str = "") -> Path:
    (folder / "articles").mkdir(parents=True)
    (folder / "images").mkdir()
    shutil.copy(STORY, folder / "articles" / "night.md")
    shutil.copy(PHOTO, folder / "images" / "photo.jpg")
    (folder / "edition.toml").write_text(toml + extra, encoding="utf-8")
    return folder


def no_measuring(monkeypatch) -> None:
    monkeypatch.setattr(build_module, "measure_stories", lambda *a, **k: pytest.fail(
        "measured before every input problem was reported"))


# -- every printed character is checked --------------------------------------------------------

def test_edition_toml_text_is_checked_against_the_fonts(tmp_path: Path, monkeypatch) -> None:
    no_measuring(monkeypatch)
    ed = edition(tmp_path / "ed", 'title = "The \U0001f600 Times"\ndate = 2019-06-17\n'
                 'price = "\ue000 1"\n[imprint]\n"Editor" = "A \u0378 B"\n')
    with pytest.raises(InputErrors) as err:
        build(ed, tmp_path / "out", jobs=1)
    text = str(err.value)
    for field, code in (("title", "U+1F600"), ("price", "U+E000"), ("imprint", "U+0378")):
        assert f": {field}: " in text and code in text, text


@pytest.mark.parametrize("tag", ["th_TH", "hi_IN", "ar_EG", "he_IL", "fa_IR"])
def test_a_locale_without_a_face_for_its_script_is_an_error(tmp_path: Path, monkeypatch,
                                                             tag: str) -> None:
    no_measuring(monkeypatch)
    ed = edition(tmp_path / "ed", TOML + f'locale = "{tag}"\n')
    with pytest.raises(InputErrors) as err:
        build(ed, tmp_path / "out", jobs=1)
    text = str(err.value)
    assert f"locale '{tag}'" in text and "not supported" in text, text
    assert "Noto Sans" in text and "fonts.toml" in text, text


def test_an_article_in_a_script_without_a_face_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "thai.md"
    path.write_text("---\nheadline: A headline\nsection: world\nlang: th\nbyline: Somchai\n"
                    "published: 2019-06-16T10:00:00+07:00\n---\nBody words.\n",
                    encoding="utf-8")
    problems = font_problems(read_article(path), load_fonts())
    assert any("locale 'th'" in str(p) and "Thai" in str(p) and p.field == "lang"
               for p in problems), problems


# -- images --------------------------------------------------------------------------------------

def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims ``width`` × ``height`` pixels (a decompression bomb)."""
    buf = io.BytesIO()
    PILImage.new("1", (1, 1)).save(buf, "PNG")
    data = bytearray(buf.getvalue())
    data[16:24] = struct.pack(">II", width, height)
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))
    return bytes(data)


def thin_photo() -> bytes:
    buf = io.BytesIO()
    PILImage.new("RGB", (10, 4000), "gray").save(buf, "PNG")
    return buf.getvalue()


@pytest.mark.parametrize("name, data, needle", [
    ("truncated.jpg", PHOTO.read_bytes()[:4000], "cannot be decoded"),
    ("garbage.png", b"\x89PNG\r\n\x1a\n" + b"garbage" * 100, "cannot be decoded"),
    ("bomb.png", png_claiming(60_000, 60_000), "pixels"),
    ("empty.png", png_claiming(0, 0), "decoded"),
    ("thin.png", thin_photo(), "too thin"),
], ids=["truncated", "garbage", "bomb", "zero-size", "10x4000"])
def test_bad_images_are_input_errors_naming_the_file(tmp_path: Path, name: str, data: bytes,
                                                     needle: str) -> None:
    (tmp_path / name).write_bytes(data)
    path = tmp_path / "story.md"
    path.write_text(f"---\nheadline: H\nsection: national\nimages:\n  - src: {name}\n---\n"
                    "Body.\n", encoding="utf-8")
    with pytest.raises(InputErrors) as err:
        read_article(path)
    text = str(err.value)
    assert name in text and needle in text and "story.md:5" in text, text


def test_a_photo_wider_than_the_grid_is_an_error_and_low_resolution_warns(
        tmp_path: Path, monkeypatch) -> None:
    ed = edition(tmp_path / "ed")
    small = io.BytesIO()
    PILImage.new("RGB", (120, 80), "gray").save(small, "PNG")
    (ed / "images" / "small.png").write_bytes(small.getvalue())
    story = ed / "articles" / "night.md"
    text = story.read_text(encoding="utf-8").replace(
        "---\n", "---\nimages:\n  - {src: ../images/photo.jpg, columns: 12}\n", 1)
    story.write_text(text, encoding="utf-8")
    no_measuring(monkeypatch)
    with pytest.raises(InputErrors) as err:
        build(ed, tmp_path / "out", jobs=1)
    assert "12 columns" in str(err.value) and "images.0.columns" in str(err.value)
    monkeypatch.undo()
    story.write_text(text.replace("photo.jpg, columns: 12", "small.png, columns: 2"),
                     encoding="utf-8")
    result = build(ed, tmp_path / "out", jobs=1)
    assert any("small.png" in w and "ppi" in w for w in result.warnings), result.warnings


# -- ads and page plans -------------------------------------------------------------------------

def test_every_ad_is_placed_or_reported_by_name(tmp_path: Path) -> None:
    ads = "".join(f'[[ads]]\nlabel = "Ad {n}"\n' for n in range(10))
    ed = edition(tmp_path / "ed", TOML, ads + '[[ads]]\nlabel = "Pinned"\npage = "Z9"\n')
    result = build(ed, tmp_path / "out", jobs=1)
    rows = result.report["ads"]
    assert [r["label"] for r in rows] == [f"Ad {n}" for n in range(10)] + ["Pinned"]
    for row in rows:
        if row["page"] is None:
            assert any(f"ad '{row['label']}'" in w for w in result.warnings), row
            assert row["why_not"]
    pinned = rows[-1]
    assert pinned["page"] is None and "no page Z9" in pinned["why_not"]
    assert sum(1 for r in rows if r["page"] is None) >= 2


def test_all_page_plan_problems_at_once_before_measuring(tmp_path: Path, monkeypatch) -> None:
    no_measuring(monkeypatch)
    plan = ('[[pages]]\nsection = "opinion"\ntemplate = "front"\n'
            'slots = {lead = "night", nowhere = "night", second = "ghost"}\n'
            '[[pages]]\nsection = "opinion"\ntemplate = "no-such-template"\n')
    ed = edition(tmp_path / "ed", TOML, plan)
    with pytest.raises(InputErrors) as err:
        build(ed, tmp_path / "out", jobs=1)
    text = str(err.value)
    assert "no slot 'nowhere'" in text
    assert "no article with slug 'ghost'" in text
    assert "unknown template 'no-such-template'" in text
    assert "'night' is placed twice" in text


def test_a_garbage_ad_image_is_an_input_error_not_a_renderer_message(tmp_path: Path) -> None:
    ed = edition(tmp_path / "ed", TOML, '[[ads]]\nlabel = "Ad"\nimage = "images/ad.png"\n')
    (ed / "images" / "ad.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"junk" * 50)
    with pytest.raises(InputErrors) as err:
        build(ed, tmp_path / "out", jobs=1)
    assert "ads.0.image" in str(err.value) and "cannot be decoded" in str(err.value)


def test_a_story_too_long_to_measure_is_named(tmp_path: Path, monkeypatch) -> None:
    from epaper import typeset
    from epaper.preview import Setter

    def short_page(templates, stories, width):  # a measuring page of 2,000 pt, not 75,000
        return templates.render("measure.html.j2", stories[0].lang, width + 40, 2000,
                                stories=stories)

    monkeypatch.setattr(typeset, "measure_html", short_page)
    path = tmp_path / "endless.md"
    path.write_text("---\nheadline: H\nsection: national\n---\n"
                    # subheads are set by WeasyPrint in the measuring pass (paragraphs are
                    # composed by epaper): 400 of them overrun the short measuring page
                    + "\n\n".join(f"## Subhead {n}\n\nParagraph {n} of a story that goes on."
                                  for n in range(400))
                    + "\n", encoding="utf-8")
    with pytest.raises(InputErrors) as err:
        Setter("broadsheet").preview(path, 2)
    assert "endless.md" in str(err.value) and "too long to set" in str(err.value)
