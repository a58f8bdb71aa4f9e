"""How full the night desk fills its pages: generated editions of 20 to 200 stories of
agency lengths, each built without a page plan and with one (a page fewer than the desk
chose, rounded down to an even count: a press plan tighter than the copy, the usual
night), three booked ads each, through the real build.

    ./dev bench   (after the pages benchmark)
    .venv/bin/python benchmarks/bench_fill.py --sizes 20 40   # a quick look

Reports per edition the pages, minimum and mean fill, pages under the fill rule, fillers,
trims and holds, and the share of the build time spent placing and fitting
(``place_fit`` / ``total`` of the report's timings; the builds without a plan measure
every story afresh, the builds with a plan reuse those measurements). Writes
benchmarks/results/fill.json.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from corpus import make_corpus  # noqa: E402

from epaper.edition.build import build  # noqa: E402

AD = ROOT / "samples" / "articles" / "images" / "busan-piers.jpg"
SIZES = (20, 40, 60, 80, 100, 120, 140, 160, 180, 200)
ADS = [("A2", 3, "60mm", "bottom-right"), ("B1", 6, "5/15", "bottom"),
       ("C1", 2, "8rows", "top-left")]


def edition(folder: Path, count: int, plan: str) -> Path:
    """A generated edition: ``count`` stories, three booked ads, an optional plan."""
    if not (folder / "articles").exists():
        make_corpus(folder / "articles", count, seed=count, image=AD, lengths="wire")
        (folder / "images").mkdir()
        shutil.copy(AD, folder / "images" / "ad.jpg")
    toml = ['title = "The Bench Courier"', "date = 2026-11-30", 'locale = "en_US"', plan]
    for page, cols, depth, pos in ADS:
        toml += ["[[ads]]", f'page = "{page}"', f"columns = {cols}", f'depth = "{depth}"',
                 f'position = "{pos}"', 'advertiser = "Bench Ads"', 'image = "images/ad.jpg"']
    (folder / "edition.toml").write_text("\n".join(toml) + "\n", encoding="utf-8")
    return folder


def row(count: int, planned: bool, report: dict) -> dict[str, object]:  # type: ignore[type-arg]
    s = report["summary"]
    t = report["timings_s"]
    return {"stories": count, "plan": planned, "pages": s["pages"],
            "min_fill": s["min_fill"], "mean_fill": s["mean_fill"],
            "pages_under_rule": len(s["pages_under_rule"]), "fillers": s["fillers"],
            "trims": s["trims"], "holds": s["holds"], "jumps": s["jumps"],
            "place_fit_s": t["place_fit"], "total_s": t["total"],
            "place_share": round(t["place_fit"] / t["total"], 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="*", default=list(SIZES))
    args = parser.parse_args()
    rows = []
    for count in args.sizes:
        with tempfile.TemporaryDirectory(prefix="epaper-bench-fill-") as tmp:
            folder = edition(Path(tmp) / "ed", count, "")
            free = build(folder, Path(tmp) / "out", jobs=1, use_cache=False).report
            rows.append(row(count, False, free))
            pages = max(6, free["summary"]["pages"] - 1)
            pages -= pages % 2  # the press prints pairs of pages
            edition(folder, count, f"[plan]\npages = {pages}")
            rows.append(row(count, True, build(folder, Path(tmp) / "out", jobs=1).report))
        r = rows[-2:]
        for x in r:
            print(f"{x['stories']:>4} stories {'plan' if x['plan'] else 'free':>4}: "
                  f"{x['pages']:>3} pages, fill min {x['min_fill']:.3f} mean "
                  f"{x['mean_fill']:.3f}, {x['pages_under_rule']} under the rule, "
                  f"{x['fillers']} fillers, {x['holds']} held, placing "
                  f"{x['place_share']:.0%} of {x['total_s']:.1f}s", flush=True)
        write(rows)  # after each size, so that a long run keeps what it measured


def write(rows: list[dict[str, object]]) -> None:
    """The summary over the editions so far, printed and written to fill.json."""
    fresh = [x for x in rows if not x["plan"]]
    summary = {
        "editions": len(rows),
        "min_fill": min(x["min_fill"] for x in rows),  # type: ignore[type-var]
        "mean_fill": round(statistics.mean(x["mean_fill"] for x in rows), 4),  # type: ignore[misc]
        "pages": sum(x["pages"] for x in rows),  # type: ignore[misc]
        "pages_under_rule": sum(x["pages_under_rule"] for x in rows),  # type: ignore[misc]
        "fillers": sum(x["fillers"] for x in rows),  # type: ignore[misc]
        "place_share_median_fresh": statistics.median(x["place_share"] for x in fresh),  # type: ignore[misc]
        "place_share_max_fresh": max(x["place_share"] for x in fresh),  # type: ignore[type-var]
    }
    print(json.dumps(summary))
    out = ROOT / "benchmarks" / "results"
    out.mkdir(exist_ok=True)
    (out / "fill.json").write_text(json.dumps({"summary": summary, "editions": rows},
                                              indent=2) + "\n")


if __name__ == "__main__":
    main()
