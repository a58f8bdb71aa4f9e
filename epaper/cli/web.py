"""The ``web`` command: the e-paper of a built edition."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from epaper.cli.app import app, epilog, fail
from epaper.errors import EpaperError


@app.command("web", epilog=epilog(
    "epaper web out/the-harbor-courier-2026-11-30.pdf",
    "epaper web out/the-harbor-courier-2026-11-30.pdf --out-dir site --json"))
def web_command(
    pdf: Annotated[Path, typer.Argument(help="An edition PDF built by `epaper build` "
                                             "(its .report.json beside it).")],
    out_dir: Annotated[Path | None, typer.Option("--out-dir", "-o", help="Write OUT/web/… "
                                                 "here (default: the PDF's folder).")] = None,
    source: Annotated[Path | None, typer.Option("--source", help="The edition folder, when "
                                                "it moved since the build.")] = None,
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=1, help="Threads encoding "
                                                                  "images.")] = 2,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON summary.")] = False,
) -> None:
    """Write the e-paper of a built edition: page images, story links, an article view,
    search, ALTO and METS, in OUT/web/<title>/<date>/ (static files, no server needed)."""
    from epaper.web.make import make_web

    try:
        result = make_web(pdf, out_dir, source, jobs)
    except EpaperError as exc:
        fail(exc, as_json)
        return
    if as_json:
        typer.echo(json.dumps({"index": str(result.folder / "index.html"),
                               "pages": result.pages, "stories": result.stories,
                               "zoom_bytes": list(result.zoom_bytes),
                               "total_bytes": result.total_bytes,
                               "seconds": round(result.seconds, 3)}, indent=2))
    else:
        typer.echo(str(result.folder / "index.html"))
