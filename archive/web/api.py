"""The JSON API: the same data the pages show."""

from __future__ import annotations

from dataclasses import asdict

from flask import Blueprint, abort, jsonify, request, url_for

from ..addresses import label, position, segment
from ..styles import list_styles
from .cache import cached
from .helpers import corpus_path, style_problem
from .reader import passage_view
from .search import export_response, hit_url, results_page, searched_articles
from .store import get_handle

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.route("/search")
@cached
def search_api():
    if request.args.get("format"):  # the results as records: ris, bibtex, csl-json, bibliography
        return export_response(searched_articles(), "results")
    page = results_page(always=True)
    found = page.found
    data = found.to_dict()
    data["facet_labels"] = {"article": {a: page.titles.get(a, a) for a in found.facets.get("article", {})}}
    shown = [*zip(data["hits"], found.hits, strict=True)]
    if found.partial:
        shown += zip(data["partial"]["hits"], found.partial.hits, strict=True)
    for hit, found_hit in shown:
        hit["url"] = hit_url(found_hit, found.query)
        hit["label"] = found_hit.label_text
    return jsonify(data), page.status


@bp.route("/articles")
@cached
def articles_api():
    records = get_handle().article_list()
    return jsonify(
        {
            "articles": [
                {
                    "id": r["article"],
                    "title": r["title"],
                    "authors": r.get("author"),
                    "year": r.get("year"),
                    "url": url_for("reader.article", article_id=r["article"]),
                }
                for r in records
            ]
        }
    )


@bp.route("/articles/<article_id>")
def article_api(article_id: str):
    article = get_handle().article(article_id)
    if article is None:
        abort(404)
    data = article.to_dict()
    data["url"] = url_for("reader.article", article_id=article.id)
    for passage in data["passages"]:
        passage["permalink"] = url_for(
            "reader.passage",
            article_id=article.id,
            segment=segment(passage["kind"]),
            number=position(passage["kind"], passage["number"], passage["ordinal"]),
            v=passage["fingerprint"],
        )
        passage["label"] = label(passage["kind"], passage["number"], passage["ordinal"])
    return jsonify(data)


@bp.route("/styles")
def styles_api():
    """Citation styles whose id or title holds every word of `q` (the style picker's list)."""
    found = list_styles(corpus_path(), request.args.get("q", ""), limit=30)
    return jsonify([{"id": s.id, "title": s.title, "origin": s.origin} for s in found])


@bp.route("/passages/<passage_id>")
def passage_api(passage_id: str):
    found = get_handle().passage_in_place(passage_id)
    if found is None:
        abort(404)
    view = passage_view(*found)
    return jsonify(
        {
            "passage": asdict(view.passage),
            "article": view.article.to_dict()["article"],
            "permalink": view.permalink,
            "text_fragment_url": view.fragment_url,
            "previous": view.before[-1].id if view.before else None,
            "next": view.after[0].id if view.after else None,
            "citations": view.bundle,
            "style_error": style_problem(),
            "related": [{**asdict(hit), "url": hit_url(hit)} for hit in view.related],
        }
    )
