"""A story as clean semantic HTML, from its article (never from the PDF): kicker, headline,
deck, byline, date, dateline, body with subheads, photos with captions and credits, the
tagline and related boxes. A story that jumps is one article: no "Continued" lines."""

from __future__ import annotations

from collections.abc import Callable

from markupsafe import Markup, escape

from epaper import l10n
from epaper.model import Article, Image, Paragraph, PullQuote, Related, Rule, Subhead
from epaper.render.markup import inline

PhotoUrl = Callable[[Image], str]


def _figure(image: Image, url: str, lead: bool = False) -> str:
    credit = f' <span class="credit">{escape(image.credit)}</span>' if image.credit else ""
    caption = (f"<figcaption>{escape(image.caption)}{credit}</figcaption>"
               if image.caption or image.credit else "")
    cls = ' class="lead"' if lead else ""
    return (f'<figure{cls}><img src="{escape(url)}" alt="{escape(image.caption)}" '
            f'loading="lazy">{caption}</figure>')


def _related(items: tuple[Related, ...], lang: str) -> str:
    rows = []
    for r in items:
        when = (f' <time datetime="{r.published.isoformat()}">'
                f"{escape(l10n.medium_date(r.published, lang))}</time>" if r.published else "")
        rows.append(f"<li>{escape(r.headline)}{when}</li>")
    return (f'<aside class="related"><h2>{escape(l10n.labels(lang)["related"])}</h2>'
            f"<ul>{''.join(rows)}</ul></aside>")


def article_html(article: Article, lang: str, photo_url: PhotoUrl) -> Markup:
    """The ``<article>`` element of a story. Body paragraphs sit in ``.story-body`` in
    order; pull quotes (copies of body sentences) are left out so each word reads once."""
    head = []
    if article.kicker:
        head.append(f'<p class="kicker">{escape(article.kicker)}</p>')
    head.append(f'<h1 class="headline">{escape(article.headline)}</h1>')
    if article.deck:
        head.append(f'<p class="deck">{escape(article.deck)}</p>')
    meta = []
    if article.bylines:
        meta.append(f'<span class="byline">{escape(l10n.byline(article.bylines, lang))}</span>')
    stamp = article.updated or article.published
    if stamp:
        meta.append(f'<time datetime="{stamp.isoformat()}">'
                    f"{escape(l10n.long_date(stamp, lang))}</time>")
    if meta:
        head.append(f'<p class="meta">{" · ".join(meta)}</p>')
    images = list(article.images)
    if images:
        head.append(_figure(images[0], photo_url(images[0]), lead=True))
    rest = images[1:]
    paras = [n for n, b in enumerate(article.body) if isinstance(b, Paragraph)]
    # the other photos spread through the text, as in print
    after = {paras[min(len(paras) - 1, (k + 1) * len(paras) // (len(rest) + 1))]: img
             for k, img in enumerate(rest)} if paras else {}
    body, first = [], True
    for n, block in enumerate(article.body):
        if isinstance(block, Paragraph):
            dateline = ""
            if first and article.dateline:
                dateline = f'<span class="dateline">{escape(article.dateline)} — </span>'
            first = False
            tag = "blockquote" if block.kind == "quote" else "p"
            marker = (f' class="item" data-marker="{escape(block.marker)}"'
                      if block.marker else "")
            body.append(f"<{tag}{marker}>{dateline}{inline(block.runs)}</{tag}>")
        elif isinstance(block, Subhead):
            body.append(f"<h2>{escape(block.text)}</h2>")
        elif isinstance(block, Rule):
            body.append("<hr>")
        elif isinstance(block, Image):
            body.append(_figure(block, photo_url(block)))
        elif isinstance(block, PullQuote | Related):
            continue
        if n in after:
            body.append(_figure(after[n], photo_url(after[n])))
    if not paras:
        body.extend(_figure(img, photo_url(img)) for img in rest)
    foot = []
    if article.tagline:
        foot.append(f'<p class="tagline">{escape(article.tagline)}</p>')
    if article.related:
        foot.append(_related(article.related, lang))
    return Markup(
        f'<article class="story" lang="{escape(lang)}" data-slug="{escape(article.slug)}">'
        f'<header>{"".join(head)}</header><div class="story-body">{"".join(body)}</div>'
        f'{"<footer>" + "".join(foot) + "</footer>" if foot else ""}</article>')
