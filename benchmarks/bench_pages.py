"""Placement and fitting speed: 40 and 120 generated stories on broadsheet pages.

    ./dev bench   (runs this after the preview benchmark)

Measures, per corpus size, the median of several runs of: measuring (one WeasyPrint pass),
placement + fitting (pure Python), and rendering the pages; writes
benchmarks/results/pages.json.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from corpus import make_corpus  # noqa: E402

from epaper.ingest import check_articles  # noqa: E402
from epaper.layout.paginate import Paginator, default_sections  # noqa: E402
from epaper.pages import PageMaker  # noqa: E402


def run(count: int, runs: int) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        make_corpus(folder, count, image=ROOT / "samples/articles/images/busan-piers.jpg")
        articles = check_articles(sorted(folder.glob("*.md")))
        maker = PageMaker()
        sandbox = maker.typesetter.sandbox([folder])
        measure, place, render = [], [], []
        pages = None
        for _ in range(runs):
            t0 = time.perf_counter()
            measures = maker.typesetter.measure(articles, maker.spans(), sandbox, folder)
            t1 = time.perf_counter()
            pages = Paginator(maker.layout, maker.templates).paginate(
                default_sections(measures), measures)
            t2 = time.perf_counter()
            from epaper.pages import Furniture

            maker.render(pages, sandbox, folder, Furniture(), [])
            t3 = time.perf_counter()
            measure.append(t1 - t0)
            place.append(t2 - t1)
            render.append(t3 - t2)
        assert pages is not None
        return {"stories": count, "pages": len(pages.pages), "runs": runs,
                "measure_median_s": round(statistics.median(measure), 3),
                "place_fit_median_s": round(statistics.median(place), 3),
                "render_median_s": round(statistics.median(render), 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    rows = [run(n, args.runs) for n in (40, 120)]
    for row in rows:
        print(f"{row['stories']:>4} stories, {row['pages']:>3} pages: measure "
              f"{row['measure_median_s']:.2f}s, place+fit {row['place_fit_median_s']:.3f}s, "
              f"render {row['render_median_s']:.2f}s")
    out = ROOT / "benchmarks" / "results"
    out.mkdir(exist_ok=True)
    (out / "pages.json").write_text(json.dumps(rows, indent=2) + "\n")


if __name__ == "__main__":
    main()
