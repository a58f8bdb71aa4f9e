"""The e-paper against the build's own time, on the two sample editions.

Measured, each the median of ``--runs`` runs in fresh processes:
- the build (``epaper build --no-cache --jobs 2``) and ``epaper web`` on its PDF; the ratio
  of the two (aim: the e-paper adds at most 30 % to a build);
- bytes per page: zoom images (largest and median; aim ≤ 300 KB each) and the whole folder;
- time to the first page in the browser (Debian chromium via Playwright), the e-paper
  served on loopback by a plain static server: from navigation to the first page image
  loaded (aim < 1 s).

    .venv/bin/python benchmarks/bench_web.py --runs 3
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EPAPER = str(ROOT / ".venv" / "bin" / "epaper")


def timed(args: list[str]) -> tuple[float, str]:
    t = time.perf_counter()
    out = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    return time.perf_counter() - t, out


def first_page_ms(folder: Path, runs: int) -> float:
    from playwright.sync_api import sync_playwright

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    times = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium")
            for _ in range(runs):
                context = browser.new_context(viewport={"width": 1400, "height": 900})
                page = context.new_page()  # a fresh context: nothing cached
                page.goto(f"http://127.0.0.1:{server.server_port}/index.html")
                page.wait_for_function("window.EPAPER_FIRST_PAGE_MS !== undefined")
                times.append(page.evaluate("EPAPER_FIRST_PAGE_MS"))
                context.close()
            browser.close()
    finally:
        server.shutdown()
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    results = {}
    for lang in ("en", "ko"):
        builds, webs = [], []
        with tempfile.TemporaryDirectory(prefix="bench-web-") as tmp:
            for _ in range(args.runs):
                t, out = timed([EPAPER, "build", str(ROOT / "samples" / "editions" / lang),
                                "--out-dir", tmp, "--no-cache", "--jobs", "2"])
                builds.append(t)
                pdf = out.split()[0]
                t, out = timed([EPAPER, "web", pdf, "--jobs", "2", "--json"])
                webs.append(t)
            summary = json.loads(out)
            folder = Path(summary["index"]).parent
            zoom = summary["zoom_bytes"]
            first = first_page_ms(folder, args.runs)
        build_s, web_s = statistics.median(builds), statistics.median(webs)
        results[lang] = {
            "pages": summary["pages"],
            "build_s": round(build_s, 2), "web_s": round(web_s, 2),
            "web_over_build": round(web_s / build_s, 3),
            "zoom_bytes_max": max(zoom), "zoom_bytes_median": int(statistics.median(zoom)),
            "bytes_per_page_total": summary["total_bytes"] // summary["pages"],
            "first_page_ms": round(first, 1),
        }
        print(lang, json.dumps(results[lang]))
    out = ROOT / "benchmarks" / "results" / "web.json"
    out.write_text(json.dumps({"runs": args.runs, "editions": results}, indent=2) + "\n",
                   encoding="utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    sys.exit(main())
