"""The archive's index: SQLite (standard library) with FTS5 full-text search.

Korean has no spaces inside words the way search needs: "전통시장" should be found by
"시장". Hangul runs are therefore indexed as overlapping syllable pairs (bigrams) beside the
words, and a Hangul query term becomes the phrase of its pairs.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

SCHEMA = """
PRAGMA journal_mode = WAL;
CREATE TABLE IF NOT EXISTS editions (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL,
    date TEXT NOT NULL,
    revision INTEGER NOT NULL,
    title TEXT NOT NULL,
    locale TEXT NOT NULL,
    pages INTEGER NOT NULL,
    pdf TEXT NOT NULL,
    report TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    added TEXT NOT NULL,
    UNIQUE (slug, date, revision)
);
CREATE TABLE IF NOT EXISTS files (
    path TEXT PRIMARY KEY,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    edition INTEGER NOT NULL REFERENCES editions(id)
);
CREATE TABLE IF NOT EXISTS stories (
    id INTEGER PRIMARY KEY,
    edition INTEGER NOT NULL REFERENCES editions(id),
    current INTEGER NOT NULL DEFAULT 1,  -- 0 once a later revision of its edition arrives
    date TEXT NOT NULL,
    slug TEXT NOT NULL,
    section TEXT NOT NULL,
    headline TEXT NOT NULL,
    byline TEXT NOT NULL,
    pages TEXT NOT NULL,
    page_indexes TEXT NOT NULL,
    boxes TEXT NOT NULL,
    text TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS stories_slug ON stories(slug);
CREATE INDEX IF NOT EXISTS stories_current ON stories(current, date);
CREATE INDEX IF NOT EXISTS stories_edition ON stories(edition);
CREATE VIRTUAL TABLE IF NOT EXISTS stories_fts USING fts5(
    headline, byline, body, content='', tokenize='unicode61 remove_diacritics 2'
);
"""
RANK = "INSERT INTO stories_fts(stories_fts, rank) VALUES('rank', 'bm25(4.0, 2.0, 1.0)')"

_HANGUL = re.compile(r"[\uac00-\ud7a3]+")


def grams(text: str) -> str:
    """Text for the index: Hangul runs become their syllable pairs, other words stay."""

    def pairs(match: re.Match[str]) -> str:
        run = match.group(0)
        if len(run) == 1:
            return run
        return " " + " ".join(run[i:i + 2] for i in range(len(run) - 1)) + " "

    return _HANGUL.sub(pairs, text)


def match_query(query: str) -> str:
    """An FTS5 query from what a user typed: every term must occur; Hangul terms match
    inside words; other terms match as word prefixes."""
    terms = []
    for term in re.findall(r"[\w']+", query):
        if _HANGUL.search(term):  # as indexed: Hangul as pairs, other parts as words
            terms.append('"' + " ".join(grams(term).split()).replace('"', "") + '"')
        else:
            terms.append('"' + term.replace('"', "") + '"*')
    return " AND ".join(terms)


def connect(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path, timeout=60, isolation_level=None)
    db.row_factory = sqlite3.Row
    db.executescript(SCHEMA)
    db.execute(RANK)  # headline matches weigh most, then byline, then body
    return db


@dataclass(frozen=True)
class Hit:
    story_id: int
    slug: str
    headline: str
    byline: str
    section: str
    date: str
    title: str
    page: str
    snippet: str
    rank: float


def _snippet(text: str, query: str, width: int = 80) -> str:
    terms = [t for t in re.findall(r"[\w']+", query)]
    lower = text.lower()
    at = min((i for i in (lower.find(t.lower()) for t in terms) if i >= 0), default=0)
    start = max(0, at - width // 2)
    piece = text[start:start + width].replace("\n", " ")
    return ("…" if start else "") + piece + ("…" if start + width < len(text) else "")


def search(db: sqlite3.Connection, query: str, date_from: str | None = None,
           date_to: str | None = None, section: str | None = None, byline: str | None = None,
           limit: int = 20) -> list[Hit]:
    """Stories of current revisions ranked by relevance (bm25: headline above byline above
    body), newest first among equals.

    FTS5 ranks its matches fastest on its own ("ORDER BY rank LIMIT k"); the best k are
    then joined and filtered, with k widened until enough pass the filters."""
    where, args = ["s.current = 1"], []
    for clause, value in (("s.date >= ?", date_from), ("s.date <= ?", date_to),
                          ("s.section = ?", section),
                          ("s.byline LIKE ?", byline and f"%{byline}%")):
        if value:
            where.append(clause)
            args.append(value)
    match = match_query(query)
    if not match:
        return []
    k = limit * 10
    while True:
        hits = db.execute("SELECT rowid, rank FROM stories_fts WHERE stories_fts MATCH ? "
                          "ORDER BY rank LIMIT ?", (match, k)).fetchall()
        rank = {h[0]: h[1] for h in hits}
        marks = ",".join("?" * len(rank)) or "NULL"
        rows = db.execute(f"""
            SELECT s.id, s.slug, s.headline, s.byline, s.section, s.pages, s.text, s.date,
                   e.title
            FROM stories s JOIN editions e ON e.id = s.edition
            WHERE s.id IN ({marks}) AND {' AND '.join(where)}""",
                          [*rank, *args]).fetchall()
        rows = sorted(rows, key=lambda r: (rank[r["id"]], -_day(r["date"])))[:limit]
        if len(rows) >= limit or len(hits) < k:
            break
        k *= 8
    return [Hit(r["id"], r["slug"], r["headline"], r["byline"], r["section"], r["date"],
                r["title"], r["pages"].split(",")[0], _snippet(r["text"], query), rank[r["id"]])
            for r in rows]


def _day(iso: str) -> int:
    return int(iso.replace("-", ""))
