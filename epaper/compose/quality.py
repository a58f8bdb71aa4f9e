"""How well a galley's lines are set: word-space ratios, hyphenation, forbidden breaks.

The word-space ratio of a justified line is the space between its words as set over the
font's natural space (1.0: natural, 2.0: twice as wide). A paragraph's last line is not
justified and is not counted.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass

from epaper.compose.hyphens import unbreakable
from epaper.compose.korean import is_hangul
from epaper.layout.compose import FlowBlock
from epaper.layout.galley import Galley, Line
from epaper.model import Paragraph


@dataclass(frozen=True)
class Quality:
    """Figures over a set of galleys (JSON-ready through :meth:`report`)."""

    lines: int  # justified lines (paragraph last lines excluded)
    space_ratio_median: float
    space_ratio_p95: float
    space_ratio_max: float
    looser_than_1_5: float  # share of justified lines
    looser_than_2: float
    hyphenated: float  # share of all lines ending with an added hyphen
    longest_hyphen_run: int  # most hyphenated lines in a row
    forbidden_breaks: int  # lines broken inside a URL, an e-mail address or a number
    emergency_paragraphs: int  # paragraphs the composer set past its tolerance

    def report(self) -> dict[str, object]:
        """The figures as a JSON-ready dict."""
        return asdict(self)


def percentile(values: Sequence[float], share: float) -> float:
    """The ``share`` percentile of sorted ``values`` (nearest rank)."""
    if not values:
        return 0.0
    return values[min(len(values) - 1, max(0, math.ceil(share * len(values)) - 1))]


def forbidden(text: str, line: Line) -> bool:
    """Does the line end inside a word that must never be broken?"""
    end = line.end
    if line.last or end >= len(text) or text[end - 1].isspace() or text[end].isspace():
        return False
    if is_hangul(text[end - 1]) and is_hangul(text[end]):
        return False  # between two Korean syllables: a legal break, even in "2,400명이"
    start = end
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    stop = end
    while stop < len(text) and not text[stop].isspace():
        stop += 1
    return unbreakable(text[start:stop])


def quality(stories: Iterable[tuple[Galley, Sequence[FlowBlock]]]) -> Quality:
    """The figures over every text line of the ``stories`` (galley and its flow)."""
    ratios: list[float] = []
    total = hyphenated = longest = bad = 0
    emergency = 0
    for galley, flow in stories:
        texts = {fb.index: fb.block.text for fb in flow if isinstance(fb.block, Paragraph)}
        emergency += len(galley.emergency)
        run = 0
        for item in galley.items:
            if not isinstance(item, Line):
                continue
            total += 1
            if not item.last and item.space_ratio > 0:
                ratios.append(item.space_ratio)
            run = run + 1 if item.hyphen else 0
            hyphenated += item.hyphen
            longest = max(longest, run)
            bad += forbidden(texts[item.block], item)
    ratios.sort()
    n = len(ratios)
    return Quality(
        n, round(statistics.median(ratios), 3) if ratios else 0.0,
        round(percentile(ratios, 0.95), 3), round(ratios[-1], 3) if ratios else 0.0,
        round(sum(r > 1.5 for r in ratios) / n, 4) if n else 0.0,
        round(sum(r > 2.0 for r in ratios) / n, 4) if n else 0.0,
        round(hyphenated / total, 4) if total else 0.0, longest, bad, emergency)


def composition(measures: Iterable[object], breaker: str) -> dict[str, object]:
    """The report's ``composition`` section: who broke the lines and how well, over every
    measured story (``StoryMeasure``: its galley and its flow)."""
    stories = [(m.galley, m.parts.flow) for m in measures]  # type: ignore[attr-defined]
    return {"breaker": breaker, **quality(stories).report()}
