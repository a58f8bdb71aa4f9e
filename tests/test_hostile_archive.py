"""The archive never lies and never ends in a traceback: damaged indexes, deleted and
stale files, hostile reports, a full disk, an -o aimed at an archived file."""

from __future__ import annotations

import errno
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import ROOT
from epaper.archive import store
from epaper.cli import app

runner = CliRunner()
STORY = ROOT / "samples" / "articles" / "opinion-night-desk.md"


@pytest.fixture(scope="module")
def archived(tmp_path_factory: pytest.TempPathFactory):
    base = tmp_path_factory.mktemp("hostile-archive")
    (base / "ed" / "articles").mkdir(parents=True)
    shutil.copy(STORY, base / "ed" / "articles" / "night.md")
    (base / "ed" / "edition.toml").write_text('title = "The Test Times"\ndate = 2019-06-17\n',
                                              encoding="utf-8")
    result = runner.invoke(app, ["build", str(base / "ed"), "--out-dir", str(base / "out"),
                                 "--archive", str(base / "arch")])
    assert result.exit_code == 0, result.output
    return base


def copy_of(archived: Path, tmp_path: Path) -> Path:
    shutil.copytree(archived / "arch", tmp_path / "arch")
    return tmp_path / "arch"


def commands(root: Path, tmp_path: Path, built: Path) -> dict[str, list[str]]:
    a = ["-a", str(root)]
    return {"list": ["archive", "list", *a], "search": ["archive", "search", "desk", *a],
            "show": ["archive", "show", "night", "-o", str(tmp_path / "x.pdf"), *a],
            "verify": ["archive", "verify", *a],
            "add": ["archive", "add", str(next(built.glob("*.pdf"))), *a]}


def damage(index: Path, how: str) -> None:
    for extra in ("-wal", "-shm"):
        Path(f"{index}{extra}").unlink(missing_ok=True)
    data = index.read_bytes()
    index.write_bytes({"empty": b"", "half": data[: len(data) // 2],
                       "garbage": b"not a database at all " * 200}[how])


@pytest.mark.parametrize("how", ["empty", "half", "garbage"])
def test_a_damaged_index_is_reported_by_every_command_and_reindex_repairs_it(
        archived: Path, tmp_path: Path, how: str) -> None:
    root = copy_of(archived, tmp_path)
    damage(root / "index.sqlite", how)
    for name, args in commands(root, tmp_path, archived / "out").items():
        if name == "add":
            continue  # add rebuilds the edition: checked once below
        result = runner.invoke(app, args)
        assert "Traceback" not in result.output and result.exception is None or \
            isinstance(result.exception, SystemExit), (name, result.output)
        assert result.exit_code != 0, f"{name} on a {how} index said: {result.output}"
        assert "epaper archive reindex" in result.output, (name, result.output)
    fixed = runner.invoke(app, ["archive", "reindex", "-a", str(root)])
    assert fixed.exit_code == 0 and "1 edition" in fixed.output, fixed.output
    listed = runner.invoke(app, ["archive", "list", "-a", str(root)])
    assert "the-test-times" in listed.output
    assert runner.invoke(app, ["archive", "verify", "-a", str(root)]).exit_code == 0
    found = runner.invoke(app, ["archive", "search", "desk", "-a", str(root)])
    assert "night" in found.output


def test_add_on_a_damaged_index_is_one_line(archived: Path, tmp_path: Path) -> None:
    root = copy_of(archived, tmp_path)
    damage(root / "index.sqlite", "garbage")
    result = runner.invoke(app, commands(root, tmp_path, archived / "out")["add"])
    assert result.exit_code == 6 and "epaper archive reindex" in result.output, result.output


def test_verify_finds_unindexed_and_stale_files(archived: Path, tmp_path: Path) -> None:
    root = copy_of(archived, tmp_path)
    folder = next(root.glob("2019/06/17"))
    (folder / ".the-test-times-2019-06-17.pdf.abc123.part").write_bytes(b"half")
    shutil.copy(next(folder.glob("*.pdf")), folder / "stray.pdf")
    result = runner.invoke(app, ["archive", "verify", "-a", str(root)])
    assert result.exit_code == 6
    assert "stale: 2019/06/17/.the-test-times-2019-06-17.pdf.abc123.part" in result.output
    assert "not indexed: 2019/06/17/stray.pdf" in result.output


def test_a_deleted_archived_pdf_is_reported_by_show_and_restored_by_add(
        archived: Path, tmp_path: Path) -> None:
    root = copy_of(archived, tmp_path)
    pdf = next(root.glob("2019/06/17/*.pdf"))
    pdf.unlink()
    cmds = commands(root, tmp_path, archived / "out")
    shown = runner.invoke(app, cmds["show"])
    assert shown.exit_code == 6 and "cannot be read" in shown.output, shown.output
    assert runner.invoke(app, cmds["verify"]).exit_code == 6
    added = runner.invoke(app, cmds["add"])
    assert added.exit_code == 0 and "restored" in added.output, added.output
    assert pdf.is_file()
    assert runner.invoke(app, cmds["verify"]).exit_code == 0


def test_show_never_writes_over_an_archived_file(archived: Path, tmp_path: Path) -> None:
    root = copy_of(archived, tmp_path)
    pdf = next(root.glob("2019/06/17/*.pdf"))
    before = pdf.read_bytes()
    result = runner.invoke(app, ["archive", "show", "night", "-o", str(pdf), "-a", str(root)])
    assert result.exit_code == 2 and "inside the archive" in result.output, result.output
    assert pdf.read_bytes() == before


def test_a_report_of_100000_brackets_is_bad_input(archived: Path, tmp_path: Path) -> None:
    built = tmp_path / "built"
    shutil.copytree(archived / "out", built, ignore=shutil.ignore_patterns(".cache"))
    next(built.glob("*.report.json")).write_text("[" * 100_000, encoding="utf-8")
    result = runner.invoke(app, ["archive", "add", str(next(built.glob("*.pdf"))), "-a",
                                 str(tmp_path / "arch")])
    assert result.exit_code == 2 and "not an epaper build report" in result.output, \
        result.output


def test_a_full_disk_during_add_changes_nothing(archived: Path, tmp_path: Path,
                                                monkeypatch) -> None:
    real = store.write_atomic
    calls = []

    def full(path: Path, data: bytes) -> None:
        calls.append(path)
        if len(calls) == 2:
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        real(path, data)

    monkeypatch.setattr(store, "write_atomic", full)
    root = tmp_path / "arch"
    result = runner.invoke(app, ["archive", "add", str(next((archived / "out").glob("*.pdf"))),
                                 "-a", str(root)])
    assert result.exit_code == 5 and "No space left" in result.output, result.output
    assert not list(root.glob("2019/**/*.*"))
    monkeypatch.setattr(store, "write_atomic", real)
    assert runner.invoke(app, ["archive", "verify", "-a", str(root)]).exit_code == 0
