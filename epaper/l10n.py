"""Localized words and dates (Babel): bylines, dates, labels set in print."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from functools import cache

from babel import Locale
from babel.dates import format_date
from babel.lists import format_list

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
