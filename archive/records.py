"""Records for reference managers: BibTeX, RIS, COinS, Highwire tags, and the full citation bundle."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlencode

from anyascii import anyascii

from .cite import (
    MONTHS,
    SKIP_WORDS,
    STYLES,
    Locator,
    citation_table,
    citations,
    csl_citation,
    date_parts,
    locators,
    page_range,
)
from .models import Article, Author, Passage

# BibTeX counts braces even after a backslash, so a lone brace in a title would end the field
# (and let the rest add fields): braces and backslashes become LaTeX commands, whose own braces
# are balanced. Line breaks become spaces so that nothing can start a new entry.
_BIBTEX_SPECIAL = str.maketrans(
    {
        "\\": r"\textbackslash{}",
        "{": r"\textbraceleft{}",
        "}": r"\textbraceright{}",
        "&": r"\&",
        "%": r"\%",
        "$": r"\$",
        "#": r"\#",
        "_": r"\_",
        "~": r"\textasciitilde{}",
        "^": r"\textasciicircum{}",
    }
)
# In a URL only what would unbalance the field or break the line is percent-encoded.
_URL_SPECIAL = str.maketrans({"{": "%7B", "}": "%7D", "\\": "%5C", " ": "%20"})


def one_line(value: str) -> str:
    """A field value on one line (a record's fields are lines in RIS and entries in BibTeX)."""
    return " ".join(value.split())


def bibtex_value(name: str, value: str) -> str:
    """A field's value, escaped so that it stays one field whatever it holds."""
    value = one_line(value)
    if name == "author":  # escaped name by name (see _bibtex_name)
        return value
    if name == "url":
        return value.translate(_URL_SPECIAL)
    escaped = value.translate(_BIBTEX_SPECIAL)
    return f"{{{escaped}}}" if name == "title" else escaped  # {…}: BibTeX keeps the title's case


def bibtex_key(article: Article) -> str:
    """family name, year, first word of the title (doe2021sanctions), in ASCII letters: BibTeX's
    keys are; a name in another script is transliterated (王 -> wang, Петров -> petrov)."""
    family = article.authors[0].family if article.authors and article.authors[0].family else ""
    family = _ascii_letters(family) or "anon"
    return f"{family}{article.year or ''}{_first_title_word(article.title)}"


def _first_title_word(title: str) -> str:
    """The title's first word that is not a function word, transliterated (Методы -> metody); of
    a Chinese, Japanese or Korean title, written without spaces, its first two characters."""
    for token in re.findall(r"\w+", title):
        word = _ascii_letters(token[:2] if CJK.match(token) else token)
        if word and word not in SKIP_WORDS:
            return word
    return ""


def _ascii_letters(text: str) -> str:
    return re.sub(r"[^A-Za-z]", "", anyascii(text)).lower()


CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")


def unique_keys(keys: list[str]) -> list[str]:
    """The keys with a letter after each one that repeats (doe2021a, doe2021b …), as an
    author-year bibliography tells one author's works of a year apart: BibTeX and biber drop or
    refuse an entry whose key came before."""
    repeated = {key for key, count in Counter(keys).items() if count > 1}
    taken, seen, unique = set(keys), Counter(), []
    for key in keys:
        if key not in repeated:
            unique.append(key)
            continue
        while True:
            seen[key] += 1
            candidate = key + _letters(seen[key])
            if candidate not in taken:
                break
        taken.add(candidate)
        unique.append(candidate)
    return unique


def _letters(n: int) -> str:
    """1 -> a, 26 -> z, 27 -> aa …"""
    letters = ""
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(ord("a") + rest) + letters
    return letters


# CSL item type -> BibTeX entry type, and the field that names its container.
BIBTEX_TYPES = {
    "article-journal": ("article", "journal"),
    "article-magazine": ("article", "journal"),
    "article-newspaper": ("article", "journal"),
    "report": ("techreport", "institution"),
    "chapter": ("incollection", "booktitle"),
    "book": ("book", "series"),
    "thesis": ("phdthesis", "school"),
    "paper-conference": ("inproceedings", "booktitle"),
}
# CSL item type -> RIS type.
RIS_TYPES = {
    "article-journal": "JOUR",
    "article-magazine": "MGZN",
    "article-newspaper": "NEWS",
    "report": "RPRT",
    "webpage": "ELEC",
    "post-weblog": "BLOG",
    "chapter": "CHAP",
    "book": "BOOK",
    "thesis": "THES",
    "paper-conference": "CPAPER",
}


def bibtex(article: Article, locator: Locator | None, url: str | None = None, key: str | None = None) -> str:
    """A BibTeX entry of the type the item is (@article, @techreport, @misc for web pages …);
    the pin cite goes in `note` (BibTeX has no locator field). `key`: the entry's, when not
    bibtex_key's (an export's unique_keys)."""
    entry, container = BIBTEX_TYPES.get(article.type or "article-journal", ("misc", "howpublished"))
    names = [_bibtex_name(a) for a in article.authors] + (
        ["others"] if article.authors and article.authors_et_al else []
    )
    fields = {
        "author": " and ".join(names),
        "title": article.title or None,
        container: article.journal,
        "publisher": article.publisher,
        "volume": article.volume,
        "number": article.issue,
        "pages": page_range(article).replace("-", "--")
        if page_range(article)
        else _stated_text(article, "page"),
        "year": str(article.year) if article.year else None,
        "month": _bibtex_month(article.date),
        "language": article.language,
        "doi": article.doi,
        "url": article.url or url,
        "urldate": article.accessed,
        "note": _locator_note(locator),
        **{name: _stated_text(article, variable) for name, variable in BIBTEX_STATED.items()},
        "editor": " and ".join(_bibtex_csl_name(n) for n in article.csl_extra.get("editor", [])) or None,
    }
    if entry == "techreport":  # a report's publisher is its institution
        fields["institution"] = article.publisher or article.journal
        del fields["publisher"]
    lines = [f"@{entry}{{{key or bibtex_key(article)},"]
    for name, value in fields.items():
        if value:
            lines.append(f"  {name} = {{{bibtex_value(name, value)}}},")
    lines.append("}")
    return "\n".join(lines) + "\n"


# Other CSL variables a source stated, as BibTeX fields and RIS tags.
BIBTEX_STATED = {
    "issn": "ISSN",
    "isbn": "ISBN",
    "address": "publisher-place",
    "edition": "edition",
    "series": "collection-title",
    "keywords": "keyword",
}
RIS_STATED = (
    ("SN", "ISSN"),
    ("SN", "ISBN"),
    ("CY", "publisher-place"),
    ("ET", "edition"),
    ("T3", "collection-title"),
)


def _stated_text(article: Article, variable: str) -> str | None:
    value = article.csl_extra.get(variable)
    return value if isinstance(value, str) else None


def _bibtex_csl_name(name: dict) -> str:
    if "family" in name:
        given = f", {one_line(name['given']).translate(_BIBTEX_SPECIAL)}" if name.get("given") else ""
        return one_line(name["family"]).translate(_BIBTEX_SPECIAL) + given
    return f"{{{one_line(str(name.get('literal', ''))).translate(_BIBTEX_SPECIAL)}}}"


def _ris_csl_name(name: dict) -> str:
    return (
        f"{name['family']}, {name['given']}"
        if name.get("family") and name.get("given")
        else str(name.get("family") or name.get("literal", ""))
    )


def _bibtex_name(author: Author) -> str:
    """'Family, Given', escaped; a name in one piece (an institution) braced so it is never split."""
    if author.family and author.given:
        return f"{one_line(author.family).translate(_BIBTEX_SPECIAL)}, {one_line(author.given).translate(_BIBTEX_SPECIAL)}"
    return f"{{{one_line(author.name).translate(_BIBTEX_SPECIAL)}}}"


def _bibtex_month(date: str | None) -> str | None:
    parts = date_parts(date)
    return MONTHS[parts[1] - 1][:3].lower() if parts and len(parts) >= 2 else None


def _locator_note(locator: Locator | None) -> str | None:
    if locator is None:
        return None
    label = {"page": "p.", "paragraph": "para.", "figure": "fig.", "note": "n."}[locator.label]
    if locator.label == "page" and "-" in locator.value:
        label = "pp."
    return f"{label} {locator.value.replace('-', '–')}"


def ris(article: Article, locator: Locator | None, url: str | None = None) -> str:
    """An RIS record of the item's type (JOUR, RPRT, ELEC, …); the pin cite goes in N1."""
    lines = [("TY", RIS_TYPES.get(article.type or "article-journal", "GEN")), ("TI", article.title)]
    lines += [("AU", f"{a.family}, {a.given}" if a.family and a.given else a.name) for a in article.authors]
    optional = [
        ("JO" if (article.type or "article-journal").startswith("article") else "T2", article.journal),
        ("VL", article.volume),
        ("IS", article.issue),
        ("SP", str(article.first_page) if article.first_page is not None else _stated_text(article, "page")),
        ("EP", str(article.last_page) if article.last_page is not None else None),
        ("PY", str(article.year) if article.year else None),
        ("DA", _ris_date(article.date)),
        ("LA", article.language),
        ("DO", article.doi),
        ("PB", article.publisher),
        ("UR", article.url or url),
        ("Y2", _ris_date(article.accessed)),
        ("N1", _locator_note(locator)),
        *((tag, _stated_text(article, variable)) for tag, variable in RIS_STATED),
    ]
    lines += [(tag, value) for tag, value in optional if value]
    lines[2:2] = [("ED", _ris_csl_name(n)) for n in article.csl_extra.get("editor", [])]
    keywords = article.csl_extra.get("keyword")
    lines[-1:-1] = (
        [("KW", k.strip()) for k in keywords.split(";") if k.strip()] if isinstance(keywords, str) else []
    )
    lines.append(("ER", ""))
    return "".join(f"{tag}  - {one_line(value)}\n" for tag, value in lines)


def _ris_date(date: str | None) -> str | None:
    parts = date_parts(date)
    if not parts:
        return None
    padded = [f"{parts[0]:04d}"] + [f"{p:02d}" for p in parts[1:3]]
    return "/".join(padded + [""] * (3 - len(padded)))


RECORD_FORMATS = ("bibtex", "ris", "csl-json")


def cited_text(article: Article, locator: Locator | None, style: str, corpus: Path | None = None) -> str:
    """What `archive cite` prints: a record (bibtex, ris, csl-json), or a style's citation and
    bibliography entry on two lines. Raises StyleNotFound for an unknown style."""
    if style == "bibtex":
        return bibtex(article, locator)
    if style == "ris":
        return ris(article, locator)
    if style == "csl-json":
        return json.dumps(csl_citation(article, locator), ensure_ascii=False, indent=2) + "\n"
    citation = citations(article, locator, (style,), corpus)[style]
    return f"{citation.citation_text}\n{citation.entry_text}\n"


def citation_bundle(
    article: Article,
    passage: Passage,
    url: str | None = None,
    styles: tuple[str, ...] = tuple(STYLES),
    corpus: Path | None = None,
    known: Mapping | None = None,
) -> dict:
    """Everything needed to cite one passage: each locator in each style, and the records;
    `known`: the article's citations stored by a build (cite.stored_parts)."""
    options = locators(passage)
    first = options[0] if options else None
    table = citation_table(article, tuple(options), styles, corpus, known)
    return {
        "locators": [
            {
                "label": locator.label,
                "value": locator.value,
                "styles": {
                    style: {
                        "citation": c.citation,
                        "entry": c.entry,
                        "citation_text": c.citation_text,
                        "entry_text": c.entry_text,
                    }
                    for style, c in table[locator].items()
                },
            }
            for locator in options
        ],
        "bibtex": bibtex(article, first, url),
        "ris": ris(article, first, url),
        "csl_json": csl_citation(article, first),
    }


def coins(article: Article, url: str | None = None) -> str:
    """An OpenURL ContextObject (COinS title attribute) so Zotero can offer the item."""
    pairs = [
        ("ctx_ver", "Z39.88-2004"),
        ("rft_val_fmt", "info:ofi/fmt:kev:mtx:journal"),
        ("rft.genre", "article"),
        ("rft.atitle", article.title),
        ("rft.jtitle", article.journal),
        ("rft.volume", article.volume),
        ("rft.issue", article.issue),
        ("rft.spage", str(article.first_page) if article.first_page is not None else None),
        ("rft.epage", str(article.last_page) if article.last_page is not None else None),
        ("rft.date", article.date),
        ("rft.language", article.language),
    ]
    if article.authors:
        first = article.authors[0]
        pairs += [("rft.aulast", first.family), ("rft.aufirst", first.given)]
    pairs += [("rft.au", a.name) for a in article.authors]
    if url:
        pairs.append(("rft_id", url))
    return urlencode([(k, v) for k, v in pairs if v])


def highwire_tags(article: Article, fulltext_url: str) -> list[tuple[str, str]]:
    """Highwire Press <meta> tags that Zotero's connector reads as a journalArticle."""
    tags = [("citation_title", article.title)]
    tags += [
        ("citation_author", f"{a.family}, {a.given}" if a.family and a.given else a.name)
        for a in article.authors
    ]
    parts = date_parts(article.date)
    optional = [
        ("citation_journal_title", article.journal),
        ("citation_volume", article.volume),
        ("citation_issue", article.issue),
        ("citation_firstpage", str(article.first_page) if article.first_page is not None else None),
        ("citation_lastpage", str(article.last_page) if article.last_page is not None else None),
        (
            "citation_publication_date",
            "/".join(f"{p:02d}" if i else str(p) for i, p in enumerate(parts)) if parts else None,
        ),
        ("citation_language", article.language),
        ("citation_doi", article.doi),
        ("citation_publisher", article.publisher),
        ("citation_pdf_url", article.pdf_url),
        ("citation_fulltext_html_url", fulltext_url),
    ]
    return tags + [(name, value) for name, value in optional if value]
