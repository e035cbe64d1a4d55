"""Template helpers: links that keep the current search, and article-level citations."""

from __future__ import annotations

from flask import Flask, request, url_for

from ..cite import citations
from ..records import coins


def page_url(page: int) -> str:
    """The current search at another page."""
    args = request.args.to_dict(flat=False)
    args["page"] = [str(page)]
    return url_for(request.endpoint, **args)


def facet_url(name: str, value: str) -> str:
    """The current search with one facet value switched on or off (back to page 1)."""
    args = request.args.to_dict(flat=False)
    values = args.get(name, [])
    args[name] = [v for v in values if v != value] if value in values else [*values, value]
    args.pop("page", None)
    return url_for("search.results", **args)


def article_citation(article) -> str:
    """The article's Chicago bibliography entry (HTML with <i>)."""
    return citations(article, None)["chicago"].entry


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(
        page_url=page_url, facet_url=facet_url, coins=coins, article_citation=article_citation
    )
