"""The text between a link's brackets, found without reading the rest of the paragraph each time.

Python-Markdown's link and image processors read a link's text (LinkInlineProcessor.getText) by
walking from its "[" to the "]" that closes it, or to the paragraph's end when none does: a
paragraph with many unclosed brackets ("see [x" a thousand times, 7 KB) took 2.4 s to read, and
35 KB of them made a file unreadable within the parse's time limit. Here each paragraph's
brackets are indexed once, and each "[" finds its "]" by binary search."""

from __future__ import annotations

import re
from bisect import bisect_left

from markdown import Markdown
from markdown.inlinepatterns import LinkInlineProcessor

BRACKET = re.compile(r"[\[\]]")


class BracketIndex:
    """The brackets of one text: where each is, and the depth of nesting after it."""

    def __init__(self, text: str):
        self.text = text
        self.positions: list[int] = []
        self.depths: list[int] = []  # after the bracket at the same place in `positions`
        self.closing: dict[int, list[int]] = {}  # depth after a "]" -> where such "]" are, in order
        depth = 0
        for match in BRACKET.finditer(text):
            depth += 1 if match[0] == "[" else -1
            self.positions.append(match.start())
            self.depths.append(depth)
            if match[0] == "]":
                self.closing.setdefault(depth, []).append(match.start())

    def depth_before(self, index: int) -> int:
        k = bisect_left(self.positions, index)
        return self.depths[k - 1] if k else 0

    def link_text(self, index: int) -> tuple[str, int, bool]:
        """getText(text, index): the text from `index` (just after a "[") to the "]" that closes
        it, the index after that "]", and True; or the rest of the text, its end, and False."""
        # Depth is one more than before the "[" all along the link's text: it closes at the first
        # "]" after which depth is one less than at `index`
        closers = self.closing.get(self.depth_before(index) - 1, ())
        k = bisect_left(closers, index)
        if k == len(closers):
            return self.text[index:], len(self.text), False
        end = closers[k]
        return self.text[index:end], end + 1, True


def index_link_brackets(converter: Markdown) -> None:
    """Make the converter's link and image processors find their text through a BracketIndex of
    the text they read (kept while they read the same text)."""
    last: list[BracketIndex] = []

    def get_text(data: str, index: int) -> tuple[str, int, bool]:
        # Most links close at the first "]" with no "[" before it: found in C. Each link found
        # changes the text read, so the index is for the others (nested, or left open)
        close = data.find("]", index)
        if close < 0:
            return data[index:], len(data), False
        if data.find("[", index, close) < 0:
            return data[index:close], close + 1, True
        if not last or last[0].text is not data:
            last[:] = [BracketIndex(data)]
        return last[0].link_text(index)

    for processor in converter.inlinePatterns:
        if isinstance(processor, LinkInlineProcessor):
            processor.getText = get_text
