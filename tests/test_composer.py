"""The paragraph composer: breaks, hyphenation rules, Korean, rendering exactly as planned."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pdfplumber
import pytest

from conftest import SAMPLES
from epaper.compose.breaker import INFINITY, Box, Glue, Params, Penalty, break_lines
from epaper.compose.hyphens import dictionary_name, hyphen_points, unbreakable
from epaper.compose.korean import NO_END, NO_START
from epaper.compose.paragraph import Measure, compose
from epaper.compose.quality import forbidden
from epaper.compose.settings import ComposerSettings
from epaper.compose.shaping import Shaper, TextStyle
from epaper.errors import LayoutError, RenderError
from epaper.ingest.article import curl_quotes
from epaper.layout.galley import Galley, Line
from epaper.layout.grid import load_layout
from epaper.model import Run
from epaper.preview import Setter
from epaper.render import weasy
from epaper.render.display import head_words, unquote
from epaper.render.fonts import load_fonts

SERIF = ("Epaper Serif", "Epaper Serif KO")
BASE = TextStyle(SERIF, 400, False, 9.5, None)
STYLES = {frozenset(): BASE, frozenset({"em"}): TextStyle(SERIF, 400, True, 9.5, None)}
WIDTH = 161.8  # the broadsheet's column


@pytest.fixture(scope="module")
def shaper() -> Shaper:
    return Shaper(load_fonts())


def lines_of(text: str, shaper: Shaper, width: float = WIDTH, lang: str = "en",
             settings: ComposerSettings | None = None) -> list[str]:
    korean = lang.startswith("ko")
    composed = compose((Run(text),), STYLES, shaper, Measure(width, width),
                       settings or load_layout("broadsheet").composer,
                       None if korean else dictionary_name(lang), korean)
    return [text[sl.start:sl.end] + ("-" if sl.hyphen else "") for sl in composed.lines]


def _ratios(widths: list[float], ends: list[int], line: float) -> list[float]:
    out, start = [], 0
    for end in ends[:-1]:
        words = widths[start:end]
        natural = sum(words) + (len(words) - 1) * 3.0
        out.append((line - natural) / ((len(words) - 1) * 1.5))
        start = end
    return out


def test_knuth_plass_is_evener_than_first_fit() -> None:
    import random

    rng = random.Random(7)
    widths = [rng.choice([8.0, 12.0, 17.0, 23.0, 31.0, 40.0]) for _ in range(120)]
    line = 120.0
    items: list = []
    for n, w in enumerate(widths):
        if n:
            items.append(Glue(3.0, 1.5, 1.0))
        items.append(Box(w))
    items += [Penalty(0, INFINITY), Glue(0, INFINITY, 0), Penalty(0, -INFINITY)]
    breaks = break_lines(items, (line, line), Params(10_000, 10, 3000, 5000, 3000, 2))
    assert breaks is not None
    ends = [sum(1 for it in items[:b.position] if isinstance(it, Box)) for b in breaks]
    first_fit, count, used = [], 0, -3.0
    for w in widths:  # first fit: as many words as fit at natural spacing
        if used + 3.0 + w > line and count:
            first_fit.append(len(first_fit) and first_fit[-1] + count or count)
            count, used = 0, -3.0
        used += 3.0 + w
        count += 1
    first_fit.append(len(widths))
    kp, greedy = _ratios(widths, ends, line), _ratios(widths, first_fit, line)
    assert ends[-1] == len(widths) and all(r >= -1 for r in kp)
    assert sum(r * r for r in kp) < sum(r * r for r in greedy)
    assert max(kp) <= max(greedy)


def test_hyphenation_follows_the_locale_region() -> None:
    assert dictionary_name("en") == "en_US"
    assert dictionary_name("en-US") == "en_US"
    assert dictionary_name("en-GB") == "en_GB"
    word = "significant"
    us = {word[:p] for p in hyphen_points(word, "en_US", 2, 3)}
    assert "signific" not in us, us  # British "signific-ant"
    assert "signif" in us or "sig" in us


@pytest.mark.parametrize("word", ["drewkorea@outlook.com", "(andrewkorea@outlook.com)",
                                  "https://example.org/page", "www.koreatimes.co.kr",
                                  "1,200,000", "2019-06-17", "COVID-19", "UNESCO", "F-35s"])
def test_words_never_broken(word: str) -> None:
    assert unbreakable(word), word
    assert hyphen_points(word, "en_US", 2, 3) == ()


def test_an_email_address_is_never_split_and_lines_fit(shaper: Shaper) -> None:
    text = ("Readers who wish to respond may write to the columnist directly "
            "(andrewkorea@outlook.com) or to the letters desk at letters@harborcourier.example, "
            "and every letter is read before midnight by the editor on duty.")
    for width in (110.0, 130.0, WIDTH):
        lines = lines_of(text, shaper, width)
        assert "".join(lines).replace("-", "").replace(" ", "") == \
            text.replace("-", "").replace(" ", ""), (width, lines)
        for word in (w for w in text.split() if "@" in w):
            if shaper.width(word, BASE) <= width:  # it fits: never split, never hyphenated
                assert any(word in line.split() for line in lines), (width, word, lines)
            else:  # wider than the column: wrapped inside it, with no hyphen added
                assert not any(line.endswith("-") and "@" in line for line in lines), lines


def test_proper_nouns_are_not_hyphenated_when_something_else_fits(shaper: Shaper) -> None:
    text = ("Officials from Pyongyang and Gangneung met delegates from Chuncheon on Thursday "
            "to discuss the reconstruction of the railway between the two provinces, which "
            "was destroyed during the war and never rebuilt afterwards.")
    for width in (120.0, 140.0, WIDTH):
        for line in lines_of(text, shaper, width):
            if line.endswith("-"):
                assert line.split()[-1][:1].islower(), (width, line)


def test_no_more_than_two_hyphenated_lines_in_a_row(shaper: Shaper) -> None:
    text = " ".join(["Internationalization", "responsibilities", "notwithstanding",
                     "administratively", "characteristically", "telecommunications",
                     "incomprehensibility", "representatives"] * 4)
    lines = lines_of(text, shaper, 100.0)
    run = longest = 0
    for line in lines:
        run = run + 1 if line.endswith("-") else 0
        longest = max(longest, run)
    assert longest <= 2, lines


def test_korean_breaks_between_syllables_with_kinsoku(shaper: Shaper) -> None:
    text = ("대구의 한 전통시장이 지난봄 시작한 야시장이 침체됐던 골목 상권을 되살리고 있다. "
            "시장 상인회에 따르면(지난해 기준) 야시장이 열리는 금요일과 토요일 저녁 방문객은 "
            "“세 배 가까이” 늘었다.")
    styles = {frozenset(): TextStyle(("Epaper Serif KO", "Epaper Serif"), 400, False, 9.5,
                                     None)}
    composed = compose((Run(text),), styles, shaper, Measure(WIDTH, WIDTH),
                       load_layout("broadsheet").composer, None, True)
    lines = [text[sl.start:sl.end] for sl in composed.lines]
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    assert any(not text[sl.end - 1].isspace() and sl.end < len(text) and
               not text[sl.end].isspace() for sl in composed.lines[:-1]), \
        "no line broke between syllables"
    for line in lines:
        assert line[:1] not in NO_START, line
        assert line[-1:] not in NO_END, line


def test_forbidden_break_measure() -> None:
    text = "write to andrewkorea@outlook.com today"
    inside = Line(0, 0, text.index("korea"), 12.8, True)
    between = Line(0, 0, text.index(" today"), 12.8)
    assert forbidden(text, inside)
    assert not forbidden(text, between)


def test_unknown_composer_key_is_a_layout_error(tmp_path: Path) -> None:
    folder = tmp_path / "bad"
    shutil.copytree(load_layout("broadsheet").folder, folder)
    toml = folder / "layout.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + "\n[composer.x]\n", encoding="utf-8")
    text = toml.read_text(encoding="utf-8").replace("tolerance = 400", "tolerence = 400")
    toml.write_text(text.replace("\n[composer.x]\n", "\n"), encoding="utf-8")
    with pytest.raises(LayoutError, match="tolerence"):
        load_layout(folder)


def test_quotes_and_display_lines() -> None:
    assert curl_quotes('상인은 "처음엔 반신반의했지만"며 말했다')[0] == \
        "상인은 “처음엔 반신반의했지만”며 말했다"
    assert unquote("“We have waited long enough.”") == "We have waited long enough."
    pieces = head_words("Port city unveils plan to turn old piers into parks and homes")
    assert not any(p.split("\u00a0")[-1] in ("to", "into", "and", "a", "the") for p in pieces)
    assert len(head_words("The night desk still decides what a city remembers")[-1].split(
        "\u00a0")) >= 2


# -- the real thing: previews set by the composer, read back from the PDF ------------------

@pytest.fixture(scope="module")
def composed_proofs() -> dict[str, object]:
    setter = Setter("broadsheet")
    return {name: setter.preview(SAMPLES / name) for name in
            ("opinion-night-desk.md", "harbor-piers.md", "ko-night-market.md")}


def test_previews_are_composed_and_report_quality(composed_proofs) -> None:
    for name, result in composed_proofs.items():
        report = result.report()["composition"]
        assert report["breaker"] == "total-fit", name
        assert report["forbidden_breaks"] == 0, name
        assert report["longest_hyphen_run"] <= 2, name
        assert report["space_ratio_p95"] <= 2.6, (name, report)
        assert report["looser_than_2"] <= 0.1, (name, report)
        lines = [i for i in result.story.galley.items if isinstance(i, Line)]
        assert lines and all(i.planned > 0 for i in lines), name


def test_every_body_line_sits_on_the_grid(composed_proofs, tmp_path: Path) -> None:
    for name, result in composed_proofs.items():
        path = tmp_path / "p.pdf"
        path.write_bytes(result.pdf)
        ox, _ = result.origin
        pitch = result.story.galley.pitch
        with pdfplumber.open(path) as pdf:
            page = pdf.pages[0]
            chars = [c for c in page.chars
                     if abs(c["size"] - 9.5) < 0.05 or abs(c["size"] - 8.4) < 0.05]
            height = page.height
        for n, rect in enumerate(result.story.frame.column_rects()):
            x0, x1 = ox + rect.x, ox + rect.x + rect.width
            baselines = sorted({round(height - c["matrix"][5], 2) for c in chars
                                if x0 - 1 <= c["x0"] <= x1})
            for b in baselines:
                steps = (b - baselines[0]) / pitch
                assert abs(steps - round(steps)) * pitch < 0.05, (name, n + 1, b)


def test_a_line_set_wider_than_planned_fails_loudly(composed_proofs) -> None:
    setter = Setter("broadsheet")
    story = composed_proofs["opinion-night-desk.md"].story
    items = list(story.galley.items)
    k = next(i for i, item in enumerate(items) if isinstance(item, Line) and not item.last)
    line = items[k]
    assert isinstance(line, Line)
    items[k] = replace(line, letter_spacing=line.letter_spacing + 0.1)  # not what was planned
    story = replace(story, galley=Galley(tuple(items), story.galley.pitch))
    sandbox = setter.typesetter.sandbox([story.article.path.parent])
    rendered = weasy.render(setter.proof_html(story), sandbox, story.article.path.parent)
    with pytest.raises(RenderError, match="composer planned"):
        setter.verify(story, rendered)


def test_the_greedy_path_stays_behind_the_switch(tmp_path: Path) -> None:
    folder = tmp_path / "greedy"
    shutil.copytree(load_layout("broadsheet").folder, folder)
    toml = folder / "layout.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace(
        'breaker = "total-fit"', 'breaker = "greedy"'), encoding="utf-8")
    result = Setter(load_layout(folder)).preview(SAMPLES / "opinion-night-desk.md")
    report = result.report()["composition"]
    assert report["breaker"] == "greedy"
    assert all(i.planned == 0 for i in result.story.galley.items if isinstance(i, Line))
    assert report["space_ratio_median"] > 1.0


def test_copyfit_loosens_paragraphs_to_fill_a_fixed_frame() -> None:
    setter = Setter("broadsheet")
    from epaper.preview import Depth

    natural = setter.preview(SAMPLES / "opinion-night-desk.md", 3)
    deeper = setter.preview(SAMPLES / "opinion-night-desk.md", 3, Depth.parse("40lines"))
    story = deeper.story
    assert story.looseness.loosened, "no paragraph was set looser to fill the frame"
    assert story.galley.text_lines > natural.story.galley.text_lines
    assert deeper.report()["composition"]["loosened_paragraphs"] == \
        len(story.looseness.loosened)
    # every word still set once, in order: the lines of each paragraph rebuild its text
    texts = {fb.index: fb.block.text for fb in story.parts.flow if hasattr(fb.block, "runs")}
    rebuilt: dict[int, str] = {}
    for item in story.galley.items:
        if isinstance(item, Line):
            rebuilt[item.block] = rebuilt.get(item.block, "") + " " + \
                texts[item.block][item.start:item.end]
    for block, text in texts.items():
        assert rebuilt[block].split() == [w for w in text.split()] or \
            "".join(rebuilt[block].split()) == "".join(text.split()), block
