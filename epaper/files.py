"""Writing output files so that a crash never leaves half a file at the final path."""

from __future__ import annotations

import errno
import json
import os
import stat
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

from epaper.errors import OutputError, Problem


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path``, fsync it, then rename over."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    umask = os.umask(0)
    os.umask(umask)
    try:
        os.fchmod(fd, 0o666 & ~umask)  # as an ordinary new file, not mkstemp's 0600
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class NotRegularFile(OSError):
    """The path is a device, a FIFO, a socket or a folder: epaper reads only regular files."""


class TooLarge(OSError):
    """The file is larger than the configured limit."""


def read_regular(path: Path, limit: int) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes. A FIFO, a device or a
    folder raises :class:`NotRegularFile` (opened without blocking, never read); a larger
    file raises :class:`TooLarge` without being read whole."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotRegularFile(errno.EINVAL, "not a regular file", str(path))
        if info.st_size > limit:
            raise TooLarge(errno.EFBIG, f"larger than {limit:,} bytes", str(path))
        with os.fdopen(os.dup(fd), "rb") as fh:
            data = fh.read(limit + 1)
    finally:
        os.close(fd)
    if len(data) > limit:
        raise TooLarge(errno.EFBIG, f"larger than {limit:,} bytes", str(path))
    return data


def refuse_output(path: Path, inputs: Iterable[Path] = (), archive: Path | None = None,
                  option: str = "-o") -> Problem | None:
    """Why ``path`` must not be written over, or None: it is a symbolic link, a device, a
    FIFO or a folder, one of the ``inputs``, or a file inside the ``archive``."""
    path = Path(path)
    fix = f"give {option} a new file name"
    if path.is_symlink():
        return Problem(path, "is a symbolic link; epaper never writes through or over one",
                       field=option, fix=fix)
    if path.exists() and not path.is_file():
        return Problem(path, "is not a regular file (a folder, a device or a pipe)",
                       field=option, fix=fix)
    for source in inputs:
        if (path.exists() and source.exists() and os.path.samefile(path, source)) or \
                path.resolve() == Path(source).resolve():
            return Problem(path, f"is an input ({source}); writing there would destroy it",
                           field=option, fix=fix)
    if archive is not None and path.resolve().is_relative_to(Path(archive).resolve()):
        return Problem(path, f"is inside the archive ({archive}); archived files are never "
                       "overwritten", field=option, fix=fix)
    return None


def check_folder(folder: Path, what: str) -> None:
    """Make sure ``folder`` is (or can be made) a writable folder: one clear
    :class:`OutputError` otherwise. Writability is tried, not guessed from mode bits."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise OutputError(f"{folder}: the {what} is a file, not a folder — give a folder "
                          "path") from None
    except OSError as exc:
        raise OutputError(f"{folder}: cannot create the {what}: {exc.strerror} — give a "
                          "folder you can write to") from None
    if not folder.is_dir():
        raise OutputError(f"{folder}: the {what} is not a folder — give a folder path")
    try:
        fd, probe = tempfile.mkstemp(dir=folder, prefix=".epaper-probe-")
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise OutputError(f"{folder}: the {what} cannot be written: {exc.strerror} — give "
                          "a folder you can write to") from None


def check_name(folder: Path, name: str, source: str) -> None:
    """An :class:`OutputError` when ``name`` is too long for the file system of
    ``folder``, before anything is made."""
    try:
        limit = os.pathconf(folder, "PC_NAME_MAX")
    except (OSError, ValueError):
        limit = 255
    size = len(name.encode("utf-8"))
    if size > limit:
        raise OutputError(f"{folder / name[:40]}…: the file name is {size} bytes, more than "
                          f"the {limit} the file system allows — shorten the {source}")


def write_pair(files: Sequence[tuple[Path, bytes]]) -> None:
    """Write several files that belong together (a PDF and its report) so that after any
    kill they are all new or all old.

    Each is written to a temporary file beside its final path first. Then a journal naming
    the renames is written (atomically), the renames are made in order (the last one,
    the PDF, last), and the journal is removed. A kill before the journal leaves the old
    files; a kill after it is completed by :func:`recover` (the next build does it), so
    the pair is never left half old and half new."""
    if not files:
        return
    done: list[tuple[str, str]] = []
    try:
        for path, data in files:
            done.append((_write_temp(path, data), str(path)))
    except BaseException:
        for tmp, _ in done:
            Path(tmp).unlink(missing_ok=True)
        raise
    first = Path(files[-1][0])
    journal = first.parent / f".{first.name}.pair"
    try:
        write_atomic(journal, json.dumps(done).encode("utf-8"))
    except BaseException:
        for tmp, _ in done:
            Path(tmp).unlink(missing_ok=True)
        raise
    _finish(journal, done)


def recover(folder: Path) -> None:
    """Complete the renames of every pair a kill interrupted in ``folder``."""
    for journal in sorted(Path(folder).glob(".*.pair")):
        try:
            done = [(str(a), str(b)) for a, b in json.loads(journal.read_text("utf-8"))]
        except (OSError, ValueError, TypeError):
            continue  # not ours
        _finish(journal, done)


def _finish(journal: Path, renames: Sequence[tuple[str, str]]) -> None:
    for tmp, final in renames:
        if os.path.exists(tmp):
            os.replace(tmp, final)
    _sync_folder(journal.parent)
    journal.unlink(missing_ok=True)


def _write_temp(path: Path, data: bytes) -> str:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(fd, 0o666 & ~umask)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return tmp


def _sync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
