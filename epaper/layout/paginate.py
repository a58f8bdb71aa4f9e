"""Pagination: measured stories placed on page templates, filled to the line, with jumps.

Pure arithmetic on measured galleys (no rendering here). Produces the page model: pages →
story fragments with their frames in points, the galley lines each fragment holds, jumps
between fragments, and the reason for every placement.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from epaper.errors import Problem
from epaper.layout.fit import (
    EPS,
    Fit,
    FitRules,
    block_starts,
    cut_for_jump,
    feathering,
    fit_subset,
)
from epaper.layout.galley import Galley, Line
from epaper.layout.grid import Layout
from epaper.layout.story import Rect, StoryFrame, frame_for, natural_depth
from epaper.layout.templates import PageTemplate, Slot, Stack
from epaper.typeset import StoryMeasure

CANDIDATES = 6  # how far down the priority queue placement may look for a better fit


@dataclass(frozen=True)
class Section:
    """A section of the edition, in print order."""

    id: str
    title: str
    letter: str
    first_template: str = "inside"
    next_template: str = "inside"


@dataclass(frozen=True)
class PageSpec:
    """An explicitly planned page: its template and, per slot, a story slug."""

    section: str
    template: str
    slots: Mapping[str, str]


@dataclass(frozen=True)
class Fragment:
    """One part of a story on one page."""

    slug: str
    part: int  # 0: the story's start; 1, 2…: continuations
    slot: str
    x: float
    y: float
    frame: StoryFrame
    fit: Fit
    why: str
    jump_to: int | None = None  # page index of the next part
    jump_from: int | None = None  # page index of the previous part
    feather: tuple[float, ...] = ()  # space added before each paragraph, per column

    @property
    def rect(self) -> Rect:
        return Rect(self.x, self.y, self.frame.width, self.frame.depth)

    @property
    def jumps(self) -> bool:
        return self.jump_to is not None

    def empty_area(self, measure: StoryMeasure) -> float:
        """Unused depth at the foot of the columns, times the column width."""
        empty = 0.0
        for col, rect in enumerate(self.frame.column_rects()):
            used = self.fit.used(measure.galley, col)
            if self.feather:
                used += self.feather[col] * len(block_starts(measure.galley,
                                                             self.fit.columns[col]))
            if self.jumps and col == len(self.fit.columns) - 1:
                used += measure.galley.pitch  # the "Continued on" line
            empty += max(0.0, rect.height - used) * rect.width
        return empty


@dataclass(frozen=True)
class Filler:
    """A house filler in a hole no story could take."""

    rect: Rect
    why: str


@dataclass
class Page:
    index: int
    section: Section
    number: int  # within the section, from 1
    template: PageTemplate
    fragments: list[Fragment] = field(default_factory=list)
    fillers: list[Filler] = field(default_factory=list)
    rules: list[Rect] = field(default_factory=list)  # hairlines between stacked stories
    story_area: float = 0.0
    free: list[_Space] = field(default_factory=list)  # room left at the foot of stacks

    @property
    def label(self) -> str:
        return f"{self.section.letter}{self.number}"


@dataclass
class _Space:
    """Room at the foot of a stack: from ``y`` down to ``bottom``."""

    x: float
    y: float
    bottom: float
    width: float
    span: int
    slot: str




@dataclass(frozen=True)
class Unplaced:
    slug: str
    lines: int
    why: str


@dataclass
class Pages:
    """The page model of an edition."""

    pages: list[Page]
    measures: dict[str, StoryMeasure]
    unplaced: list[Unplaced] = field(default_factory=list)

    def fragments_of(self, slug: str) -> list[tuple[Page, Fragment]]:
        out = [(p, f) for p in self.pages for f in p.fragments if f.slug == slug]
        return sorted(out, key=lambda pf: pf[1].part)


@dataclass
class _Pending:
    """A story (or its rest) waiting for space."""

    measure: StoryMeasure
    items: tuple[int, ...]
    part: int = 0
    from_page: int | None = None
    from_fragment: int | None = None  # position in that page's fragment list

    @property
    def lines(self) -> int:
        return sum(1 for i in self.items if isinstance(self.measure.galley.items[i], Line))


class Paginator:
    """Places stories on pages of one layout."""

    def __init__(self, layout: Layout, templates: Mapping[str, PageTemplate]) -> None:
        if layout.pages is None:
            raise ValueError("layout has no page rules")
        self.layout = layout
        self.grid = layout.grid
        self.templates = templates
        self.rules = FitRules(layout.story.widows, layout.story.orphans)
        self.min_story_lines = layout.pages.min_story_lines
        self.min_jump_lines = layout.pages.min_jump_lines
        self.pages: list[Page] = []
        self.unplaced: list[Unplaced] = []
        self._natural: dict[tuple[str, tuple[int, ...], int, int], float] = {}

    # -- setting one fragment --------------------------------------------------------------

    def _frame(self, p: _Pending, span: int, depth: float) -> StoryFrame:
        m = p.measure
        head = m.heads[span] if p.part == 0 else m.jump_heads[span]
        lead_cols = lead = 0.0
        if p.part == 0 and m.parts.lead is not None:
            lead_cols = self.layout.story.lead_columns(span, m.parts.lead.columns)
            lead = m.leads[int(lead_cols)]
        return frame_for(self.grid, span, head, int(lead_cols), lead, depth)

    def natural(self, p: _Pending, span: int) -> float:
        """The depth at which the story (or its rest) sets completely at ``span``."""
        key = (p.measure.slug, p.items, p.part, span)
        if key not in self._natural:
            g = p.measure.galley
            sub = Galley(tuple(g.items[i] for i in p.items), g.pitch)
            self._natural[key] = natural_depth(sub, self._frame(p, span, 0.0), self.rules).depth
        return self._natural[key]

    def min_depth(self, p: _Pending, span: int) -> float:
        """The least depth worth starting the story (or a continuation) in: its head and
        some lines."""
        lines = self.min_story_lines if p.part == 0 else self.min_jump_lines
        return self._frame(p, span, 0).head_height + self._lead(p, span) + \
            lines * p.measure.galley.pitch

    def _lead(self, p: _Pending, span: int) -> float:
        return self._frame(p, span, 0).lead_height

    def set_in(self, p: _Pending, span: int, depth: float | None) -> tuple[StoryFrame, Fit]:
        """Set the pending story at ``span``: at its natural depth, or into ``depth`` with
        the rest jumping (one line kept for "Continued on …")."""
        g = p.measure.galley
        if depth is None:
            depth = self.natural(p, span)
        frame = self._frame(p, span, depth)
        caps = [r.height for r in frame.column_rects()]
        fit = fit_subset(g, p.items, caps, self.rules)
        if fit.overset:
            caps[-1] = max(0.0, caps[-1] - g.pitch)
            fit = fit_subset(g, p.items, caps, self.rules)
            fit = cut_for_jump(fit, g, self.min_jump_lines, self.rules.orphans)
        return frame, fit

    # -- pages -----------------------------------------------------------------------------

    def new_page(self, section: Section, template: str) -> Page:
        number = sum(1 for p in self.pages if p.section.id == section.id) + 1
        page = Page(len(self.pages), section, number, self.templates[template])
        page.story_area = sum(s.rect.width * s.rect.height for s in page.template.stacks)
        self.pages.append(page)
        return page

    def place(self, page: Page, p: _Pending, slot: str, x: float, y: float, span: int,
              depth: float | None, why: str, continuations: list[_Pending]) -> Fragment:
        """Put a fragment on the page; a rest that does not fit joins ``continuations``."""
        frame, fit = self.set_in(p, span, depth)
        fragment = Fragment(p.measure.slug, p.part, slot, x, y, frame, fit, why,
                            jump_from=p.from_page,
                            feather=feathering(fit, p.measure.galley, bool(fit.overset),
                                               self.layout.pages.feather_lines))
        page.fragments.append(fragment)
        if p.from_page is not None and p.from_fragment is not None:
            prev_page = self.pages[p.from_page]
            prev = prev_page.fragments[p.from_fragment]
            prev_page.fragments[p.from_fragment] = _replace(prev, jump_to=page.index)
        if fit.overset:
            continuations.append(_Pending(p.measure, fit.overset, p.part + 1, page.index,
                                          len(page.fragments) - 1))
        return fragment

    def choose(self, queue: list[_Pending], span: int, room: float, kind: str,
               must_first: bool, whole_only: bool = False) -> tuple[_Pending, str] | None:
        """The story to put in ``room`` points of a stack ``span`` columns wide
        (``whole_only``: only one that sets whole there)."""
        gap = self.grid.row_gap
        candidates = queue[:CANDIDATES] if kind != "briefs" else sorted(
            queue, key=lambda p: (-p.measure.article.priority, self.natural(p, span)))
        best: tuple[float, int, _Pending, str] | None = None
        for order, p in enumerate(candidates):
            if self.min_depth(p, span) > room + EPS:
                continue
            natural = self.natural(p, span)
            if whole_only and natural > room + EPS:
                continue
            pitch = p.measure.galley.pitch
            if natural <= room + EPS:
                hole = room - natural
                rest_room = hole - gap
                if rest_room + EPS >= min((self.min_depth(q, span) for q in queue if q is not p),
                                          default=float("inf")):
                    score, how = 0.0, "sets whole; room remains below for another story"
                else:
                    score, how = hole / pitch, (f"sets whole, {hole / pitch:.0f} lines left"
                                                if hole > pitch else "sets whole, to the line")
            else:
                over = (natural - room) / pitch
                score = 0.0 if over >= self.min_jump_lines else 8.0
                how = f"fills the space and jumps ({over:.0f} lines more)"
            if must_first:
                return p, how
            score += order * 0.5  # priority order counts: a little worse fit is fine
            if best is None or score < best[0]:
                best = (score, order, p, how)
            if score <= 1.0 and kind != "briefs":
                break
        if best is None:
            return None
        return best[2], best[3]

    def fill_stack(self, page: Page, stack: Stack, queue: list[_Pending],
                   continuations: list[_Pending], lead_first: bool, whole_only: bool) -> None:
        """Stories one under another in the stack's columns, down to its foot; the room
        left joins the page's free space."""
        space = _Space(stack.rect.x, stack.rect.y, stack.rect.y + stack.rect.height,
                       stack.rect.width, stack.span, stack.slots[-1].name)
        self.fill_stories(page, space, stack.slots, queue, continuations, lead_first,
                          whole_only)
        if space.bottom - space.y > EPS:
            page.free.append(space)

    def fill_stories(self, page: Page, space: _Space, slots: Sequence[Slot],
                     queue: list[_Pending], continuations: list[_Pending], lead_first: bool,
                     whole_only: bool) -> None:
        """Stories from the queue into the space, template slots first, then extra ones."""
        gap = self.grid.row_gap
        k = 0
        while queue:
            slot = slots[k] if k < len(slots) else None
            room = space.bottom - space.y
            if k < len(slots) - 1 and slot is not None:  # an upper slot of a stack
                rect = slot.rect(self.grid, True)
                room = rect.y + rect.height - space.y
            kind = slot.kind if slot else "story"
            lead = lead_first and k == 0
            picked = self.choose(queue, space.span, room, kind, must_first=lead,
                                 whole_only=whole_only and not lead)
            if picked is None:
                break
            p, how = picked
            queue.remove(p)
            name = slot.name if slot else f"{space.slot}+{k - len(slots) + 1}"
            natural = self.natural(p, space.span)
            depth = None if natural <= room + EPS else room
            fragment = self.place(page, p, name, space.x, space.y, space.span, depth,
                                  self._why(p, page, name, how, lead), continuations)
            space.y += fragment.frame.depth + gap
            if space.y < space.bottom:
                page.rules.append(Rect(space.x, space.y - gap / 2, space.width, 0))
            k += 1

    def final_page(self, page: Page, queue: list[_Pending]) -> bool:
        """Will the rest of the queue fit on this page? Then nothing on it should jump."""
        capacity = sum(s.rect.width * s.rect.height for s in page.template.stacks)
        spans = sorted(s.span for s in page.template.stacks)
        span = spans[len(spans) // 2]
        demand = sum((self.natural(p, span) + self.grid.row_gap) * self.grid.span(span)
                     for p in queue)
        return demand <= 0.97 * capacity

    def fill_free(self, page: Page, continuations: list[_Pending]) -> None:
        """Continuations from earlier pages into the page's free room: each where it sets
        whole if it can; when none can, one fills the largest room and jumps again."""
        gap = self.grid.row_gap

        def put(p: _Pending, space: _Space, depth: float | None) -> None:
            continuations.remove(p)
            later: list[_Pending] = []
            how = "continued here" if depth is None else "fills the room and jumps again"
            fragment = self.place(page, p, space.slot, space.x, space.y, space.span, depth,
                                  self._why(p, page, space.slot, how, False), later)
            continuations[:0] = later
            space.y += fragment.frame.depth + gap
            if space.y < space.bottom:
                page.rules.append(Rect(space.x, space.y - gap / 2, space.width, 0))

        while True:
            eligible = [c for c in continuations
                        if c.from_page is not None and c.from_page < page.index]
            placed = False
            for p in eligible:
                space = next((s for s in page.free
                              if self.natural(p, s.span) <= s.bottom - s.y + EPS), None)
                if space is not None:
                    put(p, space, None)
                    placed = True
                    break
            if placed:
                continue
            for p in eligible:
                rooms = [s for s in page.free
                         if self.min_depth(p, s.span) <= s.bottom - s.y + EPS]
                if rooms:
                    space = max(rooms, key=lambda s: (s.bottom - s.y) * s.width)
                    put(p, space, space.bottom - space.y)
                    placed = True
                    break
            if not placed:
                return

    def close_page(self, page: Page) -> None:
        """Room no story could take becomes a house filler (small room stays white)."""
        for space in page.free:
            hole = space.bottom - space.y
            if hole >= 3 * 12.0:
                page.fillers.append(Filler(Rect(space.x, space.y, space.width, hole),
                                           f"no story left for {hole:.0f}pt: house filler"))
        page.free.clear()

    @staticmethod
    def _why(p: _Pending, page: Page, slot: str, how: str, lead: bool) -> str:
        a = p.measure.article
        if p.part:
            return f"continuation {p.part} of '{a.slug}': {how}"
        if lead:
            return (f"priority {a.priority}, the first story of section '{page.section.id}': "
                    f"leads the page in slot '{slot}'; {how}")
        return f"priority {a.priority} of section '{page.section.id}' → slot '{slot}': {how}"

    def fill_page(self, page: Page, queue: list[_Pending], continuations: list[_Pending],
                  lead_first: bool) -> None:
        """Fill the page's stacks. Where the queue runs out on this page, a second way is
        tried too: stories set whole where they fit before any may jump. The way that sends
        fewer stories on to a later page wins, then the fuller page."""
        trials = []
        for whole_first in (False, True):
            trial = Page(page.index, page.section, page.number, page.template,
                         story_area=page.story_area)
            q, c = list(queue), list(continuations)
            self.pages[page.index] = trial
            for n, stack in enumerate(trial.template.stacks):
                self.fill_stack(trial, stack, q, c, lead_first and n == 0, whole_first)
            if whole_first:
                for space in trial.free:
                    self.fill_stories(trial, space, (), q, c, False, False)
            jumps = len(c) - len(continuations)
            free = sum((s.bottom - s.y) * s.width for s in trial.free)
            trials.append((bool(q), jumps, free, trial, q, c))
            if q:  # the page is full and more stories wait: no need for the second way
                break
        best = min(trials, key=lambda t: (t[0], t[1], t[2]))
        _, _, _, trial, q, c = best
        page.fragments, page.rules, page.free = trial.fragments, trial.rules, trial.free
        self.pages[page.index] = page
        queue[:] = q
        continuations[:] = c
        for pending in continuations:  # continuations made on the trial page point here
            if pending.from_page == page.index:
                pending.from_page = page.index

    # -- sections --------------------------------------------------------------------------

    def section(self, section: Section, stories: Sequence[StoryMeasure],
                explicit: Sequence[PageSpec] = ()) -> None:
        """Pages for one section: planned pages, then automatic ones, then jump pages."""
        queue = [_Pending(m, tuple(range(len(m.galley.items))))
                 for m in sorted(stories, key=lambda m: m.article.priority)]
        continuations: list[_Pending] = []
        for spec in explicit:
            page = self.new_page(section, spec.template)
            for slot in page.template.slots:
                slug = spec.slots.get(slot.name)
                if slug is None:
                    continue
                pending = next((q for q in queue if q.measure.slug == slug), None)
                if pending is None:
                    continue
                queue.remove(pending)
                rect = slot.rect(self.grid, slot.row + slot.rows < self.grid.rows)
                natural = self.natural(pending, slot.span)
                depth = None if natural <= rect.height + EPS else rect.height
                self.place(page, pending, slot.name, rect.x, rect.y, slot.span, depth,
                           f"planned: '{slug}' in slot '{slot.name}'", continuations)
        first = not explicit
        guard = 0
        while queue:
            template = section.first_template if first else section.next_template
            page = self.new_page(section, template)
            before = len(queue)
            self.fill_page(page, queue, continuations, lead_first=first)
            first = False
            if len(queue) == before:
                guard += 1
                self.pages.remove(page)
                p = queue.pop(0)
                self.unplaced.append(Unplaced(p.measure.slug, p.lines,
                                              "no slot of any page can hold its head"))
                if guard > len(stories):
                    break
        mine = [p for p in self.pages if p.section.id == section.id]
        for page in mine:  # continuations go to the next free room of the section first
            self.fill_free(page, continuations)
        while continuations:
            page = self.new_page(section, "jump")
            page.free = [_Space(st.rect.x, st.rect.y, st.rect.y + st.rect.height, st.rect.width,
                                st.span, st.slots[0].name) for st in page.template.stacks]
            self.fill_free(page, continuations)
            if not page.fragments:
                self.pages.remove(page)
                for p in continuations:
                    self.unplaced.append(Unplaced(p.measure.slug, p.lines,
                                                  "its continuation fits no jump page"))
                continuations.clear()
        for page in self.pages:
            if page.section.id == section.id:
                self.close_page(page)

    def paginate(self, sections: Sequence[Section], stories: Sequence[StoryMeasure],
                 explicit: Sequence[PageSpec] = ()) -> Pages:
        """Every section's pages, in order."""
        for section in sections:
            mine = [m for m in stories if m.article.section == section.id]
            planned = [s for s in explicit if s.section == section.id]
            if mine or planned:
                self.section(section, mine, planned)
        return Pages(self.pages, {m.slug: m for m in stories}, self.unplaced)


def _replace(fragment: Fragment, **changes: object) -> Fragment:
    return replace(fragment, **changes)  # type: ignore[arg-type]


def default_sections(stories: Sequence[StoryMeasure],
                     titles: Mapping[str, str] | None = None) -> list[Section]:
    """Sections in order of first appearance, lettered A, B, C…; the first opens with the
    front page, an 'opinion' section uses the opinion template."""
    seen: list[str] = []
    for m in stories:
        if m.article.section not in seen:
            seen.append(m.article.section)
    out = []
    for n, sid in enumerate(seen):
        opinion = sid.lower() in ("opinion", "오피니언", "사설")
        first = "opinion" if opinion else ("front" if n == 0 else "inside")
        out.append(Section(sid, (titles or {}).get(sid, sid.replace("-", " ").title()),
                           chr(ord("A") + n), first, "opinion" if opinion else "inside"))
    return out


def check_plan(explicit: Sequence[PageSpec], templates: Mapping[str, PageTemplate],
               slugs: set[str]) -> list[Problem]:
    """Problems with an explicit page plan: unknown templates, slots or stories."""
    problems = []
    for n, spec in enumerate(explicit):
        template = templates.get(spec.template)
        if template is None:
            problems.append(Problem(None, f"unknown template '{spec.template}'",
                                    field=f"pages.{n}.template",
                                    fix="use one of: " + ", ".join(sorted(templates))))
            continue
        for slot, slug in spec.slots.items():
            if template.slot(slot) is None:
                problems.append(Problem(None, f"template '{spec.template}' has no slot '{slot}'",
                                        field=f"pages.{n}.slots",
                                        fix="slots: " + ", ".join(s.name for s in template.slots)))
            if slug not in slugs:
                problems.append(Problem(None, f"no article with slug '{slug}'",
                                        field=f"pages.{n}.slots.{slot}"))
    return problems
