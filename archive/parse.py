"""Corpus file -> Article: read and decode, Markdown -> HTML, one BeautifulSoup walk, structure recovery."""

from __future__ import annotations

import hashlib
import html
import re
import stat
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import markdown
from bs4 import BeautifulSoup, NavigableString, Tag
from charset_normalizer import from_bytes

from . import metadata as meta_mod
from .metadata import Metadata
from .models import Article, ParseError
from .structure import HEADING_TAGS, Block, build_passages

MARKDOWN_SUFFIXES = frozenset({".md", ".markdown", ".txt"})
HTML_SUFFIXES = frozenset({".html", ".htm"})
ARTICLE_SUFFIXES = MARKDOWN_SUFFIXES | HTML_SUFFIXES
SIDECAR_SUFFIX = ".meta.toml"
# Limits on one file, far above any real article (the longest reports run to a few thousand
# paragraphs and a few dozen levels of HTML nesting); a file past one is reported and skipped.
MAX_BYTES = 25 * 1024 * 1024
MAX_SIDECAR_BYTES = 1024 * 1024
MAX_DEPTH = 500  # levels of nested HTML elements
MAX_BLOCKS = 50_000  # paragraphs, headings and captions

DROPPED_TAGS = ("script", "style", "nav", "noscript", "template", "iframe", "svg", "form", "button", "aside")
TEXT_TAGS = frozenset({"p", "li", "pre", "dt", "dd", "address", "blockquote", "td", "th", "caption"})
BLOCK_TAGS = (
    HEADING_TAGS
    | TEXT_TAGS
    | {"figure", "div", "section", "article", "main", "ul", "ol", "dl", "table", "tr"}
)
INLINE_KEPT = {"em": "em", "i": "em", "strong": "strong", "b": "strong"}


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
    return path.with_name(path.stem + SIDECAR_SUFFIX)


def existing_sidecar(path: Path) -> Path | None:
    """The file's sidecar if there is one: a regular file, never a link (it could lead out of
    the corpus), at most MAX_SIDECAR_BYTES. A name too long for the file system has none."""
    sidecar = sidecar_path(path)
    try:
        info = sidecar.lstat()
    except OSError:  # none, or ENAMETOOLONG: NAME.md fits in 255 bytes, NAME.meta.toml does not
        return None
    return sidecar if stat.S_ISREG(info.st_mode) and info.st_size <= MAX_SIDECAR_BYTES else None


def article_id(path: Path) -> str:
    """A URL-safe slug from the file name: 'CC 2019/09 China–Russia.md' -> 'cc-2019-09-china-russia'."""
    stem = unicodedata.normalize("NFKD", path.stem)
    stem = "".join(c for c in stem if not unicodedata.combining(c)).lower()
    slug = re.sub(r"[^\w]+|_+", "-", stem).strip("-")
    return slug or "article-" + hashlib.sha1(path.name.encode()).hexdigest()[:8]


def read_source(path: Path) -> Source:
    """Read and decode a corpus file, refusing empty, binary and oversized files."""
    name = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise ParseError(name, f"file is {size / 2**20:.0f} MB, over the {MAX_BYTES // 2**20} MB limit")
        data = path.read_bytes()
    except OSError as error:
        raise ParseError(name, f"cannot be read ({error.strerror or error})") from error
    text, warnings = decode(data, name)
    return Source(path, text, hashlib.sha256(data).hexdigest(), tuple(warnings))


def decode(data: bytes, name: str) -> tuple[str, list[str]]:
    """Text from bytes: UTF-8 first, else the detected encoding with a warning."""
    if not data.strip():
        raise ParseError(name, "file is empty")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16", errors="replace")
        damaged = " (its last byte is incomplete and was replaced)" if len(data) % 2 else ""
        return text, [f"file is UTF-16; read as UTF-16{damaged}"]
    if b"\x00" in data[:8192]:
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
    controls = sum(1 for c in text[:8192] if unicodedata.category(c) == "Cc" and c not in "\n\r\t\f")
    if controls > len(text[:8192]) * 0.05:
        raise ParseError(name, "file is binary (it is mostly control characters), not text")
    return text, warnings


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


def html_from_markdown(text: str) -> str:
    """Markdown -> HTML with raw HTML escaped: corpus text never becomes markup."""
    text = re.sub(r"\\+\$", "$", text)  # PDF converters escape dollars: "\$22 billion"
    converter = markdown.Markdown(extensions=["sane_lists"])
    converter.preprocessors.deregister("html_block")
    converter.inlinePatterns.deregister("html")
    return converter.convert(text)


def normalise(text: str) -> str:
    """NFC, control characters dropped, every run of whitespace one space."""
    text = unicodedata.normalize("NFC", text)
    text = "".join(c for c in text if unicodedata.category(c) not in ("Cc", "Cf") or c in "\n\t")
    return " ".join(text.split())


def display_html(node: Tag | NavigableString) -> str:
    """Escaped text of a node with only <em> and <strong> kept."""
    if isinstance(node, NavigableString):
        return html.escape(str(node), quote=False)
    inner = "".join(display_html(child) for child in node.children)
    if node.name == "br":
        return " "
    tag = INLINE_KEPT.get(node.name or "")
    return f"<{tag}>{inner}</{tag}>" if tag and inner.strip() else inner


def tidy_html(fragment: str) -> str:
    """Whitespace of display HTML normalised like the text."""
    fragment = unicodedata.normalize("NFC", fragment)
    fragment = "".join(c for c in fragment if unicodedata.category(c) not in ("Cc", "Cf") or c in "\n\t")
    fragment = re.sub(r"\s+", " ", fragment).strip()
    return re.sub(r"<(em|strong)>\s*</\1>", "", fragment)


def blocks_from_html(document: str) -> tuple[list[Block], BeautifulSoup]:
    """The one structural walk: headings, text blocks and figures in reading order."""
    soup = BeautifulSoup(document, "html.parser")
    if (depth := nesting_depth(soup)) > MAX_DEPTH:
        raise ValueError(f"its HTML nests deeper than {MAX_DEPTH} levels ({depth:,} or more)")
    for tag in soup.find_all(DROPPED_TAGS):
        tag.decompose()
    for tag in soup.find_all(
        attrs={"role": ("navigation", "search", "banner", "contentinfo", "complementary")}
    ):
        tag.decompose()
    for tag in soup.select("a.headerlink, a[aria-hidden=true], [hidden]"):  # "¶" permalink anchors
        tag.decompose()
    for tag in soup.find_all("br"):
        tag.replace_with(" ")
    root = soup.find("article") or soup.find("main") or soup.body or soup
    for tag in root.find_all(["header", "footer"]):
        if tag.find_parent("article") is None or tag.find(HEADING_TAGS) is None:
            tag.decompose()
    blocks: list[Block] = []
    _walk(root, blocks)
    return blocks, soup


def nesting_depth(soup: BeautifulSoup) -> int:
    """How deeply elements nest, counted without recursion and only up to just past MAX_DEPTH
    (the walk below recurses, so it must never meet a deeper tree)."""
    deepest, stack = 0, [(soup, 0)]
    while stack and deepest <= MAX_DEPTH:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in node.children if isinstance(child, Tag))
    return deepest


def _walk(node: Tag, blocks: list[Block]) -> None:
    loose: list = []
    for child in list(node.children):
        if isinstance(child, Tag) and (child.name in BLOCK_TAGS or child.find(BLOCK_TAGS)):
            _flush(loose, blocks)
            _visit(child, blocks)
        elif isinstance(child, (Tag, NavigableString)) and not _is_comment(child):
            loose.append(child)
    _flush(loose, blocks)


def _is_comment(node) -> bool:
    return isinstance(node, NavigableString) and type(node) is not NavigableString


def _visit(tag: Tag, blocks: list[Block]) -> None:
    if tag.name in HEADING_TAGS:
        blocks.append(_block(tag.name, [tag]))
    elif tag.name == "figure":
        caption = tag.find("figcaption")
        if caption:
            blocks.append(_block("figure", [caption]))
    elif tag.name in TEXT_TAGS and not tag.find(BLOCK_TAGS - {"td", "th"}):
        blocks.append(_block("p", [tag]))
    elif tag.name == "tr":
        blocks.append(
            Block("p", normalise(" | ".join(c.get_text(" ") for c in tag.find_all(["td", "th"]))), "")
        )
    else:
        _walk(tag, blocks)


def _flush(nodes: list, blocks: list[Block]) -> None:
    if nodes and "".join(n.get_text() if isinstance(n, Tag) else str(n) for n in nodes).strip():
        blocks.append(_block("p", nodes))
    nodes.clear()


def _block(tag: str, nodes: list) -> Block:
    text = normalise("".join(n.get_text() if isinstance(n, Tag) else str(n) for n in nodes))
    fragment = tidy_html("".join(display_html(child) for n in nodes for child in _children(n)))
    raw_lines = "\n".join(n.get_text() if isinstance(n, Tag) else str(n) for n in nodes)
    return Block(tag, text, fragment, raw_lines)


def _children(node):
    return list(node.children) if isinstance(node, Tag) else [node]


def metadata_from_html_head(soup: BeautifulSoup) -> Metadata:
    """Title, authors and date from <title> and citation_/og: meta tags of an HTML article."""
    found = Metadata()

    def content(*names: str) -> list[str]:
        return [
            m["content"]
            for n in names
            for m in soup.find_all("meta", attrs={"name": n}) + soup.find_all("meta", attrs={"property": n})
            if m.get("content")
        ]

    title = content("citation_title", "og:title", "dc.title")
    authors = content("citation_author", "dc.creator", "author")
    dates = content("citation_publication_date", "citation_date", "article:published_time", "dc.date")
    html_tag = soup.find("html")
    found.update(
        title=normalise(title[0]) if title else None,
        authors=[meta_mod.author_from_name(a) for a in authors],
        journal=(content("citation_journal_title") or [None])[0],
        volume=(content("citation_volume") or [None])[0],
        issue=(content("citation_issue") or [None])[0],
        language=html_tag.get("lang") if html_tag else None,
        description=(content("description", "og:description") or [None])[0],
    )
    found.set_date(dates[0] if dates else None, "HTML meta")
    return found


def parse_file(path: Path | str) -> Article:
    """Parse one corpus file (and its sidecar) into an Article; raises ParseError, whatever the
    file holds (limits in MAX_BYTES, MAX_DEPTH, MAX_BLOCKS; time and memory in isolation.py)."""
    path = Path(path)
    source = read_source(path)
    try:
        return article_from_source(path, source)
    except ParseError:
        raise
    except RecursionError as error:
        raise ParseError(str(path), "its structure nests too deeply to read") from error
    except ValueError as error:  # a limit above, or a reader's refusal, in words
        raise ParseError(str(path), str(error)) from error


def article_from_source(path: Path, source: Source) -> Article:
    front, body, warnings = meta_mod.split_front_matter(source.text)
    warnings = list(source.warnings) + warnings
    is_html = path.suffix.lower() in HTML_SUFFIXES
    if (paragraphs := body.count("\n\n")) > MAX_BLOCKS:
        raise ValueError(f"it has {paragraphs:,} paragraphs, over the limit of {MAX_BLOCKS:,}")
    blocks, soup = blocks_from_html(body if is_html else html_from_markdown(body))
    if len(blocks) > MAX_BLOCKS:
        raise ValueError(f"it has {len(blocks):,} blocks of text, over the limit of {MAX_BLOCKS:,}")
    layers = [metadata_from_html_head(soup)] if is_html else []
    layers.append(meta_mod.metadata_from_front_matter(front))
    if sidecar := existing_sidecar(path):
        layers.append(_read_sidecar(sidecar, warnings))
    structure = build_passages(article_id(path), blocks, layers, structured=is_html or _has_headings(blocks))
    if not structure.passages:
        raise ParseError(str(path), "no text found (no paragraphs after the header and metadata)")
    fields = structure.metadata
    title = (
        fields.title
        or _first_h1(blocks)
        or _html_title(soup)
        or structure.first_heading
        or _title_from_name(path)
    )
    return Article(
        id=article_id(path),
        title=title,
        source=str(path),
        sha256=source.sha256,
        authors=tuple(fields.authors),
        journal=fields.journal,
        journal_subtitle=fields.journal_subtitle,
        relation=fields.relation,
        volume=fields.volume,
        issue=fields.issue,
        date=fields.date,
        first_page=fields.first_page,
        last_page=fields.last_page,
        period=fields.period,
        language=fields.language or "en",
        description=fields.description,
        sections=structure.sections,
        passages=structure.passages,
        page_note=structure.page_note,
        warnings=tuple(warnings + structure.warnings),
    )


def _first_h1(blocks: list[Block]) -> str | None:
    return next((b.text for b in blocks if b.tag == "h1" and b.text), None)


def _html_title(soup: BeautifulSoup) -> str | None:
    """The <title>, without a site name after a separator ("Article | Site")."""
    if not soup.title:
        return None
    title = normalise(soup.title.get_text())
    return re.split(r"\s+[|–—]\s+|\s+-\s+", title)[0] or None


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
    return re.sub(r"[-_]+", " ", path.stem).strip().capitalize() or path.name
