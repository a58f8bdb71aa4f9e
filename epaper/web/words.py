"""The viewer's words in the edition's language; dates through Babel (as the PDF's)."""

from __future__ import annotations

from epaper import l10n

_WORDS = {
    "en": {
        "page": "Page {page}", "pages": "Pages", "sections": "Sections",
        "search": "Search", "search_label": "Search this edition",
        "results": "{n} stories found", "no_results": "No story found",
        "previous": "Previous page", "next": "Next page",
        "one_page": "One page", "two_pages": "Two pages",
        "zoom_in": "Zoom in", "zoom_out": "Zoom out",
        "font_up": "Font size up", "font_down": "Font size down",
        "back_to_page": "Back to page {page}", "close": "Close",
        "on_pages": "Pages {pages}", "page_alt": "Page {page}, {section}: {headlines}",
        "skip": "Skip to the page", "story": "Story", "editions": "Editions",
        "archive_search": "Search the archive", "photo": "Photo",
        "related": "Related", "all_stories": "All stories",
    },
    "ko": {
        "page": "{page}면", "pages": "지면", "sections": "섹션",
        "search": "검색", "search_label": "이 호 검색",
        "results": "기사 {n}건", "no_results": "찾는 기사가 없습니다",
        "previous": "이전 면", "next": "다음 면",
        "one_page": "한 면 보기", "two_pages": "두 면 보기",
        "zoom_in": "확대", "zoom_out": "축소",
        "font_up": "글자 크게", "font_down": "글자 작게",
        "back_to_page": "{page}면으로 돌아가기", "close": "닫기",
        "on_pages": "{pages}면", "page_alt": "{page}면, {section}: {headlines}",
        "skip": "지면으로 건너뛰기", "story": "기사", "editions": "지난 호",
        "archive_search": "보관 기사 검색", "photo": "사진",
        "related": "관련 기사", "all_stories": "전체 기사",
    },
}


def words(tag: str | None) -> dict[str, str]:
    """The viewer's words for a locale (English where not translated)."""
    lang = l10n.locale(tag).language
    base = dict(_WORDS["en"])
    base.update(_WORDS.get(lang, {}))
    base["related"] = l10n.labels(tag)["related"]
    return base
