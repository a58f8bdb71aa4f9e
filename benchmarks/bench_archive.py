"""Archive speed: fill an archive with ≥ 1,000 editions' stories, then search it.

Each generated edition has 40 stories (English, and every fifth edition Korean) recorded
through the archive's own add path (lock, atomic files, one index transaction); the PDFs
are small stand-ins, since the index is what is measured. Reports add throughput and search
latency (median, p95) over English and Korean queries, with and without filters.

    .venv/bin/python benchmarks/bench_archive.py --editions 1000
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from corpus import OBJECTS, SUBJECTS, paragraph  # noqa: E402

from epaper.archive.store import Archive  # noqa: E402

KO_WORDS = ["전통시장", "야시장", "골목상권", "청년상인", "지역경제", "주차문제", "공영주차장",
            "시의회", "예산안", "버스노선", "하천정비", "급식예산", "난방비", "의료인력"]


def report(n: int, day: date, rng: random.Random) -> dict[str, object]:
    korean = n % 5 == 0
    stories, frags = [], []
    for k in range(40):
        slug = f"e{n}-s{k}"
        if korean:
            words = rng.sample(KO_WORDS, 6)
            headline = f"{words[0]} {words[1]} 논의 본격화"
            text = " ".join(f"{w}에 대한 논의가 이어졌다." for w in rng.sample(KO_WORDS, 10))
        else:
            headline = f"{rng.choice(SUBJECTS)} {rng.choice(['approved', 'debated'])} " \
                       f"{rng.choice(OBJECTS)}"
            text = "\n".join(paragraph(rng) for _ in range(rng.randint(3, 10)))
        page = f"A{k // 8 + 1}"
        stories.append({"slug": slug, "section": rng.choice(["national", "business", "sports"]),
                        "headline": headline, "byline": f"Reporter {k % 12}", "pages": [page],
                        "text": text})
        frags.append({"slug": slug, "part": 0, "box_pt": [0, 0, 100, 100], "label": page})
    labels = [f"A{p}" for p in range(1, 6)]
    return {"edition": {"title": "Bench Times", "date": day.isoformat(),
                        "locale": "ko_KR" if korean else "en_US", "pages": 5,
                        "pdf": f"bench-times-{day.isoformat()}.pdf", "labels": labels},
            "pages": [{"label": lab, "stories": [f for f in frags if f["label"] == lab]}
                      for lab in labels],
            "stories": stories}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--editions", type=int, default=1000)
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        archive = Archive(Path(tmp) / "archive")
        start = time.perf_counter()
        for n in range(args.editions):
            day = date(2023, 1, 1) + timedelta(days=n)
            archive.add_built(b"%PDF-1.7\n% stand-in " + str(n).encode() + b"\n%%EOF\n",
                              report(n, day, rng))
        add_s = time.perf_counter() - start
        words = ["harbor", "rail timetable", "budget schools", "wage agreement", "solar plant",
                 "ferry contract", "야시장", "시장", "청년상인", "공영주차장"]
        latencies = []
        for q in range(args.queries):
            query = words[q % len(words)]
            filters = {} if q % 3 else {"date_from": "2023-06-01", "section": "national"}
            t0 = time.perf_counter()
            hits = archive.search(query, **filters)
            latencies.append((time.perf_counter() - t0) * 1000)
            assert hits, query
        latencies.sort()
        row = {"editions": args.editions, "stories": args.editions * 40,
               "add_editions_per_s": round(args.editions / add_s, 1),
               "search_median_ms": round(statistics.median(latencies), 2),
               "search_p95_ms": round(latencies[int(len(latencies) * 0.95) - 1], 2),
               "index_mib": round((archive.root / "index.sqlite").stat().st_size / 2**20, 1)}
    print(f"{row['editions']} editions ({row['stories']} stories): add "
          f"{row['add_editions_per_s']} editions/s; search median {row['search_median_ms']} ms, "
          f"p95 {row['search_p95_ms']} ms; index {row['index_mib']} MiB")
    out = ROOT / "benchmarks" / "results"
    out.mkdir(exist_ok=True)
    (out / "archive.json").write_text(json.dumps(row, indent=2) + "\n")


if __name__ == "__main__":
    main()
