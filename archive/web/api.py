"""The JSON API: the same data the pages show."""

from __future__ import annotations

from dataclasses import asdict, replace

from flask import Blueprint, jsonify, request, url_for

from ..addresses import article_of, label, position, segment
from ..records import citation_bundle
from ..styles import list_styles
from .cache import cached
from .errors import MESSAGES
from .helpers import corpus_path, style_problem
from .reader import Removed, passage_view, removed
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


def removed_json(gone: Removed):
    """A removed article's answer under /api: 410, with what it was and when it went."""
    data = {
        "error": MESSAGES[410],
        "status": 410,
        "removed_on": gone.removed_on,
        "article": gone.article.to_dict()["article"],
    }
    data |= {"passage": asdict(gone.passage) if gone.passage else None, "citations": gone.bundle}
    return jsonify(data), 410


@bp.route("/articles/<article_id>")
def article_api(article_id: str):
    article = get_handle().article(article_id)
    if article is None:
        return removed_json(removed(article_id))
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


def removed_passage_json(passage_id: str):
    """A passage of a removed article, by its id, as it was (410, `passage` null for a number it
    never had, as its page answers); 404 for an article the archive never held."""
    gone = removed(article_of(passage_id))
    passage = next((p for p in gone.article.passages if p.id == passage_id), None)
    bundle = citation_bundle(gone.article, passage) if passage else None
    return removed_json(replace(gone, passage=passage, bundle=bundle))


@bp.route("/styles")
def styles_api():
    """Citation styles whose id or title holds every word of `q` (the style picker's list)."""
    found = list_styles(corpus_path(), request.args.get("q", ""), limit=30)
    return jsonify([{"id": s.id, "title": s.title, "origin": s.origin} for s in found])


@bp.route("/passages/<passage_id>")
def passage_api(passage_id: str):
    found = get_handle().passage_in_place(passage_id)
    if found is None:
        return removed_passage_json(passage_id)
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
