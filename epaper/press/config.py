"""The ``[press]`` table of a layout: how press pages are made (PDF/X variant, output
profile, ink limit, bleed, crop marks, file names, house colours in CMYK).

A layout that borrows another's templates (``templates.base``) also takes its ``[press]``
settings, key by key, unless it sets them itself: the tabloid prints in the broadsheet's
house colours.
"""

from __future__ import annotations

import re
import string
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from epaper.errors import InputErrors, Problem
from epaper.layout.grid import Layout
from epaper.units import to_pt

PROFILES = Path(__file__).resolve().parent / "profiles"
DEFAULT_PROFILE = "epaper-newsprint-240.icc"
NAME_FIELDS = ("slug", "date", "label", "page", "section")
_HEX = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})")


class PressSettings(BaseModel):
    """``[press]`` in layout.toml (keys in kebab-case)."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    variant: Literal["pdf/x-4", "pdf/x-1a"] = "pdf/x-4"
    profile: str = DEFAULT_PROFILE
    ink_limit: int = Field(240, alias="ink-limit", ge=100, le=400)
    bleed: str = "0mm"
    marks: Literal["none", "crop"] = "none"
    name: str = "{slug}-{date}-{label}.pdf"
    colours: dict[str, str] = Field(default_factory=dict)

    @field_validator("bleed")
    @classmethod
    def _length(cls, value: str) -> str:
        if to_pt(value) < 0:
            raise ValueError("must not be negative")
        return value

    @field_validator("marks")
    @classmethod
    def _marks_need_bleed(cls, value: str, info: ValidationInfo) -> str:
        if value != "none" and to_pt(info.data.get("bleed", "0mm")) <= 0:
            raise ValueError('crop marks sit in the bleed: set a bleed such as "3mm"')
        return value

    @field_validator("name")
    @classmethod
    def _pattern(cls, value: str) -> str:
        fields = [f for _, f, _, _ in string.Formatter().parse(value) if f is not None]
        unknown = [f for f in fields if f not in NAME_FIELDS]
        if unknown:
            raise ValueError(f"unknown field {{{unknown[0]}}}; use "
                             + ", ".join(f"{{{f}}}" for f in NAME_FIELDS))
        if "label" not in fields and "page" not in fields:
            raise ValueError("must contain {label} or {page}, or every page gets one name")
        if "/" in value or "\\" in value or value.startswith("."):
            raise ValueError("must be a plain file name (no folders)")
        if not value.endswith(".pdf"):
            raise ValueError("must end in .pdf")
        return value

    @field_validator("colours")
    @classmethod
    def _colours(cls, value: dict[str, str]) -> dict[str, str]:
        for key, cmyk in value.items():
            if not _HEX.fullmatch(key):
                raise ValueError(f"'{key}' is not a #rgb or #rrggbb colour")
            parse_cmyk(cmyk, key)
        return {key.lower(): cmyk for key, cmyk in value.items()}


def parse_cmyk(value: str, key: str = "") -> tuple[float, float, float, float]:
    """``"0 100 85 20"`` (percent of cyan, magenta, yellow, black) as four numbers."""
    parts = value.replace("%", "").split()
    try:
        numbers = tuple(float(p) for p in parts)
    except ValueError:
        numbers = ()
    if len(numbers) != 4 or not all(0 <= n <= 100 for n in numbers):
        raise ValueError(f"'{key}' = '{value}' is not four percentages (C M Y K, 0–100)")
    return numbers  # type: ignore[return-value]


@dataclass(frozen=True)
class Press:
    """Validated press settings of one layout, with the profile file found."""

    settings: PressSettings
    profile_path: Path
    toml: Path  # the layout.toml that was read (for error messages)

    @property
    def bleed_pt(self) -> float:
        """The bleed in points."""
        return to_pt(self.settings.bleed)


def _table(toml: Path) -> dict[str, Any]:
    data = tomllib.loads(toml.read_text(encoding="utf-8"))
    table = data.get("press", {})
    return table if isinstance(table, dict) else {"": table}


def load_press(layout: Layout) -> Press:
    """The ``[press]`` settings of ``layout``. Raises :class:`InputErrors` naming each
    bad key and its fix."""
    toml = layout.folder / "layout.toml"
    table: dict[str, Any] = {}
    owner: dict[str, Path] = {}
    for folder in reversed(layout.folders):  # the base first, the layout's own keys win
        own = _table(folder / "layout.toml")
        table.update(own)
        owner.update({k: folder for k in own})
    try:
        settings = PressSettings.model_validate(table)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            key = ".".join(str(x) for x in err["loc"])
            message = err["msg"].removeprefix("Value error, ")
            fix = ("allowed keys: " + ", ".join(
                f.alias or n for n, f in PressSettings.model_fields.items())
                   if err["type"] == "extra_forbidden" else _FIXES.get(key.split(".")[0]))
            problems.append(Problem(toml, message, field=f"press.{key}", fix=fix))
        raise InputErrors(problems) from None
    folder = owner.get("profile", layout.folder)
    return Press(settings, find_profile(settings.profile, folder, toml), toml)


_FIXES = {
    "variant": 'use "pdf/x-4" (the default) or "pdf/x-1a"',
    "ink-limit": "a total area coverage in percent, e.g. 240 for newsprint",
    "bleed": 'a length such as "3mm" ("0mm": no bleed)',
    "marks": 'use "none" or "crop" (crop marks need a bleed to sit in)',
    "name": 'e.g. "{slug}-{date}-{label}.pdf"',
    "colours": '"#161616" = "0 0 0 100": a CSS colour and its C M Y K in percent',
}


def find_profile(name: str, folder: Path, toml: Path) -> Path:
    """The ICC file ``name``: a profile epaper ships, or a file in the layout folder.
    It must be a CMYK output (printer) profile."""
    from epaper.press.colour import profile_problem

    bundled = PROFILES / name
    path = bundled if "/" not in name and bundled.is_file() else (folder / name).resolve()
    where = "a profile epaper ships (" + ", ".join(
        sorted(p.name for p in PROFILES.glob("*.icc"))) + ") or an .icc file in " + str(folder)
    if not path.is_file():
        raise InputErrors([Problem(toml, f"profile '{name}' not found ({path})",
                                   field="press.profile", fix=f"name {where}")])
    if not (path.is_relative_to(folder.resolve()) or path.is_relative_to(PROFILES)):
        raise InputErrors([Problem(toml, f"profile '{name}' is outside the layout folder",
                                   field="press.profile", fix=f"name {where}")])
    problem = profile_problem(path)
    if problem:
        raise InputErrors([Problem(toml, f"profile '{name}': {problem}", field="press.profile",
                                   fix="give a CMYK output profile (device class 'prtr'), "
                                       "e.g. your plant's newsprint profile")])
    return path
