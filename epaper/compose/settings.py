"""The composer's parameters: the ``[composer]`` table of a layout's ``layout.toml``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

BREAKERS = ("total-fit", "greedy")


@dataclass(frozen=True)
class ComposerSettings:
    """How body paragraphs are broken into lines.

    Space values are fractions of the font's natural word space; letter-spacing values are
    fractions of the font size (em). Penalties and demerits are TeX's units."""

    breaker: str = "total-fit"  # "greedy": WeasyPrint breaks the lines (the old path)
    tolerance: float = 400.0  # highest badness (100·r³) of a line on the first pass
    emergency_tolerance: float = 5000.0  # second pass, reported, when the first finds nothing
    space_stretch: float = 0.6
    space_shrink: float = 0.2
    letter_spacing_min: float = -0.01  # em: the tightest letter-spacing a line may take
    letter_spacing_max: float = 0.02  # em: the loosest
    line_penalty: float = 10.0
    hyphen_penalty: float = 50.0
    explicit_hyphen_penalty: float = 50.0
    proper_noun_penalty: float = 1000.0  # a name is hyphenated only when nothing else fits
    double_hyphen_demerits: float = 3000.0
    final_hyphen_demerits: float = 5000.0  # a hyphen on the paragraph's next-to-last line
    fitness_demerits: float = 3000.0  # a tight line next to a loose one
    hyphenate_before: int = 2  # least characters before a hyphen
    hyphenate_after: int = 3  # least characters after it
    max_hyphenated_lines: int = 2  # hyphenated lines in a row
    min_last_line: float = 0.12  # a last line shorter than this share of the column costs
    never_hyphenate: frozenset[str] = field(default_factory=frozenset)  # words of the house
    # Korean body text: lines may break between syllables; letter-spacing does the rest
    korean_letter_spacing_min: float = -0.02
    korean_letter_spacing_max: float = 0.06
    korean_syllable_penalty: float = 20.0

    @property
    def total_fit(self) -> bool:
        return self.breaker == "total-fit"


_KEYS = {f.replace("_", "-"): f for f in ComposerSettings.__dataclass_fields__}


def composer_settings(table: Mapping[str, Any] | None) -> ComposerSettings:
    """Settings from the ``[composer]`` table (absent keys keep their defaults). Raises
    ``ValueError`` naming an unknown key or a bad value."""
    values: dict[str, Any] = {}
    for key, value in (table or {}).items():
        if key == "letter-spacing":
            low, high = (float(v) for v in value)
            values["letter_spacing_min"], values["letter_spacing_max"] = low, high
            continue
        if key == "korean-letter-spacing":
            low, high = (float(v) for v in value)
            values["korean_letter_spacing_min"] = low
            values["korean_letter_spacing_max"] = high
            continue
        name = _KEYS.get(key)
        if name is None:
            known = ", ".join(sorted([*_KEYS, "letter-spacing", "korean-letter-spacing"]))
            raise ValueError(f"[composer]: unknown key '{key}' (known: {known})")
        default = getattr(ComposerSettings(), name)
        if name == "breaker":
            if value not in BREAKERS:
                raise ValueError(f"[composer]: breaker must be one of {BREAKERS}, not {value!r}")
        elif name == "never_hyphenate":
            value = frozenset(str(v) for v in value)
        else:
            value = type(default)(value)
        values[name] = value
    settings = ComposerSettings(**values)
    if settings.letter_spacing_min > 0 or settings.letter_spacing_max < 0:
        raise ValueError("[composer]: letter-spacing must be a range around 0, e.g. [-0.01, 0.02]")
    return settings
