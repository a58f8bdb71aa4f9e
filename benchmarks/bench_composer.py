"""Line breaking: epaper's composer against WeasyPrint's greedy breaking and against Typst.

    .venv/bin/python benchmarks/bench_composer.py [--generated 40] [--runs 3]

For each corpus (the sample previews, the sample editions, a generated corpus) the stories are
measured twice in the same run, once with the composer (``[composer] breaker = "total-fit"``)
and once with the greedy path, and the quality figures of their lines are compared
(``epaper.compose.quality``: word-space ratio median, 95th percentile and maximum, lines looser
than 1.5× and 2×, hyphenated lines, forbidden breaks). The English body paragraphs are also set
by Typst (``typst`` on PyPI, a benchmark-only dependency) at the same width, font, size,
first-line indent and hyphenation language; its word spaces are read back from its PDF.
The measuring time of both breakers is reported (median of ``--runs``), and the time of a
whole page build of the generated corpus. Writes benchmarks/results/composer.json.
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

import pdfplumber  # noqa: E402
from corpus import make_corpus  # noqa: E402

from epaper import l10n  # noqa: E402
from epaper.compose.quality import percentile, quality  # noqa: E402
from epaper.compose.settings import ComposerSettings  # noqa: E402
from epaper.edition.config import load_config  # noqa: E402
from epaper.ingest import check_articles  # noqa: E402
from epaper.layout.compose import story_parts  # noqa: E402
from epaper.layout.galley import Galley, Line  # noqa: E402
from epaper.layout.grid import load_layout  # noqa: E402
from epaper.model import Article, Paragraph  # noqa: E402
from epaper.pages import PageMaker  # noqa: E402
from epaper.typeset import Typesetter  # noqa: E402

BREAKERS = ("total-fit", "greedy")
# the composer without the house letter-spacing range: word spaces only, as Typst justifies
PLAIN = "total-fit, no letter-spacing"


def _layout(breaker: str):
    layout = load_layout("broadsheet")
    if breaker == PLAIN:
        return replace(layout, composer=replace(
            layout.composer, letter_spacing_min=0.0, letter_spacing_max=0.0,
            korean_letter_spacing_min=0.0, korean_letter_spacing_max=0.0))
    return replace(layout, composer=replace(layout.composer, breaker=breaker))


def corpora(tmp: Path, generated: int) -> dict[str, tuple[list[Article], list[Path], Path]]:
    out = {}
    previews = sorted((ROOT / "samples/articles").glob("*.md"))
    out["previews"] = (check_articles(previews), [ROOT / "samples/articles"],
                       ROOT / "samples/articles")
    for name in ("en", "ko"):
        folder = ROOT / "samples/editions" / name
        config, _ = load_config(folder / "edition.toml")
        loc = l10n.locale(config.locale)
        articles = [replace(a, lang=a.lang or loc.language, region=loc.territory or "")
                    for a in check_articles(sorted((folder / "articles").glob("*.md")),
                                            [folder / "articles", folder])]
        out[f"edition-{name}"] = (articles, [folder / "articles", folder], folder)
    folder = tmp / "generated"
    folder.mkdir()
    make_corpus(folder, generated, image=ROOT / "samples/articles/images/busan-piers.jpg")
    out["generated"] = (check_articles(sorted(folder.glob("*.md"))), [folder], folder)
    return out


def measure(articles, folders, base, runs: int) -> dict[str, tuple]:
    """Each breaker's figures and its median measuring time; the breakers take turns in
    every run, so that the machine's load weighs on all of them alike."""
    setters = {b: Typesetter(_layout(b)) for b in (*BREAKERS, PLAIN)}
    times: dict[str, list[float]] = {b: [] for b in setters}
    measures: dict[str, list] = {}
    for _ in range(runs):
        for breaker, setter in setters.items():
            sandbox = setter.sandbox(folders)
            t0 = time.perf_counter()
            measures[breaker] = setter.measure(articles, [setter.layout.story.default_columns],
                                               sandbox, base)
            times[breaker].append(time.perf_counter() - t0)
    out = {}
    for breaker, ms in measures.items():
        figures = quality([(m.galley, m.parts.flow) for m in ms]).report()
        english = quality([(_body_only(m), m.parts.flow) for m in ms
                           if not (m.article.lang or "en").startswith("ko")]).report()
        out[breaker] = (figures, english, round(statistics.median(times[breaker]), 3))
    return out


def _body_only(m) -> Galley:
    """The galley's lines of plain body paragraphs (what Typst sets here too)."""
    kinds = {fb.index for fb in m.parts.flow
             if isinstance(fb.block, Paragraph) and fb.block.kind == "p"}
    return replace(m.galley, items=tuple(i for i in m.galley.items
                                         if isinstance(i, Line) and i.block in kinds))


# -- Typst --------------------------------------------------------------------------------

def _escape(text: str) -> str:
    return "".join("\\" + c if c in "\\#*_`$<>@[]=-+/~\"'" else c for c in text)


def typst_quality(articles: list[Article], width: float, tmp: Path) -> dict[str, object]:
    """Word-space ratios of Typst's justified lines for the English body paragraphs."""
    import typst

    paragraphs = []
    for article in articles:
        if (article.lang or "en").startswith("ko"):
            continue
        for fb in story_parts(article).flow:
            if isinstance(fb.block, Paragraph) and fb.block.kind == "p":
                indent = "0pt" if fb.noindent else "11.4pt"
                paragraphs.append(f"#par(first-line-indent: (amount: {indent}, all: true))"
                                  f"[{_escape(fb.block.text)}]")
    source = (f"#set page(width: {width:.3f}pt + 20pt, height: auto, margin: 10pt)\n"
              '#set text(font: "Noto Serif", size: 9.5pt, lang: "en", region: "us", '
              "hyphenate: true)\n#set par(justify: true, leading: 12.8pt - 0.75em, "
              "spacing: 12.8pt)\n" + "\n\n".join(paragraphs))
    path = tmp / "typst.typ"
    path.write_text(source, encoding="utf-8")
    t0 = time.perf_counter()
    pdf = typst.compile(str(path), font_paths=["/usr/share/fonts/truetype/noto"],
                        ignore_system_fonts=True, format="pdf")
    elapsed = time.perf_counter() - t0
    space = 9.5 * 0.26  # Noto Serif's space: 260 units of 1000
    right = 10 + width
    ratios: list[float] = []
    hyphenated = lines = 0
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        for page in doc.pages:
            rows: dict[float, list[dict]] = {}
            for char in page.chars:
                rows.setdefault(round(char["top"], 1), []).append(char)
            for top in sorted(rows):
                chars = sorted(rows[top], key=lambda c: c["x0"])
                ink = [c for c in chars if c["text"].strip()]
                if not ink:
                    continue
                lines += 1
                hyphenated += ink[-1]["text"] in "\u00ad-\u2010"
                if ink[-1]["x1"] < right - 0.5:
                    continue  # a paragraph's last line (not justified)
                gaps = [b["x0"] - a["x1"] for a, b in zip(ink, ink[1:], strict=False)
                        if b["x0"] - a["x1"] > 0.8]
                if gaps:
                    ratios.append(statistics.mean(gaps) / space)
    ratios.sort()
    n = len(ratios)
    return {"lines": n, "space_ratio_median": round(statistics.median(ratios), 3),
            "space_ratio_p95": round(percentile(ratios, 0.95), 3),
            "space_ratio_max": round(ratios[-1], 3),
            "looser_than_1_5": round(sum(r > 1.5 for r in ratios) / n, 4),
            "looser_than_2": round(sum(r > 2 for r in ratios) / n, 4),
            "hyphenated": round(hyphenated / max(lines, 1), 4), "compile_s": round(elapsed, 3)}


def build_times(articles, folder: Path, runs: int) -> dict[str, float]:
    """Median time of a whole page build (measure, place, render, check) per breaker, the
    breakers taking turns."""
    times: dict[str, list[float]] = {b: [] for b in BREAKERS}
    for _ in range(runs):
        for breaker in BREAKERS:
            maker = PageMaker(_layout(breaker))
            t0 = time.perf_counter()
            maker.make(articles, [folder], folder)
            times[breaker].append(time.perf_counter() - t0)
    return {b: round(statistics.median(t), 3) for b, t in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--generated", type=int, default=40)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks/results/composer.json")
    args = parser.parse_args()
    settings = ComposerSettings()
    result: dict[str, object] = {"settings": {
        "tolerance": settings.tolerance, "space_stretch": settings.space_stretch,
        "space_shrink": settings.space_shrink,
        "letter_spacing": [settings.letter_spacing_min, settings.letter_spacing_max]},
        "corpora": {}}
    width = load_layout("broadsheet").grid.column_width
    with tempfile.TemporaryDirectory() as tmp:
        for name, (articles, folders, base) in corpora(Path(tmp), args.generated).items():
            row: dict[str, object] = {"stories": len(articles)}
            for breaker, (figures, english, seconds) in measure(articles, folders, base,
                                                                args.runs).items():
                row[breaker] = {**figures, "measure_s": seconds}
                if name != "edition-ko":
                    row[f"{breaker} (English body, as Typst)"] = english
            if name != "edition-ko":
                row["typst"] = typst_quality(articles, width, Path(tmp))
            result["corpora"][name] = row  # type: ignore[index]
            print(name, json.dumps(row), flush=True)
        gen = Path(tmp) / "generated"
        gen_articles = check_articles(sorted(gen.glob("*.md")))
        result["page_build_s"] = build_times(gen_articles, gen, args.runs)
    print("page build", result["page_build_s"])
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
