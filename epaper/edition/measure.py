"""Measuring an edition's stories: cached by content, spread over worker processes.

A story's measurements depend only on its file, its photos, the layout, the fonts and the
versions of epaper and WeasyPrint. They are cached under that hash, so a rebuild after one
story changes measures that story alone.
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
from collections.abc import Callable, Sequence
from concurrent.futures import as_completed
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

from epaper import __version__
from epaper.files import write_atomic
from epaper.layout.compose import story_parts
from epaper.layout.galley import Box, Galley, Item, Line
from epaper.layout.grid import Layout
from epaper.layout.measured import StoryMeasure
from epaper.model import Article
from epaper.render import weasy
from epaper.typeset import Typesetter
from epaper.workers import can_fork, fork_pool

_CACHE_FORMAT = "epaper-measure-3"  # 3: composed lines (epaper.compose)
BATCH_STORIES = 12  # stories per WeasyPrint measuring pass (each pass costs ~0.1-0.4 s)
CACHE_LIMIT_BYTES = 64 * 2**20  # entries are a few kB: thousands of stories


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
    measured = _WORKER.measure(articles, spans, sandbox, base, warnings)
    gc.collect()  # a worker ends without collecting: WeasyPrint's font folder goes now
    return measured, warnings


def measure_stories(typesetter: Typesetter, articles: Sequence[Article], spans: Sequence[int],
                    folders: Sequence[Path], base: Path, jobs: int = 1,
                    cache_dir: Path | None = None,
                    warnings: list[str] | None = None,
                    tick: Callable[[int, int], None] | None = None,
                    ) -> tuple[list[StoryMeasure], MeasureStats]:
    """Measurements of every article, from the cache where possible, the rest measured in
    batches (one WeasyPrint pass each) in ``jobs`` worker processes. ``tick(done, total)``
    is called as batches of stories are measured."""
    environment = environment_key(typesetter, spans)
    keys = [story_key(a, environment) for a in articles]
    found: dict[int, StoryMeasure] = {}
    bad: list[Path] = []
    if cache_dir is not None:
        for n, key in enumerate(keys):
            hit = _load(cache_dir, key, articles[n], bad)
            if hit is not None:
                found[n] = hit
        bad += sorted(p for p in cache_dir.glob("*") if p.is_file() and p.suffix != ".json"
                      and not p.name.startswith("."))
        if bad and warnings is not None:
            warnings.append(f"{cache_dir}: {len(bad)} file(s) are not measure cache entries "
                            f"({', '.join(p.name for p in bad[:3])}…): never read as code, "
                            "measured afresh — remove them; only epaper should write there")
    todo = [n for n in range(len(articles)) if n not in found]
    workers = max(1, min(jobs, len(todo) // 4))  # a worker costs a process start
    # stories are measured in batches, so that the progress moves while they are
    batch = max(4, min(BATCH_STORIES, -(-len(todo) // workers)))
    chunks = [todo[i:i + batch] for i in range(0, len(todo), batch)]
    notes: dict[int, list[str]] = {}
    done = 0

    def finished(k: int, measured: list[StoryMeasure], chunk_notes: list[str]) -> None:
        nonlocal done
        notes[k] = chunk_notes
        for n, m in zip(chunks[k], measured, strict=True):
            found[n] = replace(m, article=articles[n])
        done += len(chunks[k])
        if tick is not None:
            tick(done, len(todo))

    if todo and workers > 1 and can_fork():
        with fork_pool(workers, _init_worker, (typesetter.layout,)) as pool:
            futures = {pool.submit(_measure_chunk, [articles[n] for n in chunk], list(spans),
                                   list(folders), base): k for k, chunk in enumerate(chunks)}
            for future in as_completed(futures):
                finished(futures[future], *future.result())
    elif todo:
        sandbox = typesetter.sandbox(folders)
        for k, chunk in enumerate(chunks):
            chunk_notes: list[str] = []
            finished(k, typesetter.measure([articles[n] for n in chunk], spans, sandbox, base,
                                           chunk_notes), chunk_notes)
    if warnings is not None:
        warnings.extend(w for k in sorted(notes) for w in notes[k])
    if cache_dir is not None:
        for n in todo:
            _store(cache_dir, keys[n], found[n])
        evict(cache_dir)
    return [found[n] for n in range(len(articles))], MeasureStats(
        len(articles), len(articles) - len(todo), workers if todo else 0)


def _line(line: Line) -> list[object]:
    return ["L", line.block, line.start, line.end, line.height, line.hyphen, line.first,
            line.last, line.letter_spacing, line.word_spacing, line.planned, line.space_ratio,
            line.break_kind]


def _unline(item: list[object]) -> Line:
    _, block, start, end, height, hyphen, first, last, ls, ws, planned, ratio, kind = item
    return Line(int(block), int(start), int(end), float(height), bool(hyphen),  # type: ignore[arg-type]
                bool(first), bool(last), float(ls), float(ws), float(planned),  # type: ignore[arg-type]
                float(ratio), str(kind))  # type: ignore[arg-type]


def _encode(measure: StoryMeasure, key: str) -> bytes:
    """A cache entry as JSON: the galley and the depths (the article and its flow are
    known from the article itself). Data only: reading it never runs code."""
    galley = measure.galley
    items = [_line(i) if isinstance(i, Line) else ["B", i.block, i.height, i.natural, i.floats,
                                                   i.keep_lines] for i in galley.items]
    alternatives = {str(block): {str(change): [_line(x) for x in lines]
                                 for change, lines in options.items()}
                    for block, options in galley.alternatives.items()}
    entry = {"format": _CACHE_FORMAT, "key": key, "lang": measure.lang,
             "pitch": galley.pitch, "breaker": galley.breaker,
             "emergency": list(galley.emergency), "alternatives": alternatives, "items": items,
             "heads": measure.heads, "jump_heads": measure.jump_heads, "leads": measure.leads}
    return json.dumps(entry, separators=(",", ":")).encode("utf-8")


def _decode(data: bytes, key: str, article: Article) -> StoryMeasure:
    """The measure of ``article`` from a cache entry; ValueError if it is not a valid one."""
    try:
        entry = json.loads(data.decode("utf-8"))
        if entry["format"] != _CACHE_FORMAT or entry["key"] != key:
            raise ValueError("another format or key")
        parts = story_parts(article)
        items: list[Item] = []
        for item in entry["items"]:
            if item[0] == "L":
                items.append(_unline(item))
            elif item[0] == "B":
                _, block, height, natural, floats, keep = item
                items.append(Box(int(block), float(height), float(natural), bool(floats),
                                 int(keep)))
            else:
                raise ValueError("unknown item")
            if not 0 <= items[-1].block < len(parts.flow):
                raise ValueError("block out of range")
        alternatives = {int(block): {int(change): tuple(_unline(x) for x in lines)
                                     for change, lines in options.items()}
                        for block, options in entry["alternatives"].items()}
        galley = Galley(tuple(items), float(entry["pitch"]), str(entry["breaker"]),
                        tuple(int(x) for x in entry["emergency"]), alternatives)

        def depths(name: str) -> dict[int, float]:
            return {int(k): float(v) for k, v in entry[name].items()}

        return StoryMeasure(article, parts, galley, str(entry["lang"]), depths("heads"),
                            depths("jump_heads"), depths("leads"))
    except (KeyError, TypeError, ValueError, AttributeError, UnicodeDecodeError) as exc:
        raise ValueError(str(exc)) from None


def _load(cache_dir: Path, key: str, article: Article, bad: list[Path]) -> StoryMeasure | None:
    """A cached measurement, or None (a miss). An entry that is not one of ours is noted
    in ``bad``: it is never run, only measured over."""
    path = cache_dir / f"{key}.json"
    try:
        data = path.read_bytes()
    except OSError:
        return None
    try:
        measure = _decode(data, key, article)
    except ValueError:
        bad.append(path)
        return None
    try:
        os.utime(path)  # recently used: evicted last
    except OSError:
        pass
    return measure


def _store(cache_dir: Path, key: str, measure: StoryMeasure) -> None:
    try:
        write_atomic(cache_dir / f"{key}.json", _encode(measure, key))
    except OSError:
        pass  # a cache that cannot be written only costs time


def evict(cache_dir: Path, limit: int | None = None) -> None:
    """Remove the least recently used entries until the cache holds at most ``limit``
    bytes (default :data:`CACHE_LIMIT_BYTES`)."""
    limit = CACHE_LIMIT_BYTES if limit is None else limit
    try:
        entries = [(p.stat().st_mtime, p.name, p) for p in cache_dir.glob("*.json")]
    except OSError:
        return
    total = sum(p.stat().st_size for _, _, p in entries)
    for _, _, path in sorted(entries):
        if total <= limit:
            break
        size = path.stat().st_size
        path.unlink(missing_ok=True)
        total -= size


def default_jobs() -> int:
    """The machine's cores."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (
        os.cpu_count() or 1)
