"""Localized words and dates (Babel): bylines, dates, labels set in print."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from functools import cache

from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.lists import format_list
from babel.localedata import locale_identifiers

_LABELS = {
    "en": {"related": "Related", "overset": "Overset", "by": "By {names}",
           "continued_on": "Continued on {page}", "continued_from": "Continued from {page}",
           "advertisement": "Advertisement", "filler": "Tell us what you saw: news tips, "
           "letters and corrections are read every night by the desk."},
    "ko": {"related": "관련 기사", "overset": "넘침", "by": "{names} 기자",
           "continued_on": "{page}면에 계속", "continued_from": "{page}면에서 계속",
           "advertisement": "광고",
           "filler": "제보와 독자 의견, 정정 요청은 편집국이 매일 밤 확인합니다."},
}


SUPPORTED = tuple(_LABELS)  # languages whose every printed label is translated
EXAMPLES = {"en": "en_US, en_GB", "ko": "ko_KR"}

# Smart quotes by language (markdown-it's ``quotes``: open double, close double, open
# single, close single), as CLDR's delimiters; French spaces them with no-break spaces.
QUOTES: dict[str, tuple[str, str, str, str]] = {
    "en": ("\u201c", "\u201d", "\u2018", "\u2019"),
    "ko": ("\u201c", "\u201d", "\u2018", "\u2019"),
    "fr": ("\u00ab\u00a0", "\u00a0\u00bb", "\u2039\u00a0", "\u00a0\u203a"),
    "de": ("\u201e", "\u201c", "\u201a", "\u2018"),
    "ja": ("\u300c", "\u300d", "\u300e", "\u300f"),
    "zh": ("\u201c", "\u201d", "\u2018", "\u2019"),
    "es": ("\u00ab", "\u00bb", "\u201c", "\u201d"),
    "it": ("\u00ab", "\u00bb", "\u201c", "\u201d"),
    "ru": ("\u00ab", "\u00bb", "\u201e", "\u201c"),
}


def quotes(tag: str | None) -> tuple[str, str, str, str]:
    """The smart quotes of a story's language (English ones when not known)."""
    try:
        return QUOTES.get(locale(tag).language, QUOTES["en"])
    except (ValueError, UnknownLocaleError):
        return QUOTES["en"]


def check_locale(value: str) -> str:
    """``value`` if it names a locale epaper can print in; ValueError saying why not."""
    supported = ", ".join(EXAMPLES[lang] for lang in SUPPORTED)
    name = value.replace("-", "_")
    try:
        parsed = Locale.parse(name)
    except (ValueError, UnknownLocaleError):
        raise ValueError(f"unknown locale {value!r} (supported: {supported})") from None
    if name not in locale_identifiers():  # Babel maps aliases silently: en_UK → en_GB
        raise ValueError(f"unknown locale {value!r}; did you mean '{parsed}'? "
                         f"(supported: {supported})")
    if parsed.language not in SUPPORTED:
        script = script_name(parsed)
        faces = ("" if script in ("Latin", "Korean", "Hangul") else
                 f", and its {script} script has no declared face (it would need faces such as "
                 f"Noto Serif {script} and Noto Sans {script} declared in fonts/fonts.toml)")
        raise ValueError(f"locale {value!r} is not supported: its labels (\"Continued on\", "
                         f"\"Vol.\", \"No.\"…) are not translated{faces}; use one of "
                         f"{supported}")
    return value


def script_name(parsed: Locale) -> str:
    """The English name of the script a locale writes in (its likely script)."""
    from babel.core import get_global

    likely = get_global("likely_subtags").get(parsed.language, "")
    code = parsed.script or (likely.split("_")[1] if likely.count("_") >= 2 else "")
    return Locale("en").scripts.get(code, code or "its")


@cache
def locale(tag: str | None) -> Locale:
    """A Babel locale from a BCP 47 tag or Babel identifier (default English)."""
    return Locale.parse((tag or "en").replace("-", "_"))


def labels(tag: str | None) -> dict[str, str]:
    """Printed labels in the language of ``tag`` (English when not translated)."""
    return _LABELS.get(locale(tag).language, _LABELS["en"])


def byline(names: Sequence[str], tag: str | None) -> str:
    """"By Ann Lee and Bo Kim" / "김지훈·이민지 기자"."""
    if not names:
        return ""
    loc = locale(tag)
    joined = "·".join(names) if loc.language == "ko" else format_list(list(names), locale=loc)
    return labels(tag)["by"].format(names=joined)


def long_date(value: date | datetime, tag: str | None) -> str:
    """"Monday, June 17, 2019" / "2019년 6월 17일 월요일"."""
    return format_date(value, "full", locale=locale(tag))


def medium_date(value: date | datetime, tag: str | None) -> str:
    """"Jun 16, 2019" / "2019. 6. 16."."""
    return format_date(value, "medium", locale=locale(tag))
