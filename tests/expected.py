"""Counts the tests share: what the seed and the small test corpus parse into."""

SEED_ID = "cc-2019-09-china-russia"
P = f"{SEED_ID}-"  # the seed's passage ids: P + "p14"
SEED_PASSAGES = 76
OTHER_PASSAGES = 7 + 5  # arms-control.html and regular-markdown.md


def passages_per_article(handle) -> dict[str, int]:
    """How many passages of each article the index holds (whole articles, or none: never part)."""
    from collections import Counter

    return dict(Counter(fields["article"] for fields in handle.searcher().documents(doctype="passage")))


def ids(results) -> list[str]:
    """Ids of a results page's hits, in order."""
    return [hit.id for hit in results.hits]


def passage_ids(results) -> set[str]:
    """Ids of a results page's passage hits (not whole sections)."""
    return {hit.id for hit in results.hits if hit.kind != "section"}
