"""The declared fonts (``fonts/fonts.toml``): finding them, @font-face rules, coverage."""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from urllib.parse import unquote, urlsplit

from fontTools.ttLib import TTFont

from epaper.errors import FontError, Problem
from epaper.resources import data_dir


@dataclass(frozen=True)
class Face:
    family: str
    path: Path
    weight: int
    style: str
    package: str


@dataclass(frozen=True)
class FontSet:
    """The faces found on this machine and the role stacks the templates use."""

    faces: tuple[Face, ...]
    stacks: Mapping[str, tuple[str, ...]]

    @cached_property
    def files(self) -> frozenset[Path]:
        return frozenset(f.path for f in self.faces)

    def css_stack(self, role: str) -> str:
        """A CSS ``font-family`` value for a role, e.g. ``"Epaper Serif", "Epaper Serif KO"``."""
        return ", ".join(f'"{family}"' for family in self.stacks[role])

    def font_face_css(self) -> str:
        """@font-face rules for every face, pointing at the files by ``file://`` URL."""
        return "\n".join(
            f'@font-face {{ font-family: "{f.family}"; src: url("{f.path.as_uri()}"); '
            f"font-weight: {f.weight}; font-style: {f.style}; }}"
            for f in self.faces
        )

    def versions(self) -> dict[str, str]:
        """File name → font version string, for reports."""
        return {f.path.name: _font_version(f.path) for f in self.faces}

    def uncovered(self, role: str, text: str) -> list[str]:
        """Characters of ``text`` that no face of the role's stack can show."""
        covered = _covered(tuple(f.path for f in self.faces if f.family in self.stacks[role]))
        missing: dict[str, None] = {}
        for char in dict.fromkeys(text):
            if char.isspace():
                continue
            kind = unicodedata.category(char)
            if kind in REFUSED:  # no font may stand for these, even one that maps them
                missing[char] = None
            elif kind != "Cf" and ord(char) not in covered:
                missing[char] = None  # Cf (joiners, marks of direction) print as nothing
        return list(missing)


@cache
def _covered(paths: tuple[Path, ...]) -> frozenset[int]:
    """Code points one of the fonts can show."""
    return frozenset().union(*(_cmap(path) for path in paths))


REFUSED = {"Co": "a private-use character", "Cn": "an unassigned code point",
           "Cs": "a lone surrogate", "Cc": "a control character"}


@cache
def _cmap(path: Path) -> frozenset[int]:
    with TTFont(path, lazy=True) as font:
        # only the code points matter: glyph names from 'post' would cost more than the cmap
        font.setGlyphOrder([f"g{n}" for n in range(font["maxp"].numGlyphs)])
        return frozenset(font.getBestCmap())


@cache
def _font_version(path: Path) -> str:
    with TTFont(path, lazy=True) as font:
        return str(font["name"].getDebugName(5) or "?").split(";")[0]


def _find(name: str, folders: Iterable[Path]) -> Path | None:
    for folder in folders:
        if (folder / name).is_file():
            return (folder / name).resolve()
        if folder.is_dir():
            for hit in sorted(folder.rglob(name)):
                return hit.resolve()
    return None


@cache
def load_fonts(fonts_dir: Path | None = None) -> FontSet:
    """Read ``fonts.toml`` and locate every face; raise :class:`FontError` naming the package
    to install for each one missing."""
    folder = fonts_dir or data_dir("fonts")
    manifest = folder / "fonts.toml"
    try:
        data = tomllib.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise FontError(f"{manifest}: cannot read the font manifest: {exc}") from exc
    search = [folder] + [Path(p) for p in data.get("search", [])]
    faces, missing = [], []
    for entry in data.get("face", []):
        path = _find(entry["file"], search)
        if path is None:
            missing.append(entry)
            continue
        faces.append(Face(entry["family"], path, int(entry.get("weight", 400)),
                          entry.get("style", "normal"), entry.get("package", "")))
    if missing:
        packages = sorted({m.get("package", "") for m in missing} - {""})
        names = ", ".join(m["file"] for m in missing)
        raise FontError(
            f"fonts not found: {names} (looked in {', '.join(map(str, search))}). "
            + (f"Install them: apt-get install {' '.join(packages)}" if packages
               else f"Put the files in {folder}")
        )
    stacks = {role: tuple(families) for role, families in data.get("stacks", {}).items()}
    declared = {f.family for f in faces}
    for role, families in stacks.items():
        unknown = [f for f in families if f not in declared]
        if unknown:
            raise FontError(f"{manifest}: stack '{role}' names undeclared families {unknown}")
    return FontSet(tuple(faces), stacks)


def coverage_problems(
    fonts: FontSet, path: Path, source: str, texts: Iterable[tuple[str, str, str]]
) -> list[Problem]:
    """Problems for characters no font can show. ``texts`` holds (field, role, text);
    ``source`` is the file's text, used to give each character's line and column."""
    problems = []
    seen: set[str] = set()
    for field, role, text in texts:
        for char in fonts.uncovered(role, text):
            if char in seen:
                continue
            seen.add(char)
            index = source.find(char)
            line = source.count("\n", 0, index) + 1 if index >= 0 else None
            column = index - source.rfind("\n", 0, index) if index >= 0 else None
            families = " / ".join(fonts.stacks[role])
            kind = REFUSED.get(unicodedata.category(char))
            problems.append(Problem(
                path, f"character {char!r} (U+{ord(char):04X}) cannot be printed: " + (
                    f"it is {kind}" if kind else
                    f"no font of the {role} stack ({families}) has it"),
                line=line, column=column, field=field,
                fix="replace the character, or add a face that has it to fonts/fonts.toml"))
    return problems


GENERIC_FAMILIES = {"serif", "sans-serif", "monospace", "cursive", "fantasy", "system-ui",
                    "inherit", "initial", "unset", "revert"}
_FONT_FACE = re.compile(r"@font-face\s*\{([^}]*)\}", re.IGNORECASE)
_FAMILY = re.compile(r"font-family\s*:\s*([^;}]+)", re.IGNORECASE)
_URL = re.compile(r"""url\(\s*['"]?([^'")]+?)['"]?\s*\)""", re.IGNORECASE)


def _families(value: str) -> list[str]:
    return [name.strip().strip("\"'").strip() for name in value.split(",") if name.strip()]


def _line_in(source: str, needle: str) -> int | None:
    index = source.find(needle)
    return source[:index].count("\n") + 1 if index >= 0 else None


def css_font_problems(css: str, template: Path, source: str, fonts: FontSet,
                      folders: Iterable[Path]) -> list[Problem]:
    """Fonts a layout's CSS names but does not declare (they would be silently replaced by a
    system font), and ``@font-face`` files that are missing. ``source`` is the template's
    text (for line numbers); relative font URLs are looked up in the layout ``folders``."""
    problems: list[Problem] = []
    declared = {face.family for face in fonts.faces}
    for rule in _FONT_FACE.findall(css):
        names = _FAMILY.findall(rule)
        for url in _URL.findall(rule):
            if url.startswith("file:"):
                found = Path(unquote(urlsplit(url).path)).is_file()
            elif re.match(r"^[a-z][a-z0-9+.-]*:", url, re.IGNORECASE):
                found = False  # fonts are files, never fetched
            else:
                found = any((Path(f) / url).is_file() for f in folders)
            if not found:
                problems.append(Problem(template, f"@font-face file '{url}' not found",
                                        line=_line_in(source, url), field="@font-face",
                                        fix="put the font file in the layout folder, or "
                                            "declare the font in fonts/fonts.toml"))
                names = []
        declared.update(n for value in names for n in _families(value))
    body = _FONT_FACE.sub("", css)
    unknown: dict[str, None] = {}
    for value in _FAMILY.findall(body):
        for name in _families(value):
            if name.lower() not in GENERIC_FAMILIES and name not in declared:
                unknown[name] = None
    for name in unknown:
        problems.append(Problem(template, f"font family '{name}' is not declared: a system "
                                          "font would stand in for it", line=_line_in(source, name),
                                field="font-family",
                                fix="declare it in fonts/fonts.toml (or an @font-face in the "
                                    "layout), or use a declared stack: {{ stack.serif }}, "
                                    "{{ stack.sans }}, {{ stack.display }}"))
    return problems
