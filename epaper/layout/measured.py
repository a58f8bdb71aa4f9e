"""A story as measured on the real layout: what placement and fitting work from."""

from __future__ import annotations

from dataclasses import dataclass

from epaper.layout.compose import StoryParts
from epaper.layout.galley import Galley
from epaper.model import Article


@dataclass(frozen=True)
class StoryMeasure:
    """A measured story. Heights are snapped to the body line grid."""

    article: Article
    parts: StoryParts
    galley: Galley
    lang: str
    heads: dict[int, float]  # story span → head depth
    jump_heads: dict[int, float]  # story span → continuation head depth
    leads: dict[int, float]  # lead photo columns → photo depth (with caption)

    @property
    def slug(self) -> str:
        return self.article.slug
