"""The edition's search index for the viewer: token → stories. Words are folded to lower
case without accents; Hangul runs are indexed as overlapping syllable pairs, as the
archive's index does, so "시장" finds "전통시장". viewer.js splits a query the same way."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

_HANGUL = re.compile(r"[\uac00-\ud7a3]+")
_WORD = re.compile(r"\w+", re.UNICODE)


def fold(text: str) -> str:
    """Lower case, accents removed (NFKD without combining marks); Hangul kept whole."""
    out = []
    for ch in unicodedata.normalize("NFC", text.lower()):
        if "\uac00" <= ch <= "\ud7a3":
            out.append(ch)
        else:
            out.extend(c for c in unicodedata.normalize("NFKD", ch)
                       if not unicodedata.combining(c))
    return "".join(out)


def tokens(text: str) -> set[str]:
    """Index tokens: folded words; Hangul runs as syllable pairs (a lone syllable as is)."""
    out: set[str] = set()
    for word in _WORD.findall(fold(text)):
        for part in re.split(r"([\uac00-\ud7a3]+)", word):
            if not part:
                continue
            if _HANGUL.fullmatch(part):
                out.update([part] if len(part) == 1 else
                           (part[i:i + 2] for i in range(len(part) - 1)))
            else:
                out.add(part)
    return out


def build_index(texts: Sequence[str]) -> dict[str, list[int]]:
    """token → indexes of the texts holding it (sorted tokens: deterministic output)."""
    index: dict[str, list[int]] = {}
    for n, text in enumerate(texts):
        for token in tokens(text):
            index.setdefault(token, []).append(n)
    return dict(sorted(index.items()))
