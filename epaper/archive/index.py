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
CREATE VIRTUAL TABLE IF NOT EXISTS stories_fts USING fts5(
    headline, byline, body, content='', tokenize='unicode61 remove_diacritics 2'
);
"""

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
        if _HANGUL.fullmatch(term) and len(term) > 1:
            terms.append('"' + " ".join(term[i:i + 2] for i in range(len(term) - 1)) + '"')
        else:
            terms.append('"' + term.replace('"', "") + '"*')
    return " AND ".join(terms)


def connect(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path, timeout=60, isolation_level=None)
    db.row_factory = sqlite3.Row
    db.executescript(SCHEMA)
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
    """Stories ranked by relevance (bm25), newest first among equals, current revisions."""
    sql = """
        SELECT s.id, s.slug, s.headline, s.byline, s.section, s.pages, s.text, e.date,
               e.title, bm25(stories_fts, 4.0, 2.0, 1.0) AS rank
        FROM stories_fts JOIN stories s ON s.id = stories_fts.rowid
        JOIN editions e ON e.id = s.edition
        WHERE stories_fts MATCH ?
          AND e.revision = (SELECT MAX(revision) FROM editions e2
                            WHERE e2.slug = e.slug AND e2.date = e.date)
    """
    args: list[object] = [match_query(query)]
    if date_from:
        sql += " AND e.date >= ?"
        args.append(date_from)
    if date_to:
        sql += " AND e.date <= ?"
        args.append(date_to)
    if section:
        sql += " AND s.section = ?"
        args.append(section)
    if byline:
        sql += " AND s.byline LIKE ?"
        args.append(f"%{byline}%")
    sql += " ORDER BY rank, e.date DESC LIMIT ?"
    args.append(limit)
    return [Hit(r["id"], r["slug"], r["headline"], r["byline"], r["section"], r["date"],
                r["title"], r["pages"].split(",")[0], _snippet(r["text"], query), r["rank"])
            for r in db.execute(sql, args)]
