"""Pages rendered in small parts, each cached by a hash of its content.

A part is one page (or a few, ``render-part-pages`` in layout.toml) laid out as its own
WeasyPrint document. Its key hashes everything the PDF is made from: the part's HTML (its
plan, its stories' lines, the layout's templates), the shared stylesheet, the bytes of every
file it refers to (photos, fonts) and the versions of epaper and WeasyPrint. A part whose
key is in the cache is not rendered again: a rebuild after one story changes renders only
the pages that show it. The cache holds data only: each part's PDF bytes and a JSON note
beside it (the pages and the rendering warnings).
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
import re
from collections.abc import Callable, Sequence
from concurrent.futures import as_completed
from dataclasses import dataclass
from html import unescape as html_unescape
from pathlib import Path
from urllib.parse import unquote

from epaper import __version__
from epaper.files import write_atomic
from epaper.layout.paginate import Pages
from epaper.pages import Furniture, PageMaker
from epaper.render import weasy
from epaper.workers import can_fork, fork_pool

CACHE_LIMIT = 512 * 2**20  # bytes of parts kept; the least recently used go first
_FORMAT = "epaper-part-1"


@dataclass(frozen=True)
class Part:
    """Some consecutive pages as one PDF."""

    first: int  # index of its first page in the edition
    labels: tuple[str, ...]
    key: str
    pdf: bytes
    cached: bool  # taken from the cache (not rendered in this build)
    borrowed: frozenset[str] = frozenset()  # link targets that live in other parts


_ID = re.compile(r'\sid="([^"]+)"')
_HREF = re.compile(r'\shref="#([^"]+)"')


def _with_link_targets(html: str) -> tuple[str, frozenset[str]]:
    """WeasyPrint drops a link whose target is not in the document. A part's links to other
    parts ("Continued on A6") get an empty stand-in target on the part's last page; the join
    points them at the real one. The HTML, and the names stood in for."""
    missing = sorted(set(_HREF.findall(html)) - set(_ID.findall(html)))
    if not missing:
        return html, frozenset()
    end = html.rindex("</section>")
    stand_ins = "".join(f'<span id="{name}" class="link-target" '
                        'style="position: absolute; left: 0; top: 0"></span>'
                        for name in missing)
    return html[:end] + stand_ins + html[end:], frozenset(missing)


class PartCache:
    """Rendered parts under ``folder`` (``OUT/.cache/pages``): ``KEY.pdf`` and
    ``KEY.json``, at most ``limit`` bytes in all."""

    def __init__(self, folder: Path, limit: int = CACHE_LIMIT) -> None:
        self.folder = folder
        self.limit = limit

    def get(self, key: str) -> tuple[bytes, list[str]] | None:
        """The part's PDF and its warnings, or None (a damaged entry is a miss)."""
        try:
            note = json.loads((self.folder / f"{key}.json").read_text(encoding="utf-8"))
            data = (self.folder / f"{key}.pdf").read_bytes()
        except (OSError, ValueError):
            return None
        if not isinstance(note, dict) or note.get("format") != _FORMAT or \
                note.get("sha256") != hashlib.sha256(data).hexdigest():
            return None
        for suffix in (".pdf", ".json"):  # recently used: kept longest
            try:
                os.utime(self.folder / f"{key}{suffix}")
            except OSError:
                pass
        return data, [str(w) for w in note.get("warnings", [])]

    def put(self, key: str, data: bytes, labels: Sequence[str], warnings: Sequence[str]) -> None:
        """Store a part (a cache that cannot be written only costs time)."""
        note = {"format": _FORMAT, "pages": list(labels), "warnings": list(warnings),
                "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
        try:
            write_atomic(self.folder / f"{key}.pdf", data)
            write_atomic(self.folder / f"{key}.json",
                         (json.dumps(note, ensure_ascii=False) + "\n").encode("utf-8"))
        except OSError:
            pass

    def prune(self, keep: set[str]) -> int:
        """Drop the least recently used parts beyond the size limit, never those of
        ``keep`` (the current build's); the number of parts dropped."""
        try:
            files = [p for p in self.folder.iterdir() if p.suffix in (".pdf", ".json")]
        except OSError:
            return 0
        entries: dict[str, list[Path]] = {}
        for path in files:
            entries.setdefault(path.stem, []).append(path)

        def stat(path: Path) -> tuple[float, int]:
            try:
                st = path.stat()
            except OSError:
                return 0.0, 0
            return st.st_mtime, st.st_size

        sizes = {k: sum(stat(p)[1] for p in ps) for k, ps in entries.items()}
        total = sum(sizes.values())
        dropped = 0
        for key in sorted(entries, key=lambda k: (max(stat(p)[0] for p in entries[k]), k)):
            if total <= self.limit:
                break
            if key in keep:
                continue
            for path in entries[key]:
                path.unlink(missing_ok=True)
            total -= sizes[key]
            dropped += 1
        return dropped


_DIGESTS: dict[tuple[str, int, int], str] = {}
_URL = re.compile(r"file://([^\"')\s<>]+)")


def _file_digest(path: Path) -> str:
    try:
        st = path.stat()
    except OSError:
        return "missing"
    memo = (str(path), st.st_size, st.st_mtime_ns)
    if memo not in _DIGESTS:
        _DIGESTS[memo] = hashlib.sha256(path.read_bytes()).hexdigest()
    return _DIGESTS[memo]


def part_key(html: str, css: str) -> str:
    """The content hash of a part: its HTML, the stylesheet, the files both refer to, and
    the versions that render them."""
    digest = hashlib.sha256(f"{_FORMAT}\n{__version__}\n{weasy.VERSION}\n".encode())
    for text in (css, html):
        digest.update(hashlib.sha256(text.encode("utf-8")).digest())
    for url in sorted(set(_URL.findall(css)) | set(_URL.findall(html))):
        path = unquote(html_unescape(url).split("#")[0].split("?")[0])
        digest.update(f"{path}\n{_file_digest(Path(path))}\n".encode())
    return digest.hexdigest()


def chunks(count: int, size: int) -> list[range]:
    """Page ranges of at most ``size`` pages, of even length, covering ``count`` pages."""
    if count == 0:
        return []
    parts = -(-count // size)
    bounds = [round(k * count / parts) for k in range(parts + 1)]
    return [range(a, b) for a, b in zip(bounds, bounds[1:], strict=False)]


_JOB: tuple[PageMaker, Pages, weasy.Sandbox, Path, str, list[str], list[range]] | None = None


def _render_forked(n: int) -> tuple[bytes, list[str]]:
    """In a forked worker: part ``n`` of the job the parent set up (only the number crosses
    the process boundary; the rest is inherited memory)."""
    assert _JOB is not None
    maker, pages, sandbox, base, css, htmls, ranges = _JOB
    return _render(maker, pages, sandbox, base, css, htmls[n], ranges[n])


def _render(maker: PageMaker, pages: Pages, sandbox: weasy.Sandbox, base: Path, css: str,
            html: str, only: range) -> tuple[bytes, list[str]]:
    notes: list[str] = []
    rendered = maker.render_html(html, pages, only, sandbox, base, notes, css)
    data = weasy.write_pdf(rendered)
    del rendered
    gc.collect()  # a worker ends without collecting: WeasyPrint's font folder goes now
    return data, notes


def render_parts(maker: PageMaker, pages: Pages, sandbox: weasy.Sandbox, base: Path,
                 furniture: Furniture, warnings: list[str], jobs: int = 1,
                 cache: PartCache | None = None,
                 tick: Callable[[int, int], None] | None = None) -> list[Part]:
    """Every page of ``pages`` in parts: from the cache where the content is the same,
    the others rendered in ``jobs`` worker processes. The parts, and so the joined PDF, do
    not depend on ``jobs`` or on what the cache held. ``tick(pages done, pages)`` follows
    the parts as they are rendered."""
    assert maker.layout.pages is not None
    global _JOB
    ranges = chunks(len(pages.pages), maker.layout.pages.render_part_pages)
    views = maker.page_views(pages, furniture)
    css = maker.stylesheet()
    htmls, borrowed = [], []
    for r in ranges:
        html, names = _with_link_targets(
            maker.pages_html(views[r.start:r.stop], furniture, inline_css=False))
        htmls.append(html)
        borrowed.append(names)
    keys = [part_key(h, css) for h in htmls]
    found: dict[int, tuple[bytes, list[str]]] = {}
    if cache is not None:
        for n, key in enumerate(keys):
            hit = cache.get(key)
            if hit is not None:
                found[n] = hit
    todo = [n for n in range(len(ranges)) if n not in found]
    if todo:
        weasy.stylesheet(css, sandbox)  # parsed once, before forking: workers share it
    workers = min(jobs, len(todo))
    count = len(pages.pages)
    report = tick or (lambda done, total: None)
    done = sum(len(ranges[n]) for n in found)
    report(done, count)
    rendered: dict[int, tuple[bytes, list[str]]] = {}
    if workers > 1 and can_fork():
        _JOB = (maker, pages, sandbox, base, css, htmls, ranges)
        try:
            with fork_pool(workers) as pool:
                futures = {pool.submit(_render_forked, n): n for n in todo}
                for future in as_completed(futures):
                    n = futures[future]
                    rendered[n] = future.result()
                    done += len(ranges[n])
                    report(done, count)
        finally:
            _JOB = None
    else:
        for n in todo:
            rendered[n] = _render(maker, pages, sandbox, base, css, htmls[n], ranges[n])
            done += len(ranges[n])
            report(done, count)
    parts = []
    for n, r in enumerate(ranges):
        data, notes = found.get(n) or rendered[n]
        warnings.extend(notes)
        labels = tuple(pages.pages[i].label for i in r)
        if cache is not None and n in rendered:
            cache.put(keys[n], data, labels, notes)
        parts.append(Part(r.start, labels, keys[n], data, n in found, borrowed[n]))
    if cache is not None:
        cache.prune(set(keys))
    return parts
