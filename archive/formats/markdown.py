"""Markdown as its publishing tools mean it: Jekyll (Liquid), Hugo (shortcodes), Pandoc and Quarto
(fenced divs, bracketed spans, inline notes), excerpt separators; then Markdown -> HTML, sanitized.

Raw HTML inside Markdown is allowed through python-markdown and then cleaned by nh3 (the Ammonia
sanitizer) with an allow-list: structure the walk understands and a few inline tags; every other
tag is dropped with its text kept, so no tag is ever shown as literal text."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass

import markdown
import nh3

from .brackets import bounded_link_brackets

# pymdownx.superfences reads fenced code inside lists and quotes too (Python-Markdown's own
# fenced_code does not); highlighting is left to the reader, so Pygments never runs here.
MARKDOWN_EXTENSIONS = [
    "footnotes",
    # Loaded for its settings: superfences highlights with Pygments unless it is
    "pymdownx.highlight",
    "pymdownx.superfences",
    "tables",
    "attr_list",
    "sane_lists",
    "def_list",
    "abbr",
]
EXTENSION_CONFIGS = {
    "pymdownx.highlight": {"use_pygments": False},
    # Notes numbered in the order their calls are read, as Pandoc numbers them: an inline note
    # (^[…], its definition written at the end) before a [^fn1] was numbered after it
    "footnotes": {"USE_DEFINITION_ORDER": False},
}
# The tags the structural walk reads (see walk.py); anything else becomes its text.
ALLOWED_TAGS = {
    *("h1", "h2", "h3", "h4", "h5", "h6", "p", "br", "hr", "blockquote", "pre", "code"),
    *("ul", "ol", "li", "dl", "dt", "dd", "table", "thead", "tbody", "tr", "td", "th", "caption"),
    *("figure", "figcaption", "img", "div", "section", "article", "aside", "header", "footer", "nav"),
    *("em", "i", "strong", "b", "sup", "sub", "abbr", "a", "span", "del", "s", "mark", "small", "q"),
}
ALLOWED_ATTRIBUTES = {
    "*": {"id", "class", "role", "title"},
    "a": {"href"},
    "img": {"src", "alt"},
}
# Removed with their content: code that runs or styles, and form controls.
DROPPED_WITH_CONTENT = {"script", "style", "template", "textarea", "select", "noscript", "iframe", "object"}
# Excerpt/"more" markers of Jekyll, Hugo, Hexo, WordPress exports: <!--more-->, <!-- more -->.
MORE_MARKER = re.compile(r"<!--\s*more\s*-->", re.IGNORECASE)
FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
ASCII_PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
FENCE_LANGUAGE = re.compile(r"[\w+#.-]+")
LIQUID_HIGHLIGHT = re.compile(r"^\s*\{%-?\s*highlight\s+([\w+#.-]+)[^%]*-?%\}\s*$")
LIQUID_END_HIGHLIGHT = re.compile(r"^\s*\{%-?\s*endhighlight\s*-?%\}\s*$")
LIQUID_TAG = re.compile(r"\{%.*?%\}")
LIQUID_OUTPUT = re.compile(r"\{\{(?![<%]).*?\}\}")
HUGO_HIGHLIGHT = re.compile(r"^\s*\{\{[<%]\s*highlight\s+([\w+#.-]+)[^}]*[>%]\}\}\s*$")
HUGO_END_HIGHLIGHT = re.compile(r"^\s*\{\{[<%]\s*/\s*highlight\s*[>%]\}\}\s*$")
HUGO_FIGURE = re.compile(r"\{\{[<%]\s*figure\s+(.*?)\s*/?[>%]\}\}", re.S)
HUGO_SHORTCODE = re.compile(r"\{\{[<%].*?[>%]\}\}", re.S)
SHORTCODE_PARAM = re.compile(r"""(\w+)\s*=\s*(?:"([^"]*)"|'([^']*)'|(\S+))""")
PANDOC_DIV = re.compile(r"^\s*:{3,}.*$")
# GitHub's alerts: "> [!NOTE]" opens a quoted note; its mark reads as the note's label
GITHUB_ALERT = re.compile(r"^(\s*>\s*)\[!(NOTE|TIP|IMPORTANT|WARNING|CAUTION)\]\s*", re.I)
# A Liquid tag or Hugo shortcode opened and not closed on its line.
TAG_OPENERS, TAG_CLOSERS = ("{{<", "{{%", "{%"), (">}}", "%}")
MAX_TAG_LINES = 40
LIQUID_RAW_SPLIT = re.compile(r"(\{%-?\s*(?:end)?raw\s*-?%\})")
INLINE_CODE = re.compile(r"(`+[^`\n]*?`+)")
HELD_CODE_START, HELD_CODE_END = "\ue000", "\ue001"  # private-use characters around a held span's number
HELD_CODE = re.compile(f"{HELD_CODE_START}(\\d+){HELD_CODE_END}")
# Only a template tag's own delimiters: a plain "}}" closes JSON objects and LaTeX groups
DANGLING_TAG = re.compile(r"\{\{[<%]|\{%-?|-?%\}|[>%]\}\}")
# {{ "jeremy" | team_link }}: a string piped into a filter shows (a form of) that string
LIQUID_LITERAL = re.compile(r"""\{\{-?\s*(?:"([^"{}]*)"|'([^'{}]*)')\s*\|[^{}]*?-?\}\}""")
PICTURE_FILTER = re.compile(r"(?i)photo|image|img|avatar|icon|picture|thumbnail")
TEMPLATE_COMMENT = re.compile(r"\{#.*?#\}|\{/\*.*?\*/\}")  # Nunjucks, Jinja, Twig and MDX comments
INDENTED_HEADING = re.compile(r"^ {1,3}(#{1,6}\s)")  # CommonMark allows three spaces before a heading
ATTRIBUTE_LIST = re.compile(r"\s*\{[.#][\w-][^{}\n]*\}\s*$")  # {.float-left}, {#intro .lead} at a line's end
INDENTED_CODE = re.compile(r"^(?: {4}|\t)")
# A knitr or Quarto chunk's fence: ```{r}, ```{python setup, include=FALSE}; its options
CHUNK_HEADER = re.compile(r"\s*\{[a-zA-Z][\w-]*[\s,}]")
CHUNK_HEADER_OPTIONS = re.compile(r"\b(include|echo)\s*=\s*(\w+)", re.I)
KNITR_ECHO = re.compile(r"opts_chunk\$set\([^)]*\becho\s*=\s*(\w+)")
CHUNK_OPTION = re.compile(r"^\s*#\|\s*([\w.-]+)\s*:\s*(.*?)\s*$")
# A bullet item, or an ordered one numbered 1 (CommonMark: only those interrupt a paragraph)
LIST_START = re.compile(r" {0,3}(?:[-+*]|1[.)])[ \t]+\S")
# A line of a paragraph's text: not indented, not a heading, quote, table row, list item or tag
PARAGRAPH_LINE = re.compile(r"(?! {0,3}(?:[-+*]|\d{1,9}[.)])(?:[ \t]|$))[^\s#>|<]")
PRE_OPENING = re.compile(r"^ {0,3}<pre[\s>]", re.I)  # CommonMark's HTML block of type 1
WRAPPER_TAGS = re.compile(r"<(/?)(?:div|section|article|aside)\b[^<>]*>", re.I)
WRAPPER_TAG = re.compile(r"^ {0,3}<(/?)(div|section|article|aside)\b[^<>]*>\s*$", re.I)
KRAMDOWN_IAL = re.compile(r"\{:[^}\n]*\}")  # {: .note .info}, {:toc}: kramdown attribute lists
IMAGE_ALT = re.compile(r'(<img\b[^>]*?\balt=")([^"]*)(")')
# (what is emphasised is at most 300 characters: from each mark left open, the rest of the text)
# Opened after a space or a bracket only: a path's "/*" is no emphasis
EMPHASIS = re.compile(r"(?<![^\s(\[])(\*{1,3}|_{1,3})(?=[^\s*_])(.{1,300}?)(?<=[^\s*_])\1(?![\w*])")
# No "[" inside: each "[" reads on to the next one, not to the line's end (quadratic)
PANDOC_SPAN = re.compile(r"\[([^\[\]\n]+)\]\{[^}\n]*\}")
PANDOC_INLINE_NOTE = re.compile(r"\^\[([^\[\]\n]*(?:\[[^\[\]\n]*\][^\[\]\n]*)*)\]")


def markdown_to_html(text: str, excerpt_separator: str | None = None, chunks: Chunks | None = None) -> str:
    """Sanitized HTML of a Markdown body, after removing its dialect's publishing-tool syntax."""
    text = without_excerpt_markers(text, excerpt_separator)
    text = re.sub(r"\\+\$", "$", text)  # PDF converters escape dollars: "\$22 billion"
    text = plain_markdown(opened_blocks(text), chunks)
    converter = markdown.Markdown(extensions=MARKDOWN_EXTENSIONS, extension_configs=EXTENSION_CONFIGS)
    # CommonMark escapes any ASCII punctuation (Pandoc and hugodown write \~ \" \@ \& \<);
    # Python-Markdown only its own syntax's, leaving "R\&D" and "name\@example.org" in the text
    converter.ESCAPED_CHARS = sorted(set(converter.ESCAPED_CHARS) | set(ASCII_PUNCTUATION))
    bounded_link_brackets(converter)
    return sanitize(alt_without_emphasis(converter.convert(text)))


def alt_without_emphasis(page: str) -> str:
    """Images' alternative text as CommonMark gives it, plain: Python-Markdown takes out its
    links and code but leaves *emphasis* marks, and alt text becomes a figure's caption."""
    return IMAGE_ALT.sub(lambda m: m[1] + EMPHASIS.sub(r"\2", m[2]) + m[3], page)


# MkDocs Material's admonitions (!!! note "Title", ??? tip, ???+ warning) and content tabs
# (=== "Python"): their bodies are indented four spaces under them
PROSE_START = re.compile(r"\s*[^\s`~#>|*+\-\d!?=<{\[]")  # a line of text, not of a list, code or a tag
BLOCK_OPENER = re.compile(
    r'^(\s*)(?:(?:!!!|\?\?\?\+?)\s+[\w-]+(?:\s+[\w-]+)*(?:\s+"([^"]*)")?|===\+?\s+"([^"]*)")\s*$'
)


def opened_blocks(text: str) -> str:
    """Admonitions and content tabs as text: the title (an admonition's, when it has one; a
    tab's) a paragraph of its own, the body without the indent that made it an indented code
    block (64 of 94 files of MkDocs Material's own documentation had their prose read as code)."""
    if "!!!" not in text and "???" not in text and "===" not in text:
        return text
    out: list[str] = []
    bodies: list[int] = []  # the indent each open block's body needs
    fence: str | None = None
    label: str | None = None  # a title waiting for its body's first line
    for line in text.split("\n"):
        indent = len(line) - len(line.lstrip(" "))
        if line.strip():
            while bodies and indent < bodies[-1]:
                bodies.pop()
        shown = line[4 * len(bodies) :] if line.strip() else line
        if label is not None and shown.strip():
            # "Python: Install it with pip", as GitHub's alerts read: a title alone on its line
            # would be taken for a heading
            if PROSE_START.match(shown) and fence is None:
                shown = f"{shown[: len(shown) - len(shown.lstrip())]}{label}: {shown.lstrip()}"
            else:
                out += [label, ""]
            label = None
        if fence is not None:
            fence = None if closing_fence(shown, fence) else fence
        elif match := FENCE.match(shown):
            fence = match[1]
        elif match := BLOCK_OPENER.match(shown):
            label = match[2] or match[3] or None
            bodies.append(indent + 4)
            out.append("")
            continue
        out.append(shown)
    if label is not None:
        out.append(label)
    return "\n".join(out)


def sanitize(fragment: str) -> str:
    """HTML restricted to ALLOWED_TAGS and ALLOWED_ATTRIBUTES (nh3 / Ammonia)."""
    return nh3.clean(
        fragment,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        clean_content_tags=DROPPED_WITH_CONTENT,
        link_rel=None,
        strip_comments=True,
    )


def without_excerpt_markers(text: str, separator: str | None) -> str:
    """The body without the excerpt separator its front matter declares nor <!--more-->."""
    if separator and separator.strip():
        text = text.replace(separator.strip(), "\n")
    return MORE_MARKER.sub("\n", text)


def plain_markdown(text: str, chunks: Chunks | None = None) -> str:
    """Liquid, Hugo shortcodes and Pandoc extensions turned into plain Markdown/HTML; with
    `chunks` (a Quarto or R Markdown source), its code chunks as its page shows them.

    Code is left exactly as written (fenced, indented, inline): templates there are the code being
    shown; so is what Liquid's {% raw %} … {% endraw %} protects."""
    notes: list[str] = []
    out: list[str] = []
    fence: str | None = None  # the fence that closes the code we are in
    raw = False  # inside {% raw %} … {% endraw %}
    pre = False  # inside a raw HTML <pre> block
    opened: list[bool] = []  # the wrapper tags open (a <div>, <section> …): True for one taken out
    in_wrapper = False  # right after a wrapper taken out, until a blank line: its HTML block
    chunk: tuple[int, str] | None = (
        None  # the knitr or Quarto code chunk we are in: its start in `out`, its header
    )
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        line, i = (lines[i], i + 1) if fence is not None or raw or pre else _whole_tag(lines, i)
        in_wrapper = in_wrapper and bool(line.strip())
        if pre:  # raw HTML's <pre> runs to its </pre>: a fence inside it is its text
            pre = "</pre>" not in line.lower()
            plain, raw = _raw_aware(FENCE.sub(_escaped_fence, line), raw, notes)
            out.append(plain)
        elif fence is not None:
            closes = (
                closing_fence(line, fence)
                if fence.startswith(("`", "~"))
                else (LIQUID_END_HIGHLIGHT.match(line) or HUGO_END_HIGHLIGHT.match(line))
            )
            if closes:  # as long as the opening: the reader closes a fence only on its own length
                line = "```" if fence == "highlight" else line[: len(line) - len(line.lstrip())] + fence
            out.append(line)
            fence = None if closes else fence
            if closes and chunk is not None:
                out[chunk[0] :] = chunks.shown(out[chunk[0] :], chunk[1])
                chunk = None
        elif (match := FENCE.match(line)) and not (match[1][0] == "`" and "`" in line[match.end() :]):
            # (a backtick after a backtick fence makes it inline code: ```code``` on one line)
            fence = match[1]
            chunk = (len(out), line) if chunks and CHUNK_HEADER.match(line[match.end() :]) else None
            out.append(fence_opening(line, match))
        elif match := LIQUID_HIGHLIGHT.match(line) or HUGO_HIGHLIGHT.match(line):
            fence = "highlight"
            out.append("```" + match[1])
        elif PRE_OPENING.match(line):
            pre = "</pre>" not in line.lower()
            out.append(line)
        elif (wrapper := WRAPPER_TAG.match(line)) and (not wrapper[1] or (opened and opened[-1])):
            # A <div> alone on its line around Markdown (kramdown's markdown="block", a site's
            # wrapper): Python-Markdown took all it holds for raw HTML ('### Notes' shown as is).
            # Its closing tag goes with it, and only then: a closing tag left without the <div>
            # it closes (<div class="quote">{{ … }}) made the rest of the page raw HTML
            if wrapper[1]:
                opened.pop()
            else:
                opened.append(True)
            in_wrapper = not wrapper[1]
            out.append("")
        elif in_wrapper and INDENTED_CODE.match(line) and line.lstrip().startswith("<"):
            # A tag indented right under a wrapper taken out: its HTML block (which a blank line
            # ends, as CommonMark's does), not indented code
            plain, raw = _raw_aware(line.lstrip(), raw, notes)
            out.append(plain)
        elif INDENTED_CODE.match(line) and (not out or not out[-1].strip() or INDENTED_CODE.match(out[-1])):
            out.append(line)  # an indented code block (after a blank line)
        else:
            for tag in WRAPPER_TAGS.finditer(line):  # wrapper tags kept: closed by their own
                if tag[1]:
                    if opened:
                        opened.pop()
                elif not tag[0].endswith("/>"):
                    opened.append(False)
            if not raw and interrupts_paragraph(line, out[-1] if out else ""):
                out.append("")  # CommonMark: a list may start right under a paragraph's line
            plain, raw = _raw_aware(line, raw, notes)
            out.append(plain)
    if fence is not None:
        out.append(fence if fence != "highlight" else "```")
        if chunk is not None:  # a chunk left open runs to the end, and is shown as any other
            out[chunk[0] :] = chunks.shown(out[chunk[0] :], chunk[1])
    if notes:
        out += ["", *(f"[^inline-{n}]: {note}" for n, note in enumerate(notes, 1))]
    return "\n".join(out)


def interrupts_paragraph(line: str, before: str) -> bool:
    """A list's first item right under a line of paragraph text, which CommonMark (and the
    markdown-it of 11ty and Hugo's Goldmark) starts a list with and Python-Markdown runs into the
    paragraph ("The goals are to: * enhance …")."""
    return bool(LIST_START.match(line)) and bool(before.strip()) and bool(PARAGRAPH_LINE.match(before))


def closing_fence(line: str, fence: str) -> bool:
    """CommonMark's closing fence: the opening's character, at least as many, nothing after."""
    marker = line.strip()
    return len(marker) >= len(fence) and marker == fence[0] * len(marker)


def _escaped_fence(match: re.Match) -> str:
    """A fence's marker as character references, which the Markdown reader does not take for a
    fence (its code would run on past the </pre>) and HTML shows as the marker."""
    marker = match[1]
    entity = "&#96;" if marker[0] == "`" else "&#126;"
    return match[0][: match.start(1) - match.start()] + entity * len(marker)


@dataclass
class Chunks:
    """A Quarto or R Markdown source's code chunks: whether their code is shown unless a chunk
    says otherwise (Quarto's `execute: echo: false`, knitr's opts_chunk$set(echo = FALSE))."""

    echo: bool = True

    def shown(self, lines: list[str], header: str) -> list[str]:
        """A chunk (its fence lines included) as its page shows it: without its `#|` option lines,
        and nothing at all when it hides its code (include or echo false, F or no, in the chunk
        or its header: ```{r setup, include=FALSE}). A chunk setting knitr's default echo sets
        it for the chunks after it."""
        options = CHUNK_HEADER_OPTIONS.findall(header)
        kept = [lines[0]]
        for line in lines[1:]:
            if option := CHUNK_OPTION.match(line):
                options.append((option[1], option[2]))
            else:
                kept.append(line)
        settings = {name.lower(): _flag(value) for name, value in options}
        shown = settings.get("include", True) is not False and settings.get("echo", self.echo) is not False
        if default := KNITR_ECHO.search("\n".join(kept)):
            self.echo = _flag(default[1]) is not False
        return kept if shown else []


def _flag(value: str) -> bool | None:
    word = value.strip().strip("'\"").lower()
    return True if word in ("true", "t", "yes") else False if word in ("false", "f", "no") else None


def fence_opening(line: str, match: re.Match) -> str:
    """A fence's opening line with its language alone: tools write more after it (```js
    src/App.js, ```typescript{3}, ```Dockerfile base image), which the Markdown reader took for
    no fence at all, turning the code into prose and the prose after it into code."""
    language = FENCE_LANGUAGE.match(line[match.end() :].strip())
    indent = line[: match.start(1)]
    return f"{indent}{match[1]}{language[0] if language else ''}"


def _raw_aware(line: str, raw: bool, notes: list[str]) -> tuple[str, bool]:
    """A line with template syntax removed outside {% raw %} … {% endraw %}, and whether a raw
    part is still open at its end."""
    pieces, out = LIQUID_RAW_SPLIT.split(line), []
    for piece in pieces:
        if LIQUID_RAW_SPLIT.fullmatch(piece) and not (raw and "end" not in piece):
            raw = "end" not in piece  # (inside raw, a {% raw %} is text: only endraw ends it)
        elif raw:
            out.append(piece)
        else:
            out.append(_outside_code(piece, notes))
    return "".join(out), raw


def _outside_code(text: str, notes: list[str]) -> str:
    """Template syntax removed from a line's text, inline code spans (`…`) left as written.

    The spans are set aside as marks while a Hugo figure and a Pandoc note are found, which may
    hold one (^[Use `read_csv()`.]); the rest is read between the spans, never across one ("{{ as
    in `{{#items}}`, and closes with }}" is no Liquid output)."""
    if HELD_CODE_START in text:  # the marks would be ambiguous: the spans split the line instead
        parts = INLINE_CODE.split(text)
        return "".join(part if i % 2 else _plain_line(part, notes) for i, part in enumerate(parts))
    spans: list[str] = []

    def held(match: re.Match) -> str:
        spans.append(match[0])
        return f"{HELD_CODE_START}{len(spans) - 1}{HELD_CODE_END}"

    def restored(held_text: str) -> str:
        return HELD_CODE.sub(lambda m: spans[int(m[1])], held_text)

    def inline_note(match: re.Match) -> str:
        notes.append(match[1])  # held: read below, once the line's own notes are numbered
        return f"[^inline-{len(notes)}]"

    line = HUGO_FIGURE.sub(lambda match: _figure_from_shortcode(match, restored), INLINE_CODE.sub(held, text))
    first_note = len(notes)
    line = PANDOC_INLINE_NOTE.sub(inline_note, line)
    for n in range(first_note, len(notes)):
        notes[n] = _outside_code(restored(notes[n]), notes)
    parts = HELD_CODE.split(line)  # text, a span's number, text …
    return "".join(spans[int(part)] if i % 2 else _plain_line(part, notes) for i, part in enumerate(parts))


def opens_a_tag(line: str) -> bool:
    """True when a Liquid tag or Hugo shortcode opened on the line is not closed after it: when
    its last opener is (a pattern looking ahead from every opener read the rest of the line from
    each, quadratic in their number)."""
    start = max(line.rfind(opener) for opener in TAG_OPENERS)
    if start < 0:
        return False
    after = start + 2  # past "{%" or "{{" ("{{<" and "{{%" end in a character no closer starts with)
    return all(line.find(closer, after) < 0 for closer in TAG_CLOSERS)


def _whole_tag(lines: list[str], i: int) -> tuple[str, int]:
    """Line i, joined with the lines that finish a template tag it opens ({{< datatable on one
    line, its arguments on the next ones), up to MAX_TAG_LINES and never across a blank line;
    and the index of the line after it."""
    line = lines[i]
    if FENCE.match(line) or not opens_a_tag(line):
        return line, i + 1
    joined = line
    for j in range(i + 1, min(len(lines), i + 1 + MAX_TAG_LINES)):
        if not lines[j].strip():
            break
        joined = f"{joined} {lines[j].strip()}"
        if not opens_a_tag(joined):
            return joined, j + 1
    return line, i + 1


# What some syntax _plain_line removes needs in a line: most lines have none of it
TEMPLATE_MARKS = ("{", "}", ":::", "[!", "^[")


def _plain_line(line: str, notes: list[str]) -> str:
    """The line's template syntax removed (a line's text between its code spans)."""
    if not any(mark in line for mark in TEMPLATE_MARKS) and not (line.startswith(" ") and "#" in line):
        return line  # none of the expressions below can match (thirteen passes over each line)
    if PANDOC_DIV.match(line):
        return ""
    line = GITHUB_ALERT.sub(lambda m: f"{m[1]}{m[2].capitalize()}: ", line)
    line = HUGO_FIGURE.sub(_figure_from_shortcode, line)
    line = HUGO_SHORTCODE.sub("", line)  # before Liquid: {{% x %}} holds what looks like {% x %}
    line = TEMPLATE_COMMENT.sub("", line)
    line = INDENTED_HEADING.sub(r"\1", line)
    line = LIQUID_TAG.sub("", line)
    line = LIQUID_LITERAL.sub(_liquid_literal, line)
    line = LIQUID_OUTPUT.sub("", line)
    line = PANDOC_SPAN.sub(r"\1", line)
    line = KRAMDOWN_IAL.sub("", line)
    line = ATTRIBUTE_LIST.sub("", line)
    line = DANGLING_TAG.sub("", line)  # an opener whose tag never closes is not text either

    def inline_note(match: re.Match) -> str:
        notes.append(match[1])
        return f"[^inline-{len(notes)}]"

    return PANDOC_INLINE_NOTE.sub(inline_note, line)


def _liquid_literal(match: re.Match) -> str:
    """The string piped into a filter, as the filter shows a form of it ({{ "jeremy" | team_link }}),
    unless the filter makes a picture of it ({{ "shawn" | team_photo }}): no words then."""
    if PICTURE_FILTER.search(match[0][match[0].index("|") :]):
        return ""
    return match[1] if match[1] is not None else match[2]


def inline_markdown(text: str) -> str:
    """A caption's own Markdown (links, emphasis) and HTML (Hugo's markdownify keeps it:
    "<strong>Ana</br>Chile</strong>") as HTML without a paragraph around it: sanitized with the
    rest of the page, so its tags are markup or dropped, never shown as text."""
    rendered = markdown.markdown(text).strip()
    return rendered.removeprefix("<p>").removesuffix("</p>")


def _figure_from_shortcode(match: re.Match, restored: Callable[[str], str] = str) -> str:
    """{{< figure src="…" caption="…" >}} as the HTML figure Hugo renders."""
    params = {
        m[1].lower(): restored(next(v for v in m.groups()[1:] if v is not None))
        for m in SHORTCODE_PARAM.finditer(match[1])
    }
    caption = " ".join(p for p in (params.get("title"), params.get("caption"), params.get("attr")) if p)
    image = f'<img src="{html.escape(params.get("src", ""))}" alt="{html.escape(params.get("alt", ""))}">'
    caption_html = f"<figcaption>{inline_markdown(caption)}</figcaption>" if caption else ""
    return f"<figure>{image}{caption_html}</figure>"
