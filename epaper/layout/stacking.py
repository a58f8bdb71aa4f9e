"""Setting a story into a space, and the search for which stories, one under another,
fill a stack of the page best (a beam search over the waiting stories)."""

from __future__ import annotations

import math
from collections.abc import Sequence

from epaper.layout.fit import EPS, Fit, FitRules, cut_for_jump, fit_subset
from epaper.layout.galley import Galley
from epaper.layout.grid import Layout
from epaper.layout.justify import PHOTO_GROWTH
from epaper.layout.pagemodel import Pending, Space, StackPlan, Step
from epaper.layout.rules import HouseRules
from epaper.layout.story import StoryFrame, frame_for, natural_depth
from epaper.layout.templates import Slot
from epaper.layout.trim import cut_points, paragraphs_in

BEAM_WIDTH = 12  # sequences kept at each step of the stack search
BEAM_CANDIDATES = 14  # waiting stories tried at each step, in priority order


class StackPlanner:
    """What a paginator knows of setting stories: natural depths, photo widths, the
    stack search. Subclassed by ``Paginator``."""

    layout: Layout
    rules: FitRules
    house: HouseRules
    min_story_lines: int
    _natural: dict[tuple[str, tuple[int, int], int, int, int, float], tuple[float, float]]
    photo_growth: dict[str, float]  # section → how much taller its lead photos are set
    _cuts: dict[tuple[int, int], Pending]
    _trims: dict[tuple[object, ...], Pending | None]

    # -- setting one fragment --------------------------------------------------------------

    def lead_options(self, p: Pending, span: int) -> list[int]:
        """Lead photo widths to try for a story at ``span`` (0: no photo above the text)."""
        lead = p.measure.parts.lead
        if p.part or lead is None:
            return [0]
        default = self.layout.story.lead_columns(span, lead.columns)
        if lead.columns:  # the article asks for a width: keep it
            return [default]
        return [default] + [c for c in range(span, 0, -1) if c != default]

    def _frame(self, p: Pending, span: int, depth: float,
               lead_cols: int | None = None) -> StoryFrame:
        m = p.measure
        head = m.heads[span] if p.part == 0 else m.jump_heads[span]
        if lead_cols is None:
            lead_cols = self.lead_options(p, span)[0]
        lead = m.leads[lead_cols] * (1 + self.photo_growth.get(m.article.section, 0.0)) \
            if lead_cols else 0.0
        return frame_for(self.grid, span, head, lead_cols, lead, depth)

    def natural(self, p: Pending, span: int, lead_cols: int | None = None) -> float:
        """The depth at which the story (or its rest) sets completely at ``span``."""
        return self._natural_frame(p, span, lead_cols)[0]

    def waste(self, p: Pending, span: int, lead_cols: int | None = None) -> float:
        """Empty area at the foot of the columns when set whole, in body lines of the
        story's width."""
        return self._natural_frame(p, span, lead_cols)[1]

    def _natural_frame(self, p: Pending, span: int,
                       lead_cols: int | None) -> tuple[float, float]:
        if lead_cols is None:
            lead_cols = self.lead_options(p, span)[0]
        key = (p.measure.slug, p.run, p.part, span, lead_cols,
               self.photo_growth.get(p.measure.article.section, 0.0))
        if key not in self._natural:
            g = p.measure.galley
            sub = Galley(tuple(g.items[i] for i in p.items), g.pitch)
            frame = natural_depth(sub, self._frame(p, span, 0.0, lead_cols), self.rules)
            fit = fit_subset(g, p.items, [r.height for r in frame.column_rects()], self.rules)
            empty = sum((r.height - fit.used(g, c)) * r.width
                        for c, r in enumerate(frame.column_rects()))
            self._natural[key] = (frame.depth, empty / (frame.width * g.pitch))
        return self._natural[key]

    def lines_before(self, p: Pending, span: int, lead_cols: int | None, room: float) -> int:
        """Body lines a frame of depth ``room`` holds (what stays before a jump)."""
        frame = self._frame(p, span, room, lead_cols)
        return sum(int(r.height // p.measure.galley.pitch) for r in frame.column_rects())

    def min_depth(self, p: Pending, span: int, lead_cols: int | None = None) -> float:
        """The least depth worth starting the story (or a continuation) in: its head and
        some lines."""
        lines = self.min_story_lines if p.part == 0 else self.min_jump_lines
        frame = self._frame(p, span, 0, lead_cols)
        return frame.head_height + frame.lead_height + lines * p.measure.galley.pitch

    def set_in(self, p: Pending, span: int, depth: float | None,
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


    def may_trim(self, p: Pending) -> bool:
        """May the story be cut at a paragraph end (house rule and front matter)?"""
        return self.house.may_trim(p.measure.article.trim)

    def trim_to(self, p: Pending, span: int, lead_cols: int | None,
                room: float, brief: bool = False) -> Pending | None:
        """The story (or its rest) cut at the last paragraph end that lets it set whole in
        ``room``; None when that would keep too little (a story keeps at least 40 % of its
        lines and ``min-story-lines``; a continuation at least a paragraph). ``brief``: a
        story the desk would otherwise hold may be cut down to its opening paragraphs
        (``min-story-lines``), as a desk boils a story down to a brief."""
        # a pending story's items are one run of its galley; depths are its head and whole
        # lines, so every room with as many lines below the head gives the same cut
        head = (p.measure.heads if p.part == 0 else p.measure.jump_heads)[span]
        lines = math.floor((room - head + EPS) / p.measure.galley.pitch)
        key = (p.measure.slug, p.part, p.run, span, lead_cols, lines, brief,
               self.photo_growth.get(p.measure.article.section, 0.0))
        if key in self._trims:
            found = self._trims[key]
            return None if found is None else self._cut(p, len(found.items))
        self._trims[key] = best = self._trim_to(p, span, lead_cols, room, brief)
        return best

    def _trim_to(self, p: Pending, span: int, lead_cols: int | None,
                 room: float, brief: bool = False) -> Pending | None:
        ends = cut_points(p.measure.galley, p.items)
        whole = p.measure.galley.text_lines  # 40 % of the story as written, not as cut
        least = 1 if p.part else (self.min_story_lines if brief else
                                  max(self.min_story_lines, math.ceil(0.4 * whole)))
        best = None
        lo, hi = 0, len(ends) - 1
        while lo <= hi:  # natural depth grows with what is kept
            mid = (lo + hi) // 2
            cut = self._cut(p, ends[mid])
            if self.natural(cut, span, lead_cols) <= room + EPS:
                best, lo = cut, mid + 1
            else:
                hi = mid - 1
        return best if best is not None and best.lines >= least else None

    def _cut(self, p: Pending, keep: int) -> Pending:
        key = (id(p), keep)
        if key not in self._cuts:
            self._cuts[key] = Pending(p.measure, p.items[:keep], p.part, p.from_page,
                                      p.from_fragment, origin=p.origin or p)
        return self._cuts[key]

    def plan_stack(self, space: Space, slots: Sequence[Slot], queue: list[Pending],
                   lead_first: bool, whole_only: bool, may_jump: bool = True,
                   jumps_left: int = 99) -> list[Step]:
        """Which stories, one under another, fill the space best.

        A beam search over sequences of waiting stories (each set whole at its natural
        depth, the last one possibly filling the rest and jumping). A sequence costs what
        it leaves empty (the hole at the foot, blank column feet inside stories) in body
        lines, plus a little for each place a story stands behind in priority order."""
        gap = self.grid.row_gap
        span = space.span
        pitch = queue[0].measure.galley.pitch if queue else 12.0
        absorbable = self.layout.pages.feather_lines * pitch
        beam: list[StackPlan] = [StackPlan(space.y, (), frozenset(), 0.0, False)]
        finished: list[StackPlan] = []
        while beam:
            grown: list[StackPlan] = []
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
                            grown.append(StackPlan(plan.y + natural + gap,
                                               (*plan.steps, Step(p, None, lead, how + photo)),
                                               plan.used | {id(p)}, cost, False,
                                               plan.jumps))
                            continue
                        jumped = (natural - room) / p.measure.galley.pitch * span
                        trim = self.may_trim(p)
                        if jumps and (may_jump or not trim) and plan.jumps < jumps_left and \
                                not (whole_only and not lead_here) and \
                                self.min_depth(p, span, lead) <= room + EPS and \
                                self.lines_before(p, span, lead, room) >= \
                                self.house.min_lines_before_jump and \
                                (jumped >= self.min_jump_lines or (lead_here and not trim)):
                            how = f"fills the space and jumps ({jumped:.0f} lines more)" + photo
                            last = k >= len(slots) - 1
                            grown.append(StackPlan(plan.y + room + gap,
                                                   (*plan.steps, Step(p, room, lead, how)),
                                                   plan.used | {id(p)}, cost, last,
                                                   plan.jumps + 1))
                        if trim:
                            cut = self.trim_to(p, span, lead, room)
                            if cut is None:
                                continue
                            depth = self.natural(cut, span, lead)
                            lost = p.lines - cut.lines
                            dropped = p.items[len(cut.items):]
                            how = (f"trimmed to fit: {paragraphs_in(p.measure.galley, dropped)}"
                                   " paragraphs cut from the end" + photo)
                            grown.append(StackPlan(
                                plan.y + depth + gap, (*plan.steps, Step(cut, None, lead, how)),
                                plan.used | {id(p)},
                                cost + 1.0 + 0.5 * lost / span + self.waste(cut, span, lead),
                                False, plan.jumps))
            grown.sort(key=lambda pl: pl.cost + self._hole_cost(space, pl, pitch, absorbable))
            beam = grown[:BEAM_WIDTH]
        best = min(finished, key=lambda pl: (
            pl.cost + self._hole_cost(space, pl, pitch, absorbable)
            + (0 if len(pl.steps) or not queue else 1000)))
        return list(best.steps)

    def _hole_cost(self, space: Space, plan: StackPlan, pitch: float, absorbable: float) -> float:
        """Lines left empty at the foot of the space (a few can be feathered away, more
        taken up by a photo across the whole story above)."""
        hole = max(0.0, space.bottom - plan.y)
        if hole <= absorbable + self.grid.row_gap:
            return hole / pitch * 0.2
        # lead photos may be cropped taller (the stack's justification), the text beside
        # a narrower one taking its share
        growable = sum(PHOTO_GROWTH * s.pending.measure.leads.get(s.lead_cols, 0.0)
                       * s.lead_cols / space.span
                       for s in plan.steps if s.lead_cols and not s.pending.part)
        if hole <= growable + absorbable:
            return hole / pitch * 0.1
        return hole / pitch
