"""CLI conventions: python -m, -h, completion, -q/-v, -o -, --json everywhere, help texts,
progress, default output folder, file names per locale."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from test_edition import small_edition
from typer.testing import CliRunner

from conftest import ROOT, SAMPLES
from epaper.cli import app
from epaper.edition.build import build

runner = CliRunner()
COMMANDS = [["preview"], ["check"], ["build"], ["archive", "add"], ["archive", "search"],
            ["archive", "show"], ["archive", "list"], ["archive", "verify"], ["web"], ["press"],
            ["preflight"]]


def test_python_dash_m_epaper_runs() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-m", "epaper", "--help"], env=env,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0 and "build" in result.stdout, result.stderr


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_help_has_examples_and_exit_codes(command: list[str]) -> None:
    result = runner.invoke(app, [*command, "-h"], terminal_width=100)
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert "Examples" in text and "epaper " + " ".join(command) in text, text
    assert "Exit codes" in text and "0 " in text, text
    assert "--json" in text, f"{' '.join(command)} has no --json"


def test_top_help_has_short_help_completion_and_verbosity() -> None:
    result = runner.invoke(app, ["-h"], terminal_width=100)
    assert result.exit_code == 0
    for option in ("--install-completion", "--quiet", "--verbose", "-q", "-v"):
        assert option in result.stdout, option
    assert "Exit codes" in result.stdout and "6 " in result.stdout


def test_archive_search_options_have_help() -> None:
    text = runner.invoke(app, ["archive", "search", "-h"], terminal_width=120).stdout
    for option in ("--section", "--byline", "--json"):
        line = next(x for x in text.splitlines() if option in x)
        assert len(line.split(option, 1)[1].strip(" │")) > 10, line


def test_preview_to_stdout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["preview", str(SAMPLES / "harbor-piers.md"), "-o", "-"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout_bytes.startswith(b"%PDF-")
    assert not (tmp_path / "-").exists()


def test_quiet_and_verbose(tmp_path: Path) -> None:
    folder = small_edition(tmp_path / "ed")
    (folder / "stray.md").write_text("stray", encoding="utf-8")
    out = str(tmp_path / "out")
    normal = runner.invoke(app, ["build", str(folder), "--out-dir", out, "-j", "1"])
    assert "warning:" in normal.stderr
    quiet = runner.invoke(app, ["-q", "build", str(folder), "--out-dir", out, "-j", "1"])
    assert quiet.exit_code == 0 and quiet.stderr == "", quiet.stderr
    verbose = runner.invoke(app, ["-v", "build", str(folder), "--out-dir", out, "-j", "1"])
    assert verbose.exit_code == 0 and "measure" in verbose.stderr and " s" in verbose.stderr


def test_default_out_dir_is_out_in_the_cwd_and_names_carry_a_foreign_locale(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = small_edition(tmp_path / "ed")
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    en = runner.invoke(app, ["build", str(folder), "-j", "1", "--json"])
    ko = runner.invoke(app, ["build", str(folder), "-j", "1", "--json", "--locale", "ko_KR"])
    assert en.exit_code == 0 and ko.exit_code == 0, en.output + ko.output
    names = sorted(p.name for p in (work / "out").glob("*.pdf"))
    assert names == ["the-korea-times-2019-06-17.ko_KR.pdf", "the-korea-times-2019-06-17.pdf"]
    assert not (folder / "out").exists()


def test_progress_moves_per_story_and_per_page(tmp_path: Path) -> None:
    folder = tmp_path / "ed"
    import shutil

    shutil.copytree(ROOT / "samples" / "editions" / "en", folder)
    seen: list[tuple[int, int, int]] = []
    build(folder, tmp_path / "out", jobs=1, use_cache=False,
          progress=lambda step, label, done=0, total=0: seen.append((step, done, total)))
    measured = sorted({d for s, d, t in seen if s == 2 and t})
    rendered = sorted({d for s, d, t in seen if s == 4 and t})
    stories = max(t for s, d, t in seen if s == 2)
    assert stories > 24 and len(measured) > 2 and measured[-1] == stories, measured
    assert len(rendered) > 1 and rendered[-1] == max(t for s, d, t in seen if s == 4), rendered


def test_json_on_every_archive_command(tmp_path: Path) -> None:
    folder = small_edition(tmp_path / "ed")
    archive = str(tmp_path / "archive")
    built = runner.invoke(app, ["build", str(folder), "--out-dir", str(tmp_path / "out"),
                                "-j", "1", "--json"])
    assert built.exit_code == 0, built.output
    pdf = json.loads(built.stdout)["pdf"]
    added = runner.invoke(app, ["archive", "add", pdf, "-a", archive, "--json"])
    assert added.exit_code == 0, added.output
    assert json.loads(added.stdout)["new"] is True
    listed = json.loads(runner.invoke(app, ["archive", "list", "-a", archive, "--json"]).stdout)
    assert listed[0]["date"] == "2019-06-17"
    verified = runner.invoke(app, ["archive", "verify", "-a", archive, "--json"])
    assert verified.exit_code == 0 and json.loads(verified.stdout) == {"ok": True,
                                                                       "problems": []}
    shown = runner.invoke(app, ["archive", "show", "harbor-piers", "-a", archive, "-o",
                                str(tmp_path / "s.pdf"), "--json"])
    assert shown.exit_code == 0 and json.loads(shown.stdout)["pdf"].endswith("s.pdf")
    to_stdout = runner.invoke(app, ["archive", "show", "harbor-piers", "-a", archive, "-o", "-"])
    assert to_stdout.exit_code == 0 and to_stdout.stdout_bytes.startswith(b"%PDF-")


def test_build_refuses_stdout_as_its_folder(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    folder = small_edition(tmp_path / "ed", count=1)
    result = runner.invoke(app, ["build", str(folder), "-o", "-"])
    assert result.exit_code == 2 and "--out-dir: a build writes two files" in result.stderr
    assert not (tmp_path / "-").exists()
