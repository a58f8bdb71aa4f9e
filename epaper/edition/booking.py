"""The press plan and the ad dummy of an edition: ``[plan]``, ``[rules]``, and ads booked
in ``edition.toml`` or ``ads.csv`` (the format ad systems export), checked against the
page: every problem names its file and line."""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from pathlib import Path

from epaper.edition.config import POSITIONS, EditionConfig
from epaper.errors import Problem
from epaper.ingest.article import image_trouble
from epaper.layout.grid import Layout
from epaper.layout.newshole import BookedAd, ad_rect, overlaps, parse_depth
from epaper.layout.pagemodel import PagePlan, Section
from epaper.layout.rules import HouseRules, with_rules
from epaper.layout.templates import PageTemplate, by_role

CSV_HEADER = ("page", "columns", "depth", "position", "advertiser", "image")


def house_rules(config: EditionConfig, layout: Layout) -> HouseRules:
    """The layout's rules with the edition's ``[rules]`` applied."""
    return with_rules(layout.rules, config.rules)


def page_plan(config: EditionConfig) -> PagePlan:
    return PagePlan(config.plan.pages, config.plan.page_multiple,
                    {s.id: s.pages for s in config.sections if s.pages})


def _toml_lines(text: str) -> list[int]:
    return [text[:m.start()].count("\n") + 1
            for m in re.finditer(r"^\s*\[\[\s*ads\s*\]\]", text, re.MULTILINE)]


def _read_csv(path: Path, problems: list[Problem]) -> list[tuple[int, dict[str, str]]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(Problem(path, f"cannot read ads.csv: {exc}"))
        return []
    reader = csv.DictReader(text.splitlines())
    header = tuple(h.strip() for h in reader.fieldnames or ())
    missing = [h for h in CSV_HEADER[:4] if h not in header]
    unknown = [h for h in header if h not in CSV_HEADER]
    if missing or unknown:
        problems.append(Problem(path, "ads.csv header " + ", ".join(
            x for x in (f"lacks {', '.join(missing)}" if missing else "",
                        f"has unknown {', '.join(unknown)}" if unknown else "") if x),
            line=1, fix="the header is: " + ",".join(CSV_HEADER)))
        return []
    rows = []
    for row in reader:
        rows.append((reader.line_num, {k.strip(): (v or "").strip() for k, v in row.items()
                                       if k is not None}))
    return rows


def booked_ads(config: EditionConfig, edition_dir: Path, layout: Layout,
               sections: Sequence[Section], templates: dict[str, PageTemplate],
               ) -> tuple[list[BookedAd], list[Problem]]:
    """Every booked ad (edition.toml, then ads.csv) with its depth in points; problems for
    an ad that does not fit its page or overlaps another, naming the line."""
    grid = layout.grid
    toml = edition_dir / "edition.toml"
    problems: list[Problem] = []
    entries: list[tuple[Path, int | None, dict[str, str]]] = []
    try:
        lines = _toml_lines(toml.read_text(encoding="utf-8"))
    except OSError:
        lines = []
    for n, ad in enumerate(config.ads):
        if ad.booked:
            entries.append((toml, lines[n] if n < len(lines) else None, {
                "page": ad.page or "", "columns": str(ad.columns or ""),
                "depth": ad.depth or "", "position": ad.position,
                "advertiser": ad.advertiser, "image": ad.image or "", "label": ad.label}))
    csv_path = edition_dir / "ads.csv"
    if csv_path.is_file():
        entries += [(csv_path, line, row) for line, row in _read_csv(csv_path, problems)]
    letters = {s.letter: s for s in sections}
    out: list[tuple[BookedAd, Path, int | None]] = []
    for path, line, row in entries:
        def bad(message: str, fix: str, path: Path = path, line: int | None = line) -> None:
            problems.append(Problem(path, message, line=line, fix=fix))

        page = row.get("page", "")
        m = re.fullmatch(r"([A-Z])(\d+)", page)
        if not m or m[1] not in letters or int(m[2]) < 1:
            bad(f"ad page {page!r} is not a page of this edition",
                "use a page label such as " + ", ".join(f"{s.letter}1" for s in sections))
            continue
        try:
            columns = int(row.get("columns", ""))
            if not 1 <= columns <= grid.columns:
                raise ValueError
        except ValueError:
            bad(f"ad columns {row.get('columns')!r} must be 1 to {grid.columns}",
                f"the page has {grid.columns} grid columns")
            continue
        try:
            depth = parse_depth(row.get("depth", ""), grid)
        except ValueError:
            bad(f"ad depth {row.get('depth')!r} is not a depth",
                "write e.g. 60mm, 8cm, 3in, 200pt, 6rows, 5/15 or 5단")
            continue
        position = row.get("position") or "bottom"
        if position not in POSITIONS:
            bad(f"ad position {position!r} is not known", "use " + ", ".join(POSITIONS))
            continue
        image = row.get("image") or None
        if image and path == csv_path:
            img = (edition_dir / image).resolve()
            if not img.is_relative_to(edition_dir.resolve()) or not img.is_file():
                bad(f"ad image '{image}' is not a file in the edition folder",
                    "put the ad image in the edition folder (e.g. ads/)")
                continue
            if trouble := image_trouble(img):  # decoded before the build, as photos are
                bad(f"ad image '{image}' {trouble[0]}", trouble[1])
                continue
        advertiser = row.get("advertiser", "")
        label = row.get("label") or (f"Advertisement — {advertiser}" if advertiser
                                     else "Advertisement")
        url = (edition_dir / image).resolve().as_uri() if image else None
        ad = BookedAd(page, columns, depth, position, advertiser, label, url,
                      f"{path.name} line {line}")
        section = letters[m[1]]
        role = section.first_template if int(m[2]) == 1 else section.next_template
        template = by_role(templates, role)[0]
        top = grid.y(template.masthead_rows) if template.masthead_rows else grid.margin_top
        bottom = grid.margin_top + grid.text_height
        if depth > bottom - top + 0.01:
            bad(f"ad {depth:.0f}pt deep does not fit page {page}: its news hole is "
                f"{bottom - top:.0f}pt deep", "book a shallower ad or another page")
            continue
        rect = ad_rect(ad, grid, top)
        for other, other_path, other_line in out:
            if other.page == page and overlaps(rect, ad_rect(other, grid, top)):
                bad(f"ad on {page} ({columns} columns × {depth:.0f}pt, {position}) overlaps "
                    f"the ad booked at {other_path.name} line {other_line}",
                    "book another position or page, or a smaller ad")
                break
        else:
            out.append((ad, path, line))
    return [ad for ad, _, _ in out], problems


def fill_lines(report: dict) -> list[str]:  # type: ignore[type-arg]
    """How full the edition is, for the terminal: a line per page (news hole, ads, fill,
    fillers) and one for the edition (pages, minimum and mean fill, jumps, trims, holds)."""
    out = []
    rule = report["summary"]["fill_rule"]
    for page in report["pages"]:
        q = page["quality"]
        mark = "" if q["fill_ratio"] >= rule else "  under the rule"
        out.append(f"{page['label']:>4}  news hole {q['news_hole_mm2'] / 100:7.0f} cm²  "
                   f"ads {q['ads']}  fill {q['fill_ratio']:6.1%}  fillers {q['fillers']}{mark}")
    s = report["summary"]
    out.append(f"{s['pages']} pages, fill min {s['min_fill']:.1%} mean {s['mean_fill']:.1%} "
               f"(rule {rule:.0%}), {s['jumps']} jumps, {s['trims']} trimmed, "
               f"{s['holds']} held")
    return out
