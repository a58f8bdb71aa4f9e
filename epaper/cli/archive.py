"""The archive commands: ``serve`` (the reading room) and ``archive add|search|show|list|
reindex|verify``."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from epaper.cli.app import HELP, app, epilog, fail
from epaper.errors import EpaperError


@app.command("serve", epilog=epilog("epaper serve --archive archive",
                                    "epaper serve --archive archive --port 8080"))
def serve_command(
    archive: Annotated[Path | None, typer.Option("--archive", "-a", help="The archive "
                                                 "folder (default: $EPAPER_ARCHIVE or "
                                                 "./archive).")] = None,
    host: Annotated[str, typer.Option("--host", help="Address to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535)] = 8000,
) -> None:
    """A reading room over the archive: every edition in the viewer, and search."""
    from epaper.archive.store import default_root
    from epaper.web.serve import serve

    root = archive or default_root()
    if not (root / "index.sqlite").is_file():
        fail(EpaperError(f"no archive at {root}: add an edition first "
                         "(epaper archive add, or build --archive)"))
    typer.echo(f"epaper: reading room on http://{host}:{port}/ (Ctrl-C to stop)", err=True)
    serve(root, host, port)


archive_app = typer.Typer(help="The edition archive: add, search, show, list, verify.",
                          no_args_is_help=True, context_settings=HELP, rich_markup_mode=None,
                          epilog=epilog("epaper archive add out/the-harbor-courier-2026-11-30"
                                        ".pdf", "epaper archive search ferry --json"))
app.add_typer(archive_app, name="archive")
ArchiveOption = Annotated[Path | None, typer.Option(
    "--archive", "-a", help="The archive folder (default: $EPAPER_ARCHIVE or ./archive).")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]


def _archive(path: Path | None):  # type: ignore[no-untyped-def]
    from epaper.archive.store import Archive, default_root

    return Archive(path or default_root())


@archive_app.command("add", epilog=epilog(
    "epaper archive add out/the-harbor-courier-2026-11-30.pdf",
    "epaper archive add out/ --archive /srv/archive --json"))
def archive_add(
    edition: Annotated[Path, typer.Argument(help="An edition PDF, or its build folder.")],
    archive: ArchiveOption = None,
    as_json: JsonOption = False,
) -> None:
    """Store a built edition as PDF/A-3b with its sources (a no-op if already there)."""
    try:
        added = _archive(archive).add(edition)
    except EpaperError as exc:
        fail(exc, as_json)
        return
    if as_json:
        typer.echo(json.dumps({"pdf": str(added.pdf), "new": added.new}, ensure_ascii=False))
        return
    typer.echo(f"{added.pdf}" + ("" if added.new else " (already archived: its missing files "
                                 "were restored)" if added.restored else
                                 " (already archived: nothing to do)"))


@archive_app.command("search", epilog=epilog(
    'epaper archive search "ferry contract" --from 2026-01-01 --section national',
    "epaper archive search 야시장 --json"))
def archive_search(
    query: Annotated[str, typer.Argument(help="Words to find (Korean works too).")],
    date_from: Annotated[str | None, typer.Option("--from", help="From YYYY-MM-DD.")] = None,
    date_to: Annotated[str | None, typer.Option("--to", help="To YYYY-MM-DD.")] = None,
    section: Annotated[str | None, typer.Option("--section", help="Only stories of this "
                                                                 "section id (national…).")
                       ] = None,
    byline: Annotated[str | None, typer.Option("--byline", help="Only stories whose byline "
                                                               "has these words.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the hits as a JSON list "
                                                         "(date, page, headline, snippet…).")
                       ] = False,
    archive: ArchiveOption = None,
) -> None:
    """Stories ranked by relevance, with date, page label and a snippet (exit 6: none)."""
    try:
        hits = _archive(archive).search(query, date_from=date_from, date_to=date_to,
                                        section=section, byline=byline)
    except EpaperError as exc:
        fail(exc, as_json)
        return
    if as_json:
        typer.echo(json.dumps([h.__dict__ for h in hits], ensure_ascii=False, indent=2))
        return
    for h in hits:
        typer.echo(f"{h.date} {h.page:>4}  {h.headline}  [{h.slug} #{h.story_id}]")
        typer.echo(f"      {h.snippet}")
    if not hits:
        typer.echo("no stories found", err=True)


@archive_app.command("show", epilog=epilog(
    "epaper archive show harbor-piers --date 2026-11-30 -o story.pdf",
    "epaper archive show 42 -o - > story.pdf     # the PDF on stdout"))
def archive_show(
    story: Annotated[str, typer.Argument(help="A story slug or id.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="PDF to write (- for "
                                                                "stdout).")],
    day: Annotated[str | None, typer.Option("--date", help="The edition's date.")] = None,
    archive: ArchiveOption = None,
    as_json: JsonOption = False,
) -> None:
    """Extract the pages of one story to a PDF."""
    try:
        if str(output) == "-":
            row, data = _archive(archive).story_pdf(story, day)
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
            return
        row, out = _archive(archive).show(story, day, output)
    except EpaperError as exc:
        fail(exc, as_json)
        return
    if as_json:
        typer.echo(json.dumps({"pdf": str(out), "headline": row["headline"],
                               "date": row["date"], "pages": row["pages"]},
                              ensure_ascii=False, indent=2))
        return
    typer.echo(f"{out}: {row['headline']} ({row['date']}, pages {row['pages']})")


@archive_app.command("list", epilog=epilog("epaper archive list",
                                           "epaper archive list --archive /srv/archive --json"))
def archive_list(archive: ArchiveOption = None, as_json: JsonOption = False) -> None:
    """Every archived edition and revision."""
    try:
        rows = _archive(archive).editions()
    except EpaperError as exc:
        fail(exc, as_json)
        return
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for r in rows:
        typer.echo(f"{r['date']}  {r['slug']}  r{r['revision']}  {r['pages']} pages  {r['pdf']}")


@archive_app.command("reindex", epilog=epilog("epaper archive reindex",
                                              "epaper archive reindex -a archive --json"))
def archive_reindex(archive: ArchiveOption = None, as_json: JsonOption = False) -> None:
    """Rebuild a damaged or lost index from the archived PDFs (they carry their reports)."""
    try:
        count, skipped = _archive(archive).reindex()
    except EpaperError as exc:
        fail(exc, as_json)
        return
    if as_json:
        typer.echo(json.dumps({"editions": count, "skipped": list(skipped)},
                              ensure_ascii=False, indent=2))
        return
    for line in skipped:
        typer.echo(f"skipped: {line}", err=True)
    typer.echo(f"index rebuilt: {count} edition{'s' if count != 1 else ''}")


@archive_app.command("verify", epilog=epilog("epaper archive verify",
                                             "epaper archive verify --json"))
def archive_verify(archive: ArchiveOption = None, as_json: JsonOption = False) -> None:
    """Re-hash every file and open every PDF; exit 6 if anything is wrong."""
    try:
        problems = _archive(archive).verify()
    except EpaperError as exc:
        fail(exc, as_json)
        return
    if as_json:
        typer.echo(json.dumps({"ok": not problems, "problems": problems}, ensure_ascii=False,
                              indent=2))
    else:
        for problem in problems:
            typer.echo(problem, err=True)
    if problems:
        raise typer.Exit(6)
    if not as_json:
        typer.echo("archive OK")
