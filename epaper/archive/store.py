"""The edition archive on disk: plain folders, PDF/A copies, an index, never overwritten.

    ARCHIVE/index.sqlite
    ARCHIVE/2026/11/30/the-harbor-courier-2026-11-30.pdf          (PDF/A-3b, sources inside)
    ARCHIVE/2026/11/30/the-harbor-courier-2026-11-30.report.json
    ARCHIVE/2026/11/30/the-harbor-courier-2026-11-30.r2.pdf       (a later revision)

Adding takes an exclusive lock, writes the files under new names (atomically), then records
them in one transaction: a kill at any moment leaves at worst an unindexed file, never an
index row pointing at a missing one.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from epaper import pdf as pdftools
from epaper.archive import index
from epaper.edition import replate
from epaper.edition.build import ArchivalExtras, build, stable_report_bytes
from epaper.errors import ArchiveError, InputError, Problem, RenderError, WriteError
from epaper.files import check_folder, read_regular, refuse_output, write_atomic
from epaper.limits import limits


def default_root() -> Path:
    """``$EPAPER_ARCHIVE`` or ``./archive``."""
    return Path(os.environ.get("EPAPER_ARCHIVE", "archive")).resolve()


@dataclass(frozen=True)
class Added:
    pdf: Path
    report: Path
    revision: int
    new: bool  # False: the same edition was already archived (nothing changed)
    restored: bool = False  # its files were missing or damaged and are written again


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class Archive:
    def __init__(self, root: Path | None = None) -> None:
        self.root = (root or default_root()).resolve()

    # -- plumbing -----------------------------------------------------------------------------

    @contextmanager
    def _locked(self) -> Iterator[None]:
        check_folder(self.root, "archive folder (--archive)")
        with open(self.root / ".lock", "a+b") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)  # a second writer waits here
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def db(self):  # type: ignore[no-untyped-def]
        if not (self.root / "index.sqlite").is_file():
            raise ArchiveError(f"no archive index at {self.root / 'index.sqlite'}: "
                               + ("add an edition first" if not self.root.exists() else
                                  "the index is missing; rebuild it from the archived PDFs: "
                                  f"epaper archive reindex -a {self.root}"))
        try:
            return index.connect(self.root / "index.sqlite")
        except sqlite3.DatabaseError as exc:
            raise self._damaged(exc) from None

    def _damaged(self, exc: Exception) -> ArchiveError:
        return ArchiveError(f"{self.root / 'index.sqlite'}: the archive index is damaged "
                            f"({exc}); rebuild it from the archived PDFs: "
                            f"epaper archive reindex -a {self.root}")

    @contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection]:
        """The index, open; a damaged database becomes one clear :class:`ArchiveError`."""
        db = self.db()
        try:
            if db.execute("SELECT 1 FROM editions LIMIT 1").fetchone() is None and \
                    next(self.root.glob("[0-9]*/[0-9]*/[0-9]*/*.pdf"), None) is not None:
                raise ArchiveError(f"{self.root / 'index.sqlite'}: the index lists no editions "
                                   "but the archive holds edition PDFs (a truncated index?); "
                                   "rebuild it from the archived PDFs: "
                                   f"epaper archive reindex -a {self.root}")
            yield db
        except sqlite3.DatabaseError as exc:
            raise self._damaged(exc) from None
        finally:
            db.close()

    # -- add ----------------------------------------------------------------------------------

    def add_built(self, archival_pdf: bytes, report: dict[str, object]) -> Added:
        """Store an edition built with ``archival=True`` (PDF/A-3b bytes and its report)."""
        edition = report["edition"]
        assert isinstance(edition, dict)
        stem = Path(str(edition["pdf"])).stem
        slug, day = stem[: -len(str(edition["date"])) - 1], str(edition["date"])
        digest = _sha(archival_pdf)
        rep = stable_report_bytes(report)
        with self._locked():
            try:
                db = index.connect(self.root / "index.sqlite")
            except sqlite3.DatabaseError as exc:
                raise self._damaged(exc) from None
            try:
                same = db.execute("SELECT pdf, report, revision FROM editions WHERE slug = ? "
                                  "AND date = ? AND sha256 = ?", (slug, day, digest)).fetchone()
                if same:
                    restored = self._restore([(same["pdf"], archival_pdf),
                                              (same["report"], rep)])
                    return Added(self.root / same["pdf"], self.root / same["report"],
                                 same["revision"], False, restored)
                revision = (db.execute("SELECT MAX(revision) FROM editions WHERE slug = ? AND "
                                       "date = ?", (slug, day)).fetchone()[0] or 0) + 1
                folder = Path(day[:4], day[5:7], day[8:10])
                name = stem if revision == 1 else f"{stem}.r{revision}"
                pdf_rel, rep_rel = folder / f"{name}.pdf", folder / f"{name}.report.json"
                written = []
                try:
                    for rel, data in ((pdf_rel, archival_pdf), (rep_rel, rep)):
                        # a file here can only be left by a killed add (never indexed)
                        write_atomic(self.root / rel, data)
                        written.append(self.root / rel)
                except OSError as exc:
                    for path in written:
                        path.unlink(missing_ok=True)
                    raise WriteError(f"{exc.filename or self.root}: cannot write to the "
                                     f"archive: {exc.strerror} — free space and add again "
                                     "(the archive is unchanged)") from None
                self._index(db, report, slug, day, revision, pdf_rel, rep_rel, digest,
                            archival_pdf, rep)
                return Added(self.root / pdf_rel, self.root / rep_rel, revision, True)
            except sqlite3.DatabaseError as exc:
                raise self._damaged(exc) from None
            finally:
                db.close()

    def _restore(self, files: list[tuple[str, bytes]]) -> bool:
        """Write again the files of an archived edition that are missing or changed."""
        restored = False
        for rel, data in files:
            path = self.root / rel
            if not path.is_file() or _sha(path.read_bytes()) != _sha(data):
                try:
                    write_atomic(path, data)
                except OSError as exc:
                    raise WriteError(f"{path}: cannot restore: {exc.strerror}") from None
                restored = True
        return restored

    def _index(self, db, report, slug, day, revision, pdf_rel, rep_rel, digest,  # type: ignore[no-untyped-def]
               pdf_data, rep_data) -> None:
        edition = report["edition"]
        labels = edition["labels"]
        db.execute("BEGIN IMMEDIATE")
        try:
            cur = db.execute(
                "INSERT INTO editions (slug, date, revision, title, locale, pages, pdf, report,"
                " sha256, added) VALUES (?,?,?,?,?,?,?,?,?,?)",
                (slug, day, revision, edition["title"], edition["locale"], edition["pages"],
                 str(pdf_rel), str(rep_rel), digest, datetime.now(UTC).isoformat()))
            eid = cur.lastrowid
            db.execute("UPDATE stories SET current = 0 WHERE edition IN (SELECT id FROM "
                       "editions WHERE slug = ? AND date = ? AND id != ?)", (slug, day, eid))
            for rel, data in ((pdf_rel, pdf_data), (rep_rel, rep_data)):
                db.execute("INSERT OR REPLACE INTO files (path, sha256, size, edition) "
                           "VALUES (?,?,?,?)", (str(rel), _sha(data), len(data), eid))
            boxes: dict[str, list[object]] = {}
            for page in report["pages"]:
                for frag in page["stories"]:
                    boxes.setdefault(frag["slug"], []).append(
                        {"page": page["label"], "part": frag["part"], "box_pt": frag["box_pt"]})
            for story in report["stories"]:
                pages = story["pages"]
                cur = db.execute(
                    "INSERT INTO stories (edition, date, slug, section, headline, byline, pages,"
                    " page_indexes, boxes, text) VALUES (?,?,?,?,?,?,?,?,?,?)",
                    (eid, day, story["slug"], story["section"], story["headline"],
                     story["byline"],
                     ",".join(pages), ",".join(str(labels.index(p)) for p in pages),
                     json.dumps(boxes.get(story["slug"], [])), story["text"]))
                db.execute("INSERT INTO stories_fts (rowid, headline, byline, body) "
                           "VALUES (?,?,?,?)", (cur.lastrowid, index.grams(story["headline"]),
                                                index.grams(story["byline"]),
                                                index.grams(story["text"])))
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def add(self, path: Path, extras: ArchivalExtras | None = None) -> Added:
        """Archive an edition already built: ``path`` is its PDF or its build folder. The
        edition is rebuilt from its recorded sources as PDF/A-3b; the rebuild must give the
        very same PDF, which proves the sources are the ones it was made from. ``extras``
        adds files to the archive copy: by default the e-paper's ALTO and METS, as
        ``build --archive`` embeds them, so that both ways give the same copy."""
        if extras is None:
            from epaper.web.make import archival_extras as extras
        pdf_path, report_path = _find_build(Path(path))
        try:
            data = read_regular(pdf_path, limits().report_bytes)
        except OSError as exc:
            raise InputError(Problem(pdf_path, f"cannot read it: {exc.strerror}",
                                     fix="give an edition PDF built by epaper")) from None
        try:
            found = pdftools.facts(data)
        except RenderError as exc:
            raise InputError(Problem(pdf_path, f"not a readable PDF ({exc})",
                                     fix="give an edition PDF built by epaper")) from exc
        if not found.info.get("Creator", "").startswith("epaper"):
            raise InputError(Problem(pdf_path, "this PDF was not made by epaper",
                                     fix="archive editions built with `epaper build`"))
        try:
            report = json.loads(read_regular(report_path, limits().report_bytes))
            edition = report["edition"]
            source = Path(edition["source"])
        except (OSError, ValueError, KeyError, TypeError, RecursionError) as exc:
            raise InputError(Problem(report_path, f"not an epaper build report ({exc})",
                                     fix="keep the .report.json written beside the PDF")) from exc
        if edition.get("date") != found.info.get("EditionDate"):
            raise InputError(Problem(pdf_path, "the PDF and its report are of different "
                                     "editions", fix="give the report written with this PDF"))
        changed = [rel for rel, sha in edition.get("sources", {}).items()
                   if not (source / rel).is_file() or _sha((source / rel).read_bytes()) != sha]
        if changed or not edition.get("sources"):
            raise InputError(Problem(source, "the edition's sources are gone or changed since "
                                     "it was built: " + ", ".join(changed[:5]),
                                     fix="archive at build time: epaper build --archive DIR"))
        with tempfile.TemporaryDirectory() as tmp:
            plan = replate.plan_path(pdf_path.parent, pdf_path.stem)
            if plan.is_file():  # a replated edition is rebuilt on its own page plan
                for file in (pdf_path, report_path):
                    shutil.copyfile(file, Path(tmp) / file.name)
                (Path(tmp) / ".cache").mkdir()
                shutil.copyfile(plan, replate.plan_path(Path(tmp), pdf_path.stem))
            rebuilt = build(source, Path(tmp), edition["date"], edition["locale"], jobs=1,
                            use_cache=True, archival=True, archival_extras=extras)
            if rebuilt.pdf_path.read_bytes() != data:
                raise InputError(Problem(pdf_path, "the PDF differs from what its sources "
                                         "build now (edited after the build?)",
                                         fix="archive at build time: epaper build --archive DIR"))
            assert rebuilt.archival_pdf is not None
            return self.add_built(rebuilt.archival_pdf, rebuilt.report)

    def reindex(self) -> tuple[int, list[str]]:
        """Rebuild the index from the archived PDFs, which carry their build reports. The
        old index is kept beside it as ``index.sqlite.damaged``. A missing report file is
        written again from the PDF. Returns the editions indexed and the files skipped."""
        skipped: list[str] = []
        with self._locked():
            found = []
            for pdf in self.root.glob("[0-9]*/[0-9]*/[0-9]*/*.pdf"):
                match = re.fullmatch(r"(.+?)(?:\.r(\d+))?", pdf.stem)
                assert match is not None
                found.append((pdf.parent.as_posix(), match[1], int(match[2] or 1), pdf))
            reports = []
            for _, _, revision, pdf in sorted(found):
                rel = pdf.relative_to(self.root)
                try:
                    data = pdf.read_bytes()
                    embedded = pdftools.attachment(data, ".report.json")
                    if embedded is None:
                        raise ValueError("no build report inside")
                    report = json.loads(embedded[1])
                    edition = report["edition"]
                    stem = Path(str(edition["pdf"])).stem
                    slug, day = stem[: -len(str(edition["date"])) - 1], str(edition["date"])
                except (OSError, ValueError, KeyError, TypeError, RenderError,
                        RecursionError) as exc:
                    skipped.append(f"{rel.as_posix()}: {exc}")
                    continue
                reports.append((day, slug, revision, rel, data, report, embedded[1]))
            index_path = self.root / "index.sqlite"
            for suffix in ("", "-wal", "-shm"):
                old = Path(f"{index_path}{suffix}")
                if old.exists():
                    os.replace(old, Path(f"{index_path}.damaged{suffix}"))
            db = index.connect(index_path)
            try:
                for day, slug, revision, rel, data, report, rep in sorted(
                        reports, key=lambda r: r[:3]):
                    rep_rel = rel.with_name(rel.name[:-len(".pdf")] + ".report.json")
                    self._restore([(str(rep_rel), rep)])
                    self._index(db, report, slug, day, revision, rel, rep_rel, _sha(data),
                                data, rep)
            finally:
                db.close()
        return len(reports), skipped

    # -- read -----------------------------------------------------------------------------------

    def editions(self) -> list[dict[str, object]]:
        with self._reading() as db:
            return [dict(r) for r in db.execute(
                "SELECT id, date, slug, revision, title, locale, pages, pdf FROM editions "
                "ORDER BY date, slug, revision")]

    def search(self, query: str, **filters: str | None) -> list[index.Hit]:
        with self._reading() as db:
            return index.search(db, query, **filters)  # type: ignore[arg-type]

    def show(self, key: str, day: str | None, out: Path) -> tuple[dict[str, object], Path]:
        """Write the pages of one story (by slug, or story id) to ``out``."""
        refused = refuse_output(out, archive=self.root)
        if refused:
            raise InputError(refused)
        row, data = self.story_pdf(key, day)
        try:
            write_atomic(out, data)
        except OSError as exc:
            raise WriteError(f"{exc.filename or out}: cannot write: {exc.strerror} — give a "
                             "folder you can write to, with free space") from None
        return row, out

    def story_pdf(self, key: str, day: str | None) -> tuple[dict[str, object], bytes]:
        """The pages of one story (by slug, or story id) as a PDF, with its index row."""
        with self._reading() as db:
            sql = ("SELECT s.*, e.pdf, e.date FROM stories s JOIN editions e ON e.id = s.edition"
                   " WHERE (s.slug = ? OR CAST(s.id AS TEXT) = ?)")
            args: list[object] = [key, key]
            if day:
                sql += " AND e.date = ?"
                args.append(day)
            row = db.execute(sql + " ORDER BY e.date DESC, e.revision DESC LIMIT 1",
                             args).fetchone()
        if row is None:
            raise InputError(Problem(None, f"no story '{key}'" + (f" on {day}" if day else "")
                                     + " in the archive", fix="find it with epaper archive "
                                                              "search"))
        if not row["page_indexes"]:
            raise InputError(Problem(None, f"story '{row['slug']}' was not printed in the "
                                     f"{row['date']} edition (it is in its report as unplaced)"))
        try:
            data = (self.root / row["pdf"]).read_bytes()
        except OSError as exc:
            raise ArchiveError(f"{self.root / row['pdf']}: the archived edition cannot be "
                               f"read ({exc.strerror}); run `epaper archive verify` and "
                               "restore it by adding the edition again") from None
        pages = [int(i) for i in row["page_indexes"].split(",")]
        return dict(row), pdftools.extract_pages(data, pages)

    def verify(self) -> list[str]:
        """Every indexed file re-hashed and every PDF opened: the problems found."""
        problems = []
        rebuild = f"rebuild the index from the archived PDFs: epaper archive reindex -a {self.root}"
        with self._reading() as db:
            check = db.execute("PRAGMA integrity_check").fetchone()[0]
            if check != "ok":
                problems.append(f"damaged index: {check}; {rebuild}")
            rows = list(db.execute("SELECT path, sha256, size FROM files ORDER BY path"))
            editions = {r["pdf"] for r in db.execute("SELECT pdf FROM editions")}
        indexed = {r["path"] for r in rows}
        for path in sorted(self.root.glob("[0-9]*/**/*")):
            rel = path.relative_to(self.root).as_posix()
            if path.name.endswith(".part"):
                problems.append(f"stale: {rel} (left by an interrupted add; delete it)")
            elif path.is_file() and rel not in indexed:
                problems.append(f"not indexed: {rel}; {rebuild}")
        qpdf = shutil.which("qpdf")
        for row in rows:
            path = self.root / row["path"]
            if not path.is_file():
                problems.append(f"missing: {row['path']}")
                continue
            data = path.read_bytes()
            if _sha(data) != row["sha256"]:
                problems.append(f"changed: {row['path']} (sha256 differs from the index)")
                continue
            if row["path"] in editions:
                try:
                    found = pdftools.facts(data)
                    if not found.info.get("Creator", "").startswith("epaper"):
                        problems.append(f"unreadable: {row['path']} (not an epaper PDF)")
                except RenderError as exc:
                    problems.append(f"unreadable: {row['path']} ({exc})")
                    continue
                if qpdf:
                    check = subprocess.run([qpdf, "--check", str(path)], capture_output=True,
                                           text=True, check=False)
                    if check.returncode not in (0, 3):  # 3: warnings only
                        problems.append(f"unreadable: {row['path']} (qpdf: "
                                        f"{check.stdout.strip().splitlines()[-1:]})")
        return problems


def _find_build(path: Path) -> tuple[Path, Path]:
    if path.is_dir():
        pdfs = sorted(p for p in path.glob("*.pdf") if p.with_suffix(".report.json").exists())
        if len(pdfs) != 1:
            raise InputError(Problem(path, f"found {len(pdfs)} edition PDFs with a report here",
                                     fix="give the edition's PDF itself"))
        path = pdfs[0]
    if not path.is_file():
        raise InputError(Problem(path, "file not found"))
    with path.open("rb") as fh:
        if fh.read(5) != b"%PDF-":
            raise InputError(Problem(path, "not a PDF file", fix="give an edition PDF"))
    report = path.with_suffix(".report.json")
    if not report.is_file():
        raise InputError(Problem(path, f"no build report beside it ({report.name})",
                                 fix="keep the .report.json written with the PDF"))
    return path, report
