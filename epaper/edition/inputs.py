"""An edition folder's inputs: which files are articles, which are not read, and why.

``build`` and ``check`` both read an edition through :func:`read_edition`, so that their
verdicts cannot differ: same files, same roots for photos, same rules.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from epaper import l10n
from epaper.edition.checks import edition_font_problems, plan_problems
from epaper.edition.config import EditionConfig, load_config
from epaper.errors import EpaperError, InputErrors, Problem
from epaper.ingest.article import hidden_characters, image_trouble, read_article
from epaper.layout.grid import load_layout
from epaper.layout.paginate import PageSpec
from epaper.model import Article
from epaper.pages import PageMaker, duplicate_slugs
from epaper.typeset import font_problems, image_problems, resolution_warnings

ARTICLE_SUFFIXES = (".md", ".markdown")
# files that look like an article but are never read as one: named so that nothing is lost
ARTICLE_LIKE = (*ARTICLE_SUFFIXES, ".mdown", ".mkd", ".mkdn", ".mdwn", ".txt", ".text", ".yaml",
                ".yml")
PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp")


@dataclass(frozen=True)
class Sources:
    """The edition folder's files: the articles, and the files left unread with the reason."""

    folder: Path
    articles: tuple[Path, ...]
    ignored: tuple[tuple[Path, str], ...] = ()

    def warnings(self) -> list[str]:
        """One warning per file that looks like an article but is not read."""
        return [f"{path}: not read: {why}" for path, why in self.ignored]


def _hidden(path: Path, folder: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(folder).parts)


def find_sources(edition_dir: Path, skip: Sequence[Path] = ()) -> Sources:
    """Articles: every ``*.md``/``*.markdown`` file (any case) anywhere under ``articles/``.
    A Markdown or article-like file elsewhere, or any other file in ``articles/`` that is not
    a photo, is listed as not read. Hidden files and the ``skip`` folders (the output folder)
    are passed over."""
    folder = Path(edition_dir)
    articles_dir = folder / "articles"
    skipped = [Path(s).resolve() for s in skip]
    articles: list[Path] = []
    ignored: list[tuple[Path, str]] = []
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or _hidden(path, folder):
            continue
        if any(path.resolve().is_relative_to(s) for s in skipped):
            continue
        suffix = path.suffix.lower()
        inside = path.is_relative_to(articles_dir)
        if inside and suffix in ARTICLE_SUFFIXES:
            articles.append(path)
        elif inside and suffix not in PHOTO_SUFFIXES:
            ignored.append((path, f"articles are named *.md or *.markdown (this is "
                                  f"'{path.suffix or path.name}') — rename it, or move it out "
                                  "of articles/"))
        elif not inside and suffix in ARTICLE_LIKE:
            ignored.append((path, "only files under articles/ are read as articles — move it "
                                  "into articles/, or out of the edition folder"))
    return Sources(folder, tuple(articles), tuple(ignored))


@dataclass
class EditionInputs:
    """Everything step 1 of the build reads, validated."""

    folder: Path
    config: EditionConfig
    day: date
    sources: Sources
    articles: list[Article]
    maker: PageMaker
    own_locale: str  # edition.toml's, whatever --locale says
    warnings: list[str] = field(default_factory=list)


def read_edition(edition_dir: Path, day: str | None = None, locale: str | None = None,
                 skip: Sequence[Path] = ()) -> EditionInputs:
    """Read ``edition.toml`` and every article with the build's rules; raise one
    :class:`InputErrors` listing every problem (fonts included)."""
    edition_dir = Path(edition_dir).resolve()
    problems: list[Problem] = []
    config, config_problems = load_config(edition_dir / "edition.toml", {"locale": locale})
    problems += config_problems
    when: date | None = None
    if config is not None:
        try:
            when = resolve_date(day, config.date, config.timezone)
        except InputErrors as exc:
            problems += exc.problems
    sources = find_sources(edition_dir, skip)
    articles_dir = edition_dir / "articles"
    if not sources.articles:
        problems.append(Problem(articles_dir, "no articles (*.md) in the edition folder",
                                fix="put the article files in articles/"))
    articles: list[Article] = []
    for path in sources.articles:
        if not path.resolve().is_relative_to(edition_dir):
            problems.append(Problem(path, f"the article is a link to {path.resolve()}, outside "
                                    "the edition folder", fix="copy the file into articles/ "
                                    "instead of linking to it"))
            continue
        try:
            articles.append(read_article(path, roots=[path.parent, articles_dir, edition_dir]))
        except InputErrors as exc:
            problems += exc.problems
    maker = None
    if config is not None:
        problems += _ad_problems(config, edition_dir)
        try:
            maker = PageMaker(load_layout(config.layout, relative_to=edition_dir))
        except EpaperError:
            if problems:  # report the input problems first; the layout error comes after
                raise InputErrors(problems) from None
            raise
        problems += _section_problems(config, maker, {a.section for a in articles},
                                      edition_dir / "edition.toml")
        toml = edition_dir / "edition.toml"
        if when is not None:
            problems += edition_font_problems(config, when, toml, maker.typesetter.fonts)
        problems += plan_problems([PageSpec(p.section, p.template, dict(p.slots))
                                   for p in config.pages], maker.templates,
                                  {a.slug for a in articles}, toml)
        problems += [p for a in articles for p in font_problems(a, maker.typesetter.fonts)]
        problems += [p for a in articles for p in image_problems(a, maker.layout)]
    problems += duplicate_slugs(articles)
    if problems:
        raise InputErrors(problems)
    assert config is not None and when is not None and maker is not None
    lang = l10n.locale(config.locale).language
    articles = [a if a.lang else replace(a, lang=lang) for a in articles]
    maker.typesetter.check_fonts(articles)
    toml_text = (edition_dir / "edition.toml").read_text(encoding="utf-8")
    warnings = hidden_characters(edition_dir / "edition.toml", toml_text) + \
        sources.warnings() + [w for a in articles for w in (
        *a.warnings, *resolution_warnings(a, maker.layout))]
    own = load_config(edition_dir / "edition.toml")[0] if locale else config
    own_locale = own.locale if own is not None else config.locale
    return EditionInputs(edition_dir, config, when, sources, articles, maker, own_locale,
                         warnings)

def edition_of(article: Path) -> Path | None:
    """The edition folder an article file belongs to (it lies under its ``articles/``)."""
    path = Path(article).resolve()
    for folder in path.parents:
        if (folder / "edition.toml").is_file() and path.is_relative_to(folder / "articles"):
            return folder
    return None


def article_context(article: Path) -> tuple[list[Path], str | None]:
    """How the build reads an article file: the folders its photos may come from, and the
    language it is set in unless it names its own (None outside an edition)."""
    path = Path(article)
    edition = edition_of(path)
    if edition is None:
        return [path.parent], None
    config, _ = load_config(edition / "edition.toml")
    lang = l10n.locale(config.locale).language if config else None
    return [path.parent, edition / "articles", edition], lang


@dataclass(frozen=True)
class Checked:
    """What ``epaper check`` found: the articles read and the warnings."""

    articles: int
    warnings: list[str]


def check_paths(paths: Sequence[Path]) -> Checked:
    """Validate edition folders and article files with the build's rules (an article of an
    edition is read as the build reads it: its photo folders, the edition's language).
    Raises one :class:`InputErrors` with every problem of every path."""
    from epaper.render.fonts import load_fonts
    from epaper.typeset import font_problems

    problems: list[Problem] = []
    warnings: list[str] = []
    count = 0
    fonts = None
    for path in paths:
        path = Path(path)
        if path.is_dir():
            try:
                inputs = read_edition(path)
            except InputErrors as exc:
                problems += exc.problems
                continue
            count += len(inputs.articles)
            warnings += inputs.warnings
            continue
        roots, lang = article_context(path)
        try:
            article = read_article(path, roots=roots)
        except InputErrors as exc:
            problems += exc.problems
            continue
        article = article if article.lang or not lang else replace(article, lang=lang)
        fonts = fonts or load_fonts()
        problems += font_problems(article, fonts)
        warnings += article.warnings
        count += 1
    if problems:
        raise InputErrors(problems)
    return Checked(count, warnings)


def resolve_date(value: str | None, config_date: date | None, timezone: str,
                 now: datetime | None = None) -> date | None:
    """``YYYY-MM-DD``, ``today`` or ``tomorrow`` (in the publication's time zone)."""
    if value is None:
        return config_date
    now_date = (now or datetime.now(ZoneInfo("UTC"))).astimezone(ZoneInfo(timezone)).date()
    if value == "today":
        return now_date
    if value == "tomorrow":
        return now_date + timedelta(days=1)
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputErrors([Problem(None, f"--date {value!r} is not a date", field="date",
                                   fix="use YYYY-MM-DD, today or tomorrow")]) from None



def _section_problems(config: EditionConfig, maker: PageMaker, used: set[str],
                      toml: Path) -> list[Problem]:
    """Sections and planned pages that name what does not exist, and repeated letters."""
    roles = {t.role for t in maker.templates.values()}
    problems = []
    for n, sec in enumerate(config.sections):
        if sec.template and sec.template not in roles:
            problems.append(Problem(toml, f"no page template for the role '{sec.template}'",
                                    field=f"sections.{n}.template",
                                    fix="use one of: " + ", ".join(sorted(roles))))
    known = {s.id for s in config.sections} | used
    for n, page in enumerate(config.pages):
        if page.section not in known:
            problems.append(Problem(toml, f"page for unknown section '{page.section}'",
                                    field=f"pages.{n}.section",
                                    fix="use a section id of [[sections]] or of an article"))
    letters = [s.letter for s in config.sections if s.letter]
    for letter in sorted({x for x in letters if letters.count(x) > 1}):
        problems.append(Problem(toml, f"section letter '{letter}' is used twice",
                                field="sections", fix="give each section its own letter"))
    return problems



def _ad_problems(config: EditionConfig, edition_dir: Path) -> list[Problem]:
    problems = []
    for n, ad in enumerate(config.ads):
        if ad.image is None:
            continue
        path = (edition_dir / ad.image).resolve()
        if not path.is_relative_to(edition_dir) or not path.is_file():
            problems.append(Problem(edition_dir / "edition.toml",
                                    f"ad image '{ad.image}' is not a file in the edition folder",
                                    field=f"ads.{n}.image",
                                    fix="put the ad image in the edition folder (e.g. ads/)"))
        elif trouble := image_trouble(path):
            problems.append(Problem(edition_dir / "edition.toml",
                                    f"ad image '{ad.image}' {trouble[0]}",
                                    field=f"ads.{n}.image", fix=trouble[1]))
    return problems
