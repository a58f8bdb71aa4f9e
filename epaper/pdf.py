"""The one module that uses pypdf and pikepdf: finishing WeasyPrint's PDF, joining page
parts, and reading PDFs back.

WeasyPrint writes the pages, links and fonts; this adds what it does not: page labels
that match the printed ones (A1, A2… B1…), an outline of sections and stories, and the
edition's document information. ``assemble`` (pikepdf/qpdf) joins pages rendered as
separate documents into one: named destinations kept, each font's subsets merged into
one, identical photos stored once, objects packed in object streams.
"""

from __future__ import annotations

import hashlib
import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from io import BytesIO

import pikepdf
from fontTools.ttLib import TTFont
from pypdf import PdfReader, PdfWriter
from pypdf.errors import PyPdfError
from pypdf.generic import Fit

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


def attachments(data: bytes) -> dict[str, bytes]:
    """The embedded files of a PDF (an archive copy's sources, report, ALTO and METS)."""
    try:
        reader = PdfReader(BytesIO(data))
        return {name: contents[0] for name, contents in reader.attachments.items() if contents}
    except (PyPdfError, ValueError, KeyError) as exc:
        raise RenderError(f"not a readable PDF: {exc}") from exc


def attachment(data: bytes, suffix: str) -> tuple[str, bytes] | None:
    """The first embedded file whose name ends with ``suffix``: (name, bytes), or None."""
    try:
        found = PdfReader(BytesIO(data)).attachments
        for name in sorted(found):
            if name.endswith(suffix) and found[name]:
                return name, found[name][0]
    except (PyPdfError, ValueError, KeyError) as exc:
        raise RenderError(f"not a readable PDF: {exc}") from exc
    return None


# -- joining parts (pikepdf) ------------------------------------------------------------------

def assemble(parts: Sequence[bytes], labels: Sequence[LabelRange],
             outline: Sequence[OutlineEntry], info: dict[str, str],
             borrowed: Sequence[frozenset[str]] = ()) -> bytes:
    """One finished PDF from parts made of consecutive pages of one document (each part a
    WeasyPrint PDF). Every page keeps its content stream as it was; the named destinations
    of all parts are kept, so links from one part into another still work (``borrowed``:
    per part, the names it holds only as stand-ins for another part's); the first
    part's language; page labels, outline and ``info`` as ``finish`` adds them. Fonts:
    the subsets of one font in several parts become one font holding all their glyphs
    (glyph ids are the original font's, so no content stream changes). Deterministic."""
    out = pikepdf.new()
    sources = []  # qpdf copies stream data lazily: the parts stay open until saved
    dests: list[tuple[str, int, list[object]]] = []
    for n, data in enumerate(parts):
        stand_ins = borrowed[n] if n < len(borrowed) else frozenset()
        try:
            src = pikepdf.open(BytesIO(data))
        except pikepdf.PdfError as exc:
            raise RenderError(f"cannot reopen a rendered part: {exc}") from exc
        sources.append(src)
        offset = len(out.pages)
        index = {page.obj.objgen: n for n, page in enumerate(src.pages)}
        names = src.Root.get("/Names")
        if names is not None and "/Dests" in names:
            for name, dest in pikepdf.NameTree(names.Dests).items():
                if name in stand_ins:
                    continue
                dest = dest.get("/D", dest) if isinstance(dest, pikepdf.Dictionary) else dest
                dests.append((name, offset + index[dest[0].objgen], list(dest[1:])))
        with warnings.catch_warnings():  # the destinations are carried over above
            warnings.simplefilter("ignore", pikepdf.PageCopyWarning)  # type: ignore[attr-defined]
            out.pages.extend(src.pages)
    first = sources[0] if sources else None
    if dests:
        tree = pikepdf.NameTree.new(out)
        for name, page, rest in sorted(dests, key=lambda d: (d[0], d[1])):
            tree[name] = pikepdf.Array([out.pages[page].obj, *rest])
        out.Root.Names = pikepdf.Dictionary(Dests=tree.obj)
    if first is not None and "/Lang" in first.Root:
        out.Root.Lang = pikepdf.String(str(first.Root.Lang))
    meta = {str(k): str(v) for k, v in (first.docinfo.items() if first is not None else ())}
    meta.update({f"/{k}": v for k, v in info.items()})
    out.docinfo = out.make_indirect(pikepdf.Dictionary(
        {k: pikepdf.String(v) for k, v in sorted(meta.items())}))
    if labels:
        tree = pikepdf.NumberTree.new(out)
        for r in labels:
            tree[r.first] = pikepdf.Dictionary(S=pikepdf.Name.D, P=pikepdf.String(r.prefix),
                                               St=1)
        out.Root.PageLabels = tree.obj
    heights = [float(p.mediabox[3]) - float(p.mediabox[1]) for p in out.pages]

    def item(entry: OutlineEntry) -> pikepdf.OutlineItem:
        node = pikepdf.OutlineItem(entry.title, entry.page, pikepdf.PageLocation.XYZ, left=0,
                                   top=heights[entry.page] - entry.top, zoom=0)
        node.children.extend(item(child) for child in entry.children)
        return node

    if outline:
        with out.open_outline() as tree:
            tree.root.extend(item(entry) for entry in outline)
        out.Root.PageMode = pikepdf.Name.UseOutlines
    _merge_fonts(out)
    _share_images(out)
    buffer = BytesIO()
    out.save(buffer, object_stream_mode=pikepdf.ObjectStreamMode.generate,
             deterministic_id=True, compress_streams=True)
    return buffer.getvalue()


def _resources(pdf: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    """The resource dictionaries of every page and of the forms they draw."""
    out: list[pikepdf.Dictionary] = []
    seen: set[tuple[int, int]] = set()

    def visit(res: object) -> None:
        if not isinstance(res, pikepdf.Dictionary):
            return
        if res.is_indirect:
            if res.objgen in seen:
                return
            seen.add(res.objgen)
        out.append(res)
        for xobject in (res.get("/XObject") or {}).values():
            if xobject.get("/Subtype") == "/Form":
                visit(xobject.get("/Resources"))

    for page in pdf.pages:
        visit(page.obj.get("/Resources"))
    return out


def _widths(array: pikepdf.Array) -> dict[int, float]:
    """A CID font's /W array as {cid: width}."""
    out: dict[int, float] = {}
    items, k = list(array), 0
    while k < len(items):
        start = int(items[k])
        if isinstance(items[k + 1], pikepdf.Array):
            for n, w in enumerate(items[k + 1]):
                out[start + n] = float(w)
            k += 2
        else:
            for cid in range(start, int(items[k + 1]) + 1):
                out[cid] = float(items[k + 2])
            k += 3
    return out


def _w_array(widths: dict[int, float]) -> pikepdf.Array:
    out: list[object] = []
    run: list[object] = []
    for cid in sorted(widths):
        if cid - 1 not in widths:
            run = []
            out += [cid, run]
        w = widths[cid]
        run.append(int(w) if w == int(w) else w)
    return pikepdf.Array([pikepdf.Array(x) if isinstance(x, list) else x for x in out])


_BFCHAR = re.compile(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]*)>")


def _to_unicode(maps: Sequence[bytes]) -> bytes:
    """One ToUnicode CMap holding the glyph → text pairs of several (the first wins)."""
    pairs: dict[int, bytes] = {}
    for data in maps:
        body = data.split(b"endcodespacerange", 1)[-1]
        for glyph, text in _BFCHAR.findall(body):
            pairs.setdefault(int(glyph, 16), text)
    lines = [b"/CIDInit /ProcSet findresource begin", b"12 dict begin", b"begincmap",
             b"/CIDSystemInfo", b"<< /Registry (Adobe)", b"/Ordering (UCS)",
             b"/Supplement 0", b">> def", b"/CMapName /Adobe-Identity-UCS def",
             b"/CMapType 2 def", b"1 begincodespacerange", b"<0000> <ffff>",
             b"endcodespacerange"]
    items = sorted(pairs.items())
    for k in range(0, len(items), 100):
        batch = items[k:k + 100]
        lines.append(f"{len(batch)} beginbfchar".encode())
        lines += [b"<%04x> <%s>" % (glyph, text) for glyph, text in batch]
        lines.append(b"endbfchar")
    lines += [b"endcmap", b"CMapName currentdict /CMap defineresource pop", b"end", b"end"]
    return b"\n".join(lines)


def _merged_truetype(files: Sequence[bytes]) -> bytes:
    """One TrueType font from subsets of the same font that kept the original glyph ids:
    each glyph taken, as compiled, from whichever subset has it (components refer to glyph
    ids, which all subsets share). Bounds and maxima are the widest of the subsets."""
    fonts = [TTFont(BytesIO(data), recalcBBoxes=False, recalcTimestamp=False)
             for data in files]
    for font in fonts:  # glyphs by id: no need to read the names in 'post'
        font.setGlyphOrder([f"g{n}" for n in range(font["maxp"].numGlyphs)])
    base = max(fonts, key=lambda f: f["maxp"].numGlyphs)
    order, glyf, hmtx = base.getGlyphOrder(), base["glyf"], base["hmtx"]
    for font in fonts:
        if font is base:
            continue
        theirs, their_glyf = font.getGlyphOrder(), font["glyf"]
        for gid, name in enumerate(theirs):
            glyph = their_glyf.glyphs[name]
            if not _has_outline(glyph) or _has_outline(glyf.glyphs[order[gid]]):
                continue
            glyf.glyphs[order[gid]] = glyph
            hmtx[order[gid]] = font["hmtx"][name]
    head, maxp, hhea = base["head"], base["maxp"], base["hhea"]
    for font in fonts:
        for attr in ("xMin", "yMin"):
            setattr(head, attr, min(getattr(head, attr), getattr(font["head"], attr)))
        for attr in ("xMax", "yMax"):
            setattr(head, attr, max(getattr(head, attr), getattr(font["head"], attr)))
        for attr in ("maxPoints", "maxContours", "maxCompositePoints", "maxCompositeContours",
                     "maxComponentElements", "maxComponentDepth"):
            if hasattr(maxp, attr):
                setattr(maxp, attr, max(getattr(maxp, attr), getattr(font["maxp"], attr)))
        for attr in ("advanceWidthMax", "xMaxExtent"):
            setattr(hhea, attr, max(getattr(hhea, attr), getattr(font["hhea"], attr)))
        for attr in ("minLeftSideBearing", "minRightSideBearing"):
            setattr(hhea, attr, min(getattr(hhea, attr), getattr(font["hhea"], attr)))
    buffer = BytesIO()
    base.save(buffer)
    return buffer.getvalue()


def _has_outline(glyph: object) -> bool:
    data = getattr(glyph, "data", None)
    if data is not None:  # not decompiled: an empty glyph has no bytes
        return bool(data)
    return getattr(glyph, "numberOfContours", 0) != 0


def _merge_fonts(pdf: pikepdf.Pdf) -> None:
    """Every TrueType CID font that several parts embed as their own subsets becomes one
    font object: the subsets' glyphs in one file, their widths and text maps joined."""
    groups: dict[str, list[tuple[pikepdf.Dictionary, str]]] = {}
    for res in _resources(pdf):
        for key, font in (res.get("/Font") or {}).items():
            if font.get("/Subtype") == "/Type0":
                groups.setdefault(str(font.BaseFont), []).append((res, key))
    for _name, uses in sorted(groups.items()):
        fonts: list[pikepdf.Dictionary] = []
        for res, key in uses:
            font = res.Font[key]
            if all(font.objgen != f.objgen for f in fonts):
                fonts.append(font)
        if len(fonts) < 2:
            continue
        cids = [f.DescendantFonts[0] for f in fonts]
        descriptors = [c.FontDescriptor for c in cids]
        if any("/FontFile2" not in d for d in descriptors):
            continue  # CFF outlines: each part keeps its own subset
        try:
            merged = _merged_truetype([d.FontFile2.read_bytes() for d in descriptors])
        except Exception:  # noqa: BLE001 - a font that cannot be merged stays as it is
            continue
        widths: dict[int, float] = {}
        for c in cids:
            for cid, w in _widths(c.get("/W", pikepdf.Array())).items():
                widths.setdefault(cid, w)
        keep, cid, descriptor = fonts[0], cids[0], descriptors[0]
        descriptor.FontFile2 = pikepdf.Stream(pdf, merged, Length1=len(merged))
        if "/CIDSet" in descriptor:
            del descriptor["/CIDSet"]
        box = [float(x) for x in descriptor.FontBBox]
        box[2] = max([box[2], *(float(d.FontBBox[2]) for d in descriptors)])
        descriptor.FontBBox = pikepdf.Array([int(x) if x == int(x) else x for x in box])
        cid.W = _w_array(widths)
        maps = [f.ToUnicode.read_bytes() for f in fonts if "/ToUnicode" in f]
        if maps:
            keep.ToUnicode = pikepdf.Stream(pdf, _to_unicode(maps))
        for res, key in uses:
            res.Font[key] = keep


def _share_images(pdf: pikepdf.Pdf) -> None:
    """An image that several parts embed (the same photo, the same ad) is stored once."""
    seen: dict[bytes, pikepdf.Object] = {}
    for res in _resources(pdf):
        xobjects = res.get("/XObject")
        if xobjects is None:
            continue
        for key, image in list(xobjects.items()):
            if image.get("/Subtype") != "/Image" or "/SMask" in image:
                continue
            digest = hashlib.sha256(image.read_raw_bytes())
            for k in sorted(image.keys()):
                digest.update(f"{k}={image[k]!r}".encode() if k != "/Length" else b"")
            xobjects[key] = seen.setdefault(digest.digest(), image)


def single_pages(part: bytes, borrowed: frozenset[str] = frozenset()) -> list[bytes]:
    """Each page of a rendered part as a PDF of its own, without the links whose target is
    only a stand-in (``borrowed``: it lives on a page of another part). A one-page part
    without such links is returned as it is."""
    src = pikepdf.open(BytesIO(part))
    if len(src.pages) == 1 and not borrowed:
        return [part]
    dests: dict[str, tuple[int, list[object]]] = {}
    names = src.Root.get("/Names")
    if names is not None and "/Dests" in names:
        index = {page.obj.objgen: n for n, page in enumerate(src.pages)}
        for name, dest in pikepdf.NameTree(names.Dests).items():
            dests[name] = (index[dest[0].objgen], list(dest[1:]))
    out = []
    for n, page in enumerate(src.pages):
        pdf = pikepdf.new()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", pikepdf.PageCopyWarning)  # type: ignore[attr-defined]
            pdf.pages.append(page)
        own = {name: rest for name, (at, rest) in dests.items()
               if at == n and name not in borrowed}
        new = pdf.pages[0].obj
        if "/Annots" in new:
            kept = [a for a in new.Annots
                    if not (isinstance(a.get("/Dest"), pikepdf.String) and str(a.Dest) not in own)]
            new.Annots = pdf.make_indirect(pikepdf.Array(kept))
        if own:
            tree = pikepdf.NameTree.new(pdf)
            for name, rest in sorted(own.items()):
                tree[name] = pikepdf.Array([new, *rest])
            pdf.Root.Names = pikepdf.Dictionary(Dests=tree.obj)
        if "/Lang" in src.Root:
            pdf.Root.Lang = pikepdf.String(str(src.Root.Lang))
        pdf.docinfo = pdf.make_indirect(pikepdf.Dictionary(
            {str(k): pikepdf.String(str(v)) for k, v in sorted(src.docinfo.items())}))
        buffer = BytesIO()
        pdf.save(buffer, object_stream_mode=pikepdf.ObjectStreamMode.generate,
                 deterministic_id=True)
        out.append(buffer.getvalue())
    return out
