"""Word widths shaped with HarfBuzz on the declared font files.

The styles come from WeasyPrint's own computed values for the layout's CSS (see
``epaper.render.weasy.probe_styles``), so a width here is the width WeasyPrint sets: same
file, same size, same letter-spacing, same default OpenType features (kerning, ligatures).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import uharfbuzz as hb

from epaper.render.fonts import Face, FontSet, _cmap


@dataclass(frozen=True)
class TextStyle:
    """What shaping needs of a run's computed CSS style (sizes in points)."""

    families: tuple[str, ...]
    weight: int
    italic: bool
    size: float
    letter_spacing: float | None  # None: 'normal' (the line's letter-spacing applies)


@dataclass(frozen=True)
class _HbFont:
    font: hb.Font
    upem: int
    cmap: frozenset[int]


@cache
def _hb_font(path: Path) -> _HbFont:
    face = hb.Face(hb.Blob.from_file_path(str(path)))
    return _HbFont(hb.Font(face), face.upem, _cmap(path))


def _face_score(face: Face, weight: int, italic: bool) -> tuple[int, int]:
    return (0 if (face.style != "normal") == italic else 1, abs(face.weight - weight))


class Shaper:
    """Widths of text in a style, cached by (face, size, text)."""

    def __init__(self, fonts: FontSet) -> None:
        self.fonts = fonts
        self._faces: dict[tuple[str, int, bool], Face] = {}

    def face(self, family: str, weight: int, italic: bool) -> Face:
        """The face fontconfig picks in ``family`` for this weight and slant."""
        key = (family, weight, italic)
        if key not in self._faces:
            faces = [f for f in self.fonts.faces if f.family == family]
            if not faces:
                raise KeyError(f"no declared face of family {family!r}")
            self._faces[key] = min(faces, key=lambda f: _face_score(f, weight, italic))
        return self._faces[key]

    def segments(self, text: str, style: TextStyle, before: str = "",
                 after: str = "", spaced: bool = False) -> list[tuple[Path, str]]:
        """``text`` cut where the face changes: each character in the first family of the
        stack that has it (the fallback Pango does). White space goes with the punctuation,
        digit or symbol after it, else with the character before it (``before`` and
        ``after``: the characters around ``text``), as Pango itemizes it. ``spaced``: the
        spaces carry a word-spacing attribute, which makes each its own item, in the first
        face that has it."""
        faces = [self.face(f, style.weight, style.italic) for f in style.families]
        out: list[tuple[Path, str]] = []
        if before and text[:1].isspace():
            out.append((self._pick(before, faces), ""))
        for i, char in enumerate(text):
            if char.isspace() and spaced:
                path = self._pick(char, faces)
            elif char.isspace():
                following = text[i + 1] if i + 1 < len(text) else after
                if out and not (following and not following.isspace()
                                and not unicodedata.category(following).startswith("L")):
                    out[-1] = (out[-1][0], out[-1][1] + char)
                    continue
                path = self._pick(following or char, faces)
            else:
                path = self._pick(char, faces)
            if out and out[-1][0] == path:
                out[-1] = (path, out[-1][1] + char)
            else:
                out.append((path, char))
        return out

    @staticmethod
    def _pick(char: str, faces: list[Face]) -> Path:
        path = faces[0].path
        for face in faces:
            if ord(char) in _hb_font(face.path).cmap:
                return face.path
        return path

    def width(self, text: str, style: TextStyle, ligatures: bool = True,
              before: str = "", after: str = "", spaced: bool = False) -> float:
        """The advance of ``text`` in points, its own fixed letter-spacing included.
        ``ligatures=False``: as Pango shapes text that has letter-spacing (no ligatures).
        ``before``, ``after``: the characters around the text (white space takes a face
        from its neighbours). ``spaced``: the line has word-spacing (see ``segments``)."""
        ligatures = ligatures and not style.letter_spacing
        total = sum(_advance(path, style.size, part, ligatures)
                    for path, part in self.segments(text, style, before, after, spaced) if part)
        if style.letter_spacing:
            total += style.letter_spacing * len(text)
        return total


_NO_LIGATURES = {"liga": False, "clig": False}


@lru_cache(maxsize=200_000)
def _advance(path: Path, size: float, text: str, ligatures: bool = True) -> float:
    font = _hb_font(path)
    buf = hb.Buffer()
    buf.add_str(text)
    buf.guess_segment_properties()
    hb.shape(font.font, buf, {} if ligatures else _NO_LIGATURES)
    return sum(p.x_advance for p in buf.glyph_positions) / font.upem * size
