"""Inline HTML of the text runs (escaped; long words given break opportunities) and the
classes that set a composed line's letter- and word-spacing as the composer planned it."""

from __future__ import annotations

import re
from collections.abc import Sequence

from markupsafe import Markup, escape

from epaper.compose.paragraph import LETTER_STEP, LONG_WORD, WORD_STEP, wrap_points
from epaper.layout.galley import Line
from epaper.model import Run

_TAGS = {"em": "em", "strong": "strong", "code": "code"}


_LONG_WORD = re.compile(rf"\S{{{LONG_WORD},}}")


def breakable(text: str) -> str:
    """Escaped text in which a word too long for any column may break: a URL after ``/``
    and ``.`` (and its other separators), anything else every 8 characters. Breaks are
    ``<wbr>`` (WeasyPrint sets them as zero-width spaces, dropped when lines are read)."""
    out, pos = [], 0
    for match in _LONG_WORD.finditer(text):
        out.append(str(escape(text[pos:match.start()])))
        pieces, last = [], 0
        word = match.group(0)
        for cut in wrap_points(word):
            pieces.append(str(escape(word[last:cut])))
            last = cut
        pieces.append(str(escape(word[last:])))
        out.append("<wbr>".join(p for p in pieces if p))
        pos = match.end()
    out.append(str(escape(text[pos:])))
    return "".join(out)


def inline(runs: Sequence[Run], breaks: bool = False) -> Markup:
    """Runs as escaped inline HTML (``<em>``, ``<strong>``, dateline span). ``breaks``: long
    words get break opportunities (measuring: a set line never runs past its column)."""
    out = []
    for run in runs:
        html = breakable(run.text) if breaks else str(escape(run.text))
        for style in sorted(run.styles):
            if style == "dateline":
                html = f'<span class="dateline">{html}</span>'
            else:
                html = f"<{_TAGS[style]}>{html}</{_TAGS[style]}>"
        out.append(html)
    return Markup("".join(out))


def slice_runs(runs: Sequence[Run], start: int, end: int) -> tuple[Run, ...]:
    """The runs covering characters ``start:end`` of their joined text."""
    out, pos = [], 0
    for run in runs:
        a, b = max(start, pos), min(end, pos + len(run.text))
        if a < b:
            out.append(Run(run.text[a - pos:b - pos], run.styles))
        pos += len(run.text)
    return tuple(out)


LETTER_CLASSES = (-0.5, 0.8)  # points: letter-spacing steps that have a class (see css)
WORD_CLASSES = (-3.0, 0.0)


def _step_class(prefix: str, value: float, step: float, bounds: tuple[float, float]) -> str:
    n = round(value / step)
    if not value or abs(n * step - value) > 1e-6 or not bounds[0] <= value <= bounds[1]:
        return ""
    return f"{prefix}{'m' if n < 0 else 'p'}{abs(n)}"


def spacing_css() -> str:
    """One class per letter- and word-spacing step a composed line may take: classes cost
    WeasyPrint much less than a style attribute on every line."""
    rules = []
    for prefix, step, (low, high), prop in (("ls", LETTER_STEP, LETTER_CLASSES,
                                             "letter-spacing"),
                                            ("ws", WORD_STEP, WORD_CLASSES, "word-spacing")):
        for n in range(round(low / step), round(high / step) + 1):
            if n:
                name = f"{prefix}{'m' if n < 0 else 'p'}{abs(n)}"
                rules.append(f".para.line.{name} {{ {prop}: {n * step:.3f}pt }}")
    return "\n".join(rules)


def line_style(line: Line) -> tuple[str, str]:
    """The classes (and, out of their range, the inline CSS) that set a composed line as
    the composer planned it: its letter- and word-spacing."""
    if not line.planned:
        return "", ""
    classes, style = [], []
    for prefix, value, step, bounds, prop in (
            ("ls", line.letter_spacing, LETTER_STEP, LETTER_CLASSES, "letter-spacing"),
            ("ws", line.word_spacing, WORD_STEP, WORD_CLASSES, "word-spacing")):
        if value:
            name = _step_class(prefix, value, step, bounds)
            if name:
                classes.append(name)
            else:
                style.append(f"{prop}: {value:g}pt")
    return " ".join(classes), "; ".join(style)
