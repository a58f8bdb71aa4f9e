"""No leaks: a build leaves its temporary folder as it found it, even when interrupted."""

from __future__ import annotations

import os
import pty
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT

EN = ROOT / "samples" / "editions" / "en"


def run_build(tmp_path: Path, *args: str, **kw) -> tuple[subprocess.Popen, Path]:
    temp = tmp_path / "tmp"
    temp.mkdir(exist_ok=True)
    env = {**os.environ, "TMPDIR": str(temp), "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "epaper", "build", str(EN), "--out-dir",
                             str(tmp_path / "out"), "--no-cache", *args], env=env, **kw)
    return proc, temp


@pytest.mark.slow
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_build_leaves_the_temporary_folder_empty(tmp_path: Path, jobs: str) -> None:
    proc, temp = run_build(tmp_path, "--jobs", jobs, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE)
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err.decode()
    assert sorted(p.name for p in temp.iterdir()) == [], f"--jobs {jobs} left these behind"


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_an_interrupted_build_cleans_up_and_restores_the_cursor(tmp_path: Path,
                                                                sig: signal.Signals) -> None:
    leader, follower = pty.openpty()  # a terminal: the progress bar hides the cursor
    proc, temp = run_build(tmp_path, "--jobs", "2", stdin=follower, stdout=follower,
                           stderr=follower, start_new_session=True)
    os.close(follower)
    seen = b""
    deadline = time.monotonic() + 60
    # wait until the workers are busy (the measuring step), then interrupt the whole group
    while b"Measuring" not in seen and time.monotonic() < deadline:
        if select.select([leader], [], [], 0.1)[0]:
            seen += os.read(leader, 65536)
    time.sleep(0.3)
    os.killpg(proc.pid, sig) if sig == signal.SIGINT else proc.send_signal(sig)
    while True:
        try:
            ready = select.select([leader], [], [], 0.2)[0]
            if ready:
                chunk = os.read(leader, 65536)
                if not chunk:
                    break
                seen += chunk
            elif proc.poll() is not None:
                break
        except OSError:
            break
    proc.wait(timeout=60)
    os.close(leader)
    assert proc.returncode == 128 + sig, proc.returncode
    assert b"Traceback" not in seen, seen.decode(errors="replace")[-2000:]
    hide, show = seen.rfind(b"\x1b[?25l"), seen.rfind(b"\x1b[?25h")
    assert hide >= 0 and show > hide, "the cursor was left hidden"
    time.sleep(0.5)  # workers may still be finishing their exit
    assert sorted(p.name for p in temp.iterdir()) == [], f"{sig.name} left these behind"
    assert not list((tmp_path / "out").glob("*.pdf"))
