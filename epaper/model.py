"""The article model: what ingest produces and every later stage reads.

Plain frozen dataclasses; no I/O, no rendering knowledge. Body text is held as blocks of
styled runs so that later stages can cut a paragraph at any character (a line, a column,
a jump) without re-parsing markup.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Literal

Style = Literal["em", "strong", "dateline", "code"]


@dataclass(frozen=True)
class Run:
    """A stretch of text with one set of inline styles."""

    text: str
    styles: frozenset[Style] = frozenset()


@dataclass(frozen=True)
class Paragraph:
    """Running text that may be cut between lines. ``kind`` selects its style."""

    runs: tuple[Run, ...]
    kind: Literal["p", "li", "quote", "tagline"] = "p"
    marker: str = ""  # list marker ("•", "3."), set before the text

    @property
    def text(self) -> str:
        """The paragraph's plain text (what the reader reads)."""
        return "".join(r.text for r in self.runs)


@dataclass(frozen=True)
class Subhead:
    """A heading inside the body (``## Subhead``)."""

    text: str


@dataclass(frozen=True)
class Rule:
    """A section break inside the body (``---`` in Markdown)."""


@dataclass(frozen=True)
class Image:
    """A photo: ``path`` is resolved and checked to lie inside the allowed folders."""

    path: Path
    caption: str = ""
    credit: str = ""
    columns: int | None = None  # width in columns; None lets the layout choose
    source_line: int | None = None


@dataclass(frozen=True)
class PullQuote:
    """A sentence pulled out and set large inside the column flow."""

    text: str


@dataclass(frozen=True)
class Related:
    """A "related story" box."""

    headline: str
    published: datetime | None = None
    section: str | None = None


Block = Paragraph | Subhead | Rule | Image | PullQuote | Related


@dataclass(frozen=True)
class Article:
    """One story, validated. Optional fields are empty strings/tuples when absent."""

    path: Path
    slug: str
    headline: str
    section: str
    body: tuple[Block, ...]
    kicker: str = ""
    deck: str = ""
    bylines: tuple[str, ...] = ()
    dateline: str = ""
    published: datetime | None = None
    updated: datetime | None = None
    lang: str | None = None  # None: the edition's locale decides, else English
    region: str = ""  # the edition locale's territory (US, GB, KR): hyphenation patterns
    priority: int = 3
    tagline: str = ""
    trim: bool | None = None  # False: the story may never be cut (front matter trim: false)
    jumphead: str = ""  # head of its continuations; empty: the headline
    pullquotes: tuple[str, ...] = ()
    images: tuple[Image, ...] = ()
    related: tuple[Related, ...] = ()
    warnings: tuple[str, ...] = field(default=(), compare=False)

    @property
    def body_text(self) -> str:
        """Every word of the body (dateline excluded), paragraphs joined by newlines."""
        return "\n".join(b.text for b in self.body if isinstance(b, Paragraph))

    def words(self) -> list[str]:
        """The body's words in order: what must reach print exactly once."""
        return self.body_text.split()
