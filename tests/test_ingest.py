"""Article files in: the model out, or every problem named with its place and fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import DATA, SAMPLES
from epaper.errors import InputErrors
from epaper.ingest import check_articles, read_article
from epaper.model import Image, Paragraph, Subhead

BAD = DATA / "bad"

# file → (substrings the problem must say, line it must point at or None)
EXPECTED = {
    "unknown-field.md": (["unknown field 'headlien'", "did you mean 'headline'"], 2),
    "malformed-yaml.md": (["not valid YAML"], 4),
    "missing-headline.md": (["headline", "field required", "add it"], None),
    "binary.md": (["binary file"], None),
    "not-utf8.md": (["not UTF-8", "save the file as UTF-8"], 2),
    "no-front-matter.md": (["no front matter", "'---'"], 1),
    "unclosed-front-matter.md": (["not closed"], 1),
    "image-absolute.md": (["absolute path"], 5),
    "image-dotdot.md": (["outside the article's folder"], 5),
    "image-file-url.md": (["is a URL", "never fetches"], 5),
    "image-http.md": (["is a URL", "never fetches"], 5),
    "image-missing.md": (["not found"], 5),
    "image-not-image.md": (["not a JPEG, PNG"], 5),
    "body-image-escape.md": (["outside the article's folder"], 7),
    "published-naive.md": (["published", "timezone", "with offset"], 4),
    "bad-lang.md": (["unknown language tag"], 4),
    "bad-priority.md": (["priority", "less than or equal to 5"], 4),
    "empty-body.md": (["no body text"], None),
    "nested-unknown.md": (["unknown field 'capton'", "did you mean 'caption'"], 5),
    "section-spaces.md": (["section", "no spaces"], 3),
}


def test_every_bad_fixture_has_an_expectation() -> None:
    assert {p.name for p in BAD.glob("*.md")} == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_input_is_named_with_place_and_fix(name: str) -> None:
    needles, line = EXPECTED[name]
    with pytest.raises(InputErrors) as caught:
        read_article(BAD / name)
    problems = caught.value.problems
    text = "\n".join(str(p) for p in problems)
    for needle in needles:
        assert needle.lower() in text.lower(), text
    assert all(p.path == BAD / name for p in problems)
    if line is not None:
        assert any(p.line == line for p in problems), text
    assert "Traceback" not in text


def test_unknown_field_and_missing_headline_reported_together() -> None:
    with pytest.raises(InputErrors) as caught:
        read_article(BAD / "unknown-field.md")
    fields = {p.field for p in caught.value.problems}
    assert {"headlien", "headline"} <= fields


def test_check_collects_all_files_problems() -> None:
    paths = [BAD / "unknown-field.md", SAMPLES / "harbor-piers.md", BAD / "image-http.md",
             BAD / "binary.md"]
    with pytest.raises(InputErrors) as caught:
        check_articles(paths)
    files = {p.path.name for p in caught.value.problems}
    assert files == {"unknown-field.md", "image-http.md", "binary.md"}


def test_sample_news_story_model() -> None:
    article = read_article(SAMPLES / "harbor-piers.md")
    assert article.slug == "harbor-piers"
    assert article.bylines == ("Daniel Reyes", "Mina Cho")
    assert article.dateline == "BUSAN"
    assert article.published is not None and article.published.utcoffset() is not None
    assert isinstance(article.images[0], Image)
    assert article.images[0].path == (SAMPLES / "images" / "busan-piers.jpg").resolve()
    assert any(isinstance(b, Subhead) for b in article.body)
    assert article.words()[:3] == ["City", "officials", "on"]
    assert "“For a hundred years" in article.body_text  # typographic quotes


def test_markdown_body_styles_lists_and_quotes(write_article) -> None:
    path = write_article("""
        Some *emphasis* and **strong** text
        across a soft break.

        - first point
        - second point

        3. third
        4. fourth

        > A quoted paragraph.

        ## A subhead
        After.
        """)
    article = read_article(path)
    paras = [b for b in article.body if isinstance(b, Paragraph)]
    assert paras[0].text == "Some emphasis and strong text across a soft break."
    assert [r.styles for r in paras[0].runs if r.text == "emphasis"] == [frozenset({"em"})]
    assert [(p.kind, p.marker) for p in paras[1:5]] == [("li", "•"), ("li", "•"),
                                                         ("li", "3."), ("li", "4.")]
    assert paras[5].kind == "quote"
    assert isinstance(article.body[-2], Subhead) and article.body[-2].text == "A subhead"


def test_raw_html_is_text_and_warned(write_article) -> None:
    path = write_article("Before <script>alert(1)</script> and <b>bold</b> after.",
                         headline="Headline with <i>tags</i>")
    article = read_article(path)
    assert "<script>alert(1)</script>" in article.body_text
    assert article.headline == "Headline with <i>tags</i>"
    assert len(article.warnings) == 1 and "raw HTML" in article.warnings[0]


def test_images_may_come_from_the_edition_folder(tmp_path: Path) -> None:
    edition = tmp_path / "edition"
    (edition / "articles").mkdir(parents=True)
    (edition / "images").mkdir()
    (edition / "images" / "a.png").write_bytes((SAMPLES / "images" / "busan-piers.jpg")
                                               .read_bytes())
    path = edition / "articles" / "a.md"
    path.write_text("---\nheadline: H\nsection: s\nimages: [{src: ../images/a.png}]\n---\nText.\n",
                    encoding="utf-8")
    with pytest.raises(InputErrors):
        read_article(path)  # only the article's folder by default
    article = read_article(path, roots=[path.parent, edition])
    assert article.images[0].path == (edition / "images" / "a.png").resolve()


def test_list_numbers_and_empty_items(write_article) -> None:
    path = write_article("""
        0. zero
        1. one

        -
        - real

        After the list.
        """)
    paras = [b for b in read_article(path).body if isinstance(b, Paragraph)]
    assert [(p.marker, p.text) for p in paras] == [("0.", "zero"), ("1.", "one"),
                                                   ("•", "real"), ("", "After the list.")]
