"""Page templates (``layouts/<name>/pages/*.toml``): named slots on the page grid.

A template is data: slots for stories, ad blocks, a masthead band. Slots in the same columns,
one under the other, form a *stack*: the stories in a stack share its depth, so a short story
gives its unused depth to the one below.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from epaper.errors import LayoutError
from epaper.layout.config import PageTemplateFile, SlotTable, read_model
from epaper.layout.grid import Grid, Layout
from epaper.layout.story import Rect


@dataclass(frozen=True)
class Slot:
    """A rectangle of whole columns × rows (0-based here; 1-based in the TOML)."""

    name: str
    col: int
    span: int
    row: int
    rows: int
    kind: str = "story"  # story | briefs (prefers short, low-priority stories)
    jumps: bool = True  # may a story here continue on a later page?

    def rect(self, grid: Grid, gap_below: bool) -> Rect:
        top = grid.y(self.row)
        bottom = grid.y(self.row + self.rows) - (grid.row_gap if gap_below else 0.0)
        return Rect(grid.x(self.col), top, grid.span(self.span), bottom - top)

    def overlaps(self, other: Slot) -> bool:
        return (self.col < other.col + other.span and other.col < self.col + self.span
                and self.row < other.row + other.rows and other.row < self.row + self.rows)


@dataclass(frozen=True)
class Stack:
    """Slots sharing the same columns, touching top to bottom."""

    slots: tuple[Slot, ...]
    rect: Rect  # from the first slot's top to the last slot's bottom

    @property
    def span(self) -> int:
        return self.slots[0].span


@dataclass(frozen=True)
class PageTemplate:
    name: str
    description: str
    kind: str  # page | jump
    role: str  # front | inside | opinion | jump: pages of a role may use any of its templates
    masthead_rows: int
    slots: tuple[Slot, ...]
    ads: tuple[Slot, ...]
    stacks: tuple[Stack, ...]

    def slot(self, name: str) -> Slot | None:
        return next((s for s in self.slots if s.name == name), None)

    def ad_rect(self, ad: Slot, grid: Grid) -> Rect:
        return ad.rect(grid, gap_below=ad.row + ad.rows < grid.rows)

    def ad_area(self, grid: Grid) -> float:
        """The area of the template's own ad blocks, in square points."""
        return sum((r := self.ad_rect(ad, grid)).width * r.height for ad in self.ads)

    def masthead_rect(self, grid: Grid) -> Rect | None:
        if not self.masthead_rows:
            return None
        top = grid.y(0)
        return Rect(grid.x(0), top, grid.span(grid.columns),
                    grid.y(self.masthead_rows) - grid.row_gap - top)


def _slot(entry: SlotTable, where: str, grid: Grid) -> Slot:
    slot = Slot(entry.name, entry.col - 1, entry.span, entry.row - 1, entry.rows, entry.kind,
                entry.jumps)
    if slot.col + slot.span > grid.columns:
        raise LayoutError(f"{where}: slot '{slot.name}' leaves the {grid.columns} columns")
    if slot.row + slot.rows > grid.rows:
        raise LayoutError(f"{where}: slot '{slot.name}' leaves the {grid.rows} rows")
    return slot


def _stacks(slots: tuple[Slot, ...], grid: Grid) -> tuple[Stack, ...]:
    stacks: list[list[Slot]] = []
    for slot in slots:
        for stack in stacks:
            last = stack[-1]
            if (last.col, last.span) == (slot.col, slot.span) and last.row + last.rows == slot.row:
                stack.append(slot)
                break
        else:
            stacks.append([slot])
    out = []
    for stack in stacks:
        top = stack[0].rect(grid, False)
        bottom_slot = stack[-1]
        bottom = bottom_slot.rect(grid, bottom_slot.row + bottom_slot.rows < grid.rows)
        out.append(Stack(tuple(stack), Rect(top.x, top.y, top.width,
                                             bottom.y + bottom.height - top.y)))
    return tuple(out)


def load_template(path: Path, grid: Grid) -> PageTemplate:
    """Read and check one page template."""
    where = str(path)
    data: PageTemplateFile = read_model(path, PageTemplateFile,
                                        {"slot": SlotTable, "ad": SlotTable})
    masthead = data.masthead_rows
    slots = tuple(_slot(e, where, grid) for e in data.slot)
    ads = tuple(_slot(e, where, grid) for e in data.ad)
    if not slots:
        raise LayoutError(f"{where}: a page template needs at least one [[slot]]")
    boxes = slots + ads
    for i, a in enumerate(boxes):
        if a.row < masthead:
            raise LayoutError(f"{where}: '{a.name}' overlaps the masthead rows")
        for b in boxes[i + 1:]:
            if a.overlaps(b):
                raise LayoutError(f"{where}: '{a.name}' and '{b.name}' overlap")
    names = [s.name for s in boxes]
    if len(set(names)) != len(names):
        raise LayoutError(f"{where}: slot names must be unique")
    role = data.role or path.stem
    return PageTemplate(path.stem, data.description, "jump" if role == "jump" else data.kind,
                        role, masthead, slots, ads, _stacks(slots, grid))


def load_templates(layout: Layout) -> dict[str, PageTemplate]:
    """Every page template of a layout, by name (file stem)."""
    if layout.pages is None:
        raise LayoutError(f"{layout.folder}/layout.toml: no [pages] section: this layout "
                          "makes story proofs only")
    folder = layout.folder / layout.pages.templates_folder
    templates = {p.stem: load_template(p, layout.grid) for p in sorted(folder.glob("*.toml"))}
    roles = {t.role for t in templates.values()}
    for needed in ("front", "inside", "jump"):
        if needed not in roles:
            raise LayoutError(f"{folder}: no page template for the '{needed}' role")
    return templates


def by_role(templates: dict[str, PageTemplate], role: str) -> list[PageTemplate]:
    """The templates a page of ``role`` may use: the one named like the role first."""
    found = [t for t in templates.values() if t.role == role]
    return sorted(found, key=lambda t: (t.name != role, t.name))
