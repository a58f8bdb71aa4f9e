"""Locales: only those whose every printed label is translated; words and dates of each."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from epaper import l10n
from epaper.edition.build import _masthead_line
from epaper.edition.config import load_config
from epaper.ingest.article import read_article

runner = CliRunner()


def config(tmp_path: Path, locale: str, override: str | None = None):
    path = tmp_path / "edition.toml"
    path.write_text(f'title = "T"\ndate = 2019-06-17\nvolume = 70\nnumber = 21012\n'
                    f'locale = "{locale}"\n', encoding="utf-8")
    return load_config(path, {"locale": override})


@pytest.mark.parametrize("locale", ["fr_FR", "ja_JP", "de"])
def test_a_locale_without_translated_labels_is_an_error_listing_the_supported(
        tmp_path: Path, locale: str) -> None:
    conf, problems = config(tmp_path, locale)
    assert conf is None and len(problems) == 1, problems
    text = str(problems[0])
    assert f"'{locale}' is not supported" in text and "en_US" in text and "ko_KR" in text, text


def test_en_uk_is_refused_with_the_right_name(tmp_path: Path) -> None:
    conf, problems = config(tmp_path, "en_UK")
    assert conf is None and "en_GB" in str(problems[0]), problems


@pytest.mark.parametrize("locale", ["en_US", "en_GB", "en", "ko_KR", "ko", "ko-KR"])
def test_supported_locales_are_accepted(tmp_path: Path, locale: str) -> None:
    conf, problems = config(tmp_path, locale)
    assert problems == [] and conf is not None


def test_a_bad_locale_option_is_blamed_on_the_option(tmp_path: Path) -> None:
    conf, problems = config(tmp_path, "en_US", override="xx_YY")
    assert conf is None and len(problems) == 1
    text = str(problems[0])
    assert text.startswith("--locale: ") and "edition.toml" not in text, text


def test_every_supported_language_has_every_label() -> None:
    assert set(l10n.SUPPORTED) == {"en", "ko"}
    for lang in l10n.SUPPORTED:
        assert set(l10n.labels(lang)) == set(l10n.labels("en")), lang


def test_bylines_dates_and_labels_of_both_locales() -> None:
    day = date(2019, 6, 17)
    assert l10n.byline(["Ann Lee"], "en_US") == "By Ann Lee"
    assert l10n.byline(["Ann Lee", "Bo Kim"], "en_US") == "By Ann Lee and Bo Kim"
    assert l10n.byline(["A", "B", "C"], "en_US") == "By A, B, and C"
    assert l10n.byline(["김지훈"], "ko_KR") == "김지훈 기자"
    assert l10n.byline(["김지훈", "이민지"], "ko_KR") == "김지훈·이민지 기자"
    assert l10n.long_date(day, "en_US") == "Monday, June 17, 2019"
    assert l10n.long_date(day, "ko_KR") == "2019년 6월 17일 월요일"
    assert l10n.medium_date(day, "en_US") == "Jun 17, 2019"
    assert l10n.medium_date(day, "ko_KR") == "2019. 6. 17."
    assert l10n.labels("en_US")["continued_on"].format(page="A6") == "Continued on A6"
    assert l10n.labels("ko_KR")["continued_on"].format(page="A6") == "A6면에 계속"
    assert l10n.labels("ko_KR")["continued_from"].format(page="A1") == "A1면에서 계속"
    assert l10n.labels("ko")["related"] == "관련 기사"


def test_masthead_line_of_both_locales(tmp_path: Path) -> None:
    en, _ = config(tmp_path, "en_US")
    ko, _ = config(tmp_path, "ko_KR")
    day = date(2019, 6, 17)
    assert _masthead_line(en, day, "en_US") == "Monday, June 17, 2019 · Vol. 70 · No. 21,012"
    assert _masthead_line(ko, day, "ko_KR") == "2019년 6월 17일 월요일 · 제70권 제21012호"


@pytest.mark.parametrize(("lang", "quotes"), [
    ("en", ("\u201c", "\u201d", "\u2018", "\u2019")),
    ("ko", ("\u201c", "\u201d", "\u2018", "\u2019")),
    ("fr", ("\u00ab\u00a0", "\u00a0\u00bb", "\u2039\u00a0", "\u00a0\u203a")),
    ("de", ("\u201e", "\u201c", "\u201a", "\u2018")),
])
def test_smart_quotes_follow_the_story_language(write_article, lang: str,
                                                quotes: tuple[str, str, str, str]) -> None:
    ldq, rdq, lsq, rsq = quotes
    path = write_article("\"Hello,\" she said, 'fine'.", lang=lang,
                         headline='A "quoted" headline')
    article = read_article(path)
    assert article.body_text == f"{ldq}Hello,{rdq} she said, {lsq}fine{rsq}.", lang
    assert article.headline == f"A {ldq}quoted{rdq} headline", lang
