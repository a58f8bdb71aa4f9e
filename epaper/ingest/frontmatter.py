"""The article front matter: its schema and how its errors are located in the file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from babel import Locale, UnknownLocaleError
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError, field_validator

from epaper.errors import Problem
from epaper.validation import validation_problems

_ID = r"^[\w][\w-]*$"  # section ids and slugs: letters (any script), digits, _ and -


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


class ImageMeta(_Strict):
    src: str = Field(min_length=1)
    caption: str = ""
    credit: str = ""
    columns: int | None = Field(default=None, ge=1, le=12)


class RelatedMeta(_Strict):
    headline: str = Field(min_length=1)
    published: AwareDatetime | None = None
    section: str | None = Field(default=None, pattern=_ID)


class FrontMatter(_Strict):
    """The article file's YAML block, as documented in the README."""

    headline: str = Field(min_length=1)
    section: str = Field(min_length=1, pattern=_ID)
    slug: str | None = Field(default=None, pattern=_ID)
    kicker: str = ""
    deck: str = ""
    byline: str | list[str] = Field(default_factory=list)
    dateline: str = ""
    published: AwareDatetime | None = None
    updated: AwareDatetime | None = None
    lang: str | None = None
    priority: int = Field(default=3, ge=1, le=5)
    tagline: str = ""
    trim: bool | None = None  # false: never cut at paragraph ends (signed pieces)
    jumphead: str = ""  # the continuation's head; default: the headline
    pullquotes: list[str] = Field(default_factory=list)
    images: list[ImageMeta] = Field(default_factory=list)
    related: list[RelatedMeta] = Field(default_factory=list)

    @field_validator("lang")
    @classmethod
    def _known_language(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            Locale.parse(value.replace("-", "_"))
        except (ValueError, UnknownLocaleError) as exc:
            raise ValueError(f"unknown language tag {value!r} (use BCP 47, e.g. en, ko)") from exc
        return value

    def bylines(self) -> tuple[str, ...]:
        names = [self.byline] if isinstance(self.byline, str) else self.byline
        return tuple(n.strip() for n in names if n and n.strip())


_NESTED = {"images": ImageMeta, "related": RelatedMeta}

_ISO = "write an ISO 8601 time with offset, e.g. 2026-11-30T05:00:00+09:00"
_FIXES = {
    "missing": "add it to the front matter",
    "string_type": "write it as text (quote it if it looks like a number or date)",
    "string_pattern_mismatch": "use letters, digits, '-' or '_' only, no spaces",
    "timezone_aware": _ISO,
    "datetime_type": _ISO,
    "datetime_from_date_parsing": _ISO,
}


def _line_of(node: yaml.Node | None, loc: tuple[Any, ...]) -> int | None:
    """1-based line (within the YAML text) of the node at ``loc``, as close as it gets."""
    line = None
    for key in loc:
        if node is None:
            break
        line = node.start_mark.line + 1
        nxt = None
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                if k.value == key:
                    line = k.start_mark.line + 1
                    nxt = v
                    break
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int):
            if key < len(node.value):
                nxt = node.value[key]
        node = nxt
    if node is not None and line is None:
        line = node.start_mark.line + 1
    return line


def parse_front_matter(
    text: str, path: Path, first_line: int
) -> tuple[FrontMatter | None, list[Problem]]:
    """Parse and validate the YAML text; ``first_line`` is its line number in the file."""
    offset = first_line - 1
    try:
        data = yaml.safe_load(text)
        root = yaml.compose(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        what = getattr(exc, "problem", None) or str(exc)
        return None, [
            Problem(
                path,
                f"front matter is not valid YAML: {what}",
                line=mark.line + 1 + offset if mark else first_line,
                column=mark.column + 1 if mark else None,
                fix="check indentation and quote values containing ':' or '#'",
            )
        ]
    if data is None:
        data = {}
    if not isinstance(data, dict):
        return None, [
            Problem(path, "front matter must be a mapping of 'key: value' lines",
                    line=first_line, fix="write e.g. 'headline: …' and 'section: …'")
        ]
    try:
        return FrontMatter.model_validate(data), []
    except ValidationError as exc:
        def line_of(loc: tuple[object, ...]) -> int | None:
            line = _line_of(root, loc)
            return line and line + offset

        return None, validation_problems(exc, path, FrontMatter, _NESTED, line_of, _FIXES)
