"""The press step on top of a build: ``epaper build --press`` and ``epaper press OUT_PDF``.

The press pages go to ``OUT/press/``; the preflight of each is added to the build report
(``press``), which is rewritten atomically.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

from epaper.edition.build import BuildResult, build
from epaper.edition.config import load_config
from epaper.errors import InputError, InputErrors, Problem
from epaper.files import write_atomic
from epaper.layout.grid import load_layout
from epaper.press.config import Press, load_press
from epaper.press.render import PressResult, check_colours, press_pages
from epaper.render.fonts import load_fonts
from epaper.render.jinja import Templates


def check_edition_press(edition_dir: Path) -> None:
    """Validate the ``[press]`` settings of an edition's layout, and its CSS colours
    against them, before anything is built (a bad setting is an input error, and nothing
    is written). Problems of edition.toml
    itself are left to the build, which lists them all."""
    config, problems = load_config(Path(edition_dir) / "edition.toml", {})
    if config is not None and not problems:
        layout = load_layout(config.layout)
        check_colours(Templates(layout, load_fonts()), load_press(layout))


def press_build(result: BuildResult, jobs: int = 1,
                use_cache: bool = True) -> tuple[PressResult, Press]:
    """The press pages of a finished build, preflighted, recorded in its report. Converted
    images are kept in ``OUT/.cache/press`` unless ``use_cache`` is false."""
    rendering = result.rendering
    assert rendering is not None
    press = load_press(rendering.maker.layout)
    out = result.pdf_path.parent
    pressed = press_pages(rendering, press, out / "press", jobs,
                          cache=out / ".cache" / "press" if use_cache else None)
    result.report["press"] = pressed.report(press)
    write_atomic(result.report_path, (json.dumps(result.report, ensure_ascii=False, indent=2)
                                      + "\n").encode("utf-8"))
    return pressed, press


def press_built(pdf_path: Path, jobs: int = 1) -> tuple[PressResult, Press]:
    """The press pages of an edition built earlier: it is rebuilt from the sources its
    report names (the same bytes prove the same plans), and pressed beside it."""
    pdf_path = Path(pdf_path)
    report_path = pdf_path.with_suffix(".report.json")
    if not pdf_path.is_file():
        raise InputError(Problem(pdf_path, "file not found", fix="give an edition PDF"))
    try:
        report = json.loads(report_path.read_text(encoding="utf-8"))
        edition = report["edition"]
        source = Path(edition["source"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InputError(Problem(report_path, f"no readable build report beside the PDF ({exc})",
                                 fix="keep the .report.json written with the PDF, or run "
                                     "epaper build --press")) from exc
    check_edition_press(source)
    with tempfile.TemporaryDirectory(prefix="epaper-press-") as tmp:
        measured = pdf_path.parent / ".cache"
        if measured.is_dir():  # the build's measurements: the rebuild only places and renders
            shutil.copytree(measured, Path(tmp) / ".cache", ignore=shutil.ignore_patterns("press"))
        rebuilt = build(source, Path(tmp), edition["date"], edition["locale"], jobs=jobs)
        if rebuilt.pdf_path.read_bytes() != pdf_path.read_bytes():
            raise InputErrors([Problem(pdf_path, "the PDF differs from what its sources build "
                                       "now (changed since the build?)",
                                       fix="rebuild with: epaper build EDITION --press")])
        assert rebuilt.rendering is not None
        press = load_press(rebuilt.rendering.maker.layout)
        pressed = press_pages(rebuilt.rendering, press, pdf_path.parent / "press", jobs,
                              cache=pdf_path.parent / ".cache" / "press")
    report["press"] = pressed.report(press)
    write_atomic(report_path, (json.dumps(report, ensure_ascii=False, indent=2) + "\n")
                 .encode("utf-8"))
    return pressed, press
