"""Reading press pages back with pypdf (the one module besides ``epaper/pdf.py`` that may:
see ``per-file-ignores`` in pyproject.toml): PDF/X identification, output intent, page
boxes, fonts, and a walk through every content stream for the colours, images, text
sizes and rule widths actually painted.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from io import BytesIO
from typing import Any

from pypdf import PdfReader
from pypdf.errors import PyPdfError
from pypdf.generic import ContentStream

from epaper.errors import RenderError

Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def _mul(m: Matrix, n: Matrix) -> Matrix:
    """``m`` then ``n`` (PDF order: a point is transformed by m first)."""
    a, b, c, d, e, f = m
    A, B, C, D, E, F = n
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D,
            e * A + f * C + E, e * B + f * D + F)


@dataclass(frozen=True)
class ImageUse:
    """One image drawn on a page: its pixels, colour space and placed size in points."""

    name: str
    colour_space: str
    width_px: int
    height_px: int
    width_pt: float
    height_pt: float

    @property
    def ppi(self) -> float:
        """Effective resolution: the lower of the two axes."""
        sx = self.width_px / (self.width_pt / 72) if self.width_pt else math.inf
        sy = self.height_px / (self.height_pt / 72) if self.height_pt else math.inf
        return min(sx, sy)


@dataclass
class PageScan:
    """What one page paints."""

    number: int
    boxes: dict[str, tuple[float, float, float, float]]
    fonts: list[tuple[str, bool]] = field(default_factory=list)  # (name, embedded)
    colour_spaces: set[str] = field(default_factory=set)  # painted with
    not_cmyk: list[str] = field(default_factory=list)  # what paints outside CMYK, briefly
    images: list[ImageUse] = field(default_factory=list)
    text_sizes: list[float] = field(default_factory=list)
    rich_black_text: list[float] = field(default_factory=list)  # sizes of CMY+K text
    thin_rules: list[float] = field(default_factory=list)  # widths in points
    annotations: int = 0


@dataclass
class DocScan:
    """What a press PDF declares and paints."""

    pdfx: str | None
    output_intents: list[dict[str, Any]]
    pages: list[PageScan]
    info: dict[str, str]


def scan(data: bytes) -> DocScan:
    """Read a PDF: raises :class:`RenderError` when it cannot be read."""
    try:
        reader = PdfReader(BytesIO(data))
        pages = list(reader.pages)
        root = reader.trailer["/Root"]
        info = {str(k).lstrip("/"): str(v) for k, v in (reader.metadata or {}).items()}
    except (PyPdfError, ValueError, KeyError, TypeError) as exc:
        raise RenderError(f"not a readable PDF: {exc}") from exc
    pdfx = info.get("GTS_PDFXVersion")
    xmp = root.get("/Metadata")
    if xmp is not None:
        text = xmp.get_object().get_data().decode("utf-8", "replace")
        found = re.search(r"GTS_PDFXVersion(?:>|=\")([^<\"]+)", text)
        if found:
            pdfx = found[1]
    intents = []
    for intent in root.get("/OutputIntents") or []:
        intent = intent.get_object()
        profile = intent.get("/DestOutputProfile")
        profile = profile.get_object() if profile is not None else None
        intents.append({
            "subtype": str(intent.get("/S", "")),
            "identifier": str(intent.get("/OutputConditionIdentifier", "")),
            "components": int(profile.get("/N", 0)) if profile is not None else 0,
            "profile": profile.get_data() if profile is not None else b"",
        })
    return DocScan(pdfx, intents, [_page(n + 1, p) for n, p in enumerate(pages)], info)


def _box(page: Any, name: str) -> tuple[float, float, float, float] | None:
    value = page.get(name)
    if value is None:
        return None
    return tuple(float(x) for x in value.get_object())  # type: ignore[return-value]


def _page(number: int, page: Any) -> PageScan:
    boxes = {n.lstrip("/"): b for n in ("/MediaBox", "/TrimBox", "/BleedBox", "/ArtBox")
             if (b := _box(page, n)) is not None}
    result = PageScan(number, boxes, annotations=len(page.get("/Annots") or []))
    resources = page.get("/Resources")
    resources = resources.get_object() if resources is not None else {}
    _fonts(resources, result)
    contents = page.get_contents()
    if contents is not None:
        _Walker(result, page.pdf).run(contents, resources, IDENTITY)
    result.fonts = sorted(set(result.fonts))
    return result


def _fonts(resources: Any, result: PageScan) -> None:
    for font in (resources.get("/Font") or {}).values():
        font = font.get_object()
        name = str(font.get("/BaseFont", "?")).split("+")[-1]
        subtype = font.get("/Subtype")
        if subtype == "/Type3":
            result.fonts.append((name, True))
            continue
        target = font["/DescendantFonts"][0].get_object() if subtype == "/Type0" else font
        descriptor = target.get("/FontDescriptor")
        descriptor = descriptor.get_object() if descriptor is not None else {}
        result.fonts.append((name, any(k in descriptor for k in
                                       ("/FontFile", "/FontFile2", "/FontFile3"))))


def _space_name(space: Any) -> str:
    """A colour space as a short name: DeviceCMYK, DeviceRGB, ICCBased/3, Lab…"""
    space = space.get_object() if hasattr(space, "get_object") else space
    if isinstance(space, list):
        kind = str(space[0]).lstrip("/")
        if kind == "ICCBased":
            return f"ICCBased/{int(space[1].get_object().get('/N', 0))}"
        if kind == "Indexed":
            return "Indexed/" + _space_name(space[1])
        if kind in ("Separation", "DeviceN"):
            return kind
        return kind
    return str(space).lstrip("/")


CMYK_SPACES = ("DeviceCMYK", "ICCBased/4", "DeviceGray", "Separation", "DeviceN", "Pattern",
               "Indexed/DeviceCMYK", "Indexed/DeviceGray")


@dataclass
class _State:
    ctm: Matrix = IDENTITY
    fill: tuple[str, tuple[float, ...]] = ("DeviceGray", (0.0,))
    stroke: tuple[str, tuple[float, ...]] = ("DeviceGray", (0.0,))
    line_width: float = 1.0


class _Walker:
    """Follows the graphics state through a content stream (and its forms)."""

    def __init__(self, result: PageScan, pdf: Any) -> None:
        self.result = result
        self.pdf = pdf
        self.depth = 0

    def paint(self, colour: tuple[str, tuple[float, ...]], what: str) -> None:
        space = colour[0]
        self.result.colour_spaces.add(space)
        if space not in CMYK_SPACES and len(self.result.not_cmyk) < 20:
            self.result.not_cmyk.append(f"{what} in {space}")

    def run(self, contents: Any, resources: Any, ctm: Matrix) -> None:
        self.depth += 1
        if self.depth > 8:
            return
        stream = contents if isinstance(contents, ContentStream) else \
            ContentStream(contents, self.pdf)
        spaces = resources.get("/ColorSpace") or {}
        spaces = spaces.get_object() if hasattr(spaces, "get_object") else spaces
        xobjects = resources.get("/XObject") or {}
        xobjects = xobjects.get_object() if hasattr(xobjects, "get_object") else xobjects
        state, stack = _State(ctm), []
        tm: Matrix = IDENTITY
        size = 0.0
        path_rects: list[tuple[float, float]] = []

        def space_of(name: Any) -> str:
            if str(name) in spaces:
                return _space_name(spaces[str(name)])
            return str(name).lstrip("/")

        for operands, op in stream.operations:
            if op == b"q":
                stack.append(_State(state.ctm, state.fill, state.stroke, state.line_width))
            elif op == b"Q" and stack:
                state = stack.pop()
            elif op == b"cm":
                state.ctm = _mul(tuple(float(x) for x in operands), state.ctm)  # type: ignore[arg-type]
            elif op == b"w":
                state.line_width = float(operands[0])
            elif op in (b"g", b"rg", b"k", b"G", b"RG", b"K"):
                name = {b"g": "DeviceGray", b"rg": "DeviceRGB", b"k": "DeviceCMYK"}[op.lower()]
                colour = (name, tuple(float(x) for x in operands))
                if op.islower():
                    state.fill = colour
                else:
                    state.stroke = colour
            elif op in (b"cs", b"CS"):
                colour = (space_of(operands[0]), ())
                if op == b"cs":
                    state.fill = colour
                else:
                    state.stroke = colour
            elif op in (b"sc", b"scn", b"SC", b"SCN"):
                values = tuple(float(x) for x in operands if isinstance(x, (int, float)))
                if op in (b"sc", b"scn"):
                    state.fill = (state.fill[0], values)
                else:
                    state.stroke = (state.stroke[0], values)
            elif op == b"re":
                path_rects.append((float(operands[2]), float(operands[3])))
            elif op in (b"f", b"F", b"f*", b"B", b"B*", b"b", b"b*"):
                self.paint(state.fill, "a fill")
                sx, sy = _scales(state.ctm)
                for w, h in path_rects:
                    thin = min(abs(w) * sx, abs(h) * sy)
                    if 0 < thin < THIN_RULE_PT and max(abs(w) * sx, abs(h) * sy) > 2:
                        self.result.thin_rules.append(round(thin, 3))
                if op not in (b"f", b"F", b"f*"):
                    self._stroke(state)
                path_rects = []
            elif op in (b"S", b"s"):
                self._stroke(state)
                path_rects = []
            elif op == b"n":
                path_rects = []
            elif op == b"BT":
                tm = IDENTITY
            elif op == b"Tf":
                size = float(operands[1])
            elif op == b"Tm":
                tm = tuple(float(x) for x in operands)  # type: ignore[assignment]
            elif op in (b"Tj", b"TJ", b"'", b'"'):
                m = _mul(tm, state.ctm)
                effective = round(size * math.hypot(m[2], m[3]), 2)
                self.result.text_sizes.append(effective)
                self.paint(state.fill, "text")
                space, values = state.fill
                if space == "DeviceCMYK" and len(values) == 4 and values[3] >= 0.8 and \
                        sum(values[:3]) > 0.05:
                    self.result.rich_black_text.append(effective)
            elif op == b"sh":
                self.paint((_space_name(self._shading_space(resources, operands[0])), ()),
                           "a shading")
            elif op == b"Do":
                xobject = xobjects.get(str(operands[0]))
                if xobject is None:
                    continue
                xobject = xobject.get_object()
                if xobject.get("/Subtype") == "/Image":
                    self._image(str(operands[0]), xobject, state)
                elif xobject.get("/Subtype") == "/Form":
                    matrix = tuple(float(x) for x in xobject.get("/Matrix", IDENTITY))
                    inner = xobject.get("/Resources")
                    self.run(xobject, inner.get_object() if inner is not None else resources,
                             _mul(matrix, state.ctm))  # type: ignore[arg-type]
            elif op == b"INLINE IMAGE":
                self.paint(("inline image", ()), "an inline image")
        self.depth -= 1

    def _shading_space(self, resources: Any, name: Any) -> Any:
        shadings = resources.get("/Shading") or {}
        shading = shadings.get(str(name))
        return shading.get_object().get("/ColorSpace", "/DeviceGray") if shading else "?"

    def _stroke(self, state: _State) -> None:
        self.paint(state.stroke, "a stroke")
        width = state.line_width * max(_scales(state.ctm))
        if 0 < width < THIN_RULE_PT:
            self.result.thin_rules.append(round(width, 3))

    def _image(self, name: str, image: Any, state: _State) -> None:
        if image.get("/ImageMask"):
            space = state.fill[0]
        else:
            space = _space_name(image.get("/ColorSpace", "/DeviceGray"))
        sx, sy = _scales(state.ctm)
        use = ImageUse(name, space, int(image["/Width"]), int(image["/Height"]),
                       round(sx, 3), round(sy, 3))
        self.result.images.append(use)
        self.paint((space, ()), f"image {name}")


THIN_RULE_PT = 0.1 / 25.4 * 72  # 0.1 mm


def _scales(m: Matrix) -> tuple[float, float]:
    return math.hypot(m[0], m[1]), math.hypot(m[2], m[3])
