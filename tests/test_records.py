"""Citation records for reference managers: BibTeX and RIS round-trip, COinS for Zotero."""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import parse_qs

import bibtexparser
import pytest

from archive.cite import Locator
from archive.records import bibtex, coins, highwire_tags, ris


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


HOSTILE_TITLE = "Braces } and { break, a \\ backslash, @misc{x, and a\nnew line: title = {evil}"


@pytest.mark.parametrize(
    ("date", "shown"), [("2019-07-15", "2019/07/15"), ("2019-07", "2019/07"), ("2019", "2019")]
)
def test_highwire_date_keeps_every_part_the_article_has(seed, date, shown):
    """Zotero saves citation_publication_date as the item's date: a post of 15 July 2019 is not
    one of July 2019."""
    tags = dict(highwire_tags(replace(seed, date=date), "http://x/a"))
    assert tags["citation_publication_date"] == shown


def test_no_field_value_can_break_a_bibtex_record_or_add_a_field(seed):
    from dataclasses import replace

    from archive.models import Author

    article = replace(
        seed,
        title=HOSTILE_TITLE,
        authors=(Author("Ann } Other", "Other}", "Ann"), Author("Office {of} Defense\n@x")),
        journal="J%ournal # $5 & co_",
    )
    text = bibtex(article, Locator("paragraph", "1"), url="http://x/a/{b}\\c d")
    library = bibtexparser.parse_string(text)
    assert not library.failed_blocks and len(library.entries) == 1
    fields = {f.key: f.value for f in library.entries[0].fields}
    assert set(fields) == {"author", "title", "journal", "volume", "number", "pages", "year", "month",
                           "language", "url", "note"}  # fmt: skip
    assert text.count("\n@") == 0 and fields["url"] == "http://x/a/%7Bb%7D%5Cc%20d"
    title = fields["title"]
    assert title.count("{") == title.count("}")  # balanced, so the field ends where it should
    assert "\\textbraceright{}" in title and "\\textbackslash{}" in title and "\n" not in title
    assert fields["author"].split(" and ")[1].startswith("{Office \\textbraceleft{}of")


def test_no_field_value_can_add_a_ris_line(seed):
    from dataclasses import replace

    article = replace(seed, title="A title\nER  - \nTY  - JOUR", journal="Two\r\nlines")
    record = parse_ris(ris(article, None))
    assert record["TI"] == ["A title ER - TY - JOUR"] and record["JO"] == ["Two lines"]
    assert record["ER"] == [""] and record["TY"] == ["JOUR"]
