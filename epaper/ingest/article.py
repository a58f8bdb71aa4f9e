"""Read one article file: front matter, CommonMark body, images; all problems at once."""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.token import Token
from PIL import Image as PILImage
from PIL import ImageFile

from epaper import l10n
from epaper.errors import InputErrors, Problem
from epaper.files import NotRegularFile, TooLarge, read_regular
from epaper.ingest.frontmatter import ID_PATTERN, FrontMatter, parse_front_matter
from epaper.limits import limits
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
_SPACE = re.compile(r"[^\S\u00a0\u202f]+")  # no-break spaces are kept: they are meant
# soft hyphen, ZWSP, BOM, and the bidi controls (an RLO would print "resigns" reversed)
_BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\ufeff" + _BIDI))
_HIDDEN = re.compile(f"[{_BIDI}\u200b\u200c\u200d\u2060\ufeff]")


def hidden_characters(path: Path, text: str) -> list[str]:
    """A warning naming line and column of each bidi control (removed: it would reorder
    the words in print) and zero-width character in ``text``."""
    out = []
    for lineno, line_text in enumerate(text.split("\n"), start=1):
        for hit in _HIDDEN.finditer(line_text):
            char = hit.group(0)
            what = "bidi control" if char in _BIDI else "zero-width character"
            out.append(f"{path}:{lineno}:{hit.start() + 1}: {what} U+{ord(char):04X}"
                       + (" removed: it would reorder the words in print" if char in _BIDI
                          else ": invisible in print"))
    return out


def without_invisibles(text: str) -> str:
    """``text`` without soft hyphens, zero-width spaces, BOMs and bidi controls."""
    return text.translate(_INVISIBLE)
MAX_NESTING = 100  # lists and quotes nested deeper than this are refused (markdown tokens)
SHOWN_NESTING = 1  # the layouts set lists and quotes one level deep: deeper ones print flat
_IMAGE_MAGIC = (
    (b"\xff\xd8\xff", "JPEG"),
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
)


@cache
def _markdown(lang: str | None) -> MarkdownIt:
    """CommonMark with typographic dashes and the smart quotes of the story's language."""
    return MarkdownIt("commonmark", {"html": False, "typographer": True,
                                     "quotes": list(l10n.quotes(lang)),
                                     "maxNesting": 2 * MAX_NESTING + 4}).enable(
        ["replacements", "smartquotes"])


def _normalize(text: str) -> str:
    return _SPACE.sub(" ", text.translate(_INVISIBLE))


def curl_quotes(text: str, opened: bool = False) -> tuple[str, bool]:
    """Straight quotes Markdown's smartquotes left (a closing quote before a Korean particle:
    ``"…"며``) curled by pairing: each ``"`` closes an open one or opens one; an apostrophe
    between letters becomes ’. Returns the text and whether a quote is still open."""
    out = []
    for i, char in enumerate(text):
        if char == '"':
            out.append("”" if opened else "“")
            opened = not opened
        elif char == "'" and 0 < i < len(text) - 1 and text[i - 1].isalnum():
            out.append("’")
        else:
            if char in "“":
                opened = True
            elif char in "”":
                opened = False
            out.append(char)
    return "".join(out), opened


def _typeset(text: str, lang: str | None = None) -> str:
    """A front-matter field with typographic quotes and dashes, Markdown marks dropped."""
    tokens = _markdown(lang).parseInline(text)
    children = tokens[0].children if tokens else None
    if not children:
        return curl_quotes(_normalize(text).strip())[0]
    return _curled(_normalize("".join(c.content if c.type in ("text", "code_inline") else
                              " " if c.type in ("softbreak", "hardbreak") else ""
                              for c in children)).strip())


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


def _curled(text: str) -> str:
    return curl_quotes(text)[0]


def _tidy(runs: Iterable[Run]) -> tuple[Run, ...]:
    """Collapse white space across runs, trim the ends, merge equal neighbours, curl the
    quotes smartquotes left straight."""
    out: list[Run] = []
    opened = False
    for run in runs:
        text = _normalize(run.text)
        if "code" not in run.styles:
            text, opened = curl_quotes(text, opened)
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
        limit = limits().article_bytes
        try:
            data = read_regular(self.path, limit)
        except FileNotFoundError:
            self.problem("file not found", fix="check the path")
            return None
        except NotRegularFile:
            self.problem("not a regular file (a device, a pipe or a folder)",
                         fix="give the article's .md file itself")
            return None
        except TooLarge:
            self.problem(f"the article is larger than {limit:,} bytes",
                         fix="split it, or raise EPAPER_MAX_ARTICLE_BYTES")
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
                    trouble = image_trouble(candidate)
                    if trouble:
                        self.problem(f"image '{src}' {trouble[0]}", fix=trouble[1], **where)
                        return None
                    return candidate
                self.problem(f"image '{src}' is not a JPEG, PNG, GIF or WebP file",
                             fix="export the photo as JPEG or PNG", **where)
                return None
        self.problem(f"image '{src}' not found (looked in "
                     + ", ".join(str(r) for r in self.roots) + ")", fix=fix, **where)
        return None

    # -- body --------------------------------------------------------------------

    def body(self, text: str, first_line: int, lang: str | None) -> tuple[Block, ...]:
        tokens = _markdown(lang).parse(text)
        deepest = max((t.level for t in tokens), default=0)
        if deepest >= 2 * MAX_NESTING:  # markdown-it stops there and drops the rest
            where = next(t for t in tokens if t.level >= 2 * MAX_NESTING)
            self.problem(f"lists or quotes nested more than {MAX_NESTING} levels deep",
                         line=where.map[0] + first_line if where.map else first_line,
                         fix="nest lists and quotes at most a few levels deep")
            return ()
        flat_at: int | None = None
        blocks: list[Block] = []
        kinds: list[str] = []  # enclosing containers: "quote", "ul", "ol"
        counters: list[int] = []
        pending_marker = ""
        for i, tok in enumerate(tokens):
            line = tok.map[0] + first_line if tok.map else None
            if tok.type in ("blockquote_open", "bullet_list_open", "ordered_list_open") and \
                    flat_at is None and (kinds.count("quote") >= SHOWN_NESTING
                                         if tok.type == "blockquote_open" else
                                         len(kinds) - kinds.count("quote") >= SHOWN_NESTING):
                flat_at = line
                self.warnings.append(f"{self.path}:{line}: lists or quotes nested deeper "
                                     f"than {SHOWN_NESTING} level are printed flat "
                                     "(every word is kept)")
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
        longest = limits().word_chars
        for match in re.finditer(rf"\S{{{longest + 1},}}", text):
            self.problem(f"a word of {len(match.group(0)):,} characters (more than "
                         f"{longest:,}) cannot be set in columns",
                         line=text.count("\n", 0, match.start()) + 1,
                         fix="shorten it (a link shortener for a URL), or raise "
                             "EPAPER_MAX_WORD_CHARS")
        before = len(self.problems)
        lang = meta.lang if meta is not None else None
        body = self.body(body_text, body_line, lang)
        if len(self.problems) == before and not any(isinstance(b, Paragraph) for b in body):
            self.problem("the article has no body text", line=body_line,
                         fix="write the story below the closing '---' line")
        self.warnings += hidden_characters(self.path, text)
        if _RAW_HTML.search(text):
            line = text[: _RAW_HTML.search(text).start()].count("\n") + 1  # type: ignore[union-attr]
            self.warnings.append(f"{self.path}:{line}: raw HTML is printed as text, "
                                 "never as markup")
        if meta is None:
            return None
        images = self.images(meta, yaml_text)
        if meta.slug is None and not re.fullmatch(ID_PATTERN, self.path.stem):
            self.problem(f"the file name {self.path.stem!r} does not give a valid slug",
                         fix="name the file with letters, digits, '-' and '_' only (e.g. "
                             "harbor-piers.md), or give a 'slug:' in the front matter")
        if self.problems:
            return None
        return Article(
            path=self.path,
            slug=meta.slug or self.path.stem,
            headline=_typeset(meta.headline, lang),
            section=meta.section,
            body=body,
            kicker=_typeset(meta.kicker, lang),
            deck=_typeset(meta.deck, lang),
            bylines=tuple(_normalize(b).strip() for b in meta.bylines()),
            dateline=_normalize(meta.dateline).strip(),
            published=meta.published,
            updated=meta.updated,
            lang=meta.lang,
            priority=meta.priority,
            tagline=_typeset(meta.tagline, lang),
            trim=meta.trim,
            jumphead=_typeset(meta.jumphead, lang),
            pullquotes=tuple(_typeset(q, lang) for q in meta.pullquotes if q.strip()),
            images=images,
            related=tuple(Related(_typeset(r.headline, lang), r.published, r.section)
                          for r in meta.related),
            warnings=tuple(self.warnings),
        )

    def images(self, meta: FrontMatter, yaml_text: str) -> tuple[Image, ...]:
        lang = meta.lang
        out = []
        for n, img in enumerate(meta.images):
            line = _find_line(yaml_text, img.src)
            path = self.image_path(img.src, f"images.{n}.src", line and line + 1)
            if path:
                out.append(Image(path, _typeset(img.caption, lang), _typeset(img.credit, lang),
                                 img.columns, line and line + 1))
        return tuple(out)


MAX_ASPECT = 12  # a photo longer than this in either direction cannot be set in columns


def image_trouble(path: Path) -> tuple[str, str] | None:
    """Why a photo cannot be printed (what, fix), or None: decoded whole with Pillow, so a
    truncated or garbage file, a decompression bomb, an empty or absurdly thin image is
    found before the build, not by the renderer."""
    limit = limits()
    if path.stat().st_size > limit.image_bytes:
        return (f"is larger than {limit.image_bytes:,} bytes",
                "export it smaller, or raise EPAPER_MAX_IMAGE_BYTES")
    try:
        with warnings.catch_warnings():
            # our own pixel limit (below) decides; Pillow still refuses over twice its own
            warnings.simplefilter("ignore", PILImage.DecompressionBombWarning)
            with PILImage.open(path) as im:
                width, height = im.size
                if width * height > limit.image_pixels:
                    return (f"has {width}×{height} pixels, more than "
                            f"{limit.image_pixels:,}", "scale it down, or raise "
                            "EPAPER_MAX_IMAGE_PIXELS")
                if not width or not height:
                    return "has no pixels (zero width or height)", "export the photo again"
                lenient = ImageFile.LOAD_TRUNCATED_IMAGES  # WeasyPrint turns it on
                ImageFile.LOAD_TRUNCATED_IMAGES = False
                try:
                    im.load()
                finally:
                    ImageFile.LOAD_TRUNCATED_IMAGES = lenient
    except (OSError, SyntaxError, ValueError, PILImage.DecompressionBombError) as exc:
        return (f"cannot be decoded ({exc or type(exc).__name__}): a truncated or damaged "
                "file", "export the photo again as JPEG or PNG")
    if max(width / height, height / width) > MAX_ASPECT:
        return (f"is {width}×{height} pixels: too thin to set in a column (more than "
                f"{MAX_ASPECT}:1)", "crop it to a printable shape")
    return None


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
