"""Export a list of articles (a search's results, selected hits, one article) for a reference
manager: RIS, BibTeX, CSL-JSON, or a bibliography in any CSL style as HTML or plain text."""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from pathlib import Path

from .cite import bibliography, csl_item
from .models import Article
from .records import bibtex, bibtex_key, ris, unique_keys
from .styles import find_style

EXPORT_FORMATS = ("ris", "bibtex", "csl-json", "bibliography", "bibliography-text")
MAX_EXPORT_ARTICLES = 500  # more is a dump of the archive, not a reference list


@dataclass(frozen=True)
class Export:
    body: str
    mimetype: str
    extension: str


def unique_articles(articles: list[Article]) -> list[Article]:
    """Each article once, in the order first met (hits of one article cite it once)."""
    seen: dict[str, Article] = {}
    for article in articles:
        seen.setdefault(article.id, article)
    return list(seen.values())[:MAX_EXPORT_ARTICLES]


def export(articles: list[Article], fmt: str, style: str = "chicago", corpus: Path | None = None) -> Export:
    """The articles as one file of the format; ValueError for an unknown format, StyleNotFound
    for an unknown style."""
    articles = unique_articles(articles)
    if fmt == "ris":
        return Export(
            "".join(ris(a, None, a.url) for a in articles), "application/x-research-info-systems", "ris"
        )
    if fmt == "bibtex":
        keys = unique_keys([bibtex_key(a) for a in articles])
        entries = (bibtex(a, None, a.url, key) for a, key in zip(articles, keys, strict=True))
        return Export("\n".join(entries), "application/x-bibtex", "bib")
    if fmt == "csl-json":
        body = json.dumps([csl_item(a) for a in articles], ensure_ascii=False, indent=2) + "\n"
        return Export(body, "application/vnd.citationstyles.csl+json", "json")
    if fmt in ("bibliography", "bibliography-text"):
        entries_html, entries_text = bibliography(articles, style, corpus) if articles else ([], [])
        if fmt == "bibliography-text":
            return Export("\n".join(entries_text) + "\n", "text/plain; charset=utf-8", "txt")
        title = html.escape(find_style(style, corpus).title)
        items = "\n".join(f'  <div class="csl-entry">{entry}</div>' for entry in entries_html)
        page = (
            f'<!doctype html>\n<html lang="en">\n<head><meta charset="utf-8"><title>Bibliography ({title})</title>'
            f'</head>\n<body>\n<div class="csl-bib-body">\n{items}\n</div>\n</body>\n</html>\n'
        )
        return Export(page, "text/html; charset=utf-8", "html")
    raise ValueError(f"no export format {fmt!r} (formats: {', '.join(EXPORT_FORMATS)})")
