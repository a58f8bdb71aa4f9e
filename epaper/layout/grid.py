"""Layout definitions (``layouts/<name>/layout.toml``): page, grid, story rules."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from epaper.compose.settings import ComposerSettings, composer_settings
from epaper.errors import LayoutError
from epaper.layout.config import TABLES, LayoutFile, read_model
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
    render_part_pages: int = 1  # pages laid out per WeasyPrint document (cached, parallel)


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
    config: LayoutFile | None = field(default=None, compare=False)  # every table, validated
    composer: ComposerSettings = ComposerSettings()  # how body paragraphs break ([composer])
    rules: HouseRules = HouseRules()  # the house rules' defaults (``[rules]``)

    @property
    def folders(self) -> tuple[Path, ...]:
        """Where this layout's templates are looked up, in order."""
        return (self.folder,) + ((self.base,) if self.base else ())


def layout_folders() -> tuple[Path, ...]:
    """Where layouts are found by name: epaper's layouts folder (or ``EPAPER_LAYOUTS_DIR``)."""
    return (data_dir("layouts"),)


def _rules(table: dict[str, object], toml: Path) -> HouseRules:
    bad = rules_problems(table)
    if bad:
        raise LayoutError(f"{toml}: [rules] "
                          + "; ".join(f"{what} ({fix})" for _, what, fix in bad))
    return with_rules(HouseRules(), table)


def available_layouts() -> list[str]:
    """Names of the layouts found in the layout folders."""
    return sorted({p.parent.name for folder in layout_folders()
                   for p in folder.glob("*/layout.toml")})


def is_layout_path(value: str | Path) -> bool:
    """A path (``./mine``, ``../x/y``, ``/abs``, ``~/l``) means a folder; a bare word is a
    layout name, looked up only in the layout folders, never in the current directory."""
    text = str(value)
    return isinstance(value, Path) or "/" in text or "\\" in text or text.startswith(
        (".", "~"))


def find_layout(name_or_path: str | Path, relative_to: Path | None = None) -> Path:
    """The folder of a layout given by name or path (a relative path from ``relative_to``,
    default the current directory)."""
    if is_layout_path(name_or_path):
        folder = Path(name_or_path).expanduser()
        if not folder.is_absolute() and relative_to is not None:
            folder = relative_to / folder
        if not (folder / "layout.toml").is_file():
            raise LayoutError(f"{folder}: not a layout folder (no layout.toml in it)")
        return folder.resolve()
    for base in layout_folders():
        if (base / str(name_or_path) / "layout.toml").is_file():
            return (base / str(name_or_path)).resolve()
    raise LayoutError(f"no layout named '{name_or_path}'; available layouts: "
                      + (", ".join(available_layouts()) or "none")
                      + " (or give a folder: ./my-layout)")


def _composer(table: dict[str, object], toml: Path) -> ComposerSettings:
    try:
        return composer_settings(table)
    except (ValueError, TypeError) as exc:
        raise LayoutError(f"{toml}: {exc}") from None


def load_layout(name_or_path: str | Path = "broadsheet",
                relative_to: Path | None = None) -> Layout:
    """Load a layout by name (a folder of the layout folders) or by folder path."""
    folder = find_layout(name_or_path, relative_to)
    toml = folder / "layout.toml"
    data: LayoutFile = read_model(toml, LayoutFile, TABLES)
    g, st, pg, tp = data.grid, data.story, data.pages, data.templates
    grid = Grid(
        page_width=to_pt(data.page.width), page_height=to_pt(data.page.height),
        margin_top=to_pt(data.page.margin_top), margin_bottom=to_pt(data.page.margin_bottom),
        margin_left=to_pt(data.page.margin_left), margin_right=to_pt(data.page.margin_right),
        columns=g.columns, gutter=to_pt(g.gutter), rows=g.rows, row_gap=to_pt(g.row_gap))
    story = StoryRules(
        default_columns=st.default_columns or grid.columns,
        lead_photo_columns=None if st.lead_photo_columns == "auto" else st.lead_photo_columns,
        widows=st.widows, orphans=st.orphans, subhead_keep_lines=st.subhead_keep_lines,
        column_rules=g.column_rules)
    base = find_layout(tp.base) if tp.base else None
    layout = Layout(
        name=data.name or folder.name, folder=folder, grid=grid, story=story,
        preview_margin=to_pt(data.preview.margin), story_template=tp.story,
        css_template=tp.css,
        pages=PageRules(templates_folder=pg.templates, page_template=pg.page_template,
                        min_story_lines=pg.min_story_lines,
                        feather_lines=pg.feather_lines,
                        render_part_pages=pg.render_part_pages) if pg else None,
        base=base, config=data, composer=_composer(data.composer, toml),
        rules=_rules(data.rules, toml))
    if grid.column_width <= 0:
        raise LayoutError(f"{toml}: the grid leaves no room for columns")
    for template in (layout.story_template, layout.css_template):
        if not any((f / template).is_file() for f in layout.folders):
            raise LayoutError(f"{toml}: template '{template}' not found in "
                              + " or ".join(map(str, layout.folders)))
    return layout
