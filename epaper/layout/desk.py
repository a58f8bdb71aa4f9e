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
from epaper.layout.measured import StoryMeasure
from epaper.layout.pagemodel import Page, PagePlan, PageSpec, Pending, Section
from epaper.layout.paginate import Paginator
from epaper.layout.trim import cut_points


def _snapshot(pg: Paginator) -> tuple[int, int, int]:
    return len(pg.pages), len(pg.unplaced), len(pg.held)


def _restore(pg: Paginator, state: tuple[int, int, int]) -> None:
    pages, unplaced, held = state
    del pg.pages[pages:]
    del pg.unplaced[unplaced:]
    del pg.held[held:]


def _section_pages(pg: Paginator, section: Section) -> list[Page]:
    return [p for p in pg.pages if p.section.id == section.id]


def _trial(pg: Paginator, section: Section, stories: Sequence[StoryMeasure],
           planned: Sequence[PageSpec], budget: int | None,
           limit: int | None = None) -> tuple[int, float, int]:
    """Pages the section takes (at most ``limit``), the fill of its last one, and stories
    held (then undone)."""
    state = _snapshot(pg)
    pg.section(section, stories, planned, budget, limit=limit)
    pages = _section_pages(pg, section)
    result = (len(pages), pg.fill_ratio(pages[-1]) if pages else 1.0,
              len(pg.held) - state[2])
    _restore(pg, state)
    return result


def choose_budgets(pg: Paginator, sections: Sequence[Section],
                   stories: dict[str, list[StoryMeasure]], planned: dict[str, list[PageSpec]],
                   plan: PagePlan) -> dict[str, int | None]:
    """Pages per section: as planned, or shared out of ``[plan] pages`` by how much each
    section has, or the count that leaves no page under the fill rule (a page less, with
    trims and holds, when the last one would be short)."""
    rule = pg.house.fill
    seen: dict[tuple[str, int | None], tuple[int, float, int]] = {}
    # with a fixed page count no section can have more than what the others leave it
    limit = plan.pages - len(sections) + 2 if plan.pages is not None else None

    def trial(s: Section, budget: int | None) -> tuple[int, float, int]:
        # every trial starts from no pages, so it depends only on the section and budget
        if (s.id, budget) not in seen:
            seen[s.id, budget] = _trial(pg, s, stories[s.id], planned[s.id], budget, limit)
        return seen[s.id, budget]

    natural = {s.id: trial(s, None) for s in sections}
    budgets: dict[str, int | None] = {}
    least = {s.id: max((int(label[1:]) for label in pg.ads if label[0] == s.letter),
                       default=1) for s in sections}  # pages with booked ads are made
    for s in sections:
        n, last, _ = natural[s.id]
        if s.id in plan.sections:
            budgets[s.id] = plan.sections[s.id]
        elif last >= rule:
            budgets[s.id] = None if plan.pages is None and plan.multiple == 1 else n
        elif n > 1 and trial(s, n - 1)[0] == n - 1:
            budgets[s.id] = n - 1
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
        budgets.update(counts)
    return budgets


def unjump(pg: Paginator, c: Pending) -> bool:
    """Cut a story back to the last paragraph end before its jump: the source fragment
    keeps whole paragraphs, balanced in its frame, and no longer continues."""
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
    caps = [r.height for r in f.frame.column_rects()]
    fit = fit_subset(g, kept, caps, pg.rules)
    lo, hi = 0.0, max(caps)
    while hi - lo > g.pitch / 2:  # balance the columns: the least foot that holds it all
        mid = (lo + hi) / 2
        trial = fit_subset(g, kept, [min(cap, mid) for cap in caps], pg.rules)
        if trial.fits:
            hi, fit = mid, trial
        else:
            lo = mid
    fit = Fit(fit.columns, (), tuple(caps), fit.pitch, fit.widows, fit.orphans)
    page.fragments[c.from_fragment] = replace(
        f, fit=fit, continues=False, feather=feathering(fit, g, False,
                                                        pg.layout.pages.feather_lines),
        why=f.why + f"; trimmed at a paragraph end: no room for its {c.lines}-line jump")
    page.trims[f.slug] = tuple(placed[ends[-1]:]) + c.items
    return True


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
