"""Nothing leaves the sandbox; no character is printed in a font we did not choose."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from conftest import SAMPLES, Proof
from epaper.errors import FontError, InputErrors, SandboxError
from epaper.render import weasy
from epaper.render.fonts import load_fonts


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to open a connection fails the test."""
    attempts: list[object] = []

    def refuse(self, address, *args, **kwargs):
        attempts.append(address)
        raise AssertionError(f"network connection attempted to {address}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    return attempts


@pytest.mark.parametrize("url", [
    "file:///etc/passwd",
    "http://127.0.0.1:9/photo.jpg",
    "https://example.com/photo.jpg",
    "ftp://example.com/photo.jpg",
])
def test_renderer_refuses_outside_urls(tmp_path: Path, no_network, url: str) -> None:
    sandbox = weasy.Sandbox((tmp_path,))
    html = f'<html><body><p>x</p><img src="{url}"></body></html>'
    with pytest.raises(SandboxError) as caught:
        weasy.render(html, sandbox, tmp_path)
    assert url in str(caught.value) or "refused" in str(caught.value)
    assert sandbox.refused == [url]
    assert sandbox.fetched == []
    assert no_network == []


def test_css_import_outside_is_refused(tmp_path: Path, no_network) -> None:
    sandbox = weasy.Sandbox((tmp_path,))
    html = '<html><head><style>@import url("file:///etc/hostname");</style></head><body>x</body></html>'
    with pytest.raises(SandboxError):
        weasy.render(html, sandbox, tmp_path)


def test_hostile_article_renders_as_text_and_reads_nothing_outside(proof, write_article,
                                                                  no_network, setter) -> None:
    path = write_article(
        'Before <img src="file:///etc/passwd"> and <script>alert(1)</script> '
        '<link rel=stylesheet href="http://127.0.0.1:9/x.css"> after. '
        '[a link](http://127.0.0.1:9/) and ![x](http://127.0.0.1:9/p.jpg "no").',
        name="hostile.md",
        headline="<b>Bold</b> claims")
    with pytest.raises(InputErrors) as caught:  # the body image is refused at ingest
        proof(path)
    assert "is a URL" in str(caught.value)
    # markdown-it does not even make an image of a file: URL; it stays text
    path.write_text(path.read_text().replace('![x](http://127.0.0.1:9/p.jpg "no")',
                                             "![y](file:///etc/passwd)"))
    p: Proof = proof(path)
    # compare without spaces, hyphenation undone and quotes straightened
    text = "".join(w["text"] for w in p.words()).replace("\u2010", "")
    text = text.replace("“", '"').replace("”", '"')
    for shown in ("<script>alert(1)</script>", '<imgsrc="file:///etc/passwd">', "<b>Bold</b>",
                  "![y](file:///etc/passwd)", '<linkrel=stylesheethref="http://127.0.0.1:9/x.css">'):
        assert shown in text
    allowed = [path.parent.resolve(), setter.layout.folder]
    for name in p.result.files_read:
        resolved = Path(name).resolve()
        assert resolved in setter.fonts.files or any(resolved.is_relative_to(a)
                                                     for a in allowed), name
    assert any("raw HTML" in w for w in p.result.warnings)
    assert no_network == []


def test_missing_glyph_is_an_error_with_character_and_place(proof, write_article) -> None:
    path = write_article("A paragraph with a smile \U0001F600 inside.\n\nAnd \u0D9A too.",
                         name="tofu.md")
    with pytest.raises(InputErrors) as caught:
        proof(path)
    text = str(caught.value)
    assert "U+1F600" in text and "U+0D9A" in text
    smile = next(p for p in caught.value.problems if "U+1F600" in p.message)
    assert smile.path == path and smile.line == 5 and smile.column == 26
    assert "fonts/fonts.toml" in text


def test_missing_font_names_the_package(tmp_path: Path) -> None:
    (tmp_path / "fonts.toml").write_text(
        'search = []\n[stacks]\nserif = ["X"]\n'
        '[[face]]\nfamily = "X"\nfile = "NoSuchFace-Regular.ttf"\npackage = "fonts-nosuch"\n')
    with pytest.raises(FontError) as caught:
        load_fonts(tmp_path)
    assert "NoSuchFace-Regular.ttf" in str(caught.value)
    assert "apt-get install fonts-nosuch" in str(caught.value)


def test_declared_fonts_cover_the_samples() -> None:
    fonts = load_fonts()
    for role in ("serif", "display", "sans"):
        assert fonts.uncovered(role, "The quick brown fox — “quoted” 2,400 원 한국어 기사") == []
    assert fonts.uncovered("serif", "\U0001F600") == ["\U0001F600"]
    assert all(f.path.is_file() for f in fonts.faces)
    assert SAMPLES.is_dir()
