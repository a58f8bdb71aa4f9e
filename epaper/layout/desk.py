"""The night desk: how many pages each section gets, and what happens to what does not fit.

Real papers fix the page count first (the press plan) and fill each page's news hole. The
desk here does the same with the paginator's tools: a page budget per section (from the
plan, or the count that fills every page), stories trimmed at paragraph ends or held on a
section's last page, and continuations that found no room on their own section's pages
shared among sections: in free room on later pages, on a jump page at the end when they
fill one, else cut back to the paragraph end before the jump.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from epaper.layout.fit import EPS, Fit, feathering, fit_subset
from epaper.layout.galley import Galley
from epaper.layout.justify import PER_GAP
from epaper.layout.measured import StoryMeasure
from epaper.layout.pagemodel import Page, PagePlan, PageSpec, Pending, Section, Space
from epaper.layout.paginate import Paginator
from epaper.layout.story import natural_depth
from epaper.layout.trim import cut_points, paragraphs_in

Snapshot = tuple[int, int, list[str]]


def _snapshot(pg: Paginator) -> Snapshot:
    return len(pg.pages), len(pg.unplaced), list(pg.held)


def _restore(pg: Paginator, state: Snapshot) -> None:
    pages, unplaced, held = state
    del pg.pages[pages:]
    del pg.unplaced[unplaced:]
    pg.held[:] = held


def _section_pages(pg: Paginator, section: Section) -> list[Page]:
    return [p for p in pg.pages if p.section.id == section.id]


def _laid_out(pg: Paginator, section: Section, state: Snapshot) -> tuple[int, float, float,
                                                                         list[str]]:
    """The section as just laid out, finished as the edition will be (held stories in the
    room left, pages closed and justified), then undone: its page count, the fill of its
    last page and of its emptiest, and the stories it held."""
    place_held(pg, [section])
    pages = _section_pages(pg, section)
    for page in pages:
        pg.close_page(page)
    fills = [pg.fill_ratio(p) for p in pages] or [1.0]
    result = (len(pages), fills[-1], min(fills), [s for s in pg.held if s not in state[2]])
    _restore(pg, state)
    return result


def _trial(pg: Paginator, section: Section, stories: Sequence[StoryMeasure],
           planned: Sequence[PageSpec], budget: int | None,
           limit: int | None = None) -> tuple[int, float, int, float]:
    """Pages the section takes (at most ``limit``), the fill of its last one, stories
    held, and the fill of its emptiest page (then undone)."""
    # a trial depends only on what is given and on the desk's cuts and photos for the
    # section (every trial starts from the same pages): the same trial is not laid out twice
    key = (section.id, budget, limit, len(pg.pages), section.id in pg.spared,
           pg.photo_growth.get(section.id), tuple(pg.precut.get(m.slug) for m in stories))
    if key not in pg.trials:
        state = _snapshot(pg)
        pg.section(section, stories, planned, budget, limit=limit)
        n, last, least, held = _laid_out(pg, section, state)
        pg.trials[key] = (n, last, len(held), least)
    return pg.trials[key]


CUTS = (0.15, 0.3, 0.45, 0.6)  # shares of a story's lines the desk cuts, round by round


def precut(pg: Paginator, section: Section, stories: Sequence[StoryMeasure],
           planned: Sequence[PageSpec], budget: int) -> bool:
    """Cut the section's stories at paragraph ends, the least important first, until it
    fits ``budget`` pages with every page filled and no story held that the hold rule
    keeps. The cuts stay in ``pg.precut`` when they do (True); else nothing is cut. The
    fewest stories cut that works is found by bisection."""
    rule = pg.house.fill
    before = dict(pg.precut)
    cuttable = sorted((m for m in stories if pg.house.may_trim(m.article.trim)
                       and not pg.house.may_hold(m.article.priority)),  # held, not cut
                      key=lambda m: (-m.article.priority, -m.galley.text_lines))
    if not cuttable:
        return False
    # level (r, k): round r of cuts has reached the first k stories (the rest are cut as
    # deep as the round before); the levels cut ever more, a paragraph or so at a time
    levels = [(0, 0)] + [(r, k) for r in range(len(CUTS)) for k in range(1, len(cuttable) + 1)]

    tried: dict[int, tuple[bool, bool]] = {}

    def attempt(level: int) -> tuple[bool, bool]:
        """(no story held that must run, every page full) with the cuts of ``level``."""
        if level not in tried:
            tried[level] = laid_out(level)
        return tried[level]

    def cut(level: int) -> None:
        """Set the cuts of ``level`` in ``pg.precut``."""
        r, count = levels[level]
        pg.precut.clear()
        pg.precut.update(before)
        for n, m in enumerate(cuttable):
            share = CUTS[r] if n < count else (CUTS[r - 1] if r else 0.0)
            if not share:
                continue
            want = max(pg.min_story_lines, (1 - share) * m.galley.text_lines)
            keep = next((k for k in cut_points(m.galley, range(len(m.galley.items)))
                         if _lines(m, k) >= want), None)
            if keep is not None:
                pg.precut[m.slug] = keep

    def laid_out(level: int) -> tuple[bool, bool]:
        cut(level)
        state = _snapshot(pg)
        pg.section(section, stories, planned, budget, fixed=True)
        n, _, least, slugs = _laid_out(pg, section, state)
        held = [pg._measures_by_slug[slug] for slug in slugs]
        return not any(not pg.house.may_hold(m.article.priority) for m in held), \
            n == budget and least >= rule

    top = len(levels) - 1
    lo, hi = 0, top
    while hi - lo > 1:  # (the deepest cuts are tried only if nothing less works)
        mid = (lo + hi) // 2
        if attempt(mid)[0]:
            hi = mid
        else:
            lo = mid
    if attempt(hi)[0]:
        # pages hold whole stories: one more cut may fill the last page where the fewest
        # cuts that fit leave it short
        for level in range(hi, min(top, hi + 6) + 1):
            if all(attempt(level)):
                cut(level)
                return True
    pg.precut.clear()
    pg.precut.update(before)
    return False


LIGHT_CUT = 0.2  # of a section's lines: cutting more than this to spare its last page
# is worse than running bigger art on it


def _spare_page(pg: Paginator, section: Section, stories: Sequence[StoryMeasure],
                planned: Sequence[PageSpec], n: int) -> bool:
    """Should the section run on ``n - 1`` pages, cut to fit, rather than on ``n`` with
    its last page short? Yes when a light cut does it, or when a deep cut does it and
    bigger photos would not fill the ``n``-th page. The chosen cuts stay in the paginator."""
    before = dict(pg.precut)
    if not precut(pg, section, stories, planned, n - 1):
        return False
    cut = sum(m.galley.text_lines - _lines(m, pg.precut[m.slug]) for m in stories
              if m.slug in pg.precut and pg.precut.get(m.slug) != before.get(m.slug))
    if cut <= LIGHT_CUT * sum(m.galley.text_lines for m in stories):
        pg.spared.add(section.id)
        return True
    chosen = dict(pg.precut)
    pg.precut.clear()
    pg.precut.update(before)
    if grow_photos(pg, section, stories, planned, None):
        return False
    pg.precut.update(chosen)
    pg.spared.add(section.id)
    return True


def _lines(m: StoryMeasure, keep: int) -> int:
    return m.galley.line_counts[keep]


def choose_budgets(pg: Paginator, sections: Sequence[Section],
                   stories: dict[str, list[StoryMeasure]], planned: dict[str, list[PageSpec]],
                   plan: PagePlan) -> dict[str, int | None]:
    """Pages per section: as planned, or shared out of ``[plan] pages`` by how much each
    section has, or the count that leaves no page under the fill rule (a page less, with
    trims and holds, when the last one would be short)."""
    rule = pg.house.fill
    # with a fixed page count no section can have more than what the others leave it
    limit = plan.pages - len(sections) + 2 if plan.pages is not None else None

    def trial(s: Section, budget: int | None) -> tuple[int, float, int, float]:
        return _trial(pg, s, stories[s.id], planned[s.id], budget, limit)

    natural = {s.id: trial(s, None) for s in sections}
    budgets: dict[str, int | None] = {}
    least = {s.id: max((int(label[1:]) for label in pg.ads if label[0] == s.letter),
                       default=1) for s in sections}  # pages with booked ads are made
    for s in sections:
        n, last, _, _ = natural[s.id]
        if s.id in plan.sections:
            budgets[s.id] = plan.sections[s.id]
        elif last >= rule:
            budgets[s.id] = None if plan.pages is None and plan.multiple == 1 else n
        elif n > 1 and trial(s, n - 1)[0] == n - 1:
            budgets[s.id] = n - 1
        elif n > 1 and max(least[s.id], n - 1) == n - 1 and plan.pages is None and \
                _spare_page(pg, s, stories[s.id], planned[s.id], n):
            budgets[s.id] = n - 1  # the desk's cuts fit it, with no page left short
        else:
            budgets[s.id] = n
        if least[s.id] > (budgets[s.id] or n):
            budgets[s.id] = least[s.id]
    free = [s for s in sections if s.id not in plan.sections]
    target = plan.pages
    total = sum(b if b is not None else natural[s][0] for s, b in budgets.items())
    if target is None and plan.multiple > 1 and total % plan.multiple:
        down = total - total % plan.multiple
        target = down if down >= len(sections) else down + plan.multiple
    if target is not None and free:
        fixed = sum(plan.sections.get(s.id, 0) for s in sections)
        share = max(len(free), target - fixed)
        material = {s.id: max(0.3, natural[s.id][0] - 1 + natural[s.id][1]) for s in free}
        whole = sum(material.values())
        exact = {k: v * share / whole for k, v in material.items()}
        counts = {k: max(least[k], int(v)) for k, v in exact.items()}
        by_rest = sorted(free, key=lambda s: exact[s.id] - int(exact[s.id]), reverse=True)
        while sum(counts.values()) < share:
            for s in by_rest:
                if sum(counts.values()) < share:
                    counts[s.id] += 1
        while sum(counts.values()) > share and any(counts[s.id] > least[s.id] for s in free):
            s = min((s for s in free if counts[s.id] > least[s.id]),
                    key=lambda s: exact[s.id] - counts[s.id])
            counts[s.id] -= 1
        for _ in range(len(free)):  # a section whose stories may not be held needs more
            over = [s for s in free if trial(s, counts[s.id])[0] > counts[s.id]]
            spare = [s for s in free if s not in over and counts[s.id] > least[s.id]]
            if not over or not spare:
                break
            giver = max(spare, key=lambda s: counts[s.id] - material[s.id])
            counts[giver.id] -= 1
            counts[over[0].id] += 1
        for s in free:  # cuts and photos chosen for another page count no longer hold
            if counts[s.id] != budgets[s.id]:
                for m in stories[s.id]:
                    pg.precut.pop(m.slug, None)
                pg.photo_growth.pop(s.id, None)
                pg.spared.discard(s.id)
        budgets.update(counts)
    for s in sections:
        budget = budgets[s.id]
        if target is not None and budget is not None and s.id not in plan.sections:
            _, _, held, _ = trial(s, budget)
            if held:  # a page plan: cut before holding (precut keeps what it cut if it helps)
                precut(pg, s, stories[s.id], planned[s.id], budget)
        grow_photos(pg, s, stories[s.id], planned[s.id], budget)
    return budgets


# how much taller lead photos may be set, tried in turn
PHOTO_STEPS = (0.15, 0.3, 0.45, 0.6, 0.75)


def grow_photos(pg: Paginator, section: Section, stories: Sequence[StoryMeasure],
                planned: Sequence[PageSpec], budget: int | None) -> bool:
    """A section whose last page stays short gets taller lead photos (cropped), the least
    growth that fills the page, as a desk runs bigger art on a night short of copy.
    False when no growth fills it (then its photos stay as they were)."""
    rule = pg.house.fill
    n, _, _, least = _trial(pg, section, stories, planned, budget)
    if least >= rule:
        return True
    if budget is not None and n > budget:
        return False  # it overruns its pages: taller photos would only add to that
    grid = pg.grid
    page = grid.span(grid.columns) * grid.text_height
    photos = sum(max((grid.span(c) * h for c, h in m.leads.items() if c), default=0.0)
                 for m in stories)
    if PHOTO_STEPS[-1] * photos < (rule - least) * page:
        return False  # not photo enough in the section to fill its short page
    for growth in PHOTO_STEPS:
        pg.photo_growth[section.id] = growth
        pages, _, _, least = _trial(pg, section, stories, planned, budget)
        if pages == n and least >= rule:
            return True
    del pg.photo_growth[section.id]
    return False


def unjump(pg: Paginator, c: Pending) -> bool:
    """Cut a story back to the last paragraph end before its jump: the source fragment
    keeps whole paragraphs, set to the depth they need, and no longer continues; the room
    it gives up joins the page's free room (a held story, or the stack's justification,
    takes it)."""
    if not pg.may_trim(c) or c.from_page is None or c.from_fragment is None:
        return False
    page = pg.pages[c.from_page]
    f = page.fragments[c.from_fragment]
    g = pg._measures_by_slug[f.slug].galley
    placed = [i for col in f.fit.columns for i in col]
    ends = [k for k in cut_points(g, placed + list(c.items)) if k <= len(placed)]
    if not ends:
        return False
    kept = placed[:ends[-1]]
    # what is kept, justified down its frame where its paragraph gaps can take the room
    # (as a stack is); else set to the depth it needs, and the room below is free
    fit = balanced(pg, g, kept, [r.height for r in f.frame.column_rects()])
    feather = feathering(fit, g, False, float("inf"), PER_GAP)
    frame = f.frame
    if not all(feather[col] or fit.capacities[col] - fit.used(g, col) <= EPS
               for col in range(len(fit.columns))):
        frame = natural_depth(Galley(tuple(g.items[i] for i in kept), g.pitch), f.frame,
                              pg.rules)
        if frame.depth > f.frame.depth - g.pitch + EPS:
            frame = f.frame
        fit = fit_subset(g, kept, [r.height for r in frame.column_rects()], pg.rules)
        feather = feathering(fit, g, False, pg.layout.pages.feather_lines)
    page.fragments[c.from_fragment] = replace(
        f, frame=frame, fit=fit, continues=False, feather=feather,
        why=f.why + f"; trimmed at a paragraph end: no room for its {c.lines}-line jump")
    page.trims[f.slug] = tuple(placed[ends[-1]:]) + c.items
    if frame is not f.frame:  # the room given up, at the foot of the story's stack
        same = [o.y for o in page.fragments if abs(o.x - f.x) < 0.5
                and abs(o.frame.width - f.frame.width) < 0.5 and o.y <= f.y]
        space = Space(f.x, f.y, f.y + f.frame.depth, f.frame.width, f.frame.columns, f.slot,
                      top=min(same, default=f.y))
        pg._advance(page, space, page.fragments[c.from_fragment])
        space.above = c.from_fragment
        page.free.append(space)
    return True


def balanced(pg: Paginator, g: Galley, items: Sequence[int], caps: Sequence[float]) -> Fit:
    """The items set in columns of at most ``caps``, balanced: the least foot that holds
    them all (capacities stay the frame's)."""
    fit = fit_subset(g, items, caps, pg.rules)
    lo, hi = 0.0, max(caps)
    while hi - lo > g.pitch / 2:
        mid = (lo + hi) / 2
        trial = fit_subset(g, items, [min(cap, mid) for cap in caps], pg.rules)
        if trial.fits:
            hi, fit = mid, trial
        else:
            lo = mid
    return Fit(fit.columns, (), tuple(caps), fit.pitch, fit.widows, fit.orphans)


def share_jumps(pg: Paginator, pool: list[Pending], last: Section, fixed: bool) -> None:
    """Continuations no section page took: free room on any later page; a jump page at
    the end of the edition when they fill it (never beyond a fixed page plan); else each
    is cut back before its jump. A story that may not be cut still jumps."""
    rule = pg.house.fill
    for _ in range(50):
        if not pool:
            return
        for page in pg.pages:
            pg.fill_free(page, pool)
        if not pool:
            return
        if not fixed:
            state = _snapshot(pg)
            waiting = list(pool)
            page = pg.jump_page(last, waiting)
            if pg.fill_ratio(page) >= rule:
                pool[:] = waiting
                continue
            _restore(pg, state)
        rest = [c for c in pool if not unjump(pg, c)]
        if not rest:
            pool.clear()
            return
        pool[:] = rest
        before = sum(c.lines for c in pool)
        pg.jump_page(last, pool)
        if sum(c.lines for c in pool) + EPS >= before:
            return


def _movable(page: Page, story: Section) -> bool:
    """May a story of section ``story`` fill room on ``page``? Its own section's pages, or
    any news page for a news story: opinion stays on opinion pages."""
    if story.id == page.section.id:
        return True
    return "opinion" not in (story.first_template, page.section.first_template,
                             page.section.next_template)


def place_held(pg: Paginator, sections: Sequence[Section]) -> None:
    """Room left on any page goes to stories the desk held, before any house filler: set
    whole where one fits, else (where it may be cut) boiled down to its opening paragraphs.
    Its own section's stories first, then other news stories, most important first."""
    if not pg.held:
        return
    by_id = {s.id: s for s in sections}
    for page in pg.pages:
        for space in sorted(page.free, key=lambda s: -(s.bottom - s.y) * s.width):
            while pg.held:
                room = space.bottom - space.y
                waiting = [pg._measures_by_slug[slug] for slug in pg.held]
                waiting = [m for m in waiting if _movable(page, by_id[m.article.section])]
                waiting.sort(key=lambda m: (m.article.section != page.section.id,
                                            m.article.priority))
                choice = _held_choice(pg, waiting, space.span, room)
                if choice is None:
                    break
                p, lead, how = choice
                if p.origin is not None:
                    page.trims[p.measure.slug] = p.origin.items[len(p.items):]
                pg.held.remove(p.measure.slug)
                where = "" if p.measure.article.section == page.section.id else \
                    f" (from section '{p.measure.article.section}')"
                fragment = pg.place(page, p, space.slot, space.x, space.y, space.span, None,
                                    f"priority {p.measure.article.priority}{where}, held by "
                                    f"its own section's pages: takes the room left in "
                                    f"'{space.slot}'; {how}", [], False, lead)
                pg._advance(page, space, fragment)


def _held_choice(pg: Paginator, waiting: Sequence[StoryMeasure], span: int,
                 room: float) -> tuple[Pending, int, str] | None:
    """The waiting story that fills ``room`` best, set whole or (where it may be cut) cut
    at a paragraph end: the least room left over, then its own section's and the more
    important story (``waiting`` is in that order). The pending (possibly cut) story, its
    photo width and how it was set; None when none fits."""
    best: tuple[float, int, Pending, int, str] | None = None
    small = pg.layout.pages.feather_lines * (waiting[0].galley.pitch if waiting else 12.0)
    for rank, m in enumerate(waiting):
        p = Pending(m, tuple(range(len(m.galley.items))))
        for lead in pg.lead_options(p, span):
            depth = pg.natural(p, span, lead)
            if depth <= room + EPS:
                found = (p, lead, "sets whole")
            elif pg.may_trim(p) and (cut := pg.trim_to(p, span, lead, room, brief=True)):
                dropped = p.items[len(cut.items):]
                depth = pg.natural(cut, span, lead)
                found = (cut, lead, f"boiled down to a brief: "
                                    f"{paragraphs_in(m.galley, dropped)} paragraphs cut from "
                                    "the end")
            else:
                continue
            left = max(0.0, room - depth)
            key = (0.0 if left <= small else left, rank)  # a few lines are justified away
            if best is None or key < best[:2]:
                best = (*key, *found)
    return None if best is None else best[2:]


def run_edition(pg: Paginator, sections: Sequence[Section], stories: Sequence[StoryMeasure],
                explicit: Sequence[PageSpec], plan: PagePlan) -> None:
    """Every section at its page budget, then the shared continuations."""
    mine = {s.id: [m for m in stories if m.article.section == s.id] for s in sections}
    planned = {s.id: [e for e in explicit if e.section == s.id] for s in sections}
    active = [s for s in sections if mine[s.id] or planned[s.id] or s.id in plan.sections]
    budgets = choose_budgets(pg, active, mine, planned, plan)
    pool: list[Pending] = []
    for s in active:
        fixed = plan.pages is not None or s.id in plan.sections
        pool += pg.section(s, mine[s.id], planned[s.id], budgets[s.id], fixed)
    fixed = plan.pages is not None or plan.multiple > 1 or bool(plan.sections)
    if active:
        share_jumps(pg, pool, active[-1], fixed)
    place_held(pg, active)
