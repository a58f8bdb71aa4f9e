"""From an article to the sequence of blocks that flows through a story's columns.

Decides what a reader sees in what order: the dateline opens the first paragraph, pull
quotes and secondary photos are spread through the text, the tagline and related boxes
close the story. The head (kicker, headline, deck, byline) and the lead photo are set
apart, above the columns.
"""

from __future__ import annotations

from dataclasses import dataclass

from epaper.model import Article, Block, Image, Paragraph, PullQuote, Rule, Run, Subhead


@dataclass(frozen=True)
class FlowBlock:
    """A block in the column flow; ``index`` is its position in the flow."""

    index: int
    block: Block
    noindent: bool = False  # first paragraph, or after a subhead: no first-line indent

    @property
    def splittable(self) -> bool:
        return isinstance(self.block, Paragraph)

    @property
    def floats(self) -> bool:
        """May move to the next column while text goes on (photos, pull quotes, boxes)."""
        return not isinstance(self.block, Paragraph | Subhead | Rule)


@dataclass(frozen=True)
class StoryParts:
    """An article split into what sits above the columns and what flows in them."""

    lead: Image | None
    flow: tuple[FlowBlock, ...]


def _spread(items: list[Block], paragraphs: list[int]) -> dict[int, list[Block]]:
    """Anchor items after paragraphs evenly spread through the text (never the last one)."""
    anchors: dict[int, list[Block]] = {}
    if not items or not paragraphs:
        return anchors
    usable = paragraphs[:-1] or paragraphs
    for k, item in enumerate(items):
        at = usable[min(len(usable) - 1, (k + 1) * len(usable) // (len(items) + 1))]
        anchors.setdefault(at, []).append(item)
    return anchors


def story_parts(article: Article, with_lead: bool = True) -> StoryParts:
    """The flow of one story. ``with_lead``: the first photo goes above the columns."""
    body = list(article.body)
    images = list(article.images)
    lead = images.pop(0) if with_lead and images else None
    if article.dateline:
        for i, block in enumerate(body):
            if isinstance(block, Paragraph):
                dateline = Run(f"{article.dateline} — ", frozenset({"dateline"}))
                body[i] = Paragraph((dateline, *block.runs), block.kind, block.marker)
                break
    paragraph_at = [i for i, b in enumerate(body) if isinstance(b, Paragraph) and b.kind == "p"]
    extras: list[Block] = [PullQuote(q) for q in article.pullquotes] + list(images)
    anchors = _spread(extras, paragraph_at)
    blocks: list[Block] = []
    for i, block in enumerate(body):
        blocks.append(block)
        blocks.extend(anchors.get(i, []))
    if not paragraph_at:
        blocks.extend(extras)
    if article.tagline:
        blocks += [Rule(), Paragraph((Run(article.tagline, frozenset({"em"})),), kind="tagline")]
    blocks.extend(article.related)
    flow = []
    previous: Block | None = None
    for index, block in enumerate(blocks):
        noindent = isinstance(block, Paragraph) and (
            previous is None or not isinstance(previous, Paragraph)
            or previous.kind != block.kind)
        flow.append(FlowBlock(index, block, noindent))
        if not isinstance(block, Image | PullQuote):  # floats do not break the text's indent
            previous = block
    return StoryParts(lead, tuple(flow))
