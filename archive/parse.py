"""Corpus file -> Article: read and decode, Markdown -> HTML, one BeautifulSoup walk, structure recovery."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import stat
import warnings
from dataclasses import dataclass, replace
from dataclasses import fields as dataclass_fields
from locale import locale_alias
from pathlib import Path

from bs4 import BeautifulSoup, XMLParsedAsHTMLWarning
from charset_normalizer import from_bytes

from . import metadata as meta_mod
from .dates import parse_issue_date
from .formats.html import language_tag, metadata_layers, not_an_article, page_title
from .formats.jats import is_jats, jats_document
from .formats.markdown import Chunks, markdown_to_html
from .formats.pdf import read_pdf
from .frontmatter import split_front_matter
from .languages import SAMPLE_CHARS, detect_language
from .metadata import Metadata
from .models import Article, NotAnArticle, ParseError, slug
from .structure import HEADING_TAGS, build_passages, is_all_caps
from .walk import MAX_DEPTH, Block, nesting_depth, normalise, walk_document

__all__ = ["normalise"]

MARKDOWN_SUFFIXES = frozenset(
    {".md", ".markdown", ".txt", ".qmd", ".rmd"}
)  # Quarto, R Markdown: Markdown with code chunks
CHUNK_SUFFIXES = frozenset({".qmd", ".rmd"})  # sources whose code chunks run when rendered
HTML_SUFFIXES = frozenset({".html", ".htm"})
JATS_SUFFIXES = frozenset({".xml", ".nxml", ".jats"})  # .nxml: PubMed Central's; .jats: JOSS's
# The first element's name, past the XML declaration, DOCTYPE, comments and processing instructions
XML_ROOT = re.compile(r"<(?![?!])([A-Za-z_][\w:.-]*)")
PDF_SUFFIXES = frozenset({".pdf"})
# What a file parses into, versioned: an index built by an earlier version has every file parsed
# again by its next reindex, so that an upgrade's fixes reach articles whose files did not
# change. Bump it with any change to the articles, passages or metadata a file gives.
# 1: dates stated only in a page's permalink; 2: translations' ids and languages from their names.
# 3: PDF text sized by its matrix, columns under a full-width top and on short last pages.
# 4: JATS figures and tables out of paragraphs, titles without spaces in markup, H2O as a word;
# 5: Jekyll's dates from file names, template braces.
# 6: Pelican headers with any key, linked author names, fences with more than a language.
# 7: item types: a site's page is a webpage, a PDF without a journal a report; 8: languages
# detected from the text; 9: PDF titles and authors programs wrote (paper.dvi, a user name) left out.
# 10: GitHub alerts, Markdown in Hugo figure captions; 11: front matter after blank lines or with
# a tab after a value; 12: indented headings, MDX comments, page titles not an SVG's or a site's.
# 13: JATS abstracts titled in line, every abstract, references spaced and read once, e-locations.
# 14: headings in capitals keep Roman numerals and letter-by-letter words; 15: JATS floats-group.
# 16: news pages: microdata dates, og:title without the site, bylines without dates or degrees.
# 17: web pages through lxml (paragraphs left open), a page's first <h1> as its title.
# 18: list items never headings nor joined; short paragraphs may repeat.
# 19: BMC article numbers written as one page.
# 20: a line in capitals has only capitals (not Chinese with one capital word), not in brackets.
# 21: languages: characters weighed as words, no one-letter function words, Indonesian, Turkish.
# 22: institutions named as lists, JATS language tags, MkDocs blog dates.
# 23: tables of contents left out; 24: MkDocs admonitions and content tabs; 25: Quarto margin notes.
# 26: a PDF line broken inside a word never ends its paragraph; 27: one-word PDF authors are accounts.
# 28: Markdown inside a wrapper <div>. 29: a file with front matter keeps its paragraphs; a list
# item is never joined to the next block; a fence inside raw HTML's <pre> is its text; JATS members
# listed after their collaboration are not authors; an image after words in its paragraph is words;
# any escaped ASCII punctuation is unescaped; HTML in a Hugo figure caption is markup; inside
# {% raw %}, a {% raw %} is text; a block without a letter or digit is no passage; a dateline with
# an ordinal day, or after a subtitle; a caption named by a container's class; a PDF that numbers
# its sections heads none by a figure's labels; a PDF's accent set apart over its letter is joined.
# Notes numbered in the order of their calls; a page of front matter alone is read by its abstract.
# An image ending its paragraph, named as a figure is, is a figure; Liquid inside <pre> is read.
# 30: JATS fig-groups, boxes, no part DOIs, references before an appendix; a fence closed by a
# longer one; notes and Hugo figures holding code; alt text without emphasis marks; a theme's
# table of contents is chrome; ALL-CAPS lines head nothing where <h2>s do; Quarto's Reuse and
# Citation are back matter; Hugo's params:; blogs as containers; redirects and lists of posts
# skipped; passages cut at 20,000 characters; .qmd and .Rmd, their chunks as shown; lists under a
# paragraph's line; wrapper tags nested; a first page's side column set apart; .jats; XML not JATS
# skipped.
# 31: a page's date on its own element (microdata, h-entry, <time class=published|pubdate>); a
# numeric or Chinese date after other words whole, not its year; lists of tags and categories,
# subscription boxes and copyright lines are chrome; a page of links is no article.
PARSER_VERSION = 31
# An XHTML page (Hakyll, some exports: '<?xml …?>' first) is read as HTML on purpose, as browsers
# read it: Beautiful Soup's advice to read it as XML is noise in `archive check`'s report
warnings.filterwarnings("ignore", category=XMLParsedAsHTMLWarning)
ARTICLE_SUFFIXES = MARKDOWN_SUFFIXES | HTML_SUFFIXES | JATS_SUFFIXES | PDF_SUFFIXES
SIDECAR_SUFFIX = ".meta.toml"
# Limits on one file, far above any real article (the longest reports run to a few thousand
# paragraphs and a few dozen levels of HTML nesting); a file past one is reported and skipped.
MAX_BYTES = 25 * 1024 * 1024
MAX_SIDECAR_BYTES = 1024 * 1024
# The DOCTYPE in the document's prolog (after the XML declaration and comments, nowhere else: tried
# at every "<!DOCTYPE" of a hostile file, the search took minutes). Its internal subset runs to the
# "]" outside comments and quoted values ("]>" may stand in either), one way to match each character.
DOCTYPE = re.compile(
    r"""\A\s*(?P<prolog>(?:<\?xml[^>]*\?>\s*)?(?:<!--(?:[^-]|-(?!->))*-->\s*)*)"""
    r"""<!DOCTYPE[^\[>]*(?:\[(?:<!--(?:[^-]|-(?!->))*-->|"[^"]*"|'[^']*'|<(?!!--)|[^\]"'<])*\])?\s*>""",
    re.I,
)
MAX_DOCTYPE_SCAN = 1024 * 1024  # a DOCTYPE stands at the top; only this much is searched for one
MAX_BLOCKS = 50_000  # paragraphs, headings and captions


@dataclass(frozen=True)
class Source:
    """A corpus file read and decoded."""

    path: Path
    text: str
    sha256: str
    warnings: tuple[str, ...]


def is_article_file(path: Path) -> bool:
    return (
        path.suffix.lower() in ARTICLE_SUFFIXES
        and not path.name.startswith(".")
        and not path.name.endswith(SIDECAR_SUFFIX)
    )


def sidecar_path(path: Path) -> Path:
    """NAME.meta.toml beside NAME.md (the librarian's metadata corrections)."""
    return Path(sidecar_name(os.fspath(path), path.suffix))


def sidecar_name(name: str, suffix: str) -> str:
    """sidecar_path on the path's string: a reindex looks for 1,234 sidecars at 130,000 passages,
    and pathlib's with_name and stem were half of that."""
    return name[: len(name) - len(suffix)] + SIDECAR_SUFFIX


def existing_sidecar(path: Path) -> Path | None:
    """The file's sidecar if there is one: a regular file, never a link (it could lead out of
    the corpus), at most MAX_SIDECAR_BYTES. A name too long for the file system has none."""
    sidecar = sidecar_path(path)
    return sidecar if sidecar_status(os.fspath(sidecar)) is not None else None


def sidecar_status(name: str) -> os.stat_result | None:
    """The sidecar's status when it is one existing_sidecar accepts, else None."""
    try:
        info = os.lstat(name)
    except OSError:  # none, or ENAMETOOLONG: NAME.md fits in 255 bytes, NAME.meta.toml does not
        return None
    return info if stat.S_ISREG(info.st_mode) and info.st_size <= MAX_SIDECAR_BYTES else None


# File names that say nothing of the article: Hugo's page bundles (post/my-article/index.md) and
# sections (_index.md), and folders of one page each (report/index.html, README.md).
BUNDLE_NAMES = frozenset({"index", "_index", "readme"})


def article_id(path: Path) -> str:
    """A URL-safe slug from the file name: 'CC 2019/09 China–Russia.md' -> 'cc-2019-09-china-russia';
    from its folder's name for a bundle's index file: 'my-article/index.md' -> 'my-article', and
    its translations: 'my-article/index.zh-cn.md' -> 'my-article-zh-cn'."""
    rest = path.stem.partition(".")[2]
    name = f"{article_name(path)}-{rest}" if is_bundle_index(path) and rest else article_name(path)
    return slug(name) or "article-" + hashlib.sha1(path.name.encode()).hexdigest()[:8]


def is_bundle_index(path: Path) -> bool:
    """An index file (index.md, _index.fr.md, README.md) named by the folder it is in."""
    return path.stem.partition(".")[0].lower() in BUNDLE_NAMES and bool(path.parent.name)


def article_name(path: Path) -> str:
    """The name that stands for the article: the file's, or its folder's for a bundle's index."""
    return path.parent.name if is_bundle_index(path) else path.stem


# Hugo names a translation for its language: my-post.fr.md, post/index.zh-cn.md
NAMED_LANGUAGE = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})?")
# Jekyll names a post for its day, and so may a bundle's folder: _posts/2014-09-25-onrr.md
NAMED_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[-_ .]|$)")


def file_name_metadata(path: Path) -> meta_mod.Metadata:
    """What a file's name states, as the weakest metadata layer: its language (Hugo's
    translations; only a code whose language Python's locale tables know: 'fr', 'zh-cn',
    'pt_BR', not 'old' or 'v2') and its day (Jekyll's posts, which state it nowhere else).
    Without them a French translation was cited as English (title-cased), a post as n.d."""
    _, dot, code = path.stem.rpartition(".")
    known = dot and NAMED_LANGUAGE.fullmatch(code) and re.split("[-_]", code)[0].lower() in locale_alias
    found = meta_mod.Metadata(language=language_tag(code) if known else None, label="the file name")
    if day := NAMED_DAY.match(article_name(path)):
        found.update(date=parse_issue_date("-".join(day.groups())))
    return found


def read_bytes(path: Path) -> bytes:
    """A corpus file's bytes, refusing oversized and unreadable files."""
    name = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise ParseError(name, f"file is {size / 2**20:.0f} MB, over the {MAX_BYTES // 2**20} MB limit")
        return path.read_bytes()
    except OSError as error:
        raise ParseError(name, f"cannot be read ({error.strerror or error})") from error


def read_source(path: Path) -> Source:
    """Read and decode a corpus file, refusing empty, binary and oversized files."""
    data = read_bytes(path)
    text, warnings = decode(data, str(path))
    return Source(path, text, hashlib.sha256(data).hexdigest(), tuple(warnings))


SNIFF_BYTES = 8192  # how much of a file tells text from binary
MAX_CONTROL_SHARE = 0.05  # control characters in text beyond this share: a binary file


def decode(data: bytes, name: str) -> tuple[str, list[str]]:
    """Text from bytes: UTF-8 first, else the detected encoding with a warning."""
    if not data.strip():
        raise ParseError(name, "file is empty")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16", errors="replace")
        damaged = " (its last byte is incomplete and was replaced)" if len(data) % 2 else ""
        return text, [f"file is UTF-16; read as UTF-16{damaged}"]
    if b"\x00" in data[:SNIFF_BYTES]:
        raise ParseError(name, "file is binary (it contains NUL bytes), not text")
    try:
        text, warnings = data.decode("utf-8-sig"), []
    except UnicodeDecodeError as error:
        encoding = guess_encoding(data)
        text = data.decode(encoding, errors="replace")
        warnings = [
            f"file is not valid UTF-8 (byte {data[error.start]:#04x} at offset {error.start}); "
            f"read as {encoding}"
        ]
    head = text[:SNIFF_BYTES]
    controls = len(CONTROL_CHARACTERS.findall(head))
    if controls > len(head) * MAX_CONTROL_SHARE:
        raise ParseError(name, "file is binary (it is mostly control characters), not text")
    return text, warnings


# Unicode's control characters (category Cc) but the line breaks, tab and form feed: a regular
# expression counts them where a loop over the characters took 0.5 ms a file
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")


def guess_encoding(data: bytes) -> str:
    """The likeliest legacy encoding; Windows-1252 wins ties, being the commonest by far."""
    matches = list(from_bytes(data))
    if not matches:
        return "cp1252"
    calmest = min(m.chaos for m in matches)
    candidates = [m for m in matches if m.chaos == calmest]
    if any("cp1252" in m.could_be_from_charset for m in candidates):
        return "cp1252"
    return candidates[0].encoding


def html_from_markdown(text: str, excerpt_separator: str | None = None, chunks: Chunks | None = None) -> str:
    """Markdown (any dialect formats.markdown knows) -> sanitized HTML."""
    return markdown_to_html(text, excerpt_separator, chunks)


def code_chunks(path: Path, front: dict) -> Chunks | None:
    """A Quarto or R Markdown source's chunks, shown unless its front matter hides their code
    (Quarto's `execute: echo: false`); None for any other Markdown, whose chunks are code shown
    as written."""
    if path.suffix.lower() not in CHUNK_SUFFIXES:
        return None
    execute = front.get("execute")
    echo = execute.get("echo") if isinstance(execute, dict) else None
    return Chunks(echo=not (echo is False or str(echo).lower() == "false"))


def parse_file(path: Path | str) -> Article:
    """Parse one corpus file (and its sidecar) into an Article; raises ParseError, whatever the
    file holds (limits in MAX_BYTES, MAX_DEPTH, MAX_BLOCKS; time and memory in isolation.py)."""
    path = Path(path)
    try:
        if path.suffix.lower() in PDF_SUFFIXES:
            return article_from_pdf(path, read_bytes(path))
        return article_from_source(path, read_source(path))
    except ParseError:
        raise
    except RecursionError as error:
        raise ParseError(str(path), "its structure nests too deeply to read") from error
    except ValueError as error:  # a limit above, or a reader's refusal, in words
        raise ParseError(str(path), str(error)) from error


def article_from_source(path: Path, source: Source) -> Article:
    is_xml = path.suffix.lower() in JATS_SUFFIXES
    front, body, warnings = ({}, source.text, []) if is_xml else split_front_matter(source.text)
    warnings = list(source.warnings) + warnings
    is_html = path.suffix.lower() in HTML_SUFFIXES
    if (paragraphs := body.count("\n\n")) > MAX_BLOCKS:
        raise ValueError(f"it has {paragraphs:,} paragraphs, over the limit of {MAX_BLOCKS:,}")
    layers = []
    if is_xml and not is_jats(body):  # a feed, a sitemap, a Crossref deposit beside its PDF
        root = XML_ROOT.search(body[:4096])
        named = f" (its root element is <{root[1]}>)" if root else ""
        raise NotAnArticle(str(path), f"XML that is not a JATS article{named}")
    if is_xml:
        document, jats_metadata = jats_source(body)
        layers.append(jats_metadata)
    elif is_html:
        document = body
    else:
        separator = (
            front.get("excerpt_separator") if isinstance(front.get("excerpt_separator"), str) else None
        )
        document = html_from_markdown(
            body if body.strip() else abstract_text(front), separator, code_chunks(path, front)
        )
    # Web pages through lxml, which closes what HTML leaves open (<p>a<p>b: two paragraphs;
    # Python's html.parser nested each in the one before); Markdown's own HTML is well formed.
    soup = BeautifulSoup(document, "lxml" if is_html else "html.parser")
    if (depth := nesting_depth(soup)) > MAX_DEPTH:
        raise ValueError(f"its HTML nests deeper than {MAX_DEPTH} levels ({depth:,} or more)")
    if is_html:
        if reason := not_an_article(soup):
            raise NotAnArticle(str(path), reason)
        layers = metadata_layers(soup)
    title_tag = page_title(soup) if is_html else None
    walked = walk_document(soup, web_page=is_html)
    blocks = walked.blocks
    if len(blocks) > MAX_BLOCKS:
        raise ValueError(f"it has {len(blocks):,} blocks of text, over the limit of {MAX_BLOCKS:,}")
    layers.insert(0, file_name_metadata(path))
    layers.append(meta_mod.metadata_from_front_matter(front))
    if sidecar := existing_sidecar(path):
        layers.append(_read_sidecar(sidecar, warnings))
    structure = build_passages(
        article_id(path),
        blocks,
        layers,
        structured=is_html
        or is_xml
        or authored(path, front_matter=body != source.text, blocks=blocks)
        or _has_headings(blocks),
        bylines=walked.bylines,
    )
    return article_from_structure(path, source.sha256, structure, blocks, warnings, title_tag)


def article_from_pdf(path: Path, data: bytes) -> Article:
    """A PDF: its blocks carry their printed pages (formats/pdf.py), then the same structure."""
    read = read_pdf(data)
    blocks = read.blocks
    if len(blocks) > MAX_BLOCKS:
        raise ValueError(f"it has {len(blocks):,} blocks of text, over the limit of {MAX_BLOCKS:,}")
    warnings: list[str] = []
    layers = [file_name_metadata(path), *read.metadata]
    if sidecar := existing_sidecar(path):
        layers.append(_read_sidecar(sidecar, warnings))
    structure = build_passages(article_id(path), blocks, layers, structured=_has_headings(blocks))
    article = article_from_structure(path, hashlib.sha256(data).hexdigest(), structure, blocks, warnings)
    printed, stated = read.first_page, article.first_page
    if printed is None or stated is None or stated == printed:
        return replace(article, page_source=read.page_source)
    # A sidecar's page range wins over what the PDF prints (the librarian corrects it), and so
    # does the XMP's over the mere page order: every passage's pages move with it.
    source = article.metadata_sources.get("first_page", "")
    shift = stated - printed
    passages = tuple(
        replace(p, page_start=p.page_start + shift, page_end=p.page_end + shift)
        if p.page_start is not None
        else p
        for p in article.passages
    )
    moved = f"the page range stated by {source} (instead of {read.page_source})"
    return replace(article, passages=passages, page_source=moved)


def article_from_structure(
    path: Path,
    sha256: str,
    structure,
    blocks: list[Block],
    warnings: list[str],
    title_tag: str | None = None,
) -> Article:
    if not structure.passages:
        raise ParseError(str(path), "no text found (no paragraphs after the header and metadata)")
    fields = structure.metadata
    title = (
        fields.title or _first_h1(blocks) or title_tag or structure.first_heading or _title_from_name(path)
    )
    stated = {name: getattr(fields, name) for name in CARRIED_FIELDS}  # same name, same meaning
    sources = dict(fields.sources)
    detected = None if fields.language else detect_language(opening_text(title, structure.passages))
    if detected:
        sources["language"] = "the text"
    return Article(
        **stated,
        id=article_id(path),
        title=title,
        source=str(path),
        sha256=sha256,
        authors=tuple(fields.authors),
        language=fields.language or detected or "en",
        type=fields.type or default_type(fields, path),
        csl_extra=dict(fields.extra),
        metadata_sources=sources,
        sections=structure.sections,
        passages=structure.passages,
        page_note=structure.page_note,
        warnings=tuple(warnings + structure.warnings),
        dropped=tuple(structure.dropped),
    )


# Metadata fields an Article carries as they are (the others are shaped in article_from_source).
CARRIED_FIELDS = tuple(
    f.name
    for f in dataclass_fields(Metadata)
    if f.name in {g.name for g in dataclass_fields(Article)}
    and f.name not in ("title", "authors", "language", "type")
)


def jats_source(text: str) -> tuple[str, Metadata]:
    """A JATS article's body HTML and metadata. Its DOCTYPE is dropped first: a document type's
    entity declarations are how XML reads local files or expands a few lines into gigabytes."""
    if not is_jats(text):
        raise ValueError("it is not a JATS article (an .xml article file must have a JATS <article> root)")
    return jats_document(
        DOCTYPE.sub(r"\g<prolog>", text[:MAX_DOCTYPE_SCAN], count=1) + text[MAX_DOCTYPE_SCAN:]
    )


def opening_text(title: str, passages) -> str:
    """The title and the first passages, as much as language detection reads."""
    parts, size = [title], len(title)
    for passage in passages:
        if passage.kind == "code":
            continue
        parts.append(passage.text)
        size += len(passage.text)
        if size >= SAMPLE_CHARS:
            break
    return "\n".join(parts)


def default_type(fields: Metadata, path: Path) -> str:
    """An article in a journal (volume, issue, or a journal's name outside a web page) is
    article-journal; a PDF without one is a report (a think tank's, an agency's); anything else
    is a site's page. (CSL's generic 'article' is a preprint: Chicago cited every blog post as
    one.)"""
    suffix = path.suffix.lower()
    if fields.volume or fields.issue or (fields.journal and suffix not in HTML_SUFFIXES):
        return "article-journal"
    return "report" if suffix in PDF_SUFFIXES else "webpage"


def authored(path: Path, front_matter: bool, blocks: list[Block]) -> bool:
    """Whether a Markdown file was written as Markdown (Jekyll, Hugo, Pandoc): its blank lines are
    its author's paragraphs, and a short line with no full stop ("Hello Jekyllers!") is one of
    them, not a heading to guess as a PDF's text needs. Front matter says so, unless the text is
    plain (.txt) or opens with a PDF's ALL-CAPS header (converted text given front matter for its
    metadata)."""
    return (
        front_matter and path.suffix.lower() not in (".txt",) and not (blocks and is_all_caps(blocks[0].text))
    )


def abstract_text(front: dict) -> str:
    """A page with nothing under its front matter but an abstract in it (a paper's page on an
    academic site: PMLR's proceedings, Hugo Academic's publications): the abstract is its text."""
    abstract = front.get("abstract") or front.get("summary")
    return abstract if isinstance(abstract, str) else ""


def _first_h1(blocks: list[Block]) -> str | None:
    return next((b.text for b in blocks if b.tag == "h1" and b.text), None)


def _has_headings(blocks: list[Block]) -> bool:
    return any(b.tag in HEADING_TAGS for b in blocks)


def _read_sidecar(path: Path, warnings: list[str]) -> Metadata:
    try:
        sidecar, sidecar_warnings = meta_mod.read_sidecar(path)
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise ParseError(
            str(path), f"its metadata sidecar {path.name} is not valid TOML ({error})"
        ) from error
    except RecursionError as error:
        raise ParseError(str(path), f"its metadata sidecar {path.name} nests too deeply to read") from error
    warnings.extend(sidecar_warnings)
    return sidecar


def _title_from_name(path: Path) -> str:
    """'2022-04-22-three-million.md' -> 'Three million' (a post's day is not its title)."""
    name = NAMED_DAY.sub("", article_name(path)) or article_name(path)
    return re.sub(r"[-_]+", " ", name).strip().capitalize() or path.name


# What a parsing worker parses before its first file: each text format once, so the first real
# file does not pay for importing the Markdown extensions and YAML and compiling the parsers'
# regular expressions (a one-article reindex's file took 88 ms cold, 27 ms warm).
WARM_UP_FILES = {
    "warm-up.md": (
        "---\ntitle: A warm-up\nauthors: [A. Writer]\ndate: 2020-01-02\njournal: J\nvolume: 1\n---\n\n"
        "## 1. A heading\n\nA paragraph with *emphasis*, a [link](https://example.org) and a note.[^1]\n\n"
        "- an item\n- another\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n> A quotation.\n\n"
        "中文段落，说明文字。\n\n[^1]: The note.\n"
    ),
    "warm-up.html": (
        '<!doctype html><html lang="en"><head><title>A warm-up</title>'
        '<meta name="citation_title" content="A warm-up"><meta name="citation_author" content="A. Writer">'
        '<meta name="citation_date" content="2020/01/02"></head><body><article><h1>A warm-up</h1>'
        "<h2>A heading</h2><p>A paragraph of a web page.</p><figure><figcaption>Figure 1. A caption."
        "</figcaption></figure></article></body></html>"
    ),
}


def warm_parser() -> None:
    """Parse a small text of each format, ignoring any failure: it only makes the next parse
    faster. Nothing is written to disk (a worker never given a file is killed mid-way): the texts
    are parsed as if they were files in /dev, where no sidecar can be."""
    for name, text in WARM_UP_FILES.items():
        path = Path(os.devnull).with_name(f"archive-{name}")
        data = text.encode("utf-8")
        with contextlib.suppress(Exception):
            article_from_source(path, Source(path, text, hashlib.sha256(data).hexdigest(), ()))
