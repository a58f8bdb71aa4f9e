"""Preview speed: cold CLI runs (new process each) and warm in-process runs.

    ./dev bench            # or: .venv/bin/python benchmarks/bench_preview.py --runs 7

Prints medians per sample article and writes benchmarks/results/preview.json.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "samples" / "articles").glob("*.md"))


def cold(article: Path, runs: int) -> list[float]:
    epaper = Path(sys.executable).parent / "epaper"
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(runs):
            start = time.perf_counter()
            subprocess.run([str(epaper), "preview", str(article), "-o", f"{tmp}/out.pdf"],
                           check=True, capture_output=True)
            times.append(time.perf_counter() - start)
    return times


def warm(article: Path, runs: int) -> tuple[list[float], dict[str, float]]:
    from epaper.preview import Setter

    setter = Setter()
    setter.preview(article)  # first run loads fonts and templates
    times, stages = [], {}
    for _ in range(runs):
        start = time.perf_counter()
        result = setter.preview(article)
        times.append(time.perf_counter() - start)
        for key, value in result.timings.items():
            stages.setdefault(key, []).append(value)
    return times, {k: statistics.median(v) for k, v in stages.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    rows = []
    print(f"{'article':<24} {'cold CLI s':>10} {'warm s':>8}  warm stages (median s)")
    for article in SAMPLES:
        c = statistics.median(cold(article, args.runs))
        w_times, stages = warm(article, args.runs * 2)
        w = statistics.median(w_times)
        rows.append({"article": article.name, "cold_cli_median_s": round(c, 3),
                     "warm_median_s": round(w, 3),
                     "warm_stages_median_s": {k: round(v, 3) for k, v in stages.items()},
                     "runs": args.runs})
        stage_text = ", ".join(f"{k} {v:.3f}" for k, v in stages.items())
        print(f"{article.name:<24} {c:>10.3f} {w:>8.3f}  {stage_text}")
    out = ROOT / "benchmarks" / "results"
    out.mkdir(exist_ok=True)
    (out / "preview.json").write_text(json.dumps(rows, indent=2) + "\n")


if __name__ == "__main__":
    main()
