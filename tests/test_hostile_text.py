"""Hostile input that used to lose or change text: deep nesting, words wider than a column,
characters no font can print, bidi controls, duplicate keys."""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pytest

from conftest import Proof
from epaper.edition.inputs import read_edition
from epaper.errors import InputErrors
from epaper.ingest import read_article
from epaper.render.fonts import load_fonts
from epaper.typeset import font_problems

HEAD = "---\nheadline: A test headline\nsection: national\n---\n"


def article(tmp_path: Path, body: str, head: str = HEAD, name: str = "story.md") -> Path:
    path = tmp_path / name
    path.write_text(head + body, encoding="utf-8")
    return path


# -- structure is never dropped --------------------------------------------------------------

def test_a_list_ten_levels_deep_keeps_every_word_and_warns(tmp_path: Path) -> None:
    items = "\n".join("  " * i + f"- level{i} word{i}" for i in range(10))
    a = read_article(article(tmp_path, f"First para.\n\n{items}\n\nThe story goes on.\n"))
    words = a.words()
    for i in range(10):
        assert f"level{i}" in words and f"word{i}" in words, f"list level {i} dropped"
    assert words[-4:] == ["The", "story", "goes", "on."], "the rest of the story dropped"
    assert any("printed flat" in w and ":8:" in w for w in a.warnings), a.warnings


def test_quotes_nested_twenty_deep_keep_their_words(tmp_path: Path) -> None:
    a = read_article(article(tmp_path, "First.\n\n" + ">" * 20 + " deep quoted words\n\nLast.\n"))
    assert a.words() == ["First.", "deep", "quoted", "words", "Last."]
    assert any("printed flat" in w for w in a.warnings)


def test_nesting_beyond_the_hard_limit_is_an_error_not_a_crash(tmp_path: Path) -> None:
    with pytest.raises(InputErrors) as err:
        read_article(article(tmp_path, "First.\n\n" + ">" * 1000 + " x\n"))
    assert "nested" in str(err.value) and ":7:" in str(err.value)
    assert len(err.value.problems) == 1


# -- words wider than their column -------------------------------------------------------------

HASH = "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90"
URL = ("https://" + ".".join(f"segment{n:02d}" for n in range(8)) + ".example.org/"
       "very/long/path/file.html")  # the host breaks only at its dots


def words_outside_columns(p: Proof) -> list[str]:
    ox, oy = p.result.origin
    rects = p.result.story.frame.column_rects()
    bad = []
    with pdfplumber.open(p.path) as pdf:
        words = pdf.pages[0].extract_words()
    for w in words:
        if w["top"] < oy + p.result.story.frame.head_height:
            continue  # the head and the slug line
        if not any(ox + r.x - 0.5 <= w["x0"] and w["x1"] <= ox + r.x + r.width + 0.5
                   for r in rects):
            bad.append(f"{w['text']!r} at x {w['x0']:.1f}–{w['x1']:.1f}")
    return bad


def column_text(p: Proof) -> str:
    """The story's column text read column by column, spaces and hyphens dropped."""
    ox, oy = p.result.origin
    with pdfplumber.open(p.path) as pdf:
        words = pdf.pages[0].extract_words()
    text = ""
    for r in p.result.story.frame.column_rects():
        inside = [w for w in words if w["top"] >= oy + p.result.story.frame.head_height
                  and ox + r.x - 0.5 <= w["x0"] <= ox + r.x + r.width]
        text += "".join(w["text"] for w in sorted(inside, key=lambda w: (round(w["top"]),
                                                                         w["x0"])))
    return text.replace("\u2010", "")


@pytest.mark.parametrize("word", [HASH, URL, HASH * 30, "x" * 1900],
                         ids=["hash", "url", "long-hash", "1900-x"])
def test_a_word_wider_than_its_column_is_broken_inside_it(proof, tmp_path: Path,
                                                          word: str) -> None:
    path = article(tmp_path, f"The value was {word} and more words follow here to fill "
                             "the line nicely.\n\nA second paragraph closes the story.\n")
    p = proof(path, columns=2)
    assert words_outside_columns(p) == []
    assert word in column_text(p), "the long word is not printed whole, in order"
    assert p.result.story.copyfit.fits


def test_a_word_longer_than_the_limit_is_refused_by_line(tmp_path: Path) -> None:
    url = "https://example.org/" + "/".join(f"seg{n:05d}.part" for n in range(16000))
    with pytest.raises(InputErrors) as err:
        read_article(article(tmp_path, f"First.\n\nSee {url} for details.\n"))
    assert ":7:" in str(err.value) and "224,019 characters" in str(err.value)


# -- every character checked -------------------------------------------------------------------

@pytest.mark.parametrize("char", ["\ue000", "\u0378", "\uffff", "\x07"])
def test_private_use_unassigned_and_control_characters_are_refused(tmp_path: Path,
                                                                   char: str) -> None:
    path = article(tmp_path, f"A line with {char} inside.\n")
    problems = font_problems(read_article(path), load_fonts())
    assert problems, f"U+{ord(char):04X} passed the font check"
    assert f"U+{ord(char):04X}" in str(problems[0]) and problems[0].line == 5


def test_bidi_controls_are_warned_with_line_and_column_and_do_not_reverse(
        tmp_path: Path) -> None:
    path = article(tmp_path, "The minister\u202e resigns today.\n\nA zero\u200dwidth join.\n")
    a = read_article(path)
    assert "\u202e" not in a.body_text
    assert "resigns" in a.words()
    assert any(":5:13:" in w and "U+202E" in w for w in a.warnings), a.warnings
    assert any(":7:7:" in w and "U+200D" in w for w in a.warnings), a.warnings


def test_bidi_controls_in_edition_toml_are_warned_and_removed(tmp_path: Path) -> None:
    edition = tmp_path / "ed"
    (edition / "articles").mkdir(parents=True)
    article(edition / "articles", "The story.\n")
    (edition / "edition.toml").write_text(
        'title = "The Daily\u202e Courier"\ndate = 2026-11-30\nlocale = "en_US"\n'
        'publisher = "Printed\u200b here"\n', encoding="utf-8")
    inputs = read_edition(edition)
    assert inputs.config.title == "The Daily Courier"  # an RLO would print it reversed
    assert any("edition.toml:1:19:" in w and "U+202E" in w for w in inputs.warnings), \
        inputs.warnings
    assert any("edition.toml:4:21:" in w and "U+200B" in w for w in inputs.warnings), \
        inputs.warnings


def test_a_duplicate_yaml_key_is_an_error(tmp_path: Path) -> None:
    head = "---\nheadline: First\nsection: national\nheadline: Second\n---\n"
    with pytest.raises(InputErrors) as err:
        read_article(article(tmp_path, "Body.\n", head))
    problem = err.value.problems[0]
    assert "headline" in str(problem) and "twice" in str(problem) and problem.line == 4


def test_a_headline_word_wider_than_the_story_breaks_inside_it(proof, tmp_path: Path) -> None:
    head = ("---\nheadline: Supercalifragilisticexpialidociousnessoftheharbourmasters said no"
            "\nsection: national\ndeck: Antidisestablishmentarianismofthecouncil today\n---\n")
    p = proof(article(tmp_path, "Body text of the story with a few words.\n", head), columns=1)
    ox, oy = p.result.origin
    right = ox + p.result.story.frame.width + 0.5
    with pdfplumber.open(p.path) as pdf:
        words = [w for w in pdf.pages[0].extract_words() if w["top"] >= oy]
    assert words and all(w["x1"] <= right for w in words), \
        [w["text"] for w in words if w["x1"] > right]
