"""A PDF's XMP metadata packet: what journals' production systems state about the article
(Dublin Core title and creators, PRISM journal, volume, issue, pages, DOI, cover date).

The packet is found in the file's bytes (a metadata stream is stored uncompressed, so that any
tool can read it) and parsed with lxml without entities, DTDs or network: it is the file's own
data, as untrusted as the rest."""

from __future__ import annotations

import re

from lxml import etree

from ...metadata import Metadata, clean_doi
from ...names import author_from_name

OPEN, CLOSE = b"<x:xmpmeta", b"</x:xmpmeta>"
MAX_PACKET = 256 * 1024
MAX_PACKETS = 64  # looked at, from the last one back (pictures carry theirs)
NAMESPACES = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "prism": "http://prismstandard.org/namespaces/basic/2.0/",
    "prism21": "http://prismstandard.org/namespaces/basic/2.1/",
    "prism3": "http://prismstandard.org/namespaces/basic/3.0/",
    "pdfx": "http://ns.adobe.com/pdfx/1.3/",
}
MAX_PAGE_DIGITS = 6
PDF_NAMESPACE = b"http://ns.adobe.com/pdf/1.3/"  # the document's own packet has its Producer
PLACEHOLDERS = frozenset({"untitled", "anonymous", "unknown", "user", "admin", "doi:"})
PLACEHOLDER_STARTS = ("microsoft word", "untitled")  # "Microsoft Word - draft.docx", "Untitled-3"
# What programs put in a title or author field: the source file's name ("paper.dvi",
# "02. 206.doc"), a job number ("6489122611071476 1..10"), a user name ("chrisq", "newlogo")
FILE_NAME = re.compile(r"\.(dvi|docx?|pdf|tex|exe|indd|qxd|qxp|rtf|odt|ps|eps|p65|pm6|fm|wpd|txt)$", re.I)
MIN_LETTER_SHARE = 0.5  # of a title's or name's characters (spaces aside)
PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def is_placeholder(value: str) -> bool:
    """A title or author a program wrote in the PDF's properties, not the article's."""
    folded = " ".join(value.lower().split())
    if not folded or folded in PLACEHOLDERS or folded.startswith(PLACEHOLDER_STARTS):
        return True
    if FILE_NAME.search(folded) or (" " not in folded and folded == value):  # one lowercase word
        return True
    characters = folded.replace(" ", "")
    return sum(char.isalpha() for char in characters) < MIN_LETTER_SHARE * len(characters)


def is_account_name(value: str) -> bool:
    """An author field holding one word that is no acronym ('Agus', 'hamilton'): the name of the
    account that made the file, more often than the author's (whose byline the first page
    prints). An institution's acronym (OECD, UNESCO) is kept."""
    word = value.strip()
    return bool(word) and " " not in word and not word.isupper()


def xmp_metadata(data: bytes) -> Metadata:
    """The article record an XMP packet states (an empty Metadata when there is none)."""
    meta = Metadata(label="XMP")
    packet = last_packet(data)
    if packet is None:
        return meta
    try:
        root = etree.fromstring(packet, PARSER)
    except etree.XMLSyntaxError:
        return meta
    if (title := first(root, "dc:title")) and not is_placeholder(title):
        meta.update(title=title)
    creators = [n for n in values(root, "dc:creator") if not is_placeholder(n) and not is_account_name(n)]
    if creators:
        meta.update(authors=[author_from_name(name) for name in creators])
    fields = {
        "journal": prism(root, "publicationName"),
        "volume": prism(root, "volume"),
        "issue": prism(root, "number"),
        "first_page": prism(root, "startingPage"),
        "last_page": prism(root, "endingPage"),
    }
    doi = prism(root, "doi") or first(root, "pdfx:doi") or first(root, "dc:identifier")
    date = prism(root, "coverDate") or prism(root, "publicationDate")
    for name in ("first_page", "last_page"):
        value = fields[name]
        fields[name] = int(value) if value and value.isdecimal() and len(value) <= MAX_PAGE_DIGITS else None
    meta.update(
        **{name: value for name, value in fields.items() if value}, doi=clean_doi(doi) if doi else None
    )
    if date:
        meta.set_date(date, "XMP")  # checked like any source's date: a text one is dropped
    return meta


def last_packet(data: bytes) -> bytes | None:
    """The document's last XMP packet: an incremental update appends the newer one after the old;
    a packet without the PDF schema (pdf:Producer) is an embedded picture's, read only when the
    document has none ('newlogo' was one article's title). Found by plain searches (a regex over
    megabytes of unclosed tags would take minutes)."""
    packets, stop = [], len(data)
    while len(packets) < MAX_PACKETS and (start := data.rfind(OPEN, 0, stop)) >= 0:
        end = data.find(CLOSE, start, start + MAX_PACKET)
        if end >= 0:
            packets.append(data[start : end + len(CLOSE)])
        stop = start
    return next((p for p in packets if PDF_NAMESPACE in p), packets[0] if packets else None)


def prism(root, name: str) -> str | None:
    """A PRISM field in any of its versions' namespaces."""
    return next(
        (v for prefix in ("prism", "prism21", "prism3") if (v := first(root, f"{prefix}:{name}"))), None
    )


def values(root, name: str) -> list[str]:
    """The texts of an element, or of the rdf:li items inside it (Alt, Bag, Seq); an attribute of
    an rdf:Description counts too (XMP writes simple fields either way)."""
    prefix, local = name.split(":")
    found = []
    for element in root.iterfind(f".//{name}", NAMESPACES):
        items = element.findall(".//rdf:li", NAMESPACES)
        if items:
            found.extend((item.text or "").strip() for item in items)
        else:
            found.append((element.text or "").strip())
    attribute = f"{{{NAMESPACES[prefix]}}}{local}"
    found.extend(
        d.get(attribute).strip() for d in root.iterfind(".//rdf:Description", NAMESPACES) if d.get(attribute)
    )
    return [" ".join(value.split()) for value in found if value.strip()]


def first(root, name: str) -> str | None:
    found = values(root, name)
    return found[0] if found else None
