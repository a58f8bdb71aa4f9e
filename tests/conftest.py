"""Shared fixtures: a Setter reused across tests, article writers, PDF readers."""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pdfplumber
import pytest

from epaper.preview import Depth, PreviewResult, Setter

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples" / "articles"
DATA = Path(__file__).resolve().parent / "data"
RESULTS = Path(__file__).resolve().parent / "results"


@pytest.fixture(scope="session")
def setter() -> Setter:
    return Setter("broadsheet")


@pytest.fixture
def write_article(tmp_path: Path):
    """Write an article file from front matter fields and a body; returns its path."""

    def write(body: str, name: str = "story.md", **fields: object) -> Path:
        import yaml

        fields.setdefault("headline", "A test headline for the desk")
        fields.setdefault("section", "national")
        front = yaml.safe_dump(fields, allow_unicode=True, sort_keys=False)
        path = tmp_path / name
        path.write_text(f"---\n{front}---\n{textwrap.dedent(body).strip()}\n", encoding="utf-8")
        return path

    return write


@dataclass
class Proof:
    """A rendered preview read back from its PDF bytes."""

    result: PreviewResult
    path: Path

    def words(self, top: float | None = None, bottom: float | None = None):
        with pdfplumber.open(self.path) as pdf:
            page = pdf.pages[0]
            words = page.extract_words(keep_blank_chars=False, use_text_flow=False,
                                       extra_attrs=["fontname", "size"])
        return [w for w in words if (top is None or w["top"] >= top)
                and (bottom is None or w["bottom"] <= bottom)]

    def chars(self):
        with pdfplumber.open(self.path) as pdf:
            return list(pdf.pages[0].chars)


@pytest.fixture
def proof(setter: Setter, tmp_path: Path):
    """Render an article with the shared setter and write the PDF."""

    def run(path: Path, columns: int | None = None, depth: str | None = None) -> Proof:
        result = setter.preview(path, columns, Depth.parse(depth) if depth else None)
        out = tmp_path / (path.stem + ".pdf")
        out.write_bytes(result.pdf)
        return Proof(result, out)

    return run




def group_lines(words, tolerance: float = 4.0):
    """Words grouped into lines by position (glyph boxes of mixed fonts differ a little),
    top to bottom, each line left to right."""
    lines: list[list[dict]] = []
    for w in sorted(words, key=lambda w: w["bottom"]):
        if lines and w["bottom"] - lines[-1][0]["bottom"] <= tolerance:
            lines[-1].append(w)
        else:
            lines.append([w])
    return [sorted(line, key=lambda w: w["x0"]) for line in lines]


def reading_order_words(proof: Proof, column_xs: list[tuple[float, float]], top: float,
                        bottom: float, body_size: float) -> list[str]:
    """Body-size words column by column, top to bottom, hyphenated line ends joined."""
    words = [w for w in proof.words(top, bottom) if abs(w["size"] - body_size) < 0.3]
    lines: list[str] = []
    for x0, x1 in column_xs:
        col = [w for w in words if x0 - 1 <= w["x0"] and w["x1"] <= x1 + 1]
        lines.extend(" ".join(w["text"] for w in line) for line in group_lines(col))
    return join_lines(lines)


def join_lines(lines: list[str]) -> list[str]:
    """Words of set lines read in order: a hyphenated line end (U+2010) is undone, a break
    after a hard hyphen ("lower-income") joins without a space."""
    text = ""
    for line in lines:
        if text.endswith("\u2010"):
            text = text[:-1] + line
        elif text.endswith("-") and text[-2:-1].isalpha():
            text = text + line
        else:
            text = f"{text} {line}" if text else line
    return text.split()


def words_of(text: str) -> list[str]:
    return re.sub(r"\s+", " ", text).split()


@pytest.fixture(scope="session")
def sample_epapers(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Both sample editions built with their e-paper (``build --web``): language → the
    PDF. Shared by the e-paper, browser and benchmark-style tests."""
    from typer.testing import CliRunner

    from epaper.cli import app

    out = tmp_path_factory.mktemp("samples-web")
    pdfs = {}
    for lang in ("en", "ko"):
        result = CliRunner().invoke(app, ["build", str(ROOT / "samples" / "editions" / lang),
                                          "--out-dir", str(out), "--web", "--jobs", "2"])
        assert result.exit_code == 0, result.output
        pdfs[lang] = Path(result.stdout.split()[0])
    return pdfs


# -- no temporary files left behind ------------------------------------------------------------
# The whole run (pytest's own tmp_path folders, subprocesses, WeasyPrint, workers) gets a
# private temporary folder. At the end, anything left in it besides pytest's folders fails
# the run; the folder is removed unless tests failed.

_PRIVATE_TMP: Path | None = None


def pytest_configure(config: pytest.Config) -> None:
    global _PRIVATE_TMP
    import os
    import tempfile

    if hasattr(config, "workerinput") or os.environ.get("EPAPER_TEST_TMP"):
        return
    _PRIVATE_TMP = Path(tempfile.mkdtemp(prefix="epaper-tests-"))
    os.environ["TMPDIR"] = os.environ["EPAPER_TEST_TMP"] = str(_PRIVATE_TMP)
    tempfile.tempdir = str(_PRIVATE_TMP)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    import os
    import shutil

    if _PRIVATE_TMP is None:
        return
    import gc

    from epaper.render import weasy

    weasy.cleanup()  # what the process would do at exit: its shared font folders go
    gc.collect()  # WeasyPrint removes its font folders when its documents are collected
    left = sorted(p.name for p in _PRIVATE_TMP.iterdir() if not p.name.startswith("pytest-of-"))
    os.environ.pop("EPAPER_TEST_TMP", None)
    if left:
        print(f"\ntemporary files left behind in {_PRIVATE_TMP}: {left[:10]}")
        session.exitstatus = 1
    elif exitstatus != 1:  # failed tests keep their tmp_path folders for a look
        shutil.rmtree(_PRIVATE_TMP, ignore_errors=True)
