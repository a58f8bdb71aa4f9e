"""Edition build against the baseline, for generated editions of 40, 120 (and 400) stories.

Baseline: one WeasyPrint render of the same stories as one plain multi-column HTML document
(same page size, same fonts, six columns, headline, photo and paragraphs, no placement).

Each run, in fresh processes and interleaved with the baseline (the machine is shared, so
each ratio compares runs made at the same time):

- full build: ``--no-cache --fresh`` (nothing measured, paginated or rendered before);
- replate after one story's text changes (a verb replaced: lines reflow), caches warm;
- replate after one story's photo is swapped for another of the same shape.

Times are CPU seconds (user + system of the whole process tree) and wall seconds; ratios
are medians over the runs. Peak memory is that of the whole process tree (the sum of the
proportional set sizes of the build and its workers, sampled every 20 ms). Also: PDF size, and the
pages each replate rendered again. The aims (issue 9) are printed beside the figures.

    .venv/bin/python benchmarks/bench_edition.py --runs 3 --sizes 40 120 400
"""

from __future__ import annotations

import argparse
import html
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

AIMS = {"build": 1.0, "replate_text": 0.2, "replate_photo": 0.2, "size": 1.3}


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


def _tree_memory(root: int) -> int:
    """Proportional set size (bytes) of ``root`` and all its descendants: memory a forked
    worker shares with its parent counts once, not once per process."""
    parents: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry.name}/stat").read_text()
            parents[int(entry.name)] = int(stat[stat.rindex(")") + 2:].split()[1])
        except (OSError, ValueError, IndexError):
            continue
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        try:
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
            total += int(re.search(r"^Pss:\s+(\d+) kB", rollup, re.M)[1]) * 1024  # type: ignore[index]
        except (OSError, TypeError):
            pass
        todo += [p for p, parent in parents.items() if parent == pid]
    return total


def timed(cmd: list[str]) -> dict[str, float]:
    """Wall and CPU seconds (the whole tree) and peak tree memory (MiB) of a command."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.02):
            peak[0] = max(peak[0], _tree_memory(proc.pid))

    sampler = threading.Thread(target=sample)
    sampler.start()
    _, err = proc.communicate()
    done.set()
    sampler.join()
    wall = time.perf_counter() - start
    if proc.returncode:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{err.decode()}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall": wall, "cpu": cpu, "peak_mib": peak[0] / 2**20}


VERBS = ["approved", "questioned", "delayed", "welcomed", "criticized", "reviewed",
         "announced", "rejected", "expanded", "funded", "debated", "postponed"]


def change_text(story: Path) -> None:
    """A correction: the first verb of the body replaced by another."""
    head, body = story.read_text(encoding="utf-8").rsplit("---\n", 1)
    found = re.search("|".join(VERBS), body)
    assert found, story
    other = VERBS[(VERBS.index(found[0]) + 1) % len(VERBS)]
    story.write_text(head + "---\n" + body[:found.start()] + other + body[found.end():],
                     encoding="utf-8")


def swap_photo(story: Path, n: int) -> None:
    """The story's photo replaced by another picture of the same shape."""
    from PIL import Image, ImageOps

    text = story.read_text(encoding="utf-8")
    current = re.search(r"src: ([^,}]+)", text)
    assert current, story
    source = story.parent / current[1].strip()
    target = story.parent / f"swap-{n}.jpg"
    with Image.open(source) as im:
        ImageOps.mirror(im).save(target, quality=80 + n % 10)
    story.write_text(text.replace(current[0], f"src: {target.name}"), encoding="utf-8")


def _report(out: Path) -> dict:
    return json.loads(next(out.glob("*.report.json")).read_text(encoding="utf-8"))


def run(count: int, runs: int, jobs: int) -> dict[str, object]:
    py = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        edition = make_edition(Path(tmp) / "edition", count)
        base_pdf, full_out, warm = Path(tmp) / "baseline.pdf", Path(tmp) / "full", \
            Path(tmp) / "warm"
        epaper = [py, "-m", "epaper.cli", "build", str(edition), "--jobs", str(jobs)]
        stories = sorted((edition / "articles").glob("*.md"))
        with_photo = [s for s in stories if "images:" in s.read_text(encoding="utf-8")]
        timed(epaper + ["--out-dir", str(warm)])  # the previous build, caches warm
        rows: dict[str, list[dict[str, float]]] = {k: [] for k in
                                                    ("baseline", "build", "text", "photo")}
        rerendered: dict[str, list[int]] = {"text": [], "photo": []}
        modes: dict[str, list[str]] = {"text": [], "photo": []}
        pages = 0
        for n in range(runs):
            rows["baseline"].append(timed([py, __file__, "--baseline", str(edition),
                                           str(base_pdf)]))
            rows["build"].append(timed(epaper + ["--out-dir", str(full_out), "--no-cache",
                                                 "--fresh"]))
            if n == 0:  # sizes of the edition as generated (later runs change photos)
                sizes = (base_pdf.stat().st_size, next(full_out.glob("*.pdf")).stat().st_size)
            for kind in ("text", "photo"):
                if kind == "text":
                    change_text(stories[count // 2 + n])
                else:
                    swap_photo(with_photo[n % len(with_photo)], n)
                rows[kind].append(timed(epaper + ["--out-dir", str(warm)]))
                report = _report(warm)
                pages = report["edition"]["pages"]
                rerendered[kind].append(sum(len(p) for p in report["render_cache"]["rendered"]))
                plate = report["replate"]
                modes[kind].append("in place" if plate.get("refitted") and not
                                   plate.get("sections_repaginated") else
                                   "; ".join(plate.get("why", [])) or plate["mode"])
        med = {k: {m: statistics.median(r[m] for r in v) for m in ("wall", "cpu")}
               for k, v in rows.items()}
        row: dict[str, object] = {
            "stories": count, "pages": pages, "runs": runs, "jobs": jobs,
            "seconds": {k: {m: round(x, 2) for m, x in v.items()} for k, v in med.items()},
            "peak_mib": {k: round(max(r["peak_mib"] for r in v)) for k, v in rows.items()},
            "baseline_bytes": sizes[0], "build_bytes": sizes[1],
            "pages_rerendered": rerendered, "replate_modes": modes,
        }
        # ratios per run (each against the baseline of its own run), then the median
        for kind, label in (("build", "build"), ("text", "replate_text"),
                            ("photo", "replate_photo")):
            for m in ("cpu", "wall"):
                row[f"{label}_ratio_{m}"] = round(statistics.median(
                    r[m] / b[m] for r, b in zip(rows[kind], rows["baseline"], strict=True)), 2)
        row["size_ratio"] = round(row["build_bytes"] / row["baseline_bytes"], 2)  # type: ignore[operator]
        row["peak_ratio"] = round(row["peak_mib"]["build"] / row["peak_mib"]["baseline"], 2)  # type: ignore[index]
        row["aims_missed"] = {
            k: f"×{row[k]} against ×{aim}"
            for k, aim in (("build_ratio_cpu", AIMS["build"]),
                           ("replate_text_ratio_cpu", AIMS["replate_text"]),
                           ("replate_photo_ratio_cpu", AIMS["replate_photo"]),
                           ("size_ratio", AIMS["size"]))
            if row[k] > aim}  # type: ignore[operator]
        return row


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--baseline":
        sys.path.insert(0, str(ROOT))
        baseline(Path(sys.argv[2]), Path(sys.argv[3]))
        return
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--sizes", type=int, nargs="+", default=[40, 120])
    parser.add_argument("--output", type=Path,
                        default=ROOT / "benchmarks" / "results" / "edition.json")
    args = parser.parse_args()
    rows = []
    for n in args.sizes:
        r = run(n, args.runs, args.jobs)
        rows.append(r)
        s = r["seconds"]
        print(f"{n:>4} stories, {r['pages']} pages: baseline {s['baseline']['cpu']} s CPU "
              f"({s['baseline']['wall']} s wall); full build ×{r['build_ratio_cpu']} CPU "
              f"(×{r['build_ratio_wall']} wall); replate after a text change "
              f"×{r['replate_text_ratio_cpu']} CPU (×{r['replate_text_ratio_wall']} wall, "
              f"pages rendered {r['pages_rerendered']['text']}); after a photo swap "
              f"×{r['replate_photo_ratio_cpu']} CPU (×{r['replate_photo_ratio_wall']} wall, "
              f"pages rendered {r['pages_rerendered']['photo']}); size ×{r['size_ratio']}; "
              f"peak {r['peak_mib']} MiB", flush=True)
        if r["aims_missed"]:
            print(f"     aims missed: {r['aims_missed']}", flush=True)
    args.output.parent.mkdir(exist_ok=True)
    args.output.write_text(json.dumps(rows, indent=2) + "\n")


if __name__ == "__main__":
    main()
