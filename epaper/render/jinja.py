"""HTML for WeasyPrint from the layout's Jinja templates: the sandboxed environment of a
layout (its folder first, epaper's own templates second), the measuring document and the
newspaper pages.

Templates and CSS belong to the layout folder; :mod:`epaper.render.views` prepares what they
show.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

from jinja2 import ChoiceLoader, FileSystemLoader, StrictUndefined, TemplateSyntaxError
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from epaper import l10n
from epaper.errors import FontError, LayoutError
from epaper.layout.grid import Layout
from epaper.render.display import keep_words
from epaper.render.fonts import FontSet, css_font_problems
from epaper.render.markup import inline, spacing_css
from epaper.render.views import MeasureView, PageView


class Templates:
    """The Jinja environment of one layout (its folder first, epaper's own second). Layout
    templates are data a designer (or an uploaded edition) supplies: they run sandboxed, so
    a template cannot reach Python's internals (``__class__``, ``os.system``…)."""

    def __init__(self, layout: Layout, fonts: FontSet) -> None:
        self.layout = layout
        self.fonts = fonts
        self.env = SandboxedEnvironment(
            loader=ChoiceLoader([*(FileSystemLoader(f) for f in layout.folders),
                                 FileSystemLoader(Path(__file__).parent / "templates")]),
            autoescape=True, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
        )
        self.env.filters["inline"] = inline
        self.env.filters["keep_words"] = keep_words
        self._check_css()

    def _check_css(self) -> None:
        """Every font the layout's CSS names is declared, every @font-face file exists."""
        name = self.layout.css_template
        css = self.css(500.0, 500.0)
        source, filename = self.env.loader.get_source(self.env, name)[:2]  # type: ignore[union-attr]
        problems = css_font_problems(css, Path(filename or name), source, self.fonts,
                                     self.layout.folders)
        if problems:
            raise FontError("\n".join(str(p) for p in problems))

    def _render(self, name: str, **context: object) -> str:
        """A template rendered; a template mistake is one line: file:line: message."""
        try:
            return self.env.get_template(name).render(**context)
        except SecurityError as exc:
            raise LayoutError(f"{self.layout.folder}: template '{name}' tried an unsafe "
                              f"operation ({exc}); layout templates may only format the "
                              "values they are given") from None
        except TemplateSyntaxError as exc:
            raise LayoutError(f"{exc.filename or exc.name or name}:{exc.lineno}: "
                              f"{exc.message}") from None
        except Exception as exc:
            place = _template_frame(exc.__traceback__)
            if place is None:
                raise
            raise LayoutError(f"{place[0]}:{place[1]}: {exc}") from None

    def css(self, page_width: float, page_height: float) -> Markup:
        """The layout's stylesheet for a page size, with its fonts and the spacing classes."""
        stack = {role: Markup(self.fonts.css_stack(role)) for role in self.fonts.stacks}
        css = self._render(self.layout.css_template,
                           font_faces=Markup(self.fonts.font_face_css()), stack=stack,
                           page_width=round(page_width, 3), page_height=round(page_height, 3))
        return Markup(css + "\n" + spacing_css())

    def render(self, name: str, lang: str, page_width: float, page_height: float,
               inline_css: bool = True, **context: object) -> str:
        """A template rendered; ``inline_css=False`` leaves the stylesheet out (the caller
        hands it to WeasyPrint once for many documents)."""
        css = self.css(page_width, page_height) if inline_css else Markup("")
        return self._render(name, css=css, labels=l10n.labels(lang), **context)


def _template_frame(tb: TracebackType | None) -> tuple[str, int] | None:
    """The innermost template (file, line) of a traceback: Jinja maps its frames to them."""
    place = None
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith((".j2", ".html", ".css")):
            place = (filename, tb.tb_lineno)
        tb = tb.tb_next
    return place


def measure_html(templates: Templates, stories: Sequence[MeasureView], width: float) -> str:
    """The measuring document: one story per (very tall) page."""
    lang = stories[0].lang if stories else "en"
    return templates.render("measure.html.j2", lang, width + 40, 100_000, stories=stories)


def pages_html(templates: Templates, pages: Sequence[PageView], lang: str,
               meta: dict[str, str] | None = None, inline_css: bool = True) -> str:
    """The document of newspaper pages (one WeasyPrint page each)."""
    grid = templates.layout.grid
    assert templates.layout.pages is not None
    return templates.render(templates.layout.pages.page_template, lang, grid.page_width,
                            grid.page_height, inline_css, pages=pages, doc_lang=lang,
                            meta=meta or {})


def pages_css(templates: Templates) -> str:
    """The stylesheet of the newspaper pages (what ``pages_html`` leaves out when asked)."""
    grid = templates.layout.grid
    return str(templates.css(grid.page_width, grid.page_height))
