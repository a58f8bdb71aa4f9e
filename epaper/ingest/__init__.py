"""Ingest: article files (YAML front matter + CommonMark body) into the model."""

from epaper.ingest.article import check_articles, read_article

__all__ = ["check_articles", "read_article"]
