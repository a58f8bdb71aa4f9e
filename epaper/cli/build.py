"""The ``build`` command: a dated edition (and its e-paper, press pages, archive copy), with
its progress bar and the replate report."""

from __future__ import annotations

import gc
import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from epaper.cli.app import OUTPUT, Stopped, app, epilog, fail, note, warn
from epaper.errors import EpaperError, InputError, Problem


@app.command(epilog=epilog(
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

    progress, finish = _progress(STEPS, enabled=not as_json and not OUTPUT["quiet"]
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
        fail(exc, as_json)
        return
    except (KeyboardInterrupt, Stopped):  # Ctrl-C, or SIGTERM (see main)
        finish(done=False)
        raise
    finish()
    if added is not None and not as_json and not OUTPUT["quiet"]:
        typer.echo(f"archived: {added.pdf}" + ("" if added.new else " (already there)"),
                   err=True)
    for stage, seconds in result.report.get("timings_s", {}).items():  # type: ignore[union-attr]
        note(f"{stage}: {seconds:.2f} s")
    note(f"measure cache: {result.report.get('measure_cache')}")
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
            warn(warning)
        if not OUTPUT["quiet"]:
            for line in fill_lines(result.report):
                typer.echo(line, err=True)
            _echo_replate(result.report)
        typer.echo(str(result.pdf_path))
        typer.echo(str(result.report_path))
        if web_result is not None:
            typer.echo(str(web_result.folder / "index.html"))
        if pressed is not None:
            from epaper.cli.press import print_press  # here: press's commands come after build's

            print_press(pressed)
    if pressed is not None and not pressed.passed:
        raise typer.Exit(7)


def _web_extras():  # type: ignore[no-untyped-def]
    """What the archive copy embeds besides the sources: the ALTO and METS files."""
    from epaper.web.make import archival_extras

    return archival_extras



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
