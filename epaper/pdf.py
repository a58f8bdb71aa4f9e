"""The one module that uses pypdf: finishing WeasyPrint's PDF and reading PDFs back.

WeasyPrint writes the pages, links and fonts; this adds what it does not: page labels
that match the printed ones (A1, A2… B1…), an outline of sections and stories, and the
edition's document information.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from io import BytesIO

from pypdf import PdfReader, PdfWriter
from pypdf.errors import PyPdfError
from pypdf.generic import DictionaryObject, Fit, NameObject, TextStringObject

from epaper.errors import RenderError


@dataclass(frozen=True)
class OutlineEntry:
    """An outline item: title, 0-based page index, top of the target in points from the
    page top, and children."""

    title: str
    page: int
    top: float = 0.0
    children: tuple[OutlineEntry, ...] = field(default=())


@dataclass(frozen=True)
class LabelRange:
    """Pages ``first`` … ``first + count - 1`` are labelled ``prefix`` 1, 2, …"""

    prefix: str
    first: int
    count: int


def finish(pdf: bytes, labels: Sequence[LabelRange], outline: Sequence[OutlineEntry],
           info: dict[str, str]) -> bytes:
    """Add page labels, the outline and document information to a PDF (deterministic)."""
    try:
        reader = PdfReader(BytesIO(pdf))
        writer = PdfWriter(clone_from=reader)
    except PyPdfError as exc:
        raise RenderError(f"cannot reopen the PDF WeasyPrint wrote: {exc}") from exc
    for r in labels:
        writer.set_page_label(r.first, r.first + r.count - 1, style="/D", prefix=r.prefix,
                              start=1)
    heights = [float(p.mediabox.height) for p in writer.pages]

    def add(entry: OutlineEntry, parent: object = None) -> None:
        item = writer.add_outline_item(
            title=entry.title, page_number=entry.page, parent=parent,  # type: ignore[arg-type]
            fit=Fit.xyz(left=0, top=heights[entry.page] - entry.top, zoom=0))
        for child in entry.children:
            add(child, item)

    for entry in outline:
        add(entry)
    writer.page_mode = "/UseOutlines"
    writer.add_metadata({f"/{k}": v for k, v in info.items()})
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


PART_LINK = "epaper-part-link:"  # a link into another part, resolved when joining


def _resolve_part_links(page: object) -> None:
    """Links to ``PART_LINK`` + name become links to the named destination."""
    for annot in page.get("/Annots") or []:  # type: ignore[attr-defined]
        annot = annot.get_object()
        action = annot.get("/A")
        uri = str(action.get("/URI", "")) if action is not None else ""
        if uri.startswith(PART_LINK):
            annot[NameObject("/A")] = DictionaryObject({
                NameObject("/S"): NameObject("/GoTo"),
                NameObject("/D"): TextStringObject(uri[len(PART_LINK):])})


def join(parts: Sequence[bytes]) -> bytes:
    """One PDF from several made of consecutive pages of one document: pages in order, the
    named destinations of all parts (so links from one part into another still work), the
    first part's language and document information."""
    writer = PdfWriter()
    names: list[tuple[str, int]] = []
    first: PdfReader | None = None
    for data in parts:
        reader = PdfReader(BytesIO(data))
        first = first or reader
        offset = len(writer.pages)
        for page in reader.pages:
            _resolve_part_links(writer.add_page(page))
        for name, dest in reader.named_destinations.items():
            names.append((name, offset + reader.get_destination_page_number(dest)))
    for name, page in sorted(names):
        writer.add_named_destination(name, page)
    if first is not None:
        lang = first.trailer["/Root"].get("/Lang")
        if lang is not None:
            writer._root_object[NameObject("/Lang")] = lang
        writer.add_metadata({str(k): v for k, v in (first.metadata or {}).items()})
    writer.compress_identical_objects()  # e.g. a photo that two parts both embed
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


@dataclass(frozen=True)
class PdfFacts:
    """What a reader of an epaper PDF can check."""

    pages: int
    labels: tuple[str, ...]
    outline: tuple[tuple[int, str, int], ...]  # (depth, title, page index)
    info: dict[str, str]
    lang: str | None
    page_sizes: tuple[tuple[float, float], ...]
    fonts: frozenset[str]
    links: tuple[tuple[int, int], ...]  # (from page, to page) of internal links
    pdfa: str | None = None  # "3B" for PDF/A-3b (from the XMP metadata)
    attachments: tuple[str, ...] = ()


def facts(data: bytes) -> PdfFacts:
    """Read structure back from PDF bytes (for tests, reports and the archive)."""
    try:
        reader = PdfReader(BytesIO(data))
        pages = list(reader.pages)
    except (PyPdfError, ValueError, KeyError) as exc:
        raise RenderError(f"not a readable PDF: {exc}") from exc
    outline: list[tuple[int, str, int]] = []

    def walk(items: list[object], depth: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                outline.append((depth, str(item.title),  # type: ignore[attr-defined]
                                reader.get_destination_page_number(item)))  # type: ignore[arg-type]

    walk(reader.outline, 0)
    fonts: set[str] = set()
    links: list[tuple[int, int]] = []
    index = {p.indirect_reference.idnum: n for n, p in enumerate(pages)
             if p.indirect_reference is not None}
    named = reader.named_destinations
    for n, page in enumerate(pages):
        resources = page.get("/Resources") or {}
        for font in (resources.get("/Font") or {}).values():
            fonts.add(str(font.get_object().get("/BaseFont", "")).split("+")[-1])
        for annot in page.get("/Annots") or []:
            annot = annot.get_object()
            dest = annot.get("/Dest")
            if dest is None and "/A" in annot:
                dest = annot["/A"].get("/D")
            if isinstance(dest, str) and dest in named:
                links.append((n, reader.get_destination_page_number(named[dest])))
            elif isinstance(dest, list) and dest:
                target = dest[0]
                if hasattr(target, "idnum") and target.idnum in index:
                    links.append((n, index[target.idnum]))
    info = {str(k).lstrip("/"): str(v) for k, v in (reader.metadata or {}).items()}
    lang = reader.trailer["/Root"].get("/Lang")
    pdfa = None
    xmp = reader.trailer["/Root"].get("/Metadata")
    if xmp is not None:
        text = xmp.get_object().get_data().decode("utf-8", "replace")
        part = re.search(r"pdfaid:part(?:>|=\")(\d)", text)
        level = re.search(r"pdfaid:conformance(?:>|=\")([A-Za-z])", text)
        if part:
            pdfa = part[1] + (level[1].upper() if level else "")
    return PdfFacts(len(pages), tuple(reader.page_labels), tuple(outline), info,
                    str(lang) if lang is not None else None,
                    tuple((float(p.mediabox.width), float(p.mediabox.height)) for p in pages),
                    frozenset(fonts), tuple(links), pdfa, tuple(sorted(reader.attachments)))


def extract_pages(data: bytes, indexes: Sequence[int]) -> bytes:
    """A PDF of some pages of another (a story's pages, out of the archive)."""
    reader = PdfReader(BytesIO(data))
    writer = PdfWriter()
    for n in indexes:
        writer.add_page(reader.pages[n])
    out = BytesIO()
    writer.write(out)
    return out.getvalue()
