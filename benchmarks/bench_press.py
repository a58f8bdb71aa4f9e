"""Press pages of a sample edition: their time as a ratio to the build, and bytes per page.

Each run builds the edition (measurement cache warm after the first run, as a nightly
rebuild) and then writes and preflights its press pages, both with ``--jobs``. Medians of
``--runs`` runs are written to ``benchmarks/results/press.json``.

    .venv/bin/python benchmarks/bench_press.py --runs 3 --edition en --jobs 2
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


def main() -> None:
    """Run the benchmark and write its figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--edition", default="en")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    from epaper.edition.build import build
    from epaper.press.run import press_build

    edition = ROOT / "samples" / "editions" / args.edition
    builds, presses, page_bytes, preflight_ok = [], [], [], True
    with tempfile.TemporaryDirectory(prefix="epaper-bench-press-") as tmp:
        build(edition, Path(tmp), jobs=args.jobs)  # warm the measurement cache
        for _ in range(args.runs):
            t0 = time.perf_counter()
            result = build(edition, Path(tmp), jobs=args.jobs)
            builds.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            pressed, _ = press_build(result, jobs=args.jobs)
            presses.append(time.perf_counter() - t0)
            page_bytes = [p.size for p in pressed.pages]
            preflight_ok = preflight_ok and pressed.passed
    figures = {
        "edition": args.edition, "jobs": args.jobs, "runs": args.runs,
        "pages": len(page_bytes),
        "build_s_median": round(statistics.median(builds), 2),
        "press_s_median": round(statistics.median(presses), 2),
        "press_to_build_ratio": round(statistics.median(presses) / statistics.median(builds),
                                      2),
        "bytes_per_press_page_median": int(statistics.median(page_bytes)),
        "bytes_per_press_page_min": min(page_bytes),
        "bytes_per_press_page_max": max(page_bytes),
        "all_pages_pass_preflight": preflight_ok,
    }
    out = ROOT / "benchmarks" / "results" / "press.json"
    out.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    json.dump(figures, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
