"""Setting a story into a space, and the search for which stories, one under another,
fill a stack of the page best (a beam search over the waiting stories)."""

from __future__ import annotations

import math
from collections.abc import Sequence

from epaper.layout.fit import EPS, Fit, FitRules, cut_for_jump, fit_subset
from epaper.layout.galley import Galley
from epaper.layout.grid import Layout
from epaper.layout.justify import PHOTO_GROWTH
from epaper.layout.memo import Memo, Option
from epaper.layout.pagemodel import Pending, Space, StackPlan, Step
from epaper.layout.rules import HouseRules
from epaper.layout.story import StoryFrame, frame_for, least_lines, natural_fit
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
    photo_growth: dict[str, float]  # section → how much taller its lead photos are set
    memo: Memo

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

    def _lead(self, p: Pending, span: int, lead_cols: int | None) -> int:
        """The lead photo width asked for, or by default the layout's."""
        return self.lead_options(p, span)[0] if lead_cols is None else lead_cols

    def _frame(self, p: Pending, span: int, depth: float,
               lead_cols: int | None = None) -> StoryFrame:
        m = p.measure
        head = m.heads[span] if p.part == 0 else m.jump_heads[span]
        lead_cols = self._lead(p, span, lead_cols)
        lead = m.leads[lead_cols] * (1 + self.photo_growth.get(m.article.section, 0.0)) \
            if lead_cols else 0.0
        return frame_for(self.grid, span, head, lead_cols, lead, depth)

    def natural(self, p: Pending, span: int, lead_cols: int | None = None) -> float:
        """The depth at which the story (or its rest) sets completely at ``span``."""
        return self._natural_frame(p, span, lead_cols)[0]

    def _natural_frame(self, p: Pending, span: int,
                       lead_cols: int | None) -> tuple[float, float]:
        """The natural depth, and the empty area at the foot of the columns when set whole
        in body lines of the story's width (its waste)."""
        lead_cols = self._lead(p, span, lead_cols)
        key = (p.measure.slug, p.run, p.part, span, lead_cols, self._growth(p, lead_cols))
        if key not in self.memo.natural:
            g = p.measure.galley
            items = p.items
            sub = Galley(g.items[items[0]:items[-1] + 1] if p.one_run
                         else tuple(g.items[i] for i in items), g.pitch)
            frame, fit = natural_fit(sub, self._frame(p, span, 0.0, lead_cols), self.rules)
            empty = sum((r.height - fit.used(sub, c)) * r.width
                        for c, r in enumerate(frame.column_rects()))
            self.memo.natural[key] = (frame.depth, empty / (frame.width * g.pitch))
        return self.memo.natural[key]

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
               self._growth(p, self._lead(p, span, lead_cols)))
        if key in self.memo.trims:
            found = self.memo.trims[key]
            return None if found is None else self._cut(p, len(found.items))
        self.memo.trims[key] = best = self._trim_to(p, span, lead_cols, room, brief)
        return best

    def _trim_to(self, p: Pending, span: int, lead_cols: int | None,
                 room: float, brief: bool = False) -> Pending | None:
        g = p.measure.galley
        whole = g.text_lines  # 40 % of the story as written, not as cut
        least = 1 if p.part else (self.min_story_lines if brief else
                                  max(self.min_story_lines, math.ceil(0.4 * whole)))
        lead = self._lead(p, span, lead_cols)
        ends, bounds, depths = self._trim_table(p, span, lead)
        best = None
        lo, hi = 0, len(ends) - 1
        while lo <= hi:  # natural depth grows with what is kept
            mid = (lo + hi) // 2
            if bounds[mid] > room + EPS + 1e-6:
                hi = mid - 1
                continue
            depth = depths[mid]
            if depth is None:
                depth = depths[mid] = self.natural(self._cut(p, ends[mid]), span, lead)
            if depth <= room + EPS:
                best, lo = mid, mid + 1
            else:
                hi = mid - 1
        if best is None:
            return None
        cut = self._cut(p, ends[best])
        return cut if cut.lines >= least else None

    def _trim_table(self, p: Pending, span: int,
                    lead: int) -> tuple[list[int], list[float], list[float | None]]:
        """For each place the story may be cut: how many items it keeps, a depth its
        natural depth is never below (the balanced columns: a cut deeper than the room
        is not set to learn that it does not fit), and its natural depth once asked."""
        key = (id(p.measure), p.part, p.run, span, lead, self._growth(p, lead))
        if key not in self.memo.tables:
            g = p.measure.galley
            ends = self._cut_points(p)
            frame = self._frame(p, span, 0.0, lead)
            first = p.items[0] if p.items else 0
            bounds = [0.0] * len(ends)  # (no bound for a story that is not one run)
            if p.one_run:
                sums = g.height_sums
                bounds = [frame.head_height + g.pitch * least_lines(
                    sums[first + keep] - sums[first] - 1e-6,  # never above the true sum
                    frame, g.pitch) for keep in ends]
            self.memo.tables[key] = ends, bounds, [None] * len(ends)
        return self.memo.tables[key]

    def _cut_points(self, p: Pending) -> list[int]:
        key = (id(p.measure), p.run)
        if key not in self.memo.ends:
            self.memo.ends[key] = cut_points(p.measure.galley, p.items)
        return self.memo.ends[key]

    def _cut(self, p: Pending, keep: int) -> Pending:
        key = (id(p), keep)
        if key not in self.memo.cuts:
            self.memo.cuts[key] = Pending(p.measure, p.items[:keep], p.part, p.from_page,
                                          p.from_fragment, origin=p.origin or p)
        return self.memo.cuts[key]

    def plan_stack(self, space: Space, slots: Sequence[Slot], queue: list[Pending],
                   lead_first: bool, whole_only: bool, may_jump: bool = True,
                   jumps_left: int = 99) -> list[Step]:
        """Which stories, one under another, fill the space best.

        A beam search over sequences of waiting stories (each set whole at its natural
        depth, the last one possibly filling the rest and jumping). A sequence costs what
        it leaves empty (the hole at the foot, blank column feet inside stories) in body
        lines, plus a little for each place a story stands behind in priority order.

        The desk lays a section out many times over (cuts, photo sizes, budgets); a search
        depends only on the space and on the waiting stories it looked at, so its result
        is remembered under those and reused when the same stack comes round again."""
        where = (space.y, space.bottom, space.span, tuple(slots), lead_first, whole_only,
                 may_jump, jumps_left)
        contents = [self._content(q) for q in queue]
        for seen, whole, found in self.memo.stacks.get(where, ()):
            if (len(contents) == len(seen) if whole else len(contents) >= len(seen)) and \
                    contents[:len(seen)] == seen:
                return [Step(self._cut(queue[k], keep) if keep is not None else queue[k],
                             depth, lead, how) for k, keep, depth, lead, how in found]
        steps, reach = self._search_stack(space, slots, queue, lead_first, whole_only,
                                          may_jump, jumps_left)
        index = {id(q): k for k, q in enumerate(queue)}
        found = []
        for step in steps:
            p = step.pending
            k = index[id(p)] if id(p) in index else next(  # a trimmed story: its source
                j for j, q in enumerate(queue) if q.measure is p.measure
                and q.part == p.part and q.items[:len(p.items)] == p.items)
            found.append((k, None if p is queue[k] else len(p.items), step.depth,
                          step.lead_cols, step.how))
        self.memo.stacks.setdefault(where, []).append(
            (contents[:reach], reach >= len(queue), tuple(found)))
        return steps

    def _content(self, p: Pending) -> tuple[object, ...]:
        """What a stack search sees of a waiting story."""
        photo = not p.part and p.measure.parts.lead is not None  # a lead photo above it
        return (id(p.measure), p.part, p.run, self._growth(p, photo))

    def _growth(self, p: Pending, lead_cols: int | bool) -> float:
        """How much taller the story's lead photo is set, where it has one above its text
        (what else is set does not depend on the desk's photo growth)."""
        return self.photo_growth.get(p.measure.article.section, 0.0) if lead_cols else 0.0

    def _search_stack(self, space: Space, slots: Sequence[Slot], queue: list[Pending],
                      lead_first: bool, whole_only: bool, may_jump: bool,
                      jumps_left: int) -> tuple[list[Step], int]:
        """``plan_stack``'s search; also how many of the queue's first stories it looked
        at (the rest cannot have changed its result)."""
        reach = 0
        gap = self.grid.row_gap
        span = space.span
        pitch = queue[0].measure.galley.pitch if queue else 12.0
        absorbable = self.layout.pages.feather_lines * pitch
        beam: list[StackPlan] = [StackPlan(space.y, (), frozenset(), 0.0, False)]
        finished: list[StackPlan] = []
        options: dict[int, list[Option]] = {}

        def options_of(p: Pending) -> list[Option]:
            found = options.get(id(p))
            if found is None:
                found = options[id(p)] = self._options(p, span)
            return found

        bottom, small = space.bottom, absorbable + gap
        ids = [id(q) for q in queue]

        def hole_cost(y: float, growable: float) -> float:
            """Lines left empty at the foot of the space (a few can be feathered away,
            more taken up by a photo across the whole story above: lead photos may be
            cropped taller in the stack's justification, ``growable`` points of them)."""
            hole = max(0.0, bottom - y)
            if hole <= small:
                return hole / pitch * 0.2
            if hole <= growable + absorbable:
                return hole / pitch * 0.1
            return hole / pitch

        while beam:
            # candidates: (rank, plan, pending, depth, lead, y, cost, closed, jumps,
            # growable, how); made into plans only when they stay in the beam
            grown: list[tuple[float, StackPlan, Pending, float | None, int, float, float,
                              bool, int, float, tuple[object, ...]]] = []
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
                used = plan.used
                index = [k for k, i in enumerate(ids) if i not in used]
                waiting = [queue[k] for k in index]
                if kind == "briefs":
                    reach = len(queue)  # the shortest of all
                    waiting.sort(key=lambda q: (-q.measure.article.priority,
                                                options_of(q)[0].natural))
                limit = 1 if lead_here else BEAM_CANDIDATES
                reach = max(reach, len(queue) if len(index) <= limit else index[limit - 1] + 1)
                may_jump_here = jumps and plan.jumps < jumps_left and \
                    not (whole_only and not lead_here)
                for order, p in enumerate(waiting[:limit]):
                    for o in options_of(p):
                        cost = plan.cost + order * 0.15 + o.waste
                        if o.other:
                            cost += 0.05
                        if o.natural <= room + EPS:
                            y = plan.y + o.natural + gap
                            growable = plan.growable + o.growable
                            grown.append((cost + hole_cost(y, growable), plan, p, None, o.lead,
                                          y, cost, False, plan.jumps, growable,
                                          ("whole", space.bottom - (plan.y + o.natural))))
                            continue
                        jumped = (o.natural - room) / o.pitch * span
                        if may_jump_here and (may_jump or not o.trim) and \
                                o.min_depth <= room + EPS and \
                                o.lines_before(room) >= self.house.min_lines_before_jump and \
                                (jumped >= self.min_jump_lines or (lead_here and not o.trim)):
                            y = plan.y + room + gap
                            growable = plan.growable + o.growable
                            grown.append((cost + hole_cost(y, growable), plan, p, room, o.lead,
                                          y, cost, k >= len(slots) - 1, plan.jumps + 1,
                                          growable, ("jumps", jumped)))
                        if o.trim:
                            lines = math.floor((room - o.head + EPS) / o.pitch)
                            trimmed = o.trims.get(lines, False)
                            if trimmed is False:
                                trimmed = o.trims[lines] = self._trimmed(p, span, o.lead, room)
                            if trimmed is None:
                                continue
                            keep, depth, lost, cut_waste = trimmed
                            cut = self._cut(p, keep)
                            y = plan.y + depth + gap
                            growable = plan.growable + o.growable
                            total = cost + 1.0 + lost + cut_waste
                            grown.append((total + hole_cost(y, growable), plan, cut, None,
                                          o.lead, y, total, False, plan.jumps, growable,
                                          ("trimmed", p)))
            grown.sort(key=lambda c: c[0])
            beam = [StackPlan(y, (*plan.steps, Step(p, depth, lead,
                                                    self._how(p, lead, span, how, space, y))),
                              plan.used | {id(p if how[0] != "trimmed" else how[1])}, cost,
                              closed, jumps, growable)
                    for _, plan, p, depth, lead, y, cost, closed, jumps, growable, how
                    in grown[:BEAM_WIDTH]]
        best = min(finished, key=lambda pl: (
            pl.cost + hole_cost(pl.y, pl.growable)
            + (0 if len(pl.steps) or not queue else 1000)))
        return list(best.steps), reach

    def _trimmed(self, p: Pending, span: int, lead: int,
                 room: float) -> tuple[int, float, float, float] | None:
        """The story trimmed to ``room`` (``trim_to``): the items it keeps, its depth, what
        the cut costs the stack search (lines lost over the span, halved) and its waste."""
        cut = self.trim_to(p, span, lead, room)
        if cut is None:
            return None
        depth, waste = self._natural_frame(cut, span, lead)
        return len(cut.items), depth, 0.5 * (p.lines - cut.lines) / span, waste

    def _options(self, p: Pending, span: int) -> list[Option]:
        """How the story may be set at ``span``: each lead photo width, with what the stack
        search asks of it (the same for every waiting story with the same content)."""
        key = (*self._content(p), span)
        if key not in self.memo.options:
            self.memo.options[key] = self._new_options(p, span)
        return self.memo.options[key]

    def _new_options(self, p: Pending, span: int) -> list[Option]:
        leads = self.lead_options(p, span)
        m = p.measure
        head = (m.heads if p.part == 0 else m.jump_heads)[span]
        out = []
        for lead in leads:
            natural, waste = self._natural_frame(p, span, lead)
            frame = self._frame(p, span, 0.0, lead)
            out.append(Option(
                lead, natural, waste, lead != leads[0], self.may_trim(p),
                self.min_depth(p, span, lead), tuple(frame.column_tops()),
                head, m.galley.pitch,
                PHOTO_GROWTH * m.leads.get(lead, 0.0) * lead / span
                if lead and not p.part else 0.0))
        return out

    def _how(self, p: Pending, lead: int, span: int, how: tuple[object, ...], space: Space,
             y: float) -> str:
        """Why a step sets the story as it does (the page model keeps it for the report)."""
        default = self.lead_options(p, span)[0]
        photo = (f"; photo set {lead} column{'s' if lead > 1 else ''} wide"
                 if lead and lead != default else "")
        kind, value = how
        if kind == "whole":  # value: the room left below it
            return ("sets whole, to the line" if value < p.measure.galley.pitch else
                    "sets whole; the next story goes below") + photo
        if kind == "jumps":
            return f"fills the space and jumps ({value:.0f} lines more)" + photo
        source = value
        assert isinstance(source, Pending)
        dropped = source.items[len(p.items):]
        return (f"trimmed to fit: {paragraphs_in(p.measure.galley, dropped)}"
                " paragraphs cut from the end" + photo)
