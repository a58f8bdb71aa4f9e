"""The ``epaper`` command line (the only module that imports typer)."""

from __future__ import annotations

import gc
import json
import signal
import sys
from pathlib import Path
from typing import Annotated

import typer

from epaper import __version__
from epaper.errors import EpaperError, InputError, InputErrors, Problem

EXIT_CODES = ("Exit codes: 0 done; 1 --strict found overset or warnings (nothing written); "
              "2 bad input, every problem listed as file:line:col: field: what — fix; "
              "3 a missing or broken font, tool or layout; 4 a sandbox refusal; 5 a rendering "
              "failure; 6 the archive is missing or damaged (archive commands); 130/143 "
              "interrupted.")
HELP = {"help_option_names": ["-h", "--help"]}


def _epilog(*examples: str) -> str:
    """The end of a command's --help: examples, then the exit codes."""
    lines = "\n".join(f"  {e}" for e in examples)
    return f"Examples:\n\n\b\n{lines}\n\n{EXIT_CODES}"  # \b: keep the lines as they are


app = typer.Typer(
    name="epaper",
    help="Set newsroom articles in newspaper columns and render print-ready PDFs.",
    epilog=_epilog("epaper build samples/editions/en", "epaper check samples/editions/en",
                   "epaper preview story.md -o story.pdf", "epaper archive search ferry"),
    no_args_is_help=True,
    context_settings=HELP,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
_OUTPUT = {"quiet": False, "verbose": False}


def _warn(text: str) -> None:
    """A warning on stderr (not with --quiet)."""
    if not _OUTPUT["quiet"]:
        typer.echo(f"warning: {text}", err=True)


def _note(text: str) -> None:
    """A detail on stderr, only with --verbose."""
    if _OUTPUT["verbose"] and not _OUTPUT["quiet"]:
        typer.echo(text, err=True)


def _problems(exc: EpaperError) -> list[Problem]:
    if isinstance(getattr(exc, "problems", None), tuple):  # InputErrors, LayoutErrors
        return list(exc.problems)  # type: ignore[attr-defined]
    if isinstance(exc, InputError):
        return [exc.problem]
    return [Problem(None, str(exc))]


def _fail(exc: EpaperError, as_json: bool = False) -> None:
    """Print the error (every problem on its own line; as JSON on stdout with ``--json``)
    and exit with its code."""
    if as_json:
        typer.echo(json.dumps({"ok": False, "exit_code": exc.exit_code,
                               "problems": [p.as_dict() for p in _problems(exc)]},
                              ensure_ascii=False, indent=2))
        raise typer.Exit(exc.exit_code)
    problems = getattr(exc, "problems", None)
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
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Only errors: no warnings, "
                                                             "no progress.")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Also print the steps' "
                                                                 "timings and cache use.")
                       ] = False,
) -> None:
    """epaper: newsroom articles to newspaper pages."""
    _OUTPUT.update(quiet=quiet, verbose=verbose)


@app.command(epilog=_epilog(
    "epaper preview story.md -o story.pdf --png story.png",
    "epaper preview story.md --columns 3 --depth 180mm --json",
    "epaper preview story.md -o - > story.pdf      # the PDF on stdout"))
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
                                                     "<slug>.preview.pdf; - for stdout)."
                                                )] = None,
    png: Annotated[Path | None, typer.Option("--png", help="Also write a PNG proof.")] = None,
    layout: Annotated[str, typer.Option("--layout", help="Layout name or folder.")
                      ] = "broadsheet",
    as_json: Annotated[bool, typer.Option("--json", help="Print the copyfit as JSON.")
                       ] = False,
) -> None:
    """Set one article in columns: a print proof (PDF/PNG) and its copyfit."""
    from epaper.edition.inputs import article_context
    from epaper.preview import preview as run_preview

    to_stdout = output is not None and str(output) == "-"
    try:
        if to_stdout and (png or as_json):
            raise InputError(Problem(None, "-o - puts the PDF on stdout: it cannot go with "
                                     "--png or --json", field="-o",
                                     fix="write the PDF to a file to have the others"))
        out = None if to_stdout else (output or Path(f"{article.stem}.preview.pdf"))
        roots, lang = article_context(article)  # an edition's article: read as build reads it
        result = run_preview(article, columns, depth, layout, out, png, roots, lang)
    except EpaperError as exc:
        _fail(exc, as_json)
        return
    for warning in result.warnings:
        _warn(warning)
    if to_stdout:
        sys.stdout.buffer.write(result.pdf)
        sys.stdout.buffer.flush()
        return
    report = result.report()
    report["pdf"] = str(out)
    if png:
        report["png"] = str(png)
    if as_json:
        typer.echo(json.dumps(report, ensure_ascii=False, indent=2))
        return
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


@app.command(epilog=_epilog(
    "epaper check samples/editions/en            # a whole edition, as build reads it",
    "epaper check articles/*.md --json           # a CMS hook: problems as JSON"))
def check(
    paths: Annotated[list[Path], typer.Argument(help="Article files, or edition folders.",
                                                metavar="ARTICLE_OR_EDITION...")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the verdict as JSON: ok, "
                                                         "articles, problems, warnings.")
                       ] = False,
) -> None:
    """Validate articles or whole editions without rendering, with exactly the rules of
    `build`: every problem of every file, for a CMS hook or a pre-commit check."""
    from epaper.edition.inputs import check_paths

    try:
        checked = check_paths(paths)
    except EpaperError as exc:
        _fail(exc, as_json)
        return
    if as_json:
        typer.echo(json.dumps({"ok": True, "articles": checked.articles, "problems": [],
                               "warnings": checked.warnings}, ensure_ascii=False, indent=2))
        return
    for warning in checked.warnings:
        _warn(warning)
    typer.echo(f"{checked.articles} article{'s' if checked.articles != 1 else ''} OK")


@app.command(epilog=_epilog(
    "epaper build samples/editions/en            # into ./out",
    "epaper build EDITION --date tomorrow --locale ko_KR --jobs 2 --json --strict",
    "epaper build EDITION --archive archive      # and keep it in the archive"))
def build(
    edition: Annotated[Path, typer.Argument(help="The edition folder (edition.toml, "
                                                 "articles/, images/).")],
    out_dir: Annotated[Path | None, typer.Option("--out-dir", "-o",
                                                 help="Where to write (default: ./out)."
                                                 )] = None,
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
    web: Annotated[bool, typer.Option("--web", help="Also write the e-paper: "
                                                    "OUT/web/<title>/<date>/index.html.")] = False,
    press: Annotated[bool, typer.Option("--press", help="Also write the press pages "
                                        "(PDF/X, CMYK, one file per page) into OUT/press.")
                     ] = False,
    fresh: Annotated[bool, typer.Option("--fresh", help="Paginate afresh: no replate of "
                                                        "the previous build.")] = False,
    pages_dir: Annotated[Path | None, typer.Option("--pages-dir", help="Also write one PDF "
                                                   "per page here (changed pages only)."
                                                   )] = None,
) -> None:
    """Build a dated edition: one PDF and a JSON report. When the output folder holds the
    previous build of the edition, only the pages whose stories changed are laid out and
    rendered again (a replate)."""
    from epaper.edition.build import STEPS
    from epaper.edition.build import build as run_build

    progress, finish = _progress(STEPS, enabled=not as_json and not _OUTPUT["quiet"]
                                 and sys.stderr.isatty())
    pressed = None
    gc.freeze()  # what the imports made is never garbage: not scanned again
    gc.set_threshold(100_000, 50, 100)  # fewer collections: about 10 % less CPU, a few MiB
    try:
        if out_dir is not None and str(out_dir) == "-":
            raise InputError(Problem(None, "a build writes two files (the PDF and its "
                                     "report): it cannot write them to stdout",
                                     field="--out-dir", fix="give a folder, e.g. -o out"))
        if press:
            from epaper.press.run import check_edition_press, press_build

            check_edition_press(edition)
        if archive is not None:  # an unusable archive is found before the build, not after
            from epaper.files import check_folder

            check_folder(archive, "archive folder (--archive)")
        result = run_build(edition, out_dir, day, locale, jobs, not no_cache, strict, progress,
                           archival=archive is not None, archival_extras=_web_extras(),
                           fresh=fresh, pages_dir=pages_dir)
        web_result = None
        if web:
            from epaper.web.make import make_web

            web_result = make_web(result.pdf_path, jobs=jobs or 1)
        if press:
            from epaper.edition.measure import default_jobs

            pressed, _ = press_build(result, jobs or default_jobs(), not no_cache)
        added = None
        if archive is not None:
            from epaper.archive.store import Archive

            assert result.archival_pdf is not None
            added = Archive(archive).add_built(result.archival_pdf, result.report)
    except EpaperError as exc:
        finish(done=False)
        _fail(exc, as_json)
        return
    except (KeyboardInterrupt, _Stopped):  # Ctrl-C, or SIGTERM (see main)
        finish(done=False)
        raise
    finish()
    if added is not None and not as_json and not _OUTPUT["quiet"]:
        typer.echo(f"archived: {added.pdf}" + ("" if added.new else " (already there)"),
                   err=True)
    for stage, seconds in result.report.get("timings_s", {}).items():  # type: ignore[union-attr]
        _note(f"{stage}: {seconds:.2f} s")
    _note(f"measure cache: {result.report.get('measure_cache')}")
    edition_info = result.report["edition"]
    if as_json:
        summary = {"pdf": str(result.pdf_path), "report": str(result.report_path),
                   "edition": edition_info, "summary": result.report["summary"],
                   "warnings": result.warnings}
        if pressed is not None:
            summary["press"] = result.report["press"]
        typer.echo(json.dumps(summary, ensure_ascii=False, indent=2))
    else:
        from epaper.edition.booking import fill_lines

        for warning in result.warnings:
            _warn(warning)
        if not _OUTPUT["quiet"]:
            for line in fill_lines(result.report):
                typer.echo(line, err=True)
            _echo_replate(result.report)
        typer.echo(str(result.pdf_path))
        typer.echo(str(result.report_path))
        if web_result is not None:
            typer.echo(str(web_result.folder / "index.html"))
        if pressed is not None:
            _print_press(pressed)
    if pressed is not None and not pressed.passed:
        raise typer.Exit(7)


def _web_extras():  # type: ignore[no-untyped-def]
    """What the archive copy embeds besides the sources: the ALTO and METS files."""
    from epaper.web.make import archival_extras

    return archival_extras


@app.command("web", epilog=_epilog(
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
        _fail(exc, as_json)
        return
    if as_json:
        typer.echo(json.dumps({"index": str(result.folder / "index.html"),
                               "pages": result.pages, "stories": result.stories,
                               "zoom_bytes": list(result.zoom_bytes),
                               "total_bytes": result.total_bytes,
                               "seconds": round(result.seconds, 3)}, indent=2))
    else:
        typer.echo(str(result.folder / "index.html"))


# -- press pages and preflight ---------------------------------------------------------------

def _print_press(pressed) -> None:  # type: ignore[no-untyped-def]
    for page, report in zip(pressed.pages, pressed.reports, strict=True):
        state = "ok" if report.passed else "FAILED preflight"
        typer.echo(f"{page.path}  {page.size:,} bytes  {state}")
        for check in report.checks:
            if check.status != "pass":
                typer.echo(f"  {check.status}: {check.name}: {check.detail}", err=True)
    for warning in pressed.warnings:
        typer.echo(f"warning: {warning}", err=True)


@app.command("press", epilog=_epilog(
    "epaper press out/the-harbor-courier-2026-11-30.pdf",
    "epaper press out/the-harbor-courier-2026-11-30.pdf --jobs 2 --json"))
def press_command(
    edition_pdf: Annotated[Path, typer.Argument(help="A built edition PDF (its report "
                                                     "beside it).")],
    jobs: Annotated[int | None, typer.Option("--jobs", "-j", min=1,
                                             help="Worker processes (default: the cores)."
                                             )] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the press pages and their "
                                                         "preflight as JSON.")] = False,
) -> None:
    """Write the press pages of a built edition (PDF/X, CMYK, one file per page) into
    press/ beside it; exit 7 if a page fails preflight."""
    from epaper.edition.measure import default_jobs
    from epaper.press.run import press_built

    try:
        pressed, _ = press_built(edition_pdf, jobs or default_jobs())
    except EpaperError as exc:
        _fail(exc, as_json)
        return
    if as_json:
        typer.echo(json.dumps({"passed": pressed.passed, "warnings": list(pressed.warnings),
                               "pages": [{"file": str(page.path), "bytes": page.size,
                                          "preflight": report.as_dict()}
                                         for page, report in zip(pressed.pages, pressed.reports,
                                                                 strict=True)]},
                              ensure_ascii=False, indent=2))
    else:
        _print_press(pressed)
    if not pressed.passed:
        raise typer.Exit(7)


@app.command(epilog=_epilog("epaper preflight out/press/*.pdf",
                            "epaper preflight out/press/the-harbor-courier-2026-11-30-A1.pdf "
                            "--json", "(exit 7: a page fails a check)"))
def preflight(
    files: Annotated[list[Path], typer.Argument(help="Press page PDFs to check.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the checks as JSON.")] = False,
    ink_limit: Annotated[int, typer.Option("--ink-limit", help="Maximum total ink, percent."
                                           )] = 240,
) -> None:
    """Check press pages as a printing plant would: PDF/X, output intent, boxes, fonts,
    colours, ink, image resolution, text and rules. Exit 7 if any check fails."""
    from epaper.press.preflight import Limits
    from epaper.press.preflight import preflight as run_preflight

    missing = [Problem(f, "file not found", fix="give press page PDFs")
               for f in files if not f.is_file()]
    try:
        if missing:
            raise InputErrors(missing)
        reports = [run_preflight(f, Limits(ink_limit=ink_limit)) for f in files]
    except EpaperError as exc:
        _fail(exc, as_json)
        return
    if as_json:
        typer.echo(json.dumps([r.as_dict() for r in reports], ensure_ascii=False, indent=2))
    else:
        for report in reports:
            typer.echo(f"{report.file}: {'PASS' if report.passed else 'FAIL'}")
            for check in report.checks:
                typer.echo(f"  {check.status:<4}  {check.name:<17} {check.detail}")
    if not all(r.passed for r in reports):
        raise typer.Exit(7)


def _echo_replate(report: dict[str, object]) -> None:
    """The replate and the page files on stderr: what changed, what was kept, and why."""
    plate = report.get("replate") or {}
    if isinstance(plate, dict) and plate.get("mode") == "replate":
        typer.echo(f"replate: pages changed {', '.join(plate['pages_changed']) or 'none'}; "
                   f"{len(plate['pages_kept'])} kept", err=True)
        for why in plate["why"]:
            typer.echo(f"replate: {why}", err=True)
    files = report.get("pages_dir")
    if isinstance(files, dict):
        for name in files["written"]:
            typer.echo(f"page file written: {Path(files['folder']) / name}", err=True)
        for name in files["removed"]:
            typer.echo(f"page file removed: {Path(files['folder']) / name}", err=True)


def _progress(total: int, enabled: bool):  # type: ignore[no-untyped-def]
    """A rich progress bar on a terminal ("Step 2/6 Measuring 45 stories  24/45"): it moves
    per batch of stories measured and per part of pages rendered; silence otherwise."""
    if not enabled:
        return (lambda n, label, done=0, of=0: None), (lambda done=True: None)
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    bar = Progress(TextColumn("[bold]Step {task.fields[step]}/" + str(total)
                              + "[/] {task.description}"),
                   BarColumn(), TextColumn("{task.fields[count]}"),
                   TimeElapsedColumn(), transient=False)
    task = bar.add_task("Starting", total=1, step=0, count="")
    bar.start()

    def advance(n: int, label: str, done: int = 0, of: int = 0) -> None:
        bar.update(task, description=label, step=n, completed=done, total=max(of, 1),
                   count=f"{done}/{of}" if of else "")

    def finish(done: bool = True) -> None:
        if bar.live.is_started:
            if done:
                bar.update(task, description="Done", step=total, completed=1, total=1)
            bar.stop()  # shows the cursor again

    return advance, finish


@app.command("serve", epilog=_epilog("epaper serve --archive archive",
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
        _fail(EpaperError(f"no archive at {root}: add an edition first "
                          "(epaper archive add, or build --archive)"))
    typer.echo(f"epaper: reading room on http://{host}:{port}/ (Ctrl-C to stop)", err=True)
    serve(root, host, port)


archive_app = typer.Typer(help="The edition archive: add, search, show, list, verify.",
                          no_args_is_help=True, context_settings=HELP, rich_markup_mode=None,
                          epilog=_epilog("epaper archive add out/the-harbor-courier-2026-11-30"
                                         ".pdf", "epaper archive search ferry --json"))
app.add_typer(archive_app, name="archive")
ArchiveOption = Annotated[Path | None, typer.Option(
    "--archive", "-a", help="The archive folder (default: $EPAPER_ARCHIVE or ./archive).")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]


def _archive(path: Path | None):  # type: ignore[no-untyped-def]
    from epaper.archive.store import Archive, default_root

    return Archive(path or default_root())


@archive_app.command("add", epilog=_epilog(
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
        _fail(exc, as_json)
        return
    if as_json:
        typer.echo(json.dumps({"pdf": str(added.pdf), "new": added.new}, ensure_ascii=False))
        return
    typer.echo(f"{added.pdf}" + ("" if added.new else " (already archived: its missing files "
                                 "were restored)" if added.restored else
                                 " (already archived: nothing to do)"))


@archive_app.command("search", epilog=_epilog(
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
        _fail(exc, as_json)
        return
    if as_json:
        typer.echo(json.dumps([h.__dict__ for h in hits], ensure_ascii=False, indent=2))
        return
    for h in hits:
        typer.echo(f"{h.date} {h.page:>4}  {h.headline}  [{h.slug} #{h.story_id}]")
        typer.echo(f"      {h.snippet}")
    if not hits:
        typer.echo("no stories found", err=True)


@archive_app.command("show", epilog=_epilog(
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
        _fail(exc, as_json)
        return
    if as_json:
        typer.echo(json.dumps({"pdf": str(out), "headline": row["headline"],
                               "date": row["date"], "pages": row["pages"]},
                              ensure_ascii=False, indent=2))
        return
    typer.echo(f"{out}: {row['headline']} ({row['date']}, pages {row['pages']})")


@archive_app.command("list", epilog=_epilog("epaper archive list",
                                            "epaper archive list --archive /srv/archive --json"))
def archive_list(archive: ArchiveOption = None, as_json: JsonOption = False) -> None:
    """Every archived edition and revision."""
    try:
        rows = _archive(archive).editions()
    except EpaperError as exc:
        _fail(exc, as_json)
        return
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for r in rows:
        typer.echo(f"{r['date']}  {r['slug']}  r{r['revision']}  {r['pages']} pages  {r['pdf']}")


@archive_app.command("reindex", epilog=_epilog("epaper archive reindex",
                                               "epaper archive reindex -a archive --json"))
def archive_reindex(archive: ArchiveOption = None, as_json: JsonOption = False) -> None:
    """Rebuild a damaged or lost index from the archived PDFs (they carry their reports)."""
    try:
        count, skipped = _archive(archive).reindex()
    except EpaperError as exc:
        _fail(exc, as_json)
        return
    if as_json:
        typer.echo(json.dumps({"editions": count, "skipped": list(skipped)},
                              ensure_ascii=False, indent=2))
        return
    for line in skipped:
        typer.echo(f"skipped: {line}", err=True)
    typer.echo(f"index rebuilt: {count} edition{'s' if count != 1 else ''}")


@archive_app.command("verify", epilog=_epilog("epaper archive verify",
                                              "epaper archive verify --json"))
def archive_verify(archive: ArchiveOption = None, as_json: JsonOption = False) -> None:
    """Re-hash every file and open every PDF; exit 6 if anything is wrong."""
    try:
        problems = _archive(archive).verify()
    except EpaperError as exc:
        _fail(exc, as_json)
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


class _Stopped(BaseException):
    """Ctrl-C or SIGTERM (raised by main's signal handlers): every command stops cleanly."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.exit_code = 128 + signum


def _stop(signum: int, frame: object) -> None:
    raise _Stopped(signum)


def main(argv: list[str] | None = None) -> None:
    """Entry point (``argv`` for in-process use). Ctrl-C and SIGTERM stop any command the
    same way: workers ended, temporary files removed, the terminal restored, nothing
    half-written, exit 130 or 143."""
    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    try:
        app(args=argv, prog_name="epaper")
    except _Stopped as exc:
        typer.echo("epaper: interrupted; nothing written", err=True)
        sys.exit(exc.exit_code)


if __name__ == "__main__":
    main()
