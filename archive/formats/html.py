"""Metadata of a web page, from every vocabulary publishers use, in a documented precedence.

From weakest to strongest (a stronger source's value replaces a weaker one's, field by field):
  1. the page itself: <title>, <html lang>, <link rel=canonical>, <meta name=author|description|date>
     (and the news publishers' parsely-* and sailthru.* tags);
  2. OpenGraph and article:* (og:title, og:site_name, article:published_time, …);
  3. Dublin Core (DC.* and DCTERMS.*, any case);
  4. schema.org JSON-LD (ScholarlyArticle, NewsArticle, Report, BlogPosting, Article, WebPage …);
  5. Highwire Press tags (citation_*), written for Google Scholar and reference managers.
Within one source, names are read once: authors repeated by a source are merged, not repeated.
"""

from __future__ import annotations

import html
import json
import re

from bs4 import BeautifulSoup

from ..metadata import (
    Metadata,
    absolute_url,
    clean_doi,
    item_type,
)
from ..models import Author
from ..names import author_from_name, names_and_et_al, not_a_name
from ..walk import normalise

MAX_JSON_LD = 1024 * 1024  # characters of one JSON-LD script: more is not metadata
JSON_LD_TYPES = {
    "scholarlyarticle": "article-journal",
    "medicalscholarlyarticle": "article-journal",
    "newsarticle": "article-newspaper",
    "reportagenewsarticle": "article-newspaper",
    "analysisnewsarticle": "article-newspaper",
    "opinionnewsarticle": "article-newspaper",
    "report": "report",
    "blogposting": "post-weblog",
    "socialmediaposting": "post-weblog",
    "article": None,
    "techarticle": None,
    "webpage": "webpage",
    "chapter": "chapter",
}


def metadata_layers(soup: BeautifulSoup) -> list[Metadata]:
    """The page's metadata, one layer per vocabulary, weakest first (see the module docstring)."""
    meta = _MetaTags(soup)
    return [
        page_layer(soup, meta),
        opengraph_layer(meta),
        dublin_core_layer(meta),
        json_ld_layer(soup),
        highwire_layer(meta),
    ]


class _MetaTags:
    """<meta name|property=… content=…> values by lower-cased name, in document order."""

    def __init__(self, soup: BeautifulSoup):
        self.values: dict[str, list[str]] = {}
        for tag in soup.find_all("meta"):
            content = tag.get("content")
            if not isinstance(content, str) or not content.strip():
                continue
            # A tag may name its value in several vocabularies at once (property and itemprop)
            names = {
                n.strip().lower()
                for n in (tag.get(a) for a in ("name", "property", "itemprop"))
                if isinstance(n, str)
            }
            for name in names:
                self.values.setdefault(name, []).append(normalise(content))

    def all(self, *names: str) -> list[str]:
        return [v for n in names for v in self.values.get(n.lower(), [])]

    def first(self, *names: str) -> str | None:
        found = self.all(*names)
        return found[0] if found else None


def _authors(names: list[str], one_per_value: bool = False) -> tuple[list[Author], bool]:
    """Authors from meta values: one person per value (Highwire, Dublin Core: "de la Cruz, María"),
    or a list to split ("A, B and C")."""
    people, et_al = [], False
    for value in names:
        if re.match(r"^https?://", value):  # article:author is often a profile URL
            continue
        found, cut = names_and_et_al(value)
        if one_per_value:  # one person per value: "de la Cruz, María" is one name
            why = not_a_name(value)
            found, cut = ([] if why else [value]), why == "et al"
        people.extend(author_from_name(n) for n in found)
        et_al = et_al or cut
    return people, et_al


def page_layer(soup: BeautifulSoup, meta: _MetaTags) -> Metadata:
    layer = Metadata(label="HTML page")
    html_tag = soup.find("html")
    canonical = soup.find("link", rel="canonical")
    authors, et_al = _authors(meta.all("author", "parsely-author", "sailthru.author"))
    layer.update(
        title=page_title(soup),
        authors=authors,
        authors_et_al=et_al,
        language=language_tag(html_tag.get("lang") if html_tag else None),
        description=meta.first("description"),
        url=absolute_url(canonical.get("href") if canonical else None),
    )
    layer.set_date(
        meta.first(
            "parsely-pub-date", "sailthru.date", "date", "pubdate", "datepublished", "article:published"
        )
        or published_element_date(soup),
        "HTML meta",
    )
    return layer


PUBLISHED_PROPS = frozenset({"datepublished", "datecreated"})
PUBLISHED_CLASSES = frozenset({"dt-published", "published"})


def published_element_date(soup: BeautifulSoup) -> str | None:
    """When the page says it was published on an element of its own, not a <meta>: schema.org
    microdata (<time itemprop="datePublished" datetime=…>, Hexo's dateCreated), a microformats
    h-entry's dt-published, WordPress's <time class="entry-date published">, HTML5's <time
    pubdate>. Within the page's <article> when it has one (a sidebar lists other posts' dates);
    never dateModified or a comment's date."""
    scope = soup.find("article") or soup
    tag = scope.find(_says_published)
    if tag is None:
        return None
    value = tag.get("datetime") or tag.get("content") or tag.get_text(" ", strip=True)
    return value if isinstance(value, str) else None


def _says_published(tag) -> bool:
    attrs = tag.attrs
    if not attrs:
        return False
    props = attrs.get("itemprop")
    if isinstance(props, str) and not PUBLISHED_PROPS.isdisjoint(props.lower().split()):
        return True
    classes = attrs.get("class")
    if classes and not PUBLISHED_CLASSES.isdisjoint(c.lower() for c in classes):
        return tag.name == "time" or "dt-published" in classes
    return tag.name == "time" and "pubdate" in attrs


def opengraph_layer(meta: _MetaTags) -> Metadata:
    layer = Metadata(label="OpenGraph tags")
    authors, et_al = _authors(meta.all("article:author"))
    site = meta.first("og:site_name")
    layer.update(
        title=without_site(meta.first("og:title"), site),
        journal=site,
        url=absolute_url(meta.first("og:url")),
        description=meta.first("og:description"),
        authors=authors,
        authors_et_al=et_al,
        language=language_tag(meta.first("og:locale")),
    )
    layer.set_date(meta.first("article:published_time", "og:published_time"), "OpenGraph")
    return layer


def without_site(title: str | None, site: str | None) -> str | None:
    """'Article - Breitbart' -> 'Article', when the site's name stands at an end after a separator."""
    if not title or not site:
        return title
    for separator in (" - ", " | ", " – ", " — ", " · ", " » ", " -- ", " :: ", ": "):
        if title.endswith(separator + site):
            return title[: -len(separator + site)].strip() or title
        if title.startswith(site + separator):
            return title[len(site + separator) :].strip() or title
    return title


def dublin_core_layer(meta: _MetaTags) -> Metadata:
    layer = Metadata(label="Dublin Core tags")
    authors, et_al = _authors(meta.all("dc.creator", "dcterms.creator", "dc.creator.personalname"), True)
    identifiers = meta.all("dc.identifier", "dcterms.identifier")
    layer.update(
        title=meta.first("dc.title", "dcterms.title"),
        authors=authors,
        authors_et_al=et_al,
        publisher=meta.first("dc.publisher", "dcterms.publisher"),
        language=language_tag(meta.first("dc.language", "dcterms.language")),
        description=meta.first("dc.description", "dcterms.abstract", "dcterms.description"),
        doi=next((d for d in map(clean_doi, identifiers) if d), None),
        type=item_type(meta.first("dc.type", "dcterms.type")),
        journal=meta.first("dcterms.ispartof", "dc.source"),
    )
    layer.set_date(meta.first("dc.date", "dcterms.issued", "dcterms.date", "dcterms.created"), "Dublin Core")
    return layer


def highwire_layer(meta: _MetaTags) -> Metadata:
    layer = Metadata(label="Highwire tags")
    authors, et_al = _authors(meta.all("citation_author"), True)
    journal = meta.first("citation_journal_title", "citation_conference_title", "citation_inbook_title")
    institution = meta.first("citation_technical_report_institution", "citation_dissertation_institution")
    layer.update(
        title=meta.first("citation_title"),
        authors=authors,
        authors_et_al=et_al,
        journal=journal,
        volume=meta.first("citation_volume"),
        issue=meta.first("citation_issue"),
        first_page=_page(meta.first("citation_firstpage")),
        last_page=_page(meta.first("citation_lastpage")),
        doi=clean_doi(meta.first("citation_doi")),
        publisher=meta.first("citation_publisher") or institution,
        pdf_url=absolute_url(meta.first("citation_pdf_url")),
        url=absolute_url(
            meta.first("citation_abstract_html_url", "citation_fulltext_html_url", "citation_public_url")
        ),
        language=language_tag(meta.first("citation_language")),
        description=meta.first("citation_abstract"),
        type=(
            "article-journal"
            if meta.first("citation_journal_title")
            else "chapter"
            if meta.first("citation_inbook_title")
            else "report"
            if meta.first("citation_technical_report_institution", "citation_technical_report_number")
            else None
        ),
    )
    layer.set_date(
        meta.first("citation_publication_date", "citation_date", "citation_online_date"), "Highwire"
    )
    stated = {
        "ISSN": meta.first("citation_issn"),
        "ISBN": meta.first("citation_isbn"),
        "keyword": "; ".join(meta.all("citation_keywords")) or None,
        "number": meta.first("citation_technical_report_number"),
    }
    layer.extra.update({name: value for name, value in stated.items() if value})
    return layer


def json_ld_layer(soup: BeautifulSoup) -> Metadata:
    """schema.org JSON-LD: the first article-like object (in @graph lists too)."""
    layer = Metadata(label="JSON-LD")
    item = next(_article_objects(soup), None)
    if item is None:
        return layer
    kind = _types(item)
    authors, et_al = _json_ld_authors(item.get("author") or item.get("creator"))
    part_of = _json_ld_part_of(item)
    item_type = next((JSON_LD_TYPES[k] for k in kind if JSON_LD_TYPES.get(k)), None)
    publisher = _name(item.get("publisher"))
    layer.update(
        title=_string(item.get("headline") or item.get("name")),
        authors=authors,
        authors_et_al=et_al,
        description=_string(item.get("description") or item.get("abstract")),
        publisher=publisher,
        url=absolute_url(_string(item.get("url") or item.get("mainEntityOfPage"))),
        language=language_tag(_string(item.get("inLanguage"))),
        doi=clean_doi(_string(item.get("doi") or item.get("identifier") or item.get("sameAs"))),
        type=item_type,
        journal=part_of.get("journal"),
        volume=part_of.get("volume"),
        issue=part_of.get("issue"),
        first_page=_page(_string(item.get("pageStart"))),
        last_page=_page(_string(item.get("pageEnd"))),
    )
    layer.set_date(_string(item.get("datePublished") or item.get("dateCreated")), "JSON-LD")
    return layer


def _article_objects(soup: BeautifulSoup):
    for script in soup.find_all("script", attrs={"type": re.compile(r"ld\+json", re.I)}):
        text = script.string or script.get_text()
        if not text or len(text) > MAX_JSON_LD:
            continue
        try:
            data = json.loads(text)
        except (ValueError, RecursionError):
            continue
        stack = data if isinstance(data, list) else [data]
        for obj in stack[:100]:
            if not isinstance(obj, dict):
                continue
            candidates = obj.get("@graph") if isinstance(obj.get("@graph"), list) else [obj]
            for candidate in candidates[:100]:
                if isinstance(candidate, dict) and set(_types(candidate)) & set(JSON_LD_TYPES):
                    yield candidate


def _types(item: dict) -> list[str]:
    kind = item.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return [k.lower() for k in kinds if isinstance(k, str)]


def _json_ld_authors(value) -> tuple[list[Author], bool]:
    items = value if isinstance(value, list) else [value] if value else []
    authors, et_al = [], False
    for item in items[:500]:
        if isinstance(item, str):
            found, cut = _authors([item])
            authors.extend(found)
            et_al = et_al or cut
        elif isinstance(item, dict) and (name := _name(item)):
            if "organization" in _types(item):
                authors.append(Author(name=name, literal=True))
            elif item.get("familyName"):
                family, given = _string(item.get("familyName")), _string(item.get("givenName"))
                authors.append(
                    Author(name=" ".join(p for p in (given, family) if p), family=family, given=given)
                )
            else:
                names, cut = names_and_et_al(name)
                et_al = et_al or cut
                authors.extend(author_from_name(n) for n in names)
    return authors, et_al


def _json_ld_part_of(item: dict) -> dict[str, str]:
    """Journal, volume and issue from an isPartOf chain (PublicationIssue → PublicationVolume →
    Periodical), however deep, at most a few levels."""
    found: dict[str, str] = {}
    part = item.get("isPartOf")
    for _ in range(4):
        if not isinstance(part, dict):
            break
        kinds = _types(part)
        if "publicationissue" in kinds:
            found.setdefault("issue", _string(part.get("issueNumber")))
        elif "publicationvolume" in kinds:
            found.setdefault("volume", _string(part.get("volumeNumber")))
        elif _name(part):
            found.setdefault("journal", _name(part))
        part = part.get("isPartOf")
    return {k: v for k, v in found.items() if v}


def _string(value) -> str | None:
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, (str, int))), None)
    if isinstance(value, dict):
        value = value.get("@id") or value.get("url")
    if not isinstance(value, (str, int)) or not str(value).strip():
        return None
    # Generators write entities in JSON-LD strings ("the agent&rsquo;s brain"): those closed by
    # ";" only, which no address holds ("?id=5&section=world" is no "§ion")
    return normalise(ENTITY.sub(lambda m: html.unescape(m[0]), str(value))) or None


def _name(value) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        return _string(value.get("name"))
    return _string(value)


def _page(value: str | None) -> int | None:
    return int(value) if value and value.isascii() and value.isdigit() and len(value) <= 7 else None


def language_tag(value) -> str | None:
    """'en_US', 'en-GB' -> 'en-US', 'en-GB'; 'EN' -> 'en'."""
    if not isinstance(value, str) or not re.match(r"^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$", value.strip()):
        return None
    parts = value.strip().replace("_", "-").split("-")
    return "-".join([parts[0].lower(), *(p.upper() if len(p) == 2 else p for p in parts[1:])])


def page_title(soup: BeautifulSoup) -> str | None:
    """The <title> without the site's name beside it ("Article | Site", "Site - Article"): the
    part the page's heading repeats, else the longest of the parts a separator makes; without a
    <title>, the page's first <h1>."""
    # The page's own <title>: not one of an inline SVG picture ("rnn" titled a Distill article)
    element = next((t for t in soup.find_all("title") if t.find_parent("svg") is None), None)
    if element is None:  # a page without a <title>: its first heading, wherever it stands
        heading = soup.find("h1")
        return normalise(heading.get_text(" ")) or None if heading else None
    title = normalise(element.get_text())
    parts = [p for p in TITLE_SEPARATORS.split(title) if p]
    heading = soup.find("h1")
    named = normalise(heading.get_text()) if heading else None
    # "Mozilla - Wikipedia": the part the page heads. Separators that also join a title to its
    # subtitle ("Titre : sous-titre") count only when the heading is one of the parts they make
    if named and (named in parts or named in WEAK_TITLE_SEPARATORS.split(title)):
        return named
    return max(parts, key=len) if parts else None


TITLE_SEPARATORS = re.compile(r"\s+[|–—·»]\s+|\s+-\s+")
WEAK_TITLE_SEPARATORS = re.compile(r"\s+(?:--|::|:|/)\s+|\s+[|–—·»]\s+|\s+-\s+")


ENTITY = re.compile(r"&(?:[A-Za-z][A-Za-z0-9]{1,31}|#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6});")
HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
ENTRY_LINK = re.compile(r"entry-link|post-link|read-?more|more-link")
READ_MORE = re.compile(r"(?i)(?:read more|continue reading|more)\b.{0,20}$")
REDIRECT_WORDS = 50  # a redirecting page's own text ("Redirecting to …"), at most
LISTED_ENTRIES = 3  # <article> entries that make a page a list of posts, at least
# A page of links (a site's index of tags, categories or posts): in its <main> or <article>, at
# least LISTING_LINKS links, at most LISTING_OWN_WORDS words of its own, and LISTING_SHARE times
# as many words in links. Strict, so that a short post or a commented list of reading is kept.
LISTING_LINKS, LISTING_OWN_WORDS, LISTING_SHARE = 30, 40, 5


def links_to_a_post(entry) -> bool:
    """An <article> of a list, which links to its post: from its heading ("<h2><a href=…>"), or
    by an entry's own link (PaperMod's a.entry-link, "Read more"). A comment links to its
    author, a section to what it cites: neither from a heading."""
    for link in entry.find_all("a", href=True):
        if link["href"].startswith("#"):
            continue
        names = " ".join(link.get("class", [])).lower()
        if (
            link.find_parent(HEADINGS) is not None
            or ENTRY_LINK.search(names)
            or READ_MORE.match(normalise(link.get_text(" ")))
        ):
            return True
    return False


def page_of_links(soup: BeautifulSoup) -> str | None:
    """Why the page is a page of links, if its main part is one (see LISTING_LINKS)."""
    landmarks = soup.find_all(["main", "article"]) or soup.find_all(attrs={"role": "main"})
    if not landmarks:  # the body alone would count its menus' links
        return None
    scope = max(landmarks, key=lambda tag: len(tag.get_text()))
    links = scope.find_all("a")
    if len(links) < LISTING_LINKS:
        return None
    linked = sum(len(a.get_text(" ").split()) for a in links)
    own = len(scope.get_text(" ").split()) - linked
    if own <= LISTING_OWN_WORDS and linked >= LISTING_SHARE * max(own, 1):
        return f"a page of {len(links)} links with {own} words of its own (an index of tags, categories or posts)"
    return None


def not_an_article(soup: BeautifulSoup) -> str | None:
    """Why a web page is no article, if it is not: a page that sends its reader elsewhere (a
    meta refresh, and hardly any text of its own: a site generator's alias or old address), or
    a list of the site's posts (its text is mostly theirs, each an <article> with a link: the
    blog's home, its pages 2, 3 …, a tag's page), which would repeat every post's opening, or a
    page of links and hardly anything else (page_of_links)."""
    body_text = normalise(soup.body.get_text(" ")) if soup.body else ""
    refresh = soup.find("meta", attrs={"http-equiv": re.compile(r"^refresh$", re.I)})
    target = (
        re.search(r"url\s*=\s*['\"]?([^'\"\s]+)", refresh.get("content") or "", re.I) if refresh else None
    )
    if target and len(body_text.split()) <= REDIRECT_WORDS:  # (a refresh without an address reloads)
        return f"a page that redirects to {target[1]}, with no text of its own"
    if listing := page_of_links(soup):
        return listing
    entries = [a for a in soup.find_all("article") if a.find_parent("article") is None and links_to_a_post(a)]
    if len(entries) < LISTED_ENTRIES or not body_text:
        return None
    sizes = [len(normalise(entry.get_text(" "))) for entry in entries]
    # Most of the page is in entries linking to their posts, and no entry holds most of it
    if sum(sizes) >= 0.6 * len(body_text) and max(sizes) < 0.5 * sum(sizes):
        return f"a list of {len(entries)} posts (each an <article> linking to its page)"
    return None
