"""PDF pages to PNG through poppler's ``pdftoppm`` (for proofs and pixel tests)."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from epaper.errors import RenderError, ToolMissingError
from epaper.files import write_atomic


def pdf_to_png(pdf: Path, png: Path, dpi: int = 110, page: int = 1) -> Path:
    """Render one page of ``pdf`` to ``png`` at ``dpi``."""
    tool = shutil.which("pdftoppm")
    if tool is None:
        raise ToolMissingError("pdftoppm not found: install poppler-utils "
                               "(apt-get install poppler-utils)")
    with tempfile.TemporaryDirectory() as tmp:
        stem = Path(tmp) / "page"
        result = subprocess.run(
            [tool, "-png", "-r", str(dpi), "-f", str(page), "-l", str(page), "-singlefile",
             str(pdf), str(stem)], capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise RenderError(f"pdftoppm failed on {pdf}: {result.stderr.strip()}")
        write_atomic(png, (stem.with_suffix(".png")).read_bytes())
    return png
