"""Press pages: one PDF/X file per page in newsprint CMYK, and the preflight.

The sample editions are built once with their press pages; every page is read back with
pypdf and pdfplumber, and rendered to its separations by Ghostscript (tiffsep) for the
ink checks, independently of the preflight's own reading.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pdfplumber
import pytest
from PIL import Image, ImageChops, ImageCms, ImageMath
from pypdf import PdfReader

from conftest import ROOT
from epaper.cli import main
from epaper.edition.build import BuildResult, build
from epaper.errors import InputErrors
from epaper.layout.grid import load_layout
from epaper.press.colour import press_css
from epaper.press.config import load_press
from epaper.press.pdfscan import scan
from epaper.press.preflight import preflight
from epaper.press.render import PressResult, press_pages
from epaper.press.run import press_build

SAMPLES = ROOT / "samples" / "editions"
INK_LIMIT = 240


@dataclass
class Pressed:
    build: BuildResult
    press: PressResult


@pytest.fixture(scope="session")
def pressed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Pressed]:
    out = {}
    for name in ("en", "ko"):
        result = build(SAMPLES / name, tmp_path_factory.mktemp(f"press-{name}"), jobs=2)
        press, _ = press_build(result, jobs=2)
        out[name] = Pressed(result, press)
    return out


def _words(path: Path, page: int = 0) -> list[tuple[str, float, float]]:
    with pdfplumber.open(path) as pdf:
        return [(w["text"], round(w["x0"], 1), round(w["top"], 1))
                for w in pdf.pages[page].extract_words()]


def _separations(pdf: Path, dpi: int, folder: Path) -> dict[str, Image.Image]:
    """Ghostscript's tiffsep: one greyscale TIFF per ink (255 = no ink), as ink amounts."""
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(["gs", "-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", "-sDEVICE=tiffsep",
                    f"-r{dpi}", f"-sOutputFile={folder / 'p.tif'}", str(pdf)], check=True)
    return {ink: ImageChops.invert(Image.open(folder / f"p({ink}).tif").convert("L"))
            for ink in ("Cyan", "Magenta", "Yellow", "Black")}


@pytest.mark.slow
@pytest.mark.parametrize("name", ["en", "ko"])
def test_every_press_page_passes_preflight(pressed: dict[str, Pressed], name: str) -> None:
    result = pressed[name]
    report = json.loads(result.build.report_path.read_text(encoding="utf-8"))
    labels = report["edition"]["labels"]
    assert [p.label for p in result.press.pages] == labels
    assert report["press"]["passed"] is True
    cached = list((result.build.pdf_path.parent / ".cache" / "press").glob("*.jpg"))
    images = {p for p in result.build.report["edition"]["sources"] if p.startswith("images/")}
    assert 0 < len(cached) <= len(images), "at most one cached conversion per image"
    slug, day = result.build.pdf_path.stem.rsplit("-", 3)[0], report["edition"]["date"]
    layout = load_layout("broadsheet")
    for page, check in zip(result.press.pages, result.press.reports, strict=True):
        failed = [c for c in check.checks if c.status == "fail"]
        assert not failed, f"{name} {page.label}: {failed}"
        assert page.path.name == f"{slug}-{day}-{page.label}.pdf"
        assert page.path.parent == result.build.pdf_path.parent / "press"
        doc = scan(page.path.read_bytes())
        assert len(doc.pages) == 1, page.label
        assert doc.pdfx == "PDF/X-4", page.label
        assert doc.output_intents[0]["identifier"].startswith("epaper newsprint 240%")
        trim = doc.pages[0].boxes["TrimBox"]
        assert trim[2] - trim[0] == pytest.approx(layout.grid.page_width, abs=0.01)
        assert trim[3] - trim[1] == pytest.approx(layout.grid.page_height, abs=0.01)
        assert doc.pages[0].boxes["MediaBox"] == trim  # no bleed asked for
        assert check.max_ink <= INK_LIMIT, page.label
        assert all(i.colour_space == "DeviceCMYK" for i in doc.pages[0].images), page.label


@pytest.mark.slow
@pytest.mark.parametrize("name", ["en", "ko"])
def test_press_pages_hold_the_edition_words_in_place(pressed: dict[str, Pressed],
                                                     name: str) -> None:
    result = pressed[name]
    for n, page in enumerate(result.press.pages):
        edition = _words(result.build.pdf_path, n)
        press = _words(page.path)
        assert edition, f"{name} {page.label}: no words on the edition page"
        assert len(press) == len(edition), \
            f"{name} {page.label}: {len(press)} words on the press page, {len(edition)} " \
            "on the edition page"
        for n_word, (a, b) in enumerate(zip(press, edition, strict=True)):
            assert a == b, f"{name} {page.label}: word {n_word} is {a} on the press page, " \
                f"{b} on the edition page"


@pytest.mark.slow
def test_ghostscript_separations_stay_under_the_ink_limit(pressed: dict[str, Pressed],
                                                          tmp_path: Path) -> None:
    for name, result in pressed.items():
        for page in result.press.pages:
            inks = _separations(page.path, 60, tmp_path / f"{name}-{page.label}")
            total = ImageMath.lambda_eval(lambda a: a["c"] + a["m"] + a["y"] + a["k"],
                                          c=inks["Cyan"], m=inks["Magenta"],
                                          y=inks["Yellow"], k=inks["Black"])
            highest = total.getextrema()[1] * 100 / 255
            assert highest <= INK_LIMIT + 0.5, f"{name} {page.label}: {highest:.0f} % ink"
            assert highest >= 100, f"{name} {page.label}: no solid ink at all?"


@pytest.mark.slow
def test_text_is_on_the_black_plate_only(pressed: dict[str, Pressed], tmp_path: Path) -> None:
    page = pressed["en"].press.pages[0]
    dpi = 150
    inks = _separations(page.path, dpi, tmp_path / "sep")
    with pdfplumber.open(page.path) as pdf:
        chars = [c for c in pdf.pages[0].chars if c["text"].strip()
                 and tuple(c["non_stroking_color"] or ()) == (0, 0, 0, 1)]
    assert len(chars) > 2000, "expected the page's body text in 100 % K"
    scale = dpi / 72
    black = 0
    for c in chars:
        box = (round(c["x0"] * scale), round(c["top"] * scale),
               round(c["x1"] * scale), round(c["bottom"] * scale))
        for ink in ("Cyan", "Magenta", "Yellow"):
            assert inks[ink].crop(box).getextrema()[1] == 0, \
                f"{page.label}: '{c['text']}' at {c['x0']:.0f},{c['top']:.0f} has {ink} ink"
        black += inks["Black"].crop(box).getextrema()[1] > 200
    assert black > 0.9 * len(chars), "text should be inked on the black plate"


@pytest.mark.slow
def test_rgb_sources_are_converted_not_passed_through(pressed: dict[str, Pressed]) -> None:
    edition = pressed["en"].build.pdf_path
    assert Image.open(SAMPLES / "en" / "images" / "scene-1.jpg").mode == "RGB"
    before = scan(edition.read_bytes())
    assert any(i.colour_space == "DeviceRGB" for p in before.pages for i in p.images)
    # the edition itself is RGB: the preflight says so, and fails it
    check = preflight(edition)
    assert not check.passed
    colour = [c for c in check.checks if c.name == "colour" and c.status == "fail"]
    assert colour and "DeviceRGB" in colour[0].detail
    after = [i for p in pressed["en"].press.pages
             for i in scan(p.path.read_bytes()).pages[0].images]
    assert after and all(i.colour_space == "DeviceCMYK" for i in after)


@pytest.mark.slow
def test_press_pages_are_byte_identical_when_made_again(pressed: dict[str, Pressed],
                                                        tmp_path: Path) -> None:
    """Made again without the image cache: fresh conversions, the same bytes."""
    result = pressed["ko"].build
    assert result.rendering is not None
    again = press_pages(result.rendering, load_press(result.rendering.maker.layout), tmp_path,
                        jobs=1)
    for first, second in zip(pressed["ko"].press.pages, again.pages, strict=True):
        assert first.path.read_bytes() == second.path.read_bytes(), first.label


# -- small editions: negative cases, variants ---------------------------------------------------

def _edition(tmp_path: Path, layout: Path | str = "broadsheet", image: Image.Image | None = None,
             columns: int = 4) -> Path:
    ed = tmp_path / "edition"
    (ed / "articles").mkdir(parents=True)
    (ed / "edition.toml").write_text(
        f'title = "Press Test"\ndate = 2026-12-01\nlocale = "en_US"\nlayout = "{layout}"\n',
        encoding="utf-8")
    body = "\n\n".join(f"Paragraph {n} of the story tells the harbour news at length, "
                       "with enough words to fill a few lines of a column." for n in range(40))
    photo = ""
    if image is not None:
        (ed / "images").mkdir()
        image.save(ed / "images" / "small.jpg", dpi=(72, 72))
        photo = f'images:\n  - {{src: ../images/small.jpg, caption: "A small photo", ' \
                f'columns: {columns}}}\n'
    for n in range(3):
        (ed / "articles" / f"story-{n}.md").write_text(
            f"---\nheadline: Story number {n} for the press\nsection: news\npriority: "
            f"{n + 1}\n{photo if n == 0 else ''}---\n{body}\n", encoding="utf-8")
    return ed


def _layout(tmp_path: Path, press: str) -> Path:
    folder = tmp_path / "layout"
    shutil.copytree(ROOT / "layouts" / "broadsheet", folder)
    toml = folder / "layout.toml"
    text = toml.read_text(encoding="utf-8")
    head, _, rest = text.partition("[press]")
    colours = rest[rest.index("[press.colours]"):]
    toml.write_text(head + "[press]\n" + press + "\n" + colours, encoding="utf-8")
    return folder


@pytest.mark.slow
def test_a_72_ppi_photo_across_four_columns_fails_preflight(tmp_path: Path, capsys) -> None:
    image = Image.new("RGB", (300, 200), (120, 160, 200))
    ed = _edition(tmp_path, image=image, columns=4)
    with pytest.raises(SystemExit) as exit_info:
        main(["build", str(ed), "--out-dir", str(tmp_path / "out"), "--press", "-j", "1"])
    assert exit_info.value.code == 7
    err = capsys.readouterr().err
    assert "fail: image resolution" in err and "300×200 px" in err
    report = json.loads(next((tmp_path / "out").glob("*.report.json")).read_text())
    assert report["press"]["passed"] is False
    lowest = min(p["preflight"]["min_ppi"] or 999 for p in report["press"]["pages"])
    assert lowest < 150


@pytest.mark.slow
def test_pdfx1a_with_bleed_and_crop_marks(tmp_path: Path, capsys) -> None:
    layout = _layout(tmp_path, 'variant = "pdf/x-1a"\nbleed = "3mm"\nmarks = "crop"\n'
                               'name = "{date}_{page}_{label}.pdf"')
    ed = _edition(tmp_path, layout=layout)
    with pytest.raises(SystemExit) as exit_info:
        main(["build", str(ed), "--out-dir", str(tmp_path / "out"), "--press", "-j", "1"])
    assert exit_info.value.code in (0, None), capsys.readouterr().err
    files = sorted((tmp_path / "out" / "press").glob("*.pdf"))
    assert files and files[0].name == "2026-12-01_01_A1.pdf"
    grid = load_layout(layout).grid
    bleed = 3 / 25.4 * 72
    for f in files:
        doc = scan(f.read_bytes())
        assert doc.pdfx == "PDF/X-1a:2003"
        boxes = doc.pages[0].boxes
        trim, media = boxes["TrimBox"], boxes["MediaBox"]
        assert trim[2] - trim[0] == pytest.approx(grid.page_width, abs=0.01)
        assert media[2] - media[0] == pytest.approx(grid.page_width + 2 * bleed, abs=0.01)
        assert preflight(f).passed, f.name
    # crop marks in the bleed, at the corners of the trim, on the black plate only
    inks = _separations(files[0], 144, tmp_path / "sep")
    corner = (0, 0, round(bleed * 2) + 2, round(bleed * 2) + 2)
    assert inks["Black"].crop(corner).getextrema()[1] > 200
    assert all(inks[i].crop(corner).getextrema()[1] == 0 for i in ("Cyan", "Magenta", "Yellow"))


@pytest.mark.slow
def test_press_command_presses_a_built_edition(tmp_path: Path, capsys) -> None:
    ed = _edition(tmp_path)
    main_out = tmp_path / "out"
    with pytest.raises(SystemExit):
        main(["build", str(ed), "--out-dir", str(main_out), "-j", "1"])
    pdf = next(main_out.glob("*.pdf"))
    with pytest.raises(SystemExit) as exit_info:
        main(["press", str(pdf), "-j", "1"])
    assert exit_info.value.code in (0, None), capsys.readouterr().err
    pages = sorted((main_out / "press").glob("*.pdf"))
    assert [p.name for p in pages] == [f"press-test-2026-12-01-{p.label}.pdf"
                                       for p in _labels(pdf)]
    capsys.readouterr()
    # the preflight command agrees, as a table and as JSON
    with pytest.raises(SystemExit) as exit_info:
        main(["preflight", "--json", *map(str, pages)])
    assert exit_info.value.code in (0, None)
    rows = json.loads(capsys.readouterr().out)
    assert all(r["passed"] for r in rows) and len(rows) == len(pages)
    with pytest.raises(SystemExit) as exit_info:
        main(["preflight", str(pdf)])  # the RGB edition itself
    assert exit_info.value.code == 7
    assert "fail  colour" in capsys.readouterr().out


def _labels(pdf: Path):  # type: ignore[no-untyped-def]
    @dataclass
    class Label:
        label: str

    return [Label(x) for x in PdfReader(pdf).page_labels]


def test_a_wrong_profile_is_a_clear_error(tmp_path: Path, capsys) -> None:
    layout = _layout(tmp_path, 'profile = "plant/newsprint.icc"')
    with pytest.raises(InputErrors) as info:
        load_press(load_layout(layout))
    problem = info.value.problems[0]
    assert problem.field == "press.profile" and "not found" in problem.message
    assert "epaper-newsprint-240.icc" in (problem.fix or "")
    # an RGB profile where a CMYK output profile belongs
    (layout / "rgb.icc").write_bytes(ImageCms.ImageCmsProfile(
        ImageCms.createProfile("sRGB")).tobytes())
    _layout_press(layout, 'profile = "rgb.icc"')
    with pytest.raises(InputErrors) as info:
        load_press(load_layout(layout))
    assert "not CMYK" in info.value.problems[0].message
    # through the command line: exit 2, the field named, nothing written
    ed = _edition(tmp_path, layout=layout)
    with pytest.raises(SystemExit) as exit_info:
        main(["build", str(ed), "--out-dir", str(tmp_path / "out"), "--press"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "press.profile: " in err and "Traceback" not in err
    assert not list((tmp_path / "out").glob("*.pdf")) if (tmp_path / "out").exists() else True


def _layout_press(folder: Path, press: str) -> None:
    toml = folder / "layout.toml"
    text = toml.read_text(encoding="utf-8")
    head, _, rest = text.partition("[press]\n")
    toml.write_text(head + "[press]\n" + press + "\n" + rest[rest.index("[press.colours]"):],
                    encoding="utf-8")


def test_bad_press_settings_are_listed_together(tmp_path: Path) -> None:
    layout = _layout(tmp_path, 'variant = "pdf/x-9"\nink-limit = 900\nmarks = "stars"\n'
                               'name = "{slug}.pdf"\nbleeed = "3mm"')
    with pytest.raises(InputErrors) as info:
        load_press(load_layout(layout))
    fields = {p.field: p for p in info.value.problems}
    assert set(fields) == {"press.variant", "press.ink-limit", "press.marks", "press.name",
                           "press.bleeed"}
    assert "pdf/x-4" in (fields["press.variant"].fix or "")
    assert "{label}" in fields["press.name"].message
    assert "bleed" in (fields["press.bleeed"].fix or "")


def test_a_css_colour_without_cmyk_is_named_with_a_suggestion(tmp_path: Path,
                                                              capsys) -> None:
    layout = _layout(tmp_path, "")
    toml = layout / "layout.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('"#a3161d" =', '# "#a3161d" ='),
                    encoding="utf-8")
    ed = _edition(tmp_path, layout=layout)
    with pytest.raises(SystemExit) as exit_info:
        main(["build", str(ed), "--out-dir", str(tmp_path / "out"), "--press"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "press.colours: " in err and "#a3161d" in err
    assert 'the output profile makes it "0 97 94 34"' in err
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").glob("*.pdf"))


def test_a_layout_names_its_own_profile(tmp_path: Path) -> None:
    layout = _layout(tmp_path, 'profile = "plant.icc"')
    shutil.copy(ROOT / "epaper" / "press" / "profiles" / "epaper-newsprint-240.icc",
                layout / "plant.icc")
    press = load_press(load_layout(layout))
    assert press.profile_path == (layout / "plant.icc").resolve()
    marks = _layout(tmp_path / "m", 'marks = "crop"')
    with pytest.raises(InputErrors) as info:
        load_press(load_layout(marks))
    assert "bleed" in info.value.problems[0].message
    assert info.value.problems[0].field == "press.marks"


def test_tabloid_takes_the_broadsheet_press_colours() -> None:
    press = load_press(load_layout("tabloid"))
    assert press.settings.colours["#161616"] == "0 0 0 100"
    assert press.profile_path.name == "epaper-newsprint-240.icc"


def test_css_colours_become_device_cmyk() -> None:
    css = ("html { color: #161616; } .k { color: #A3161D; border-top: 1pt solid #222 } "
           "@media print { .x { background: #fff } } #id-abc { margin: 0 }")
    out, missing = press_css(css, {"#161616": "0 0 0 100", "#a3161d": "0 97 94 34",
                                   "#222222": "0 0 0 90"})
    assert "device-cmyk(0 0 0 1)" in out and "device-cmyk(0 0.97 0.94 0.34)" in out
    assert "device-cmyk(0 0 0 0.9)" in out and "#id-abc" in out  # selectors untouched
    assert missing == ["#ffffff"]
