"""User query text -> a Whoosh query: cleaned in one place, filters pulled out, never raising."""

from __future__ import annotations

import calendar
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial

from whoosh import qparser
from whoosh import query as q

from ..dates import MAX_YEAR, MIN_YEAR
from ..models import PASSAGE_KINDS
from ..synonyms import Synonyms
from .analysis import MAX_WORD_CHARS, acronym_analyzer, compound_parts, unit_text

MAX_QUERY_CHARS = 1000
# Words searched at most (as web search engines cap a query at 32): Whoosh's parser costs grow
# faster than the query, and a pasted paragraph is found by its first sentence or two.
MAX_QUERY_WORDS = 32
MAX_EXPANSIONS = 500
MIN_WILDCARD_PREFIX = 2
SEARCH_FIELDS = ("text", "exact", "title", "section")
FIELD_BOOSTS = {"text": 1.0, "exact": 0.5, "title": 2.0, "section": 1.5}
KINDS = (*PASSAGE_KINDS, "section")
# The facets a search offers, and the index field each one counts and filters.
FACET_FIELDS = {"kind": "kind", "section": "section_key", "article": "article", "year": "year"}
Query = q.Query  # what the rest of the archive holds without knowing the engine
ACRONYM_BOOST = 2.0  # weight of a query's capitals matched in capitals, beside the same words' score
FILTER_FIELDS = ("kind", "section", "article", "author", "year", "date", "title")
_FILTER = re.compile(
    r"(?<![^\s(])(?P<neg>-?)(?P<field>[A-Za-z_]+):(?P<value>\"[^\"]*\"?|\[[^\]]*\]?|[^\s()\"]+)"
)
# A filter's name with nothing after it ("title:", "author: yu", "title:(a OR b)")
_EMPTY_FILTER = re.compile(rf"(?<![^\s(])-?(?P<field>{'|'.join(FILTER_FIELDS)}):(?=[\s()]|$)", re.I)
_QUOTED = re.compile(r'"([^"]*)"')
_LONE_DASH = re.compile(r"(?<!\S)[-+–—]+(?!\S)")
ODD_SYMBOLS = re.compile(r"\+\+(?![\w+#])|#(?![\w+#])|[^\w\s]")  # a word's own "++" or "#" first
# A sign before nothing it can apply to; a word's own "++" first, whatever follows it ("C++")
_DANGLING_SIGNS = re.compile(r"(?<=\w)\+\+(?![\w+#])|[+-]+(?![\w\"(])")
_LONE_STAR = re.compile(r'(?<![\w*"])\*+')  # a star that follows no letter, digit or phrase
# "--incremental", "--livereload": a command-line flag in a question about a tool, not NOT
_FLAG = re.compile(r"(?<![^\s(])-{2,}(?=\w)")


@dataclass
class CleanQuery:
    """The user's query split into free text and filters, with messages for what was changed."""

    text: str  # the free text as the user wrote it (shown back to them)
    filters: list[q.Query] = field(default_factory=list)
    described_filters: list[str] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)


def parser_text(text: str, synonyms: Synonyms | None = None) -> str:
    """The user's free text as the parser is given it. Each compound typed outside quotes
    (China-Russia, S-400, e-commerce) becomes the phrase of its parts OR the parts run together,
    so that "China Russia", "China-Russia" and "ChinaRussia" all find it, as all are indexed (see
    analysis.py); a word with synonyms becomes the group of them. -word and +word become NOT word
    and word: Whoosh's own minus fails inside an OR group, and a minus inside a word is never an
    operator."""
    pieces = re.split(r'("[^"]*")', text)
    expand = partial(_expand_word, synonyms=synonyms or Synonyms())
    for i in range(len(pieces)):
        if i % 2 == 0:  # outside quotes
            pieces[i] = re.sub(r"(?<![^\s(])([+-]?)([^\s()\"]+)", expand, pieces[i])
        pieces[i] = re.sub(r"(?<![^\s(])-(?=[\"(])", "NOT ", pieces[i])  # -"phrase", -(group)
        pieces[i] = re.sub(r"(?<![^\s(])\+(?=[\"(])", "", pieces[i])
    return "".join(pieces)


def _sign_or_space(match: re.Match) -> str:
    """A word's own "++" or "#" (C++, C#: see analysis.py) as it is; any other sign, a space."""
    own = match[0] in ("++", "#") and match.start() and match.string[match.start() - 1].isalnum()
    return match[0] if own else " "


def _expand_word(match: re.Match, synonyms: Synonyms) -> str:
    operator, word = {"-": "NOT ", "+": ""}.get(match[1], ""), match[2]
    if word in ("AND", "OR", "NOT") or word.endswith(("*", "?")):
        return operator + word
    searched = [_compound(alternative) for alternative in synonyms.searched_for(word)]
    return operator + (searched[0] if len(searched) == 1 else f"({' OR '.join(searched)})")


def _compound(word: str) -> str:
    """A word as the parser should see it: a compound as its parts' phrase OR their run-together
    form, a several-word synonym as a phrase."""
    if " " in word:
        return f'"{word}"'
    parts = compound_parts(word)
    if not parts:
        return word
    return f'("{" ".join(parts)}" OR {"".join(unit_text(p) for p in parts)})'


def scrub(text: str) -> str:
    """NFC, control characters out, whitespace single."""
    text = unicodedata.normalize("NFC", text or "")
    text = "".join(c if unicodedata.category(c)[0] != "C" else " " for c in text)
    return " ".join(text.split())


def clean_query(raw: str, schema) -> CleanQuery:
    """Make any string safe to parse: length, quotes, field filters, wildcards."""
    text = scrub(raw)
    messages = []
    if len(text) > MAX_QUERY_CHARS:
        text = text[:MAX_QUERY_CHARS].rsplit(" ", 1)[0]
        messages.append(f"Your query was cut to its first {MAX_QUERY_CHARS} characters.")
    cleaned = CleanQuery(text="", messages=messages)
    # "?" is a question's mark, not a wildcard (Whoosh's one-letter wildcard; only * is offered)
    text = _FLAG.sub("", text.replace("?", " "))
    cleaned.text = _FILTER.sub(lambda m: _take_filter(m, cleaned, schema), text)
    cleaned.text = _EMPTY_FILTER.sub(lambda m: _empty_filter(m, cleaned), cleaned.text)
    if cleaned.text.count('"') % 2:
        cleaned.text = _drop_last(cleaned.text, '"')
        cleaned.messages.append("An unmatched quote mark was ignored.")
    # A dash standing alone in a phrase is punctuation ("spring - and", Russian's spaced dash):
    # at its end, it was taken for a NOT of nothing and the phrase found nothing
    cleaned.text = _QUOTED.sub(lambda m: f'"{_LONE_DASH.sub(" ", m[1])}"', cleaned.text)
    if _LONE_STAR.search(cleaned.text) and re.search(r"\w", cleaned.text):
        # "2 * 2", "(**)" in a pasted paragraph: a * after no word makes no prefix
        cleaned.text = _LONE_STAR.sub(" ", cleaned.text)
        cleaned.messages.append("A * that follows no letters was ignored (a prefix is written sanc*).")
    # Whoosh's +/- operators crash unless a word or phrase follows them; a word's own "++" (C++)
    # is part of it (analysis.py)
    cleaned.text = _DANGLING_SIGNS.sub(_sign_or_space, cleaned.text)
    cleaned.text = re.sub(r"(?<![^\s(])([+-])[+-]+", r"\1", cleaned.text)
    words = _without_dangling_operators(cleaned.text.split())
    if len(words) > MAX_QUERY_WORDS:
        words = _without_dangling_operators(words[:MAX_QUERY_WORDS])
        cleaned.messages.append(f"Your query was cut to its first {MAX_QUERY_WORDS} words.")
    cleaned.text = " ".join(words)
    if cleaned.text.count('"') % 2:  # the cut may have split a phrase
        cleaned.text = _drop_last(cleaned.text, '"').strip()
    if any("*" in phrase for phrase in _QUOTED.findall(cleaned.text)):
        cleaned.messages.append(
            "A * inside quotes does not make a prefix: the phrase was searched word for word. "
            'For a prefix, leave it out of the quotes ("open" sci*).'
        )
    return cleaned


def _without_dangling_operators(words: list[str]) -> list[str]:
    """The words without an operator that joins nothing: "kernel OR", typed on the way to "kernel
    OR svm" (live search runs as one types), searched the word "or" and showed it as OR."""
    while words and words[-1] in ("AND", "OR", "NOT"):
        words = words[:-1]
    while words and words[0] in ("AND", "OR"):
        words = words[1:]
    return words


def _drop_last(text: str, char: str) -> str:
    index = text.rfind(char)
    return text[:index] + " " + text[index + 1 :]


def _take_filter(match: re.Match, cleaned: CleanQuery, schema) -> str:
    name, value = match["field"].lower(), match["value"].strip('"[]').strip()
    if name not in FILTER_FIELDS:
        cleaned.messages.append(
            f"“{name}:” is not a field, so it was searched as words. Fields: {', '.join(FILTER_FIELDS)}."
        )
        return f" {match['field']} {match['value'].strip(chr(34))} "
    if not value:
        cleaned.messages.append(f"“{name}:” needs a value, e.g. {_EXAMPLES[name]}.")
        return " "
    built = _FILTER_BUILDERS[name](value, schema)
    if isinstance(built, str):
        cleaned.messages.append(built)
        return " "
    negate = bool(match["neg"])
    cleaned.filters.append(q.Not(built) if negate else built)
    shown = f"[{value}]" if name == "date" and " " in value else _quote(value)
    cleaned.described_filters.append(f"{'-' if negate else ''}{name}:{shown}")
    return " "


def _empty_filter(match: re.Match, cleaned: CleanQuery) -> str:
    name = match["field"].lower()
    if match.string[match.end() : match.end() + 1] == "(":
        cleaned.messages.append(
            f"“{name}:” takes one word or a quoted phrase, e.g. {_EXAMPLES[name]}; the words in "
            "brackets after it were searched everywhere."
        )
    else:
        cleaned.messages.append(f"“{name}:” needs a value right after it, e.g. {_EXAMPLES[name]}.")
    return " "


def _quote(value: str) -> str:
    return f'"{value}"' if " " in value else value


def _kind(value: str, schema=None) -> q.Query | str:
    kind = value.lower()
    if kind not in KINDS:
        return f"“{value}” is not a kind of passage; kinds are {', '.join(KINDS)}."
    return q.Term("kind", kind)


def _year(value: str, schema=None) -> q.Query | str:
    match = re.fullmatch(r"(\d{4})(?:\s*(?:-|–|\.\.|to)\s*(\d{4}))?", value)
    if not match:
        return f"“year:{value}” is not a year; write year:2019 or year:2018-2019."
    start, end = sorted((int(match[1]), int(match[2] or match[1])))
    if start < MIN_YEAR or end > MAX_YEAR:
        return f"“year:{value}” is outside the years articles have ({MIN_YEAR}–{MAX_YEAR})."
    return q.NumericRange("year", start, end)


def _date_bounds(text: str, last: bool) -> datetime | None:
    match = re.fullmatch(r"(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?", text.strip())
    if not match:
        return None
    year, month = int(match[1]), int(match[2] or (12 if last else 1))
    if not (MIN_YEAR <= year <= MAX_YEAR and 1 <= month <= 12):
        return None
    day = int(match[3]) if match[3] else (calendar.monthrange(year, month)[1] if last else 1)
    try:
        return datetime(year, month, day)
    except ValueError:
        return None


def _date(value: str, schema=None) -> q.Query | str:
    """Chronology entries whose dates overlap the range: date:2019-07, date:[2019-07-01 to 2019-07-31]."""
    parts = re.split(r"\s+to\s+|\s*\.\.\s*|\s+", value.strip(), maxsplit=1)
    start = _date_bounds(parts[0], last=False)
    end = _date_bounds(parts[-1], last=True)
    if start is None or end is None or end < start:
        return f"“date:{value}” is not a date range; write date:2019-07 or date:[2019-07-01 to 2019-07-31]."
    return q.And([q.DateRange("date_start", None, end), q.DateRange("date_end", start, None)])


def _words_in(fieldname: str):
    def build(value: str, schema) -> q.Query | str:
        parser = qparser.QueryParser(fieldname, schema, group=qparser.AndGroup)
        parser.remove_plugin_class(qparser.FieldsPlugin)
        # Whoosh chokes on odd symbols; a word's own "++" or "#" (C++, C#) is the word's
        plain = " ".join(ODD_SYMBOLS.sub(_sign_or_space, value).split())
        built = q.NullQuery
        if plain:
            built = parser.parse(f'"{plain}"' if " " in plain else plain)
        return built if built is not q.NullQuery else f"“{fieldname}:{value}” has no searchable words."

    return build


def _article(value: str, schema=None) -> q.Query | str:
    return q.Term("article", value.lower())


_FILTER_BUILDERS = {
    "kind": _kind,
    "year": _year,
    "date": _date,
    "article": _article,
    "section": _words_in("section"),
    "author": _words_in("author"),
    "title": _words_in("title"),
}
_EXAMPLES = {
    "kind": "kind:chronology",
    "year": "year:2019",
    "date": "date:2019-07",
    "article": "article:cc-2019-09-china-russia",
    "section": 'section:"new era"',
    "author": "author:yu",
    "title": "title:relationship",
}


def make_parser(schema, fields: tuple[str, ...] = SEARCH_FIELDS) -> qparser.QueryParser:
    """Words AND-ed, "phrases", OR, NOT, -word, prefix*; fields are handled by clean_query."""
    parser = qparser.MultifieldParser(fields, schema, fieldboosts=FIELD_BOOSTS)
    parser.remove_plugin_class(qparser.FieldsPlugin)
    parser.remove_plugin_class(qparser.RangePlugin)
    return parser  # +word and -word: see parser_text


def parse_words(parser: qparser.QueryParser, text: str) -> tuple[q.Query, str | None]:
    """Parse free text; if Whoosh's parser chokes on its symbols, search the plain words instead."""
    try:
        return parser.parse(text), None
    except Exception:  # Whoosh raises assorted errors on odd operator sequences
        plain = " ".join(ODD_SYMBOLS.sub(_sign_or_space, text).split())
        plain = re.sub(r"\b(AND|OR|NOT|ANDNOT|ANDMAYBE|REQUIRE)\b", lambda m: m[0].lower(), plain)
        return parser.parse(plain) if plain else q.NullQuery, (
            "Some symbols in your query could not be understood and were ignored."
        )


PLAIN_WORDS = re.compile(r"[A-Za-z0-9]+(?: [A-Za-z0-9]+)*")
OPERATORS = frozenset(
    {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "REQUIRE", "TO"}
)  # see qparser.OperatorsPlugin


def plain_query(schema, text: str, fields: tuple[str, ...] = SEARCH_FIELDS) -> q.Query | None:
    """The query make_parser's parser makes of plain words (ASCII letters and digits, one space
    between, no operator): each word in each field, OR-ed, the words AND-ed, with the fields'
    boosts. None for anything else, and for a word a field does not make one term of: the parser
    then. Whoosh's parser took 0.7 ms for three such words, twice a query (see build_parts)."""
    if not PLAIN_WORDS.fullmatch(text):
        return None
    groups = []
    for word in text.split(" "):
        if word in OPERATORS:
            return None
        terms = []
        for name in fields:
            made = list(schema[name].process_text(word, mode="query"))
            if len(made) != 1:
                return None
            terms.append(q.Term(name, made[0], boost=FIELD_BOOSTS.get(name, 1.0)))
        groups.append(q.Or(terms))
    return q.And(groups).normalize()


def wildcard_problem(query: q.Query, reader) -> str | None:
    """A message when a wildcard would expand to too many words (or to every word)."""
    for sub in _leaves(query):
        if isinstance(sub, q.Every):
            return "“*” alone is too broad: it would match everything. Put at least 2 letters before the *."
        if isinstance(sub, (q.Prefix, q.Wildcard)):
            literal = re.split(r"[*?]", sub.text, maxsplit=1)[0]
            if len(literal) < MIN_WILDCARD_PREFIX:
                return f"“{sub.text}” is too broad: put at least {MIN_WILDCARD_PREFIX} letters before the *."
            count = sum(1 for _ in zip(range(MAX_EXPANSIONS + 1), sub._btexts(reader), strict=False))
            if count > MAX_EXPANSIONS:
                return f"“{sub.text}” matches more than {MAX_EXPANSIONS} words: add letters before the *."
    return None


def _leaves(query: q.Query):
    if query.is_leaf():
        yield query
    else:
        for child in query.children():
            yield from _leaves(child)


def positive_leaves(query: q.Query) -> Iterator[q.Query]:
    """The words, phrases and prefixes a query looks for, not those it excludes (NOT, -word)."""
    if isinstance(query, q.Not):
        return
    if isinstance(query, q.AndNot):
        yield from positive_leaves(query.a)
    elif query.is_leaf():
        yield query
    else:
        for child in query.children():
            yield from positive_leaves(child)


def explain(text: str, synonyms: Synonyms | None = None) -> str:
    """The query as the user wrote it, with the operators it implies and the synonyms it brings
    in: 'UAV Xi -Medvedev' -> '(UAV OR drone) AND Xi AND NOT Medvedev' (the stemmed terms are for
    describe, behind a toggle)."""
    out: list[str] = []
    for token in re.findall(r'"[^"]*"|[()]|[^\s()"]+', text):
        if token == "+":
            continue
        token = "NOT" if token == "-" else token  # -"phrase", -(group)
        operator = token if token in ("AND", "OR", "NOT") else None
        negated = token.startswith("-") and len(token) > 1
        word = token[1:] if negated or (token.startswith("+") and len(token) > 1) else token
        if out and out[-1] not in ("AND", "OR", "NOT", "(") and word != ")" and operator in (None, "NOT"):
            out.append("AND")
        if negated:
            out.append("NOT")
        searched = synonyms.searched_for(word) if synonyms and not operator and word[0] != '"' else (word,)
        shown = [f'"{s}"' if " " in s and s[0] != '"' else s for s in searched]
        out.append(operator or (shown[0] if len(shown) == 1 else f"({' OR '.join(shown)})"))
    return " ".join(out).replace("( ", "(").replace(" )", ")")


def describe(query: q.Query) -> str:
    """The interpreted query as a person would write it (stems shown, default fields hidden).

    Give it the query parsed on the `text` field alone: one leaf per word.
    """
    if isinstance(query, (q.And, q.Or)):
        joiner = " AND " if isinstance(query, q.And) else " OR "
        parts = [describe(s) for s in query.subqueries]
        text = joiner.join(p for p in parts if p)
        return f"({text})" if isinstance(query, q.Or) and len(parts) > 1 else text
    if isinstance(query, q.Not):
        return f"NOT {describe(query.query)}"
    if isinstance(query, (q.AndNot, q.AndMaybe)):
        return (
            f"{describe(query.a)} {'NOT' if isinstance(query, q.AndNot) else 'AND MAYBE'} {describe(query.b)}"
        )
    if isinstance(query, q.Phrase):
        return f'"{" ".join(query.words)}"'
    if isinstance(query, q.Prefix):
        return f"{query.text}*"
    if isinstance(query, (q.Term, q.Wildcard)):
        return f"{query.text}" if query.fieldname in SEARCH_FIELDS else f"{query.fieldname}:{query.text}"
    return str(query)


def build_query(searcher, text: str, synonyms: Synonyms | None = None):
    """(whoosh query or None, interpreted text, messages, error) for a query string."""
    built = build_parts(searcher, text, synonyms)
    return built.query, built.interpreted, built.messages, built.error


@dataclass(frozen=True)
class Built:
    """A query string made into a query: its words, its filters and the whole, or why it cannot
    be. Kept and shared by the index's handle (see IndexHandle.parse): nothing may change it."""

    query: q.Query | None
    words: q.Query | None
    labels: tuple[str, ...]  # the user's words, one per clause of `words` when they line up
    interpreted: str  # in the user's words, with the operators made explicit
    terms: str  # the terms searched: stems, phrase parts and filters
    messages: tuple[str, ...]
    error: str | None = None
    filters: tuple[q.Query, ...] = ()


def build_parts(searcher, text: str, synonyms: Synonyms | None = None) -> Built:
    """Any text -> a Built query (never raising): words AND filters, acronyms preferred."""
    cleaned = clean_query(text, searcher.schema)
    parts, described = list(cleaned.filters), list(cleaned.described_filters)
    words, terms = None, ""
    if cleaned.text:
        given = parser_text(cleaned.text, synonyms)
        words, problem = plain_query(searcher.schema, given), None
        if words is None:
            words, problem = parse_words(make_parser(searcher.schema), given)
        if problem:
            cleaned.messages.append(problem)
        if words is not q.NullQuery:
            problem = wildcard_problem(words, searcher.reader())
            if problem:
                return Built(None, None, (), "", "", tuple(cleaned.messages), problem)
            parts.insert(0, words)
            on_text = plain_query(searcher.schema, given, ("text",))
            if on_text is None:
                on_text = parse_words(make_parser(searcher.schema, ("text",)), given)[0]
            terms = describe(on_text)
            described.insert(0, explain(cleaned.text, synonyms))
    if not parts:
        return Built(None, None, (), "", "", tuple(cleaned.messages), nothing_to_search(cleaned.text))
    if all(isinstance(p, q.Not) for p in parts):
        parts.insert(0, q.Every())
    built = with_acronyms(parts[0] if len(parts) == 1 else q.And(parts), cleaned.text)
    interpreted = " AND ".join(d for d in described if d)
    terms = " AND ".join(d for d in [terms, *described[1:]] if d) if words is not None else interpreted
    labels = user_words(cleaned.text)
    return Built(
        built, words, labels, interpreted, terms, tuple(cleaned.messages), None, tuple(cleaned.filters)
    )


def nothing_to_search(text: str) -> str:
    """Why a query finds nothing to look for: no words at all, or only what is never indexed."""
    if not re.sub(r"\b(?:AND|OR|NOT)\b|[\s()\"+\-*]", "", text):
        return "Type one or more words to search the archive."
    return (
        "Nothing in your query can be searched: symbols and emoji are not indexed, nor words "
        f"longer than {MAX_WORD_CHARS} letters. Type one or more words."
    )


def with_acronyms(built: q.Query, text: str) -> q.Query:
    """The query, ranking passages that write its ALL-CAPS words in capitals first: "New START"
    puts the treaty before "a new start" (the caps field holds only words written in capitals)."""
    outside_quotes = re.sub(r'"[^"]*"', " ", text)
    acronyms = {token.text for token in acronym_analyzer()(outside_quotes)} - {"and", "or", "not"}
    if not acronyms:
        return built
    return q.AndMaybe(built, q.Or([q.Term("caps", w, boost=ACRONYM_BOOST) for w in sorted(acronyms)]))


def user_words(text: str) -> tuple[str, ...]:
    """The words and "phrases" the user typed, operators left out: labels for partial matches."""
    tokens = re.findall(r'"[^"]*"|\S+', text)
    kept = (t.removeprefix("+") for t in tokens if t not in ("AND", "OR", "NOT") and not t.startswith("-"))
    return tuple(t for t in kept if t)


@dataclass(frozen=True)
class MatchTerms:
    """What a query looks for, in analyzed form: words, phrases and prefixes."""

    stems: frozenset[str] = frozenset()
    exact: frozenset[str] = frozenset()
    phrases: tuple[tuple[str, ...], ...] = ()
    prefixes: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.stems or self.exact or self.phrases or self.prefixes)


def match_terms(query: q.Query) -> MatchTerms:
    """The positive terms of a query on the text fields (NOT-ed terms are never marked)."""
    stems, exact, phrases, prefixes = set(), set(), [], []
    for node in positive_leaves(query):
        # Only the passage text is marked: a match in its title or section heading is not in it.
        if isinstance(node, q.Phrase) and node.fieldname in ("text", "exact"):
            phrases.append(tuple(node.words))
        elif isinstance(node, (q.Prefix, q.Wildcard)) and node.fieldname in ("text", "exact"):
            prefixes.append(re.split(r"[*?]", node.text, maxsplit=1)[0])
        elif isinstance(node, q.Term) and node.fieldname == "text":
            stems.add(node.text)
        elif isinstance(node, q.Term) and node.fieldname == "exact":
            exact.add(node.text)
    return MatchTerms(frozenset(stems), frozenset(exact), tuple(dict.fromkeys(phrases)), tuple(prefixes))


def all_of(queries) -> Query | None:
    """The AND of the queries that are not None; None when there are none."""
    present = [query for query in queries if query is not None]
    return q.And(present) if present else None


def facet_query(filters: dict[str, tuple[str, ...]]) -> Query | None:
    """Facet selections as one query: any of a facet's values, every facet (years already checked)."""
    clauses = []
    for name, values in filters.items():
        fieldname = FACET_FIELDS[name]
        if name == "year":
            terms = [q.NumericRange("year", int(v), int(v)) for v in values]
        else:
            terms = [q.Term(fieldname, v) for v in values]
        if terms:
            clauses.append(q.Or(terms))
    return all_of(clauses)
