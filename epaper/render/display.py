"""Display type (headlines, decks, pull quotes): where their lines may break, and quotes."""

from __future__ import annotations

import re

from markupsafe import Markup, escape

_HANGUL = re.compile(r"[\uac00-\ud7a3]")


# short words a display line should not end with (they go down with the next word)
_FUNCTION_WORDS = frozenset(
    "a an the of to in on at by for and or but nor with from as into onto via per than".split())
_BIND_LAST = 18  # characters: the last two words go together when they are this short


def head_words(text: str) -> list[str]:
    """A headline, deck or pull quote cut into the pieces a line may break between: no
    line ends with a short function word, and the last line holds at least two words."""
    words = text.split()
    pieces: list[str] = []
    for word in words:
        if pieces and pieces[-1].split("\u00a0")[-1].lower().strip("“‘\"'(") in \
                _FUNCTION_WORDS:
            pieces[-1] += "\u00a0" + word
        else:
            pieces.append(word)
    if len(pieces) > 2 and "\u00a0" not in pieces[-1] and \
            len(pieces[-2]) + len(pieces[-1]) + 1 <= _BIND_LAST:
        pieces[-2:] = [pieces[-2] + "\u00a0" + pieces[-1]]
    return pieces


def keep_words(text: str) -> Markup:
    """Display text (headline, deck, pull quote) that breaks only between words, never after
    a short function word, and never leaves one word alone on its last line. Korean words
    are wrapped whole (Hangul may otherwise break between any two syllables)."""
    pieces = head_words(text)
    if not _HANGUL.search(text):
        return Markup(" ".join(str(escape(p)) for p in pieces))
    return Markup(" ".join(f'<span class="word">{escape(p.replace(chr(160), " "))}</span>'
                           for p in pieces))


def unquote(text: str) -> str:
    """A pull quote without the quotation marks it came with: the template adds its own."""
    text = text.strip()
    if text[:1] in "“\"‘„«" and text[-1:] in "”\"’»“" and len(text) > 1:
        inner = text[1:-1]
        if not any(q in inner for q in "“”\""):
            return inner
    return text
