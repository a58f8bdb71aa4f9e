"""Single-article print preview: one story set in columns, with its copyfit.

ingest → compose → measure (WeasyPrint) → galley → fit → render → verify → PDF/PNG.
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from epaper.compose.quality import quality
from epaper.errors import InputError, InputErrors, Problem, RenderError, WriteError
from epaper.files import check_folder, refuse_output, write_atomic
from epaper.ingest import read_article
from epaper.layout.compose import StoryParts
from epaper.layout.copyfit import Looseness, copyfit_looseness
from epaper.layout.fit import Fit, FitRules
from epaper.layout.galley import Galley, Line
from epaper.layout.grid import Layout
from epaper.layout.story import (
    Copyfit,
    StoryFrame,
    copyfit,
    fit_frame,
    frame_for,
    natural_depth,
)
from epaper.model import Article
from epaper.render import weasy
from epaper.render.fonts import FontSet
from epaper.render.raster import pdf_to_png
from epaper.render.views import ColumnView, column_items, flow_views, head_view, story_view
from epaper.typeset import Typesetter, font_problems, image_problems, resolution_warnings
from epaper.units import PT_PER, to_pt

_INFO_HEIGHT = 7 * PT_PER["mm"]  # the slug line above the story on a proof
_DEPTH_LINES = re.compile(r"^\s*(\d+)\s*lines?\s*$")


@dataclass(frozen=True)
class Depth:
    """A requested depth: the whole story in points, or its columns in body lines."""

    points: float | None = None
    lines: int | None = None

    @classmethod
    def parse(cls, text: str) -> Depth:
        match = _DEPTH_LINES.match(text)
        if match:
            return cls(lines=int(match[1]))
        try:
            return cls(points=to_pt(text))
        except ValueError:
            raise InputError(Problem(None, f"--depth {text!r} is not a depth", field="depth",
                                     fix="write a length (180mm, 7in, 500pt) or lines "
                                         "(120lines)")) from None


@dataclass(frozen=True)
class SetStory:
    """A story measured and fitted into a frame."""

    article: Article
    parts: StoryParts
    galley: Galley
    frame: StoryFrame
    fit: Fit
    copyfit: Copyfit
    lang: str
    looseness: Looseness = Looseness()  # paragraphs set a line tighter or looser to fit


@dataclass
class PreviewResult:
    story: SetStory
    pdf: bytes
    warnings: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    files_read: list[str] = field(default_factory=list)
    origin: tuple[float, float] = (0.0, 0.0)  # the story's top-left corner on the page, pt

    def report(self) -> dict[str, object]:
        """The copyfit report (``epaper preview --json``)."""
        data: dict[str, object] = {"article": str(self.story.article.path),
                                   "slug": self.story.article.slug}
        data.update(asdict(self.story.copyfit))
        data["composition"] = {"breaker": self.story.galley.breaker, **quality(
            [(self.story.galley, self.story.parts.flow)]).report(),
            "tightened_paragraphs": len(self.story.looseness.tightened),
            "loosened_paragraphs": len(self.story.looseness.loosened)}
        data["warnings"] = self.warnings
        return data


class Setter:
    """Sets single stories as proofs (reused across stories: warm runs)."""

    def __init__(self, layout: Layout | str = "broadsheet", fonts: FontSet | None = None) -> None:
        self.typesetter = Typesetter(layout, fonts)
        self.layout = self.typesetter.layout
        self.fonts = self.typesetter.fonts
        self.templates = self.typesetter.templates
        self.rules = FitRules(self.layout.story.widows, self.layout.story.orphans)

    def set_story(self, article: Article, columns: int, depth: Depth | None,
                  sandbox: weasy.Sandbox, warnings: list[str]) -> SetStory:
        """Measure the story at ``columns`` and fit it (natural depth when ``depth`` is None)."""
        (m,) = self.typesetter.measure([article], [columns], sandbox, article.path.parent,
                                       warnings)
        lead_cols = self.layout.story.lead_columns(columns, m.parts.lead.columns) \
            if m.parts.lead else 0
        head = m.heads[columns]
        frame = frame_for(self.layout.grid, columns, head, lead_cols,
                          m.leads[lead_cols] if lead_cols else 0.0)
        if depth is None:
            frame = natural_depth(m.galley, frame, self.rules)
        elif depth.lines is not None:
            frame = frame.with_depth(head + depth.lines * m.galley.pitch)
        else:
            frame = frame.with_depth(depth.points or 0.0)
        galley = m.galley
        fit = fit_frame(galley, frame, self.rules)
        looseness = Looseness()
        if depth is not None and galley.alternatives:  # a fixed frame: copyfit to it
            galley, fit, looseness = copyfit_looseness(
                galley, fit, lambda g: fit_frame(g, frame, self.rules),
                lambda g, f: copyfit(g, f, frame, m.parts.flow).underset_lines)
        return SetStory(article, m.parts, galley, frame, fit,
                        copyfit(galley, fit, frame, m.parts.flow), m.lang, looseness)

    def preview(self, path: Path, columns: int | None = None, depth: Depth | None = None,
                roots: Sequence[Path] = (), lang: str | None = None) -> PreviewResult:
        """Set one article file as a proof page; returns the PDF bytes and the copyfit.
        ``lang``: the language of an article that names none (its edition's)."""
        timings: dict[str, float] = {}
        t0 = time.perf_counter()
        article = read_article(Path(path), roots)
        if lang and not article.lang:
            article = replace(article, lang=lang)
        problems = font_problems(article, self.fonts) + image_problems(article, self.layout)
        columns = columns or self.layout.story.default_columns
        if not 1 <= columns <= self.layout.grid.columns:
            problems.append(Problem(None, f"--columns {columns} is outside the grid",
                                    field="columns",
                                    fix=f"use 1 to {self.layout.grid.columns} "
                                        f"({self.layout.name})"))
        if problems:
            raise InputErrors(problems)
        warnings = [*article.warnings, *resolution_warnings(article, self.layout)]
        sandbox = self.typesetter.sandbox((article.path.parent, *roots))
        timings["ingest"] = time.perf_counter() - t0
        story = self.set_story(article, columns, depth, sandbox, warnings)
        timings["measure_fit"] = time.perf_counter() - t0 - timings["ingest"]
        t1 = time.perf_counter()
        html = self.proof_html(story)
        rendered = weasy.render(html, sandbox, article.path.parent)
        warnings.extend(rendered.warnings)
        self.verify(story, rendered)
        pdf = weasy.write_pdf(rendered)
        timings["render"] = time.perf_counter() - t1
        if story.copyfit.overset_lines or story.copyfit.overset_blocks:
            warnings.append(f"{article.path}: overset: {story.copyfit.overset_lines} lines, "
                            f"{story.copyfit.overset_words} words do not fit")
        return PreviewResult(story, pdf, warnings, timings, list(sandbox.fetched),
                             self.story_origin())

    def story_origin(self) -> tuple[float, float]:
        """Where a proof page puts the story's top-left corner."""
        margin = self.layout.preview_margin
        return margin, margin + _INFO_HEIGHT

    def proof_html(self, story: SetStory) -> str:
        """The proof page: slug line, the story in its frame, and the overset below it."""
        margin = self.layout.preview_margin
        info_h = _INFO_HEIGHT
        views = flow_views(story.parts.flow, story.lang)
        head = head_view(story.article, story.frame.columns, story.lang)
        view = story_view(story.article.slug, story.lang, margin, margin + info_h, story.frame,
                          head, story.parts.lead, story.galley, story.fit, views,
                          self.layout.story.column_rules)
        height = margin + info_h + story.frame.depth + margin
        overset = None
        if story.fit.overset:
            sub = Galley(tuple(story.galley.items[i] for i in story.fit.overset),
                         story.galley.pitch)
            spill = natural_depth(sub, frame_for(self.layout.grid, story.frame.columns,
                                                 0.0, 0, 0.0), self.rules)
            spill_fit = fit_frame(sub, spill, self.rules)
            top = margin + info_h + story.frame.depth + 8 * PT_PER["mm"]
            cols = tuple(
                ColumnView(n + 1, r.x, r.y, r.width, r.height,
                           column_items(sub, idx, views))
                for n, (r, idx) in enumerate(zip(spill.column_rects(), spill_fit.columns,
                                                 strict=True)))
            cf = story.copyfit
            overset = {
                "x": margin, "y": top, "height": spill.depth, "columns": cols,
                "frame_end": margin + info_h + story.frame.depth + 1.5,
                "label_y": top - 5 * PT_PER["mm"],
                "label": f"{cf.overset_lines} lines, {cf.overset_words} words"
                         + (f", {cf.overset_blocks} blocks" if cf.overset_blocks else ""),
            }
            height = top + spill.depth + margin
        width = story.frame.width + 2 * margin
        page = {"lang": story.lang, "title": story.article.headline, "margin": margin,
                "info_y": margin, "story": view, "fit": story.copyfit, "overset": overset}
        return self.templates.render(self.layout.story_template, story.lang, width, height,
                                     page=page)

    @staticmethod
    def verify(story: SetStory, rendered: weasy.Rendered) -> None:
        """The page must hold exactly the planned lines, each on one line, none overflowing."""
        planned = [sum(1 for i in col if isinstance(story.galley.items[i], Line))
                   for col in story.fit.columns]
        weasy.check_columns(rendered, planned, str(story.article.path), extra_columns=True)


def preview(path: Path, columns: int | None = None, depth: str | None = None,
            layout: str = "broadsheet", out: Path | None = None, png: Path | None = None,
            roots: Sequence[Path] = (), lang: str | None = None) -> PreviewResult:
    """Preview one article: set it, write ``out`` (PDF) and ``png`` if given. Neither may
    replace the article, each other, a link or a device (checked before any work)."""
    refused = [p for p in (
        refuse_output(out, [Path(path)]) if out is not None else None,
        refuse_output(png, [Path(path), *([out] if out else [])], option="--png")
        if png is not None else None) if p is not None]
    if refused:
        raise InputErrors(refused)
    for target in (out, png):
        if target is not None:  # a folder that cannot be written is found before the work
            check_folder(Path(target).parent, "output folder")
    result = Setter(layout).preview(Path(path), columns,
                                    Depth.parse(depth) if depth else None, roots, lang)
    try:
        if out is not None:
            write_atomic(out, result.pdf)
        if png is not None:
            if out is None:
                raise RenderError("a PNG needs the PDF written first (give -o)")
            pdf_to_png(out, png)
    except OSError as exc:
        raise WriteError(f"{exc.filename or out}: cannot write the proof: {exc.strerror} — "
                         "give a folder you can write to, with free space") from None
    return result
