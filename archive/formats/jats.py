"""JATS XML (the journals' own full text: PubMed Central, eLife, PLOS, SciELO …): the article
record from <article-meta>, and the body as the HTML the structural walk reads.

Read with BeautifulSoup's XML parser (lxml), any JATS 1.x tag set, namespaces or not:
  abstract -> the lead; sec/title -> nested headings; p -> paragraphs; fig and table-wrap (label
  and caption) -> figures; fn -> notes linked to their xref calls; ref-list -> references;
  italic/bold/sup/sub -> markup; MathML -> its text."""

from __future__ import annotations

import html
import re

from bs4 import BeautifulSoup, NavigableString, Tag

from ..dates import iso_date
from ..metadata import Metadata, clean_doi
from ..models import Author
from ..names import author_from_name
from ..walk import normalise
from .html import language_tag

INLINE = {"italic": "em", "bold": "strong", "sup": "sup", "sub": "sub", "sc": None, "monospace": None}
MAX_SECTION_DEPTH = 5  # h2 … h6
BACK_PARTS = ["fn-group", "ref-list", "ack", "app", "glossary"]
# The issue's date first: it is the year a volume and issue are cited with (an article online in
# 2012 in the 2013 issue is cited as 2013); online-only journals have only the electronic one.
PUB_TYPES = ("ppub", "collection", "print", "publication", "pub", "epub-ppub", "epub", "electronic")
# Blocks JATS allows inside a paragraph: read as blocks of their own after the text before them
# (pasted into the paragraph they made it run to thousands of characters of captions and cells)
BLOCKS_IN_PARAGRAPHS = frozenset(
    {"fig", "fig-group", "table-wrap", "table-wrap-group", "boxed-text", "list", "disp-quote", "preformat",
     "code", "supplementary-material", "def-list", "statement"}
)  # fmt: skip
DOI_LINE = re.compile(r"(?i)DOI\s*:?\s*(?:https?://(?:dx\.)?doi\.org/)?(10\.\d{4,9}/\S+)\Z")
TITLE_MARKS = ("xref", "fn")
JATS_HEAD = 200_000  # characters read for the root and its article-meta  # note calls and notes inside a title: not part of it


def is_jats(text: str) -> bool:
    """True for an XML document whose root element is a JATS <article> (looked for past a long
    prolog: a DOCTYPE declaring hundreds of entities, a licence in a comment)."""
    head = text[:JATS_HEAD]
    return bool(re.search(r"<(?:\w+:)?article\b", head)) and ("article-meta" in head or "JATS" in head)


def jats_document(text: str) -> tuple[str, Metadata]:
    """The article body as HTML for the walk, and its metadata; ValueError if not JATS."""
    soup = BeautifulSoup(text, "xml")
    article = soup.find("article")
    if article is None:
        root = soup.find()
        raise ValueError(
            f"it is XML but not a JATS article (its root element is <{root.name}>)"
            if root
            else "it is XML whose elements could not be read (is its DOCTYPE or an entity left open?)"
        )
    meta = article.find("article-meta")
    metadata = article_metadata(article, meta) if meta else Metadata(label="JATS")
    parts = []
    abstracts = meta.find_all("abstract") if meta is not None else []
    # The first abstract, then any other (PLOS's author summary, eLife's digest), titled in line
    parts += [abstract_html(abstract, run_in=bool(i)) for i, abstract in enumerate(abstracts)]
    if body := article.find("body"):
        parts.append(children_html(body, depth=0))
    if floats := article.find("floats-group"):  # figures and tables set apart from the text
        parts.append("".join(block_html(child, 1) for child in floats.children))
    if back := article.find("back"):
        parts.append(back_html(back))
    return "\n".join(parts), metadata


def article_metadata(article: Tag, meta: Tag) -> Metadata:
    found = Metadata(label="JATS article-meta")
    journal = article.find("journal-meta")
    title = meta.find("article-title")
    # A collaboration's members, listed inside it, are credited there, not authors of their own
    members = collaboration_members(meta)
    contribs = [
        c for c in meta.find_all("contrib") if c.find_parent("collab") is None and id(c) not in members
    ]
    authors = [a for a in (contributor(c) for c in contribs) if a is not None]
    found.update(
        title=title_text(title) if title else None,
        authors=authors,
        journal=_text(journal.find("journal-title")) if journal else None,
        publisher=_text(journal.find("publisher-name")) if journal else None,
        volume=_text(meta.find("volume", recursive=False)) or _text(meta.find("volume")),
        issue=_text(meta.find("issue", recursive=False)) or _text(meta.find("issue")),
        # The article's own, not a related or cited article's inside article-meta
        first_page=_page(_text(meta.find("fpage", recursive=False))),
        last_page=_page(_text(meta.find("lpage", recursive=False))),
        doi=clean_doi(_text(meta.find("article-id", attrs={"pub-id-type": "doi"}))),
        language=language_tag(article.get("xml:lang") or article.get("lang")),  # "EN" -> "en"
        type="article-journal",
    )
    if date := publication_date(meta):
        found.update(date=date)
    if is_article_number(article, found):  # BioMed Central's: the number, not a page
        found.extra["page"] = str(found.first_page)
        found.first_page = found.last_page = None
    extra = {
        # An online journal's article number stands for its pages (e0046493, 174)
        "page": None if found.first_page else _text(meta.find("elocation-id", recursive=False)),
        "ISSN": _text(journal.find("issn")) if journal else None,
        "license": _text(meta.find("license-p")) or (meta.find("license") or {}).get("xlink:href"),
        "keyword": "; ".join(normalise(k.get_text(" ")) for k in meta.find_all("kwd")) or None,
        "PMID": _text(meta.find("article-id", attrs={"pub-id-type": "pmid"})),
        "PMCID": _text(meta.find("article-id", attrs={"pub-id-type": "pmc"})),
    }
    found.extra.update({k: v for k, v in extra.items() if v})
    return found


ONE_PAGE_PARAGRAPHS = 30  # more paragraphs than one printed page holds


def is_article_number(article: Tag, found: Metadata) -> bool:
    """fpage = lpage on an article far longer than a page: an online journal's article number
    written as its page (BMC's <fpage>174</fpage><lpage>174</lpage>), which cited every passage
    as 'p. 174'."""
    if found.first_page is None or found.first_page != found.last_page:
        return False
    body = article.find("body")
    return body is not None and len(body.find_all("p", limit=ONE_PAGE_PARAGRAPHS)) >= ONE_PAGE_PARAGRAPHS


def collaboration_members(meta: Tag) -> set[int]:
    """The ids of contribs that are a collaboration's members listed after it: PLOS gives each
    author a contrib-type, then the group's <collab>, then its members without one
    (journal.pone.0066742: 15 authors, the MultiCare Study Group, and its 26 members)."""
    members: set[int] = set()
    for group in meta.find_all("contrib-group"):
        contribs = group.find_all("contrib", recursive=False)
        if not any(c.get("contrib-type") == "author" for c in contribs):
            continue
        after_collab = False
        for contrib in contribs:
            if contrib.get("contrib-type") is None and after_collab:
                members.add(id(contrib))
            after_collab = after_collab or contrib.find("collab") is not None
    return members


def contributor(contrib: Tag) -> Author | None:
    """An author (contrib-type author, or none given), a person or a <collab> (an institution)."""
    if contrib.get("contrib-type") not in (None, "author"):
        return None
    if collab := contrib.find("collab"):
        # Its own words: a collaboration may list its members (contrib-group), with their
        # addresses and ORCIDs, inside it
        own = [part for part in collab.children if not (isinstance(part, Tag) and part.name in COLLAB_PARTS)]
        name = normalise(" ".join(p.get_text(" ") if isinstance(p, Tag) else str(p) for p in own))
        return Author(name=name, literal=True) if name else None
    name = contrib.find(["name", "string-name"])
    if name is None:
        return None
    family, given = _text(name.find("surname")), _text(name.find("given-names"))
    if not family:
        return author_from_name(normalise(name.get_text(" "))) if name.get_text(strip=True) else None
    eastern = name.get("name-style") == "eastern"
    full = " ".join(p for p in ((family, given) if eastern else (given, family)) if p)
    suffix = _text(name.find("suffix"))
    return Author(
        name=f"{full} {suffix}" if suffix else full, family=family, given=given, family_first=eastern
    )


COLLAB_PARTS = frozenset({"contrib-group", "address", "email", "contrib-id", "xref", "aff", "uri"})


def title_text(title: Tag) -> str:
    """A title's words as they read: inline markup joins its text without spaces
    (<italic>M</italic>m, NH<sub>4</sub>), and note calls and notes are not part of it."""
    return normalise("".join(_title_strings(title)))


def _title_strings(node: Tag):
    for child in node.children:
        if isinstance(child, NavigableString):
            yield str(child)
        elif child.name not in TITLE_MARKS:
            yield from _title_strings(child)


def publication_date(meta: Tag) -> str | None:
    dates = meta.find_all("pub-date")
    ranked = sorted(
        dates,
        key=lambda d: next(
            (i for i, kind in enumerate(PUB_TYPES) if kind in (d.get("pub-type"), d.get("date-type"))), 99
        ),
    )
    found = [iso for date in ranked if (iso := _iso(date))]
    if not found:
        return None
    # A fuller form of the same date (eLife's collection gives only the year, its electronic
    # date the day); an issue's month is kept over another date's day
    return max((iso for iso in found if iso.startswith(found[0])), key=len)


def _iso(date: Tag) -> str | None:
    year, month, day = (_number(date.find(part)) for part in ("year", "month", "day"))
    return iso_date(year, month, day if month else None) if year else None


def abstract_html(abstract: Tag, run_in: bool = False) -> str:
    """An abstract as lead paragraphs. A structured abstract's section titles (Background,
    Methods …), and a second abstract's own title when `run_in`, start their first paragraph
    ("<strong>Background.</strong> …") instead of heading sections: under such a heading, the
    body's untitled opening paragraphs were filed as the abstract's Conclusions."""
    parts, label = [], None
    if run_in and (title := abstract.find("title", recursive=False)):
        label = inline_html(title)
    for child in abstract.children:
        if isinstance(child, Tag) and child.name == "sec":
            parts.append(abstract_html(child, run_in=True))
            continue
        if isinstance(child, Tag) and child.name == "title":
            continue
        block = block_html(child, 0, skip_titles=True)
        if label and block.startswith("<p>"):
            mark = label if label.rstrip().endswith((".", ":", "?")) else f"{label}."
            block, label = f"<p><strong>{mark}</strong> {block[3:]}", None
        parts.append(block)
    return "".join(parts)


def children_html(node: Tag, depth: int, skip_titles: bool = False) -> str:
    return "".join(block_html(child, depth, skip_titles) for child in node.children)


def block_html(node, depth: int, skip_titles: bool = False) -> str:
    """One JATS block as HTML: sections nest their headings, figures and tables keep label and
    caption, lists stay lists; anything else is read for its paragraphs."""
    if isinstance(node, NavigableString):
        return html.escape(str(node), quote=False) if str(node).strip() else ""
    name = node.name
    if name == "sec":
        return children_html(node, min(depth + 1, MAX_SECTION_DEPTH))
    if name == "title":
        if skip_titles:
            return ""
        level = min(depth + 1, MAX_SECTION_DEPTH + 1)
        return f"<h{level}>{inline_html(node)}</h{level}>"
    if name == "p":
        return "" if is_doi_line(node) else paragraph_html(node, depth)
    if name == "disp-quote":
        return f"<p>{inline_html(node)}</p>"
    if name in ("fig", "table-wrap"):
        return figure_html(node)
    if name == "fig-group":  # a figure and its supplements (eLife), each a figure of its own
        members = node.find_all(("fig", "table-wrap"), recursive=False)
        caption = figure_html(node, whole=False) if node.find("caption", recursive=False) else ""
        return caption + "".join(figure_html(member) for member in members) if members else figure_html(node)
    if name == "boxed-text":
        return box_html(node, depth)
    if name == "list":
        tag = "ol" if node.get("list-type") in ("order", "arabic", "alpha-lower", "roman-lower") else "ul"
        items = "".join(
            f"<li>{inline_html(item)}</li>" for item in node.find_all("list-item", recursive=False)
        )
        return f"<{tag}>{items}</{tag}>"
    if name == "disp-formula":
        return f"<p>{inline_html(node)}</p>"
    if name in ("preformat", "code"):
        return f"<pre>{html.escape(node.get_text())}</pre>"
    if name in ("label", "object-id"):  # a number, or an identifier of the part (eLife's DOIs)
        return ""
    if name in BACK_PARTS:
        return back_part(node)
    return children_html(node, depth, skip_titles)


def box_html(box: Tag, depth: int) -> str:
    """A box set apart: its caption, then its text as blocks. Its sections' titles start their
    first paragraphs, as a structured abstract's do: as headings they took the rest of the
    section the box stands in. An appendix set as a box (eLife) keeps them as its headings."""
    caption = figure_html(box, whole=False) if box.find(("caption", "label"), recursive=False) else ""
    rest = [child for child in box.children if getattr(child, "name", None) not in ("label", "caption")]
    if box.find_parent("app") is not None:
        return caption + "".join(block_html(child, depth) for child in rest)
    return caption + "".join(
        abstract_html(child, run_in=True)
        if getattr(child, "name", None) == "sec"
        else block_html(child, depth)
        for child in rest
    )


def figure_html(node: Tag, whole: bool = True) -> str:
    """A figure or table: "Figure 1. Caption" (label, then caption), its image's address and
    its table's rows (only its caption unless `whole`)."""
    label = node.find("label", recursive=False)
    caption = node.find("caption", recursive=False)
    words = " ".join(
        x for x in (inline_html(label) if label else "", inline_html(caption) if caption else "") if x
    )
    graphic = node.find("graphic") if whole else None
    source = graphic.get("xlink:href") or graphic.get("href") if graphic else None
    image = f'<img src="{html.escape(source)}" alt="">' if source else ""
    rows = ""
    if whole and (table := node.find("table")):
        rows = f"<table>{''.join(_row_html(tr) for tr in table.find_all('tr'))}</table>"
    return f"<figure>{image}<figcaption>{words}</figcaption></figure>{rows}" if words or image else rows


def _row_html(row: Tag) -> str:
    cells = "".join(f"<td>{inline_html(cell)}</td>" for cell in row.find_all(["td", "th"]))
    return f"<tr>{cells}</tr>"


def back_html(back: Tag) -> str:
    """The back matter's notes, references, acknowledgements and appendices, in order."""
    parts = back.find_all(BACK_PARTS)
    return "".join(back_part(part) for part in parts if part.find_parent(BACK_PARTS) is None)


def back_part(node: Tag) -> str:
    """Notes as a footnote list their calls lead to; references under a References heading;
    acknowledgements and appendices as sections."""
    title = node.find("title", recursive=False)
    if node.name == "fn-group":
        items = "".join(
            f'<li id="{html.escape(fn.get("id", ""))}">{inline_html(fn, skip_label=True)}</li>'
            for fn in node.find_all("fn")
        )
        return f'<ol class="footnotes">{items}</ol>'
    if node.name == "ref-list":
        refs = "".join(f"<p>{reference_html(ref)}</p>" for ref in node.find_all("ref"))
        return f"<h2>{inline_html(title) if title else 'References'}</h2>{refs}"
    default = {"ack": "Acknowledgements", "glossary": "Glossary"}.get(node.name, "Appendix")
    body = "".join(block_html(child, 1, skip_titles=True) for child in node.children)
    return f"<h2>{inline_html(title) if title else default}</h2>{body}"


def paragraph_html(node: Tag, depth: int) -> str:
    """A paragraph, and any figure, table or list inside it as a block of its own after the text
    before it (the text after it is the paragraph's too)."""
    text: list = []
    blocks: list[str] = []
    for child in node.children:
        if isinstance(child, Tag) and child.name in BLOCKS_IN_PARAGRAPHS:
            blocks.append(block_html(child, depth))
        else:
            text.append(child)
    words = inline_html(node, children=text)
    return (f"<p>{words}</p>" if words.strip() else "") + "".join(blocks)


def is_doi_line(paragraph: Tag) -> bool:
    """A paragraph that only gives the DOI of the part it ends ("DOI: http://dx.doi.org/10.7554/
    eLife.00013.003", after each abstract, figure and table of eLife's early articles): the DOI
    the part's <object-id> holds. A paragraph giving another DOI (a data set's) is text."""
    found = DOI_LINE.match(normalise(paragraph.get_text(" ")))
    if not found:
        return False
    for part in (paragraph.parent, paragraph.parent.parent if paragraph.parent else None):
        for identifier in part.find_all("object-id", recursive=False) if part is not None else ():
            if normalise(identifier.get_text()).lower() == found[1].lower():
                return True
    return False


def reference_html(ref: Tag) -> str:
    """A reference as the journal printed it (a mixed citation, its punctuation included); a
    structured one (element-citation, or NLM's citation without text of its own), whose parts
    have no spaces between them, spaced. A reference giving both forms is read once."""
    citation = ref.find(["mixed-citation", "citation"]) or ref.find("element-citation")
    if citation is None:
        return inline_html(ref, skip_label=True).strip()
    printed = any(isinstance(part, NavigableString) and part.strip() for part in citation.children)
    if printed:  # its own punctuation and spaces between the parts
        return inline_html(citation, skip_label=True).strip()
    return html.escape(normalise(citation.get_text(" ")), quote=False)


def inline_html(node: Tag, skip_label: bool = False, children=None) -> str:
    """A JATS element's text (or these of its `children`) with inline markup as HTML: emphasis,
    sub/superscripts, note calls (xref to a footnote) as links, MathML as its text."""
    out = []
    for child in node.children if children is None else children:
        if isinstance(child, NavigableString):
            out.append(html.escape(str(child), quote=False))
            continue
        name = child.name
        if name == "label" and skip_label:
            continue
        if name == "xref" and child.get("ref-type") == "fn" and child.get("rid"):
            mark = normalise(child.get_text())
            out.append(
                f'<sup><a href="#{html.escape(child["rid"].split()[0])}">{html.escape(mark)}</a></sup>'
            )
        elif INLINE.get(name):
            tag = INLINE[name]
            out.append(f"<{tag}>{inline_html(child)}</{tag}>")
        elif name in ("math", "mml:math", "tex-math"):
            out.append(html.escape(" ".join(child.get_text(" ").split()), quote=False))
        elif name == "object-id" or (name == "p" and is_doi_line(child)):
            continue
        elif name in ("p", "mixed-citation", "element-citation", "citation"):
            out.append(" " + inline_html(child) + " ")
        else:
            out.append(inline_html(child))
    return "".join(out)


def _text(node: Tag | None) -> str | None:
    return normalise(node.get_text(" ")) or None if node is not None else None


def _number(node: Tag | None) -> int | None:
    text = _text(node)
    return int(text) if text and text.isascii() and text.isdigit() and len(text) <= 4 else None


def _page(text: str | None) -> int | None:
    return int(text) if text and text.isascii() and text.isdigit() and len(text) <= 7 else None
