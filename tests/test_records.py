"""Citation records for reference managers: BibTeX and RIS round-trip, COinS for Zotero."""

from __future__ import annotations

from urllib.parse import parse_qs

import bibtexparser

from archive.cite import Locator
from archive.records import bibtex, coins, ris


def test_bibtex_parses_back_to_the_same_fields(seed):
    text = bibtex(
        seed, Locator("paragraph", "14"), url="http://127.0.0.1:8000/a/cc-2019-09-china-russia/p/14"
    )
    library = bibtexparser.parse_string(text)
    assert not library.failed_blocks
    entry = library.entries[0]
    fields = {f.key: f.value for f in entry.fields}
    assert entry.entry_type == "article" and entry.key == "yu2019beautiful"
    assert fields == {
        "author": "Yu, Bin",
        "title": "{Beautiful Relationship in a Brave/Grave New World}",
        "journal": "Comparative Connections",
        "volume": "21",
        "number": "2",
        "pages": "113--122",
        "year": "2019",
        "month": "sep",
        "language": "en",
        "url": "http://127.0.0.1:8000/a/cc-2019-09-china-russia/p/14",
        "note": "para. 14",
    }


def parse_ris(text: str) -> dict[str, list[str]]:
    """A minimal RIS reader: TAG  - value lines."""
    record: dict[str, list[str]] = {}
    for line in text.splitlines():
        tag, sep, value = line.partition("  - ")
        assert sep and len(tag) == 2, line
        record.setdefault(tag, []).append(value)
    return record


def test_ris_parses_back_to_the_same_fields(seed):
    record = parse_ris(ris(seed, Locator("page", "113-114"), url="http://x/a/cc/p/6"))
    assert record == {
        "TY": ["JOUR"],
        "TI": ["Beautiful Relationship in a Brave/Grave New World"],
        "AU": ["Yu, Bin"],
        "JO": ["Comparative Connections"],
        "VL": ["21"],
        "IS": ["2"],
        "SP": ["113"],
        "EP": ["122"],
        "PY": ["2019"],
        "DA": ["2019/09/"],
        "LA": ["en"],
        "UR": ["http://x/a/cc/p/6"],
        "N1": ["pp. 113–114"],
        "ER": [""],
    }


def test_coins_carries_the_article_for_zotero(seed):
    fields = parse_qs(coins(seed, "http://x/a/cc-2019-09-china-russia"))
    assert fields["rft_val_fmt"] == ["info:ofi/fmt:kev:mtx:journal"]
    assert fields["rft.atitle"] == ["Beautiful Relationship in a Brave/Grave New World"]
    assert fields["rft.jtitle"] == ["Comparative Connections"]
    assert (fields["rft.volume"], fields["rft.issue"]) == (["21"], ["2"])
    assert (fields["rft.spage"], fields["rft.epage"]) == (["113"], ["122"])
    assert (fields["rft.aulast"], fields["rft.aufirst"], fields["rft.au"]) == (["Yu"], ["Bin"], ["Yu Bin"])
    assert fields["rft_id"] == ["http://x/a/cc-2019-09-china-russia"]
