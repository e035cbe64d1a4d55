"""Browse pages: journals, their issues (a table of contents each), years, authors. Each page has
a JSON twin under /api/browse with the same data."""

from __future__ import annotations

from flask import Blueprint, abort, jsonify, render_template, request, url_for

from .. import browse
from ..addresses import pages as page_range
from ..models import Article
from .cache import cached
from .helpers import int_arg, link
from .store import get_handle

bp = Blueprint("browse", __name__, url_prefix="/browse")
api = Blueprint("browse_api", __name__, url_prefix="/api/browse")


def catalog() -> list[browse.Entry]:
    return [browse.Entry(article, indexed) for article, indexed in get_handle().catalog()]


def article_item(article: Article) -> dict:
    """An article as a list shows it."""
    return {
        "id": article.id,
        "title": article.title,
        "authors": [a.name for a in article.authors],
        "date": article.date,
        "journal": article.journal,
        "volume": article.volume,
        "issue": article.issue,
        "pages": page_range(article.first_page, article.last_page),
        "url": url_for("reader.article", article_id=article.id),
    }


def shelf_item(shelf: browse.Shelf, endpoint: str, **values) -> dict:
    return {
        "key": shelf.key,
        "name": shelf.name,
        "count": shelf.count,
        "years": list(shelf.years) if shelf.years else None,
        "url": url_for(endpoint, **values),
    }


def paged(items: list, endpoint: str, **values) -> dict:
    """A page of a long list, with the addresses of its neighbours."""
    page = browse.page_of(items, int_arg("page", 1))
    return {
        "items": list(page.items),
        "page": page.page,
        "pages": page.pages,
        "total": page.total,
        "previous": url_for(endpoint, page=page.page - 1, **values) if page.page > 1 else None,
        "next": url_for(endpoint, page=page.page + 1, **values) if page.page < page.pages else None,
    }


# --- the data of each page ----------------------------------------------------------------------


def overview() -> dict:
    entries = catalog()
    return {
        "kind": "overview",
        "title": "Browse the archive",
        "articles": len(entries),
        "journals": [shelf_item(s, "browse.journal", key=s.key) for s in browse.journals(entries)],
        "years": [shelf_item(s, "browse.year", year=int(s.key)) for s in browse.years(entries)],
        "authors": {"count": len(browse.authors(entries)), "url": url_for("browse.author_index")},
        "latest": [article_item(a) for a in browse.latest(entries)],
    }


def journal_data(key: str) -> dict:
    entries = catalog()
    shelf = browse.find_shelf(browse.journals(entries), key)
    if shelf is None:
        abort(404)
    issues = browse.issues(entries, shelf.name)
    return {
        "kind": "journal",
        "title": shelf.name,
        "count": shelf.count,
        "issues": [
            {
                "volume": i.volume,
                "issue": i.issue,
                "date": i.date,
                "count": i.count,
                "url": url_for("browse.issue", key=key, issue=i.key),
            }
            for i in issues
        ],
    }


def issue_data(key: str, issue: str) -> dict:
    entries = catalog()
    shelf = browse.find_shelf(browse.journals(entries), key)
    contents = browse.issue_contents(entries, shelf.name, issue) if shelf else []
    if not contents:
        abort(404)
    first = contents[0]
    label = ", ".join(
        part
        for part in (
            f"Vol. {first.volume}" if first.volume else "",
            f"No. {first.issue}" if first.issue else "",
        )
        if part
    )
    return {
        "kind": "issue",
        "title": f"{shelf.name}{', ' + label if label else ''}",
        "journal": {"name": shelf.name, "url": url_for("browse.journal", key=key)},
        "volume": first.volume,
        "issue": first.issue,
        "date": max((a.date for a in contents if a.date), default=None),
        "articles": [article_item(a) for a in contents],
    }


def year_data(year: int) -> dict:
    articles = browse.in_year(catalog(), year)
    if not articles:
        abort(404)
    return {
        "kind": "year",
        "title": f"Articles of {year}",
        **paged([article_item(a) for a in articles], "browse.year", year=year),
    }


def author_index_data() -> dict:
    shelves = browse.authors(catalog())
    items = [shelf_item(s, "browse.author", key=s.key) for s in shelves]
    return {"kind": "authors", "title": "Authors", **paged(items, "browse.author_index")}


def author_data(key: str) -> dict:
    entries = catalog()
    shelf = browse.find_shelf(browse.authors(entries), key)
    if shelf is None:
        abort(404)
    articles = [article_item(a) for a in browse.by_author(entries, key)]
    return {"kind": "author", "title": shelf.name, **paged(articles, "browse.author", key=key)}


# --- HTML and JSON ------------------------------------------------------------------------------

PAGES = {
    "overview": ("", overview),
    "journal": ("/journals/<key>", journal_data),
    "issue": ("/journals/<key>/<issue>", issue_data),
    "year": ("/years/<int:year>", year_data),
    "author_index": ("/authors", author_index_data),
    "author": ("/authors/<key>", author_data),
}


def html_view(data_function, endpoint: str):
    def view(**values):
        twin = link(f"browse_api.{endpoint}", request.args.to_dict(flat=False), **values)
        return render_template("browse.html", page=data_function(**values), twin=twin)

    return cached(view)


def json_view(data_function):
    def view(**values):
        return jsonify(data_function(**values))

    return cached(view)


for endpoint, (rule, function) in PAGES.items():
    bp.add_url_rule(rule, endpoint, html_view(function, endpoint))
    api.add_url_rule(rule, endpoint, json_view(function))
