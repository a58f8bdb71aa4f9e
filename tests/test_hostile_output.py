"""Outputs that used to destroy files, leave a mismatched pair, or end in a traceback."""

from __future__ import annotations

import errno
import json
import multiprocessing
import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import ROOT
from epaper import files
from epaper.cli import app
from epaper.edition import build as build_module
from epaper.edition.build import build
from epaper.errors import OutputError, WriteError

runner = CliRunner()
STORY = ROOT / "samples" / "articles" / "opinion-night-desk.md"


def one_story_edition(folder: Path, title: str = "The Test Times") -> Path:
    (folder / "articles").mkdir(parents=True)
    shutil.copy(STORY, folder / "articles" / "night.md")
    (folder / "edition.toml").write_text(f'title = "{title}"\ndate = 2019-06-17\n',
                                         encoding="utf-8")
    return folder


# -- nothing is written over an input, a link or a device -------------------------------------

@pytest.mark.parametrize("option", ["-o", "--png"])
def test_preview_never_writes_over_its_article(tmp_path: Path, option: str) -> None:
    article = tmp_path / "story.md"
    shutil.copy(STORY, article)
    before = article.read_bytes()
    args = ["preview", str(article), option, str(article)]
    if option == "--png":
        args += ["-o", str(tmp_path / "proof.pdf")]
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert "story.md" in result.output and "input" in result.output
    assert article.read_bytes() == before


@pytest.mark.parametrize("kind", ["symlink", "device", "folder"])
def test_preview_refuses_links_devices_and_folders_by_name(tmp_path: Path, kind: str) -> None:
    target = tmp_path / "victim.txt"
    target.write_text("keep me", encoding="utf-8")
    out = tmp_path / "out.pdf"
    if kind == "symlink":
        out.symlink_to(target)
    elif kind == "device":
        out = Path("/dev/null")
    else:
        out.mkdir()
    result = runner.invoke(app, ["preview", str(STORY), "-o", str(out)])
    assert result.exit_code == 2, result.output
    assert str(out) in result.output
    assert target.read_text(encoding="utf-8") == "keep me"
    assert kind != "symlink" or out.is_symlink()
    assert kind != "device" or out.is_char_device()


# -- the PDF and its report are replaced together ---------------------------------------------

def _write_and_die(folder: str, die_at: int) -> None:
    """In a child process: write a new pair, dying (no clean-up at all) at call ``die_at``
    of any file-system step."""
    calls = iter(range(1, 10_000))
    real = {name: getattr(os, name) for name in ("replace", "fsync", "unlink", "write")}

    def dying(name: str):
        def step(*args, **kwargs):
            if next(calls) == die_at:
                os._exit(9)
            return real[name](*args, **kwargs)
        return step

    for name in real:
        setattr(os, name, dying(name))
    base = Path(folder)
    files.write_pair([(base / "e.report.json", b"NEW report"), (base / "e.pdf", b"NEW pdf")])
    os._exit(0)


def test_the_pair_is_both_new_or_both_old_after_a_kill_at_every_step(tmp_path: Path) -> None:
    context = multiprocessing.get_context("fork")
    outcomes = set()
    for die_at in range(1, 60):
        folder = tmp_path / f"k{die_at}"
        folder.mkdir()
        (folder / "e.pdf").write_bytes(b"OLD pdf")
        (folder / "e.report.json").write_bytes(b"OLD report")
        child = context.Process(target=_write_and_die, args=(str(folder), die_at))
        child.start()
        child.join(30)
        files.recover(folder)  # what the next build does first
        pair = ((folder / "e.pdf").read_bytes()[:3], (folder / "e.report.json").read_bytes()[:3])
        assert pair in ((b"OLD", b"OLD"), (b"NEW", b"NEW")), f"killed at step {die_at}: {pair}"
        outcomes.add(pair)
        if child.exitcode == 0:  # the child got through every step: no more kill points
            break
    else:
        pytest.fail("the pair was never written")
    assert outcomes == {(b"OLD", b"OLD"), (b"NEW", b"NEW")}
    leftovers = [p.name for p in tmp_path.rglob(".*")]
    assert leftovers == [] or all(p.endswith(".part") for p in leftovers)


def test_a_report_that_cannot_be_written_leaves_the_old_pair(tmp_path: Path,
                                                             monkeypatch) -> None:
    edition = one_story_edition(tmp_path / "ed")
    out = tmp_path / "out"
    first = build(edition, out, jobs=1)
    old = (first.pdf_path.read_bytes(), first.report_path.read_bytes())
    (edition / "articles" / "night.md").write_text(
        STORY.read_text(encoding="utf-8") + "\nA new last paragraph.\n", encoding="utf-8")
    real = files._write_temp

    def full_disk(path: Path, data: bytes) -> str:
        if path.name.endswith(".pdf"):
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        return real(path, data)

    monkeypatch.setattr(files, "_write_temp", full_disk)
    with pytest.raises(WriteError) as err:
        build(edition, out, jobs=1)
    assert "No space left" in str(err.value) and err.value.exit_code == 5
    assert (first.pdf_path.read_bytes(), first.report_path.read_bytes()) == old
    assert not [p for p in out.iterdir() if p.name.endswith(".part")]


# -- environment problems: one line, exit 3, before the work ---------------------------------

def test_out_dir_that_is_a_file_is_one_line_exit_3(tmp_path: Path) -> None:
    edition = one_story_edition(tmp_path / "ed")
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    result = runner.invoke(app, ["build", str(edition), "--out-dir", str(tmp_path / "afile")])
    assert result.exit_code == 3, result.output
    assert "afile" in result.output and "not a folder" in result.output
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1


def test_a_read_only_out_dir_is_found_before_measuring(tmp_path: Path, monkeypatch) -> None:
    edition = one_story_edition(tmp_path / "ed")

    def read_only(*args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(files.tempfile, "mkstemp", read_only)
    monkeypatch.setattr(build_module, "measure_stories", lambda *a, **k: pytest.fail(
        "measured before checking the output folder"))
    with pytest.raises(OutputError) as err:
        build(edition, tmp_path / "out", jobs=1)
    assert "Read-only" in str(err.value) and "out" in str(err.value)


@pytest.mark.parametrize("title", ["T" * 300, "한" * 90])
def test_a_file_name_too_long_is_found_before_measuring(tmp_path: Path, monkeypatch,
                                                         title: str) -> None:
    edition = one_story_edition(tmp_path / "ed", title)
    monkeypatch.setattr(build_module, "measure_stories", lambda *a, **k: pytest.fail(
        "measured before checking the file name"))
    result = runner.invoke(app, ["build", str(edition), "--out-dir", str(tmp_path / "out")])
    assert result.exit_code == 3, result.output
    assert "file name" in result.output and "shorten the edition title" in result.output


def test_build_refuses_an_output_that_is_a_symlink(tmp_path: Path) -> None:
    edition = one_story_edition(tmp_path / "ed")
    out = tmp_path / "out"
    out.mkdir()
    victim = tmp_path / "victim"
    victim.write_text("keep", encoding="utf-8")
    (out / "the-test-times-2019-06-17.pdf").symlink_to(victim)
    result = runner.invoke(app, ["build", str(edition), "--out-dir", str(out)])
    assert result.exit_code == 2 and "symbolic link" in result.output, result.output
    assert victim.read_text(encoding="utf-8") == "keep"
    assert json.dumps  # the module is used by other tests of this file


@pytest.mark.parametrize("command", ["build", "reindex"])
def test_an_archive_that_is_a_file_is_one_line_exit_3(tmp_path: Path, command: str) -> None:
    edition = one_story_edition(tmp_path / "ed")
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    if command == "build":
        args = ["build", str(edition), "--out-dir", str(tmp_path / "out"), "--archive",
                str(tmp_path / "afile")]
    else:
        args = ["archive", "reindex", "-a", str(tmp_path / "afile")]
    result = runner.invoke(app, args)
    assert result.exit_code == 3 and "afile" in result.output, result.output
    assert "not a folder" in result.output and not (tmp_path / "out").exists()


def test_preview_into_a_read_only_folder_is_one_line_before_the_work(tmp_path: Path,
                                                                      monkeypatch) -> None:
    def read_only(*args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(files.tempfile, "mkstemp", read_only)
    from epaper import preview as preview_module

    monkeypatch.setattr(preview_module, "Setter", lambda *a, **k: pytest.fail(
        "set the story before checking the output folder"))
    result = runner.invoke(app, ["preview", str(STORY), "-o", str(tmp_path / "ro" / "x.pdf")])
    assert result.exit_code == 3 and "Read-only" in result.output, result.output
    assert len(result.output.strip().splitlines()) == 1
