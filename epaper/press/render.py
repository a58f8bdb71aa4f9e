"""Press pages: the edition's pages again, one PDF/X file each, in CMYK for newsprint.

A second pass over the build's page plans: the same views and HTML, with the layout's CSS
colours turned into ``device-cmyk()`` (``[press] colours``), the layout's ``press.css.j2``
added (output profile, bleed, crop marks), and every image converted to CMYK through the
output profile on its way into WeasyPrint. Colours and image pixels do not move anything,
so each page is set exactly as in the edition, and the line-by-line check runs again.
"""

from __future__ import annotations

import copy
import time
from dataclasses import dataclass
from pathlib import Path

from jinja2 import TemplateNotFound
from markupsafe import Markup

from epaper.edition.build import Rendering
from epaper.errors import InputErrors, Problem
from epaper.files import write_atomic
from epaper.pages import PageMaker
from epaper.parts import chunks
from epaper.press.colour import Separator, press_css, profile_name, suggested_cmyk
from epaper.press.config import Press
from epaper.press.preflight import Limits, PageReport, preflight
from epaper.render import weasy
from epaper.render.jinja import Templates
from epaper.workers import can_fork, fork_pool

PRESS_CSS = "press.css.j2"
_DEFAULT_PRESS_CSS = """@color-profile device-cmyk {
  src: url("{{ profile_url }}"); components: cyan, magenta, yellow, black; }
@page { bleed: {{ bleed_pt }}pt; }
img { image-rendering: crisp-edges; }
"""


class PressTemplates(Templates):
    """The layout's templates, its CSS in CMYK, and its press stylesheet after it."""

    def __init__(self, templates: Templates, press: Press) -> None:
        self.press = press  # before the base class checks the CSS, which is ours in CMYK
        super().__init__(templates.layout, templates.fonts)

    def css(self, page_width: float, page_height: float) -> Markup:
        """The layout's CSS in CMYK, then ``press.css.j2``; every colour must have a CMYK
        value (:class:`InputErrors` otherwise)."""
        css, missing = press_css(str(super().css(page_width, page_height)),
                                 self.press.settings.colours)
        if missing:
            raise InputErrors([Problem(
                self.press.toml, f"the colour {c} of the layout's CSS has no CMYK value",
                field="press.colours",
                fix=f'add "{c}" = "C M Y K" in percent; the output profile makes it '
                    f'"{suggested_cmyk(c, self.press.profile_path)}"') for c in missing])
        settings = self.press.settings
        context = {"profile_url": self.press.profile_path.as_uri(),
                   "bleed_pt": round(self.press.bleed_pt, 3), "marks": settings.marks,
                   "ink_limit": settings.ink_limit, "page_width": round(page_width, 3),
                   "page_height": round(page_height, 3)}
        try:
            extra = self.env.get_template(PRESS_CSS).render(**context)
        except TemplateNotFound:
            extra = self.env.from_string(_DEFAULT_PRESS_CSS).render(**context)
        return Markup(css + "\n" + extra)


def check_colours(templates: Templates, press: Press) -> None:
    """Raise :class:`InputErrors` for every colour of the layout's CSS that has no CMYK
    value in ``[press] colours`` (before any page is rendered)."""
    grid = templates.layout.grid
    PressTemplates(templates, press).css(grid.page_width, grid.page_height)


@dataclass(frozen=True)
class PressPage:
    """One press page written: its label, file and size."""

    label: str
    path: Path
    size: int


@dataclass
class PressResult:
    pages: list[PressPage]
    reports: list[PageReport]
    warnings: list[str]
    seconds: float

    @property
    def passed(self) -> bool:
        """Every page passed preflight (warnings allowed)."""
        return all(r.passed for r in self.reports)

    def report(self, press: Press) -> dict[str, object]:
        """The press section of the build report (JSON-ready)."""
        return {
            "variant": press.settings.variant,
            "profile": press.profile_path.name,
            "output_intent": profile_name(press.profile_path),
            "ink_limit": press.settings.ink_limit,
            "bleed": press.settings.bleed, "marks": press.settings.marks,
            "passed": self.passed,
            "seconds": round(self.seconds, 3),
            "pages": [{"label": p.label, "file": p.path.name, "bytes": p.size,
                       "preflight": r.as_dict()}
                      for p, r in zip(self.pages, self.reports, strict=True)],
            "warnings": self.warnings,
        }


def file_name(press: Press, rendering: Rendering, index: int) -> str:
    """The press file name of page ``index`` (``[press] name``)."""
    page = rendering.pages.pages[index]
    return press.settings.name.format(slug=rendering.slug, date=rendering.date,
                                      label=page.label, page=f"{index + 1:02d}",
                                      section=page.section.id)


def press_pages(rendering: Rendering, press: Press, out_dir: Path, jobs: int = 1,
                limits: Limits | None = None, cache: Path | None = None) -> PressResult:
    """Write one PDF/X file per page into ``out_dir`` and preflight each (pages in
    ``jobs`` worker processes). ``cache``: where converted images are kept."""
    t0 = time.perf_counter()
    count = len(rendering.pages.pages)
    names = [file_name(press, rendering, n) for n in range(count)]
    if len(set(names)) != count:
        raise InputErrors([Problem(press.toml, "the press file names repeat across pages",
                                   field="press.name", fix="put {label} or {page} in it")])
    check_colours(rendering.maker.typesetter.templates, press)  # here, not in a worker
    job = _job(rendering, press, [out_dir / n for n in names],
               limits or Limits(ink_limit=press.settings.ink_limit), cache)
    # laid out in parts, as the edition is (runs of at most render-part-pages pages, of
    # even length), each page then written on its own
    assert rendering.maker.layout.pages is not None
    size = rendering.maker.layout.pages.render_part_pages
    ranges = chunks(count, size)
    results: list[list[tuple[PressPage, PageReport, list[str]]]]
    workers = min(jobs, len(ranges))
    if workers > 1 and can_fork():
        global _JOB
        _JOB = job  # forked workers inherit it
        try:
            with fork_pool(workers) as pool:  # workers remove their own font folders
                results = list(pool.map(_forked, ranges))
        finally:
            _JOB = None
    else:
        results = [_part(job, chunk) for chunk in ranges]
    flat = [r for part in results for r in part]
    return PressResult([r[0] for r in flat], [r[1] for r in flat],
                       sorted({n for r in flat for n in r[2]}), time.perf_counter() - t0)


@dataclass(frozen=True)
class _PressJob:
    maker: PageMaker
    rendering: Rendering
    sandbox: weasy.Sandbox
    press: Press
    paths: list[Path]
    limits: Limits


_JOB: _PressJob | None = None


def _job(rendering: Rendering, press: Press, paths: list[Path], limits: Limits,
         cache: Path | None = None) -> _PressJob:
    maker = copy.copy(rendering.maker)
    maker.typesetter = copy.copy(maker.typesetter)
    maker.typesetter.templates = PressTemplates(maker.typesetter.templates, press)
    sandbox = weasy.Sandbox(rendering.sandbox.folders,
                            rendering.sandbox.files | {press.profile_path},
                            convert=Separator(press.profile_path, press.settings.ink_limit,
                                              cache))
    return _PressJob(maker, rendering, sandbox, press, paths, limits)


def _forked(only: range) -> list[tuple[PressPage, PageReport, list[str]]]:
    assert _JOB is not None
    return _part(_JOB, only)


def _part(job: _PressJob, only: range) -> list[tuple[PressPage, PageReport, list[str]]]:
    """Pages ``only`` laid out together and checked against the plan; then each written
    as its own PDF/X file and preflighted."""
    rendering = job.rendering
    notes: list[str] = []
    rendered = job.maker.render(rendering.pages, job.sandbox, rendering.base,
                                rendering.furniture, notes, only)
    # links to other pages cannot resolve in a one-page file (and PDF/X wants none)
    notes = [n for n in notes if not n.startswith("No anchor")]
    title = rendering.furniture.document_title or rendering.furniture.title
    out = []
    for n, index in enumerate(only):
        label = rendering.pages.pages[index].label
        seed = f"{rendering.slug}/{rendering.date}/{label}".encode()
        data = weasy.write_press_pdf(rendered, job.press.settings.variant, seed, n,
                                     f"{title} — {label}")
        write_atomic(job.paths[index], data)
        out.append((PressPage(label, job.paths[index], len(data)),
                    preflight(job.paths[index], job.limits), notes if n == 0 else []))
    return out
