"""The one module that talks to WeasyPrint, including its private box tree.

Everything else hands it HTML and gets back plain data: measured lines and heights in
points, per-column line counts for verification, and PDF bytes. WeasyPrint's version is
pinned in ``pyproject.toml`` because the box tree is not a public API.
"""

from __future__ import annotations

import atexit
import hashlib
import logging
import os
import shutil
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import weasyprint
from weasyprint.formatting_structure import boxes
from weasyprint.layout.absolute import AbsolutePlaceholder
from weasyprint.pdf import metadata as pdf_metadata
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher

from epaper.errors import RenderError, SandboxError
from epaper.layout.galley import MeasuredLine

PX_TO_PT = 0.75
VERSION = weasyprint.__version__

# PDFs must not depend on the clock: WeasyPrint reads this for its dates.
os.environ.setdefault("SOURCE_DATE_EPOCH", "0")


class _Refused(FatalURLFetchingError):
    """Stops rendering at once when a refused URL is asked for."""


@dataclass
class Sandbox:
    """What the renderer may read: files under ``folders`` and the exact ``files``."""

    folders: tuple[Path, ...]
    files: frozenset[Path] = frozenset()
    refused: list[str] = field(default_factory=list)
    fetched: list[str] = field(default_factory=list)

    def allows(self, path: Path) -> bool:
        path = path.resolve()
        return path in self.files or any(path.is_relative_to(f.resolve()) for f in self.folders)


class SandboxFetcher(URLFetcher):
    """A URL fetcher that reads local files inside the sandbox and nothing else:
    no network, no ``file:`` outside the allowed folders."""

    def __init__(self, sandbox: Sandbox) -> None:
        super().__init__(allowed_protocols=("file",), allow_redirects=False)
        self.sandbox = sandbox

    def fetch(self, url: str, headers: Any = None) -> Any:
        parts = urlsplit(url)
        if parts.scheme == "file" and parts.netloc in ("", "localhost"):
            path = Path(unquote(parts.path))
            if self.sandbox.allows(path):
                self.sandbox.fetched.append(str(path))
                return super().fetch(url, headers)
        self.sandbox.refused.append(url)
        raise _Refused(f"refused to read {url}")


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@dataclass
class Rendered:
    """A laid-out document: pages ready to measure, verify or write."""

    document: Any
    warnings: list[str]

    @property
    def page_count(self) -> int:
        return len(self.document.pages)


# Parsed stylesheets with their font configuration, shared by every document of a process
# that uses the same CSS: the CSS is parsed and the fonts are loaded once, not per part.
_STYLES: dict[tuple[str, tuple[Path, ...], frozenset[Path]], tuple[Any, Any]] = {}
_STYLES_PID = os.getpid()


def _forget_styles() -> None:
    """Remove the shared fonts' temporary folders (WeasyPrint's ``weasyprint-*``) in the
    process that made them; forked workers exit without touching the parent's."""
    if os.getpid() != _STYLES_PID:
        return
    for _, font_config in _STYLES.values():
        folder = getattr(font_config, "_folder", None)
        if folder:
            shutil.rmtree(folder, ignore_errors=True)
    _STYLES.clear()


atexit.register(_forget_styles)


def stylesheet(css: str, sandbox: Sandbox) -> tuple[Any, Any]:
    """The parsed ``css`` and its font configuration, made once per process (call it before
    forking workers, so that they share it instead of loading the fonts again)."""
    key = (css, sandbox.folders, sandbox.files)
    if key not in _STYLES:
        font_config = FontConfiguration()
        try:
            sheet = weasyprint.CSS(string=css, font_config=font_config,
                                   url_fetcher=SandboxFetcher(sandbox))
        except _Refused as exc:
            raise SandboxError(f"{exc}: only the layout and the fonts may be read") from exc
        _STYLES[key] = (sheet, font_config)
    return _STYLES[key]


def render(html: str, sandbox: Sandbox, base: Path, css: str | None = None) -> Rendered:
    """Lay out ``html`` (with the shared stylesheet ``css``, if given); any read outside the
    sandbox raises :class:`SandboxError`."""
    fetcher = SandboxFetcher(sandbox)
    handler = _Collect()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    try:
        extra: dict[str, Any] = {}
        if css is not None:
            sheet, font_config = stylesheet(css, sandbox)
            extra = {"stylesheets": [sheet], "font_config": font_config}
        document = weasyprint.HTML(string=html, base_url=base.resolve().as_uri() + "/",
                                   url_fetcher=fetcher).render(**extra)
    except _Refused as exc:
        raise SandboxError(f"{exc}: only the article's folder, the layout and the fonts "
                           "may be read") from exc
    except Exception as exc:  # WeasyPrint failures become ours, with the cause kept
        raise RenderError(f"WeasyPrint failed: {exc}") from exc
    finally:
        logger.removeHandler(handler)
    if sandbox.refused:
        raise SandboxError("refused to read " + ", ".join(sandbox.refused))
    return Rendered(document, handler.messages)


def write_pdf(rendered: Rendered, target: Path | None = None) -> bytes:
    """The PDF bytes (deterministic for the same document), written to ``target`` if given."""
    data = rendered.document.write_pdf(pdf_identifier=False)
    if target is not None:
        target.write_bytes(data)
    return data


@dataclass(frozen=True)
class Attached:
    """A file to embed in an archival PDF as an associated file (PDF/A-3)."""

    name: str
    data: bytes
    description: str
    relationship: str = "Source"


def write_archival_pdf(rendered: Rendered, attachments: list[Attached],
                       stamp: datetime) -> bytes:
    """The same pages as PDF/A-3b, with ``attachments`` embedded. Deterministic: WeasyPrint's
    random XMP document ids are replaced by ids derived from the content."""
    files = [weasyprint.Attachment(string=a.data, name=a.name, description=a.description,
                                   created=stamp, modified=stamp, relationship=a.relationship)
             for a in attachments]
    seed = hashlib.sha256(b"".join(a.data for a in attachments)).digest()
    counter = iter(range(1_000_000))

    def stable_uuid() -> uuid.UUID:
        return uuid.UUID(bytes=hashlib.sha256(seed + str(next(counter)).encode()).digest()[:16])

    original = pdf_metadata.uuid4
    pdf_metadata.uuid4 = stable_uuid
    try:
        return rendered.document.write_pdf(pdf_variant="pdf/a-3b", attachments=files)
    finally:
        pdf_metadata.uuid4 = original


# -- the box tree ------------------------------------------------------------------------

def _walk(box: Any) -> Iterator[Any]:
    if isinstance(box, AbsolutePlaceholder):  # absolutely positioned boxes sit inside these
        box = box._box
    yield box
    for child in getattr(box, "children", None) or ():
        yield from _walk(child)


def _line_text(line: Any) -> str:
    return "".join(b.text for b in _walk(line) if isinstance(b, boxes.TextBox))


def _marked(rendered: Rendered, attribute: str) -> Iterable[tuple[str, Any]]:
    for page in rendered.document.pages:
        for box in _walk(page._page_box):
            element = getattr(box, "element", None)
            if element is not None and isinstance(box, boxes.BlockBox):
                value = element.get(attribute)
                if value is not None:
                    yield value, box


@dataclass(frozen=True)
class Measurements:
    """Per ``data-m`` key: the block's margin-box height and its text lines."""

    heights: dict[str, float]
    lines: dict[str, list[MeasuredLine]]


def measure(rendered: Rendered, pages: int = 1) -> Measurements:
    """Heights and line boxes of every element marked ``data-m`` (on ``pages`` pages: a
    galley that ran on to another page would be measured in pieces)."""
    if rendered.page_count != pages:
        raise RenderError(f"the measuring galleys ran over {rendered.page_count} pages, "
                          f"not {pages}")
    heights: dict[str, float] = {}
    lines: dict[str, list[MeasuredLine]] = {}
    for key, box in _marked(rendered, "data-m"):
        heights[key] = heights.get(key, 0.0) + box.margin_height() * PX_TO_PT
        lines.setdefault(key, []).extend(
            MeasuredLine(_line_text(lb), lb.height * PX_TO_PT)
            for lb in _walk(box) if isinstance(lb, boxes.LineBox))
    return Measurements(heights, lines)


@dataclass(frozen=True)
class ColumnCheck:
    """What WeasyPrint really set in a ``data-col`` element (for plan verification)."""

    text_lines: int  # line boxes inside its ``.line`` paragraphs
    rewrapped: int  # ``.line`` paragraphs that did not set as exactly one line
    content_bottom: float  # lowest line bottom, points from the page top
    box_bottom: float


def columns_set(rendered: Rendered) -> list[ColumnCheck]:
    """Every ``data-col`` element in document order, with the lines it holds."""
    out = []
    for _key, column in _marked(rendered, "data-col"):
        text_lines = rewrapped = 0
        for box in _walk(column):
            element = getattr(box, "element", None)
            if isinstance(box, boxes.BlockBox) and element is not None and \
                    "line" in (element.get("class") or "").split():
                count = sum(1 for b in _walk(box) if isinstance(b, boxes.LineBox))
                text_lines += count
                rewrapped += count != 1
        bottoms = [lb.position_y + lb.height for lb in _walk(column)
                   if isinstance(lb, boxes.LineBox)]
        out.append(ColumnCheck(text_lines, rewrapped,
                               max(bottoms, default=column.position_y) * PX_TO_PT,
                               (column.position_y + column.margin_height()) * PX_TO_PT))
    return out


def check_columns(rendered: Rendered, planned: list[int], where: str,
                  extra_columns: bool = False) -> None:
    """Raise :class:`RenderError` unless every ``data-col`` element holds exactly the
    planned number of text lines, each set as one line, none below the column's foot.
    ``extra_columns``: further columns may follow (the overset galley of a proof)."""
    checks = columns_set(rendered)
    if len(checks) < len(planned) or (len(checks) != len(planned) and not extra_columns):
        raise RenderError(f"{where}: {len(planned)} columns planned, {len(checks)} set")
    for n, (check, want) in enumerate(zip(checks, planned, strict=False)):
        if check.rewrapped or check.text_lines != want or \
                check.content_bottom > check.box_bottom + 0.5:
            raise RenderError(
                f"{where}: column {n + 1} did not set as planned ({check.text_lines} lines "
                f"for {want}, {check.rewrapped} re-wrapped, bottom "
                f"{check.content_bottom:.1f}pt in a {check.box_bottom:.1f}pt box)")
