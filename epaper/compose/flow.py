"""A story's flow composed: every body paragraph broken by the composer into galley lines."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from epaper.compose.hyphens import dictionary_name
from epaper.compose.paragraph import HYPHEN, Measure, SetLine, Styled, compose
from epaper.compose.settings import ComposerSettings
from epaper.compose.shaping import Shaper, TextStyle
from epaper.layout.compose import FlowBlock
from epaper.layout.galley import Galley, Line
from epaper.model import Paragraph, Run

MARKER = "marker"  # the probe style key of a list marker


@dataclass(frozen=True)
class KindStyle:
    """A paragraph kind as the CSS sets it: widths and the style of each run style set."""

    padding_left: float
    padding_right: float
    text_indent: float
    line_height: float
    styles: Mapping[frozenset[str], TextStyle]


def probe_runs(flow: Sequence[FlowBlock]) -> dict[tuple[str, bool], list[frozenset[str]]]:
    """For each (kind, noindent) in the flow, the run style sets to probe (plain first)."""
    out: dict[tuple[str, bool], list[frozenset[str]]] = {}
    for fb in flow:
        if isinstance(fb.block, Paragraph):
            combos = out.setdefault((fb.block.kind, fb.noindent), [frozenset()])
            for run in fb.block.runs:
                if frozenset(run.styles) not in combos:
                    combos.append(frozenset(run.styles))
            if fb.block.marker and frozenset({MARKER}) not in combos:
                combos.append(frozenset({MARKER}))
    return out


@dataclass(frozen=True)
class FlowReport:
    emergency: tuple[int, ...]  # flow indices of paragraphs set past the tolerance
    overfull: int
    # paragraphs that can be set a line shorter (-1) or longer (+1) within the tolerance
    alternatives: Mapping[int, Mapping[int, tuple[Line, ...]]] = field(default_factory=dict)


def compose_flow(flow: Sequence[FlowBlock], kinds: Mapping[tuple[str, bool], KindStyle],
                 shaper: Shaper, settings: ComposerSettings, column_width: float,
                 lang: str, pitch: float,
                 looseness: Mapping[int, int] | None = None,
                 ) -> tuple[dict[int, list[Line]], FlowReport]:
    """Galley lines of every paragraph of ``flow`` at ``column_width``, all ``pitch`` high
    (the grid, whatever fonts a line mixes). ``looseness``: lines more or fewer per block."""
    korean = lang.lower().startswith("ko")
    hyphenation = None if korean else dictionary_name(lang)
    out: dict[int, list[Line]] = {}
    emergency: list[int] = []
    overfull = 0
    alternatives: dict[int, dict[int, tuple[Line, ...]]] = {}
    for fb in flow:
        block = fb.block
        if not isinstance(block, Paragraph):
            continue
        kind = kinds[(block.kind, fb.noindent)]
        inner = column_width - kind.padding_left - kind.padding_right
        marker = 0.0
        if block.marker:
            marker = (shaper.width(block.marker, kind.styles[frozenset({MARKER})])
                      + shaper.width(" ", kind.styles[frozenset()]))
        measure = Measure(inner - kind.text_indent, inner, marker,
                          len(block.marker) + 1 if block.marker else 0)
        runs: Sequence[Run] = block.runs
        composed = compose(runs, kind.styles, shaper, measure, settings, hyphenation, korean,
                           (looseness or {}).get(fb.index, 0))
        if composed.emergency:
            emergency.append(fb.index)
        overfull += composed.overfull
        out[fb.index] = _galley_lines(fb.index, composed.lines, pitch)
        if composed.alternatives:
            alternatives[fb.index] = {change: tuple(_galley_lines(fb.index, lines, pitch))
                                      for change, lines in composed.alternatives.items()}
    return out, FlowReport(tuple(emergency), overfull, alternatives)


def _galley_lines(block: int, lines: Sequence[SetLine], pitch: float) -> list[Line]:
    return [Line(block, sl.start, sl.end, pitch, sl.hyphen, n == 0, sl.last,
                 sl.letter_spacing, sl.word_spacing, sl.planned,
                 0.0 if sl.last else sl.space_ratio, sl.hyphen_kind)
            for n, sl in enumerate(lines)]



def greedy_ratios(galley: Galley, flow: Sequence[FlowBlock],
                  kinds: Mapping[tuple[str, bool], KindStyle], shaper: Shaper,
                  column_width: float, lang: str) -> Galley:
    """The galley WeasyPrint broke, each justified line given its word-space ratio (as
    WeasyPrint justifies: the whole slack goes to the spaces), for comparison."""
    korean = lang.lower().startswith("ko")
    blocks = {fb.index: fb for fb in flow}
    items = []
    for item in galley.items:
        fb = blocks.get(item.block)
        if isinstance(item, Line) and not item.last and fb is not None and \
                isinstance(fb.block, Paragraph):
            kind = kinds[(fb.block.kind, fb.noindent)]
            styled = Styled(fb.block.runs, kind.styles, shaper)
            inner = column_width - kind.padding_left - kind.padding_right
            width = inner - (kind.text_indent if item.first else 0.0)
            natural = styled.width(item.start, item.end)
            if item.first and fb.block.marker:
                natural += (shaper.width(fb.block.marker, kind.styles[frozenset({MARKER})])
                            + shaper.width(" ", kind.styles[frozenset()]))
            if item.hyphen:
                natural += shaper.width(HYPHEN, styled.style_at(item.end - 1))
            chunk = " ".join(fb.block.text[item.start:item.end].split())
            spaces = chunk.count(" ") + chunk.count("\u00a0")
            space = shaper.width(" ", kind.styles[frozenset()], before="\uac00" if korean else "")
            if spaces:
                ratio = ((width - natural) / spaces + space) / space
                item = replace(item, space_ratio=round(max(ratio, 0.01), 4))
        items.append(item)
    return replace(galley, items=tuple(items))
