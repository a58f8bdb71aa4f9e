"""Preflight: what a newspaper plant checks on a page before it goes to plate.

The PDF's structure and every painted colour, image, text and rule are read with pypdf
(:mod:`epaper.press.pdfscan`). The ink is measured independently: Ghostscript renders the
page to its CMYK separations, and the highest sum of the four inks over all pixels is the
maximum total area coverage.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

from PIL import Image as PILImage

from epaper.errors import RenderError, ToolMissingError
from epaper.press.colour import max_ink
from epaper.press.pdfscan import THIN_RULE_PT, scan

PDFX = ("PDF/X-4", "PDF/X-1a:2003", "PDF/X-1a:2001")
PASS, WARN, FAIL = "pass", "warn", "fail"


@dataclass(frozen=True)
class Limits:
    """The plant's limits (GWG2015 newspaper values by default)."""

    ink_limit: int = 240  # maximum total area coverage, percent
    warn_ppi: float = 200  # effective image resolution: warn under
    fail_ppi: float = 150  # … fail under
    min_text_pt: float = 6.0  # text smaller than this is warned about
    rich_black_pt: float = 12.0  # text under this size must not be rich black
    min_rule_pt: float = THIN_RULE_PT  # 0.1 mm
    dpi: int = 72  # resolution of the separations the ink is measured on


@dataclass(frozen=True)
class Check:
    """One line of the preflight table."""

    name: str
    status: str
    detail: str


@dataclass
class PageReport:
    """Preflight of one file (one press page)."""

    file: str
    checks: list[Check] = field(default_factory=list)
    max_ink: float = 0.0  # percent
    min_ppi: float | None = None

    @property
    def passed(self) -> bool:
        """No check failed (warnings allowed)."""
        return all(c.status != FAIL for c in self.checks)

    def as_dict(self) -> dict[str, object]:
        """JSON-ready."""
        return {"file": self.file, "passed": self.passed, "max_ink": self.max_ink,
                "min_ppi": self.min_ppi, "checks": [asdict(c) for c in self.checks]}


def preflight(path: Path, limits: Limits = Limits()) -> PageReport:
    """Check one PDF file against ``limits``."""
    report = PageReport(str(path))
    add = report.checks.append
    try:
        doc = scan(path.read_bytes())
    except (OSError, RenderError) as exc:
        add(Check("file", FAIL, f"cannot read: {exc}"))
        return report
    add(Check("PDF/X", PASS if doc.pdfx in PDFX else FAIL,
              doc.pdfx or "no GTS_PDFXVersion (not PDF/X)"))
    cmyk = [i for i in doc.output_intents if i["subtype"] == "/GTS_PDFX"
            and i["components"] == 4]
    add(Check("output intent", PASS if len(cmyk) == 1 and len(doc.output_intents) == 1
              else FAIL, "; ".join(f"{i['identifier']} ({i['components']} components)"
                                   for i in doc.output_intents) or "none"))
    for page in doc.pages:
        where = f"page {page.number}: " if len(doc.pages) > 1 else ""
        media, trim = page.boxes.get("MediaBox"), page.boxes.get("TrimBox")
        bleed = page.boxes.get("BleedBox", trim)
        if trim is None or media is None or bleed is None:
            add(Check("page boxes", FAIL, where + "no TrimBox"))
        else:
            nested = _inside(trim, bleed) and _inside(bleed, media)
            size = f"trim {_mm(trim[2] - trim[0])} × {_mm(trim[3] - trim[1])} mm"
            if media != trim:
                size += f", media {_mm(media[2] - media[0])} × {_mm(media[3] - media[1])} mm"
            add(Check("page boxes", PASS if nested else FAIL,
                      where + size + ("" if nested else ": boxes not nested")))
        missing = [name for name, embedded in page.fonts if not embedded]
        add(Check("fonts embedded", FAIL if missing else PASS, where + (
            "not embedded: " + ", ".join(missing) if missing else f"{len(page.fonts)} fonts")))
        add(Check("colour", FAIL if page.not_cmyk else PASS, where + (
            "not CMYK: " + "; ".join(sorted(set(page.not_cmyk))) if page.not_cmyk else
            "CMYK only (" + ", ".join(sorted(page.colour_spaces)) + ")")))
        if page.images:
            low = min(page.images, key=lambda i: i.ppi)
            report.min_ppi = round(min(report.min_ppi or low.ppi, low.ppi), 1)
            status = FAIL if low.ppi < limits.fail_ppi else WARN if low.ppi < limits.warn_ppi \
                else PASS
            add(Check("image resolution", status, where + (
                f"lowest {low.ppi:.0f} ppi ({low.width_px}×{low.height_px} px over "
                f"{_mm(low.width_pt)}×{_mm(low.height_pt)} mm); warn < {limits.warn_ppi:.0f}, "
                f"fail < {limits.fail_ppi:.0f}")))
        small = [s for s in page.text_sizes if s < limits.min_text_pt]
        add(Check("text size", WARN if small else PASS, where + (
            f"{len(small)} runs under {limits.min_text_pt:g} pt (smallest {min(small):g} pt)"
            if small else f"smallest {min(page.text_sizes, default=0):g} pt")))
        rich = [s for s in page.rich_black_text if s < limits.rich_black_pt]
        add(Check("rich black text", FAIL if rich else PASS, where + (
            f"{len(rich)} runs of rich black under {limits.rich_black_pt:g} pt" if rich else
            "small text on the black plate alone")))
        thin = [w for w in page.thin_rules if w < limits.min_rule_pt]
        add(Check("rule width", FAIL if thin else PASS, where + (
            f"{len(thin)} rules under 0.1 mm (thinnest {min(thin):.2f} pt)" if thin else
            "no rule under 0.1 mm")))
        if page.annotations:
            add(Check("annotations", FAIL, where + f"{page.annotations} annotations "
                      "(links) on the page: PDF/X allows none inside it"))
    report.max_ink = ink_coverage(path, limits.dpi)
    add(Check("total ink", PASS if report.max_ink <= limits.ink_limit else FAIL,
              f"max {report.max_ink:.0f} % (limit {limits.ink_limit} %, Ghostscript "
              f"separations at {limits.dpi} dpi)"))
    return report


def separations(path: Path, dpi: int, folder: Path) -> list[Path]:
    """Ghostscript renders each page to a CMYK TIFF (one channel per ink), unmanaged:
    DeviceCMYK values reach the separations as they are in the file."""
    gs = shutil.which("gs")
    if gs is None:
        raise ToolMissingError("Ghostscript (gs) not found: apt-get install ghostscript")
    out = folder / "sep-%03d.tif"
    result = subprocess.run(
        [gs, "-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", "-sDEVICE=tiff32nc", f"-r{dpi}",
         "-dUseTrimBox=false", f"-sOutputFile={out}", str(path)],
        capture_output=True, text=True, check=False, timeout=300)
    if result.returncode != 0:
        raise RenderError(f"Ghostscript could not render {path}: {result.stderr.strip()[:300]}")
    return sorted(folder.glob("sep-*.tif"))


def ink_coverage(path: Path, dpi: int = 72) -> float:
    """The maximum total area coverage of any pixel of any page, in percent."""
    with tempfile.TemporaryDirectory(prefix="epaper-ink-") as tmp:
        highest = 0.0
        for tif in separations(path, dpi, Path(tmp)):
            with PILImage.open(tif) as im:
                highest = max(highest, max_ink(im))
    return round(highest * 100 / 255, 1)


def _inside(inner: tuple[float, ...], outer: tuple[float, ...], slack: float = 0.01) -> bool:
    return (inner[0] >= outer[0] - slack and inner[1] >= outer[1] - slack
            and inner[2] <= outer[2] + slack and inner[3] <= outer[3] + slack)


def _mm(pt: float) -> str:
    return f"{pt / 72 * 25.4:.1f}"
