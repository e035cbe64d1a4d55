"""Figures: a picture joined to its caption (in its paragraph, on the next line, or its alternative
text), captions known by their words or marks, and credit lines."""

from __future__ import annotations

import html
import re
from dataclasses import replace

from .walk import Block

FIGURE = re.compile(r"^(?:Figure|Fig\.)\s*(\d+)\b")


CREDIT = re.compile(r"\b((?:Photo(?:graph)?|Source|Credit|Image|Courtesy)s?(?: credit)?\s*:\s*\S.*)$")


# A line that is a caption wherever it stands: opened by a triangle pointing at the picture.
CAPTION_MARK = re.compile(r"^\s*[▲△▼▽►◄]")


# A line that is a caption when it follows a picture.
CAPTION_START = re.compile(
    r"^\s*(?:[▲△▼▽►◄]|(?:Figure|Fig\.|Chart|Table|Map|Exhibit|Graph|Image|Photo|Source|Credit)\b)",
    re.IGNORECASE,
)


CREDIT_LINE = re.compile(r"^\s*(?:Photo(?:graph)?|Source|Credit|Image|Courtesy)s?(?: credit)?\s*:", re.I)


MAX_CAPTION_WORDS = 80


MAX_SHORT_CAPTION_WORDS = 40  # text beside a picture, in its paragraph, up to this long is its caption


def is_caption(block: Block) -> bool:
    """A line under a picture that captions it: italic as a whole, or opened by a caption word or
    mark (▲ Figure Fig. Chart Table Map Source: Photo: …)."""
    return block.tag in ("p", "figure") and (
        (block.emphasised and len(block.text.split()) <= MAX_CAPTION_WORDS)
        or bool(CAPTION_START.match(block.text))
    )


def with_figures(blocks: list[Block]) -> list[Block]:
    """Pictures joined to their captions as figure blocks: the caption in the picture's own
    paragraph or on the next line, else the alternative text; a credit line after a figure is
    its credit. A picture with no words at all is not a passage."""
    out: list[Block] = []
    i = 0
    while i < len(blocks):
        block = blocks[i]
        following = blocks[i + 1] if i + 1 < len(blocks) else None
        if block.tag == "image":
            beside = replace(block, tag="p")
            captioned = bool(block.text) and (
                is_caption(beside) or len(block.text.split()) <= MAX_SHORT_CAPTION_WORDS
            )
            if captioned:
                out.append(without_mark(replace(block, tag="figure")))
            elif not block.text and following is not None and is_caption(following):
                out.append(without_mark(replace(following, tag="figure", image=block.image, alt=block.alt)))
                i += 1
            elif block.alt:
                out.append(
                    replace(block, tag="figure", text=block.alt, html=html.escape(block.alt, quote=False))
                )
            if block.text and not captioned:
                out.append(beside)  # a paragraph that happens to hold a picture
        elif block.tag in ("p", "figure") and CAPTION_MARK.match(block.text):
            out.append(without_mark(replace(block, tag="figure")))
        elif (
            block.tag == "p"
            and out
            and out[-1].tag == "figure"
            and CREDIT_LINE.match(block.text)
            and not CREDIT.search(out[-1].text)
        ):
            figure = out[-1]
            out[-1] = replace(figure, text=f"{figure.text} {block.text}", html=f"{figure.html} {block.html}")
        else:
            out.append(block)
        i += 1
    return out


def without_mark(block: Block) -> Block:
    """A caption without the triangle that points at its picture (▲ Caption -> Caption)."""
    text = CAPTION_MARK.sub("", block.text).strip()
    fragment = re.sub(r"^((?:<[^>]+>)*)\s*[▲△▼▽►◄]\s*", r"\1", block.html)
    return replace(block, text=text, html=fragment)
