"""The ``epaper`` command line (the only module that imports typer)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from epaper import __version__
from epaper.errors import EpaperError, InputErrors

app = typer.Typer(
    name="epaper",
    help="Set newsroom articles in newspaper columns and render print-ready PDFs.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _fail(exc: EpaperError) -> None:
    problems = exc.problems if isinstance(exc, InputErrors) else None
    if problems:
        typer.echo(f"epaper: {len(problems)} problem{'s' if len(problems) != 1 else ''}:",
                   err=True)
        for problem in problems:
            typer.echo(f"  {problem}", err=True)
    else:
        typer.echo(f"epaper: {exc}", err=True)
    raise typer.Exit(exc.exit_code)


def _versions() -> str:
    from epaper.render.fonts import load_fonts
    from epaper.render.weasy import VERSION

    lines = [f"epaper {__version__}", f"WeasyPrint {VERSION}",
             f"Python {sys.version.split()[0]}"]
    try:
        for name, version in load_fonts().versions().items():
            lines.append(f"font {name}: {version}")
    except EpaperError as exc:
        lines.append(f"fonts: {exc}")
    return "\n".join(lines)


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(_versions())
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[bool, typer.Option("--version", callback=_version_callback,
                                          is_eager=True,
                                          help="Print versions of epaper, WeasyPrint, fonts."
                                          )] = False,
) -> None:
    """epaper: newsroom articles to newspaper pages."""


@app.command()
def preview(
    article: Annotated[Path, typer.Argument(help="The article file (.md).")],
    columns: Annotated[int | None, typer.Option("--columns", "-c",
                                                help="Story width in columns "
                                                     "(default: the layout's).")] = None,
    depth: Annotated[str | None, typer.Option(
        "--depth", "-d", help="Set into exactly this depth: a length (180mm) for the whole "
                              "story, or body lines per column (120lines).")] = None,
    output: Annotated[Path | None, typer.Option("-o", "--output",
                                                help="PDF to write (default: "
                                                     "<slug>.preview.pdf).")] = None,
    png: Annotated[Path | None, typer.Option("--png", help="Also write a PNG proof.")] = None,
    layout: Annotated[str, typer.Option("--layout", help="Layout name or folder.")
                      ] = "broadsheet",
    as_json: Annotated[bool, typer.Option("--json", help="Print the copyfit as JSON.")
                       ] = False,
) -> None:
    """Set one article in columns: a print proof (PDF/PNG) and its copyfit."""
    from epaper.preview import preview as run_preview

    try:
        out = output or Path(f"{article.stem}.preview.pdf")
        result = run_preview(article, columns, depth, layout, out, png)
    except EpaperError as exc:
        _fail(exc)
        return
    report = result.report()
    report["pdf"] = str(out)
    if png:
        report["png"] = str(png)
    if as_json:
        typer.echo(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        cf = result.story.copyfit
        if cf.fits:
            state = (f"{cf.underset_lines} line{'s' if cf.underset_lines != 1 else ''} short"
                     if cf.underset_lines else "fits to the line")
        else:
            state = (f"{cf.overset_lines} line{'s' if cf.overset_lines != 1 else ''} OVER "
                     f"({cf.overset_words} words overset)")
        typer.echo(f"{out}: {cf.columns} col × {cf.depth_mm} mm, {cf.lines} lines in "
                   f"{cf.lines_available}: {state}; {cf.words} words, {cf.characters} chars")
        if png:
            typer.echo(f"{png}: proof image")
    for warning in result.warnings:
        typer.echo(f"warning: {warning}", err=True)


@app.command()
def check(
    articles: Annotated[list[Path], typer.Argument(help="Article files to validate.")],
) -> None:
    """Validate article files without rendering: every problem of every file."""
    from epaper.ingest import check_articles
    from epaper.render.fonts import load_fonts
    from epaper.typeset import font_problems

    try:
        found = check_articles(articles)
        fonts = load_fonts()
        problems = [p for a in found for p in font_problems(a, fonts)]
        if problems:
            raise InputErrors(problems)
    except EpaperError as exc:
        _fail(exc)
        return
    for article in found:
        for warning in article.warnings:
            typer.echo(f"warning: {warning}", err=True)
    typer.echo(f"{len(found)} article{'s' if len(found) != 1 else ''} OK")


@app.command()
def build(
    edition: Annotated[Path, typer.Argument(help="The edition folder (edition.toml, "
                                                 "articles/, images/).")],
    out_dir: Annotated[Path | None, typer.Option("--out-dir", "-o",
                                                 help="Where to write (default: "
                                                      "EDITION/out).")] = None,
    day: Annotated[str | None, typer.Option("--date", help="YYYY-MM-DD, today or tomorrow "
                                                          "(in the publication's time zone)."
                                            )] = None,
    locale: Annotated[str | None, typer.Option("--locale", help="Babel locale, e.g. en_US, "
                                                                "ko_KR.")] = None,
    jobs: Annotated[int | None, typer.Option("--jobs", "-j", min=1,
                                             help="Worker processes (default: the cores)."
                                             )] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Measure every story afresh."
                                           )] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON summary, no "
                                                         "progress.")] = False,
    strict: Annotated[bool, typer.Option("--strict", help="Fail on overset or warnings, "
                                                          "writing nothing.")] = False,
    archive: Annotated[Path | None, typer.Option("--archive", help="Also store the edition "
                                                 "(PDF/A with its sources) in this archive."
                                                 )] = None,
) -> None:
    """Build a dated edition: one PDF and a JSON report."""
    from epaper.edition.build import STEPS
    from epaper.edition.build import build as run_build

    progress, finish = _progress(STEPS, enabled=not as_json and sys.stderr.isatty())
    try:
        result = run_build(edition, out_dir, day, locale, jobs, not no_cache, strict, progress,
                           archival=archive is not None)
        added = None
        if archive is not None:
            from epaper.archive.store import Archive

            assert result.archival_pdf is not None
            added = Archive(archive).add_built(result.archival_pdf, result.report)
    except EpaperError as exc:
        finish()
        _fail(exc)
        return
    finish()
    if added is not None and not as_json:
        typer.echo(f"archived: {added.pdf}" + ("" if added.new else " (already there)"),
                   err=True)
    edition_info = result.report["edition"]
    if as_json:
        typer.echo(json.dumps({"pdf": str(result.pdf_path), "report": str(result.report_path),
                               "edition": edition_info, "summary": result.report["summary"],
                               "warnings": result.warnings},
                              ensure_ascii=False, indent=2))
    else:
        from epaper.edition.booking import fill_lines

        for line in fill_lines(result.report):
            typer.echo(line, err=True)
        for warning in result.warnings:
            typer.echo(f"warning: {warning}", err=True)
        typer.echo(str(result.pdf_path))
        typer.echo(str(result.report_path))


def _progress(total: int, enabled: bool):  # type: ignore[no-untyped-def]
    """A rich progress bar on a terminal ("Step 3/6 – Placing …"); silence otherwise."""
    if not enabled:
        return (lambda n, label: None), (lambda: None)
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    bar = Progress(TextColumn("[bold]Step {task.fields[step]}/{task.total}[/] {task.description}"),
                   BarColumn(), TimeElapsedColumn(), transient=False)
    task = bar.add_task("Starting", total=total, step=0)
    bar.start()

    def advance(n: int, label: str) -> None:
        bar.update(task, completed=n - 1, description=label, step=n)

    def finish() -> None:
        bar.update(task, completed=total)
        bar.stop()

    return advance, finish


archive_app = typer.Typer(help="The edition archive: add, search, show, list, verify.",
                          no_args_is_help=True)
app.add_typer(archive_app, name="archive")
ArchiveOption = Annotated[Path | None, typer.Option(
    "--archive", "-a", help="The archive folder (default: $EPAPER_ARCHIVE or ./archive).")]


def _archive(path: Path | None):  # type: ignore[no-untyped-def]
    from epaper.archive.store import Archive, default_root

    return Archive(path or default_root())


@archive_app.command("add")
def archive_add(
    edition: Annotated[Path, typer.Argument(help="An edition PDF, or its build folder.")],
    archive: ArchiveOption = None,
) -> None:
    """Store a built edition as PDF/A-3b with its sources (a no-op if already there)."""
    try:
        added = _archive(archive).add(edition)
    except EpaperError as exc:
        _fail(exc)
        return
    typer.echo(f"{added.pdf}" + ("" if added.new else " (already archived: nothing to do)"))


@archive_app.command("search")
def archive_search(
    query: Annotated[str, typer.Argument(help="Words to find (Korean works too).")],
    date_from: Annotated[str | None, typer.Option("--from", help="From YYYY-MM-DD.")] = None,
    date_to: Annotated[str | None, typer.Option("--to", help="To YYYY-MM-DD.")] = None,
    section: Annotated[str | None, typer.Option("--section")] = None,
    byline: Annotated[str | None, typer.Option("--byline")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    archive: ArchiveOption = None,
) -> None:
    """Stories ranked by relevance, with date, page label and a snippet."""
    try:
        hits = _archive(archive).search(query, date_from=date_from, date_to=date_to,
                                        section=section, byline=byline)
    except EpaperError as exc:
        _fail(exc)
        return
    if as_json:
        typer.echo(json.dumps([h.__dict__ for h in hits], ensure_ascii=False, indent=2))
        return
    for h in hits:
        typer.echo(f"{h.date} {h.page:>4}  {h.headline}  [{h.slug} #{h.story_id}]")
        typer.echo(f"      {h.snippet}")
    if not hits:
        typer.echo("no stories found", err=True)


@archive_app.command("show")
def archive_show(
    story: Annotated[str, typer.Argument(help="A story slug or id.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="PDF to write.")],
    day: Annotated[str | None, typer.Option("--date", help="The edition's date.")] = None,
    archive: ArchiveOption = None,
) -> None:
    """Extract the pages of one story to a PDF."""
    try:
        row, out = _archive(archive).show(story, day, output)
    except EpaperError as exc:
        _fail(exc)
        return
    typer.echo(f"{out}: {row['headline']} ({row['date']}, pages {row['pages']})")


@archive_app.command("list")
def archive_list(archive: ArchiveOption = None) -> None:
    """Every archived edition and revision."""
    try:
        rows = _archive(archive).editions()
    except EpaperError as exc:
        _fail(exc)
        return
    for r in rows:
        typer.echo(f"{r['date']}  {r['slug']}  r{r['revision']}  {r['pages']} pages  {r['pdf']}")


@archive_app.command("verify")
def archive_verify(archive: ArchiveOption = None) -> None:
    """Re-hash every file and open every PDF; non-zero exit if anything is wrong."""
    try:
        problems = _archive(archive).verify()
    except EpaperError as exc:
        _fail(exc)
        return
    for problem in problems:
        typer.echo(problem, err=True)
    if problems:
        raise typer.Exit(6)
    typer.echo("archive OK")


def main(argv: list[str] | None = None) -> None:
    """Entry point (``argv`` for in-process use)."""
    app(args=argv, prog_name="epaper")


if __name__ == "__main__":
    main()
