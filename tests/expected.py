"""Counts the tests share: what the seed and the small test corpus parse into."""

SEED_ID = "cc-2019-09-china-russia"
SEED_PASSAGES = 76
OTHER_PASSAGES = 7 + 5  # arms-control.html and regular-markdown.md


def passages_per_article(handle) -> dict[str, int]:
    """How many passages of each article the index holds (whole articles, or none: never part)."""
    from collections import Counter

    return dict(Counter(fields["article"] for fields in handle.searcher().documents(doctype="passage")))
