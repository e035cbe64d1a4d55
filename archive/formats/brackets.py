"""The text between a link's brackets, found without reading the rest of the paragraph each time.

Python-Markdown's link and image processors read a link's text (LinkInlineProcessor.getText) by
walking from its "[" to the "]" that closes it, or to the paragraph's end when none does: a
paragraph with many unclosed brackets ("see [x" a thousand times, 7 KB) took 2.4 s to read, and
35 KB of them made a file unreadable within the parse's time limit. Here a link's text ends
within MAX_LINK_BRACKETS brackets of its "[" or is no link's (no real link's text holds dozens
of brackets), and they are found by a regular expression, not a character at a time."""

from __future__ import annotations

import re

from markdown import Markdown
from markdown.inlinepatterns import LinkInlineProcessor

BRACKET = re.compile(r"[\[\]]")
MAX_LINK_BRACKETS = 64


def link_text(text: str, index: int) -> tuple[str, int, bool]:
    """getText(text, index): the text from `index` (just after a "[") to the "]" that closes it,
    the index after that "]", and True; or the rest of the text, its end, and False (also when
    more than MAX_LINK_BRACKETS brackets come before the closing one)."""
    depth = 1
    for seen, match in enumerate(BRACKET.finditer(text, index)):
        if seen >= MAX_LINK_BRACKETS:
            break
        depth += 1 if match[0] == "[" else -1
        if depth == 0:
            return text[index : match.start()], match.end(), True
    return text[index:], len(text), False


def bounded_link_brackets(converter: Markdown) -> None:
    """Make the converter's link and image processors find their text with link_text."""
    for processor in converter.inlinePatterns:
        if isinstance(processor, LinkInlineProcessor):
            processor.getText = link_text
