"""The typer app and what every command shares: help epilogs, --quiet/--verbose output,
errors printed and turned into exit codes, --version, and the entry point (Ctrl-C and SIGTERM)."""

from __future__ import annotations

import json
import signal
import sys
from typing import Annotated

import typer

from epaper import __version__
from epaper.errors import EpaperError, InputError, Problem

EXIT_CODES = ("Exit codes: 0 done; 1 --strict found overset or warnings (nothing written); "
              "2 bad input, every problem listed as file:line:col: field: what — fix; "
              "3 a missing or broken font, tool or layout; 4 a sandbox refusal; 5 a rendering "
              "failure; 6 the archive is missing or damaged (archive commands); 130/143 "
              "interrupted.")
HELP = {"help_option_names": ["-h", "--help"]}


def epilog(*examples: str) -> str:
    """The end of a command's --help: examples, then the exit codes."""
    lines = "\n".join(f"  {e}" for e in examples)
    return f"Examples:\n\n\b\n{lines}\n\n{EXIT_CODES}"  # \b: keep the lines as they are


app = typer.Typer(
    name="epaper",
    help="Set newsroom articles in newspaper columns and render print-ready PDFs.",
    epilog=epilog("epaper build samples/editions/en", "epaper check samples/editions/en",
                  "epaper preview story.md -o story.pdf", "epaper archive search ferry"),
    no_args_is_help=True,
    context_settings=HELP,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
OUTPUT = {"quiet": False, "verbose": False}


def warn(text: str) -> None:
    """A warning on stderr (not with --quiet)."""
    if not OUTPUT["quiet"]:
        typer.echo(f"warning: {text}", err=True)


def note(text: str) -> None:
    """A detail on stderr, only with --verbose."""
    if OUTPUT["verbose"] and not OUTPUT["quiet"]:
        typer.echo(text, err=True)


def _problems(exc: EpaperError) -> list[Problem]:
    if isinstance(getattr(exc, "problems", None), tuple):  # InputErrors, LayoutErrors
        return list(exc.problems)  # type: ignore[attr-defined]
    if isinstance(exc, InputError):
        return [exc.problem]
    return [Problem(None, str(exc))]


def fail(exc: EpaperError, as_json: bool = False) -> None:
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
    OUTPUT.update(quiet=quiet, verbose=verbose)


class Stopped(BaseException):
    """Ctrl-C or SIGTERM (raised by main's signal handlers): every command stops cleanly."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.exit_code = 128 + signum


def _stop(signum: int, frame: object) -> None:
    raise Stopped(signum)


def main(argv: list[str] | None = None) -> None:
    """Entry point (``argv`` for in-process use). Ctrl-C and SIGTERM stop any command the
    same way: workers ended, temporary files removed, the terminal restored, nothing
    half-written, exit 130 or 143."""
    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    try:
        app(args=argv, prog_name="epaper")
    except Stopped as exc:
        typer.echo("epaper: interrupted; nothing written", err=True)
        sys.exit(exc.exit_code)
