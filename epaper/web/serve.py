"""``epaper serve``: a reading room over an archive. Starlette app, run by uvicorn.

    /                         the archived editions, by month
    /search?q=…               search across all editions (the archive's FTS5 index)
    /e/<slug>/<date>/…        an edition's e-paper (the viewer); a hit opens
                              index.html#/<page>/<story>, the story highlighted on its page

The e-paper of an archived edition is made on its first view, from the archived PDF/A and
the sources embedded in it, into ``ARCHIVE/web/<slug>/<date>[.rN]/`` (a cache: delete it
at will; `archive verify` does not look at it). Only files under that folder are served:
no path leaves it, and no folder is listed."""

from __future__ import annotations

import tempfile
import threading
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, PlainTextResponse, Response
from starlette.routing import Route

from epaper import l10n
from epaper import pdf as pdftools
from epaper.archive.store import Archive
from epaper.errors import EpaperError
from epaper.web.make import HERE, make_web
from epaper.web.words import words

_LOCK = threading.Lock()


def _env() -> Environment:
    return Environment(loader=FileSystemLoader(HERE / "templates"),
                       autoescape=select_autoescape(["html", "j2"]))


def _current(archive: Archive) -> list[dict[str, object]]:
    """The newest revision of each archived edition, newest first."""
    newest: dict[tuple[str, str], dict[str, object]] = {}
    for row in archive.editions():
        newest[(str(row["slug"]), str(row["date"]))] = row
    return sorted(newest.values(), key=lambda r: (str(r["date"]), str(r["slug"])),
                  reverse=True)


def edition_folder(archive: Archive, slug: str, day: str) -> Path | None:
    """The e-paper folder of an archived edition, made on first use; None if unknown."""
    row = next((r for r in _current(archive) if r["slug"] == slug and r["date"] == day), None)
    if row is None:
        return None
    rev = int(row["revision"])  # type: ignore[call-overload]
    folder = archive.root / "web" / slug / (day if rev == 1 else f"{day}.r{rev}")
    if (folder / "index.html").is_file():
        return folder
    with _LOCK:
        if (folder / "index.html").is_file():
            return folder
        pdf = archive.root / str(row["pdf"])
        with tempfile.TemporaryDirectory(prefix="epaper-sources-") as tmp:
            for name, data in pdftools.attachments(pdf.read_bytes()).items():
                if name.startswith("sources/") and ".." not in Path(name).parts:
                    target = Path(tmp) / name.removeprefix("sources/")
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(data)
            make_web(pdf, source=Path(tmp), folder=folder)
    return folder


def create_app(root: Path) -> Starlette:
    """The reading room over the archive at ``root``."""
    archive = Archive(root)
    env = _env()

    def page(template: str, **values: object) -> HTMLResponse:
        return HTMLResponse(env.get_template(template).render(**values))

    async def home(request: Request) -> Response:
        editions = _current(archive)
        months: dict[str, list[dict[str, object]]] = {}
        for row in editions:
            months.setdefault(str(row["date"])[:7], []).append(row)
        locale = str(editions[0]["locale"]) if editions else "en_US"
        return page("room.html.j2", months=months, words=words(locale), query="", hits=None,
                    lang=l10n.locale(locale).language, long_date=_long_date)

    async def search(request: Request) -> Response:
        query = request.query_params.get("q", "").strip()
        editions = _current(archive)
        locale = str(editions[0]["locale"]) if editions else "en_US"
        hits = []
        if query:
            slug_of = {(str(r["date"]), str(r["title"])): str(r["slug"]) for r in editions}
            for hit in archive.search(query, limit=50):
                slug = slug_of.get((hit.date, hit.title))
                if slug:
                    hits.append((hit, f"/e/{slug}/{hit.date}/index.html#/{hit.page}/{hit.slug}"))
        return page("room.html.j2", months={}, words=words(locale), query=query, hits=hits,
                    lang=l10n.locale(locale).language, long_date=_long_date)

    async def files(request: Request) -> Response:
        slug, day = request.path_params["slug"], request.path_params["day"]
        rel = request.path_params.get("path", "") or "index.html"
        if "\x00" in rel or rel.startswith("/") or ".." in Path(rel).parts:
            return PlainTextResponse("not found", 404)
        try:
            folder = edition_folder(archive, slug, day)
        except EpaperError as exc:
            return PlainTextResponse(f"this edition cannot be shown: {exc}", 500)
        if folder is None:
            return PlainTextResponse("no such edition in the archive", 404)
        target = (folder / rel).resolve()
        if not target.is_relative_to(folder.resolve()) or not target.is_file():
            return PlainTextResponse("not found", 404)
        return FileResponse(target)

    return Starlette(routes=[
        Route("/", home),
        Route("/search", search),
        Route("/e/{slug}/{day}/", files),
        Route("/e/{slug}/{day}/{path:path}", files),
    ])


def _long_date(iso: str, locale: str) -> str:
    from datetime import date

    return l10n.long_date(date.fromisoformat(iso), locale)


def serve(root: Path, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Run the reading room until interrupted."""
    import uvicorn

    uvicorn.run(create_app(root), host=host, port=port, log_level="warning")
