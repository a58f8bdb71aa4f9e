"""Pagination: measured stories placed on page templates, filled to the line, with jumps.

Pure arithmetic on measured galleys (no rendering here). Produces the page model: pages →
story fragments with their frames in points, the galley lines each fragment holds, jumps
between fragments, and the reason for every placement. The night desk's choices (page
budgets, trims, holds, shared jump pages) are in ``desk``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from epaper.errors import Problem
from epaper.layout.fit import EPS, Fit, FitRules, feathering
from epaper.layout.grid import Layout
from epaper.layout.justify import justify_stack
from epaper.layout.measured import StoryMeasure
from epaper.layout.memo import Memo
from epaper.layout.newshole import BookedAd, ad_rect, carve, news_top
from epaper.layout.pagemodel import (
    Filler,
    Fragment,
    Page,
    PagePlan,
    Pages,
    PageSpec,
    Pending,
    PlacedAd,
    Section,
    Space,
    Unplaced,
)
from epaper.layout.rules import HouseRules
from epaper.layout.stacking import StackPlanner
from epaper.layout.story import Rect, StoryFrame
from epaper.layout.templates import PageTemplate, Slot, Stack, by_role

__all__ = ["Filler", "Fragment", "Page", "Pages", "PageSpec", "Paginator", "Section",
           "Unplaced", "check_plan", "default_sections"]


class Paginator(StackPlanner):
    """Places stories on pages of one layout."""

    def __init__(self, layout: Layout, templates: Mapping[str, PageTemplate],
                 house: HouseRules | None = None,
                 ads: Sequence[BookedAd] = (), booked: bool = False) -> None:
        if layout.pages is None:
            raise ValueError("layout has no page rules")
        self.layout = layout
        self.grid = layout.grid
        self.templates = templates
        self.house = house or layout.rules
        self.rules = FitRules(layout.story.widows, layout.story.orphans)
        self.min_story_lines = layout.pages.min_story_lines
        self.min_jump_lines = self.house.min_jump_lines
        self.pages: list[Page] = []
        self.unplaced: list[Unplaced] = []
        self.held: list[str] = []
        self.trims: dict[str, tuple[int, ...]] = {}  # slug → galley items cut from its end
        self.booked = booked or bool(ads)  # ads are booked: template ad blocks go to news
        self.ads: dict[str, list[BookedAd]] = {}
        for ad in ads:
            self.ads.setdefault(ad.page, []).append(ad)
        self._derived: dict[tuple[str, str], PageTemplate] = {}
        self.photo_growth: dict[str, float] = {}
        self.memo = Memo()
        self._measures_by_slug: dict[str, StoryMeasure] = {}
        self.precut: dict[str, int] = {}  # slug → galley items kept: the desk's cuts
        self.spared: set[str] = set()  # sections the desk cut to a page fewer: they hold
        self.trials: dict[tuple[object, ...], tuple[int, float, int, float]] = {}  # the desk's

    def template_for(self, label: str, template: PageTemplate) -> PageTemplate:
        """The template as this page has it: booked ads carved out of its stacks."""
        if not self.booked:
            return template
        key = (label, template.name)
        if key not in self._derived:
            top = news_top(template, self.grid)
            rects = [ad_rect(ad, self.grid, top) for ad in self.ads.get(label, [])]
            self._derived[key] = carve(template, self.grid, rects)
        return self._derived[key]

    def page_ads(self, label: str, template: PageTemplate) -> list[PlacedAd]:
        """The ads booked on the page, at their exact rectangles."""
        top = news_top(template, self.grid)
        return [PlacedAd(ad_rect(ad, self.grid, top), ad.label, ad.image, ad.advertiser)
                for ad in self.ads.get(label, [])]

    # -- pages -----------------------------------------------------------------------------

    def new_page(self, section: Section, template: str, closing: bool = False) -> Page:
        """A new page at the end of the edition, in ``section``."""
        number = sum(1 for p in self.pages if p.section.id == section.id) + 1
        label = f"{section.letter}{number}"
        chosen = self.template_for(label, self.templates[template])
        page = Page(len(self.pages), section, number, chosen, closing=closing)
        page.story_area = sum(s.rect.width * s.rect.height for s in chosen.stacks)
        page.ads = self.page_ads(label, chosen)
        page.ad_area = chosen.ad_area(self.grid) + sum(a.rect.width * a.rect.height
                                                       for a in page.ads)
        self.pages.append(page)
        return page

    def may_jump(self, page: Page) -> bool:
        """May stories on this page continue on a later one (house rules)?"""
        return not page.closing and self.house.may_jump_from(page.number)

    def jumps_left(self, page: Page) -> int:
        return max(0, self.house.max_jumps_per_page - sum(f.jumps for f in page.fragments))

    def place(self, page: Page, p: Pending, slot: str, x: float, y: float, span: int,
              depth: float | None, why: str, continuations: list[Pending],
              may_jump: bool = True, lead_cols: int | None = None) -> Fragment | None:
        """Put a fragment on the page; a rest that does not fit joins ``continuations``
        (or, where the slot forbids jumps, stays overset and is reported). None when not
        even the first line or block could be set here (then it is reported unplaced)."""
        frame, fit, feather = self._set(p, span, depth, may_jump, lead_cols)
        if not any(fit.columns):
            page.unplaced.append(Unplaced(
                p.measure.slug, p.lines, f"its {'rest' if p.part else 'text'} begins with a "
                f"block deeper than a {frame.depth:.0f}pt frame on {page.label}"))
            return None
        fragment = Fragment(p.measure.slug, p.part, slot, x, y, frame, fit, why,
                            jump_from=p.from_page, from_fragment=p.from_fragment,
                            continues=bool(fit.overset) and may_jump, feather=feather)
        page.fragments.append(fragment)
        if fit.overset and may_jump:
            continuations.append(Pending(p.measure, fit.overset, p.part + 1, page.index,
                                          len(page.fragments) - 1))
        return fragment

    def _set(self, p: Pending, span: int, depth: float | None, may_jump: bool,
             lead_cols: int | None) -> tuple[StoryFrame, Fit, tuple[float, ...]]:
        """``set_in`` and the fragment's feathering, remembered: the desk's trials set the
        same story in the same frame over and over."""
        key = (id(p.measure), p.part, p.run, span, depth, may_jump, lead_cols,
               self._growth(p, self._lead(p, span, lead_cols)))
        if key not in self.memo.placed:
            frame, fit = self.set_in(p, span, depth, may_jump, lead_cols)
            self.memo.placed[key] = frame, fit, feathering(
                fit, p.measure.galley, bool(fit.overset) and may_jump,
                self.layout.pages.feather_lines)
        return self.memo.placed[key]

    def fill_stack(self, page: Page, stack: Stack, queue: list[Pending],
                   continuations: list[Pending], lead_first: bool, whole_only: bool) -> None:
        """Stories one under another in the stack's columns, down to its foot; the room
        left joins the page's free space."""
        space = Space(stack.rect.x, stack.rect.y, stack.rect.y + stack.rect.height,
                       stack.rect.width, stack.span, stack.slots[-1].name, top=stack.rect.y)
        self.fill_stories(page, space, stack.slots, queue, continuations, lead_first,
                          whole_only)
        if space.bottom - space.y > EPS:
            page.free.append(space)

    def fill_stories(self, page: Page, space: Space, slots: Sequence[Slot],
                     queue: list[Pending], continuations: list[Pending], lead_first: bool,
                     whole_only: bool) -> None:
        """Stories from the queue into the space, template slots first, then extra ones,
        in the order a search over the waiting stories found best (see ``plan_stack``)."""
        may_jump = self.may_jump(page)
        for k, step in enumerate(self.plan_stack(space, slots, queue, lead_first, whole_only,
                                                 may_jump, self.jumps_left(page))):
            slot = slots[k] if k < len(slots) else None
            name = slot.name if slot else f"{space.slot}+{k - len(slots) + 1}"
            jumps = (slot.jumps if slot else (slots[-1].jumps if slots else True)) and \
                (may_jump or not self.may_trim(step.pending))
            queue.remove(step.pending.origin or step.pending)
            whole = len(step.pending.measure.galley.items)
            if step.pending.part == 0 and len(step.pending.items) < whole:
                # cut by the desk before the section was laid out, or here to fit
                page.trims[step.pending.measure.slug] = tuple(range(len(step.pending.items),
                                                                    whole))
            elif step.pending.origin is not None:
                origin = step.pending.origin
                page.trims[origin.measure.slug] = origin.items[len(step.pending.items):]
            fragment = self.place(page, step.pending, name, space.x, space.y, space.span,
                                  step.depth,
                                  self._why(step.pending, page, name, step.how,
                                            lead_first and k == 0),
                                  continuations, jumps, step.lead_cols)
            self._advance(page, space, fragment)


    def fill_free(self, page: Page, continuations: list[Pending]) -> None:
        """Continuations from earlier pages into the page's free room: each where it sets
        whole if it can; when none can, one fills the largest room and jumps again."""

        def put(p: Pending, space: Space, depth: float | None) -> None:
            continuations.remove(p)
            later: list[Pending] = []
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
                if not rooms:
                    continue
                space = max(rooms, key=lambda s: (s.bottom - s.y) * s.width)
                room = space.bottom - space.y
                if self.may_trim(p) and (page.closing or not self.jumps_left(page)):
                    cut = self.trim_to(p, space.span, None, room)
                    if cut is None:
                        continue
                    page.trims[p.measure.slug] = p.items[len(cut.items):]
                    continuations[continuations.index(p)] = cut
                    put(cut, space, None)
                else:
                    put(p, space, room)
                placed = True
                break
            if not placed:
                return

    def fill_ratio(self, page: Page) -> float:
        """Share of the page's story area covered by set stories (head, photo, lines)."""
        area = page.story_area - sum(r.width * self.grid.row_gap for r in page.rules)
        filled = sum(f.frame.width * f.frame.depth - self._empty(f) for f in page.fragments)
        return filled / area if area > 0 else 0.0

    def _empty(self, f: Fragment) -> float:
        """``f.empty_area``, remembered for the frame and fit it has (trials ask again)."""
        key = (id(f.frame), id(f.fit), f.feather, f.jumps)
        found = self.memo.empties.get(key)
        if found is None or found[0] is not f.frame or found[1] is not f.fit:
            found = self.memo.empties[key] = (f.frame, f.fit,
                                          f.empty_area(self._measures_by_slug[f.slug]))
        return found[2]

    def _advance(self, page: Page, space: Space, fragment: Fragment | None) -> None:
        """Move the space's top below a fragment just placed in it (and its hairline)."""
        if fragment is None:
            return
        gap = self.grid.row_gap
        space.y += fragment.frame.depth + gap
        space.above, space.rule = len(page.fragments) - 1, None
        if space.y < space.bottom:
            page.rules.append(Rect(space.x, space.y - gap / 2, space.width, 0))
            space.rule = len(page.rules) - 1

    def absorb(self, page: Page, space: Space) -> None:
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
            if space.y < space.bottom - EPS:
                justify_stack(self, page, space)
        page.rules = [r for r in page.rules if r.height >= 0]
        for space in page.free:
            hole = space.bottom - space.y
            if hole >= 3 * 12.0:
                page.fillers.append(Filler(Rect(space.x, space.y, space.width, hole),
                                           f"no story left for {hole:.0f}pt: house filler"))
        page.free.clear()

    @staticmethod
    def _why(p: Pending, page: Page, slot: str, how: str, lead: bool) -> str:
        a = p.measure.article
        if p.part:
            return f"continuation {p.part} of '{a.slug}': {how}"
        if lead:
            return (f"priority {a.priority}, the first story of section '{page.section.id}': "
                    f"leads the page in slot '{slot}'; {how}")
        return f"priority {a.priority} of section '{page.section.id}' → slot '{slot}': {how}"

    def fill_page(self, page: Page, queue: list[Pending], continuations: list[Pending],
                  lead_first: bool, role: str | None = None) -> None:
        """Fill the page, trying each template of its role and two ways of filling:
        stories in priority order, free to jump; and, where the queue runs out on this
        page, stories set whole where they fit before any may jump. Continuations from
        earlier pages take the room left. A way that leaves nothing for a later page wins
        (this page can close the section); otherwise the fuller page; then the template
        listed first (the one named like the role)."""
        templates = [self.template_for(page.label, t) for t in by_role(dict(self.templates),
                                                                        role)] \
            if role else [page.template]
        trials = []
        musts = {id(x) for x in queue if not self.house.may_hold(x.measure.article.priority)}
        ways: tuple[str, ...] = ("order", "whole")
        if page.closing and musts and len(musts) < len(queue):
            ways += ("musts",)  # stories that may not be held take the stacks first
        if page.closing:
            ways += ("reversed",)  # the last page of a section: its stacks the other way
            # round, so that the story cut to fit one stack is not the one another lacks
        for rank, template in enumerate(templates):
            for way in ways:
                whole_first = way not in ("order", "reversed")
                trial = Page(page.index, page.section, page.number, template,
                             story_area=sum(s.rect.width * s.rect.height
                                            for s in template.stacks),
                             ads=self.page_ads(page.label, template), closing=page.closing)
                q, c = list(queue), list(continuations)
                self.pages[page.index] = trial
                first = [x for x in q if id(x) in musts] if way == "musts" else list(q)
                # continuations from earlier pages are owed room: they go first
                owed = [] if lead_first else [x for x in c if x.from_page is not None
                                              and x.from_page < page.index]
                c = [x for x in c if all(x is not o for o in owed)]
                first[:0] = owed
                stacks = list(enumerate(template.stacks))
                if way == "reversed":  # the lead story keeps the first stack
                    stacks = stacks[:1] + stacks[:0:-1] if lead_first else stacks[::-1]
                for n, stack in stacks:
                    self.fill_stack(trial, stack, first, c, lead_first and n == 0,
                                    way == "whole")
                still = {id(x) for x in first}
                c[:0] = [x for x in owed if id(x) in still]
                if way == "musts":
                    q = [x for x in q if id(x) not in musts or id(x) in still]
                else:
                    q = [x for x in first if all(x is not o for o in owed)]
                if whole_first:
                    for space in trial.free:
                        self.fill_stories(trial, space, (), q, c, False, False)
                self.fill_free(trial, c)  # continuations from earlier pages
                later = bool(q) or bool(c)  # something must go on to a later page
                # a section's last page: stories that may not be held, and continuations
                # owed room (else they are cut back), left for no page of the section
                left = sum(not self.house.may_hold(x.measure.article.priority) for x in q) + \
                    sum(x.from_page is not None and x.from_page < page.index for x in c) \
                    if page.closing else bool(q)
                fill = round(self.fill_ratio(trial), 3)
                # a section's last page: a full page before one more story that may be held
                short = page.closing and fill < self.house.fill
                trials.append(((left, short, later, -fill, rank), trial, q, c))
                if q and way == "order" and not page.closing:
                    break  # the page is full and more stories wait: no need for other ways
        _, trial, q, c = min(trials, key=lambda t: t[0])
        page.template, page.story_area = trial.template, trial.story_area
        page.fragments, page.rules, page.free = trial.fragments, trial.rules, trial.free
        page.unplaced, page.ads, page.trims = trial.unplaced, trial.ads, trial.trims
        page.ad_area = trial.template.ad_area(self.grid) + sum(
            a.rect.width * a.rect.height for a in page.ads)
        self.pages[page.index] = page
        queue[:] = q
        continuations[:] = c

    # -- sections --------------------------------------------------------------------------

    def section(self, section: Section, stories: Sequence[StoryMeasure],
                explicit: Sequence[PageSpec] = (), budget: int | None = None,
                fixed: bool = False, limit: int | None = None) -> list[Pending]:
        """Pages for one section: planned pages, then automatic ones. With a ``budget`` the
        section gets that many pages: the last one closes it (nothing jumps from it, stories
        are trimmed to fit) and what is left waits to be held. A story the hold rule keeps
        gets one more page, unless the budget is ``fixed`` (a page plan): then it is held
        anyway, and reported. A ``limit`` stops a trial after that many pages. Returns the
        continuations its own pages could not take (the edition shares jump pages among
        sections)."""
        fixed = fixed or section.id in self.spared  # cut to its pages: what is left waits
        queue = [Pending(m, tuple(range(self.precut.get(m.slug, len(m.galley.items)))))
                 for m in sorted(stories, key=lambda m: m.article.priority)]
        continuations: list[Pending] = []
        for spec in explicit:
            self._planned_page(section, spec, queue, continuations)
        first = not explicit
        guard = 0
        while queue or (budget is not None and
                        sum(1 for p in self.pages if p.section.id == section.id) < budget):
            count = sum(1 for p in self.pages if p.section.id == section.id)
            if limit is not None and count >= limit:
                break  # a trial that need not look further
            if budget is not None and count >= budget:
                if fixed or all(self.house.may_hold(p.measure.article.priority)
                                for p in queue):
                    break
                budget = None  # stories that may not be held need one more page
            role = section.first_template if first else section.next_template
            closing = budget is not None and count == budget - 1
            if closing:  # the desk's cuts were for the pages before: the last page cuts
                queue[:] = [Pending(p.measure, tuple(range(len(p.measure.galley.items))))
                            if p.part == 0 and p.measure.slug in self.precut else p
                            for p in queue]  # to fit its own room
            page = self.new_page(section, by_role(dict(self.templates), role)[0].name, closing)
            before = len(queue)
            self.fill_page(page, queue, continuations, lead_first=first, role=role)
            first = False
            if before and len(queue) == before and not page.closing:
                guard += 1
                if not page.fragments:  # continuations may have found room on it: keep it
                    self.pages.remove(page)
                p = queue.pop(0)
                self.unplaced.append(Unplaced(p.measure.slug, p.lines,
                                              "no slot of any page can hold its head"))
                if guard > len(stories):
                    break
        for p in queue:
            self.held.append(p.measure.slug)
        mine = [p for p in self.pages if p.section.id == section.id]
        for page in mine:  # continuations go to the next free room of the section first
            self.fill_free(page, continuations)
        return continuations

    def _planned_page(self, section: Section, spec: PageSpec, queue: list[Pending],
                      continuations: list[Pending]) -> None:
        """An explicitly planned page: the named stories in the named slots."""
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

    def jump_page(self, section: Section, continuations: list[Pending]) -> Page:
        """A jump page at the end of the edition, filled with waiting continuations."""
        page = self.new_page(section, by_role(dict(self.templates), "jump")[0].name)
        page.free = [Space(st.rect.x, st.rect.y, st.rect.y + st.rect.height, st.rect.width,
                           st.span, st.slots[0].name) for st in page.template.stacks]
        self.fill_free(page, continuations)
        return page

    def finish(self, stories: Sequence[StoryMeasure]) -> Pages:
        """Close every page (fillers where nothing fits) and link each part to the next."""
        for page in self.pages:
            self.close_page(page)
            self.unplaced.extend(page.unplaced)
        for page in self.pages:
            for f in page.fragments:
                if f.jump_from is not None and f.from_fragment is not None:
                    source = self.pages[f.jump_from]
                    source.fragments[f.from_fragment] = replace(
                        source.fragments[f.from_fragment], jump_to=page.index)
        trims: dict[str, tuple[int, ...]] = {}
        for page in self.pages:  # a story may be cut on two pages: the desk's cut before
            for slug, cut in page.trims.items():  # its jump, its continuation's to fit
                trims[slug] = tuple(sorted(set(trims.get(slug, ())) | set(cut)))
        return Pages(self.pages, {m.slug: m for m in stories}, self.unplaced,
                     list(self.held), trims, self.house.fill, tuple(sorted(self.ads)),
                     self.house.hold)

    def paginate(self, sections: Sequence[Section], stories: Sequence[StoryMeasure],
                 explicit: Sequence[PageSpec] = (), plan: PagePlan | None = None) -> Pages:
        """Every section's pages, in order, filled by the night desk's rules."""
        from epaper.layout.desk import run_edition  # the desk drives this paginator

        self._measures_by_slug = {m.slug: m for m in stories}
        run_edition(self, sections, stories, explicit, plan or PagePlan())
        return self.finish(stories)


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

