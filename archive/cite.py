"""Passage + Article -> citations: CSL-JSON, Chicago, APA, MLA, BibTeX, RIS; fingerprints for permalinks.

The three styles follow the official CSL styles (chicago-notes-bibliography, apa,
modern-language-association) for journal articles; tests compare every string with what
citeproc-js prints for the same item (tools/csl/generate.js -> tests/citations/expected.json).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import unescape

from .models import Article, Author, Passage

STYLES = ("chicago", "apa", "mla")
FORMATS = (*STYLES, "bibtex", "ris", "csl-json")
MONTHS = "January February March April May June July August September October November December".split()
MLA_MONTHS = "Jan. Feb. Mar. Apr. May June July Aug. Sept. Oct. Nov. Dec.".split()
# citeproc-js's CSL.SKIP_WORDS: words title case leaves in lower case.
SKIP_WORDS = frozenset(
    "about above across afore after against al along alongside amid amidst among amongst anenst apropos apud "
    "around as aside astride at athwart atop barring before behind below beneath beside besides between beyond "
    "but by circa despite down during et except for forenenst from given in inside into lest like modulo near "
    "next notwithstanding of off on onto out over per plus pro qua sans since than through thru throughout "
    "thruout till to toward towards under underneath until unto up upon versus vs. v. vs v via vis-à-vis with "
    "within without or yet so and nor a an the de d' von van c ca".split()
)
_TITLE_SEPARATORS = re.compile(r"(‘|’|“|”| \"| '|\"|'|[-–—/.,;?!:]|\[|\]|\(|\))")


@dataclass(frozen=True)
class Locator:
    """Where in the article: a page (or range), a paragraph or a figure."""

    label: str  # "page", "paragraph" or "figure"
    value: str  # "115", "113-114", "14"


@dataclass(frozen=True)
class Citation:
    """One style's short citation (note or in-text) and full entry, as HTML with <i>."""

    style: str
    citation: str
    entry: str

    @property
    def citation_text(self) -> str:
        return plain(self.citation)

    @property
    def entry_text(self) -> str:
        return plain(self.entry)


def plain(fragment: str) -> str:
    return unescape(re.sub(r"<[^>]+>", "", fragment))


def escape(text: str) -> str:
    """Escape as citeproc-js does in HTML output."""
    return text.replace("&", "&#38;").replace("<", "&#60;").replace(">", "&#62;")


# --- CSL-JSON -------------------------------------------------------------------------------


def csl_name(author: Author) -> dict:
    if author.literal or not author.family:
        return {"literal": author.name}
    name = {"family": author.family}
    if author.given:
        name["given"] = author.given
    if author.family_first:
        name["static-ordering"] = True
    return name


def date_parts(date: str | None) -> list[int] | None:
    if not date:
        return None
    parts = [int(p) for p in date.split("-") if p.isdigit()]
    return parts or None


def csl_item(article: Article) -> dict:
    """The article as a CSL-JSON item: its type (article-journal unless the source says
    otherwise) and every field the source states."""
    item: dict = {"id": article.id, "type": article.type or "article-journal", "title": article.title}
    if article.authors:
        item["author"] = [csl_name(a) for a in article.authors]
    optional = {
        "container-title": article.journal,
        "volume": article.volume,
        "issue": article.issue,
        "page": page_range(article),
        "language": article.language,
        "DOI": article.doi,
        "URL": article.url,
        "publisher": article.publisher,
    }
    item.update({k: v for k, v in optional.items() if v})
    if parts := date_parts(article.date):
        item["issued"] = {"date-parts": [parts]}
    if parts := date_parts(article.accessed):
        item["accessed"] = {"date-parts": [parts]}
    return item


def page_range(article: Article) -> str | None:
    if article.first_page is None:
        return None
    if article.last_page in (None, article.first_page):
        return str(article.first_page)
    return f"{article.first_page}-{article.last_page}"


def locators(passage: Passage) -> list[Locator]:
    """Every way to point at a passage, the page first when it is known."""
    found = []
    if passage.page_start is not None:
        end = passage.page_end if passage.page_end not in (None, passage.page_start) else None
        found.append(Locator("page", f"{passage.page_start}-{end}" if end else str(passage.page_start)))
    if passage.kind in ("figure", "note"):
        found.append(Locator(passage.kind, str(passage.ordinal)))
    elif passage.number is not None:
        found.append(Locator("paragraph", str(passage.number)))
    return found


def csl_citation(article: Article, locator: Locator | None) -> dict:
    """The CSL-JSON item plus the citation item that points into it."""
    cite = {"id": article.id}
    if locator:
        cite.update(locator=locator.value, label=locator.label)
    return {"item": csl_item(article), "citation": cite}


# --- names ----------------------------------------------------------------------------------


def _names(item: dict) -> list[dict]:
    return item.get("author", [])


def _display(name: dict) -> str:
    """Given Family; or Family Given for names written family name first."""
    if "literal" in name:
        return name["literal"]
    parts = (
        [name["family"], name.get("given")]
        if name.get("static-ordering")
        else [name.get("given"), name["family"]]
    )
    return " ".join(p for p in parts if p)


def _inverted(name: dict) -> str:
    """Family, Given; names written family name first stay as they are."""
    if "literal" in name or name.get("static-ordering") or not name.get("given"):
        return _display(name)
    return f"{name['family']}, {name['given']}"


def _initials(given: str) -> str:
    """'Sheila A.' -> 'S. A.'; 'Jean-Paul' -> 'J.-P.'"""
    words = []
    for word in given.split():
        words.append("-".join(f"{part[0]}." for part in word.split("-") if part))
    return " ".join(words)


def _family(name: dict) -> str:
    return name.get("family") or name.get("literal", "")


def _serial(names: list[str], conjunction: str, comma_before_last: bool = False) -> str:
    """'A and B', 'A, B, and C'; with comma_before_last also 'A, and B' (an inverted first name)."""
    names = [escape(n) for n in names]
    if len(names) == 1:
        return names[0]
    if len(names) == 2 and not comma_before_last:
        return f"{names[0]} {conjunction} {names[1]}"
    return ", ".join(names[:-1]) + f", {conjunction} {names[-1]}"


# --- dates, pages, titles --------------------------------------------------------------------


def _year(item: dict) -> str | None:
    parts = item.get("issued", {}).get("date-parts", [[]])[0]
    return str(parts[0]) if parts else None


def _parts(item: dict) -> list[int]:
    return item.get("issued", {}).get("date-parts", [[]])[0]


def _range(value: str, fmt: str) -> str:
    """Page ranges in the CSL formats: expanded, minimal-two, chicago-16."""
    match = re.fullmatch(r"\s*(\d+)\s*[-–]\s*(\d+)\s*", value)
    if not match:
        return value.replace("-", "–")
    first, last = match[1], match[2]
    if fmt == "expanded" or len(first) != len(last):
        return f"{first}–{last}"
    a = int(first)
    if fmt == "chicago-16":
        if a < 100 or a % 100 == 0:
            return f"{first}–{last}"
        keep = 1 if a % 100 < 10 else 2
        short = _minimal(first, last, keep)
        if len(first) == 4 and len(short) >= 3:
            return f"{first}–{last}"
        return f"{first}–{short}"
    return f"{first}–{_minimal(first, last, 2)}"


def _minimal(first: str, last: str, at_least: int) -> str:
    same = 0
    while same < len(first) and first[same] == last[same]:
        same += 1
    return last[min(same, max(0, len(last) - at_least)) :]


def title_case(title: str) -> str:
    """CSL text-case="title" as citeproc-js applies it to English titles."""
    pieces = _TITLE_SEPARATORS.split(title)
    first, after_punct = True, False
    out = []
    for piece in pieces:
        if _TITLE_SEPARATORS.fullmatch(piece):
            out.append(piece)
            after_punct = after_punct or piece in (":", "?", "!")
            continue
        words = piece.split(" ")
        for j, word in enumerate(words):
            if not word:
                continue
            lower = word.lower()
            capitalize = (len(word) > 1 and lower not in SKIP_WORDS) or first or after_punct
            if capitalize and word == lower:
                words[j] = word[0].upper() + word[1:]
            first = after_punct = False
        out.append(" ".join(words))
    return "".join(out)


def _styled_title(item: dict) -> str:
    title = item.get("title", "")
    language = item.get("language", "en") or "en"
    return title_case(title) if language.lower().startswith("en") else title


def _quoted(title: str, punct: str) -> str:
    """“Title,” with the punctuation inside the quotes unless the title ends in ? or !"""
    inner = escape(title)
    return f"“{inner}”" if title.endswith(("?", "!")) else f"“{inner}{punct}”"


def _end(text: str) -> str:
    return text if text.endswith((".", "?", "!")) else text + "."


def _join_sentence(head: str, tail: str) -> str:
    """'Smith, Sheila A.' + '. ' without doubling the period."""
    return f"{head} {tail}" if head.endswith(".") else f"{head}. {tail}"


# --- the styles -----------------------------------------------------------------------------

_LABELS = {
    "chicago": {"page": "", "paragraph": "para. ", "figure": "fig. ", "note": "n. "},
    "apa": {"page": ("p. ", "pp. "), "paragraph": "para. ", "figure": "Figure ", "note": "Note "},
    "mla": {"page": "", "paragraph": "par. ", "figure": "fig. ", "note": "n. "},
}


def _locator_text(style: str, locator: Locator) -> str:
    if locator.label == "page":
        fmt = {"chicago": "chicago-16", "apa": "expanded", "mla": "minimal-two"}[style]
        value = _range(locator.value, fmt)
        if style == "apa":
            return ("pp. " if "–" in value else "p. ") + value
        return value
    return _LABELS[style][locator.label] + locator.value


def _container(item: dict) -> str:
    return f"<i>{escape(item['container-title'])}</i>" if item.get("container-title") else ""


def chicago(item: dict, locator: Locator | None) -> Citation:
    """Chicago notes-bibliography (18th ed.): the note and the bibliography entry."""
    names = _names(item)
    if len(names) >= 3:
        note_names = escape(_display(names[0])) + " et al."
    else:
        note_names = _serial([_display(n) for n in names], "and") if names else ""
    if len(names) >= 7:
        bib_names = escape(", ".join([_inverted(names[0])] + [_display(n) for n in names[1:3]])) + ", et al."
    else:
        listed = [_inverted(names[0])] + [_display(n) for n in names[1:]] if names else []
        bib_names = _serial(listed, "and", comma_before_last=True) if listed else ""
    title = _styled_title(item)
    source, pages = _chicago_source(item), item.get("page")
    where = _locator_text("chicago", locator) if locator else (_range(pages, "chicago-16") if pages else None)
    note_tail = f"{source}{_chicago_pin(item, where)}"
    note = ", ".join(p for p in (note_names, _quoted(title, ",")) if p) + " " + note_tail
    bib_pages = _chicago_pin(item, _range(pages, "chicago-16") if pages else None)
    entry = (
        _join_sentence(bib_names, f"{_quoted(title, '.')} {source}{bib_pages}")
        if bib_names
        else (f"{_quoted(title, '.')} {source}{bib_pages}")
    )
    return Citation("chicago", _end(note), _end(entry))


def _chicago_source(item: dict) -> str:
    parts = [_container(item)]
    if item.get("volume"):
        parts.append(f" {escape(item['volume'])}")
        if item.get("issue"):
            parts.append(f", no. {escape(item['issue'])}")
        if _year(item):
            parts.append(f" ({_year(item)})")
    else:
        if item.get("issue"):
            parts.append(f", no. {escape(item['issue'])}")
        if date := _long_date(item):
            parts.append(f", {date}")
    return "".join(parts)


def _chicago_pin(item: dict, where: str | None) -> str:
    if not where:
        return ""
    return f": {where}" if item.get("volume") else f", {where}"


def _long_date(item: dict) -> str | None:
    parts = _parts(item)
    if not parts:
        return None
    if len(parts) == 1:
        return str(parts[0])
    if len(parts) == 2:
        return f"{MONTHS[parts[1] - 1]} {parts[0]}"
    return f"{MONTHS[parts[1] - 1]} {parts[2]}, {parts[0]}"


def apa(item: dict, locator: Locator | None) -> Citation:
    """APA 7th: the parenthetical in-text citation and the reference."""
    names = _names(item)
    families = [_family(n) for n in names]
    if len(names) >= 3:
        short = f"{families[0]} et al."
    else:
        short = " &#38; ".join(escape(f) for f in families)
    year = _year(item) or "n.d."
    cite = ", ".join(p for p in (short, year, _locator_text("apa", locator) if locator else None) if p)
    reference_names = _apa_names(names)
    body = f"({year}). {_end(escape(item.get('title', '')))}"
    source = _container(item)
    if item.get("volume"):
        source += f", <i>{escape(item['volume'])}</i>"
        if item.get("issue"):
            source += f"({escape(item['issue'])})"
    if item.get("page"):
        source += f", {_range(item['page'], 'expanded')}"
    entry = f"{reference_names} {body}" if reference_names else body
    return Citation("apa", f"({cite})", _end(f"{entry} {source}" if source else entry))


def _apa_names(names: list[dict]) -> str:
    inverted = []
    for name in names:
        if "literal" in name:
            inverted.append(escape(name["literal"]))
        elif name.get("given"):
            inverted.append(escape(f"{name['family']}, {_initials(name['given'])}"))
        else:
            inverted.append(escape(name["family"]))
    if len(inverted) >= 21:
        return ", ".join(inverted[:19]) + ", . . . " + inverted[-1]
    if len(inverted) == 1:
        return inverted[0]
    return ", ".join(inverted[:-1]) + ", &#38; " + inverted[-1]


def mla(item: dict, locator: Locator | None) -> Citation:
    """MLA 9th: the parenthetical citation and the works-cited entry."""
    names = _names(item)
    families = [escape(_family(n)) for n in names]
    short = f"{families[0]} et al." if len(names) >= 3 else " and ".join(families)
    if locator is None:
        cite = short
    elif locator.label == "page":
        cite = f"{short} {_locator_text('mla', locator)}".strip()
    else:
        cite = ", ".join(p for p in (short, _locator_text("mla", locator)) if p)
    if len(names) >= 3:
        who = f"{escape(_inverted(names[0]))}, et al."
    elif len(names) == 2:
        who = f"{escape(_inverted(names[0]))}, and {escape(_display(names[1]))}"
    else:
        who = escape(_inverted(names[0])) if names else ""
    container = [_container(item)] if item.get("container-title") else []
    if item.get("volume"):
        container.append(f"vol. {escape(item['volume'])}")
    if item.get("issue"):
        container.append(f"no. {escape(item['issue'])}")
    if date := _mla_date(item):
        container.append(date)
    if item.get("page"):
        pages = _range(item["page"], "minimal-two")
        container.append(("pp. " if "–" in pages else "p. ") + pages)
    title = _quoted(_styled_title(item), ".")
    tail = f"{title} {', '.join(container)}" if container else title
    entry = _join_sentence(who, tail) if who else tail
    return Citation("mla", f"({cite})", _end(entry))


def _mla_date(item: dict) -> str | None:
    parts = _parts(item)
    if not parts:
        return None
    return f"{MLA_MONTHS[parts[1] - 1]} {parts[0]}" if len(parts) >= 2 else str(parts[0])


FORMATTERS = {"chicago": chicago, "apa": apa, "mla": mla}


def format_citation(style: str, item: dict, locator: Locator | None) -> Citation:
    return FORMATTERS[style](item, locator)


def citations(article: Article, locator: Locator | None) -> dict[str, Citation]:
    """Chicago, APA and MLA for one locator."""
    item = csl_item(article)
    return {style: format_citation(style, item, locator) for style in STYLES}


# --- permalinks -----------------------------------------------------------------------------


def text_fragment(text: str, words: int = 8) -> str:
    """A Text Fragment directive (#:~:text=start,end) that browsers scroll to and highlight."""
    from urllib.parse import quote

    tokens = text.split()
    if len(tokens) <= 2 * words:
        return ":~:text=" + quote(text, safe="")
    start, end = " ".join(tokens[:words]), " ".join(tokens[-words:])
    return f":~:text={quote(start, safe='')},{quote(end, safe='')}"
