"""Copyfitting with the composer's freedom: paragraphs set a line shorter or longer.

Within its tolerance the composer can often set a paragraph in one line fewer or one more
(InDesign's copyfit). A story that runs a few lines over its frame is tightened, one that
leaves column feet empty is loosened, and widows and orphans are set away, paragraph by
paragraph, the least visible change first. Every word stays, in order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from epaper.layout.fit import Fit
from epaper.layout.galley import Galley, Line

MAX_CHANGES = 12  # paragraphs changed per story at most


@dataclass(frozen=True)
class Looseness:
    """What copyfitting changed: paragraphs (flow index) set tighter and looser."""

    tightened: tuple[int, ...] = ()
    loosened: tuple[int, ...] = ()


def _spread(lines: tuple[Line, ...]) -> float:
    """How far a paragraph's justified lines stray from natural spacing (lower is better)."""
    ratios = [abs(line.space_ratio - 1.0) for line in lines if line.space_ratio > 0]
    return max(ratios, default=0.0)


def _candidates(galley: Galley, change: int) -> list[int]:
    options = [(block, alt[change]) for block, alt in galley.alternatives.items()
               if change in alt]
    return [block for block, lines in sorted(options, key=lambda o: (_spread(o[1]), o[0]))]


def _score(fit: Fit) -> tuple[int, int]:
    return (len(fit.overset), fit.widows + fit.orphans)


def copyfit_looseness(galley: Galley, fit: Fit, fitter: Callable[[Galley], Fit],
                      underset: Callable[[Galley, Fit], int]) -> tuple[Galley, Fit, Looseness]:
    """Tighten an overset story, loosen one that leaves lines empty, set away widows and
    orphans; ``fitter`` fits a galley in the frame, ``underset`` counts its empty lines."""
    changes: dict[int, int] = {}

    def attempt(block: int, change: int) -> tuple[Galley, Fit]:
        trial = galley.loosened({**changes, block: change})
        return trial, fitter(trial)

    if fit.overset:
        current, current_fit = galley, fit
        for block in _candidates(galley, -1)[:MAX_CHANGES]:
            current, current_fit = attempt(block, -1)
            changes[block] = -1
            if not current_fit.overset:
                break
        return current, current_fit, Looseness(tightened=tuple(sorted(changes)))
    current, current_fit = galley, fit
    empty = underset(galley, fit)
    for block in _candidates(galley, 1):
        if empty <= 0 or len(changes) >= MAX_CHANGES:
            break
        trial, trial_fit = attempt(block, 1)
        if trial_fit.overset or _score(trial_fit) > _score(current_fit):
            continue
        changes[block] = 1
        current, current_fit = trial, trial_fit
        empty = underset(current, current_fit)
    if current_fit.widows or current_fit.orphans:
        for change in (1, -1):
            for block in _candidates(galley, change):
                if block in changes or len(changes) >= MAX_CHANGES:
                    continue
                trial, trial_fit = attempt(block, change)
                if not trial_fit.overset and _score(trial_fit) < _score(current_fit):
                    changes[block] = change
                    current, current_fit = trial, trial_fit
    return current, current_fit, Looseness(
        tuple(sorted(b for b, c in changes.items() if c < 0)),
        tuple(sorted(b for b, c in changes.items() if c > 0)))
