"""Pages from a folder of ~40 stories: read back from the real PDF.

Every word once and in order across fragments, jump lines that point at the page really
holding the rest, no overlaps, fill, overset, explanations, explicit plans, a second layout.
"""

from __future__ import annotations

import copy
import shutil
import sys
from pathlib import Path

import pdfplumber
import pytest

from conftest import ROOT, SAMPLES, group_lines, join_lines
from epaper.ingest import check_articles
from epaper.layout.paginate import PageSpec, Section
from epaper.layout.rules import HouseRules
from epaper.model import Paragraph
from epaper.pages import PageMaker, PagesResult

sys.path.insert(0, str(ROOT / "benchmarks"))
from corpus import make_corpus, write_story  # noqa: E402

BODY = 9.5
# The paginator's mechanics (jumps from any page, nothing cut, nothing held), so that every
# word of every story must be set; the desk's default rules are tested below and in
# test_desk.py.
MECHANICS = HouseRules(trim="none", jumps_from="all", hold=99)
PHOTO = SAMPLES / "images" / "busan-piers.jpg"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    make_corpus(folder, 40, seed=2026, image=PHOTO)
    return folder


@pytest.fixture(scope="module")
def made(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[PagesResult, Path]:
    articles = check_articles(sorted(corpus.glob("*.md")))
    result = PageMaker("broadsheet").make(articles, [corpus], corpus, house=MECHANICS)
    pdf = tmp_path_factory.mktemp("pages") / "pages.pdf"
    pdf.write_bytes(result.pdf)
    return result, pdf


@pytest.fixture(scope="module")
def pdf_words(made) -> list[list[dict]]:
    _, pdf = made
    with pdfplumber.open(pdf) as doc:
        return [page.extract_words(extra_attrs=["size", "fontname"]) for page in doc.pages]


def expected_words(result: PagesResult, slug: str) -> list[str]:
    m = result.pages.measures[slug]
    words: list[str] = []
    for fb in m.parts.flow:
        if isinstance(fb.block, Paragraph):
            words += "".join(r.text for r in fb.block.runs if "dateline" not in r.styles).split()
    return words


def inside(w: dict, box: list[float], slack: float = 1.0) -> bool:
    x, y, width, height = box
    return (x - slack <= w["x0"] and w["x1"] <= x + width + slack
            and y - slack <= w["top"] and w["bottom"] <= y + height + 4)


def fragment_lines(words: list[dict], fragment: dict) -> list[tuple[int, int, str]]:
    """Body lines of one fragment: (column, line, text), 1-based, column by column."""
    lines = []
    for c, col in enumerate(fragment["columns_pt"], 1):
        mine = [w for w in words if abs(w["size"] - BODY) < 0.05 and inside(w, col)]
        lines += [(c, n, " ".join(w["text"] for w in line))
                  for n, line in enumerate(group_lines(mine), 1)]
    return lines


def fragment_text(words: list[dict], fragment: dict) -> list[str]:
    """Body words of one fragment, column by column, hyphenated line ends joined."""
    return join_lines([text for _, _, text in fragment_lines(words, fragment)])


def story_fragments(report: dict, slug: str) -> list[tuple[str, dict]]:
    by_label = {p["label"]: p for p in report["pages"]}
    story = next(s for s in report["stories"] if s["slug"] == slug)
    return sorted(((label, f) for label in story["pages"]
                   for f in by_label[label]["stories"] if f["slug"] == slug),
                  key=lambda lf: lf[1]["part"])


def word_problems(report: dict, pdf_words: list[list[dict]], slug: str,
                  expected: list[str]) -> list[str]:
    """Where the words printed for a story differ from its source: story, page, column,
    line, and the words on both sides."""
    index = {p["label"]: n for n, p in enumerate(report["pages"])}
    got: list[str] = []
    where: list[tuple[str, int, int]] = []  # (page, column, line) of each word, about
    for label, fragment in story_fragments(report, slug):
        lines = fragment_lines(pdf_words[index[label]], fragment)
        words = join_lines([text for _, _, text in lines])
        origin = [(label, c, n) for c, n, text in lines for _ in text.split()]
        got += words
        where += (origin + [origin[-1]] * len(words))[:len(words)] if origin else []
    if got == expected:
        return []
    k = next((i for i, (a, b) in enumerate(zip(got, expected, strict=False))
              if a != b),
             min(len(got), len(expected)))
    page, col, line = where[min(k, len(where) - 1)] if where else ("?", 0, 0)
    return [f"story '{slug}', page {page}, column {col}, line {line}: word {k + 1} is "
            f"{' '.join(got[k:k + 4])!r}, the source has {' '.join(expected[k:k + 4])!r} "
            f"({len(got)} words printed, {len(expected)} in the source)"]


def jump_problems(report: dict, pdf_words: list[list[dict]]) -> list[str]:
    """Jump lines that do not name the page holding the rest, or rests that do not name
    the page they come from: story, page and the line as printed."""
    index = {p["label"]: n for n, p in enumerate(report["pages"])}
    by_label = {p["label"]: p for p in report["pages"]}
    problems = []
    for page in report["pages"]:
        words = pdf_words[index[page["label"]]]
        for f in page["stories"]:
            if not f["jump_to"]:
                continue
            where = f"story '{f['slug']}' part {f['part']} on page {page['label']}"
            last_col = f["columns_pt"][-1]
            text = " ".join(w["text"] for w in words if inside(w, last_col) and w["size"] < 9)
            if f"Continued on {f['jump_to']}" not in text:
                problems.append(f"{where}: the last column's foot reads {text[-60:]!r}, "
                                f"not 'Continued on {f['jump_to']}'")
            target = by_label.get(f["jump_to"])
            rests = [g for g in (target or {"stories": []})["stories"]
                     if g["slug"] == f["slug"] and g["part"] == f["part"] + 1]
            if len(rests) != 1:
                held = sorted(p["label"] for p in report["pages"] for g in p["stories"]
                              if g["slug"] == f["slug"] and g["part"] == f["part"] + 1)
                problems.append(f"{where}: jumps to {f['jump_to']}, but part {f['part'] + 1} "
                                f"is on {', '.join(held) or 'no page'}")
                continue
            rest = rests[0]
            if rest["jump_from"] != page["label"]:
                problems.append(f"{where}: its rest on {target['label']} says it comes from "
                                f"{rest['jump_from']}")
            head = " ".join(w["text"] for w in pdf_words[index[target["label"]]]
                            if inside(w, rest["box_pt"]))
            if f"CONTINUED FROM {page['label']}" not in head.upper():
                problems.append(f"story '{f['slug']}' part {rest['part']} on page "
                                f"{target['label']}: the head reads {head[:60]!r}, not "
                                f"'Continued from {page['label']}'")
    return problems


def test_every_word_of_every_story_once_in_order(made, pdf_words) -> None:
    result, _ = made
    report = result.report()
    assert len(report["stories"]) == 40
    jumped = 0
    problems = []
    for story in report["stories"]:
        problems += word_problems(report, pdf_words, story["slug"],
                                  expected_words(result, story["slug"]))
        if story["words_set"] != story["words_in_source"] or story["overset_lines"]:
            problems.append(f"story '{story['slug']}' on {', '.join(story['pages'])}: "
                            f"{story['words_set']} of {story['words_in_source']} words set, "
                            f"{story['overset_lines']} lines overset")
        jumped += story["jumps"] > 0
    assert not problems, "\n".join(problems)
    assert jumped >= 3


def test_jump_lines_name_the_page_that_holds_the_rest(made, pdf_words) -> None:
    result, _ = made
    report = result.report()
    problems = jump_problems(report, pdf_words)
    assert not problems, "\n".join(problems)
    assert sum(1 for p in report["pages"] for f in p["stories"] if f["jump_to"]) >= 3


def test_a_broken_jump_or_word_is_named_by_story_page_and_line(made, pdf_words) -> None:
    """What the two tests above print when the engine gets a jump or a word wrong."""
    result, _ = made
    report = copy.deepcopy(result.report())
    labels = [p["label"] for p in report["pages"]]
    page, frag = next((p, f) for p in report["pages"] for f in p["stories"] if f["jump_to"])
    frag["jump_to"] = labels[(labels.index(frag["jump_to"]) + 1) % len(labels)]  # off by one
    problems = jump_problems(report, pdf_words)
    assert any(f"story '{frag['slug']}'" in p and f"page {page['label']}" in p
               for p in problems), problems
    slug = frag["slug"]
    expected = expected_words(result, slug)
    expected[30] = "misprint"
    (problem,) = word_problems(result.report(), pdf_words, slug, expected)
    assert f"story '{slug}', page " in problem and ", line " in problem
    assert "word 31" in problem and "'misprint" in problem, problem


def test_no_overlaps_nothing_off_the_page(made, pdf_words) -> None:
    result, _ = made
    grid = result.pages.pages[0].template and PageMaker().layout.grid
    report = result.report()
    for n, page in enumerate(report["pages"]):
        boxes = [f["box_pt"] for f in page["stories"]]
        tpl = result.pages.pages[n].template
        boxes += [[r.x, r.y, r.width, r.height] for r in
                  (tpl.ad_rect(a, grid) for a in tpl.ads)]
        for i, a in enumerate(boxes):
            assert a[0] >= grid.margin_left - 0.01 and a[1] >= grid.margin_top - 0.01
            assert a[0] + a[2] <= grid.page_width - grid.margin_right + 0.01
            assert a[1] + a[3] <= grid.page_height - grid.margin_bottom + 0.01
            for b in boxes[i + 1:]:
                assert (a[0] + a[2] <= b[0] + 0.01 or b[0] + b[2] <= a[0] + 0.01
                        or a[1] + a[3] <= b[1] + 0.01 or b[1] + b[3] <= a[1] + 0.01), (a, b)
        # every word of running text lies inside a story box
        for w in pdf_words[n]:
            if abs(w["size"] - BODY) < 0.05:
                assert any(inside(w, box) for box in boxes), (page["label"], w["text"])


def test_fill_except_the_last_page_of_each_section(made) -> None:
    result, _ = made
    report = result.report()
    pages = report["pages"]
    for n, page in enumerate(pages):
        last = n == len(pages) - 1 or pages[n + 1]["section"] != page["section"]
        if not last:
            assert page["quality"]["fill_ratio"] >= 0.95, (page["label"],
                                                           page["quality"])
    assert len({p["section"] for p in pages}) == 5


def test_every_placement_is_explained(made) -> None:
    result, _ = made
    report = result.report()
    for page in report["pages"]:
        for f in page["stories"]:
            assert f["why"], f
    firsts = [p for n, p in enumerate(report["pages"])
              if n == 0 or report["pages"][n - 1]["section"] != p["section"]]
    for page in firsts:
        assert "leads the page" in page["stories"][0]["why"]
    # the priority-1 story of the first section opens the front page
    assert report["pages"][0]["template"].startswith("front")



@pytest.fixture
def strict_layout(tmp_path: Path) -> Path:
    """A copy of the broadsheet whose inside page cuts stories to fit (no jumps)."""
    folder = tmp_path / "strict"
    shutil.copytree(ROOT / "layouts" / "broadsheet", folder)
    inside = folder / "pages" / "inside.toml"
    inside.write_text(inside.read_text().replace('name = "top"',
                                                 'name = "top"\njumps = false'))
    return folder


def test_a_story_that_may_not_jump_is_overset_with_its_line_count(strict_layout, corpus,
                                                                   tmp_path) -> None:
    import random

    folder = tmp_path / "long"
    folder.mkdir()
    path = write_story(folder, 999, random.Random(5), "business", 2, 60)
    long = check_articles([path])[0]
    plan = [PageSpec("business", "inside", {"top": long.slug})]
    maker = PageMaker(strict_layout)
    result = maker.make([long], [folder], folder,
                        sections=[Section("business", "Business", "B")], explicit=plan)
    report = result.report()
    (story,) = report["stories"]
    assert story["overset_lines"] > 0
    assert story["lines_set"] + story["overset_lines"] == story["lines"]
    assert any("overset" in w and long.slug in w and f"{story['overset_lines']} lines" in w
               for w in result.warnings)
    pdf = tmp_path / "strict.pdf"
    pdf.write_bytes(result.pdf)
    with pdfplumber.open(pdf) as doc:
        words = doc.pages[0].extract_words(extra_attrs=["size"])
    (fragment,) = report["pages"][0]["stories"]
    set_lines = sum(len(group_lines([w for w in words if abs(w["size"] - BODY) < 0.05
                                     and inside(w, col)])) for col in fragment["columns_pt"])
    assert set_lines == story["lines_set"]


def test_explicit_plan_puts_stories_in_named_slots(corpus) -> None:
    articles = check_articles(sorted(corpus.glob("*.md")))[:10]
    national = [a for a in articles if a.section == "national"]
    plan = [PageSpec("national", "front", {"lead": national[-1].slug,
                                           "second": national[0].slug})]
    result = PageMaker().make(articles, [corpus], corpus, explicit=plan, house=MECHANICS)
    first = result.report()["pages"][0]
    slots = {f["slot"]: f["slug"] for f in first["stories"]}
    assert slots["lead"] == national[-1].slug and slots["second"] == national[0].slug
    assert all(s["words_set"] == s["words_in_source"] for s in result.report()["stories"])


def test_tabloid_layout_is_data(corpus, tmp_path) -> None:
    articles = check_articles(sorted(corpus.glob("*.md")))[:12]
    result = PageMaker("tabloid").make(articles, [corpus], corpus)
    pdf = tmp_path / "tabloid.pdf"
    pdf.write_bytes(result.pdf)
    with pdfplumber.open(pdf) as doc:
        assert doc.pages[0].width == pytest.approx(11 * 72, abs=0.1)
        assert doc.pages[0].height == pytest.approx(17 * 72, abs=0.1)
    for s in result.report()["stories"]:  # default rules: every word set, reported cut, or held
        if s["status"] == "held":
            assert s["words_set"] == 0 and not s["pages"], s["slug"]
        else:
            assert s["words_set"] + s["words_cut"] == s["words_in_source"], s["slug"]


def test_a_block_deeper_than_any_column_is_reported_and_nothing_hangs(corpus,
                                                                      tmp_path) -> None:
    folder = tmp_path / "huge"
    folder.mkdir()
    heading = " ".join(["heading"] * 1500)
    (folder / "huge.md").write_text(
        f"---\nheadline: A story with a runaway subhead\nsection: national\n---\n"
        f"First paragraph.\n\n## {heading}\n\nLast paragraph after it.\n", encoding="utf-8")
    articles = check_articles([folder / "huge.md", *sorted(corpus.glob("*.md"))[:4]])
    result = PageMaker().make(articles, [folder, corpus], corpus, house=MECHANICS)
    report = result.report()
    huge = next(s for s in report["stories"] if s["slug"] == "huge")
    others = [s for s in report["stories"] if s["slug"] != "huge"]
    assert all(s["words_set"] == s["words_in_source"] for s in others)
    assert huge["words_set"] == huge["words_in_source"]  # the text around it is set
    assert any("huge" in w for w in result.warnings)  # the block is reported
    assert len(report["pages"]) < 10


def source_paragraphs(result: PagesResult, slug: str) -> list[list[str]]:
    """The story's running-text words, paragraph by paragraph."""
    m = result.pages.measures[slug]
    return ["".join(r.text for r in fb.block.runs if "dateline" not in r.styles).split()
            for fb in m.parts.flow if isinstance(fb.block, Paragraph)]


@pytest.mark.slow
def test_default_rules_cut_whole_paragraphs_from_the_end_and_report_them(corpus,
                                                                         tmp_path) -> None:
    articles = check_articles(sorted(corpus.glob("*.md")))
    result = PageMaker().make(articles, [corpus], corpus)  # the layout's house rules
    report = result.report()
    pdf = tmp_path / "desk.pdf"
    pdf.write_bytes(result.pdf)
    with pdfplumber.open(pdf) as doc:
        words = [page.extract_words(extra_attrs=["size"]) for page in doc.pages]
    index = {p["label"]: n for n, p in enumerate(report["pages"])}
    by_label = {p["label"]: p for p in report["pages"]}
    statuses = set()
    for story in report["stories"]:
        slug = story["slug"]
        statuses.add(story["status"])
        assert story["status"] == "held" or \
            story["words_set"] + story["words_cut"] == story["words_in_source"], slug
        parts = sorted(((label, f) for label in story["pages"]
                        for f in by_label[label]["stories"] if f["slug"] == slug),
                       key=lambda lf: lf[1]["part"])
        got: list[str] = []
        for label, fragment in parts:
            got += fragment_text(words[index[label]], fragment)
        paragraphs = source_paragraphs(result, slug)
        if story["status"] == "held":
            assert not parts and slug in result.pages.held, slug
            continue
        kept = len(paragraphs) - story["paragraphs_cut"]
        assert got == [w for p in paragraphs[:kept] for w in p], (slug, story["status"])
        assert (story["status"] == "trimmed") == (story["paragraphs_cut"] > 0), slug
    assert "trimmed" in statuses  # the corpus has more copy than the pages hold


def test_a_continuation_head_says_the_jumphead(tmp_path) -> None:
    import random

    folder = tmp_path / "jump"
    folder.mkdir()
    path = write_story(folder, 7, random.Random(7), "national", 1, 40)
    path.write_text(path.read_text(encoding="utf-8").replace(
        "section: national", 'section: national\njumphead: "Harbor ferry talks"'),
        encoding="utf-8")
    story = check_articles([path])[0]
    plan = [PageSpec("national", "front", {"second": story.slug})]
    result = PageMaker().make([story], [folder], folder, explicit=plan, house=MECHANICS)
    report = result.report()
    parts = [(p["label"], f) for p in report["pages"] for f in p["stories"]]
    assert [f["part"] for _, f in parts] == [0, 1], parts  # it jumps once
    pdf = tmp_path / "jump.pdf"
    pdf.write_bytes(result.pdf)
    label, rest = parts[1]
    with pdfplumber.open(pdf) as doc:
        first = " ".join(w["text"] for w in doc.pages[0].extract_words())
        words = doc.pages[[p["label"] for p in report["pages"]].index(label)].extract_words()
    head = " ".join(w["text"] for w in words if inside(w, rest["box_pt"]))
    assert "Harbor ferry talks" in head and story.headline not in head, head
    assert story.headline.split()[0] in first and "Harbor ferry talks" not in first
