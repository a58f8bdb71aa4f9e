"""Measuring an edition's stories: cached by content, spread over worker processes.

A story's measurements depend only on its file, its photos, the layout, the fonts and the
versions of epaper and WeasyPrint. They are cached under that hash, so a rebuild after one
story changes measures that story alone.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import pickle
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

from epaper import __version__
from epaper.files import write_atomic
from epaper.layout.grid import Layout
from epaper.layout.measured import StoryMeasure
from epaper.model import Article
from epaper.render import weasy
from epaper.typeset import Typesetter

_CACHE_FORMAT = b"epaper-measure-2\n"  # 2: composed lines (epaper.compose)


@cache
def _folder_hash(folders: tuple[Path, ...]) -> str:
    digest = hashlib.sha256()
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                digest.update(str(path.relative_to(folder)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def environment_key(typesetter: Typesetter, spans: Sequence[int]) -> str:
    """Everything besides the article that measurements depend on."""
    fonts = sorted(f"{f.path}:{f.path.stat().st_size}:{f.family}:{f.weight}:{f.style}"
                   for f in typesetter.fonts.faces)
    parts = [__version__, weasy.VERSION, _folder_hash(tuple(typesetter.layout.folders)),
             *fonts, ",".join(map(str, sorted(spans)))]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def story_key(article: Article, environment: str) -> str:
    """The cache key of one story: its file, its photos, where it lives, the environment."""
    digest = hashlib.sha256(environment.encode())
    digest.update(str(article.path.resolve()).encode())
    digest.update(f"lang={article.lang}:{article.region}".encode())  # the edition's locale
    digest.update(article.path.read_bytes())
    for image in article.images:
        digest.update(image.path.read_bytes())
    for block in article.body:
        path = getattr(block, "path", None)
        if isinstance(path, Path):
            digest.update(path.read_bytes())
    return digest.hexdigest()


@dataclass(frozen=True)
class MeasureStats:
    stories: int
    cached: int
    workers: int


# -- worker processes ----------------------------------------------------------------------

_WORKER: Typesetter | None = None


def _init_worker(layout: Layout) -> None:
    global _WORKER
    _WORKER = Typesetter(layout)


def _measure_chunk(articles: list[Article], spans: list[int], folders: list[Path],
                   base: Path) -> tuple[list[StoryMeasure], list[str]]:
    assert _WORKER is not None
    warnings: list[str] = []
    sandbox = _WORKER.sandbox(folders)
    return _WORKER.measure(articles, spans, sandbox, base, warnings), warnings


def measure_stories(typesetter: Typesetter, articles: Sequence[Article], spans: Sequence[int],
                    folders: Sequence[Path], base: Path, jobs: int = 1,
                    cache_dir: Path | None = None,
                    warnings: list[str] | None = None) -> tuple[list[StoryMeasure],
                                                                MeasureStats]:
    """Measurements of every article, from the cache where possible, the rest measured in
    ``jobs`` worker processes (one WeasyPrint pass per worker)."""
    environment = environment_key(typesetter, spans)
    keys = [story_key(a, environment) for a in articles]
    found: dict[int, StoryMeasure] = {}
    if cache_dir is not None:
        for n, key in enumerate(keys):
            hit = _load(cache_dir / f"{key}.pickle")
            if hit is not None:
                found[n] = replace(hit, article=articles[n])
    todo = [n for n in range(len(articles)) if n not in found]
    workers = max(1, min(jobs, len(todo) // 4))  # a worker costs a process start
    if todo and workers > 1 and "fork" in multiprocessing.get_all_start_methods():
        chunks = [todo[k::workers] for k in range(workers)]
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(workers, mp_context=context, initializer=_init_worker,
                                 initargs=(typesetter.layout,)) as pool:
            futures = [pool.submit(_measure_chunk, [articles[n] for n in chunk], list(spans),
                                   list(folders), base) for chunk in chunks]
            for chunk, future in zip(chunks, futures, strict=True):
                measured, notes = future.result()
                if warnings is not None:
                    warnings.extend(notes)
                for n, m in zip(chunk, measured, strict=True):
                    found[n] = replace(m, article=articles[n])
    elif todo:
        sandbox = typesetter.sandbox(folders)
        measured = typesetter.measure([articles[n] for n in todo], spans, sandbox, base,
                                      warnings)
        found.update(zip(todo, measured, strict=True))
    if cache_dir is not None:
        for n in todo:
            _store(cache_dir / f"{keys[n]}.pickle", found[n])
    return [found[n] for n in range(len(articles))], MeasureStats(
        len(articles), len(articles) - len(todo), workers if todo else 0)


def _load(path: Path) -> StoryMeasure | None:
    """A cached measurement (our own files, written by ``_store``), or None."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    if not data.startswith(_CACHE_FORMAT):
        return None
    try:
        value = pickle.loads(data[len(_CACHE_FORMAT):])  # noqa: S301 - our own cache files
    except Exception:  # a damaged cache entry is only a miss
        return None
    return value if isinstance(value, StoryMeasure) else None


def _store(path: Path, measure: StoryMeasure) -> None:
    try:
        write_atomic(path, _CACHE_FORMAT + pickle.dumps(measure, protocol=5))
    except OSError:
        pass  # a cache that cannot be written only costs time


def default_jobs() -> int:
    """The machine's cores."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (
        os.cpu_count() or 1)
