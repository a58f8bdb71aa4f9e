"""No story lost: every article of an edition folder is found, every stray file is named."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from epaper.cli import app
from epaper.edition.inputs import find_sources

runner = CliRunner()

STORY = "---\nheadline: {h}\nsection: {s}\n---\nThe {h} story has a body of plain words.\n"


def edition(folder: Path, sections: str = "") -> Path:
    (folder / "articles").mkdir(parents=True)
    (folder / "edition.toml").write_text('title = "T"\ndate = 2019-06-17\nlocale = "en_US"\n'
                                         + sections, encoding="utf-8")
    return folder


def story(path: Path, headline: str, section: str = "national") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(STORY.format(h=headline, s=section), encoding="utf-8")
    return path


def test_articles_are_found_recursively_with_every_markdown_suffix(tmp_path: Path) -> None:
    ed = edition(tmp_path / "ed")
    arts = ed / "articles"
    found = [story(arts / "a.md", "Alpha"), story(arts / "sports" / "b.md", "Beta", "sports"),
             story(arts / "sports" / "deep" / "c.markdown", "Gamma", "sports"),
             story(arts / "D.MD", "Delta")]
    sources = find_sources(ed)
    assert sorted(sources.articles) == sorted(found), sources


def test_stray_markdown_and_article_like_files_are_named(tmp_path: Path) -> None:
    ed = edition(tmp_path / "ed")
    story(ed / "articles" / "a.md", "Alpha")
    stray_root = story(ed / "forgotten.md", "Forgotten")
    stray_images = story(ed / "images" / "note.md", "Note")
    stray_txt = story(ed / "articles" / "draft.txt", "Draft")
    (ed / "images" / "photo.jpg").write_bytes(b"\xff\xd8\xff")
    (ed / ".cache").mkdir()
    (ed / ".cache" / "x.md").write_text("hidden", encoding="utf-8")
    sources = find_sources(ed)
    ignored = {path for path, _ in sources.ignored}
    assert ignored == {stray_root, stray_images, stray_txt}, sources.ignored
    warnings = sources.warnings()
    for path in (stray_root, stray_images, stray_txt):
        assert any(str(path) in w for w in warnings), (path, warnings)


def test_a_build_reads_every_article_and_reports_every_file(tmp_path: Path) -> None:
    ed = edition(tmp_path / "ed", '[[sections]]\nid = "national"\n[[sections]]\nid = "sports"\n'
                 '[[sections]]\nid = "weather"\n')
    story(ed / "articles" / "a.md", "Alpha")
    story(ed / "articles" / "sports" / "b.markdown", "Beta", "sports")
    story(ed / "loose.md", "Loose")
    result = runner.invoke(app, ["build", str(ed), "--out-dir", str(tmp_path / "out"),
                                 "--jobs", "1", "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    warnings = "\n".join(summary["warnings"])
    assert "loose.md" in warnings and "not read" in warnings, warnings
    assert "section 'weather'" in warnings and "no stories" in warnings, warnings
    report = json.loads(Path(summary["report"]).read_text(encoding="utf-8"))
    assert {s["slug"] for s in report["stories"]} == {"a", "b"}
    files = {f["file"]: f for f in report["files"]}
    assert files["articles/a.md"]["outcome"].startswith("story 'a'"), files
    assert files["articles/sports/b.markdown"]["outcome"].startswith("story 'b'"), files
    assert files["loose.md"]["outcome"].startswith("not read"), files
    assert files["edition.toml"]["outcome"] == "settings", files
    strict = runner.invoke(app, ["build", str(ed), "--out-dir", str(tmp_path / "strict"),
                                 "--jobs", "1", "--strict"])
    assert strict.exit_code == 1, strict.output
    assert "loose.md" in strict.stderr and "weather" in strict.stderr
    assert not (tmp_path / "strict").exists() or not list((tmp_path / "strict").glob("*.pdf"))
