"""A worker's first requests, made by itself before it takes any: each page kind is rendered once
and the COinS of its articles made (up to 4,096), so no user's first search pays for compiling
its templates, reading the index's first postings and positions, encoding its articles for
Zotero, or running did-you-mean and related passages for the first time (a first query took 400
ms at 130,000 passages while the same query later took 40)."""

from __future__ import annotations

import re
from urllib.parse import urlencode

from flask import Flask, url_for

from ..engine.documents import DamagedPayload
from .helpers import warm_coins
from .reader import passage_url
from .store import get_handle

NONSENSE = "qxzjvkw"  # a zero-hit query: did-you-mean and partial matches run


def warm_pages(app: Flask) -> list[str]:
    """Request the home, search, API and paragraph pages once; the addresses asked. Failures are
    logged and never stop a worker: the pages then answer with their own messages."""
    try:
        paths = warm_paths(app)
    except Exception:
        app.logger.exception("pages could not be warmed")
        return []
    try:
        with app.app_context():
            warm_coins(get_handle().article_records().values())
    except Exception:
        app.logger.exception("the articles' COinS could not be made")
    client = app.test_client()
    for path in paths:
        try:
            client.get(path)
        except Exception:
            app.logger.exception("warming %s failed", path)
    return paths


def warm_paths(app: Flask) -> list[str]:
    """Addresses of each page kind, searching words of an article's title."""
    with app.test_request_context("/"):
        handle = get_handle()
        catalog = handle.catalog()
        paths = [url_for("search.home"), f"{url_for('search.results')}?{urlencode({'q': NONSENSE})}"]
        if not catalog:
            return paths
        try:
            article = handle.article(catalog[0][0].id)
        except DamagedPayload:  # its pages say so; the others are warmed all the same
            article = None
        words = re.findall(r"\w{3,}", catalog[0][0].title or "")[:2]
        for query in (words[:1], words, [f'"{" ".join(words)}"']):
            if query:
                paths.append(f"{url_for('search.results')}?{urlencode({'q': ' '.join(query)})}")
        if words:
            paths.append(f"{url_for('api.search_api')}?{urlencode({'q': words[0]})}")
        if article is not None and article.passages:
            paths.append(passage_url(article.passages[0]))
        return paths
