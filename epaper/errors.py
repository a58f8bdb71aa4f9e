"""One error hierarchy for epaper.

Every error carries where the problem is (file, line, field) and how to fix it, so the
CLI can print it without a traceback. Input errors are collected and raised together
as an :class:`InputErrors`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


class EpaperError(Exception):
    """Base of every error epaper raises on purpose. ``exit_code`` is the CLI's."""

    exit_code = 1


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one input: where, what, and the fix."""

    path: Path | None
    message: str
    line: int | None = None
    column: int | None = None
    field: str | None = None
    fix: str | None = None

    def location(self) -> str:
        """``file:line:col`` (as much as is known; empty for a command-line option)."""
        if self.path is None and self.line is None:
            return ""
        where = str(self.path) if self.path else "<input>"
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return where

    def as_dict(self) -> dict[str, object]:
        """The problem as JSON-ready data: file, line, column, field, message, fix."""
        return {"file": str(self.path) if self.path else None, "line": self.line,
                "column": self.column, "field": self.field, "message": self.message,
                "fix": self.fix}

    def __str__(self) -> str:
        """``file:line:col: field: what — fix``."""
        where = self.location()
        text = f"{where}: " if where else ""
        if self.field:
            text += f"{self.field}: "
        text += self.message
        if self.fix:
            text += f" — {self.fix}"
        return text


class InputError(EpaperError):
    """One bad input: a file, a field, a value."""

    exit_code = 2

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


class InputErrors(EpaperError):
    """Several bad inputs, reported together (all problems of all files)."""

    exit_code = 2

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class FontError(EpaperError):
    """A declared font is missing, or the fonts cannot show a character."""

    exit_code = 3


class LayoutError(EpaperError):
    """A layout in ``layouts/`` is missing or malformed."""

    exit_code = 3


class SandboxError(EpaperError):
    """The renderer was asked to read a file or URL outside the allowed folders."""

    exit_code = 4


class RenderError(EpaperError):
    """WeasyPrint or the PDF step failed, or the rendered result disagrees with the plan."""

    exit_code = 5


class ToolMissingError(EpaperError):
    """An external program (e.g. ``pdftoppm``) is not installed."""

    exit_code = 3


class StrictFailure(EpaperError):
    """``--strict``: the edition was built but has overset or warnings; nothing written."""

    exit_code = 1


class ArchiveError(EpaperError):
    """The archive is damaged or cannot do what was asked."""

    exit_code = 6


class OutputError(EpaperError):
    """An output folder or file name that cannot be used: not a folder, read-only, a name
    too long for the file system. Found before the expensive work."""

    exit_code = 3


class WriteError(EpaperError):
    """Writing the output failed midway (a full disk, an I/O error). Nothing half-written
    is left at the final paths."""

    exit_code = 5
