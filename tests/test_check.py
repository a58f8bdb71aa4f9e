"""`epaper check`, the CMS hook: build's rules exactly, on files or an edition folder."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from test_edition import EN, KO, small_edition
from typer.testing import CliRunner

from conftest import DATA
from epaper.cli import app

runner = CliRunner()
PROBLEM_KEYS = {"file", "line", "column", "field", "message", "fix"}


def broken_editions(tmp: Path) -> dict[str, Path]:
    """Editions each wrong in another way that build refuses."""
    eds = {"ok": small_edition(tmp / "ok")}
    bad_articles = small_edition(tmp / "bad-articles")
    for name in ("unknown-field.md", "image-http.md", "missing-headline.md"):
        shutil.copy(DATA / "bad" / name, bad_articles / "articles" / name)
    eds["bad-articles"] = bad_articles
    eds["bad-toml"] = small_edition(tmp / "bad-toml", 'title = "T"\ndate = 2019-06-17\n'
                                    'colour = "red"\n')
    plan = small_edition(tmp / "bad-plan", 'title = "T"\ndate = 2019-06-17\n'
                         '[[pages]]\nsection = "national"\ntemplate = "nope"\n')
    eds["bad-plan"] = plan
    twin = small_edition(tmp / "twin")
    (twin / "articles" / "sub").mkdir()
    shutil.copy(twin / "articles" / "harbor-piers.md", twin / "articles" / "sub")
    eds["twin"] = twin
    return eds


@pytest.mark.slow
def test_check_and_build_agree_on_every_sample_and_test_edition(tmp_path: Path) -> None:
    editions = {"en": EN, "ko": KO, **broken_editions(tmp_path / "eds")}
    for name, folder in editions.items():
        checked = runner.invoke(app, ["check", str(folder), "--json"])
        built = runner.invoke(app, ["build", str(folder), "--out-dir", str(tmp_path / name),
                                    "--json", "--jobs", "1"])
        assert (checked.exit_code == 0) == (built.exit_code == 0), (
            f"edition {name}: check exit {checked.exit_code}, build exit {built.exit_code}\n"
            f"{checked.output}\n{built.output}")
        if built.exit_code == 2:
            got = json.loads(checked.stdout)["problems"]
            want = json.loads(built.stdout)["problems"]
            assert got == want, f"edition {name}: check and build list other problems"


def test_check_takes_an_edition_folder_and_its_articles(tmp_path: Path) -> None:
    result = runner.invoke(app, ["check", str(EN)])
    assert result.exit_code == 0, result.output
    # single articles of the sample edition use ../images/: build accepts them, so does check
    files = sorted((EN / "articles").glob("*.md"))
    result = runner.invoke(app, ["check", *map(str, files)])
    assert result.exit_code == 0, result.output
    assert f"{len(files)} articles OK" in result.stdout


def test_check_json_lists_problems_with_place_and_fix(tmp_path: Path) -> None:
    eds = broken_editions(tmp_path)
    result = runner.invoke(app, ["check", str(eds["bad-articles"]), "--json"])
    assert result.exit_code == 2
    report = json.loads(result.stdout)
    assert report["ok"] is False
    assert all(set(p) == PROBLEM_KEYS for p in report["problems"]), report["problems"]
    unknown = next(p for p in report["problems"] if "headlien" in p["message"])
    assert unknown["file"].endswith("unknown-field.md") and unknown["line"] == 2
    assert unknown["fix"] == "did you mean 'headline'?"
    ok = runner.invoke(app, ["check", str(eds["ok"]), "--json"])
    assert ok.exit_code == 0 and json.loads(ok.stdout)["ok"] is True


def test_a_failing_build_prints_its_problems_as_json(tmp_path: Path) -> None:
    eds = broken_editions(tmp_path)
    result = runner.invoke(app, ["build", str(eds["bad-toml"]), "--json", "--out-dir",
                                 str(tmp_path / "out")])
    assert result.exit_code == 2
    problem = json.loads(result.stdout)["problems"][0]
    assert problem["file"].endswith("edition.toml") and problem["field"] == "colour"
    assert problem["line"] == 3 and problem["message"] == "unknown key 'colour'"


def test_problems_print_as_the_readme_says(tmp_path: Path) -> None:
    result = runner.invoke(app, ["check", str(DATA / "bad" / "unknown-field.md")])
    line = next(x for x in result.stderr.splitlines() if "headlien" in x).strip()
    # file:line:col: field: what — fix
    assert line.endswith("unknown-field.md:2:1: headlien: unknown field 'headlien' — did you "
                         "mean 'headline'?"), line


def test_preview_reads_an_edition_article_as_build_does(tmp_path: Path) -> None:
    article = EN / "articles" / "harbor-piers.md"
    assert "../images/" in article.read_text(encoding="utf-8")
    result = runner.invoke(app, ["preview", str(article), "-o", str(tmp_path / "p.pdf")])
    assert result.exit_code == 0, result.output
