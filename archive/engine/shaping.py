"""Which matches a results page shows: paragraphs before their sections, one passage for the
matches borrowed from a heading or a title, and partial matches when all the words find too few.
Works on match arrays (matching.py); search.py turns what it keeps into hits."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from whoosh import query as q

from .matching import Matches, Table
from .query import positive_leaves
from .sets import unique_inverse

OWN_FIELDS = ("text", "exact")  # what a passage itself says, not its section's or article's names


def shown(table: Table, built: q.Query, found: Matches, matches: Callable[[q.Query], Matches]) -> Matches:
    """The matches worth showing (totals and facets count these). A section only when none of
    its paragraphs has the words by itself (otherwise the paragraph is the hit and the section
    its heading). A passage with none of the words in its own text, matching only through its
    section heading, stands for its section (the best one is kept), and one matching only through
    its article's title or author stands for its article."""
    articles = table.facets["article"]
    is_section = table.is_section(found.ids)
    owner = table.sections[found.ids]  # each passage's section (-1: none, or a section itself)
    # Sections with a matching paragraph: looked up on a mask of every document (NumPy's isin
    # sorted every match). Two sections under the same heading are two sections.
    with_paragraph = np.zeros(table.size, dtype=bool)
    with_paragraph[owner[owner >= 0]] = True
    covered = is_section & with_paragraph[found.ids]
    own = words_in(built, OWN_FIELDS)
    if not own:  # nothing was asked of the text itself (only filters): keep every passage
        return found.without(found.ids[covered])
    borrowed = ~is_section & ~matching_any(table, own, matches)[found.ids]
    heading = words_in(built, ("section",))
    by_heading = (
        borrowed & matching_any(table, heading, matches)[found.ids] if heading else np.zeros_like(borrowed)
    )
    by_article = borrowed & ~by_heading
    extra = (by_heading & ~best_per_group(owner, found.scores, by_heading)) | (
        by_article & ~best_per_group(articles.codes[found.ids], found.scores, by_article)
    )
    return found.without(found.ids[covered | extra])


def words_in(built: q.Query, fields: tuple[str, ...]) -> list[q.Query]:
    """The positive words and phrases of the query searched in the given fields."""
    return [leaf for leaf in positive_leaves(built) if getattr(leaf, "fieldname", None) in fields]


def matching_any(table: Table, leaves: list[q.Query], matches: Callable[[q.Query], Matches]) -> np.ndarray:
    """A mask over every document: those any of the leaves match. Each leaf's matches are those
    the query itself found (the evaluator keeps them): their OR, with scores nobody reads here,
    cost a sort and a sum over all of them."""
    mask = np.zeros(table.size, dtype=bool)
    for leaf in leaves:
        mask[matches(leaf).ids] = True
    return mask


def best_per_group(groups: np.ndarray, scores: np.ndarray, among: np.ndarray) -> np.ndarray:
    """True at the highest-scored position of each group, among the positions `among` marks."""
    best = np.zeros(len(groups), dtype=bool)
    candidates = np.flatnonzero(among)
    if len(candidates):
        order = candidates[np.lexsort((-scores[candidates], groups[candidates]))]
        first = np.r_[True, groups[order][1:] != groups[order][:-1]]
        best[order[first]] = True
    return best


def partial_clauses(words: q.Query | None) -> tuple[list[q.Query], list[q.Query]] | None:
    """(positive clauses, negated clauses) of a query of several AND-ed words, else None."""
    negative = []
    while isinstance(words, q.AndNot):  # how Whoosh writes "a b -c"
        negative.append(words.b)
        words = words.a
    if not isinstance(words, q.And):
        return None
    positive = [c for c in words.subqueries if not isinstance(c, q.Not)]
    negative += [c.query for c in words.subqueries if isinstance(c, q.Not)]
    return (positive, negative) if len(positive) >= 2 else None


def with_most_words(
    evaluator, positive: list[q.Query], negative: list[q.Query], scope: list[q.Query]
) -> tuple[Matches, int, list[Matches]]:
    """Documents with the most positive clauses short of all, but at least half of them (none
    negated, all in scope), with their summed scores; how many clauses they have; and each
    clause's own matches, to tell which ones a document lacks."""
    each = [evaluator.matches(clause) for clause in positive]
    found = Matches.empty()
    for need in range(len(positive) - 1, (len(positive) + 1) // 2 - 1, -1):
        found = having(evaluator, each, need, negative, scope, positive)
        if len(found):
            return found, need, each
    return found, 0, each


def having(evaluator, each: list[Matches], need: int, negative, scope, positive) -> Matches:
    """Documents with exactly `need` of the clauses whose matches are `each`."""
    ids, where = unique_inverse(np.concatenate([m.ids for m in each]))
    have = np.bincount(where, minlength=len(ids))
    scores = np.bincount(where, weights=np.concatenate([m.scores for m in each]), minlength=len(ids))
    keep = have == need
    found = Matches(ids[keep], scores[keep])
    for clause in negative:
        found = found.without(evaluator.matches(clause).ids)
    for clause in scope:
        found = found.within(evaluator.matches(clause).ids)
    return shown(evaluator.table, q.And(positive), found, evaluator.matches)
