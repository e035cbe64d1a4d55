"""The reader: an article, one passage with its citations, and citation downloads."""

from __future__ import annotations

import json
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from flask import Blueprint, Response, abort, current_app, redirect, render_template, request, url_for

from ..addresses import SEGMENTS, is_paragraph
from ..cite import stored_parts, text_fragment
from ..engine.query import match_terms
from ..highlight import highlight_html
from ..models import Article, Passage
from ..permalinks import find_passage, resolve
from ..records import citation_bundle, highwire_tags
from ..search import related
from ..settings import SERVER_THREADS
from .helpers import chosen_styles, corpus_path
from .search import export_response
from .store import get_handle

bp = Blueprint("reader", __name__, url_prefix="/a")
CITING = "archive-citing"  # the app's threads that wait for citations (see passage_view)

DOWNLOADS = {
    "bib": "application/x-bibtex",
    "ris": "application/x-research-info-systems",
    "json": "application/json",
}


def init_app(app) -> None:
    app.extensions[CITING] = ThreadPoolExecutor(max_workers=SERVER_THREADS, thread_name_prefix="citing")
    app.register_blueprint(bp)


def passage_url(passage, external: bool = False) -> str:
    """The permalink: article, number, and the fingerprint of the cited text."""
    return url_for(
        "reader.passage",
        article_id=passage.article_id,
        segment=passage.segment,
        number=passage.position,
        v=passage.fingerprint,
        _external=external,
    )


def highlighted(article, query: str) -> dict[str, str]:
    """Display HTML of the passages the query matches, its words marked (server-side)."""
    if not query.strip():
        return {}
    handle = get_handle()
    built = handle.parse(query).query
    terms = match_terms(built) if built is not None else None
    if not terms:
        return {}
    marked = {p.id: highlight_html(p.html, p.text, terms) for p in article.passages}
    return {pid: fragment for pid, fragment in marked.items() if "<mark>" in fragment}  # matches only


@bp.route("/<article_id>")
def article(article_id: str):
    handle = get_handle()
    found = handle.article(article_id)
    if found is None:
        return gone_or_missing(article_id)
    query = request.args.get("q", "")
    paragraphs = Counter(p.section_number for p in found.passages if is_paragraph(p.kind))
    marked = highlighted(found, query)
    return render_template(
        "article.html",
        article=found,
        paragraphs=paragraphs,
        query=query,
        marked=marked,
        matches=match_steps(found, marked),
        meta=highwire_tags(found, url_for("reader.article", article_id=found.id, _external=True)),
    )


@dataclass(frozen=True)
class MatchStep:
    """Where a marked passage stands among the article's matches, and its neighbours' anchors."""

    position: int
    total: int
    previous: str | None
    next: str | None


def match_steps(article: Article, marked: dict[str, str]) -> dict[str, MatchStep]:
    """For each passage with a match, its place among them (the reader steps from one to the next)."""
    anchors = [(p.id, p.anchor) for p in article.passages if p.id in marked]
    return {
        pid: MatchStep(
            i + 1,
            len(anchors),
            anchors[i - 1][1] if i else None,
            anchors[i + 1][1] if i + 1 < len(anchors) else None,
        )
        for i, (pid, _) in enumerate(anchors)
    }


@dataclass(frozen=True)
class Removed:
    """An article removed from the corpus, as it last was: one of its passages and that
    passage's citations, when an address named one."""

    article: Article
    removed_on: str
    passage: Passage | None
    bundle: dict | None


def removed(article_id: str, kind: str = "paragraph", number: int | None = None) -> Removed:
    """What a removed article's address answers with (410, in every form); 404 when the archive
    never held the article."""
    found = get_handle().removed_article(article_id)
    if found is None:
        abort(404)
    old, when = found
    passage = find_passage(old, kind, number) if number is not None else None
    return Removed(old, when, passage, citation_bundle(old, passage) if passage else None)


def gone_or_missing(article_id: str, kind: str = "paragraph", number: int | None = None):
    gone = removed(article_id, kind, number)
    page = render_template(
        "removed.html",
        article=gone.article,
        passage=gone.passage,
        bundle=gone.bundle,
        removed_on=gone.removed_on,
    )
    return page, 410


@bp.route("/<article_id>/<any(p, fig, note, code, ref):segment>/<int:number>")
def passage(article_id: str, segment: str, number: int):
    """A passage's page: /a/<article>/p/14 for ¶ 14, /fig/3, /note/2, /code/1, /ref/5."""
    return passage_page(article_id, SEGMENTS[segment], number)


def passage_page(article_id: str, kind: str, number: int):
    fingerprint = request.args.get("v")
    found = resolve(get_handle(), article_id, kind, number, fingerprint)
    if found.status == "removed":
        return gone_or_missing(article_id, kind, number)
    if found.status == "missing" or found.passage is None:
        abort(404)
    if found.status == "moved":
        return redirect(passage_url(found.passage), code=301)
    view = passage_view(found.article, found.passage, found.before, found.after)
    return render_template(
        "passage.html",
        article=view.article,
        passage=view.passage,
        resolution=found,
        before=view.before,
        after=view.after,
        bundle=view.bundle,
        style=request.args.get("style", ""),
        permalink=view.permalink,
        fragment=view.fragment_url,
        related=view.related,
        meta=highwire_tags(view.article, view.article_url),
    )


@dataclass(frozen=True)
class PassageView:
    """One passage as its page and its API answer show it."""

    article: Article
    passage: Passage
    before: tuple[Passage, ...]  # the passage just before it, if any
    after: tuple[Passage, ...]  # and just after
    article_url: str
    permalink: str
    fragment_url: str  # the article at this passage's words (a text fragment)
    bundle: dict  # its citations in the chosen styles, and its records
    related: tuple  # passages like it (search.Hit)


def passage_view(article: Article, passage: Passage, before: tuple, after: tuple) -> PassageView:
    """`article` may come without its passages (IndexHandle.passage_in_place): the passage's
    neighbours are given."""
    article_url = url_for("reader.article", article_id=article.id, _external=True)
    permalink = passage_url(passage, external=True)
    # Citations are rendered by V8 on the citation engine's thread while this one finds the
    # related passages: the page waits for the slower of the two, not for both.
    handle = get_handle()
    stored = stored_parts(handle.stored_citations(article.id))
    citing = current_app.extensions[CITING].submit(
        citation_bundle, article, passage, permalink, chosen_styles(), corpus_path(), stored
    )
    similar = related(handle, passage.id)
    return PassageView(
        article=article,
        passage=passage,
        before=before,
        after=after,
        article_url=article_url,
        permalink=permalink,
        fragment_url=f"{article_url}#{text_fragment(passage.text)}",
        bundle=citing.result(),
        related=similar,
    )


@bp.route("/<article_id>/export")
def export_article(article_id: str):
    """The article as RIS, BibTeX, CSL-JSON or its bibliography entry (?format=, ?style=)."""
    found = get_handle().article(article_id)
    if found is None:
        return gone_or_missing(article_id)
    return export_response([found], article_id)


@bp.route("/<article_id>/<any(p, fig, note, code, ref):segment>/<int:number>.<any(bib, ris, json):fmt>")
def download(article_id: str, segment: str, number: int, fmt: str):
    found = resolve(get_handle(), article_id, SEGMENTS[segment], number, None)
    if found.passage is None or found.status not in ("ok", "removed"):
        abort(404)
    passage = found.passage
    bundle = citation_bundle(found.article, passage, passage_url(passage, external=True))
    body = {
        "bib": bundle["bibtex"],
        "ris": bundle["ris"],
        "json": json.dumps(bundle["csl_json"], ensure_ascii=False, indent=2),
    }[fmt]
    filename = f"{passage.id}.{fmt}"
    return Response(
        body,
        status=410 if found.status == "removed" else 200,  # what was cited, said to be gone
        mimetype=DOWNLOADS[fmt],
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
