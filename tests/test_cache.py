"""The measure cache: a data format (JSON) that never runs code, bounded in size."""

from __future__ import annotations

import json
import os
import pickle
import time
from pathlib import Path

import pytest
from test_edition import small_edition

from epaper.edition import measure
from epaper.edition.build import build


class Planted:
    """What an attacker who can write the output folder would plant."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (self.marker,))


def test_cache_entries_are_json_and_a_planted_pickle_is_never_run(tmp_path: Path) -> None:
    folder = small_edition(tmp_path / "ed")
    out = tmp_path / "out"
    first = build(folder, out, jobs=1)
    entries = sorted((out / ".cache" / "measure").iterdir())
    assert entries and all(p.suffix == ".json" for p in entries), entries
    for entry in entries:
        assert json.loads(entry.read_text(encoding="utf-8"))["format"].startswith("epaper")
    marker = tmp_path / "pwned"
    for entry in entries:  # each entry replaced by a pickle that would create the marker
        entry.write_bytes(pickle.dumps(Planted(marker)))
    (out / ".cache" / "measure" / "old.pickle").write_bytes(pickle.dumps(Planted(marker)))
    again = build(folder, out, jobs=1)
    assert not marker.exists(), "a planted pickle was executed"
    assert again.report["measure_cache"]["cached"] == 0
    notes = [w for w in again.warnings if ".cache" in w]
    assert notes and "never" in notes[0], again.warnings
    assert again.pdf_path.read_bytes() == first.pdf_path.read_bytes()
    third = build(folder, out, jobs=1)  # the bad entries were replaced by good ones
    assert third.report["measure_cache"]["cached"] == third.report["measure_cache"]["stories"]


def test_the_cache_is_bounded_and_evicts_the_oldest(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    now = time.time()
    for n in range(10):
        path = cache / f"{n:064x}.json"
        path.write_bytes(b"x" * 1000)
        os.utime(path, (now - 1000 + n, now - 1000 + n))  # entry 0 is the oldest
    measure.evict(cache, limit=4500)
    left = sorted(p.name for p in cache.iterdir())
    assert left == [f"{n:064x}.json" for n in range(6, 10)], left


def test_a_build_keeps_its_cache_under_the_bound(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    folder = small_edition(tmp_path / "ed")
    out = tmp_path / "out"
    build(folder, out, jobs=1)
    sizes = sorted(p.stat().st_size for p in (out / ".cache" / "measure").iterdir())
    monkeypatch.setattr(measure, "CACHE_LIMIT_BYTES", sizes[-1] + 1)
    build(folder, out, jobs=1, use_cache=True)
    assert sum(p.stat().st_size for p in (out / ".cache" / "measure").iterdir()) <= sizes[-1] + 1
