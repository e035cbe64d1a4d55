"""Text beside the body: pull quotes (a sentence of the body repeated as a highlight) are dropped,
and back matter (biographies, disclaimers, share lines, related links, notes and reference lists at
the end) is kept outside paragraph numbering."""

from __future__ import annotations

import bisect
import re

from .models import PATH_SEPARATOR

# Back matter: sections that are not the article's body, by their heading.
REFERENCE_HEADING = re.compile(r"^(?:references|bibliography|works cited|sources|literature)\s*:?$", re.I)


APPENDIX_HEADING = re.compile(
    r"^(?:appendix|appendices|annex|supplementary (?:material|information))\b", re.I
)
BACK_MATTER_HEADING = re.compile(
    r"^(?:about (?:the )?authors?|about us|authors?(?: bio(?:graph(?:y|ies))?)?|bio(?:graph(?:y|ies))?|"
    r"contributors?|related(?: (?:posts?|articles?|stories|reading|content|links|coverage|topics|items))?|further reading|read more|see also|share(?: this(?: \w+)?)?|"
    r"disclaimer|disclosures?|acknowledge?ments?|notes|endnotes|footnotes|tags|topics|"
    r"reuse|licen[cs]e|copyright|citation|(?:how to )?cite this(?: \w+)?|"
    r"more from .*|recommended.*|you may also like.*|comments?)\s*:?$",
    re.I,
)


# Back matter by its words, at the end of an article: a biography, a disclaimer, a share line.
BIOGRAPHY = re.compile(
    r"^(?:(?:Dr|Prof|Mr|Ms|Mrs|Amb|Gen|Col|Adm)\.?\s+)?(?:[A-Z][\w.'’-]*,?\s+){2,5}"
    r"(?:is|was|serves|served|has been|works|worked|leads|heads|directs|teaches|writes|covers|holds)\b"
)


# What a biography talks about: without one of these, "Russia is a …" ends an article, not a bio.
BIOGRAPHY_WORDS = re.compile(
    r"\b(?:fellow|professor|director|author of|researcher|editor|analyst|journalist|correspondent|"
    r"writer|Ph\.?D|scholar|lecturer|chair|associate|program|institute|university|center|centre)\b",
    re.IGNORECASE,
)


BACK_MATTER_TEXT = re.compile(
    r"^(?:about the authors?|the views expressed|this (?:article|post|piece|essay|commentary) "
    r"(?:was|is|first|originally)|originally published|a version of this|disclaimer|share this|tags:|"
    r"related:|follow (?:us|him|her|them)|copyright|©|all rights reserved|read more|photo credit)",
    re.I,
)


MAX_BACK_MATTER_BLOCKS = 4


WORD = re.compile(r"\w+")


# Pull quotes: the shortest and longest repeated text worth noticing (a short repeated phrase is
# chance; a long one is a duplicated paragraph, dropped the same way).
MIN_REPEAT_WORDS = 6


MAX_REPEAT_WORDS = 400


MIN_PIECE_WORDS = 3  # of each part between the ellipses of a trimmed quote


# A paragraph repeated word for word (not inside a longer one) is dropped only when this long: a
# duplicated paragraph of a broken export. Short ones repeat on purpose: a weekly event under
# each date, "The output should look like this:" before each example, a table's repeated row.
MIN_DUPLICATE_WORDS = 25


MAX_REPEAT_LOOKS = 50  # occurrences of one piece examined (bounds the cost on repetitive files)


def without_repeats(drafts: list) -> tuple[list, list[str]]:
    """Drafts without pull quotes: a paragraph whose words all stand, in order, inside a longer
    paragraph of the article (a sentence repeated as a highlight), or that repeats an earlier
    paragraph word for word, is not indexed twice.

    The body is searched as one string of words, so the cost stays linear in its length."""
    body = [d for d in drafts if d.kind == "paragraph"]
    words = [" ".join(WORD.findall(d.text.lower())) for d in body]
    joined = "\n".join(words)
    starts = []
    offset = 0
    for text in words:
        starts.append(offset)
        offset += len(text) + 1
    repeats: set[int] = set()
    for i, text in enumerate(words):
        if not MIN_REPEAT_WORDS <= text.count(" ") + 1 <= MAX_REPEAT_WORDS:
            continue
        pieces = _pieces(body[i].text, text)
        pieces = [p for p in pieces if p.count(" ") + 1 >= MIN_PIECE_WORDS]
        if pieces and all(_repeated(joined, piece, i, words, starts, repeats) for piece in pieces):
            repeats.add(i)
    dropped = [
        f"repeated text (a pull quote) not indexed twice: {body[i].text[:80]!r}" for i in sorted(repeats)
    ]
    repeated = {id(body[i]) for i in repeats}
    return [d for d in drafts if id(d) not in repeated], dropped


def _pieces(text: str, words: str) -> list[str]:
    """The words (`words`, as without_repeats joins them) of each part of a paragraph between the
    ellipses of a trimmed quote."""
    if "..." not in text and "…" not in text:  # most paragraphs: their words are the one piece
        return [words] if words else []
    parts = (" ".join(WORD.findall(part)) for part in re.split(r"\.\.\.|…", text.lower()))
    return [p for p in parts if p]


def _repeated(
    joined: str, piece: str, own: int, words: list[str], starts: list[int], repeats: set[int]
) -> bool:
    """True when `piece` stands, on word boundaries, in another paragraph that is longer than
    paragraph `own` (or as long, earlier, and `own` is a long paragraph: MIN_DUPLICATE_WORDS) and
    not itself a repeat."""
    position, seen = joined.find(piece), 0
    while position != -1 and seen < MAX_REPEAT_LOOKS:
        seen += 1
        end = position + len(piece)
        bounded = (position == 0 or joined[position - 1] in " \n") and (
            end == len(joined) or joined[end] in " \n"
        )
        owner = bisect.bisect_right(starts, position) - 1
        if bounded and owner != own and owner not in repeats:
            longer = len(words[owner]) > len(words[own]) or (
                len(words[owner]) == len(words[own])
                and owner < own
                and words[own].count(" ") + 1 >= MIN_DUPLICATE_WORDS
            )
            if longer:
                return True
        position = joined.find(piece, position + 1)
    return False


def mark_back_matter(drafts: list, headings: list, rules: list[int]) -> None:
    """Biographies, disclaimers, "Related" and "Share" lists, reference lists: kind note (or
    reference), outside ¶ numbering. Found by the headings of the sections that end the article
    (a "Tags" section in the middle of a manual is body text), by the closing rule before them,
    or by their words when they end the article."""
    trailing = back_matter_sections(headings)
    for draft in drafts:
        if draft.kind == "paragraph" and draft.section is not None and draft.section.number in trailing:
            draft.kind = trailing[draft.section.number]
    body = [i for i, d in enumerate(drafts) if d.kind in ("paragraph", "lead")]
    if not body:
        return
    cut = None
    for rule in reversed(rules):
        after = [i for i in body if i >= rule]
        if after and len(after) <= max(MAX_BACK_MATTER_BLOCKS, len(body) // 5) and rule > body[0]:
            if is_back_matter(drafts[after[0]].text) or drafts[after[0]].html.startswith("<em>"):
                cut = rule
            break
    if cut is None:
        trailing = [i for i in reversed(body[1:]) if is_back_matter(drafts[i].text)]
        run = [i for n, i in enumerate(trailing) if i == body[len(body) - 1 - n]]
        cut = run[-1] if run else None
    if cut is not None:
        for i in body:
            if i >= cut:
                drafts[i].kind = "note"


def back_matter_sections(headings: list) -> dict[int, str]:
    """Section number -> kind, for the run of back-matter sections at the end of the article, or
    before the appendices that end it (body text, cited like the rest: a journal prints them
    after its references)."""
    found: dict[int, str] = {}
    for heading in reversed(before_appendices(headings)):
        leaf = heading.title.split(PATH_SEPARATOR)[-1]
        if REFERENCE_HEADING.match(leaf):
            found[heading.number] = "reference"
        elif BACK_MATTER_HEADING.match(leaf):
            found[heading.number] = "note"
        elif heading.level == 1 or not found:
            break  # body text again (a sub-section's parent may be the back matter's heading)
    return found


def is_back_matter_heading(title: str) -> bool:
    """A heading that starts the back matter: references, notes, about the author …"""
    return bool(REFERENCE_HEADING.match(title) or BACK_MATTER_HEADING.match(title))


def before_appendices(headings: list) -> list:
    """The headings before the top-level appendix sections (and their sub-sections) that end
    the list."""
    end = len(headings)
    for i in range(len(headings) - 1, -1, -1):
        if headings[i].level == 1:
            if not APPENDIX_HEADING.match(headings[i].title.split(PATH_SEPARATOR)[-1]):
                break
            end = i
    return headings[:end]


def is_back_matter(text: str) -> bool:
    """A disclaimer, share line or copyright; or a biography that says what the person does."""
    return bool(BACK_MATTER_TEXT.match(text)) or bool(
        BIOGRAPHY.match(text) and BIOGRAPHY_WORDS.search(text[:300])
    )
