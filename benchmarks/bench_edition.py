"""Edition build against the baseline, for generated editions of 40 and 120 stories.

Baseline: one WeasyPrint render of the same stories as one plain multi-column HTML document
(same page size, same fonts, six columns, headline, photo and paragraphs, no placement).
Measured, each as the median of ``--runs`` runs in fresh processes: full build
(``--no-cache``), rebuild after one story changed (measurement cache warm), peak memory
(max RSS of the processes) and PDF size.

    .venv/bin/python benchmarks/bench_edition.py --runs 3
"""

from __future__ import annotations

import argparse
import html
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))


def make_edition(folder: Path, count: int) -> Path:
    from corpus import make_corpus

    make_corpus(folder / "articles", count,
                image=ROOT / "samples" / "articles" / "images" / "busan-piers.jpg")
    (folder / "edition.toml").write_text('title = "Bench Times"\ndate = 2026-11-30\n'
                                         'locale = "en_US"\n', encoding="utf-8")
    return folder


def baseline(edition: Path, out: Path) -> None:
    """The baseline document (run in its own process)."""
    import weasyprint  # noqa: TID251 - the baseline is plain WeasyPrint on purpose

    from epaper.ingest import check_articles
    from epaper.model import Paragraph
    from epaper.render.fonts import load_fonts

    fonts = load_fonts()
    articles = check_articles(sorted((edition / "articles").glob("*.md")))
    stories = []
    for a in articles:
        paras = "".join(f"<p>{html.escape(b.text)}</p>" for b in a.body
                        if isinstance(b, Paragraph))
        photo = "".join(f'<img src="{im.path.as_uri()}">' for im in a.images)
        stories.append(f"<h1>{html.escape(a.headline)}</h1>{photo}{paras}")
    doc = f"""<html lang="en"><style>{fonts.font_face_css()}
    @page {{ size: 391mm 545mm; margin: 16mm 13mm; }}
    body {{ font-family: {fonts.css_stack('serif')}; font-size: 9.5pt; line-height: 12.8pt;
           column-count: 6; column-gap: 4.5mm; }}
    h1 {{ font-family: {fonts.css_stack('display')}; font-size: 20pt; line-height: 1.1; }}
    p {{ margin: 0; text-indent: 1.2em; text-align: justify; hyphens: auto; }}
    img {{ width: 100%; }}
    </style><body>{''.join(stories)}</body></html>"""
    weasyprint.HTML(string=doc, base_url=str(edition)).write_pdf(out)


def timed(cmd: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of a command and its children."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return wall, max(peak, before) / 1024


def run(count: int, runs: int, jobs: int) -> dict[str, object]:
    py = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        edition = make_edition(Path(tmp) / "edition", count)
        base_pdf = Path(tmp) / "baseline.pdf"
        out = Path(tmp) / "out"
        base = [timed([py, __file__, "--baseline", str(edition), str(base_pdf)])
                for _ in range(runs)]
        full = [timed([py, "-m", "epaper.cli", "build", str(edition), "--out-dir", str(out),
                       "--no-cache", "--jobs", str(jobs)]) for _ in range(runs)]
        timed([py, "-m", "epaper.cli", "build", str(edition), "--out-dir", str(out)])  # warm
        story = sorted((edition / "articles").glob("*.md"))[count // 2]
        rebuild = []
        for n in range(runs):
            story.write_text(story.read_text(encoding="utf-8") + f"\nA late addition {n}.\n",
                             encoding="utf-8")
            rebuild.append(timed([py, "-m", "epaper.cli", "build", str(edition), "--out-dir",
                                  str(out), "--jobs", str(jobs)]))
        pdf = next(out.glob("*.pdf"))
        b_wall = statistics.median(w for w, _ in base)
        row = {
            "stories": count, "runs": runs, "jobs": jobs,
            "baseline_s": round(b_wall, 2),
            "build_s": round(statistics.median(w for w, _ in full), 2),
            "rebuild_s": round(statistics.median(w for w, _ in rebuild), 2),
            "baseline_peak_mib": round(max(m for _, m in base)),
            "build_peak_mib": round(max(m for _, m in full)),
            "baseline_bytes": base_pdf.stat().st_size,
            "build_bytes": pdf.stat().st_size,
        }
        row["build_ratio"] = round(row["build_s"] / b_wall, 2)
        row["rebuild_ratio"] = round(row["rebuild_s"] / b_wall, 2)
        row["size_ratio"] = round(row["build_bytes"] / row["baseline_bytes"], 2)
        return row


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--baseline":
        sys.path.insert(0, str(ROOT))
        baseline(Path(sys.argv[2]), Path(sys.argv[3]))
        return
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    rows = [run(n, args.runs, args.jobs) for n in (40, 120)]
    for r in rows:
        print(f"{r['stories']:>4} stories: baseline {r['baseline_s']}s, build {r['build_s']}s "
              f"(×{r['build_ratio']}), rebuild {r['rebuild_s']}s (×{r['rebuild_ratio']}), "
              f"peak {r['build_peak_mib']} MiB vs {r['baseline_peak_mib']} MiB, size "
              f"{r['build_bytes'] // 1024} KiB vs {r['baseline_bytes'] // 1024} KiB "
              f"(×{r['size_ratio']})")
    out = ROOT / "benchmarks" / "results"
    out.mkdir(exist_ok=True)
    (out / "edition.json").write_text(json.dumps(rows, indent=2) + "\n")


if __name__ == "__main__":
    main()
