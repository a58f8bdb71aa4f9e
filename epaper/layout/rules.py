"""House rules of the night desk: how full a page must be, what may jump, be cut or held.

Defaults come from the layout's ``[rules]`` table; an edition's ``[rules]`` overrides them
key by key. Copy-desk practice: at least 6 inches jumped and 4 inches kept before the jump,
about 34 and 22 body lines at the broadsheet's 12.8 pt pitch.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

JUMPS_FROM = ("fronts", "all", "none")
TRIMS = ("none", "paragraphs")


@dataclass(frozen=True)
class HouseRules:
    """The ``[rules]`` table (TOML keys are the field names with dashes)."""

    fill: float = 0.97  # share of each page's news hole stories must cover
    min_jump_lines: int = 34  # a continuation carries at least these body lines
    min_lines_before_jump: int = 22  # body lines kept before the jump
    jumps_from: str = "fronts"  # fronts (a section's first page) | all | none
    max_jumps_per_page: int = 3
    trim: str = "paragraphs"  # none | paragraphs (whole paragraphs, from the bottom)
    hold: int = 5  # stories of this priority number or higher may be held

    def may_jump_from(self, page_number: int) -> bool:
        """May a story on the section's ``page_number``-th page continue later?"""
        if self.jumps_from == "none":
            return False
        return self.jumps_from == "all" or page_number == 1

    def may_trim(self, article_trim: bool | None) -> bool:
        """May this story be cut at a paragraph end (front matter ``trim: false`` says no)?"""
        return self.trim == "paragraphs" and article_trim is not False

    def may_hold(self, priority: int) -> bool:
        return priority >= self.hold


def rules_problems(data: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    """(key, what is wrong, fix) for each bad entry of a ``[rules]`` table."""
    known = {f.name.replace("_", "-"): f for f in fields(HouseRules)}
    out = []
    for key, value in data.items():
        if key not in known:
            out.append((key, f"unknown rule '{key}'", "rules: " + ", ".join(known)))
            continue
        kind = known[key].type
        if key == "fill":
            if not isinstance(value, int | float) or isinstance(value, bool) or \
                    not 0 < value <= 1:
                out.append((key, f"fill must be a share between 0 and 1, not {value!r}",
                            "write e.g. fill = 0.97"))
        elif key == "jumps-from":
            if value not in JUMPS_FROM:
                out.append((key, f"jumps-from {value!r} is not known",
                            "use " + ", ".join(JUMPS_FROM)))
        elif key == "trim":
            if value not in TRIMS:
                out.append((key, f"trim {value!r} is not known", "use none or paragraphs"))
        elif kind in ("int", int) and (not isinstance(value, int) or isinstance(value, bool)
                                        or value < 0):
            out.append((key, f"{key} must be a whole number ≥ 0, not {value!r}",
                        f"write e.g. {key} = {getattr(HouseRules(), known[key].name)}"))
    return out


def with_rules(base: HouseRules, data: Mapping[str, Any]) -> HouseRules:
    """``base`` with the (already checked) entries of a ``[rules]`` table applied."""
    values = {k.replace("-", "_"): v for k, v in data.items()}
    if "fill" in values:
        values["fill"] = float(values["fill"])
    return replace(base, **values)
