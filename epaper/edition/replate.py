"""Replates: a rebuild that keeps every page nobody touched.

After a build, the page plan (every fragment's page, frame and lines) is kept as JSON beside
the measure cache, with the content key of every story and the key of every rendered page.
The next build of the same edition starts from that plan instead of paginating afresh:

- a story whose content did not change keeps its page and place;
- a changed story is set again in the frames it had (the same pages, slots, widths and
  depths, jumps included). It must still fit them: all its lines set, and no more room left
  empty than before plus what feathering closes;
- when it does not, or when a story was added or removed, or a changed story had been
  trimmed or held, the night desk lays the edition out again (its page plan, booked ads,
  fill rules, trims and holds), and the report says why.

The pages are then rendered through the page cache: an untouched page has the same HTML, so
its cached PDF is used and its bytes are the old ones. ``--fresh`` paginates everything.
The plan is layered on the paginator (it pins what the paginator placed before); pagination
itself is unchanged.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from pydantic import TypeAdapter, ValidationError

from epaper.files import write_atomic
from epaper.layout.fit import EPS, FitRules, cut_for_jump, feathering, fit_subset
from epaper.layout.galley import Line
from epaper.layout.grid import Layout
from epaper.layout.measured import StoryMeasure
from epaper.layout.pagemodel import PlacedAd
from epaper.layout.paginate import (
    Filler,
    Fragment,
    Page,
    Pages,
    Section,
    Unplaced,
)
from epaper.layout.rules import HouseRules
from epaper.layout.story import Rect, frame_for
from epaper.layout.templates import PageTemplate

FORMAT = "epaper-plan-2"  # 2: the desk's ads, trims and holds
_FRAGMENTS = TypeAdapter(list[Fragment])
_FILLERS = TypeAdapter(list[Filler])
_RECTS = TypeAdapter(list[Rect])
_UNPLACED = TypeAdapter(list[Unplaced])
_ADS = TypeAdapter(list[PlacedAd])
_TEMPLATE = TypeAdapter(PageTemplate)  # as placed: the desk cuts booked ads out of its slots


def plan_path(out_dir: Path, name: str) -> Path:
    """Where the page plan of the edition ``name`` built into ``out_dir`` is kept."""
    return out_dir / ".cache" / f"{name}.plan.json"


@dataclass(frozen=True)
class Previous:
    """The plan of the previous build of the edition."""

    pages: list[Page]
    unplaced: list[Unplaced]
    keys: dict[str, str]  # story slug → content key
    story_sections: dict[str, str]
    leads: dict[str, dict[int, float]]  # story slug → lead photo depth by columns, then
    empty: list[list[float]]  # per page, per fragment: the empty area then (pt²)
    part_keys: dict[str, str]  # page label → key of its rendered part
    pdf: str
    desk: dict[str, object]  # the desk's edition-wide record: held, trims, fill rule…


@dataclass(frozen=True)
class Replate:
    """What a replate kept and what it laid out again."""

    changed: tuple[str, ...]
    added: tuple[str, ...]
    removed: tuple[str, ...]
    refitted: tuple[str, ...]  # changed stories set again in their own frames
    sections: tuple[str, ...]  # sections paginated again
    why: tuple[str, ...]

    def report(self, labels: Sequence[Sequence[str]], keys: Sequence[str],
               previous: Previous) -> dict[str, object]:
        """The report's ``replate``: pages changed (and the stories that caused it), pages
        kept byte for byte. ``labels``/``keys``: the parts of this build."""
        kept, changed = [], []
        for part_labels, key in zip(labels, keys, strict=True):
            same = all(previous.part_keys.get(label) == key for label in part_labels)
            (kept if same else changed).extend(part_labels)
        return {"from": previous.pdf, "mode": "relaid" if self.sections else "replate",
                "stories": {"changed": list(self.changed), "added": list(self.added),
                            "removed": list(self.removed)},
                "refitted": list(self.refitted), "sections_repaginated": list(self.sections),
                "why": list(self.why), "pages_changed": changed, "pages_kept": kept}


def config_key(edition_toml: bytes, ads: Sequence[object], environment: str,
               locale: str) -> str:
    """What the whole plan depends on besides the stories: edition.toml, the booked ads
    (``ads.csv``'s too), the layout, the fonts and versions (``environment``), the
    locale."""
    digest = hashlib.sha256(FORMAT.encode())
    for part in (edition_toml, repr(list(ads)).encode(), environment.encode(),
                 locale.encode()):
        digest.update(hashlib.sha256(part).digest())
    return digest.hexdigest()


def save(path: Path, pages: Pages, keys: Mapping[str, str], config: str,
         parts: Sequence[tuple[Sequence[str], str]], pdf: bytes, pdf_name: str) -> None:
    """Keep the plan of this build (a plan that cannot be written only costs a replate)."""
    data = {
        "format": FORMAT, "config": config, "pdf": pdf_name,
        "pdf_sha256": hashlib.sha256(pdf).hexdigest(),
        "sections": [asdict(s) for s in _sections(pages.pages)],
        "pages": [{"section": p.section.id, "number": p.number, "template": p.template.name,
                   "placed_template": _TEMPLATE.dump_python(p.template, mode="json"),
                   "story_area": p.story_area,
                   "fragments": _FRAGMENTS.dump_python(p.fragments, mode="json"),
                   "empty": [f.empty_area(pages.measures[f.slug]) for f in p.fragments],
                   "fillers": _FILLERS.dump_python(p.fillers, mode="json"),
                   "rules": _RECTS.dump_python(p.rules, mode="json"),
                   "ads": _ADS.dump_python(p.ads, mode="json"), "ad_area": p.ad_area,
                   "closing": p.closing, "trims": {k: list(v) for k, v in p.trims.items()}}
                  for p in pages.pages],
        "desk": {"held": list(pages.held), "trims": {k: list(v) for k, v in pages.trims.items()},
                 "fill_rule": pages.fill_rule, "booked": list(pages.booked), "hold": pages.hold},
        "unplaced": _UNPLACED.dump_python(pages.unplaced, mode="json"),
        "stories": {slug: {"key": keys[slug], "section": m.article.section,
                           "leads": {str(c): h for c, h in m.leads.items()}}
                    for slug, m in sorted(pages.measures.items()) if slug in keys},
        "parts": [{"labels": list(labels), "key": key} for labels, key in parts],
    }
    try:
        write_atomic(path, (json.dumps(data, ensure_ascii=False) + "\n").encode("utf-8"))
    except OSError:
        pass


def load(path: Path, pdf_path: Path, config: str, templates: Mapping[str, PageTemplate],
         sections: Sequence[Section]) -> tuple[Previous | None, str]:
    """The previous build's plan, or None and why there is none to replate from."""
    if not path.is_file():
        return None, "no previous build of this edition in the output folder"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        pdf = pdf_path.read_bytes()
    except (OSError, ValueError):
        return None, "the previous build's PDF or plan cannot be read"
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return None, "the previous plan is of another epaper version"
    if data.get("pdf_sha256") != hashlib.sha256(pdf).hexdigest() or \
            not pdf_path.with_suffix(".report.json").is_file():
        return None, f"{pdf_path.name} is not the PDF the previous plan describes"
    if data.get("config") != config:
        return None, "edition.toml, the booked ads, the layout, the fonts or the versions changed"
    by_id = {s.id: s for s in sections}
    old_sections = data.get("sections", [])
    if [by_id.get(s.get("id")) for s in old_sections] != [Section(**s) for s in old_sections]:
        return None, "the sections changed"
    try:
        pages = []
        for n, row in enumerate(data["pages"]):
            if row["template"] not in templates:
                return None, f"page template '{row['template']}' is gone"
            pages.append(Page(n, by_id[row["section"]], row["number"],
                              _TEMPLATE.validate_python(row["placed_template"]),
                              _FRAGMENTS.validate_python(row["fragments"]),
                              _FILLERS.validate_python(row["fillers"]),
                              _RECTS.validate_python(row["rules"]), row["story_area"],
                              ads=_ADS.validate_python(row["ads"]),
                              ad_area=float(row["ad_area"]), closing=bool(row["closing"]),
                              trims={k: tuple(int(x) for x in v)
                                     for k, v in row["trims"].items()}))
        stories = data["stories"]
        return Previous(
            pages, _UNPLACED.validate_python(data["unplaced"]),
            {slug: s["key"] for slug, s in stories.items()},
            {slug: s["section"] for slug, s in stories.items()},
            {slug: {int(c): h for c, h in s["leads"].items()} for slug, s in stories.items()},
            [list(map(float, row["empty"])) for row in data["pages"]],
            {label: p["key"] for p in data["parts"] for label in p["labels"]},
            str(data["pdf"]), dict(data["desk"])), ""
    except (KeyError, TypeError, ValueError, ValidationError):
        return None, "the previous plan is damaged"


def _sections(pages: Sequence[Page]) -> list[Section]:
    out: list[Section] = []
    for page in pages:
        if page.section not in out:
            out.append(page.section)
    return out


def refit(m: StoryMeasure, placed: Sequence[tuple[Page, int, Fragment]],
          old_leads: Mapping[int, float], empty_before: float, layout: Layout,
          ) -> list[Fragment] | str:
    """The changed story set again in the frames its fragments had, in order: the new
    fragments, or why it no longer fits them. When it does not fit with its lead photo as
    wide as before, other widths are tried (nearest first), unless the article asks for
    one; the photo is the one thing that may change in its frames."""
    first = refit_frames(m, placed, old_leads, empty_before, layout)
    lead = m.parts.lead
    was = placed[0][2].frame.lead_columns if placed else 0
    if not isinstance(first, str) or lead is None or lead.columns or not was:
        return first
    span = placed[0][2].frame.columns
    for cols in sorted((c for c in range(1, span + 1) if c != was and c in m.leads),
                       key=lambda c: (abs(c - was), c)):
        other = refit_frames(m, placed, old_leads, empty_before, layout, cols)
        if not isinstance(other, str):
            head = other[0]
            other[0] = replace(head, why=head.why + f"; photo set {cols} column"
                               f"{'s' if cols > 1 else ''} wide to fit the change")
            return other
    return first


def refit_frames(m: StoryMeasure, placed: Sequence[tuple[Page, int, Fragment]],
                 old_leads: Mapping[int, float], empty_before: float, layout: Layout,
                 lead_columns: int | None = None) -> list[Fragment] | str:
    """``refit`` with the lead photo ``lead_columns`` wide (None: as before)."""
    assert layout.pages is not None
    rules = FitRules(layout.story.widows, layout.story.orphans)
    g = m.galley
    items = tuple(range(len(g.items)))
    out: list[Fragment] = []
    for n, (page, _, f) in enumerate(placed):
        last = n == len(placed) - 1
        span = f.frame.columns
        head = (m.heads if f.part == 0 else m.jump_heads).get(span)
        if head is None:
            return f"it has no head measured at {span} columns"
        lead, lead_cols = 0.0, f.frame.lead_columns
        if lead_cols:
            if m.parts.lead is None or lead_cols not in m.leads:
                return "its lead photo was removed"
            grown = f.frame.lead_height - old_leads.get(lead_cols, f.frame.lead_height)
            lead = m.leads[lead_cols] + max(0.0, grown)
            if lead_columns is not None and f.part == 0:
                lead_cols, lead = lead_columns, m.leads[lead_columns]
        elif f.part == 0 and m.parts.lead is not None:
            return "it has a lead photo now"
        frame = frame_for(layout.grid, span, head, lead_cols, lead, f.frame.depth)
        if frame.head_height + frame.lead_height + g.pitch > frame.depth + EPS:
            return f"its head and photo no longer leave room for text on {page.label}"
        caps = [r.height for r in frame.column_rects()]
        fit = fit_subset(g, items, caps, rules)
        if fit.overset and not last:
            caps[-1] = max(0.0, caps[-1] - g.pitch)
            fit = fit_subset(g, items, caps, rules)
            fit = cut_for_jump(fit, g, layout.rules.min_jump_lines, rules.orphans)
        if not any(fit.columns):
            return f"its text no longer starts in its frame on {page.label}"
        if not last and not fit.overset:
            return f"it now ends on {page.label}, before its jump"
        if last and fit.overset:
            over = sum(1 for i in fit.overset if isinstance(g.items[i], Line))
            return f"it runs {over} lines over its space on {page.label}"
        fragment = replace(f, frame=frame, fit=fit, continues=not last,
                           feather=feathering(fit, g, not last, layout.pages.feather_lines))
        if last:
            allowed = empty_before + layout.pages.feather_lines * g.pitch * frame.width
            empty = fragment.empty_area(m)
            if empty > allowed + EPS:
                short = (empty - empty_before) / (g.pitch * frame.width)
                return f"it now leaves {short:.0f} more lines empty on {page.label}"
        out.append(fragment)
        items = fit.overset
    return out


def replate(previous: Previous, measures: Sequence[StoryMeasure], keys: Mapping[str, str],
            sections: Sequence[Section], layout: Layout,
            house: HouseRules | None = None) -> tuple[Pages | None, Replate]:
    """The new page model from the previous plan: untouched stories where they were,
    changed ones refitted in place. None for the pages when that cannot be done (a story
    added or removed, moved, trimmed or held before, or no longer fitting its frames): the
    desk must lay the edition out again, and ``why`` says so."""
    if house is not None:  # refit with the edition's house rules, as the desk placed them
        layout = replace(layout, rules=house)
    by_slug = {m.slug: m for m in measures}
    old, new = set(previous.keys), set(by_slug)
    changed = sorted(s for s in old & new if previous.keys[s] != keys[s])
    added, removed = sorted(new - old), sorted(old - new)
    desk = previous.desk
    held, trimmed = set(desk.get("held", [])), set(desk.get("trims", {}))  # type: ignore[arg-type]
    redo: dict[str, list[str]] = {}
    for slug in added:
        redo.setdefault(by_slug[slug].article.section, []).append(f"'{slug}' was added")
    for slug in removed:
        redo.setdefault(previous.story_sections[slug], []).append(f"'{slug}' was removed")
    placed = {p.index: list(p.fragments) for p in previous.pages}
    refitted = []
    for slug in changed:
        section = by_slug[slug].article.section
        if section != previous.story_sections[slug]:
            for sid in (section, previous.story_sections[slug]):
                redo.setdefault(sid, []).append(f"'{slug}' moved to section '{section}'")
            continue
        if slug in held or slug in trimmed:
            redo.setdefault(section, []).append(
                f"'{slug}' changed and was {'held' if slug in held else 'trimmed'} before")
            continue
        where = sorted(((p, n, f) for p in previous.pages for n, f in enumerate(p.fragments)
                        if f.slug == slug), key=lambda t: t[2].part)
        if not where:
            redo.setdefault(section, []).append(f"'{slug}' was not placed before")
            continue
        last_page, last_n, _ = where[-1]
        result = refit(by_slug[slug], where, previous.leads.get(slug, {}),
                       previous.empty[last_page.index][last_n], layout)
        if isinstance(result, str):
            redo.setdefault(section, []).append(f"'{slug}' changed and {result}")
            continue
        refitted.append(slug)
        for (page, n, _), fragment in zip(where, result, strict=True):
            placed[page.index][n] = fragment
    why = tuple(f"section '{sid}': " + "; ".join(reasons) for sid, reasons in redo.items())
    report = Replate(tuple(changed), tuple(added), tuple(removed), tuple(refitted),
                     tuple(redo), why)
    if redo:
        return None, report
    pages = [replace(p, fragments=placed[p.index], free=[], unplaced=[])
             for p in previous.pages]
    return Pages(pages, {m.slug: m for m in measures}, list(previous.unplaced),
                 held=list(desk.get("held", [])),  # type: ignore[call-overload]
                 trims={k: tuple(v) for k, v in desk.get("trims", {}).items()},  # type: ignore[union-attr]
                 fill_rule=float(desk.get("fill_rule", 0.97)),  # type: ignore[arg-type]
                 booked=tuple(desk.get("booked", ())),  # type: ignore[call-overload]
                 hold=int(desk.get("hold", 5))), report  # type: ignore[call-overload]
