"""``edition.toml``: the edition folder's settings, validated, every problem at once."""

from __future__ import annotations

import re
import tomllib
from datetime import date
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from epaper import l10n
from epaper.errors import Problem
from epaper.ingest.article import without_invisibles
from epaper.layout.rules import rules_problems
from epaper.validation import validation_problems

_ID = r"^[\w][\w-]*$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


class SectionConfig(_Strict):
    id: str = Field(pattern=_ID)
    title: str | None = None  # printed in folios and the outline; default: the id
    letter: str | None = Field(default=None, pattern=r"^[A-Z]$")
    template: str | None = None  # page role of the section's pages: inside, opinion, front
    pages: int | None = Field(default=None, ge=1)  # exactly this many pages


class PageConfig(_Strict):
    section: str = Field(pattern=_ID)
    template: str
    slots: dict[str, str] = Field(default_factory=dict)  # slot name → article slug


POSITIONS = ("bottom", "bottom-left", "bottom-right", "top-left", "top-right", "side-left",
             "side-right")


class AdConfig(_Strict):
    """An ad: a label (and image) for a template's ad block, or, with ``columns`` and
    ``depth``, an ad booked at its exact size and position on a page."""

    label: str = "Advertisement"
    image: str | None = None  # a file inside the edition folder
    page: str | None = None  # page label such as A3; default: ad slots in order
    columns: int | None = Field(default=None, ge=1)  # grid columns
    depth: str | None = None  # 60mm, 8cm, 3in, 200pt, 6rows, 5/15 (of the text depth), 5단
    position: Literal[POSITIONS] = "bottom"  # type: ignore[valid-type]
    advertiser: str = ""

    @property
    def booked(self) -> bool:
        return self.columns is not None or self.depth is not None


class PlanConfig(_Strict):
    """``[plan]``: the press plan."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
    pages: int | None = Field(default=None, ge=1)  # exactly this many pages
    page_multiple: Literal[1, 2, 4] = Field(default=1, alias="page-multiple")


class EditionConfig(_Strict):
    """The documented keys of ``edition.toml`` (see the README)."""

    title: str = Field(min_length=1)
    date: date
    locale: str = "en_US"
    timezone: str = "UTC"
    layout: str = "broadsheet"
    volume: int | None = Field(default=None, ge=1)
    number: int | None = Field(default=None, ge=1)
    price: str | None = None
    publisher: str | None = None
    subject: str | None = None
    sections: list[SectionConfig] = Field(default_factory=list)
    pages: list[PageConfig] = Field(default_factory=list)
    ads: list[AdConfig] = Field(default_factory=list)
    imprint: dict[str, str] = Field(default_factory=dict)  # printed under the masthead
    plan: PlanConfig = Field(default_factory=PlanConfig)
    rules: dict[str, Any] = Field(default_factory=dict)  # house rules (layout defaults)

    @field_validator("rules")
    @classmethod
    def _known_rules(cls, value: dict[str, Any]) -> dict[str, Any]:
        bad = rules_problems(value)
        if bad:
            raise ValueError("; ".join(f"{what} — {fix}" for _, what, fix in bad))
        return value

    @field_validator("locale")
    @classmethod
    def _known_locale(cls, value: str) -> str:
        return l10n.check_locale(value)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r} (use e.g. Asia/Seoul)") from exc
        return value

    @property
    def slug(self) -> str:
        """The title as a file name part: "The Korea Times" → "the-korea-times"."""
        return re.sub(r"[^\w]+", "-", self.title.lower()).strip("-") or "edition"


_MODELS = {"sections": SectionConfig, "pages": PageConfig, "ads": AdConfig,
           "plan": PlanConfig}


def _line_of_key(text: str, key: str) -> tuple[int, int] | None:
    match = re.search(rf"^(\s*(\[+\s*)?){re.escape(key)}\b", text, re.MULTILINE)
    if not match:
        return None
    return text[: match.start()].count("\n") + 1, len(match[1]) + 1


def load_config(path: Path, overrides: dict[str, object] | None = None,
                ) -> tuple[EditionConfig | None, list[Problem]]:
    """Read ``edition.toml``; ``overrides`` (from the command line) replace its keys."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None, [Problem(path, "no edition.toml in the edition folder",
                              fix="create it with at least: title, date, locale")]
    except (OSError, UnicodeDecodeError) as exc:
        return None, [Problem(path, f"cannot read edition.toml: {exc}")]
    try:
        data = tomllib.loads(without_invisibles(text))  # warned of by the edition's reader
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+), column (\d+)", str(exc))
        return None, [Problem(path, f"not valid TOML: {exc}",
                              line=int(match[1]) if match else None,
                              column=int(match[2]) if match else None,
                              fix="check quotes and brackets; dates are written 2019-06-17")]
    given = {k: v for k, v in (overrides or {}).items() if v is not None}
    data.update(given)
    try:
        return EditionConfig.model_validate(data), []
    except ValidationError as exc:
        problems = _problems(exc, path, text)
        # a value given on the command line is blamed on its option, not on edition.toml
        return None, [Problem(None, p.message, field=f"--{p.field}", fix=p.fix)
                      if p.field in given else p for p in problems]


def _problems(exc: ValidationError, path: Path, text: str) -> list[Problem]:
    def line_of(loc: tuple[object, ...]) -> tuple[int, int] | None:
        if not loc:
            return None
        return _line_of_key(text, str(loc[-1])) or _line_of_key(text, str(loc[0]))

    return validation_problems(exc, path, EditionConfig, _MODELS, line_of, {
        "missing": "add it to edition.toml",
        "date_type": "write the date as 2019-06-17 (no quotes)",
        "date_from_datetime_parsing": "write the date as 2019-06-17"}, word="key")
