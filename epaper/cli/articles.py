"""Commands on articles before a build: ``preview`` (a proof and its copyfit) and ``check``
(validation with the rules of ``build``)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from epaper.cli.app import app, epilog, fail, warn
from epaper.errors import EpaperError, InputError, Problem


@app.command(epilog=epilog(
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
        fail(exc, as_json)
        return
    for warning in result.warnings:
        warn(warning)
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


@app.command(epilog=epilog(
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
        fail(exc, as_json)
        return
    if as_json:
        typer.echo(json.dumps({"ok": True, "articles": checked.articles, "problems": [],
                               "warnings": checked.warnings}, ensure_ascii=False, indent=2))
        return
    for warning in checked.warnings:
        warn(warning)
    typer.echo(f"{checked.articles} article{'s' if checked.articles != 1 else ''} OK")
