"""Layout definitions (``layouts/<name>/layout.toml``): page, grid, story rules."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from epaper.errors import LayoutError
from epaper.layout.rules import HouseRules, rules_problems, with_rules
from epaper.resources import data_dir
from epaper.units import to_pt


@dataclass(frozen=True)
class Grid:
    """A page's column grid, in points."""

    page_width: float
    page_height: float
    margin_top: float
    margin_bottom: float
    margin_left: float
    margin_right: float
    columns: int
    gutter: float
    rows: int = 20
    row_gap: float = 14.0

    @property
    def text_height(self) -> float:
        return self.page_height - self.margin_top - self.margin_bottom

    @property
    def row_height(self) -> float:
        return self.text_height / self.rows

    def x(self, column: int) -> float:
        """Left edge of 0-based ``column`` on the page."""
        return self.margin_left + column * (self.column_width + self.gutter)

    def y(self, row: int) -> float:
        """Top edge of 0-based ``row`` on the page."""
        return self.margin_top + row * self.row_height

    @property
    def column_width(self) -> float:
        usable = self.page_width - self.margin_left - self.margin_right
        return (usable - (self.columns - 1) * self.gutter) / self.columns

    def span(self, columns: int) -> float:
        """Width of ``columns`` whole columns and the gutters between them."""
        return columns * self.column_width + (columns - 1) * self.gutter


@dataclass(frozen=True)
class StoryRules:
    default_columns: int
    lead_photo_columns: int | None  # None: automatic
    widows: int
    orphans: int
    subhead_keep_lines: int
    column_rules: bool

    def lead_columns(self, story_columns: int, wanted: int | None) -> int:
        """How many columns the lead photo spans in a story of ``story_columns``."""
        if wanted:
            return max(1, min(wanted, story_columns))
        if self.lead_photo_columns:
            return max(1, min(self.lead_photo_columns, story_columns))
        return story_columns if story_columns <= 2 else max(2, round(story_columns / 2))


@dataclass(frozen=True)
class PageRules:
    """How pages are made: where the page templates are and the placement limits."""

    templates_folder: str
    page_template: str
    min_story_lines: int
    feather_lines: float = 3.0
    render_part_pages: int = 8  # pages laid out per WeasyPrint document (parallel parts)


@dataclass(frozen=True)
class Layout:
    """A layout folder: grid, story rules, and its templates."""

    name: str
    folder: Path
    grid: Grid
    story: StoryRules
    preview_margin: float
    story_template: str
    css_template: str
    pages: PageRules | None = None
    base: Path | None = None  # a layout whose templates this one uses where it has none
    rules: HouseRules = HouseRules()  # the house rules' defaults (``[rules]``)

    @property
    def folders(self) -> tuple[Path, ...]:
        """Where this layout's templates are looked up, in order."""
        return (self.folder,) + ((self.base,) if self.base else ())


def _get(data: dict[str, Any], path: str, default: Any = None) -> Any:
    node: Any = data
    for key in path.split("."):
        if not isinstance(node, dict) or key not in node:
            if default is None:
                raise KeyError(path)
            return default
        node = node[key]
    return node


def _rules(table: dict[str, Any], toml: Path) -> HouseRules:
    bad = rules_problems(table)
    if bad:
        raise LayoutError(f"{toml}: [rules] "
                          + "; ".join(f"{what} ({fix})" for _, what, fix in bad))
    return with_rules(HouseRules(), table)


def load_layout(name_or_path: str | Path = "broadsheet") -> Layout:
    """Load a layout by name (a folder of ``layouts/``) or by folder path."""
    folder = Path(name_or_path)
    if not folder.is_dir():
        folder = data_dir("layouts") / str(name_or_path)
    toml = folder / "layout.toml"
    if not toml.is_file():
        available = sorted(p.name for p in data_dir("layouts").glob("*/layout.toml")) or []
        raise LayoutError(f"no layout '{name_or_path}' (no {toml}); available: "
                          + ", ".join(p for p in (a.split("/")[0] for a in available)))
    try:
        data = tomllib.loads(toml.read_text(encoding="utf-8"))
        grid = Grid(
            page_width=to_pt(_get(data, "page.width")),
            page_height=to_pt(_get(data, "page.height")),
            margin_top=to_pt(_get(data, "page.margin-top")),
            margin_bottom=to_pt(_get(data, "page.margin-bottom")),
            margin_left=to_pt(_get(data, "page.margin-left")),
            margin_right=to_pt(_get(data, "page.margin-right")),
            columns=int(_get(data, "grid.columns")),
            gutter=to_pt(_get(data, "grid.gutter")),
            rows=int(_get(data, "grid.rows", 20)),
            row_gap=to_pt(_get(data, "grid.row-gap", "5mm")),
        )
        lead = _get(data, "story.lead-photo-columns", "auto")
        story = StoryRules(
            default_columns=int(_get(data, "story.default-columns", grid.columns)),
            lead_photo_columns=None if lead == "auto" else int(lead),
            widows=int(_get(data, "story.widows", 2)),
            orphans=int(_get(data, "story.orphans", 2)),
            subhead_keep_lines=int(_get(data, "story.subhead-keep-lines", 2)),
            column_rules=bool(_get(data, "grid.column-rules", False)),
        )
        layout = Layout(
            name=str(_get(data, "name", folder.name)),
            folder=folder.resolve(),
            grid=grid,
            story=story,
            preview_margin=to_pt(_get(data, "preview.margin", "10mm")),
            story_template=str(_get(data, "templates.story")),
            css_template=str(_get(data, "templates.css")),
            pages=PageRules(
                templates_folder=str(_get(data, "pages.templates")),
                page_template=str(_get(data, "pages.page-template")),
                min_story_lines=int(_get(data, "pages.min-story-lines", 6)),
                feather_lines=float(_get(data, "pages.feather-lines", 3)),
                render_part_pages=max(1, int(_get(data, "pages.render-part-pages", 8))),
            ) if "pages" in data else None,
            base=(data_dir("layouts") / str(data["templates"]["base"])).resolve()
            if "base" in data.get("templates", {}) else None,
            rules=_rules(data.get("rules", {}), toml),
        )
    except KeyError as exc:
        raise LayoutError(f"{toml}: missing setting '{exc.args[0]}'") from exc
    except (ValueError, TypeError, tomllib.TOMLDecodeError) as exc:
        raise LayoutError(f"{toml}: {exc}") from exc
    if grid.columns < 1 or grid.column_width <= 0:
        raise LayoutError(f"{toml}: the grid leaves no room for columns")
    for template in (layout.story_template, layout.css_template):
        if not any((f / template).is_file() for f in layout.folders):
            raise LayoutError(f"{toml}: template '{template}' not found in "
                              + " or ".join(map(str, layout.folders)))
    return layout
