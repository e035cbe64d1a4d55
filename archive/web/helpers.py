"""Template helpers: links that keep the current search, and article-level citations."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple
from urllib.parse import quote, quote_plus, urlencode

from flask import Flask, current_app, g, request, url_for

from ..cite import STYLES, check_style, citations
from ..citeproc_js import CiteprocError, CiteprocMissing
from ..dates import human_date
from ..lru import LRU
from ..records import coins
from ..styles import StyleNotFound, find_style


def page_url(page: int) -> str:
    """The current search at another page."""
    args = request.args.to_dict(flat=False)
    args["page"] = [str(page)]
    return link(request.endpoint, args, **(request.view_args or {}))


def link(endpoint: str, args: Mapping[str, list[str]], **values) -> str:
    """The address of an endpoint (with its path's `values`) and these query arguments, each one
    a plain argument: url_for takes some names for its own (endpoint, _anchor, _external,
    _scheme, _method), and a search's address carrying one failed or linked elsewhere."""
    return with_query(url_for(endpoint, **values), [query_string(name, args[name]) for name in args])


def with_query(path: str, parts: list[str]) -> str:
    """The path with the encoded arguments that are not empty, or the path alone."""
    query = "&".join(part for part in parts if part)
    return f"{path}?{query}" if query else path


class FacetLink(NamedTuple):
    href: str
    label: str
    count: int
    active: bool


def facet_links(
    name: str, counts: Mapping[str, int], labels: Mapping[str, str] | None = None
) -> list[FacetLink]:
    """A facet's values (value -> count, shown by their label when `labels` has one) as links to
    the current search with each switched on or off (back to page 1). The other arguments are
    encoded once for all of them: a results page has up to eighty, and each built on its own in
    the template was a quarter of the page's rendering."""
    path, args, encoded = search_link()
    selected = args.get(name, [])
    keys = list(args) if name in args else [*args, name]  # a new argument goes last
    at = keys.index(name)
    before, after = [encoded[key] for key in keys[:at]], [encoded[key] for key in keys[at + 1 :]]
    links = []
    for value, count in counts.items():
        active = value in selected
        toggled = [v for v in selected if v != value] if active else [*selected, value]
        href = with_query(path, [*before, query_string(name, toggled), *after])
        links.append(FacetLink(href, labels.get(value, value) if labels else value, count, active))
    return links


def search_link() -> tuple[str, dict[str, list[str]], dict[str, str]]:
    """The search page's address, the current search's arguments (but its page) and each one
    encoded, worked out once per request: a results page links to forty facet values, and
    building each link with url_for took a twentieth of the page's time."""
    memo = request.environ  # the request's own: `g` outlives it when an app context is kept open
    if "archive.search_link" not in memo:
        args = request.args.to_dict(flat=False)
        args.pop("page", None)
        encoded = {key: query_string(key, values) for key, values in args.items()}
        memo["archive.search_link"] = (url_for("search.results"), args, encoded)
    return memo["archive.search_link"]


QUERY_SAFE = "!$'()*,/:;?@"  # what Werkzeug's url_for leaves unquoted in a query


def query_string(name: str, values: list[str]) -> str:
    """`name=value&name=value…` encoded as url_for encodes a query (urlencode's quoting, without
    its checks on each pair: a results page encodes about seventy of these)."""
    key = query_quoted(name)
    return "&".join(f"{key}={query_quoted(value)}" for value in values)


KEPT_QUOTED_CHARS = 200  # longer texts (a pasted paragraph) are quoted each time


def query_quoted(text: str) -> str:
    """quote_plus as a query is encoded; short texts' quoted forms are kept: every results page
    quotes the same facet values, argument names and section headings again (500 pages of the
    bench's queries: 86,000 quote_plus calls, 22,000 with this)."""
    return _kept_quoted(text) if len(text) <= KEPT_QUOTED_CHARS else quote_plus(text, safe=QUERY_SAFE)


@lru_cache(maxsize=16_384)
def _kept_quoted(text: str) -> str:
    return quote_plus(text, safe=QUERY_SAFE)


ARTICLE_PLACEHOLDER = "archive-article-id"  # stands for the id in an address built once a request


def article_address(article_id: str, query: str = "", external: bool = False) -> str:
    """The reader's address of an article (with the search's words to mark), as url_for builds it,
    from one url_for a request: a results page links to its articles some forty times. An id is a
    slug, so it stands in the path as it is (quoted all the same)."""
    # Kept with the request (as search_link keeps its own), under one string key: the environ is
    # read as headers by whatever iterates it, and a key that is not a string breaks that
    known = request.environ.setdefault("archive.article_addresses", {})
    key = (article_id, query, external)
    found = known.get(key)
    if found is None:
        base = known.get(external)
        if base is None:
            base = known[external] = url_for(
                "reader.article", article_id=ARTICLE_PLACEHOLDER, _external=external
            )
        found = base.replace(ARTICLE_PLACEHOLDER, quote(article_id, safe=""))
        if query:
            found = f"{found}?{query_string('q', [query])}"
        known[key] = found
    return found


STYLE_LABELS = {"chicago": ("Chicago note", "Chicago bibliography"), "apa": ("APA in-text", "APA reference"),
                "mla": ("MLA in-text", "MLA works cited")}  # fmt: skip


def chosen_styles() -> tuple[str, ...]:
    """Chicago, APA and MLA, and the style asked for with ?style= (any CSL style id that exists;
    style_problem() says why another is not shown)."""
    asked = request.args.get("style", "").strip().lower()
    if not asked or asked in STYLES or style_problem():
        return tuple(STYLES)
    return (*STYLES, find_style(asked, corpus_path()).id)


def style_problem() -> str | None:
    """Why the style asked for with ?style= cannot be used, if it cannot (worked out once per
    request: the view and the panel both ask)."""
    if "style_problem" not in g:
        g.style_problem = None
        asked = request.args.get("style", "").strip()
        if asked and asked.lower() not in STYLES:
            try:
                check_style(asked, corpus_path())  # found, and citeproc-js can render with it
            except (StyleNotFound, CiteprocError, CiteprocMissing) as error:
                g.style_problem = str(error)
    return g.style_problem


def style_name(key: str) -> str:
    """A style as the panel's picker names it: Chicago, APA, MLA, or the style's title."""
    if key in STYLE_LABELS:
        return STYLE_LABELS[key][0].split(" ")[0]
    return style_labels(key)[0].removesuffix(": citation")


def style_labels(key: str) -> tuple[str, str]:
    """What the panel calls a style's two forms: ("Chicago note", "Chicago bibliography")."""
    if key in STYLE_LABELS:
        return STYLE_LABELS[key]
    try:
        title = find_style(key, corpus_path()).title
    except StyleNotFound:
        title = key
    return (f"{title}: citation", f"{title}: entry")


def int_arg(name: str, default: int) -> int:
    """A whole number from the query string; the default for a missing or garbled one."""
    try:
        return int(request.args.get(name, default))
    except ValueError:
        return default


def corpus_path() -> Path | None:
    configured = current_app.config.get("CORPUS")
    return Path(configured) if configured else None


def article_citation(article) -> str:
    """The article's Chicago bibliography entry (HTML with <i>)."""
    return citations(article, None)["chicago"].entry


COINS = "archive-coins"  # the app's COinS of articles (article_coins)
COINS_KEPT = 4096


def article_coins(article) -> str:
    """The article's COinS (for Zotero), its own part kept by the app for the record as it is
    (every field COinS reads is part of an Article's hash), the article's address (which
    depends on the host asked) added last, as records.coins adds it."""
    url = article_address(article.id, external=True)
    return f"{own_coins(article)}&{urlencode([('rft_id', url)])}"


def own_coins(article) -> str:
    made = current_app.extensions[COINS].get(article)
    if made is None:
        made = coins(article)
        current_app.extensions[COINS].put(article, made)
    return made


def warm_coins(articles: Iterable) -> None:
    """Make the COinS of the first COINS_KEPT articles before any request (in an app context): a
    results page shows about ten articles, each encoding a whole record (35 us), and a worker's
    first pages met mostly articles no page had shown yet."""
    for article in itertools.islice(articles, COINS_KEPT):
        own_coins(article)


def init_app(app: Flask) -> None:
    app.extensions[COINS] = LRU(COINS_KEPT)
    app.jinja_env.filters["human_date"] = human_date
    app.jinja_env.globals.update(
        page_url=page_url,
        facet_links=facet_links,
        article_coins=article_coins,
        article_citation=article_citation,
        style_labels=style_labels,
        style_name=style_name,
        style_problem=style_problem,
        export_url=export_url,
    )


def export_url(fmt: str, **extra) -> str:
    """The current search's results as a file of `fmt` (the search's own arguments kept)."""
    args = request.args.to_dict(flat=False)
    args.pop("page", None)
    args.update(format=[fmt], **{k: [v] for k, v in extra.items()})
    return link("search.export_results", args)
