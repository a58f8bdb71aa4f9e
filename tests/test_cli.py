"""The command line, driven in-process like a user would type it."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from conftest import DATA, SAMPLES
from epaper.cli import app

runner = CliRunner()


def test_preview_json_report(tmp_path: Path) -> None:
    out = tmp_path / "story.pdf"
    result = runner.invoke(app, ["preview", str(SAMPLES / "opinion-night-desk.md"), "-c", "3",
                                 "--depth", "150mm", "-o", str(out), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    for key in ("columns", "depth_pt", "lines", "lines_available", "overset_lines",
                "underset_lines", "words", "fits"):
        assert key in report
    assert report["columns"] == 3
    assert abs(report["depth_pt"] - 150 * 72 / 25.4) < 0.01
    assert report["fits"] is False and report["overset_lines"] > 0
    assert report["overset_lines"] == report["lines"] - report["lines_set"]
    assert out.read_bytes().startswith(b"%PDF-")


def test_preview_text_summary_and_png(tmp_path: Path) -> None:
    out, png = tmp_path / "s.pdf", tmp_path / "s.png"
    result = runner.invoke(app, ["preview", str(SAMPLES / "harbor-piers.md"), "-o", str(out),
                                 "--png", str(png)])
    assert result.exit_code == 0, result.output
    assert "lines in" in result.stdout and "short" in result.stdout or "fits" in result.stdout
    assert png.read_bytes().startswith(b"\x89PNG")


def test_check_lists_every_problem_and_fails() -> None:
    result = runner.invoke(app, ["check", str(DATA / "bad" / "unknown-field.md"),
                                 str(DATA / "bad" / "image-http.md"),
                                 str(SAMPLES / "harbor-piers.md")])
    assert result.exit_code == 2
    err = result.stderr
    assert "unknown-field.md:2" in err and "did you mean 'headline'" in err
    assert "image-http.md:5" in err and "is a URL" in err
    assert "Traceback" not in result.output + err


def test_check_ok() -> None:
    result = runner.invoke(app, ["check", *map(str, sorted(SAMPLES.glob("*.md")))])
    assert result.exit_code == 0, result.output
    assert "3 articles OK" in result.stdout


def test_bad_depth_and_columns_are_clear_errors(tmp_path: Path) -> None:
    article = str(SAMPLES / "harbor-piers.md")
    bad_depth = runner.invoke(app, ["preview", article, "--depth", "deep", "-o",
                                    str(tmp_path / "x.pdf")])
    assert bad_depth.exit_code == 2 and "--depth 'deep' is not a depth" in bad_depth.stderr
    bad_cols = runner.invoke(app, ["preview", article, "-c", "9", "-o", str(tmp_path / "x.pdf")])
    assert bad_cols.exit_code == 2 and "use 1 to 6" in bad_cols.stderr
    assert not (tmp_path / "x.pdf").exists()


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["preview", str(tmp_path / "nope.md"), "-o",
                                 str(tmp_path / "x.pdf")])
    assert result.exit_code == 2 and "file not found" in result.stderr
    assert not (tmp_path / "x.pdf").exists()


def test_version_lists_dependencies() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert "WeasyPrint 70" in result.stdout and "NanumMyeongjo.ttf" in result.stdout
