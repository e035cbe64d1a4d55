"""HTML -> blocks: the one structural walk over a document, whatever format it came from.

It finds the article body, drops the page's chrome (navigation, share and cookie widgets,
bylines), takes footnotes out as notes linked to their calls, and yields headings, text blocks,
images, code, rules and notes in reading order. Structure (sections, numbering) is structure.py's.
"""

from __future__ import annotations

import functools
import html
import itertools
import re
import sys
import unicodedata
from dataclasses import dataclass, field, replace

from bs4 import BeautifulSoup, NavigableString, PageElement, Tag

HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
MAX_DEPTH = 500  # levels of nested HTML elements
DROPPED_TAGS = ("script", "style", "nav", "noscript", "template", "iframe", "svg", "form", "button", "aside")
DROPPED_ROLES = ("navigation", "search", "banner", "contentinfo", "complementary", "doc-backlink")
TEXT_TAGS = frozenset({"p", "li", "pre", "dt", "dd", "address", "blockquote", "td", "th", "caption"})
BLOCK_TAGS = (
    HEADING_TAGS
    | TEXT_TAGS
    | {"figure", "div", "section", "article", "main", "ul", "ol", "dl", "table", "tr", "hr", "img"}
)
# Inline markup kept in display HTML (as itself, or as its equivalent); every other tag is its text.
INLINE_KEPT = {
    "em": "em",
    "i": "em",
    "strong": "strong",
    "b": "strong",
    "sup": "sup",
    "sub": "sub",
    "abbr": "abbr",
}
# Page chrome named by class or id: a token of the class/id (split at - and _) is one of these.
CHROME_TOKENS = frozenset(
    """share sharing sharedaddy social socials cookie cookies consent gdpr newsletter subscribe
    subscription signup related recommended comments comment breadcrumb breadcrumbs sidebar
    advert advertisement ad ads promo popup modal menu navbar toolbar skip print donate
    paywall subscriber subscribers copyright qrcode""".split()
)
# A list of the post's tags or categories, named so ("tags", "post-categories") or made of
# rel=tag links: links to other listings, never the article's text, when links are all it holds.
TAXONOMY_TOKENS = frozenset("tag tags tagcloud categories category labels keywords topics".split())
TAXONOMY_HOLDERS = frozenset({"div", "p", "ul", "ol", "dl", "section", "aside", "header", "footer", "nav"})
TAXONOMY_LABEL_CHARS = 30  # text beside the links: "Tags:", "Filed under", "分类于"
# A name that is a contents box's: "toc" or "table of contents", maybe with one word of place
# before or of kind after ("post-toc", "toc-container"), never "toc-content" (R Markdown's whole
# document) or "toc-ignore" (Pandoc's section left out of the contents)
CONTENTS_BOX = re.compile(
    r"(?i)^(?:[a-z]+[-_]){0,2}(?:toc|table[-_]?of[-_]?contents)(?:[-_](?:container|wrapper|box|block|list|nav|widget))?$"
)
# Bylines and datelines named by class, itemprop or rel: metadata, never a paragraph.
BYLINE_TOKENS = frozenset("byline dateline author authors posted published pubdate meta date".split())
# Words that may stand beside those in a name without changing what it names.
FILLER_WORDS = frozenset(
    """post posts entry article box bar block widget area wrap wrapper container links link list
    buttons button icons icon notice banner top bottom inner outer site page sd wp tools enabled
    js has is the of and with mc embed txt text wechat weixin qr""".split()
)
NOTE_CONTAINER_TOKENS = frozenset("footnote footnotes endnote endnotes fn-list notes-list".split())
NOTE_ROLES = ("doc-endnotes", "doc-footnotes", "doc-footnote", "doc-endnote")
BACKLINK_TEXT = frozenset({"↩", "↩︎", "^", "↑", "back", "return to text"})
ASCII_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
INNER_BLOCK_TAGS = BLOCK_TAGS - {"td", "th", "img"}  # a text block holding one of these is a container
IMAGE = frozenset({"img"})
INLINE_ALT_WORDS = 3  # an image after words, named in so few, is read as words (a badge, an icon)
FIGURE_HOLDS = frozenset({"figure", "pre", "table"})  # a figure holding these is read part by part
BYLINE_HOLDERS = frozenset({"p", *HEADING_TAGS})
CAPTION_TOKENS = frozenset({"caption", "figcaption", "credit", "credits", "wp-caption-text", "photo-credit"})
MIN_RUN = 25  # characters of a text run that counts towards a page's densest element
TEXT_CONTAINERS = frozenset({"p", "div", "td", "li", "section", "article", "main", "blockquote", "pre", "dd"})
SIBLING_SHARE = 0.2  # a sibling with this share of the densest element's text is article too
INNER_SHARE = 0.6  # an <article> inside <main> holding this share of its text is the article
DENSER = 2.0  # a dense element with this many times a landmark's text is the article instead
# A note call's mark: 1–999, a roman numeral, one letter, or * † ‡ § (as printed).
NOTE_LABEL = re.compile(r"^(?:\d{1,3}|[¹²³⁴-⁹⁰]{1,3}|[ivxlc]{1,6}|[a-z]|[*†‡§¶]{1,3})$", re.IGNORECASE)
NOTE_CALL_TOKENS = frozenset({"footnote", "footnote-ref", "fnref", "noteref", "ref", "fn", "endnote", "note"})


@dataclass(frozen=True)
class Block:
    """One block of the walked document.

    tag: h1–h6, p, image, figure, code, hr or note. For images and figures `image` is the
    picture's address and `alt` its alternative text; for notes `label` is the printed mark;
    `calls` are the labels of notes called in this block; `emphasised` says the whole block is
    italic or bold (a caption line); `pages` are the printed pages it stands on, for formats that
    print them (a PDF), else None and the structure infers them."""

    tag: str
    text: str
    html: str
    raw: str = ""
    image: str | None = None
    alt: str | None = None
    label: str | None = None
    calls: tuple[str, ...] = ()
    emphasised: bool = False
    pages: tuple[int | None, int | None] | None = None  # printed pages, when the format knows them (PDF)
    listed: bool = False  # an item of a list (never a heading, however short)
    chart: bool = False  # words set in a chart or figure (a PDF's plot labels): never a heading


@dataclass
class Walked:
    """What the walk found: blocks in reading order, plus byline texts taken out of the page."""

    blocks: list[Block] = field(default_factory=list)
    bylines: list[str] = field(default_factory=list)


def without_controls(text: str) -> str:
    """Text without control and format characters (tabs and newlines kept)."""
    return (ASCII_CONTROLS if text.isascii() else _controls()).sub("", text)


# controls_class() as Python 3.11's Unicode data (14.0.0), 3.12's (15.0.0) and 3.13's (15.1.0) make
# it: the scan takes 0.2 s, which a reindex of one changed file paid in its parsing worker (0.26 ->
# 0.16 s); other versions scan. They differ in the Egyptian hieroglyph format controls' last.
_CONTROLS = (
    "[\x00-\x08\\\x0b-\x1f\x7f-\x9f\xad\u0600-\u0605\u061c\u06dd\u070f\u0890-\u0891\u08e2\u180e"
    "\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd"
    "\U00013430-{}\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f]"
)
CONTROLS_CLASS = {
    "14.0.0": _CONTROLS.format("\U00013438"),
    "15.0.0": _CONTROLS.format("\U0001343f"),
    "15.1.0": _CONTROLS.format("\U0001343f"),
}


@functools.cache
def _controls() -> re.Pattern:
    """Looking up each character's category was a tenth of parsing a file of prose with curly
    quotes or CJK; one character class does it in C."""
    return re.compile(CONTROLS_CLASS.get(unicodedata.unidata_version) or controls_class())


def controls_class() -> str:
    """Every control and format character but tab and newline, as this Python's Unicode data
    has them: a regular expression's character class of ranges."""
    dropped = [c for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) in ("Cc", "Cf")]
    dropped = [c for c in dropped if chr(c) not in "\n\t"]
    ranges, start = [], dropped[0]
    for before, after in itertools.pairwise([*dropped, -1]):
        if after != before + 1:
            ranges.append(re.escape(chr(start)) + ("" if before == start else "-" + re.escape(chr(before))))
            start = after
    return "[" + "".join(ranges) + "]"


def normalise(text: str) -> str:
    """NFC, control characters dropped, every run of whitespace one space."""
    return " ".join(without_controls(unicodedata.normalize("NFC", text)).split())


def tidy_html(fragment: str) -> str:
    """Whitespace of display HTML normalised like the text."""
    fragment = without_controls(unicodedata.normalize("NFC", fragment))
    fragment = re.sub(r"\s+", " ", fragment).strip()
    return re.sub(r"<(em|strong|sup|sub|abbr)>\s*</\1>", "", fragment)


def nesting_depth(soup: BeautifulSoup) -> int:
    """How deeply elements nest, counted without recursion and only up to just past MAX_DEPTH
    (the walk below recurses, so it must never meet a deeper tree)."""
    deepest, stack = 0, [(soup, 0)]
    while stack and deepest <= MAX_DEPTH:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in node.children if isinstance(child, Tag))
    return deepest


def walk_document(soup: BeautifulSoup, web_page: bool = True) -> Walked:
    """Blocks of the article body in reading order. A web page's body is looked for
    (article_body); a document made from Markdown is all body. The walk recurses: its caller
    has refused a tree nesting deeper than MAX_DEPTH (nesting_depth), as parse.py does before
    anything reads the page (measured again here, it was 3% of parsing a web page)."""
    walked = Walked()
    drop_chrome(soup, walked)
    root = article_body(soup) if web_page else soup
    notes = take_notes(root)
    for tag in root.find_all("br"):
        tag.replace_with(" ")
    _walk(root, walked.blocks)
    walked.blocks.extend(notes)
    return walked


def named(tag: Tag, words: frozenset[str]) -> bool:
    """True when the element is named as one of `words`: by a class or itemprop holding one of
    them ("sharedaddy", "trc_related_container", "post-meta"), or by an id made of them and filler
    only ("comments", "comment-2151", "cookie-notice"). Ids name sections too, so "related-work"
    and "social-media-and-politics" are not chrome."""
    for name in [*tag.get("class", []), tag.get("itemprop") or ""]:
        if _parts(name) & words:
            return True
    parts = _parts(tag.get("id") or "")
    return bool(parts & words) and all(p in words or p in FILLER_WORDS or p.isdigit() for p in parts)


def _parts(name) -> set[str]:
    return {p for p in re.split(r"[\s_-]+", str(name).lower()) if p}


def _tokens(tag: Tag) -> set[str]:
    words = " ".join([*tag.get("class", []), tag.get("id") or "", tag.get("itemprop") or ""]).lower()
    return set(re.split(r"[\s_-]+", words)) | set(words.split())


def drop_chrome(soup: BeautifulSoup, walked: Walked) -> None:
    """Navigation, widgets, hidden parts and bylines out of the document (bylines kept aside).

    One pass over the elements (bs4's find_all per rule would read the tree once per rule)."""
    for tag in [node for node in soup.descendants if isinstance(node, Tag)]:
        if decomposed(tag) or tag.name in ("html", "body", "article", "main"):
            continue
        attrs = tag.attrs
        if (
            tag.name in DROPPED_TAGS
            or attrs.get("role") in DROPPED_ROLES
            or "hidden" in attrs
            or attrs.get("aria-hidden") == "true"
            or (tag.name == "a" and "headerlink" in attrs.get("class", ()))  # "¶" permalink anchors
        ):
            tag.decompose()
            continue
        if not ("class" in attrs or "id" in attrs or "itemprop" in attrs or "rel" in attrs):
            continue
        if tag.name in HEADING_TAGS:  # a heading is never chrome by its name ("related-work")
            continue
        if (named(tag, CHROME_TOKENS) or is_contents_box(tag)) and not _holds_body(tag):
            tag.decompose()
        elif taxonomy := _taxonomy_list(tag):
            taxonomy.decompose()
        elif (named(tag, BYLINE_TOKENS) or tag.get("rel") == ["author"]) and not holds(tag, BYLINE_HOLDERS):
            walked.bylines.append(normalise(tag.get_text(" ")))
            tag.decompose()


def _taxonomy_list(tag: Tag) -> Tag | None:
    """The list of tags or categories `tag` is (named so) or stands in (a rel=tag link), when
    links are all that list holds but a label."""
    if tag.name == "a":
        if "tag" not in (tag.get("rel") or ()):
            return None
        holder = next((p for p in tag.parents if p.name in TAXONOMY_HOLDERS), None)
    else:
        holder = tag if tag.name in TAXONOMY_HOLDERS and named(tag, TAXONOMY_TOKENS) else None
    if holder is None or holder.find(["article", "main", *HEADING_TAGS]) is not None:
        return None
    linked = sum(len(a.get_text(strip=True)) for a in holder.find_all("a"))
    text = len(re.sub(r"\s+", "", holder.get_text()))
    return holder if linked and text - linked <= TAXONOMY_LABEL_CHARS else None


def decomposed(element: PageElement) -> bool:
    """bs4's `decomposed`, in constant time: decompose() marks each element it destroys, and
    bs4 reads the mark with getattr, so that an element never decomposed is searched for a child
    tag named "_decomposed" (its whole subtree, for every element checked: quadratic in a page's
    depth, 40% of parsing a long web page)."""
    return element.__dict__.get("_decomposed", False)


def is_contents_box(tag: Tag) -> bool:
    """A page's own table of contents (PaperMod's div.toc, "table-of-contents", WordPress's
    ez-toc-container): links to its headings, which the reader's contents give again."""
    names = [*tag.get("class", []), tag.get("id") or ""]
    return any(CONTENTS_BOX.search(str(name)) for name in names)


def holds(tag: Tag, names: frozenset[str]) -> bool:
    """True when an element below `tag` is named one of `names` (a plain walk: bs4's find
    builds a filter per call, which dominated the parse)."""
    return any(isinstance(node, Tag) and node.name in names for node in tag.descendants)


def _holds_body(tag: Tag) -> bool:
    """A wrapper named like chrome ("has-sidebar") that holds the article itself stays."""
    return bool(tag.find(["article", "main"])) or len(tag.find_all("p", limit=4)) >= 4


def article_body(soup: BeautifulSoup) -> Tag:
    """The element holding the article: the largest <article>, <main> or role=main (or one inside
    it that holds most of its text); else, or when that holds little of the page's text, the
    element where the page's text is densest."""
    landmarks = soup.find_all(["article", "main"]) + soup.find_all(attrs={"role": "main"})
    sizes = {id(tag): text_size(tag) for tag in landmarks}
    root = max(landmarks, key=lambda tag: sizes[id(tag)], default=None)
    if root is not None:
        inner = [t for t in landmarks if t is not root and root in t.parents]
        inner = [t for t in inner if sizes[id(t)] >= INNER_SHARE * sizes[id(root)]]
        root = min(inner, key=lambda tag: sizes[id(tag)], default=root)
    dense = densest(soup)
    if root is None or (
        dense is not None and text_size(dense) > DENSER * sizes[id(root)] and root not in dense.parents
    ):
        root = dense or soup.body or soup
    for tag in root.find_all(["header", "footer"]):
        if tag.find(HEADING_TAGS) is None or tag.name == "footer":
            tag.decompose()
    return root


def text_size(tag: Tag) -> int:
    return sum(len(s) for s in tag.find_all(string=True) if not _is_comment(s) and not s.isspace())


def densest(soup: BeautifulSoup) -> Tag | None:
    """The element where the page's running text is densest (readability's rule): each block of
    text of MIN_RUN characters or more counts for the element holding it, half for the one above."""
    scores: dict[int, list] = {}
    for string in soup.find_all(string=True):
        if _is_comment(string) or len(string.strip()) < MIN_RUN:
            continue
        block = string.parent
        while isinstance(block, Tag) and block.name not in TEXT_CONTAINERS:
            block = block.parent
        parent = block.parent if isinstance(block, Tag) else None
        grandparent = parent.parent if isinstance(parent, Tag) else None
        for share, holder in ((1.0, parent), (0.5, grandparent)):
            if isinstance(holder, Tag) and holder.name not in ("body", "html", "[document]"):
                scores.setdefault(id(holder), [holder, 0.0])[1] += share * len(string.strip())
    if not scores:
        return None
    best, size = max(scores.values(), key=lambda item: item[1])
    # The body's sections often stand side by side: when a sibling holds a fair share of text
    # too, the article is their parent (the <body> itself on a page with no wrapper).
    parent = best.parent
    if isinstance(parent, Tag) and any(
        isinstance(sibling, Tag)
        and sibling is not best
        and scores.get(id(sibling), [None, 0])[1] >= SIBLING_SHARE * size
        for sibling in parent.children
    ):
        return parent
    # Headings of the body often sit one level up, beside the paragraphs' container.
    parent = best.parent
    if isinstance(parent, Tag) and parent.name not in ("body", "html") and parent.find(HEADING_TAGS):
        return parent
    return best


def take_notes(root: Tag) -> list[Block]:
    """Footnotes out of the body as note blocks; each call in the text becomes a marker.

    Notes are recognised by their calls (a short link to an id inside a list item or a note
    element) or by their container (role doc-endnotes, class footnotes): Python-Markdown,
    Pandoc, WordPress and most journal HTML write one or both."""
    by_id = {tag["id"]: tag for tag in root.find_all(id=True) if isinstance(tag.get("id"), str)}
    items: dict[int, Tag] = {}
    labels: dict[int, str] = {}
    for link in root.find_all("a", href=True):
        target = by_id.get(link["href"][1:]) if link["href"].startswith("#") else None
        label = normalise(link.get_text()).strip("[]()")
        if target is None or not NOTE_LABEL.match(label) or not _calls_a_note(link, target):
            continue
        in_notes = target.find_parent(_is_note_container) is not None
        item = target if target.name == "li" else target.find_parent("li") or _note_element(target)
        # Quarto sets each note in the margin as <div id="fn1">, called by a doc-noteref link
        item = target if item is None and (in_notes or _declared_call(link)) else item
        if item is None or item in link.parents:
            continue
        items[id(item)] = item
        labels.setdefault(id(item), label)
        call = link.parent if link.parent.name == "sup" and len(link.parent.find_all(True)) <= 2 else link
        call.replace_with(_marker(label))
    for container in root.find_all(_is_note_container):
        listed = container.find_all("li") or container.find_all("p", recursive=False)
        for position, item in enumerate(listed, 1):
            items.setdefault(id(item), item)
            labels.setdefault(id(item), str(position))
    notes = []
    for item in sorted(items.values(), key=lambda tag: (tag.sourceline or 0, tag.sourcepos or 0)):
        for backlink in item.find_all("a", href=True):
            if _is_backlink(backlink):
                backlink.decompose()
        # A note that prints its own mark first (Quarto: <p><sup>1</sup>&nbsp;The …): the label
        # is the note's, not its text
        first = item.find(string=lambda text: bool(text.strip()))
        if first is not None and first.parent.name == "sup" and normalise(first) == labels[id(item)]:
            first.parent.decompose()
        block = make_block("note", [item])
        if block.text:
            notes.append(Block("note", block.text, block.html, block.raw, label=labels[id(item)]))
    for item in items.values():
        container = item.find_parent(_is_note_container) or item.parent
        item.decompose()
        if container is not None and not decomposed(container) and not container.get_text(strip=True):
            container.decompose()
    return notes


def _declared_call(link: Tag) -> bool:
    """A link its page declares a note's call (role doc-noteref, class footnote-ref)."""
    return link.get("role") == "doc-noteref" or "footnote-ref" in _tokens(link)


def _calls_a_note(link: Tag, target: Tag) -> bool:
    """A link is a note's call when it is written as one (superscript, or marked footnote-ref /
    doc-noteref / fnref), or when it leads into a notes container; a short link to step 2 of a
    list, or a page number in a table of contents, is not."""
    marked = link.parent.name == "sup" or link.find("sup") is not None
    tokens = _tokens(link) | set(re.split(r"[\s_:-]+", str(link.get("id") or "").lower()))
    marked = marked or bool(tokens & NOTE_CALL_TOKENS) or link.get("role") == "doc-noteref"
    return marked or target.find_parent(_is_note_container) is not None or _note_element(target) is not None


def _note_element(tag: Tag) -> Tag | None:
    return tag if _tokens(tag) & NOTE_CONTAINER_TOKENS or tag.get("role") in NOTE_ROLES else None


def _is_note_container(tag: Tag) -> bool:
    return tag.name in ("ol", "ul", "div", "section", "aside", "footer") and (
        bool(_tokens(tag) & NOTE_CONTAINER_TOKENS) or tag.get("role") in NOTE_ROLES
    )


def _is_backlink(link: Tag) -> bool:
    tokens = _tokens(link)
    return (
        bool(tokens & {"footnote-backref", "backref", "footnote-back", "reversefootnote"})
        or "backref" in " ".join(link.get("class", []))
        or normalise(link.get_text()).lower() in BACKLINK_TEXT
    )


def _marker(label: str) -> Tag:
    marker = BeautifulSoup("", "html.parser").new_tag("sup")
    marker["data-note"] = label
    marker.string = label
    return marker


def _walk(node: Tag, blocks: list[Block]) -> None:
    loose: list = []
    for child in list(node.children):
        if isinstance(child, Tag) and (child.name in BLOCK_TAGS or holds(child, BLOCK_TAGS)):
            _flush(loose, blocks)
            _visit(child, blocks)
        elif isinstance(child, (Tag, NavigableString)) and not _is_comment(child):
            loose.append(child)
    _flush(loose, blocks)


def _is_comment(node) -> bool:
    return isinstance(node, NavigableString) and type(node) is not NavigableString


def _visit(tag: Tag, blocks: list[Block]) -> None:
    if tag.name in HEADING_TAGS:
        blocks.append(make_block(tag.name, [tag]))
    elif tag.name == "hr":
        blocks.append(Block("hr", "", ""))
    elif tag.name == "figure" and holds(tag, FIGURE_HOLDS):
        # Sub-figures, a listing or a table: each read for itself, then the whole's caption.
        outer = tag.find("figcaption", recursive=False)
        caption = outer.extract() if outer is not None else None
        _walk(tag, blocks)
        if caption is not None and (block := make_block("figure", [caption])).text:
            blocks.append(block)
    elif tag.name == "figure":
        blocks.append(_figure(tag))
    elif tag.name == "pre":
        blocks.append(_code(tag))
    elif tag.name == "img":
        blocks.append(_image(tag, []))
    elif tag.name in TEXT_TAGS and not holds(tag, INNER_BLOCK_TAGS):
        place = _image_place(tag) if holds(tag, IMAGE) else None
        pictures = []  # an "ends" paragraph's pictures, after it
        if place == "leads":
            block = _image(tag, [tag])  # a picture, and the words after it: often its caption
        else:
            if place == "ends":  # words, then their picture: a paragraph and a figure
                pictures = [_image(image.extract(), []) for image in tag.find_all("img")]
            elif place == "inside":  # an icon or a badge inside a sentence reads as its alt text
                _images_as_words(tag)
            block = make_block("p", [tag])
        # WordPress and most CMSs mark captions by class: wp-caption-text, image-caption, credit.
        named_caption = bool(_tokens(tag) & CAPTION_TOKENS)
        if block.tag == "p" and (named_caption or tag.name == "li"):
            block = replace(block, emphasised=block.emphasised or named_caption, listed=tag.name == "li")
        blocks += [block, *pictures]
    elif tag.name == "tr":
        cells = [make_block("p", [cell]) for cell in tag.find_all(["td", "th"])]
        if any(cell.text for cell in cells):  # a table row reads as its cells, never as a heading
            blocks.append(
                Block(
                    "row",
                    " | ".join(cell.text for cell in cells),
                    " | ".join(cell.html for cell in cells),
                    calls=tuple(c for cell in cells for c in cell.calls),
                )
            )
    else:
        start = len(blocks)
        _walk(tag, blocks)
        if tag.name == "li":  # an item holding a list: its own words are an item too
            blocks[start:] = [replace(b, listed=True) if b.tag == "p" else b for b in blocks[start:]]
        elif _tokens(tag) & CAPTION_TOKENS:  # <div class="caption"><strong>…</strong></div>
            blocks[start:] = [replace(b, emphasised=True) if b.tag == "p" else b for b in blocks[start:]]


def _image_place(tag: Tag) -> str:
    """Where an element's images stand among its words: "leads" (a picture, then words: often its
    caption), "ends" (words, then a picture), or "inside" (between words: an icon or a badge in a
    sentence, "Click the [gear] button")."""
    pictures, before, last = [], False, None  # for each image: whether words come before it
    for node in tag.descendants:
        if isinstance(node, Tag):
            if node.name == "img":
                pictures.append(before)
                before, last = False, node
        elif not _is_comment(node) and node.strip():
            before = True
    if not pictures[0]:
        return "leads"
    # words after the last image, or an image named in a word or three (a badge: "passing")
    short = len(normalise(last.get("alt") or "").split()) <= INLINE_ALT_WORDS
    return "inside" if before or short else "ends"


def _images_as_words(tag: Tag) -> None:
    for image in tag.find_all("img"):
        image.replace_with(normalise(image.get("alt") or ""))


def _flush(nodes: list, blocks: list[Block]) -> None:
    if nodes and "".join(n.get_text() if isinstance(n, Tag) else str(n) for n in nodes).strip():
        blocks.append(make_block("p", nodes))
    nodes.clear()


def _figure(tag: Tag) -> Block:
    """<figure>: its caption (else the image's alt text) and its image."""
    image = tag.find("img")
    alt = normalise(image.get("alt") or "") if image else ""
    source = _src(image)
    caption = tag.find("figcaption")
    block = make_block("figure", [caption if caption is not None else tag])
    if not block.text and alt:
        block = Block("figure", alt, html.escape(alt, quote=False))
    return Block("figure", block.text, block.html, block.raw, image=source, alt=alt or None)


def _image(tag: Tag, nodes: list) -> Block:
    """A picture, with the text beside it in its paragraph (often its caption)."""
    image = tag if tag.name == "img" else tag.find("img")
    alt = normalise(image.get("alt") or "") if image else ""
    block = make_block("image", nodes) if nodes else Block("image", "", "")
    return Block(
        "image",
        block.text,
        block.html,
        block.raw,
        image=_src(image),
        alt=alt or None,
        calls=block.calls,
        emphasised=block.emphasised,
    )


def _src(image: Tag | None) -> str | None:
    source = image.get("src") or image.get("data-src") if image else None
    return source if isinstance(source, str) and len(source) <= 2000 else None


def _code(tag: Tag) -> Block:
    """A code block: searchable words, and its lines kept exactly for display."""
    raw = tag.get_text().strip("\n")
    return Block("code", normalise(raw), html.escape(raw, quote=False), raw)


def make_block(tag: str, nodes: list) -> Block:
    reading = _Reading()
    pieces = []
    for node in nodes:
        start = len(reading.text)
        reading.read(node, emphasised=isinstance(node, Tag) and node.name in ("em", "i"))
        pieces.append("".join(reading.text[start:]))
    fragment = tidy_html("".join(display_html(child) for n in nodes for child in _children(n)))
    emphasised = reading.emphasised_words and not reading.plain_words
    return Block(
        tag,
        normalise("".join(pieces)),
        fragment,
        "\n".join(pieces),
        calls=tuple(reading.calls),
        emphasised=emphasised,
    )


class _Reading:
    """One pass over a block's nodes: its text without note calls (a call's digits glued to a
    word would spoil both), the calls, and whether its words are all in <em>/<i>."""

    def __init__(self):
        self.text: list[str] = []
        self.calls: list[str] = []
        self.plain_words = self.emphasised_words = False

    def read(self, node, emphasised: bool) -> None:
        if isinstance(node, NavigableString):
            if not _is_comment(node):
                self.text.append(str(node))
                if not node.isspace():
                    self.emphasised_words |= emphasised
                    self.plain_words |= not emphasised
            return
        if node.name == "sup" and node.has_attr("data-note"):
            self.calls.append(node["data-note"])
            return
        if node.name == "img":
            return
        # x<sup>2</sup>: a word of its own to search, never glued to the one before (a raised
        # number is often a reference); H<sub>2</sub>O, NH<sub>4</sub>: one word, as it is typed.
        spaced = node.name == "sup"
        if spaced:
            self.text.append(" ")
        for child in node.children:
            self.read(
                child, emphasised or child.name in ("em", "i") if isinstance(child, Tag) else emphasised
            )
        if spaced:
            self.text.append(" ")


def display_html(node: Tag | NavigableString) -> str:
    """Escaped text of a node with only the INLINE_KEPT markup (and note calls) kept."""
    if isinstance(node, NavigableString):
        return "" if _is_comment(node) else html.escape(str(node), quote=False)
    if node.name == "img":
        return ""
    if node.name == "sup" and node.has_attr("data-note"):
        return f'<sup class="note-call">{html.escape(node["data-note"], quote=False)}</sup>'
    inner = "".join(display_html(child) for child in node.children)
    if node.name == "br":
        return " "
    tag = INLINE_KEPT.get(node.name or "")
    if not tag or not inner.strip():
        return inner
    if tag == "abbr" and isinstance(title := node.get("title"), str) and title.strip():
        return f'<abbr title="{html.escape(normalise(title))}">{inner}</abbr>'
    return f"<{tag}>{inner}</{tag}>"


def _children(node):
    return list(node.children) if isinstance(node, Tag) else [node]
