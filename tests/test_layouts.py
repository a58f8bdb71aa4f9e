"""Layouts are validated like edition.toml: strict models, declared fonts, one-line errors."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import ROOT, SAMPLES
from epaper.cli import app
from epaper.errors import FontError, LayoutError
from epaper.layout.grid import load_layout
from epaper.layout.templates import load_templates
from epaper.typeset import Typesetter

runner = CliRunner()
BROADSHEET = ROOT / "layouts" / "broadsheet"
STORY = str(SAMPLES / "harbor-piers.md")


@pytest.fixture
def layout(tmp_path: Path) -> Path:
    """A copy of the broadsheet a designer may break."""
    folder = tmp_path / "mine"
    shutil.copytree(BROADSHEET, folder)
    return folder


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_unknown_layout_keys_are_errors_with_a_suggestion(layout: Path) -> None:
    edit(layout / "layout.toml", "widows = 2", "widdows = 9")
    edit(layout / "layout.toml", 'gutter = "4.5mm"', 'gutter = "4.5mm"\ncolums = 7')
    with pytest.raises(LayoutError) as caught:
        load_layout(layout)
    text = str(caught.value)
    assert "layout.toml:" in text and "story.widdows: unknown key 'widdows'" in text, text
    assert "did you mean 'widows'?" in text and "grid.colums" in text, text
    line = (layout / "layout.toml").read_text().splitlines().index(
        next(x for x in (layout / "layout.toml").read_text().splitlines() if "widdows" in x))
    assert f"layout.toml:{line + 1}:" in text, text


def test_layout_values_are_typed_strictly(layout: Path) -> None:
    edit(layout / "layout.toml", "columns = 6", "columns = 6.5")
    edit(layout / "layout.toml", "column-rules = true", 'column-rules = "false"')
    edit(layout / "layout.toml", 'margin-top = "16mm"', 'margin-top = "16 furlongs"')
    with pytest.raises(LayoutError) as caught:
        load_layout(layout)
    text = str(caught.value)
    for field in ("grid.columns", "grid.column-rules", "page.margin-top"):
        assert field in text, (field, text)


def test_page_templates_are_typed_strictly(layout: Path) -> None:
    front = layout / "pages" / "front.toml"
    edit(front, "col = 1\n", "col = 1.7\n")
    edit(front, 'kind = "briefs"', 'kind = "briefs"\njumps = "false"')
    edit(front, "masthead-rows = 2", "masthead-rows = 2\ncolour = 1")
    with pytest.raises(LayoutError) as caught:
        load_templates(load_layout(layout))
    text = str(caught.value)
    assert "front.toml:" in text, text
    for field in ("slot.0.col", "slot.4.jumps", "colour"):
        assert field in text, (field, text)


def test_a_font_named_in_the_css_must_be_declared(layout: Path) -> None:
    edit(layout / "story.css.j2", ".kicker { font-family: {{ stack.sans }};",
         '.kicker { font-family: "Comic Neue", {{ stack.sans }};')
    with pytest.raises(FontError) as caught:
        Typesetter(load_layout(layout))
    assert "'Comic Neue'" in str(caught.value) and "story.css.j2" in str(caught.value)
    result = runner.invoke(app, ["preview", STORY, "--layout", str(layout), "-o",
                                 str(layout / "x.pdf")])
    assert result.exit_code == 3 and "Comic Neue" in result.stderr, result.output


def test_a_missing_font_face_file_is_an_error(layout: Path) -> None:
    edit(layout / "story.css.j2", "{{ font_faces }}",
         '{{ font_faces }}\n@font-face { font-family: "House"; src: url("fonts/house.otf"); }')
    with pytest.raises(FontError) as caught:
        Typesetter(load_layout(layout))
    assert "house.otf" in str(caught.value), caught.value


@pytest.mark.parametrize(("template", "old", "new"), [
    ("story.css.j2", "{{ font_faces }}", "{{ font_faces }\n"),  # syntax
    ("story.html.j2", "{{ css }}", "{{ css }}{{ no_such_thing.attr }}"),  # undefined at render
])
def test_template_errors_are_one_line_exit_3(layout: Path, template: str, old: str,
                                             new: str) -> None:
    edit(layout / template, old, new)
    line = next(n for n, x in enumerate((layout / template).read_text().splitlines(), 1)
                if new.strip().split("\n")[0] in x)
    result = runner.invoke(app, ["preview", STORY, "--layout", str(layout), "-o",
                                 str(layout / "x.pdf")])
    assert result.exit_code == 3, result.output
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and f"{template}:{line}: " in lines[0], result.stderr


def test_layouts_are_found_by_name_only_in_the_layout_folders(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "broadsheet").mkdir()  # an unrelated folder in the current directory
    monkeypatch.chdir(tmp_path)
    assert load_layout("broadsheet").folder == BROADSHEET.resolve()
    with pytest.raises(LayoutError) as caught:
        load_layout("./broadsheet")  # a path means a folder
    assert "layout.toml" in str(caught.value)
    with pytest.raises(LayoutError) as unknown:
        load_layout("tabloyd")
    message = str(unknown.value)
    assert "available layouts: broadsheet, tabloid" in message, message


def test_a_layout_path_in_edition_toml_is_relative_to_the_edition(tmp_path: Path,
                                                                  monkeypatch) -> None:
    from test_edition import small_edition

    from epaper.edition.build import build

    folder = small_edition(tmp_path / "ed", 'title = "T"\ndate = 2019-06-17\n'
                           'layout = "./house"\n', count=1)
    shutil.copytree(ROOT / "layouts" / "tabloid", folder / "house")
    edit(folder / "house" / "layout.toml", 'base = "broadsheet"', 'base = "broadsheet"  # name')
    monkeypatch.chdir(tmp_path)  # not the edition folder: ./house is found from edition.toml
    result = build(folder, tmp_path / "out", jobs=1)
    assert result.report["edition"]["layout"] == "./house"
    assert result.report["pages"][0]["template"] in {"front", "front-wide"}


def test_the_validated_tables_are_kept_on_the_layout() -> None:
    layout = load_layout("tabloid")
    assert layout.config is not None and layout.config.grid.columns == layout.grid.columns == 5
    assert layout.config.templates.base == "broadsheet"
