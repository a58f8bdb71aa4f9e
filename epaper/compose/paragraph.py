"""One paragraph composed: its runs turned into boxes, glue and penalties, broken into lines
by total fit, and each line given the letter- and word-spacing that justifies it."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from epaper.compose.breaker import (
    INFINITY,
    Box,
    Glue,
    Item,
    Params,
    Penalty,
    break_lines,
    break_options,
)
from epaper.compose.hyphens import hyphen_points, unbreakable
from epaper.compose.korean import can_break_between, is_hangul
from epaper.compose.settings import ComposerSettings
from epaper.compose.shaping import Shaper, TextStyle
from epaper.model import Run

HYPHEN = "\u2010"  # the hyphen the line template prints after a hyphenated line
_SPACE = re.compile(r"[ \t\n\r]+")
_SENTENCE_END = re.compile(r"[.!?:;…][\"'”’)\]]*$")
_EXPLICIT = ("-", "\u2010", "\u2014", "\u2013")  # a line may end after these


@dataclass(frozen=True)
class Measure:
    """Where a paragraph's lines go: available widths in points (first line, others)."""

    first: float
    rest: float
    marker: float = 0.0  # width of the list marker and its space, on the first line
    marker_chars: int = 0  # its characters (they take the line's letter-spacing)


@dataclass(frozen=True)
class SetLine:
    """A composed line: characters ``start:end`` and how it is spaced to fill its width."""

    start: int
    end: int
    hyphen: bool
    natural: float  # width at natural spacing, points
    width: float  # the width it is justified to
    letter_spacing: float  # points added after every character (CSS letter-spacing)
    word_spacing: float  # points added to every space (CSS word-spacing, may be negative)
    spaces: int
    space_ratio: float  # a word space as set over the natural space (1.0: natural)
    last: bool
    planned: float = 0.0  # the width with its letter- and word-spacing, before justifying
    hyphen_kind: str = ""  # "auto" (pyphen), "explicit" (after - or —), "syllable" (Korean)


@dataclass(frozen=True)
class Composed:
    lines: tuple[SetLine, ...]
    emergency: bool  # the first pass found no breaks within the tolerance
    overfull: int  # lines wider than the column even at the tightest spacing
    # the paragraph set one line shorter (-1) or longer (+1) within the tolerance
    alternatives: Mapping[int, tuple[SetLine, ...]] = field(default_factory=dict)


class Styled:
    """The paragraph's text with each character's style (from its run)."""

    def __init__(self, runs: Sequence[Run], styles: Mapping[frozenset[str], TextStyle],
                 shaper: Shaper) -> None:
        self.text = "".join(r.text for r in runs)
        self.spans: list[tuple[int, int, TextStyle]] = []
        pos = 0
        for run in runs:
            if run.text:
                self.spans.append((pos, pos + len(run.text), styles[frozenset(run.styles)]))
            pos += len(run.text)
        self.shaper = shaper

    def style_at(self, i: int) -> TextStyle:
        for a, b, style in self.spans:
            if a <= i < b:
                return style
        return self.spans[-1][2]

    def width(self, a: int, b: int, ligatures: bool = True, spaced: bool = False) -> float:
        total = 0.0
        for s, e, style in self.spans:
            lo, hi = max(a, s), min(b, e)
            if lo < hi:
                before = self.text[lo - 1] if lo > 0 else ""
                after = self.text[hi] if hi < len(self.text) else ""
                total += self.shaper.width(_SPACE.sub(" ", self.text[lo:hi]), style, ligatures,
                                           before, after, spaced)
        return total

    def boundary_spaces(self, a: int, b: int) -> float:
        """What Pango adds with word-spacing to a space at either end of a run that has its
        own letter-spacing: half that letter-spacing (measured on WeasyPrint 70)."""
        extra = 0.0
        for s, e, style in self.spans:
            lo, hi = max(a, s), min(b, e)
            if lo < hi and style.letter_spacing:
                chunk = self.text[lo:hi]
                extra += style.letter_spacing / 2 * (chunk[:1].isspace() + chunk[-1:].isspace())
        return extra

    def adjustable(self, a: int, b: int) -> int:
        """Characters in ``a:b`` that take the line's letter-spacing (not fixed by a style)."""
        return sum(min(b, e) - max(a, s) for s, e, style in self.spans
                   if style.letter_spacing is None and min(b, e) > max(a, s))


@dataclass(frozen=True)
class _Where:
    """What an item stands for in the text."""

    start: int  # a break here: the line ends at ``start`` and the next begins at ``end``
    end: int
    kind: str = ""  # penalties: "auto", "explicit", "syllable"


def _words(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in re.finditer(r"[^ \t\n\r]+", text)]


def compose(runs: Sequence[Run], styles: Mapping[frozenset[str], TextStyle], shaper: Shaper,
            measure: Measure, settings: ComposerSettings, hyphenation: str | None,
            korean: bool, looseness: int = 0) -> Composed:
    """Break the paragraph of ``runs`` into justified lines by total fit. ``hyphenation``:
    the pyphen dictionary (None: none); ``korean``: lines may break between syllables."""
    styled = Styled(runs, styles, shaper)
    text = styled.text
    base = styled.spans[0][2].size if styled.spans else 10.0
    base_style = styles[frozenset()]
    space = shaper.width(" ", base_style, before="\uac00" if korean else "")
    ls_min = (settings.korean_letter_spacing_min if korean else settings.letter_spacing_min)
    ls_max = (settings.korean_letter_spacing_max if korean else settings.letter_spacing_max)
    ls_stretch, ls_shrink = ls_max * base, -ls_min * base
    items: list[Item] = []
    where: list[_Where] = []

    def add(item: Item, at: _Where) -> None:
        items.append(item)
        where.append(at)

    words = _words(text)
    if measure.marker:
        add(Box(measure.marker), _Where(0, 0))
    for n, (a, b) in enumerate(words):
        word = text[a:b]
        if n:
            gap = a - words[n - 1][1]
            previous_word = text[words[n - 1][0]:words[n - 1][1]]
            s_width = styled.width(a - gap, a - gap + 1)
            adj = styled.adjustable(a - gap, a - gap + 1)
            no_break = korean and not can_break_between(previous_word[-1], word[0])
            if no_break:
                add(Penalty(0, INFINITY), _Where(a - gap, a))
            add(Glue(s_width, s_width * settings.space_stretch + adj * ls_stretch,
                     s_width * settings.space_shrink + adj * ls_shrink), _Where(a - gap, a))
        cuts = _cuts(word, n, text, a, words, settings, hyphenation, korean)
        if any(kind == "wrap" for _, kind, _ in cuts) and \
                styled.width(a, b) <= min(measure.first, measure.rest):
            cuts = [c for c in cuts if c[1] != "wrap"]  # it fits a line: never wrapped
        pos = 0
        for cut, kind, penalty in cuts:
            add(_box(styled, a + pos, a + cut, ls_stretch, ls_shrink), _Where(a + pos, a + cut))
            hyphen_width = shaper.width(HYPHEN, styled.style_at(a + cut - 1)) \
                if kind == "auto" else 0.0
            add(Penalty(hyphen_width, penalty, kind in ("auto", "explicit")),
                _Where(a + cut, a + cut, kind))
            pos = cut
        add(_box(styled, a + pos, b, ls_stretch, ls_shrink), _Where(a + pos, b))
    end = len(text.rstrip())
    add(Penalty(0, INFINITY), _Where(end, end))
    add(Glue(0, INFINITY, 0), _Where(end, end))
    add(Penalty(0, -INFINITY), _Where(end, end))
    params = Params(settings.tolerance, settings.line_penalty, settings.double_hyphen_demerits,
                    settings.final_hyphen_demerits, settings.fitness_demerits,
                    settings.max_hyphenated_lines, settings.min_last_line * measure.rest,
                    settings.final_hyphen_demerits / 2)
    widths = (measure.first, measure.rest)
    emergency = False
    options = break_options(items, widths, params)
    breaks = None
    if options:
        best = min(options, key=lambda n: (options[n][0], n))
        breaks = options.get(best + looseness, options[best])[1]
    if breaks is None:
        emergency = True
        for tolerance in (settings.emergency_tolerance, INFINITY ** 3):
            wide = Params(**{**params.__dict__, "tolerance": tolerance})
            breaks = break_lines(items, widths, wide, looseness)
            if breaks is not None:
                break
    if breaks is None:  # a word wider than the column: one line per word, reported overfull
        breaks = _word_per_line(items)
    composed = _lines(styled, items, where, breaks, measure, space, ls_min * base,
                      ls_max * base, settings, emergency)
    if emergency or looseness:
        return composed
    alternatives = {}
    for change in (-1, 1):
        if best + change in options:
            alternatives[change] = _lines(styled, items, where, options[best + change][1],
                                          measure, space, ls_min * base, ls_max * base,
                                          settings, False).lines
    return replace(composed, alternatives=alternatives)


def _box(styled: Styled, a: int, b: int, ls_stretch: float, ls_shrink: float) -> Box:
    adj = styled.adjustable(a, b)
    return Box(styled.width(a, b), adj * ls_stretch, adj * ls_shrink)


def _cuts(word: str, n: int, text: str, a: int, words: list[tuple[int, int]],
          settings: ComposerSettings, hyphenation: str | None,
          korean: bool) -> list[tuple[int, str, float]]:
    """Breaks inside a word: (offset, kind, penalty)."""
    wraps = _wraps(word)
    if unbreakable(word):
        return wraps
    core = word.strip("\"'“”‘’()[],.;:!?…")
    proper = False
    if core[:1].isupper() and n:
        previous = text[words[n - 1][0]:words[n - 1][1]]
        proper = not _SENTENCE_END.search(previous)
    if core in settings.never_hyphenate or core.rstrip("'’s") in settings.never_hyphenate:
        proper = True
    extra = settings.proper_noun_penalty if proper else 0.0
    cuts: dict[int, tuple[str, float]] = {}
    for i, char in enumerate(word[:-1]):
        if char in _EXPLICIT and i > 0 and word[i + 1].isalpha() and word[i - 1].isalpha():
            cuts[i + 1] = ("explicit", settings.explicit_hyphen_penalty + extra)
    if korean:
        for i in range(1, len(word)):
            if is_hangul(word[i - 1]) and is_hangul(word[i]):
                cuts[i] = ("syllable", settings.korean_syllable_penalty)
    elif hyphenation:
        for p in hyphen_points(word, hyphenation, settings.hyphenate_before,
                               settings.hyphenate_after):
            if p not in cuts and word[p - 1].isalpha() and word[p].isalpha():
                cuts[p] = ("auto", settings.hyphen_penalty + extra)
    for p, kind, penalty in wraps:
        cuts.setdefault(p, (kind, penalty))
    return [(p, *cuts[p]) for p in sorted(cuts)]


LONG_WORD = 20  # characters: a word this long may be too wide for a narrow column
WRAP_PENALTY = 5000.0  # a last resort: only a word wider than its column takes it


def wrap_points(word: str) -> list[int]:
    """Where a word too wide for its column (a URL, a hash) may still break, without a
    hyphen: after a URL's separators, anything else every 8 characters; none in a word
    shorter than ``LONG_WORD``. The composer and the HTML given to WeasyPrint share them."""
    if len(word) < LONG_WORD:
        return []
    cuts, since = [], 0
    for i in range(1, len(word)):
        since += 1
        if word[i - 1] in "/.?&=_~#:,;-" or since >= 8:
            cuts.append(i)
            since = 0
    return cuts


def _wraps(word: str) -> list[tuple[int, str, float]]:
    """The wrap points of a word, at a penalty so high that they are taken only when
    nothing else keeps the line in its column."""
    return [(i, "wrap", WRAP_PENALTY) for i in wrap_points(word)]


def _word_per_line(items: list[Item]) -> list:
    from epaper.compose.breaker import Break
    out = []
    line = 0
    for i, item in enumerate(items):
        if isinstance(item, Glue) and i and isinstance(items[i - 1], Box) or \
                i == len(items) - 1:
            line += 1
            out.append(Break(i, line, 0.0))
    return out


def _lines(styled: Styled, items: list[Item], where: list[_Where], breaks: list,
           measure: Measure, space: float, ls_min: float, ls_max: float,
           settings: ComposerSettings, emergency: bool) -> Composed:
    text = styled.text
    out: list[SetLine] = []
    start = where[0].start if where else 0
    if items and isinstance(items[0], Box) and measure.marker:
        start = 0
    overfull = 0
    for n, brk in enumerate(breaks):
        at = where[brk.position]
        last = n == len(breaks) - 1
        item = items[brk.position]
        kind = at.kind if isinstance(item, Penalty) and not last else ""
        hyphen = kind == "auto"
        end = len(text) if last else at.start
        while start < len(text) and text[start] in " \t\n\r":
            start += 1
        body_end = len(text.rstrip()) if last else end
        width = measure.first if n == 0 else measure.rest
        chunk = _SPACE.sub(" ", text[start:body_end])
        spaces = chunk.count(" ") + chunk.count("\u00a0") + (1 if n == 0 and measure.marker else 0)
        adj = styled.adjustable(start, body_end) + int(hyphen) + (
            measure.marker_chars if n == 0 else 0)
        hyphen_style = styled.style_at(end - 1) if hyphen else None
        marker = measure.marker if n == 0 else 0.0
        # Pango sets letter-spaced text without ligatures, and word-spacing makes each space
        # an item of its own: measure the line as it will be set, until that agrees
        ligatures, spaced = True, False
        for _ in range(3):
            natural = _natural(styled, start, body_end, marker, hyphen_style, ligatures, spaced)
            letter, word = _spacing(width - natural, last, spaces, adj, space, ls_min, ls_max,
                                    settings)
            if (letter == 0, word != 0) == (ligatures, spaced):
                break
            ligatures, spaced = letter == 0, word != 0
        else:  # no agreement: set it without ligatures, spaced, a step tighter (safe)
            natural = _natural(styled, start, body_end, marker, hyphen_style, False, True)
            letter, word = _spacing(width - natural, last, spaces, adj, space, ls_min, ls_max,
                                    settings)
            letter = letter or -LETTER_STEP
            word = _word_for(width - natural, letter, adj, spaces) or -WORD_STEP
        if natural - width > 0.05 + adj * -ls_min + spaces * space * 0.5:
            overfull += 1
        if word:
            natural += styled.boundary_spaces(start, body_end)
        set_natural = natural + letter * adj + word * spaces
        gap = space + letter + word + (
            max(0.0, width - set_natural) / spaces if spaces and not last else 0.0)
        out.append(SetLine(start, end, hyphen, round(natural, 3), round(width, 3), letter,
                           word, spaces, round(gap / space, 4) if space else 1.0, last,
                           round(set_natural, 3), kind))
        start = at.end
    return Composed(tuple(out), emergency, overfull)


def _natural(styled: Styled, start: int, end: int, marker: float,
             hyphen: TextStyle | None, ligatures: bool, spaced: bool) -> float:
    width = styled.width(start, end, ligatures, spaced) + marker
    if hyphen is not None:
        width += styled.shaper.width(HYPHEN, hyphen, ligatures)
    return width


LETTER_STEP = 0.005  # points: letter-spacing is set in these steps (see render.markup)
WORD_STEP = 0.01  # points: word-spacing likewise


def _toward_zero(value: float, step: float) -> float:
    return math.trunc(round(value / step, 6)) * step


def _word_for(slack: float, letter: float, adj: int, spaces: int) -> float:
    """The word-spacing that brings the line within its width once ``letter`` is set (0
    when it already fits: WeasyPrint's justification widens the spaces the rest)."""
    rest = slack - letter * adj
    if rest >= 0 or not spaces:
        return 0.0
    return round(math.floor(rest / spaces / WORD_STEP) * WORD_STEP, 4)


def _spacing(slack: float, last: bool, spaces: int, adj: int, space: float, ls_min: float,
             ls_max: float, settings: ComposerSettings) -> tuple[float, float]:
    """(letter-spacing, word-spacing) in points, in whole steps, that bring a line's natural
    width to within what WeasyPrint's justification fills (it only widens spaces)."""
    if slack >= 0 and last:
        return 0.0, 0.0
    if slack >= 0:
        stretch = spaces * space * settings.space_stretch + adj * ls_max
        ratio = slack / stretch if stretch else 0.0
        letter = min(ratio, 1.0) * ls_max if spaces else min(slack / max(adj, 1), 4 * ls_max)
    else:
        shrink = spaces * space * settings.space_shrink + adj * -ls_min
        ratio = slack / shrink if shrink else -1.0
        letter = max(ratio, -1.0) * -ls_min
    letter = round(_toward_zero(letter, LETTER_STEP), 4)
    return letter, _word_for(slack, letter, adj, spaces)
