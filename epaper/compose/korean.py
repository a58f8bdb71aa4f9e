"""Korean line breaking: between syllables in body text, with kinsoku (금칙) rules."""

from __future__ import annotations

# no line may start with these (closing punctuation, small marks) ...
NO_START = set(")]}〉》」』】〕”’,.:;!?、。·…%‰℃")
# ... and none may end with these (opening brackets)
NO_END = set("([{〈《「『【〔“‘")


def is_hangul(char: str) -> bool:
    """A precomposed Hangul syllable."""
    return "\uac00" <= char <= "\ud7a3"


def can_break_between(before: str, after: str) -> bool:
    """Kinsoku: may a line end with ``before`` and the next start with ``after``?"""
    return before not in NO_END and after not in NO_START
