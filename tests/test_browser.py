"""The e-paper in a real browser: Debian's chromium driven by Playwright (no browser
download). Opening both sample editions, a jumped story's region, deep links, Korean
search, the keyboard, a phone, and the reading room over an archive of several editions.
Screenshots go to tests/results/web-*.png."""

from __future__ import annotations

import json
import shutil
import socket
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from conftest import ROOT
from epaper.ingest.article import read_article
from epaper.web.make import web_folder

pytestmark = pytest.mark.slow
CHROMIUM = Path("/usr/bin/chromium")
RESULTS = ROOT / "tests" / "results"


@pytest.fixture(scope="module")
def browser():  # type: ignore[no-untyped-def]
    assert CHROMIUM.exists(), "chromium is missing: run ./dev setup (Debian package chromium)"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM))
        yield b
        b.close()


def report_of(pdf: Path) -> dict:
    return json.loads(pdf.with_name(pdf.stem + ".report.json").read_text(encoding="utf-8"))


def url_of(pdf: Path, hash_: str = "") -> str:
    return (web_folder(pdf.parent, report_of(pdf)) / "index.html").as_uri() + hash_


def open_page(browser: Browser, url: str, **kw: object) -> Page:
    page = browser.new_page(**{"viewport": {"width": 1400, "height": 900}, **kw})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url)
    page.wait_for_function("window.EPAPER_FIRST_PAGE_MS !== undefined")
    page.errors = errors  # type: ignore[attr-defined]
    return page


def shot(page: Page, name: str) -> None:
    RESULTS.mkdir(exist_ok=True)
    page.screenshot(path=str(RESULTS / f"web-{name}.png"))


def body_words(page: Page) -> list[str]:
    text = page.evaluate("""() => {
        const body = document.querySelector('#reader-text .story-body').cloneNode(true);
        body.querySelectorAll('.dateline, figure, h2').forEach(e => e.remove());
        return Array.from(body.children).map(e => e.textContent).join(' ');
    }""")
    return text.split()


def article(story: dict):  # type: ignore[no-untyped-def]
    path = Path(story["file"])
    return read_article(path, roots=[path.parent, path.parent.parent])


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_open_each_sample(browser: Browser, sample_epapers: dict[str, Path], lang: str) -> None:
    pdf = sample_epapers[lang]
    report = report_of(pdf)
    page = open_page(browser, url_of(pdf))
    assert page.evaluate("document.documentElement.lang") == ("ko" if lang == "ko" else "en")
    expect(page.locator(".thumbs a")).to_have_count(len(report["pages"]))
    assert page.locator(".page img").first.evaluate("i => i.naturalWidth") > 1000
    for landmark in ("header[role=banner]", "main", "nav.thumbs", "form[role=search]"):
        expect(page.locator(landmark)).to_have_count(1)
    # every region is a link named by its headline
    first = report["pages"][0]["stories"]
    regions = page.locator(".page[data-index='0'] a.region")
    expect(regions).to_have_count(len(first))
    for n, frag in enumerate(first):
        headline = next(s["headline"] for s in report["stories"] if s["slug"] == frag["slug"])
        assert regions.nth(n).get_attribute("aria-label") == headline
    assert page.locator(".page img").first.get_attribute("alt")
    shot(page, f"{lang}-front")
    assert not page.errors  # type: ignore[attr-defined]
    page.close()


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_click_jumped_story_reads_every_word_once(browser: Browser,
                                                  sample_epapers: dict[str, Path],
                                                  lang: str) -> None:
    pdf = sample_epapers[lang]
    report = report_of(pdf)
    jumped = [s for s in report["stories"] if s["jumps"]]
    if lang == "en":
        assert jumped, "the English sample has no jumped story to click"
    # a jumped story, on its first page (A1 first); an edition without jumps (the Korean
    # sample fills its pages without one): the lead story of A1
    story = min(jumped, key=lambda s: s["pages"][0] != "A1") if jumped else next(
        s for s in report["stories"] if s["pages"] and s["pages"][0] == "A1")
    page = open_page(browser, url_of(pdf, f"#/{story['pages'][0]}"))
    page.locator(f".page a.region[data-slug='{story['slug']}']").first.click()
    expect(page.locator("#reader")).to_be_visible()
    expect(page.locator("#reader-text h1")).to_have_text(story["headline"])
    assert body_words(page) == article(story).words(), story["slug"]
    text = page.locator("#reader-text").inner_text()
    assert "Continued" not in text and "계속" not in text
    # font size up and down
    size = lambda: page.locator("#reader-text .story").evaluate(  # noqa: E731
        "e => parseFloat(getComputedStyle(e).fontSize)")
    before = size()
    page.get_by_role("button", name=page.evaluate("EPAPER.words.font_up")).click()
    assert size() > before
    page.get_by_role("button", name=page.evaluate("EPAPER.words.font_down")).click()
    assert size() == pytest.approx(before)
    shot(page, f"{lang}-article")
    # back to its place on the page: the region highlighted
    page.locator("#backlink").click()
    expect(page.locator("#reader")).to_be_hidden()
    expect(page.locator(f".page a.region.hl[data-slug='{story['slug']}']")).to_have_count(1)
    page.close()


def test_deep_links(browser: Browser, sample_epapers: dict[str, Path]) -> None:
    pdf = sample_epapers["en"]
    report = report_of(pdf)
    page = open_page(browser, url_of(pdf, "#/A3"))
    expect(page.locator(".page[data-index='2']")).to_have_count(1)
    expect(page.locator(".thumbs a[aria-current='page']").first).to_have_text("A2")  # spread
    story = next(s for s in report["stories"] if s["pages"][0] == "B1")
    page.goto(url_of(pdf, f"#/story/{story['slug']}"))
    expect(page.locator("#reader-text h1")).to_have_text(story["headline"])
    expect(page.locator(".page[data-index='4']")).to_have_count(1)  # B1 behind it
    page.goto(url_of(pdf, f"#/B1/{story['slug']}"))
    expect(page.locator("#reader")).to_be_hidden()
    expect(page.locator(f"a.region.hl[data-slug='{story['slug']}']")).to_be_focused()
    # one page instead of two
    page.locator("#spread").click()
    expect(page.locator(".page")).to_have_count(1)
    page.close()


def test_korean_search_by_two_syllables(browser: Browser,
                                        sample_epapers: dict[str, Path]) -> None:
    pdf = sample_epapers["ko"]
    report = report_of(pdf)
    want = [s for s in report["stories"] if "시장" in s["text"] + s["headline"]]
    assert want, "the Korean sample has a story about 시장"
    page = open_page(browser, url_of(pdf))
    page.locator("#q").fill("시장")
    page.locator("#q").press("Enter")
    expect(page.locator("#hits li")).to_have_count(len(want))
    found = page.locator("#hits li a").all_inner_texts()
    assert set(found) == {s["headline"] for s in want}
    shot(page, "ko-search")
    page.locator("#hits li a").first.click()
    expect(page.locator("#reader")).to_be_visible()
    expect(page.locator("#reader-text h1")).to_have_text(found[0])
    page.close()


def test_keyboard(browser: Browser, sample_epapers: dict[str, Path]) -> None:
    pdf = sample_epapers["en"]
    page = open_page(browser, url_of(pdf), viewport={"width": 1000, "height": 900})
    page.locator("body").press("ArrowRight")
    expect(page).to_have_url(url_of(pdf, "#/A2"))
    page.locator("body").press("ArrowLeft")
    expect(page).to_have_url(url_of(pdf, "#/A1"))
    # tab to the first story link and open it with Enter; Escape goes back to it
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('region')"):
            break
    slug = page.evaluate("document.activeElement.dataset.slug")
    assert slug, "no story link reachable by Tab"
    page.keyboard.press("Enter")
    expect(page.locator("#reader")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator("#reader")).to_be_hidden()
    assert page.evaluate("document.activeElement.dataset.slug") == slug
    # zoom by keyboard and by the wheel
    width = lambda: page.locator(".page").first.evaluate("e => e.offsetWidth")  # noqa: E731
    before = width()
    page.keyboard.press("+")
    assert width() > before
    page.keyboard.press("0")
    assert width() == before
    page.mouse.move(500, 400)
    page.mouse.wheel(0, -300)
    assert width() > before
    page.close()


def test_phone(browser: Browser, sample_epapers: dict[str, Path]) -> None:
    pdf = sample_epapers["en"]
    report = report_of(pdf)
    story = next(s for s in report["stories"] if s["jumps"])
    page = open_page(browser, url_of(pdf), viewport={"width": 390, "height": 844},
                     device_scale_factor=2, is_mobile=True, has_touch=True)
    assert page.locator(".page").first.evaluate("e => e.offsetWidth") <= 390
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "phone-page")
    page.goto(url_of(pdf, f"#/story/{story['slug']}"))
    expect(page.locator("#reader-text h1")).to_be_visible()
    assert page.locator("#reader-text").evaluate("e => e.scrollWidth <= e.clientWidth")
    size = page.locator("#reader-text .story-body p").first.evaluate(
        "e => parseFloat(getComputedStyle(e).fontSize)")
    assert size >= 16, "article text too small on a phone"
    shot(page, "phone-article")
    page.close()


# -- the reading room -------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def room(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    import uvicorn
    from test_archive import edition
    from typer.testing import CliRunner

    from epaper.cli import app
    from epaper.web.serve import create_app

    base = tmp_path_factory.mktemp("room")
    days = ("2026-11-28", "2026-11-29", "2026-11-30")
    for n, day in enumerate(days):
        ed = edition(base / f"ed{n}", title="The Harbor Courier", day=day)
        result = CliRunner().invoke(app, ["build", str(ed), "--out-dir", str(base / "out"),
                                          "--archive", str(base / "arch"), "--jobs", "1"])
        assert result.exit_code == 0, result.output
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(base / "arch"), host="127.0.0.1",
                                           port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(100):
        if server.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", base / "arch", days
    server.should_exit = True
    thread.join(5)
    shutil.rmtree(base, ignore_errors=True)


def test_reading_room(browser: Browser, room) -> None:  # type: ignore[no-untyped-def]
    url, arch, days = room
    page = browser.new_page(viewport={"width": 1200, "height": 850})
    page.goto(url + "/")
    links = page.locator("ul.days a")
    expect(links).to_have_count(len(days))
    shot(page, "room")
    links.first.click()  # the newest edition opens in the viewer
    page.wait_for_function("window.EPAPER_FIRST_PAGE_MS !== undefined")
    assert page.evaluate("EPAPER.date") == days[-1]
    assert (arch / "web").is_dir()  # made on first view, inside the archive
    # search across editions: a hit opens the story highlighted on its page
    page.goto(url + "/search?q=야시장")
    hits = page.locator("ol.hits li a")
    expect(hits).to_have_count(len(days))
    href = hits.first.get_attribute("href")
    assert "#/" in href
    hits.first.click()
    page.wait_for_function("window.EPAPER_FIRST_PAGE_MS !== undefined")
    slug = href.rsplit("/", 1)[1]
    expect(page.locator(f"a.region.hl[data-slug='{slug}']").first).to_be_visible()
    shot(page, "room-hit")
    page.close()


@pytest.mark.parametrize("path", ["/e/x/2026-11-30/../../../../etc/passwd",
                                  "/e/the-harbor-courier/2026-11-30/..%2F..%2Findex.sqlite",
                                  "/e/the-harbor-courier/2026-11-30/%2e%2e/%2e%2e/index.sqlite",
                                  "/e/the-harbor-courier/2026-11-30/pages/",
                                  "/e/the-harbor-courier/1999-01-01/index.html",
                                  "/index.sqlite"])
def test_reading_room_serves_only_the_archive(room, path: str) -> None:  # type: ignore[no-untyped-def]
    url, _, _ = room
    try:
        with urllib.request.urlopen(url + path) as resp:
            status, body = resp.status, resp.read()
    except urllib.error.HTTPError as exc:
        status, body = exc.code, b""
    assert status == 404, (path, status)
    assert b"root:" not in body and b"SQLite" not in body
