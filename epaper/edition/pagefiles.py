"""One PDF per page (``--pages-dir``), rewritten only where the page changed.

Each page file is the page as it was rendered on its own (see ``epaper.parts``): a plain
PDF with its own font subsets and no links to pages it does not hold. An untouched page
keeps its file, byte for byte, so that only the changed pages go to the plate-setter.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from epaper import pdf as pdftools
from epaper.files import write_atomic
from epaper.parts import Part


@dataclass(frozen=True)
class PageFiles:
    """What ``write_page_files`` did: files written (new or changed), kept, and removed
    (pages the edition no longer has)."""

    folder: str
    written: tuple[str, ...]
    unchanged: tuple[str, ...]
    removed: tuple[str, ...]


def page_file_name(name: str, label: str) -> str:
    """The file of page ``label`` of the edition ``name`` (e.g. ``times-2026-11-30-A3.pdf``)."""
    return f"{name}-{label}.pdf"


def write_page_files(folder: Path, name: str, parts: Sequence[Part]) -> PageFiles:
    """Write every page of ``parts`` to ``folder`` as its own PDF, only where the bytes
    differ from the file already there; remove the files of pages that are gone."""
    folder.mkdir(parents=True, exist_ok=True)
    written, unchanged, wanted = [], [], set()
    for part in parts:
        for label, data in zip(part.labels, pdftools.single_pages(part.pdf, part.borrowed),
                               strict=True):
            path = folder / page_file_name(name, label)
            wanted.add(path.name)
            try:
                same = path.read_bytes() == data
            except OSError:
                same = False
            if same:
                unchanged.append(path.name)
            else:
                write_atomic(path, data)
                written.append(path.name)
    removed = sorted(p.name for p in folder.glob(f"{name}-*.pdf")
                     if p.name not in wanted and p.stem[len(name) + 1:].isalnum())
    for stale in removed:
        (folder / stale).unlink(missing_ok=True)
    return PageFiles(str(folder), tuple(written), tuple(unchanged), tuple(removed))
