"""The words printed on each page, with their boxes in PDF points (top-left origin), read
back from the PDF by poppler's ``pdftotext -bbox-layout``: the same words and coordinates
any reader of the PDF gets."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from epaper.errors import RenderError, ToolMissingError

_NS = "{http://www.w3.org/1999/xhtml}"


@dataclass(frozen=True)
class Word:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    line: int  # poppler's line number on the page (words of one printed line share it)
    block: int  # poppler's block number on the page

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2


@dataclass(frozen=True)
class PageText:
    width: float
    height: float
    words: tuple[Word, ...]


def read_words(pdf: Path) -> list[PageText]:
    """Every page's words in poppler's reading order."""
    tool = shutil.which("pdftotext")
    if tool is None:
        raise ToolMissingError("pdftotext not found: install poppler-utils "
                               "(apt-get install poppler-utils)")
    with tempfile.TemporaryDirectory(prefix="epaper-text-") as tmp:
        out = Path(tmp) / "words.html"
        result = subprocess.run([tool, "-bbox-layout", "-enc", "UTF-8", str(pdf), str(out)],
                                capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise RenderError(f"pdftotext failed on {pdf}: {result.stderr.strip()}")
        root = ET.parse(out).getroot()
    pages = []
    for page in root.iter(f"{_NS}page"):
        words: list[Word] = []
        line_no = block_no = 0
        for block in page.iter(f"{_NS}block"):
            block_no += 1
            for line in block.iter(f"{_NS}line"):
                line_no += 1
                for w in line.iter(f"{_NS}word"):
                    words.append(Word(w.text or "", float(w.get("xMin", 0)),
                                      float(w.get("yMin", 0)), float(w.get("xMax", 0)),
                                      float(w.get("yMax", 0)), line_no, block_no))
        pages.append(PageText(float(page.get("width", 0)), float(page.get("height", 0)),
                              tuple(words)))
    return pages
