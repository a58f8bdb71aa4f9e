"""The press commands: ``press`` (PDF/X pages of a built edition) and ``preflight``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from epaper.cli.app import app, epilog, fail
from epaper.errors import EpaperError, InputErrors, Problem


def print_press(pressed) -> None:  # type: ignore[no-untyped-def]
    for page, report in zip(pressed.pages, pressed.reports, strict=True):
        state = "ok" if report.passed else "FAILED preflight"
        typer.echo(f"{page.path}  {page.size:,} bytes  {state}")
        for check in report.checks:
            if check.status != "pass":
                typer.echo(f"  {check.status}: {check.name}: {check.detail}", err=True)
    for warning in pressed.warnings:
        typer.echo(f"warning: {warning}", err=True)


@app.command("press", epilog=epilog(
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
        fail(exc, as_json)
        return
    if as_json:
        typer.echo(json.dumps({"passed": pressed.passed, "warnings": list(pressed.warnings),
                               "pages": [{"file": str(page.path), "bytes": page.size,
                                          "preflight": report.as_dict()}
                                         for page, report in zip(pressed.pages, pressed.reports,
                                                                 strict=True)]},
                              ensure_ascii=False, indent=2))
    else:
        print_press(pressed)
    if not pressed.passed:
        raise typer.Exit(7)


@app.command(epilog=epilog("epaper preflight out/press/*.pdf",
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
        fail(exc, as_json)
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
