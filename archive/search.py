"""Query string -> SearchResults: parse, filter, facet, highlight, suggest, related passages."""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace

import numpy as np

from . import addresses
from .dates import MAX_YEAR, MIN_YEAR
from .engine.documents import iso_date
from .engine.index import IndexHandle
from .engine.matching import Evaluator, Matches, Table
from .engine.query import (
    FACET_FIELDS,
    KINDS,
    Built,
    MatchTerms,
    Query,
    all_of,
    describe,
    facet_query,
    match_terms,
    scrub,
)
from .engine.shaping import partial_clauses, shown, with_most_words
from .engine.suggest import lexicon, suggest
from .highlight import snippet

log = logging.getLogger(__name__)

SORTS = ("relevance", "date", "reading")
FACETS = tuple(FACET_FIELDS)
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
MAX_PAGE = 10_000  # deeper than anyone pages; bounds the work a URL can ask for
FEW_RESULTS = 3
PARTIAL_BELOW = 5  # when all the words find fewer passages, passages with all but one are offered
PARTIAL_LIMIT = 10
RELATED_TERMS = 12  # key terms of a passage that find passages like it
# Words whose postings a worker reads as it starts: at 130,000 passages the 500 most frequent
# take 0.5 s and 128 MB of the postings cache, and cut its first 400 new queries by a sixth.
WARM_WORDS = 500
FACET_LIMIT = 20  # values shown per facet: a thousand articles must not make a thousand links


@dataclass(frozen=True)
class Hit:
    id: str
    kind: str
    article: str
    article_title: str
    authors: str | None
    section: str | None
    section_number: int | None
    number: int | None
    ordinal: int | None
    page_start: int | None
    page_end: int | None
    date_start: str | None
    date_end: str | None
    text: str
    snippet: str
    score: float | None
    missing: tuple[str, ...] = ()  # the user's words this hit lacks (partial matches only)

    @property
    def anchor(self) -> str:
        return addresses.anchor(self.kind, self.number, self.ordinal, self.section_number)

    @property
    def label_text(self) -> str:
        """¶ 14, Fig. 3, Note 2, § 2."""
        return addresses.label(self.kind, self.number, self.ordinal, self.section_number)

    @property
    def place(self) -> str:
        """'¶ 14, p. 115'."""
        return addresses.place(self.label_text, self.page_start, self.page_end)

    @property
    def segment(self) -> str:
        return addresses.segment(self.kind)

    @property
    def position(self) -> int | None:
        return addresses.position(self.kind, self.number, self.ordinal)


@dataclass(frozen=True)
class SectionGroup:
    title: str | None
    number: int | None
    hits: tuple[Hit, ...]


@dataclass(frozen=True)
class ArticleGroup:
    article: str
    title: str
    sections: tuple[SectionGroup, ...]


@dataclass(frozen=True)
class Partial:
    """Passages with `have` of the `of` words asked, offered after (too few) complete matches."""

    have: int
    of: int
    hits: tuple[Hit, ...]


@dataclass(frozen=True)
class SearchResults:
    query: str
    interpreted: str
    total: int
    page: int
    pages: int
    page_size: int
    sort: str
    hits: tuple[Hit, ...] = ()
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    facet_sizes: dict[str, int] = field(default_factory=dict)  # distinct values, shown or not
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    suggestion: str | None = None
    corrected: bool = False
    messages: tuple[str, ...] = ()
    error: str | None = None
    seconds: float = 0.0
    partial: Partial | None = None
    terms: str = ""  # what was searched for, as terms: stems, compound parts, filters

    @property
    def groups(self) -> tuple[ArticleGroup, ...]:
        """Hits of this page grouped by article, then section, in order of first appearance."""
        articles: dict[str, dict] = {}
        for hit in self.hits:
            group = articles.setdefault(hit.article, {"title": hit.article_title, "sections": {}})
            group["sections"].setdefault((hit.section_number, hit.section), []).append(hit)
        return tuple(
            ArticleGroup(
                article_id,
                group["title"],
                tuple(
                    SectionGroup(title, number, tuple(hits))
                    for (number, title), hits in group["sections"].items()
                ),
            )
            for article_id, group in articles.items()
        )

    def to_dict(self) -> dict:
        """dataclasses.asdict(self), without its deep copy of every value: it was a tenth of an
        API answer's time. Containers are new; their strings and numbers are shared."""
        data = {name: getattr(self, name) for name in RESULT_FIELDS}
        data["hits"] = tuple(hit_dict(hit) for hit in self.hits)
        data["facets"] = {name: dict(counts) for name, counts in self.facets.items()}
        data["facet_sizes"] = dict(self.facet_sizes)
        data["filters"] = dict(self.filters)
        if self.partial is not None:
            partial = self.partial
            data["partial"] = {
                "have": partial.have,
                "of": partial.of,
                "hits": tuple(map(hit_dict, partial.hits)),
            }
        return data


def hit_dict(hit: Hit) -> dict:
    return {name: getattr(hit, name) for name in HIT_FIELDS}


HIT_FIELDS = tuple(f.name for f in fields(Hit))
RESULT_FIELDS = tuple(f.name for f in fields(SearchResults))


@dataclass(frozen=True)
class Request:
    """What the user asked for: query text, facet selections, sort and page."""

    query: str = ""
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    sort: str = "relevance"
    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE
    # The length of what was typed when the browser had to cut it to fit in a web address (a
    # pasted paragraph of Chinese is 9 bytes a character); 0 when nothing was cut.
    typed: int = 0


def normalise_request(request: Request) -> Request:
    """The request with unknown facets, blank values and impossible years left out (a facet value
    comes from a URL: anything may be in it), and page and size within bounds."""
    filters = {
        name: tuple(str(v) for v in values if str(v).strip() and (name != "year" or is_year(str(v))))
        for name, values in request.filters.items()
        if name in FACETS and values
    }
    return Request(
        query=request.query or "",
        filters={k: v for k, v in filters.items() if v},
        sort=request.sort if request.sort in SORTS else "relevance",
        page=max(1, min(int(request.page or 1), MAX_PAGE)),
        page_size=max(1, min(int(request.page_size or DEFAULT_PAGE_SIZE), MAX_PAGE_SIZE)),
        typed=max(0, int(request.typed or 0)),
    )


def is_year(text: str) -> bool:
    return text.isdigit() and len(text) == 4 and MIN_YEAR <= int(text) <= MAX_YEAR


def search(handle: IndexHandle, request: Request | str) -> SearchResults:
    """Run a search; any user input gives results or a message, never an exception."""
    request = normalise_request(Request(query=request) if isinstance(request, str) else request)
    started = time.perf_counter()
    try:
        results = _search(handle, request)
    except Exception:  # a last resort: the user sees a message, the log gets the traceback
        log.exception("search failed for %r", request.query)
        results = _empty(request, error="This query could not be run. Try simpler words.")
    return replace(
        results, seconds=time.perf_counter() - started, messages=cut_note(request) + results.messages
    )


def cut_note(request: Request) -> tuple[str, ...]:
    """Say so when the browser cut the query (to fit in an address, and to the query limit), so
    no one thinks the whole paste was searched."""
    kept = len(request.query)
    if request.typed <= kept:
        return ()
    return (f"Your query of {request.typed:,} characters was cut to its first {kept:,}.",)


def _empty(request: Request, error: str | None = None, messages=(), interpreted: str = "") -> SearchResults:
    return SearchResults(
        query=scrub(request.query),
        interpreted=interpreted,
        total=0,
        page=request.page,
        pages=0,
        page_size=request.page_size,
        sort=request.sort,
        filters=request.filters,
        error=error,
        messages=tuple(messages),
    )


def _search(handle: IndexHandle, request: Request) -> SearchResults:
    built = handle.parse(request.query)
    if built.query is None:
        return _empty(request, error=built.error, messages=built.messages, interpreted=built.interpreted)
    # One evaluator for the whole search: each word is scored once, for the query, the words a
    # passage has itself, a correction and the passages with most of the words alike
    evaluator = handle.evaluator()
    results = replace(
        run(evaluator, built.query, request, built.interpreted, built.messages), terms=built.terms
    )
    if results.total >= FEW_RESULTS:
        return results
    suggestion = suggest(handle, request.query)
    if suggestion:
        fixed = handle.parse(suggestion)
        corrected = (
            run(evaluator, fixed.query, request, fixed.interpreted, built.messages) if fixed.query else None
        )
        if corrected is None or corrected.total <= results.total:  # a correction must find more
            suggestion = None
        elif results.total == 0:
            return replace(
                corrected,
                query=scrub(request.query),
                suggestion=suggestion,
                corrected=True,
                terms=fixed.terms,
            )
    results = replace(results, suggestion=suggestion)
    if results.total < PARTIAL_BELOW and request.page == 1:
        results = replace(results, partial=partial_hits(evaluator, built, request))
    return results


def partial_hits(evaluator: Evaluator, built: Built, request: Request) -> Partial | None:
    """Passages with most of the words (see shaping.with_most_words), when all of them together
    find almost nothing; each hit says which words it lacks."""
    clauses = partial_clauses(built.words)
    if clauses is None:
        return None
    positive, negative = clauses
    scope = [f for f in (facet_query(request.filters), all_of(built.filters)) if f is not None]
    found, have, each = with_most_words(evaluator, positive, negative, scope)
    labels = built.labels if len(built.labels) == len(positive) else tuple(describe(c) for c in positive)
    terms = match_terms(built.words)
    hits = tuple(
        replace(
            to_hit(evaluator.fields(found.ids[i]), float(found.scores[i]), terms),
            missing=tuple(label for label, m in zip(labels, each, strict=True) if found.ids[i] not in m.ids),
        )
        for i in ranked(found, evaluator.table, "relevance", PARTIAL_LIMIT)
    )
    return Partial(have, len(positive), hits) if hits else None


def run(evaluator: Evaluator, built: Query, request: Request, interpreted: str, messages) -> SearchResults:
    table = evaluator.table
    found = shown(table, built, evaluator.matches(built), evaluator.matches)
    scope = facet_query(request.filters)
    if scope is not None:
        found = found.within(evaluator.matches(scope).ids)
    total = len(found)
    pages = math.ceil(total / request.page_size) if total else 0
    page = min(request.page, max(pages, 1))  # past the last page is the last page
    hits = ()
    if page <= max(pages, 1):
        first = (page - 1) * request.page_size
        chosen = ranked(found, table, request.sort, first + request.page_size)[first:]
        terms = match_terms(built)
        scored = request.sort == "relevance"
        hits = tuple(
            to_hit(
                evaluator.fields(found.ids[i]),
                float(found.scores[i]) if scored else None,
                terms,
            )
            for i in chosen
        )
    facets, facet_sizes = facet_counts(table, found.ids, request.filters)
    return SearchResults(
        query=scrub(request.query),
        interpreted=interpreted,
        total=total,
        page=page,
        pages=pages,
        page_size=request.page_size,
        sort=request.sort,
        hits=hits,
        facets=facets,
        facet_sizes=facet_sizes,
        filters=request.filters,
        messages=tuple(messages),
    )


def ranked(found: Matches, table: Table, sort: str, limit: int) -> list[int]:
    """Positions in `found` of its first `limit` documents in the requested order (ties in
    index order)."""
    ids = found.ids
    if sort == "relevance":
        candidates = np.arange(len(ids))
        if len(ids) > limit:  # only the top of the list needs sorting
            candidates = np.argpartition(-found.scores, limit - 1)[:limit]
        order = candidates[np.lexsort((ids[candidates], -found.scores[candidates]))]
    elif sort == "date":  # newest first, undated (0) last, then reading order
        order = np.lexsort((table.numbers["order"][ids], -table.numbers["sort_date"][ids]))
    else:  # reading: article by article, in order
        order = np.lexsort((table.numbers["order"][ids], table.facets["article"].codes[ids]))
    return order[:limit].tolist()


def facet_counts(table: Table, ids, filters: dict) -> tuple[dict[str, dict[str, int]], dict[str, int]]:
    """Counts of the most frequent values of each facet (selected values always included), and
    the number of distinct values each facet has among the results."""
    counts, sizes = {}, {}
    for name in FACETS:
        groups, sizes[name] = table.facets[FACET_FIELDS[name]].counts(ids, FACET_LIMIT, filters.get(name, ()))
        ordered = sorted(groups.items(), key=lambda kv: (-kv[1], str(kv[0])))
        counts[name] = {str(value): count for value, count in ordered}
    order = {kind: i for i, kind in enumerate(KINDS)}
    counts["kind"] = dict(sorted(counts["kind"].items(), key=lambda kv: order.get(kv[0], len(order))))
    counts["year"] = dict(sorted(counts["year"].items(), reverse=True))
    return counts, sizes


def to_hit(fields: dict, score: float | None, terms) -> Hit:
    kind = fields["kind"]
    text = fields.get("text") or fields.get("section_text") or ""  # a section's is only stored
    return Hit(
        id=fields["id"],
        kind=kind,
        article=fields["article"],
        article_title=fields["title"],
        authors=fields.get("author"),
        section=fields.get("section"),
        section_number=fields.get("section_number"),
        number=fields.get("number"),
        ordinal=fields.get("ordinal"),
        page_start=fields.get("page_start"),
        page_end=fields.get("page_end"),
        date_start=iso_date(fields.get("date_start")),
        date_end=iso_date(fields.get("date_end")),
        text=text,
        snippet=snippet(text, terms),
        score=round(score, 4) if score is not None else None,
    )


def warm(handle: IndexHandle, stop: threading.Event | None = None) -> None:
    """Build what a first search would otherwise pay for: the per-generation tables, the article
    titles (facet labels), the articles' records (a hit's citation data), the spelling lexicon
    (the first zero-hit query) and the postings of the index's most frequent words. Stops
    between steps once `stop` is set (a worker stopping)."""
    steps = (
        handle.evaluator,
        handle.article_titles,
        handle.article_records,
        lambda: warm_postings(handle, lexicon(handle).most_frequent(WARM_WORDS), stop),
    )
    for step in steps:
        if stop is not None and stop.is_set():
            return
        step()


def warm_postings(handle: IndexHandle, words: list[str], stop: threading.Event | None = None) -> None:
    """Read each word's postings into the shared cache, as a search of it would: the most
    frequent words have the longest lists (a few milliseconds each to read the first time) and
    recur in most queries, so a fresh worker's first queries paid for them again and again."""
    evaluator = handle.evaluator()
    for word in words:
        if stop is not None and stop.is_set():
            return
        built = handle.parse(word)
        if built.query is not None:
            evaluator.read_postings(built.query)


def keep_warm(opened: Callable[[], IndexHandle], stop: threading.Event, every: float = 1.0) -> None:
    """Warm each new version of the index `opened()` gives once a reindex has committed it,
    looking every `every` seconds until `stop` is set (a worker's thread of its own). A version
    is a generation of an index folder: the tables, lexicon, records and postings are kept per
    generation, and after a one-article reindex at 130,000 passages the first search paid 0.26 s
    for the tables, the first zero-hit query 0.8 s for the lexicon, and the next few hundred
    queries a sixth more for postings read again. The version the worker started with is warmed
    again at once (almost all of it found already made): one committed while the worker warmed
    up would be missed otherwise."""
    warmed = None
    while not stop.is_set():
        version = readable_version(opened)
        if version is not None and version != warmed:
            warmed = version  # tried once a version: a failure is logged once, not every second
            try:
                warm(opened(), stop)
            except Exception:  # searches then build what they need themselves, as before
                log.exception("the index's new version could not be warmed")
        stop.wait(every)


def readable_version(opened: Callable[[], IndexHandle]) -> tuple[str | None, int] | None:
    """The index's identity and generation; None while it cannot be opened or read (its pages
    say why). Not the reindex marker's time: a reindex that changed nothing needs no warming."""
    try:
        handle = opened()
        generation = handle.generation()  # first: it notices an index replaced by a new one
        return handle.identity, generation
    except Exception:
        return None


def related(handle: IndexHandle, passage_id: str, limit: int = 5) -> tuple[Hit, ...]:
    """Passages most like this one (more like this), from any article, never itself: the OR of
    its key terms (Whoosh's more_like query), matched and ranked like any search."""
    evaluator = handle.evaluator()
    found = evaluator.like(passage_id, RELATED_TERMS)
    return tuple(
        to_hit(evaluator.fields(found.ids[i]), float(found.scores[i]), MatchTerms())
        for i in ranked(found, evaluator.table, "relevance", limit)
    )
