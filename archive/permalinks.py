"""Permalinks that survive reindexing: article + ¶ number + a fingerprint of the cited text."""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher

from .addresses import SERIES, passage_id, position
from .engine.index import IndexHandle
from .models import Article, Passage


@dataclass(frozen=True)
class Resolution:
    """Where a permalink lands now.

    status: "ok" (same text), "moved" (same text at another number), "changed" (closest passage to
    the cited text), "unverified" (unknown fingerprint), "removed" (article gone), "missing".
    """

    status: str
    article: Article | None = None
    passage: Passage | None = None
    cited_text: str | None = None
    cited_on: str | None = None
    before: tuple[Passage, ...] = ()  # the passage just before it in its article, if any
    after: tuple[Passage, ...] = ()  # and just after


def find_passage(article: Article, kind: str, number: int) -> Passage | None:
    """The passage at ¶ number (kind 'paragraph'), or number `number` of a series of its own
    (kind 'figure', 'note', 'code', 'reference')."""
    series = kind if kind in SERIES else None
    for passage in article.passages:
        own = passage.kind if passage.kind in SERIES else None
        if own == series and position(passage.kind, passage.number, passage.ordinal) == number:
            return passage
    return None


def closest_passage(article: Article, text: str) -> Passage | None:
    """The passage whose words are most like the cited text."""
    words = text.split()
    best, best_ratio = None, 0.0
    for passage in article.passages:
        matcher = SequenceMatcher(None, words, passage.text.split(), autojunk=False)
        if matcher.real_quick_ratio() <= best_ratio or matcher.quick_ratio() <= best_ratio:
            continue
        ratio = matcher.ratio()
        if ratio > best_ratio:
            best, best_ratio = passage, ratio
    return best


def resolve(
    handle: IndexHandle, article_id: str, kind: str, number: int, fingerprint: str | None
) -> Resolution:
    """Follow a permalink to the passage it cites today. A passage still at its address, with
    the cited text or cited without one, is read with its neighbours alone (its article comes
    without its other passages); any other case reads the whole article."""
    here = handle.passage_in_place(passage_id(article_id, kind, number, number))
    if here is not None and (not fingerprint or here[1].fingerprint == fingerprint):
        article, passage, before, after = here
        return Resolution("ok", article, passage, before=before, after=after)
    article = handle.article(article_id)
    if article is None:
        removed = handle.removed_article(article_id)
        if removed is None:
            return Resolution("missing")
        old, when = removed
        return Resolution("removed", old, find_passage(old, kind, number), cited_on=when)
    current = find_passage(article, kind, number)
    if not fingerprint or (current is not None and current.fingerprint == fingerprint):
        return _placed("ok" if current else "missing", article, current)
    moved = next((p for p in article.passages if p.fingerprint == fingerprint), None)
    if moved is not None:
        return Resolution("moved", article, moved)
    earlier = handle.earlier_version(article_id, fingerprint)
    if earlier is not None:
        closest = closest_passage(article, earlier["text"])
        return _placed("changed", article, closest, earlier["text"], earlier["indexed"])
    return _placed("unverified" if current else "missing", article, current)


def _placed(status: str, article: Article, passage: Passage | None, *cited) -> Resolution:
    """A resolution in the whole article, with the passage's neighbours."""
    before, after = article.neighbours(passage) if passage is not None else ((), ())
    return Resolution(status, article, passage, *cited, before=before, after=after)
