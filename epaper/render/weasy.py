"""The one module that talks to WeasyPrint, including its private box tree.

Everything else hands it HTML and gets back plain data: measured lines and heights in
points, per-column line counts for verification, and PDF bytes. WeasyPrint's version is
pinned in ``pyproject.toml`` because the box tree is not a public API.
"""

from __future__ import annotations

import atexit
import copy
import hashlib
import logging
import mimetypes
import multiprocessing.util
import os
import shutil
import signal
import stat
import uuid
import weakref
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
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
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from epaper.compose.shaping import TextStyle
from epaper.errors import RenderError, SandboxError
from epaper.layout.galley import MeasuredLine

PX_TO_PT = 0.75
WIDTH_TOLERANCE = 0.3  # points a composed line may differ from its plan (shaping rounding)
VERSION = weasyprint.__version__

# PDFs must not depend on the clock: WeasyPrint reads this for its dates.
os.environ.setdefault("SOURCE_DATE_EPOCH", "0")

# WeasyPrint copies @font-face files into a "weasyprint-*" temporary folder per font
# configuration and removes it only when the object is garbage collected, which a forked
# worker (it ends with os._exit) or a signal never does. Every configuration is made here
# and remembered with the process that made it, so that each process removes its own.
_FONT_CONFIGS: weakref.WeakKeyDictionary[FontConfiguration, int] = weakref.WeakKeyDictionary()


def _font_config() -> FontConfiguration:
    config = FontConfiguration()
    _FONT_CONFIGS[config] = os.getpid()
    return config


# Parsed stylesheets with their font configuration, shared by every document of a process
# that uses the same CSS: the CSS is parsed and the fonts are loaded once, not per part.
_STYLES: dict[tuple[str, tuple[Path, ...], frozenset[Path]], tuple[Any, Any]] = {}


def cleanup() -> None:
    """Remove the font folders this process made (not those of a parent it was forked from),
    and forget the shared stylesheets whose fonts were in them."""
    pid = os.getpid()
    for key, (_, font_config) in list(_STYLES.items()):
        if _FONT_CONFIGS.get(font_config) == pid:
            del _STYLES[key]
    for config, owner in list(_FONT_CONFIGS.items()):
        folder = getattr(config, "_folder", None)  # WeasyPrint 70's temporary font folder
        if owner == pid and folder:
            shutil.rmtree(folder, ignore_errors=True)
            config._folder = None


def _terminated(signum: int, frame: object) -> None:
    cleanup()
    os._exit(128 + signum)


def worker_init() -> None:
    """Run first in each worker process: its font folders go when it ends, normally or by
    SIGTERM. Ctrl-C is left to the parent, which terminates its workers."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _terminated)
    multiprocessing.util.Finalize(None, cleanup, exitpriority=100)


atexit.register(cleanup)


class _Refused(FatalURLFetchingError):
    """Stops rendering at once when a refused URL is asked for."""


@dataclass
class Sandbox:
    """What the renderer may read: files under ``folders`` and the exact ``files``.
    ``convert``: gives other bytes for a file it may read (JPEG bytes for a press image),
    or None to read the file as it is."""

    folders: tuple[Path, ...]
    files: frozenset[Path] = frozenset()
    refused: list[str] = field(default_factory=list)
    fetched: list[str] = field(default_factory=list)
    convert: Callable[[Path, bytes], bytes | None] | None = None

    def allows(self, path: Path) -> bool:
        path = path.resolve()
        return path in self.files or any(path.is_relative_to(f.resolve()) for f in self.folders)


class SandboxFetcher(URLFetcher):
    """A URL fetcher that reads local files inside the sandbox and nothing else:
    no network, no ``file:`` outside the allowed folders.

    A file is opened once, by descriptor, without following a symbolic link
    (``O_NOFOLLOW``); the file actually opened (its path read back from the descriptor) must
    be a regular file inside the sandbox. Checking a path and then opening it would let a
    file swapped for a link between the two reads win."""

    def __init__(self, sandbox: Sandbox) -> None:
        super().__init__(allowed_protocols=("file",), allow_redirects=False)
        self.sandbox = sandbox

    def fetch(self, url: str, headers: Any = None) -> Any:
        parts = urlsplit(url)
        if parts.scheme == "file" and parts.netloc in ("", "localhost"):
            path = Path(unquote(parts.path))
            data = self._read(path)
            if data is not None:
                self.sandbox.fetched.append(str(path))
                converted = self.sandbox.convert(path, data) if self.sandbox.convert else None
                if converted is not None:  # a press image, separated to CMYK
                    return URLFetcherResponse(f"converted:{path.name}", converted,
                                              {"Content-Type": "image/jpeg"})
                mime = mimetypes.guess_type(parts.path)[0] or "application/octet-stream"
                return URLFetcherResponse(url, data, {"Content-Type": mime})
        self.sandbox.refused.append(url)
        raise _Refused(f"refused to read {url}")

    def _read(self, path: Path) -> bytes | None:
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
        except OSError:
            return None
        try:
            opened = Path(os.readlink(f"/proc/self/fd/{fd}"))
            if not stat.S_ISREG(os.fstat(fd).st_mode) or not self.sandbox.allows(opened):
                return None
            with os.fdopen(os.dup(fd), "rb") as fh:
                return fh.read()
        finally:
            os.close(fd)


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




def stylesheet(css: str, sandbox: Sandbox) -> tuple[Any, Any]:
    """The parsed ``css`` and its font configuration, made once per process (call it before
    forking workers, so that they share it instead of loading the fonts again)."""
    key = (css, sandbox.folders, sandbox.files)
    if key not in _STYLES:
        font_config = _font_config()
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
        extra: dict[str, Any] = {"font_config": _font_config()} if css is None else {}
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
    with _stable_uuids(hashlib.sha256(b"".join(a.data for a in attachments)).digest()):
        return rendered.document.write_pdf(pdf_variant="pdf/a-3b", attachments=files)


def write_press_pdf(rendered: Rendered, variant: str, seed: bytes, page: int,
                    title: str) -> bytes:
    """Page ``page`` of the document alone, as PDF/X (``pdf/x-4`` or ``pdf/x-1a``), with
    only its own fonts and images, the output intent taken from the document's
    ``@color-profile device-cmyk``. Deterministic: XMP ids come from ``seed``."""
    document = rendered.document.copy([rendered.document.pages[page]])
    document.metadata = copy.copy(document.metadata)
    document.metadata.title = title
    with _stable_uuids(hashlib.sha256(seed).digest()):
        return document.write_pdf(pdf_variant=variant)


@contextmanager
def _stable_uuids(seed: bytes) -> Iterator[None]:
    """WeasyPrint's random XMP document ids replaced by ids derived from ``seed``."""
    counter = iter(range(1_000_000))

    def stable_uuid() -> uuid.UUID:
        return uuid.UUID(bytes=hashlib.sha256(seed + str(next(counter)).encode()).digest()[:16])

    original = pdf_metadata.uuid4
    pdf_metadata.uuid4 = stable_uuid
    try:
        yield
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
    # U+200B: the <wbr> break opportunities of long words (the source never holds one)
    return "".join(b.text for b in _walk(line) if isinstance(b, boxes.TextBox)).replace(
        "\u200b", "")


def _marked(rendered: Rendered, attribute: str) -> Iterable[tuple[str, Any]]:
    for page in rendered.document.pages:
        for box in _walk(page._page_box):
            element = getattr(box, "element", None)
            if element is not None and isinstance(box, boxes.BlockBox):
                value = element.get(attribute)
                if value is not None:
                    yield value, box


def marked_pages(rendered: Rendered, attribute: str = "data-m") -> dict[str, set[int]]:
    """For each value of ``attribute``: the pages its elements were set on."""
    pages: dict[str, set[int]] = {}
    for n, page in enumerate(rendered.document.pages):
        for box in _walk(page._page_box):
            element = getattr(box, "element", None)
            if element is not None and isinstance(box, boxes.BlockBox):
                value = element.get(attribute)
                if value is not None:
                    pages.setdefault(value, set()).add(n)
    return pages


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
    content_right: float = 0.0  # rightmost text, points from the page's left edge
    box_right: float = 0.0
    # composed lines (``data-w``) whose set width is not the planned one:
    # (line number in the column, its text, set width, planned width)
    width_errors: tuple[tuple[int, str, float, float], ...] = ()


def columns_set(rendered: Rendered) -> list[ColumnCheck]:
    """Every ``data-col`` element in document order, with the lines it holds."""
    out = []
    for _key, column in _marked(rendered, "data-col"):
        text_lines = rewrapped = 0
        errors: list[tuple[int, str, float, float]] = []
        for box in _walk(column):
            element = getattr(box, "element", None)
            if isinstance(box, boxes.BlockBox) and element is not None and \
                    "line" in (element.get("class") or "").split():
                line_boxes = [b for b in _walk(box) if isinstance(b, boxes.LineBox)]
                text_lines += len(line_boxes)
                rewrapped += len(line_boxes) != 1
                planned = element.get("data-w")
                if planned is not None and len(line_boxes) == 1:
                    width = _set_width(line_boxes[0])
                    if abs(width - float(planned)) > WIDTH_TOLERANCE:
                        errors.append((text_lines, _line_text(line_boxes[0]), round(width, 2),
                                       float(planned)))
        bottoms = [lb.position_y + lb.height for lb in _walk(column)
                   if isinstance(lb, boxes.LineBox)]
        rights = [b.position_x + b.width for b in _walk(column)
                  if isinstance(b, boxes.TextBox) and b.text.strip()]
        out.append(ColumnCheck(text_lines, rewrapped,
                               max(bottoms, default=column.position_y) * PX_TO_PT,
                               (column.position_y + column.margin_height()) * PX_TO_PT,
                               max(rights, default=column.position_x) * PX_TO_PT,
                               (column.position_x + column.margin_width()) * PX_TO_PT,
                               tuple(errors)))
    return out


def check_columns(rendered: Rendered, planned: list[int], where: str,
                  extra_columns: bool = False) -> None:
    """Raise :class:`RenderError` unless every ``data-col`` element holds exactly the
    planned number of text lines, each set as one line, none below the column's foot or
    past its right edge (a word wider than the column would print over the next one).
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
        if check.content_right > check.box_right + 0.5:
            raise RenderError(
                f"{where}: column {n + 1} holds text {check.content_right - check.box_right:.1f}"
                "pt wider than the column (a word that cannot break): shorten it or let the "
                "layout's CSS break long words (overflow-wrap: anywhere)")
        if check.width_errors:
            line, text, width, plan = check.width_errors[0]
            raise RenderError(
                f"{where}: column {n + 1}, line {line} ({text!r}) set {width:.2f}pt wide "
                f"where the composer planned {plan:.2f}pt ({len(check.width_errors)} line(s) "
                "differ): WeasyPrint did not set the line as composed")


# -- the composer's inputs and its check -----------------------------------------------------

@dataclass(frozen=True)
class Probe:
    """A paragraph kind as the layout's CSS sets it (points): where its lines start and end,
    and the computed style of each probe run, in order."""

    padding_left: float
    padding_right: float
    text_indent: float
    line_height: float
    styles: tuple[TextStyle, ...]


def _text_style(style: Any) -> TextStyle:
    spacing = style["letter_spacing"]
    return TextStyle(tuple(style["font_family"]), int(style["font_weight"]),
                     style["font_style"] != "normal", style["font_size"] * PX_TO_PT,
                     None if spacing == "normal" else spacing * PX_TO_PT)


def _length(value: Any, reference: float) -> float:
    if getattr(value, "unit", None) == "%":
        return value.value / 100 * reference
    return float(getattr(value, "value", value) or 0.0) * PX_TO_PT


def probes(rendered: Rendered) -> dict[str, Probe]:
    """Every element marked ``data-probe``: its box geometry and its runs' styles."""
    out: dict[str, Probe] = {}
    for key, box in _marked(rendered, "data-probe"):
        style = box.style
        line_height = style["line_height"]
        if getattr(line_height, "unit", None) == "px":
            height = line_height.value * PX_TO_PT
        elif line_height == "normal":
            height = style["font_size"] * 1.2 * PX_TO_PT
        else:
            height = float(getattr(line_height, "value", line_height)) * style["font_size"] * \
                PX_TO_PT
        out[key] = Probe(box.padding_left * PX_TO_PT, box.padding_right * PX_TO_PT,
                         _length(style["text_indent"], box.width * PX_TO_PT), height,
                         tuple(_text_style(b.style) for b in _walk(box)
                               if isinstance(b, boxes.TextBox) and b.text.strip()))
    return out


def _set_width(line_box: Any) -> float:
    """A line's width as set before justification: its text boxes, justification taken out."""
    total = 0.0
    for b in _walk(line_box):
        if isinstance(b, boxes.TextBox):
            spaces = b.text.count(" ") + b.text.count("\u00a0")
            total += b.width - (getattr(b, "justification_spacing", 0) or 0) * spaces
    return total * PX_TO_PT
