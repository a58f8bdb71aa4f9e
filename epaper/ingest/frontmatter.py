"""The article front matter: its schema and how its errors are located in the file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from babel import Locale, UnknownLocaleError
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError, field_validator

from epaper.errors import Problem
from epaper.validation import validation_problems

ID_PATTERN = _ID = r"^[\w][\w-]*$"  # section ids and slugs: letters (any script), digits, _ and -


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


def _line_of(node: yaml.Node | None, loc: tuple[Any, ...]) -> tuple[int, int] | None:
    """1-based (line, column) within the YAML text of the node at ``loc``, as close as it
    gets."""
    mark = None
    for key in loc:
        if node is None:
            break
        mark = node.start_mark
        nxt = None
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                if k.value == key:
                    mark = k.start_mark
                    nxt = v
                    break
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int):
            if key < len(node.value):
                nxt = node.value[key]
        node = nxt
    if node is not None and mark is None:
        mark = node.start_mark
    return (mark.line + 1, mark.column + 1) if mark is not None else None


MAX_DEPTH = 20  # nested mappings and lists in the front matter
MAX_ALIASES = 20  # YAML aliases (*name): an alias bomb is refused, not expanded


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader, bounded: nesting depth and alias count are limited (a deep or
    alias-bomb document is an error, not a crash or a hang), and a key given twice is an
    error instead of silently winning."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0
        self._aliases = 0

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                raise yaml.composer.ComposerError(
                    None, None, f"more than {MAX_ALIASES} aliases (*name)",
                    self.peek_event().start_mark)
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise yaml.composer.ComposerError(
                    None, None, f"nested more than {MAX_DEPTH} levels deep",
                    self.peek_event().start_mark)
            return super().compose_node(parent, index)  # type: ignore[no-untyped-call]
        finally:
            self._depth -= 1

    def compose_mapping_node(self, anchor: object) -> yaml.MappingNode:
        node = super().compose_mapping_node(anchor)  # type: ignore[no-untyped-call]
        seen: set[object] = set()
        for key, _ in node.value:
            if isinstance(key, yaml.ScalarNode):
                if key.value in seen:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"key '{key.value}' is given twice", key.start_mark)
                seen.add(key.value)
        return node


def load_yaml(text: str) -> tuple[yaml.Node | None, Any]:
    """The node tree and the data of a YAML document, read with the bounded loader."""
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
        return root, (loader.construct_document(root) if root is not None else None)
    finally:
        loader.dispose()  # type: ignore[no-untyped-call]


def parse_front_matter(
    text: str, path: Path, first_line: int
) -> tuple[FrontMatter | None, list[Problem]]:
    """Parse and validate the YAML text; ``first_line`` is its line number in the file."""
    offset = first_line - 1
    try:
        root, data = load_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        what = getattr(exc, "problem", None) or str(exc)
        return None, [
            Problem(
                path,
                f"front matter is not valid YAML: {what}",
                line=mark.line + 1 + offset if mark else first_line,
                column=mark.column + 1 if mark else None,
                fix="keep one of them" if "twice" in what else
                "write the values out plainly, without aliases or deep nesting"
                if "alias" in what or "nested" in what else
                "check indentation and quote values containing ':' or '#'",
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
        def line_of(loc: tuple[object, ...]) -> tuple[int, int] | None:
            place = _line_of(root, loc)
            return (place[0] + offset, place[1]) if place else None

        return None, validation_problems(exc, path, FrontMatter, _NESTED, line_of, _FIXES)
