"""Word widths shaped with HarfBuzz on the declared font files.

The styles come from WeasyPrint's own computed values for the layout's CSS (see
``epaper.render.weasy.probe_styles``), so a width here is the width WeasyPrint sets: same
file, same size, same letter-spacing, same default OpenType features (kerning, ligatures).
"""

from __future__ import annotations

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

    def segments(self, text: str, style: TextStyle) -> list[tuple[Path, str]]:
        """``text`` cut where the face changes: each character in the first family of the
        stack that has it (the fallback WeasyPrint's Pango does)."""
        faces = [self.face(f, style.weight, style.italic) for f in style.families]
        out: list[tuple[Path, str]] = []
        for char in text:
            path = faces[0].path
            for face in faces:
                if ord(char) in _hb_font(face.path).cmap:
                    path = face.path
                    break
            if out and out[-1][0] == path:
                out[-1] = (path, out[-1][1] + char)
            else:
                out.append((path, char))
        return out

    def width(self, text: str, style: TextStyle) -> float:
        """The advance of ``text`` in points, its own fixed letter-spacing included."""
        total = sum(_advance(path, style.size, part) for path, part in self.segments(text, style))
        if style.letter_spacing:
            total += style.letter_spacing * len(text)
        return total


@lru_cache(maxsize=200_000)
def _advance(path: Path, size: float, text: str) -> float:
    font = _hb_font(path)
    buf = hb.Buffer()
    buf.add_str(text)
    buf.guess_segment_properties()
    hb.shape(font.font, buf, {})
    return sum(p.x_advance for p in buf.glyph_positions) / font.upem * size
