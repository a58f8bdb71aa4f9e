"""Where a word may break: hyphenation points (pyphen, by locale) and words never broken.

WeasyPrint hyphenates with pyphen after ``pyphen.language_fallback(lang)``; a bare ``en`` falls
back to pyphen's British patterns. The composer takes the region of the locale: ``en-US``
(and bare ``en``) use the American patterns, ``en-GB`` the British.
"""

from __future__ import annotations

import re
from functools import lru_cache

import pyphen

# URLs, e-mail addresses, numbers, words with digits, all-caps abbreviations: never broken
_URL = re.compile(r"(?i)^\W*(https?://|www\.|[\w.+-]+@[\w-]+\.)")
_DOMAIN = re.compile(r"(?i)\w\.(com|org|net|kr|gov|edu|io|co)\b")
_DIGIT = re.compile(r"\d")
_LETTERS = re.compile(r"[^\W\d_]+")


def dictionary_name(lang: str | None) -> str | None:
    """The pyphen dictionary for a BCP 47 tag or locale (``en`` → ``en_US``)."""
    tag = (lang or "en").replace("-", "_")
    language, _, region = tag.partition("_")
    if language == "en" and not region:
        tag = "en_US"
    elif region:
        tag = f"{language}_{region.upper()}"
    return pyphen.language_fallback(tag)


@lru_cache(maxsize=32)
def _pyphen(name: str, left: int, right: int) -> pyphen.Pyphen:
    return pyphen.Pyphen(lang=name, left=left, right=right)


def unbreakable(word: str) -> bool:
    """A word that must never be broken, at a hyphen or anywhere: a URL, an e-mail address,
    a number or any word with digits, an all-caps abbreviation."""
    if _URL.search(word) or _DOMAIN.search(word) or "@" in word or "/" in word:
        return True
    if _DIGIT.search(word):
        return True
    letters = "".join(_LETTERS.findall(word))
    return len(letters) >= 2 and letters.isupper()


@lru_cache(maxsize=100_000)
def hyphen_points(word: str, name: str | None, left: int, right: int) -> tuple[int, ...]:
    """Offsets inside ``word`` where a hyphen may be added, for each run of letters
    (punctuation and explicit hyphens are not hyphenated across)."""
    if name is None or unbreakable(word):
        return ()
    dic = _pyphen(name, left, right)
    out: list[int] = []
    for match in _LETTERS.finditer(word):
        part = match.group()
        if len(part) < left + right:
            continue
        out.extend(match.start() + p for p in dic.positions(part))
    return tuple(out)
