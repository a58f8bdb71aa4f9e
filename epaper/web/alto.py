"""ALTO 4.4: one file per page, its text blocks, lines and words with their coordinates.

The words and their boxes are the PDF's own (``textlayer``). Which words form which
story's blocks comes from the build report: a story fragment's columns (``columns_pt``)
are its text blocks, in reading order; what else lies in its box (head, photo caption,
jump line) is its head block (tagged HEAD; columns BODY). Words outside every story
(masthead, folios, ads: tagged PAGE) keep poppler's blocks. Coordinates are in
``inch1200`` (1/1200 in): PDF points × 50/3, from the page's top-left corner."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass, field

from epaper import __version__
from epaper.web.textlayer import PageText, Word

NS = "http://www.loc.gov/standards/alto/ns-v4#"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA = "http://www.loc.gov/standards/alto/v4/alto-4-4.xsd"
UNIT = 1200 / 72  # inch1200 per PDF point


@dataclass(frozen=True)
class Region:
    """A story fragment on a page, as the report gives it."""

    slug: str
    part: int
    box: tuple[float, float, float, float]  # x, y, width, height in points
    columns: tuple[tuple[float, float, float, float], ...]


@dataclass
class PageAlto:
    xml: bytes
    blocks: dict[tuple[str, int], list[str]] = field(default_factory=dict)  # story blocks
    words: int = 0


def _inside(word: Word, rect: tuple[float, float, float, float]) -> bool:
    x, y, w, h = rect
    return x <= word.cx <= x + w and y <= word.cy <= y + h


def _u(value: float) -> str:
    return f"{value * UNIT:.1f}"


def _box(el: ET.Element, words: Sequence[Word]) -> None:
    x0, y0 = min(w.x0 for w in words), min(w.y0 for w in words)
    x1, y1 = max(w.x1 for w in words), max(w.y1 for w in words)
    el.set("HPOS", _u(x0))
    el.set("VPOS", _u(y0))
    el.set("WIDTH", _u(x1 - x0))
    el.set("HEIGHT", _u(y1 - y0))


def _block(parent: ET.Element, block_id: str, words: Sequence[Word], lang: str,
           tag: str) -> None:
    block = ET.SubElement(parent, f"{{{NS}}}TextBlock", ID=block_id)
    block.set("TAGREFS", tag)
    _box(block, words)
    block.set("LANG", lang)
    lines: dict[int, list[Word]] = {}
    for word in words:
        lines.setdefault(word.line, []).append(word)
    # top to bottom: poppler's own order may put a column's foot (a jump line) first
    ordered = sorted(lines.values(), key=lambda ws: (min(w.y0 for w in ws), ws[0].x0))
    for n, line_words in enumerate(ordered, 1):
        line_words = sorted(line_words, key=lambda w: w.x0)
        line = ET.SubElement(block, f"{{{NS}}}TextLine", ID=f"{block_id}_L{n}")
        _box(line, line_words)
        for k, word in enumerate(line_words):
            if k:
                sp = ET.SubElement(line, f"{{{NS}}}SP")
                sp.set("HPOS", _u(line_words[k - 1].x1))
                sp.set("VPOS", _u(line_words[k - 1].y0))
                sp.set("WIDTH", _u(max(0.0, word.x0 - line_words[k - 1].x1)))
            string = ET.SubElement(line, f"{{{NS}}}String")
            string.set("ID", f"{block_id}_L{n}_W{k + 1}")
            string.set("CONTENT", word.text)
            string.set("HPOS", _u(word.x0))
            string.set("VPOS", _u(word.y0))
            string.set("WIDTH", _u(word.x1 - word.x0))
            string.set("HEIGHT", _u(word.y1 - word.y0))


def page_alto(text: PageText, number: int, label: str, regions: Sequence[Region],
              image: str, lang: str, langs: dict[str, str]) -> PageAlto:
    """The ALTO document of page ``number`` (1-based); ``langs``: each story's language."""
    ET.register_namespace("", NS)
    ET.register_namespace("xsi", XSI)
    root = ET.Element(f"{{{NS}}}alto", {f"{{{XSI}}}schemaLocation": f"{NS} {SCHEMA}"})
    root.set("SCHEMAVERSION", "4.4")
    desc = ET.SubElement(root, f"{{{NS}}}Description")
    ET.SubElement(desc, f"{{{NS}}}MeasurementUnit").text = "inch1200"
    source = ET.SubElement(desc, f"{{{NS}}}sourceImageInformation")
    ET.SubElement(source, f"{{{NS}}}fileName").text = image
    proc = ET.SubElement(desc, f"{{{NS}}}Processing", ID="PROC1")
    ET.SubElement(proc, f"{{{NS}}}processingCategory").text = "contentGeneration"
    ET.SubElement(proc, f"{{{NS}}}processingStepDescription").text = (
        "set by epaper; words and boxes read back from the edition PDF")
    soft = ET.SubElement(proc, f"{{{NS}}}processingSoftware")
    ET.SubElement(soft, f"{{{NS}}}softwareName").text = "epaper"
    ET.SubElement(soft, f"{{{NS}}}softwareVersion").text = __version__
    tags = ET.SubElement(root, f"{{{NS}}}Tags")
    for tag_id, label in (("HEAD", "story head: headline, byline, photo caption"),
                          ("BODY", "story column"), ("PAGE", "page furniture, ads")):
        ET.SubElement(tags, f"{{{NS}}}StructureTag", ID=tag_id, LABEL=label)
    layout = ET.SubElement(root, f"{{{NS}}}Layout")
    page = ET.SubElement(layout, f"{{{NS}}}Page", ID=f"P{number}")
    page.set("PHYSICAL_IMG_NR", str(number))
    page.set("PRINTED_IMG_NR", label)
    page.set("WIDTH", _u(text.width))
    page.set("HEIGHT", _u(text.height))
    space = ET.SubElement(page, f"{{{NS}}}PrintSpace")
    for key, value in (("HPOS", 0.0), ("VPOS", 0.0), ("WIDTH", text.width),
                       ("HEIGHT", text.height)):
        space.set(key, _u(value))
    result = PageAlto(b"")
    left = list(text.words)
    count = 0
    for region in regions:
        in_box = [w for w in left if _inside(w, region.box)]
        if not in_box:
            continue
        taken = {id(w) for w in in_box}
        left = [w for w in left if id(w) not in taken]
        cols = [[w for w in in_box if _inside(w, c)] for c in region.columns]
        in_cols = {id(w) for col in cols for w in col}
        head = [w for w in in_box if id(w) not in in_cols]
        ids = []
        for k, words in enumerate([head, *cols]):
            if words:
                count += 1
                block_id = f"P{number}_TB{count}"
                _block(space, block_id, words, langs.get(region.slug, lang),
                       "BODY" if k else "HEAD")
                ids.append(block_id)
        result.blocks[(region.slug, region.part)] = ids
    other: dict[int, list[Word]] = {}
    for word in left:  # masthead, folios, ads, fillers
        other.setdefault(word.block, []).append(word)
    for words in other.values():
        count += 1
        _block(space, f"P{number}_TB{count}", words, lang, "PAGE")
    result.words = len(text.words)
    result.xml = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return result
