"""Hostile input that used to run code from data, read outside the sandbox or hang:
YAML bombs, FIFOs and devices, a symlink swapped under the image fetcher, unsafe layout
templates, articles linked from outside the edition."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import ROOT
from epaper.cli import app
from epaper.edition.build import build
from epaper.errors import InputErrors, LayoutError
from epaper.ingest import read_article
from epaper.preview import preview
from epaper.render.weasy import Sandbox, SandboxFetcher

runner = CliRunner()
HEAD = "---\nheadline: A test headline\nsection: national\n"


def test_a_yaml_alias_bomb_is_refused_at_once(tmp_path: Path) -> None:
    aliases = ", ".join(["*big"] * 2000)
    path = tmp_path / "bomb.md"
    path.write_text(HEAD + f"tagline: &big {'x' * 100_000}\npullquotes: [{aliases}]\n---\n"
                    "Body.\n", encoding="utf-8")
    start = time.perf_counter()
    with pytest.raises(InputErrors) as err:
        read_article(path)
    assert time.perf_counter() - start < 5
    assert "aliases" in str(err.value) and ":5:" in str(err.value)


def test_yaml_nested_600_deep_is_an_error_not_a_recursion_error(tmp_path: Path) -> None:
    path = tmp_path / "deep.md"
    path.write_text(HEAD + "related: " + "[" * 600 + "]" * 600 + "\n---\nBody.\n",
                    encoding="utf-8")
    with pytest.raises(InputErrors) as err:
        read_article(path)
    assert "nested more than" in str(err.value)


def test_check_refuses_devices_and_fifos_without_reading_them(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.md"
    os.mkfifo(fifo)
    for target in ("/dev/zero", str(fifo)):
        done = subprocess.run([sys.executable, "-m", "epaper.cli", "check", target],
                              capture_output=True, text=True, timeout=60, cwd=ROOT)
        assert done.returncode == 2, done.stderr
        assert "not a regular file" in done.stderr and "Traceback" not in done.stderr


def test_an_article_over_the_size_limit_is_named(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "huge.md"
    path.write_text(HEAD + "---\n" + "word " * 300_000 + "\n", encoding="utf-8")
    with pytest.raises(InputErrors) as err:
        read_article(path)
    assert "huge.md" in str(err.value) and "larger than 1,000,000 bytes" in str(err.value)
    monkeypatch.setenv("EPAPER_MAX_ARTICLE_BYTES", "2000000")
    assert len(read_article(path).words()) == 300_000


@pytest.mark.parametrize("stem", ["<script>x", "new\nline", "two words"])
def test_file_names_that_give_no_valid_slug_say_how_to_name_the_file(tmp_path: Path,
                                                                     stem: str) -> None:
    path = tmp_path / f"{stem}.md"
    path.write_text(HEAD + "---\nBody.\n", encoding="utf-8")
    with pytest.raises(InputErrors) as err:
        read_article(path)
    assert "valid slug" in str(err.value) and "name the file" in str(err.value)
    path.write_text(HEAD + "slug: fine\n---\nBody.\n", encoding="utf-8")
    assert read_article(path).slug == "fine"


def test_a_symlink_swapped_under_the_fetcher_never_lets_an_outside_file_in(
        tmp_path: Path) -> None:
    root, outside = tmp_path / "root", tmp_path / "outside"
    root.mkdir()
    outside.mkdir()
    (outside / "secret.jpg").write_bytes(b"SECRET")
    target = root / "p.jpg"
    (root / "regular").write_bytes(b"INSIDE")
    stop = threading.Event()

    def swap() -> None:  # p.jpg flips between a regular file and a link to the secret
        n = 0
        while not stop.is_set():
            n += 1
            if n % 2:
                os.symlink(outside / "secret.jpg", root / ".link")
                os.replace(root / ".link", target)
            else:
                shutil.copyfile(root / "regular", root / ".file")
                os.replace(root / ".file", target)
            time.sleep(0)  # let the fetcher run in either state, however busy the machine

    fetcher = SandboxFetcher(Sandbox((root,)))
    thread = threading.Thread(target=swap)
    thread.start()
    seen = set()
    try:
        for n in range(30000):  # at least 3,000 tries, and until the inside file was read
            if n >= 3000 and b"INSIDE" in seen:
                break
            try:
                seen.add(fetcher.fetch(target.as_uri()).read())
            except BaseException:  # noqa: BLE001 - refused (a link), or gone for an instant
                seen.add(b"refused")
    finally:
        stop.set()
        thread.join()
    assert b"SECRET" not in seen
    assert b"INSIDE" in seen


def test_layout_templates_run_sandboxed(tmp_path: Path) -> None:
    layout = tmp_path / "evil"
    shutil.copytree(ROOT / "layouts" / "broadsheet", layout)
    marker = tmp_path / "ran"
    story = layout / "story.html.j2"
    story.write_text("{{ ''.__class__.__mro__[1].__subclasses__() }}"
                     f"{{{{ cycler.__init__.__globals__.os.system('touch {marker}') }}}}"
                     + story.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(LayoutError) as err:
        preview(ROOT / "samples" / "articles" / "harbor-piers.md", layout=str(layout))
    assert "unsafe" in str(err.value)
    assert not marker.exists()


def test_an_article_linked_from_outside_the_edition_is_refused(tmp_path: Path) -> None:
    edition = tmp_path / "ed"
    (edition / "articles").mkdir(parents=True)
    (edition / "edition.toml").write_text('title = "T"\ndate = 2019-06-17\n',
                                          encoding="utf-8")
    shutil.copy(ROOT / "samples" / "articles" / "opinion-night-desk.md",
                edition / "articles" / "ok.md")
    (tmp_path / "private.md").write_text(HEAD + "---\nPrivate words.\n", encoding="utf-8")
    (edition / "articles" / "evil.md").symlink_to(tmp_path / "private.md")
    with pytest.raises(InputErrors) as err:
        build(edition, tmp_path / "out", jobs=1)
    assert "evil.md" in str(err.value) and "outside the edition" in str(err.value)


def test_cli_check_on_a_fifo_does_not_hang_in_process(tmp_path: Path) -> None:
    fifo = tmp_path / "x.md"
    os.mkfifo(fifo)
    result = runner.invoke(app, ["check", str(fifo)])
    assert result.exit_code == 2 and "not a regular file" in result.output
