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
from epaper.layout.measured import StoryMeasure
from epaper.layout.story import Rect, StoryFrame, frame_for, natural_depth
from epaper.layout.templates import PageTemplate, Slot, Stack, by_role


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
    jump_to: int | None = None  # page index of the next part (linked when all is placed)
    jump_from: int | None = None  # page index of the previous part
    from_fragment: int | None = None  # the previous part's place in that page's fragments
    continues: bool = False  # the rest goes on to a later page
    feather: tuple[float, ...] = ()  # space added before each paragraph, per column

    @property
    def rect(self) -> Rect:
        return Rect(self.x, self.y, self.frame.width, self.frame.depth)

    @property
    def jumps(self) -> bool:
        return self.continues

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
    unplaced: list[Unplaced] = field(default_factory=list)  # what could not be set here

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
    above: int | None = None  # index in the page's fragments of the story just above
    rule: int | None = None  # index in the page's rules of the hairline under it




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


BEAM_WIDTH = 12  # sequences kept at each step of the stack search
BEAM_CANDIDATES = 14  # waiting stories tried at each step, in priority order


@dataclass(frozen=True)
class _Step:
    pending: _Pending
    depth: float | None  # None: whole, at its natural depth
    lead_cols: int
    how: str


@dataclass(frozen=True)
class _Plan:
    y: float
    steps: tuple[_Step, ...]
    used: frozenset[int]
    cost: float
    closed: bool


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
        self._natural: dict[tuple[str, tuple[int, ...], int, int, int],
                            tuple[float, float]] = {}
        self._measures_by_slug: dict[str, StoryMeasure] = {}

    # -- setting one fragment --------------------------------------------------------------

    def lead_options(self, p: _Pending, span: int) -> list[int]:
        """Lead photo widths to try for a story at ``span`` (0: no photo above the text)."""
        lead = p.measure.parts.lead
        if p.part or lead is None:
            return [0]
        default = self.layout.story.lead_columns(span, lead.columns)
        if lead.columns:  # the article asks for a width: keep it
            return [default]
        return [default] + [c for c in range(span, 0, -1) if c != default]

    def _frame(self, p: _Pending, span: int, depth: float,
               lead_cols: int | None = None) -> StoryFrame:
        m = p.measure
        head = m.heads[span] if p.part == 0 else m.jump_heads[span]
        if lead_cols is None:
            lead_cols = self.lead_options(p, span)[0]
        lead = m.leads[lead_cols] if lead_cols else 0.0
        return frame_for(self.grid, span, head, lead_cols, lead, depth)

    def natural(self, p: _Pending, span: int, lead_cols: int | None = None) -> float:
        """The depth at which the story (or its rest) sets completely at ``span``."""
        return self._natural_frame(p, span, lead_cols)[0]

    def waste(self, p: _Pending, span: int, lead_cols: int | None = None) -> float:
        """Empty area at the foot of the columns when set whole, in body lines of the
        story's width."""
        return self._natural_frame(p, span, lead_cols)[1]

    def _natural_frame(self, p: _Pending, span: int,
                       lead_cols: int | None) -> tuple[float, float]:
        if lead_cols is None:
            lead_cols = self.lead_options(p, span)[0]
        key = (p.measure.slug, p.items, p.part, span, lead_cols)
        if key not in self._natural:
            g = p.measure.galley
            sub = Galley(tuple(g.items[i] for i in p.items), g.pitch)
            frame = natural_depth(sub, self._frame(p, span, 0.0, lead_cols), self.rules)
            fit = fit_subset(g, p.items, [r.height for r in frame.column_rects()], self.rules)
            empty = sum((r.height - fit.used(g, c)) * r.width
                        for c, r in enumerate(frame.column_rects()))
            self._natural[key] = (frame.depth, empty / (frame.width * g.pitch))
        return self._natural[key]

    def min_depth(self, p: _Pending, span: int, lead_cols: int | None = None) -> float:
        """The least depth worth starting the story (or a continuation) in: its head and
        some lines."""
        lines = self.min_story_lines if p.part == 0 else self.min_jump_lines
        frame = self._frame(p, span, 0, lead_cols)
        return frame.head_height + frame.lead_height + lines * p.measure.galley.pitch

    def set_in(self, p: _Pending, span: int, depth: float | None,
               may_jump: bool = True, lead_cols: int | None = None) -> tuple[StoryFrame, Fit]:
        """Set the pending story at ``span``: at its natural depth, or into ``depth`` with
        the rest jumping (one line kept for "Continued on …") or, where it may not jump,
        overset."""
        g = p.measure.galley
        if depth is None:
            depth = self.natural(p, span, lead_cols)
        frame = self._frame(p, span, depth, lead_cols)
        caps = [r.height for r in frame.column_rects()]
        fit = fit_subset(g, p.items, caps, self.rules)
        if fit.overset and may_jump:
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
              depth: float | None, why: str, continuations: list[_Pending],
              may_jump: bool = True, lead_cols: int | None = None) -> Fragment | None:
        """Put a fragment on the page; a rest that does not fit joins ``continuations``
        (or, where the slot forbids jumps, stays overset and is reported). None when not
        even the first line or block could be set here (then it is reported unplaced)."""
        frame, fit = self.set_in(p, span, depth, may_jump, lead_cols)
        if not any(fit.columns):
            page.unplaced.append(Unplaced(
                p.measure.slug, p.lines, f"its {'rest' if p.part else 'text'} begins with a "
                f"block deeper than a {frame.depth:.0f}pt frame on {page.label}"))
            return None
        fragment = Fragment(p.measure.slug, p.part, slot, x, y, frame, fit, why,
                            jump_from=p.from_page, from_fragment=p.from_fragment,
                            continues=bool(fit.overset) and may_jump,
                            feather=feathering(fit, p.measure.galley,
                                               bool(fit.overset) and may_jump,
                                               self.layout.pages.feather_lines))
        page.fragments.append(fragment)
        if fit.overset and may_jump:
            continuations.append(_Pending(p.measure, fit.overset, p.part + 1, page.index,
                                          len(page.fragments) - 1))
        return fragment

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
        """Stories from the queue into the space, template slots first, then extra ones,
        in the order a search over the waiting stories found best (see ``plan_stack``)."""
        for k, step in enumerate(self.plan_stack(space, slots, queue, lead_first, whole_only)):
            slot = slots[k] if k < len(slots) else None
            name = slot.name if slot else f"{space.slot}+{k - len(slots) + 1}"
            jumps = slot.jumps if slot else (slots[-1].jumps if slots else True)
            queue.remove(step.pending)
            fragment = self.place(page, step.pending, name, space.x, space.y, space.span,
                                  step.depth,
                                  self._why(step.pending, page, name, step.how,
                                            lead_first and k == 0),
                                  continuations, jumps, step.lead_cols)
            self._advance(page, space, fragment)

    def plan_stack(self, space: _Space, slots: Sequence[Slot], queue: list[_Pending],
                   lead_first: bool, whole_only: bool) -> list[_Step]:
        """Which stories, one under another, fill the space best.

        A beam search over sequences of waiting stories (each set whole at its natural
        depth, the last one possibly filling the rest and jumping). A sequence costs what
        it leaves empty (the hole at the foot, blank column feet inside stories) in body
        lines, plus a little for each place a story stands behind in priority order."""
        gap = self.grid.row_gap
        span = space.span
        pitch = queue[0].measure.galley.pitch if queue else 12.0
        absorbable = self.layout.pages.feather_lines * pitch
        beam: list[_Plan] = [_Plan(space.y, (), frozenset(), 0.0, False)]
        finished: list[_Plan] = []
        while beam:
            grown: list[_Plan] = []
            for plan in beam:
                finished.append(plan)
                if plan.closed:
                    continue
                k = len(plan.steps)
                slot = slots[k] if k < len(slots) else None
                room = space.bottom - plan.y
                if k < len(slots) - 1 and slot is not None:  # an upper slot of a stack
                    rect = slot.rect(self.grid, True)
                    room = rect.y + rect.height - plan.y
                kind = slot.kind if slot else "story"
                jumps = slot.jumps if slot else (slots[-1].jumps if slots else True)
                lead_here = lead_first and k == 0
                waiting = [q for q in queue if id(q) not in plan.used]
                if kind == "briefs":
                    waiting.sort(key=lambda q: (-q.measure.article.priority,
                                                self.natural(q, span)))
                if lead_here:
                    waiting = waiting[:1]
                for order, p in enumerate(waiting[:BEAM_CANDIDATES]):
                    for lead in self.lead_options(p, span):
                        natural = self.natural(p, span, lead)
                        cost = plan.cost + order * 0.15 + self.waste(p, span, lead)
                        if lead != self.lead_options(p, span)[0]:
                            cost += 0.05
                        photo = (f"; photo set {lead} column{'s' if lead > 1 else ''} wide"
                                 if lead and lead != self.lead_options(p, span)[0] else "")
                        if natural <= room + EPS:
                            rest = space.bottom - (plan.y + natural)
                            how = ("sets whole, to the line" if rest < pitch else
                                   "sets whole; the next story goes below")
                            grown.append(_Plan(plan.y + natural + gap,
                                               (*plan.steps, _Step(p, None, lead, how + photo)),
                                               plan.used | {id(p)}, cost, False))
                        elif jumps and not (whole_only and not lead_here) and \
                                self.min_depth(p, span, lead) <= room + EPS:
                            over = (natural - room) / p.measure.galley.pitch
                            if over < self.min_jump_lines and not lead_here:
                                continue
                            how = f"fills the space and jumps ({over:.0f} lines more)" + photo
                            last = k >= len(slots) - 1
                            grown.append(_Plan(plan.y + room + gap,
                                               (*plan.steps, _Step(p, room, lead, how)),
                                               plan.used | {id(p)}, cost, last))
            grown.sort(key=lambda pl: pl.cost + self._hole_cost(space, pl, pitch, absorbable))
            beam = grown[:BEAM_WIDTH]
        best = min(finished, key=lambda pl: (
            pl.cost + self._hole_cost(space, pl, pitch, absorbable)
            + (0 if len(pl.steps) or not queue else 1000)))
        return list(best.steps)

    def _hole_cost(self, space: _Space, plan: _Plan, pitch: float, absorbable: float) -> float:
        """Lines left empty at the foot of the space (a few can be feathered away, more
        taken up by a photo across the whole story above)."""
        hole = max(0.0, space.bottom - plan.y)
        if hole <= absorbable + self.grid.row_gap:
            return hole / pitch * 0.2
        if plan.steps:
            last = plan.steps[-1]
            lead = last.pending.measure.leads.get(last.lead_cols, 0.0)
            if last.lead_cols == space.span and hole <= 0.6 * lead:
                return hole / pitch * 0.1
        return hole / pitch

    def fill_free(self, page: Page, continuations: list[_Pending]) -> None:
        """Continuations from earlier pages into the page's free room: each where it sets
        whole if it can; when none can, one fills the largest room and jumps again."""

        def put(p: _Pending, space: _Space, depth: float | None) -> None:
            continuations.remove(p)
            later: list[_Pending] = []
            how = "continued here" if depth is None else "fills the room and jumps again"
            fragment = self.place(page, p, space.slot, space.x, space.y, space.span, depth,
                                  self._why(p, page, space.slot, how, False), later)
            continuations[:0] = later
            self._advance(page, space, fragment)

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

    def fill_ratio(self, page: Page) -> float:
        """Share of the page's story area covered by set stories (head, photo, lines)."""
        area = page.story_area - sum(r.width * self.grid.row_gap for r in page.rules)
        filled = sum(f.frame.width * f.frame.depth
                     - f.empty_area(self._measures_by_slug[f.slug]) for f in page.fragments)
        return filled / area if area > 0 else 0.0

    def _advance(self, page: Page, space: _Space, fragment: Fragment | None) -> None:
        """Move the space's top below a fragment just placed in it (and its hairline)."""
        if fragment is None:
            return
        gap = self.grid.row_gap
        space.y += fragment.frame.depth + gap
        space.above, space.rule = len(page.fragments) - 1, None
        if space.y < space.bottom:
            page.rules.append(Rect(space.x, space.y - gap / 2, space.width, 0))
            space.rule = len(page.rules) - 1

    def absorb(self, page: Page, space: _Space) -> None:
        """A few lines left at the foot of a stack go to the story above: its frame
        reaches the foot and its columns are justified down to it (feathering)."""
        if space.above is None or space.y >= space.bottom:
            return
        f = page.fragments[space.above]
        m = self._measures_by_slug[f.slug]
        extra = space.bottom - (f.y + f.frame.depth)
        lead_grows = f.frame.lead_columns == f.frame.columns and f.frame.lead_height and \
            extra <= 0.6 * f.frame.lead_height
        if extra > self.layout.pages.feather_lines * m.galley.pitch + self.grid.row_gap and \
                not lead_grows:
            return
        lead = f.frame.lead_height
        if f.frame.lead_columns == f.frame.columns and lead and extra <= 0.6 * lead:
            # a photo across the whole story grows (cropped taller): no text moves
            frame = replace(f.frame, lead_height=lead + extra, depth=f.frame.depth + extra)
            page.fragments[space.above] = replace(
                f, frame=frame, why=f.why + f"; photo grown {extra:.0f}pt to fill the column")
        else:
            frame = f.frame.with_depth(f.frame.depth + extra)
            fit = replace(f.fit, capacities=tuple(r.height for r in frame.column_rects()))
            feather = feathering(fit, m.galley, f.jumps, self.layout.pages.feather_lines)
            if not any(feather):
                return
            page.fragments[space.above] = replace(f, frame=frame, fit=fit, feather=feather)
        if space.rule is not None:
            page.rules[space.rule] = Rect(0, 0, 0, -1)  # dropped below
        space.y = space.bottom

    def close_page(self, page: Page) -> None:
        """Room no story could take: a few lines go to the story above; more becomes a
        house filler (small room stays white)."""
        for space in page.free:
            self.absorb(page, space)
        page.rules = [r for r in page.rules if r.height >= 0]
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
                  lead_first: bool, role: str | None = None) -> None:
        """Fill the page, trying each template of its role and two ways of filling:
        stories in priority order, free to jump; and, where the queue runs out on this
        page, stories set whole where they fit before any may jump. Continuations from
        earlier pages take the room left. A way that leaves nothing for a later page wins
        (this page can close the section); otherwise the fuller page; then the template
        listed first (the one named like the role)."""
        templates = by_role(dict(self.templates), role) if role else [page.template]
        trials = []
        for rank, template in enumerate(templates):
            for whole_first in (False, True):
                trial = Page(page.index, page.section, page.number, template,
                             story_area=sum(s.rect.width * s.rect.height
                                            for s in template.stacks))
                q, c = list(queue), list(continuations)
                self.pages[page.index] = trial
                for n, stack in enumerate(template.stacks):
                    self.fill_stack(trial, stack, q, c, lead_first and n == 0, whole_first)
                if whole_first:
                    for space in trial.free:
                        self.fill_stories(trial, space, (), q, c, False, False)
                self.fill_free(trial, c)  # continuations from earlier pages
                later = bool(q) or bool(c)  # something must go on to a later page
                trials.append(((bool(q), later, -self.fill_ratio(trial), rank),
                               trial, q, c))
                if q:  # the page is full and more stories wait: no need for the second way
                    break
        _, trial, q, c = min(trials, key=lambda t: t[0])
        page.template, page.story_area = trial.template, trial.story_area
        page.fragments, page.rules, page.free = trial.fragments, trial.rules, trial.free
        page.unplaced = trial.unplaced
        self.pages[page.index] = page
        queue[:] = q
        continuations[:] = c

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
                           f"planned: '{slug}' in slot '{slot.name}'"
                           + ("" if slot.jumps or depth is None else
                              " (this slot does not jump: the rest is overset)"),
                           continuations, slot.jumps)
        first = not explicit
        guard = 0
        while queue:
            role = section.first_template if first else section.next_template
            page = self.new_page(section, by_role(dict(self.templates), role)[0].name)
            before = len(queue)
            self.fill_page(page, queue, continuations, lead_first=first, role=role)
            first = False
            if len(queue) == before:
                guard += 1
                if not page.fragments:  # continuations may have found room on it: keep it
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
            page = self.new_page(section, by_role(dict(self.templates), "jump")[0].name)
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
        self._measures_by_slug = {m.slug: m for m in stories}
        for section in sections:
            mine = [m for m in stories if m.article.section == section.id]
            planned = [s for s in explicit if s.section == section.id]
            if mine or planned:
                self.section(section, mine, planned)
        for page in self.pages:
            self.unplaced.extend(page.unplaced)
        for page in self.pages:  # link each part to the next now that all pages are made
            for f in page.fragments:
                if f.jump_from is not None and f.from_fragment is not None:
                    source = self.pages[f.jump_from]
                    source.fragments[f.from_fragment] = replace(
                        source.fragments[f.from_fragment], jump_to=page.index)
        return Pages(self.pages, {m.slug: m for m in stories}, self.unplaced)


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
