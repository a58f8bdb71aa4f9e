"""METS 1.12.1: one file per edition. The physical map lists the pages (their image and
ALTO file); the logical map holds the issue's sections and their articles, each article
the ordered ALTO blocks of its fragments across pages (the newspaper METS/ALTO profile)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass

from epaper import __version__

NS = "http://www.loc.gov/METS/"
XLINK = "http://www.w3.org/1999/xlink"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA = "http://www.loc.gov/standards/mets/version1121/mets.xsd"


@dataclass(frozen=True)
class MetsPage:
    label: str
    image: str
    alto: str


@dataclass(frozen=True)
class MetsArticle:
    slug: str
    headline: str
    section: str
    areas: tuple[tuple[int, str], ...]  # (page index, ALTO block id) in reading order


def article_id(slug: str) -> str:
    """The METS id of a story's article div (an XML name made from its slug)."""
    return "ART_" + re.sub(r"[^\w.-]", "_", slug)


def _m(tag: str) -> str:
    return f"{{{NS}}}{tag}"


def edition_mets(title: str, day: str, pages: Sequence[MetsPage],
                 sections: Sequence[tuple[str, str]], articles: Sequence[MetsArticle]) -> bytes:
    """The METS document; ``sections``: (id, title) in print order."""
    ET.register_namespace("mets", NS)
    ET.register_namespace("xlink", XLINK)
    ET.register_namespace("xsi", XSI)
    root = ET.Element(_m("mets"), {f"{{{XSI}}}schemaLocation": f"{NS} {SCHEMA}",
                                   "OBJID": f"{title} {day}", "LABEL": f"{title}, {day}",
                                   "TYPE": "Newspaper"})
    hdr = ET.SubElement(root, _m("metsHdr"), CREATEDATE=f"{day}T00:00:00")
    agent = ET.SubElement(hdr, _m("agent"), ROLE="CREATOR", TYPE="OTHER",
                          OTHERTYPE="SOFTWARE")
    ET.SubElement(agent, _m("name")).text = f"epaper {__version__}"
    files = ET.SubElement(root, _m("fileSec"))
    groups = {use: ET.SubElement(files, _m("fileGrp"), USE=use) for use in ("IMAGE", "ALTO")}
    for n, page in enumerate(pages, 1):
        for use, href, mime in (("IMAGE", page.image, "image/webp"),
                                ("ALTO", page.alto, "text/xml")):
            f = ET.SubElement(groups[use], _m("file"), ID=f"{use}{n}", MIMETYPE=mime)
            ET.SubElement(f, _m("FLocat"), {"LOCTYPE": "URL", f"{{{XLINK}}}href": href})
    physical = ET.SubElement(root, _m("structMap"), TYPE="PHYSICAL")
    issue = ET.SubElement(physical, _m("div"), TYPE="Newspaper", LABEL=title)
    for n, page in enumerate(pages, 1):
        div = ET.SubElement(issue, _m("div"), ID=f"PAGE{n}", TYPE="page", ORDER=str(n),
                            ORDERLABEL=page.label, LABEL=page.label)
        for use in ("IMAGE", "ALTO"):
            ET.SubElement(div, _m("fptr"), FILEID=f"{use}{n}")
    logical = ET.SubElement(root, _m("structMap"), TYPE="LOGICAL")
    top = ET.SubElement(logical, _m("div"), ID="ISSUE", TYPE="Issue", LABEL=f"{title}, {day}")
    for s, (sid, stitle) in enumerate(sections, 1):
        sec = ET.SubElement(top, _m("div"), ID=f"SECTION{s}", TYPE="Section", LABEL=stitle)
        for a, art in enumerate(x for x in articles if x.section == sid):
            div = ET.SubElement(sec, _m("div"), ID=article_id(art.slug), TYPE="Article",
                                LABEL=art.headline, ORDER=str(a + 1))
            if not art.areas:
                continue
            seq = ET.SubElement(ET.SubElement(div, _m("fptr")), _m("seq"))
            for page_index, block in art.areas:
                ET.SubElement(seq, _m("area"), FILEID=f"ALTO{page_index + 1}", BEGIN=block,
                              BETYPE="IDREF")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
