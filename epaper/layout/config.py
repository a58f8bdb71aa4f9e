"""``layout.toml`` and page templates (``pages/*.toml``) as strict models.

Each TOML table is one model below; the file is :class:`LayoutFile`. Unknown keys are
errors with a suggestion, and types are strict: ``col = 1.7`` or ``jumps = "false"`` is
refused, never rounded or read as true.

To add a table (say ``[press]``): write ``class PressTable(Table)`` with its keys as fields
(``snake_case`` here, ``kebab-case`` in the TOML), add ``press: PressTable = PressTable()``
to :class:`LayoutFile`, and ``"press": PressTable`` to :data:`TABLES`. The code reads it as
``layout.config.press`` (``epaper.layout.grid.Layout.config`` holds the whole file).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from epaper.errors import LayoutError, Problem
from epaper.units import to_pt
from epaper.validation import validation_problems


def _length(value: str | int | float) -> str | int | float:
    to_pt(value)  # raises ValueError with the fix ("write e.g. 180mm")
    return value


Length = Annotated[str | int | float, AfterValidator(_length)]
Count = Annotated[int, Field(ge=1)]


class Table(BaseModel):
    """A TOML table: kebab-case keys, nothing unknown, no type coercion."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True,
                              alias_generator=lambda name: name.replace("_", "-"),
                              populate_by_name=True)


class PageTable(Table):
    width: Length
    height: Length
    margin_top: Length
    margin_bottom: Length
    margin_left: Length
    margin_right: Length


class GridTable(Table):
    columns: Count
    gutter: Length
    rows: Count = 20
    row_gap: Length = "5mm"
    column_rules: bool = False


class StoryTable(Table):
    default_columns: Count | None = None  # default: all columns
    lead_photo_columns: Count | Literal["auto"] = "auto"
    widows: Count = 2
    orphans: Count = 2
    subhead_keep_lines: Annotated[int, Field(ge=0)] = 2


class PagesTable(Table):
    templates: str
    page_template: str
    min_story_lines: Count = 6
    feather_lines: Annotated[float, Field(ge=0)] = 3.0
    render_part_pages: Count = 1


class PreviewTable(Table):
    margin: Length = "10mm"


class TemplatesTable(Table):
    base: str | None = None  # a layout (by name) whose templates this one borrows
    story: str
    css: str


class LayoutFile(Table):
    """The whole ``layout.toml``."""

    name: str | None = None
    description: str = ""
    page: PageTable
    grid: GridTable
    story: StoryTable = StoryTable()
    pages: PagesTable | None = None
    preview: PreviewTable = PreviewTable()
    templates: TemplatesTable
    # [press] is read and checked key by key (with base-layout inheritance) by
    # epaper.press.config when press pages are made: the press stage sits above layout.
    press: dict[str, Any] = Field(default_factory=dict)
    # [composer] is checked key by key by epaper.compose.settings (names and value types)
    composer: dict[str, Any] = Field(default_factory=dict)
    # [rules]: the house rules' defaults, checked key by key by epaper.layout.rules
    rules: dict[str, Any] = Field(default_factory=dict)


TABLES: dict[str, type[BaseModel]] = {
    "page": PageTable, "grid": GridTable, "story": StoryTable, "pages": PagesTable,
    "preview": PreviewTable, "templates": TemplatesTable}


class SlotTable(Table):
    """A ``[[slot]]`` or ``[[ad]]``: whole columns × rows, 1-based."""

    name: str = Field(min_length=1)
    col: Count
    span: Count
    row: Count
    rows: Count
    kind: Literal["story", "briefs"] = "story"
    jumps: bool = True


class PageTemplateFile(Table):
    """A page template, ``pages/<name>.toml``."""

    description: str = ""
    role: str | None = None  # default: the file name
    kind: Literal["page", "jump"] = "page"
    masthead_rows: Annotated[int, Field(ge=0)] = 0
    slot: list[SlotTable] = Field(default_factory=list)
    ad: list[SlotTable] = Field(default_factory=list)


class LayoutErrors(LayoutError):
    """Every problem of a layout file, listed together (exit 3)."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def toml_place(text: str, loc: tuple[object, ...]) -> tuple[int, int] | None:
    """1-based (line, column) of the key at ``loc`` in a TOML text: tables, array-of-table
    items (``[[slot]]`` number n), then the key; as close as it gets."""
    lines = text.split("\n")
    start, place, table = 0, None, ""
    for i, part in enumerate(loc):
        if isinstance(part, int):  # the part-th [[table]] from the first one
            header = re.compile(rf"^\s*\[\[\s*{re.escape(table)}\s*\]\]")
            hits = [n for n in range(start, len(lines)) if header.match(lines[n])]
            if part < len(hits):
                start = hits[part]
                place = (start + 1, 1)
            continue
        name = re.escape(str(part))
        if i < len(loc) - 1:  # a table
            header = re.compile(rf"^\s*\[\[?\s*{name}\s*\]\]?\s*(#.*)?$")
            for n in range(start, len(lines)):
                if header.match(lines[n]):
                    start, place = n, (n + 1, 1)
                    break
            table = str(part)
        else:  # the key
            key = re.compile(rf"^(\s*){name}\s*=")
            for n in range(start, len(lines)):
                match = key.match(lines[n])
                if match:
                    place = (n + 1, len(match[1]) + 1)
                    break
    return place


def read_model(path: Path, model: type[BaseModel],
               nested: Mapping[str, type[BaseModel]]) -> Any:
    """Read a TOML file into ``model``; :class:`LayoutErrors` listing every problem."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise LayoutError(f"{path}: cannot read it: {exc}") from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+), column (\d+)", str(exc))
        raise LayoutErrors([Problem(path, f"not valid TOML: {exc}",
                                    line=int(match[1]) if match else None,
                                    column=int(match[2]) if match else None,
                                    fix="check quotes and brackets")]) from None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise LayoutErrors(validation_problems(
            exc, path, model, nested, lambda loc: toml_place(text, loc),
            {"missing": "add it", "int_type": "write a whole number (no quotes, no point)",
             "bool_type": "write true or false (no quotes)",
             "string_type": "write it in quotes"}, word="key")) from None
