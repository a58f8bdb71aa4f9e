"""Previews read back from real PDFs: words, positions, columns, lines, overset, fonts."""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pytest
from pypdf import PdfReader

from conftest import SAMPLES, Proof, group_lines, reading_order_words
from epaper.layout.galley import Line
from epaper.model import Paragraph

BODY_SIZE = 9.5


def flow_words(proof: Proof) -> list[str]:
    """The words the flow's paragraphs should show, in order (dateline excluded)."""
    words: list[str] = []
    for fb in proof.result.story.parts.flow:
        if isinstance(fb.block, Paragraph):
            if fb.block.marker:
                words.append(fb.block.marker)
            text = "".join(r.text for r in fb.block.runs if "dateline" not in r.styles)
            words.extend(text.split())
    return words


def column_boxes(proof: Proof) -> list[tuple[float, float]]:
    ox, _ = proof.result.origin
    return [(ox + r.x, ox + r.x + r.width) for r in proof.result.story.frame.column_rects()]


def frame_bounds(proof: Proof) -> tuple[float, float]:
    _, oy = proof.result.origin
    # glyph boxes reach a little past the line box (descenders): allow 4pt at the foot
    return oy, oy + proof.result.story.frame.depth + 4


def body_text_words(proof: Proof, top: float, bottom: float) -> list[str]:
    return reading_order_words(proof, column_boxes(proof), top, bottom, BODY_SIZE)


@pytest.mark.parametrize("sample", sorted(p.name for p in SAMPLES.glob("*.md")))
def test_every_body_word_reaches_the_page_once_in_order(proof, sample: str) -> None:
    p = proof(SAMPLES / sample)
    assert p.result.story.copyfit.fits
    top, bottom = frame_bounds(p)
    got, want = body_text_words(p, top, bottom), flow_words(p)
    if p.result.story.lang == "ko":
        # Korean body text may break between any two syllables, with no hyphen: compare
        # the character stream (every character once, in order)
        assert "".join(got) == "".join(want)
    else:
        assert got == want
    # the article's own words are a contiguous, complete part of what was set
    article_words = p.result.story.article.words()
    assert len(article_words) > 100 if "ko-" not in sample else len(article_words) > 50


def test_head_order_kicker_headline_byline(proof) -> None:
    p = proof(SAMPLES / "opinion-night-desk.md")
    words = p.words()

    def top_of(text: str) -> float:
        return min(w["top"] for w in words if w["text"] == text)

    kicker, headline, deck, byline = (top_of("TIMES"), top_of("night"), top_of("Algorithms"),
                                      top_of("Eleanor"))
    assert kicker < headline < deck < byline
    body_top = min(w["top"] for w in words if w["text"] == "Every")
    assert byline < body_top
    # headline set large, kicker small
    sizes = {w["text"]: w["size"] for w in words}
    assert sizes["night"] > 30 > sizes["TIMES"]


def test_columns_count_and_widths(proof, setter) -> None:
    p = proof(SAMPLES / "harbor-piers.md", columns=4)
    grid = setter.layout.grid
    cf = p.result.story.copyfit
    assert cf.columns == 4
    assert cf.column_width_pt == pytest.approx(grid.column_width, abs=0.01)
    top, bottom = frame_bounds(p)
    words = [w for w in p.words(top, bottom) if abs(w["size"] - BODY_SIZE) < 0.05]
    boxes = column_boxes(p)
    used = set()
    for w in words:
        inside = [n for n, (x0, x1) in enumerate(boxes) if x0 - 0.5 <= w["x0"] and
                  w["x1"] <= x1 + 0.5]
        assert inside, f"word {w['text']!r} at x={w['x0']:.1f}..{w['x1']:.1f} is in no column"
        used.add(inside[0])
    assert used == {0, 1, 2, 3}
    # justified text reaches both edges of its column
    for x0, x1 in boxes:
        col = [w for w in words if x0 - 0.5 <= w["x0"] and w["x1"] <= x1 + 0.5]
        assert min(w["x0"] for w in col) == pytest.approx(x0, abs=1.0)
        assert max(w["x1"] for w in col) == pytest.approx(x1, abs=1.0)


def count_lines(proof: Proof, top: float, bottom: float) -> int:
    words = [w for w in proof.words(top, bottom)
             if abs(w["size"] - BODY_SIZE) < 0.05 or "dateline" in w.get("fontname", "")]
    lines = 0
    for x0, x1 in column_boxes(proof):
        baselines = {round(w["bottom"]) for w in words if x0 - 1 <= w["x0"] and w["x1"] <= x1 + 1}
        lines += len(baselines)
    return lines


@pytest.mark.parametrize("sample", ["opinion-night-desk.md", "harbor-piers.md"])
def test_reported_lines_equal_lines_set(proof, sample: str) -> None:
    p = proof(SAMPLES / sample)
    top, bottom = frame_bounds(p)
    cf = p.result.story.copyfit
    assert count_lines(p, top, bottom) == cf.lines == cf.lines_set
    assert cf.lines_available == cf.lines + cf.underset_lines


def test_overset_reported_exactly_when_text_does_not_fit(proof, write_article) -> None:
    body = "\n\n".join(
        f"Paragraph {n} says the council met again and argued about the harbor budget, "
        "the ferry schedule and the long wait for a decision on the northern piers."
        for n in range(1, 9))
    path = write_article(body)
    natural = proof(path, columns=2).result.story.copyfit
    assert natural.fits and natural.overset_lines == 0
    per_column = -(-natural.lines // 2)

    fits = proof(path, columns=2, depth=f"{per_column}lines")
    assert fits.result.story.copyfit.fits
    assert fits.result.story.copyfit.overset_lines == 0

    short = proof(path, columns=2, depth=f"{per_column - 3}lines")
    cf = short.result.story.copyfit
    assert not cf.fits
    top, bottom = frame_bounds(short)
    set_here = count_lines(short, top, bottom)
    assert set_here == cf.lines_set
    assert cf.overset_lines == cf.lines - set_here >= 6
    # the overset text is shown below the frame, and together nothing is lost
    below = reading_order_words(short, column_boxes(short), bottom, 10_000, BODY_SIZE)
    inside = body_text_words(short, top, bottom)
    assert inside + below == flow_words(short)
    assert cf.overset_words == len(below)
    overset_label = [w["text"] for w in short.words(bottom, bottom + 40)]
    assert "OVERSET" in overset_label


def test_lines_short_is_reported(proof, write_article) -> None:
    path = write_article("One short paragraph for the brief column.")
    cf = proof(path, columns=1, depth="10lines").result.story.copyfit
    assert cf.fits and cf.lines == 2 and cf.underset_lines == 8 and cf.lines_available == 10


def test_korean_story_sets_in_a_korean_face(proof) -> None:
    p = proof(SAMPLES / "ko-night-market.md")
    hangul = [c for c in p.chars() if "\uac00" <= c["text"] <= "\ud7a3"]
    assert len(hangul) > 500
    faces = {c["fontname"].split("+")[-1] for c in hangul}
    assert faces and all(f.startswith(("Epaper-Serif-KO", "Epaper-Sans-KO")) for f in faces)


def test_korean_headline_breaks_only_between_words(proof) -> None:
    p = proof(SAMPLES / "ko-night-market.md", columns=2)
    headline = p.result.story.article.headline
    lines = group_lines([w for w in p.words() if w["size"] > 20], tolerance=10)
    assert len(lines) >= 2, "a two-column Korean headline should wrap"
    words = headline.split()
    for line in lines:  # each line is whole words of the headline, in order
        text, taken = "".join(w["text"] for w in line), ""
        while words and len(taken) < len(text):
            taken += words.pop(0)
        assert taken == text, f"headline line {text!r} does not end at a word boundary"
    assert not words


def test_fonts_are_embedded_and_declared_only(proof, setter) -> None:
    p = proof(SAMPLES / "harbor-piers.md")
    reader = PdfReader(p.path)
    names = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"] \
                if "/DescendantFonts" in font else font["/FontDescriptor"]
            assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            names.add(str(font["/BaseFont"]).split("+")[-1])
    declared = {f.family.replace(" ", "-") for f in setter.fonts.faces}
    # PDF font names are the @font-face families (+ weight/style): only declared faces
    assert names and all(any(n.startswith(d) for d in declared) for n in names), names


def test_same_input_gives_byte_identical_pdf(setter) -> None:
    a = setter.preview(SAMPLES / "opinion-night-desk.md").pdf
    b = setter.preview(SAMPLES / "opinion-night-desk.md").pdf
    assert a == b


def test_page_size_is_the_story_plus_margins(proof, setter) -> None:
    p = proof(SAMPLES / "opinion-night-desk.md", columns=3)
    with pdfplumber.open(p.path) as pdf:
        page = pdf.pages[0]
        margin = setter.layout.preview_margin
        assert page.width == pytest.approx(setter.layout.grid.span(3) + 2 * margin, abs=0.1)


def test_lines_in_plan_match_galley(proof) -> None:
    p = proof(SAMPLES / "opinion-night-desk.md")
    story = p.result.story
    placed = [i for col in story.fit.columns for i in col]
    assert sorted(placed) == list(range(len(story.galley.items)))
    assert story.copyfit.lines == sum(1 for i in story.galley.items if isinstance(i, Line))


def test_renderer_reads_only_the_sandbox(proof, setter) -> None:
    p = proof(SAMPLES / "harbor-piers.md")
    allowed = [SAMPLES.resolve(), setter.layout.folder]
    for name in p.result.files_read:
        path = Path(name).resolve()
        assert path in setter.fonts.files or any(path.is_relative_to(a) for a in allowed), name
    assert any(name.endswith("busan-piers.jpg") for name in p.result.files_read)
