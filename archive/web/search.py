"""Search pages: the home page, results, OpenSearch description, health check."""

from __future__ import annotations

from dataclasses import dataclass, replace

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)

from .. import browse
from ..addresses import article_of
from ..citeproc_js import CiteprocError
from ..engine.documents import DamagedPayload
from ..engine.index import REBUILD
from ..export import MAX_EXPORT_ARTICLES, export
from ..models import Article
from ..search import FACETS, MAX_PAGE_SIZE, Request, SearchResults, search
from ..styles import StyleNotFound
from .cache import cached
from .helpers import article_address, corpus_path, int_arg
from .store import get_handle

bp = Blueprint("search", __name__)

HOME_JOURNALS = 10  # the journals with most articles, on the home page; the rest under Browse
EXAMPLES = (
    ("sanctions", "words are stemmed: finds sanction, sanctioned"),
    ('"strategic partnership"', "an exact phrase"),
    ("Putin -Xi", "leave a word out"),
    ("date:2019-07", "chronology entries of a month"),
    ("kind:figure", "figure captions"),
    ("战略互信", "Chinese and Russian text"),
)


def search_request() -> Request:
    """The user's search from the query string (shared by the page and the API)."""
    args = request.args
    return Request(
        query=args.get("q", ""),
        filters={name: tuple(args.getlist(name)) for name in FACETS if args.getlist(name)},
        sort=args.get("sort", "relevance"),
        page=int_arg("page", 1),
        page_size=int_arg("size", current_app.config["PAGE_SIZE"]),
        typed=int_arg("typed", 0),
    )


@bp.route("/")
@cached
def home():
    handle = get_handle()
    entries = [browse.Entry(article, indexed) for article, indexed in handle.catalog()]
    return render_template(
        "index.html",
        stats=handle.stats(),
        examples=EXAMPLES,
        latest=browse.latest(entries),
        journals=browse.journals(entries)[:HOME_JOURNALS],
    )


@dataclass(frozen=True)
class ResultsPage:
    """One search as both its page and its API answer show it."""

    asked: Request
    found: SearchResults | None  # None: nothing asked yet (the page shows the search form)
    titles: dict[str, str]  # article id -> title, the article facet's labels
    empty_archive: bool = False

    @property
    def status(self) -> int:
        """400 for a query that could not be run (the page still explains it), else 200."""
        found = self.found
        return 400 if found is not None and found.error and self.asked.query.strip() else 200


def results_page(always: bool = False) -> ResultsPage:
    """The request's search, run (an empty one too when `always`)."""
    asked = search_request()
    if not always and not asked.query.strip() and not asked.filters:
        return ResultsPage(asked, None, {})
    handle = get_handle()
    found = search(handle, asked)
    return ResultsPage(
        asked,
        found,
        handle.article_titles(),
        empty_archive=not found.total and not handle.stats()["articles"],
    )


def cited_articles(found: SearchResults | None) -> dict[str, Article | None]:
    """The citation data of the articles of the hits shown (their COinS, for Zotero): read for
    the page only, not for the API's answer (a quarter of it, for articles not read before)."""
    if found is None:
        return {}
    records = get_handle().article_records()
    return {hit.article: records.get(hit.article) for hit in shown_hits(found)}


@bp.route("/search")
@cached
def results():
    page = results_page()
    return (
        render_template(
            "search.html",
            results=page.found,
            asked=page.asked,
            titles=page.titles,
            articles=cited_articles(page.found),
            empty_archive=page.empty_archive,
        ),
        page.status,
    )


@bp.app_template_global()
def hit_url(hit, query: str = "") -> str:
    """Where a hit is read: its place in the article, with the search's words marked."""
    return f"{article_url(hit.article, query)}#{hit.anchor}"


@bp.app_template_global()
def passage_link(hit) -> str:
    """A passage hit's own page (/a/<article>/p/14: its citations and context)."""
    return f"{article_url(hit.article)}/{hit.segment}/{hit.position}"


@bp.app_template_global()
def article_url(article_id: str, query: str = "") -> str:
    """The article's address (with the search's words to mark): each hit links to it three
    times, its group's heading once more (see helpers.article_address)."""
    return article_address(article_id, query)


def shown_hits(found):
    """Every hit the page shows: the complete matches, then the partial ones."""
    return (*found.hits, *(found.partial.hits if found.partial else ()))


@bp.route("/export")
def export_results():
    """The current search's results (every page, or the hits selected with `ids`) as RIS,
    BibTeX, CSL-JSON or a bibliography in the chosen style."""
    if not request.args.getlist("ids") and not request.args.get("q", "").strip():
        abort(400, description="Nothing to export: select hits first, or export a search's results.")
    return export_response(searched_articles(), "results")


def searched_articles() -> list:
    """The articles of the selected hits (`ids`), else of the search's hits, in order."""
    handle = get_handle()
    ids = request.args.getlist("ids")
    if ids:
        article_ids = [article_of(passage_id) for passage_id in ids[:MAX_EXPORT_ARTICLES]]
    else:
        asked = replace(search_request(), page=1, page_size=MAX_PAGE_SIZE)
        article_ids = [hit.article for hit in search(handle, asked).hits]
    return [a for a in (readable_article(handle, i) for i in dict.fromkeys(article_ids)) if a is not None]


def readable_article(handle, article_id: str) -> Article | None:
    """The article, or None (logged) when its stored copy cannot be read: an export of many
    articles leaves that one out instead of failing."""
    try:
        return handle.article(article_id)
    except DamagedPayload as error:
        current_app.logger.error("%s; left out of an export; %s", error, REBUILD)
        return None


def export_response(articles: list, name: str) -> Response:
    fmt = request.args.get("format", "ris")
    style = request.args.get("style", "chicago")
    try:
        made = export(articles, fmt, style, corpus_path())
    except (ValueError, StyleNotFound, CiteprocError) as error:
        abort(400, description=str(error))
    disposition = "inline" if made.extension == "html" else f'attachment; filename="{name}.{made.extension}"'
    # Every export is UTF-8 text; a type that names its charset already is given as it is
    # (as a mimetype, Werkzeug named it a second time)
    charset = "" if "charset=" in made.mimetype else "; charset=utf-8"
    return Response(
        made.body, content_type=made.mimetype + charset, headers={"Content-Disposition": disposition}
    )


@bp.route("/favicon.ico")
def favicon():
    """Browsers ask for /favicon.ico whatever the page says: the archive's icon."""
    return redirect(url_for("static", filename="favicon.svg"), code=301)


@bp.route("/opensearch.xml")
def opensearch():
    xml = render_template("opensearch.xml", search_url=url_for("search.results", _external=True))
    return Response(xml, mimetype="application/opensearchdescription+xml")


@bp.route("/healthz")
def healthz():
    try:
        stats = get_handle().stats()
    except Exception as error:  # the process manager needs an answer, not a traceback
        current_app.logger.exception("health check failed")
        return jsonify({"status": "error", "error": str(error)}), 503
    return jsonify({"status": "ok", **stats})


@bp.route("/readyz")
def readyz():
    """200 once every worker of the server has warmed up (see web/server.Warmth), for a load
    balancer or a benchmark to wait on; 503 while they warm or when the index cannot be read."""
    warmth = current_app.config.get("WARMTH")  # absent outside the production server: no warm-up
    workers = warmth.workers if warmth else 1
    warm = warmth.count() if warmth else 1
    try:
        get_handle().stats()
    except Exception as error:
        current_app.logger.exception("readiness check failed")
        return jsonify({"status": "error", "error": str(error), "workers": workers, "warm": warm}), 503
    status = "ready" if warm >= workers else "warming"
    return jsonify({"status": status, "workers": workers, "warm": warm}), 200 if status == "ready" else 503
