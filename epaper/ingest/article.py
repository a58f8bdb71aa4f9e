"""Read one article file: front matter, CommonMark body, images; all problems at once."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.token import Token

from epaper.errors import InputErrors, Problem
from epaper.ingest.frontmatter import FrontMatter, parse_front_matter
from epaper.model import (
    Article,
    Block,
    Image,
    Paragraph,
    Related,
    Rule,
    Run,
    Style,
    Subhead,
)

_RAW_HTML = re.compile(r"<(/?[A-Za-z][A-Za-z0-9-]*(\s[^<>]*)?/?|!--)>")
_SPACE = re.compile(r"\s+")
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\ufeff"))  # soft hyphen, ZWSP, BOM
_IMAGE_MAGIC = (
    (b"\xff\xd8\xff", "JPEG"),
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
)
_MD = MarkdownIt("commonmark", {"html": False, "typographer": True}).enable(
    ["replacements", "smartquotes"])


def _normalize(text: str) -> str:
    return _SPACE.sub(" ", text.translate(_INVISIBLE))


def _typeset(text: str) -> str:
    """A front-matter field with typographic quotes and dashes, Markdown marks dropped."""
    tokens = _MD.parseInline(text)
    children = tokens[0].children if tokens else None
    if not children:
        return _normalize(text).strip()
    return _normalize("".join(c.content if c.type in ("text", "code_inline") else
                              " " if c.type in ("softbreak", "hardbreak") else ""
                              for c in children)).strip()


def _runs_from_inline(token: Token) -> tuple[tuple[Run, ...], list[tuple[str, str, int | None]]]:
    """Styled runs of an inline token, plus the inline images it holds (src, alt, line)."""
    runs: list[Run] = []
    images: list[tuple[str, str, int | None]] = []
    styles: list[Style] = []
    line = token.map[0] + 1 if token.map else None
    for child in token.children or []:
        kind = child.type
        if kind == "text" or kind == "code_inline":
            extra: list[Style] = ["code"] if kind == "code_inline" else []
            runs.append(Run(child.content, frozenset(styles + extra)))
        elif kind in ("softbreak", "hardbreak"):
            runs.append(Run(" ", frozenset(styles)))
        elif kind == "em_open":
            styles.append("em")
        elif kind == "strong_open":
            styles.append("strong")
        elif kind in ("em_close", "strong_close") and styles:
            styles.pop()
        elif kind == "image":
            images.append((child.attrs.get("src", ""), child.content, line))
    return _tidy(runs), images


def _tidy(runs: Iterable[Run]) -> tuple[Run, ...]:
    """Collapse white space across runs, trim the ends, merge equal neighbours."""
    out: list[Run] = []
    for run in runs:
        text = _normalize(run.text)
        if out and out[-1].text.endswith(" ") and text.startswith(" "):
            text = text[1:]
        if not out:
            text = text.lstrip(" ")
        if not text:
            continue
        if out and out[-1].styles == run.styles:
            out[-1] = Run(out[-1].text + text, run.styles)
        else:
            out.append(Run(text, run.styles))
    while out and out[-1].text.endswith(" "):
        stripped = out[-1].text.rstrip(" ")
        out[-1:] = [Run(stripped, out[-1].styles)] if stripped else []
    return tuple(out)


class _ArticleReader:
    """Collects every problem of one file while building its Article."""

    def __init__(self, path: Path, roots: Sequence[Path]) -> None:
        self.path = path
        self.roots = [r.resolve() for r in roots]
        self.problems: list[Problem] = []
        self.warnings: list[str] = []

    def problem(self, message: str, **where: object) -> None:
        self.problems.append(Problem(self.path, message, **where))  # type: ignore[arg-type]

    # -- file and front matter -------------------------------------------------

    def read_text(self) -> str | None:
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            self.problem("file not found", fix="check the path")
            return None
        except OSError as exc:
            self.problem(f"cannot read the file: {exc.strerror}")
            return None
        if b"\x00" in data[:8192]:
            self.problem("this is a binary file, not an article",
                         fix="articles are UTF-8 Markdown text files with a YAML front matter")
            return None
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            self.problem(f"not UTF-8 text (byte 0x{data[exc.start]:02x})", line=line,
                         fix="save the file as UTF-8")
            return None
        return text.replace("\r\n", "\n").replace("\r", "\n")

    def split(self, text: str) -> tuple[str, str, int] | None:
        """(front matter, body, first body line)."""
        lines = text.split("\n")
        if not lines or lines[0].strip() != "---":
            self.problem("no front matter", line=1,
                         fix="start the file with a '---' line, the YAML fields "
                             "(headline, section, …), and another '---' line")
            return None
        for i in range(1, len(lines)):
            if lines[i].strip() in ("---", "..."):
                return "\n".join(lines[1:i]), "\n".join(lines[i + 1:]), i + 2
        self.problem("the front matter is not closed", line=1,
                     fix="add a '---' line after the last front matter field")
        return None

    # -- images ------------------------------------------------------------------

    def image_path(self, src: str, field: str, line: int | None) -> Path | None:
        """Resolve an image reference, refusing anything outside the allowed folders."""
        where = {"field": field, "line": line}
        fix = "put the photo in the article's or edition's folder and give a relative path"
        if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", src) and not re.match(r"^[A-Za-z]:[\\/]", src):
            self.problem(f"image '{src}' is a URL; epaper never fetches from the network "
                         "or reads URLs", fix=fix, **where)
            return None
        if src.startswith(("/", "\\", "~")) or re.match(r"^[A-Za-z]:[\\/]", src):
            self.problem(f"image '{src}' is an absolute path", fix=fix, **where)
            return None
        candidates = []
        for base in self.roots:  # relative to the article's folder, then the edition's
            resolved = (base / src).resolve()
            if any(resolved.is_relative_to(root) for root in self.roots):
                candidates.append(resolved)
        if not candidates:
            self.problem(f"image '{src}' points outside the article's folder", fix=fix, **where)
            return None
        for candidate in candidates:
            if candidate.is_file():
                with candidate.open("rb") as fh:
                    head = fh.read(16)
                if any(head.startswith(m) for m, _ in _IMAGE_MAGIC) or (
                    head[:4] == b"RIFF" and head[8:12] == b"WEBP"
                ):
                    return candidate
                self.problem(f"image '{src}' is not a JPEG, PNG, GIF or WebP file",
                             fix="export the photo as JPEG or PNG", **where)
                return None
        self.problem(f"image '{src}' not found (looked in "
                     + ", ".join(str(r) for r in self.roots) + ")", fix=fix, **where)
        return None

    # -- body --------------------------------------------------------------------

    def body(self, text: str, first_line: int) -> tuple[Block, ...]:
        tokens = _MD.parse(text)
        blocks: list[Block] = []
        kinds: list[str] = []  # enclosing containers: "quote", "ul", "ol"
        counters: list[int] = []
        pending_marker = ""
        for i, tok in enumerate(tokens):
            line = tok.map[0] + first_line if tok.map else None
            if tok.type == "blockquote_open":
                kinds.append("quote")
            elif tok.type == "bullet_list_open":
                kinds.append("ul")
                counters.append(0)
            elif tok.type == "ordered_list_open":
                kinds.append("ol")
                start = tok.attrs.get("start")
                counters.append(int(start if start is not None else 1) - 1)
            elif tok.type in ("blockquote_close", "bullet_list_close", "ordered_list_close"):
                kinds.pop()
                if tok.type != "blockquote_close":
                    counters.pop()
            elif tok.type == "list_item_close":
                pending_marker = ""  # an empty item lends its marker to nothing
            elif tok.type == "list_item_open":
                counters[-1] += 1
                pending_marker = "•" if kinds[-1] == "ul" else f"{counters[-1]}."
            elif tok.type == "hr":
                blocks.append(Rule())
            elif tok.type in ("fence", "code_block"):
                for code_line in tok.content.splitlines():
                    if code_line.strip():
                        blocks.append(Paragraph((Run(_normalize(code_line).strip(),
                                                     frozenset({"code"})),)))
            elif tok.type == "inline":
                runs, images = _runs_from_inline(tok)
                parent = tokens[i - 1].type if i else ""
                if parent == "heading_open":
                    if runs:
                        blocks.append(Subhead("".join(r.text for r in runs)))
                elif runs:
                    kind = "quote" if "quote" in kinds else ("li" if pending_marker else "p")
                    blocks.append(Paragraph(runs, kind=kind, marker=pending_marker))
                    pending_marker = ""
                for src, alt, rel_line in images:
                    abs_line = rel_line + first_line - 1 if rel_line else line
                    path = self.image_path(src, "body image", abs_line)
                    if path:
                        blocks.append(Image(path, caption=_normalize(alt).strip(),
                                            source_line=abs_line))
        return tuple(blocks)

    # -- all of it ---------------------------------------------------------------

    def read(self) -> Article | None:
        text = self.read_text()
        if text is None:
            return None
        parts = self.split(text)
        if parts is None:
            return None
        yaml_text, body_text, body_line = parts
        meta, problems = parse_front_matter(yaml_text, self.path, first_line=2)
        self.problems.extend(problems)
        body = self.body(body_text, body_line)
        if not any(isinstance(b, Paragraph) for b in body):
            self.problem("the article has no body text", line=body_line,
                         fix="write the story below the closing '---' line")
        if _RAW_HTML.search(text):
            line = text[: _RAW_HTML.search(text).start()].count("\n") + 1  # type: ignore[union-attr]
            self.warnings.append(f"{self.path}:{line}: raw HTML is printed as text, "
                                 "never as markup")
        if meta is None:
            return None
        images = self.images(meta, yaml_text)
        if self.problems:
            return None
        return Article(
            path=self.path,
            slug=meta.slug or self.path.stem,
            headline=_typeset(meta.headline),
            section=meta.section,
            body=body,
            kicker=_typeset(meta.kicker),
            deck=_typeset(meta.deck),
            bylines=tuple(_normalize(b).strip() for b in meta.bylines()),
            dateline=_normalize(meta.dateline).strip(),
            published=meta.published,
            updated=meta.updated,
            lang=meta.lang,
            priority=meta.priority,
            tagline=_typeset(meta.tagline),
            trim=meta.trim,
            jumphead=_typeset(meta.jumphead),
            pullquotes=tuple(_typeset(q) for q in meta.pullquotes if q.strip()),
            images=images,
            related=tuple(Related(_typeset(r.headline), r.published, r.section)
                          for r in meta.related),
            warnings=tuple(self.warnings),
        )

    def images(self, meta: FrontMatter, yaml_text: str) -> tuple[Image, ...]:
        out = []
        for n, img in enumerate(meta.images):
            line = _find_line(yaml_text, img.src)
            path = self.image_path(img.src, f"images.{n}.src", line and line + 1)
            if path:
                out.append(Image(path, _typeset(img.caption), _typeset(img.credit), img.columns,
                                 line and line + 1))
        return tuple(out)


def _find_line(text: str, needle: str) -> int | None:
    index = text.find(needle)
    return text[:index].count("\n") + 1 if index >= 0 else None


def read_article(path: Path, roots: Sequence[Path] = ()) -> Article:
    """Read and validate one article file.

    ``roots`` are the folders images may come from (default: the article's folder).
    Raises :class:`InputErrors` listing every problem of the file.
    """
    path = Path(path)
    reader = _ArticleReader(path, list(roots) or [path.parent])
    article = reader.read()
    if article is None:
        raise InputErrors(reader.problems)
    return article


def check_articles(paths: Sequence[Path], roots: Sequence[Path] = ()) -> list[Article]:
    """Read every file; raise one :class:`InputErrors` with all problems of all files."""
    problems: list[Problem] = []
    articles: list[Article] = []
    for path in paths:
        try:
            articles.append(read_article(path, roots))
        except InputErrors as exc:
            problems.extend(exc.problems)
    if problems:
        raise InputErrors(problems)
    return articles
