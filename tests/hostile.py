"""A hostile corpus: files crafted to crash, hang, exhaust or fool the archive, beside good ones.

`write_hostile_corpus(folder, outside)` writes them and returns what must happen to each: the
good files must be searchable by their marker word, the bad ones named in the report (or, where
noted, parsed with the impossible value dropped), nothing outside the corpus read.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

GOOD_WORDS = ("zanzibar", "quixotic", "marzipan", "fjord")


@dataclass(frozen=True)
class Case:
    name: str
    outcome: str  # "good": searchable by `word`; "failed": reported as failed; "parsed": indexed
    word: str | None = None


def good_markdown(word: str, extra_front: str = "") -> str:
    return (
        f"---\ntitle: A good article about {word}\nauthor: Ann Example\ndate: 2021-05-04\n{extra_front}---\n\n"
        f"## Findings\n\nThe {word} paragraph has enough words to be a real paragraph of prose.\n\n"
        "A second paragraph follows it, plainly.\n"
    )


def pdf_bytes(pages: list[str]) -> bytes:
    """A PDF with one line of text per page (an empty line: a blank page)."""
    import io

    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    drawing = canvas.Canvas(out)
    for text in pages or [""]:
        if text:
            drawing.drawString(72, 700, text)
        drawing.showPage()
    drawing.save()
    return out.getvalue()


def write_hostile_corpus(folder: Path, outside: Path, scale: int = 1) -> list[Case]:
    """Write the corpus; `scale` below 1 is not allowed, above 1 makes the heavy files heavier."""
    folder.mkdir(parents=True, exist_ok=True)
    outside.mkdir(parents=True, exist_ok=True)
    cases: list[Case] = []

    def put(name: str, content: str | bytes, outcome: str, word: str | None = None) -> None:
        path = folder / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        cases.append(Case(name, outcome, word))

    for word in GOOD_WORDS[:2]:
        put(f"good-{word}.md", good_markdown(word), "good", word)
    put(
        "good-fjord.html",
        "<html><head><title>Fjord page</title></head><body><article><h1>Fjord page</h1>"
        "<p>The fjord paragraph is a plain paragraph of an HTML article.</p></article></body></html>",
        "good",
        "fjord",
    )
    # Metadata with impossible values: the article is indexed, the value dropped with a warning.
    put("date-zero.md", good_markdown("marzipan", "").replace("2021-05-04", "0000-00-00"), "good", "marzipan")
    put("date-month-13.md", good_markdown("obelisk").replace("2021-05-04", "2019-13"), "good", "obelisk")
    put("date-feb-30.md", good_markdown("pagoda").replace("2021-05-04", "2019-02-30"), "good", "pagoda")
    put("huge-volume.md", good_markdown("quasar", "volume: " + "9" * 100_000 + "\n"), "good", "quasar")
    put("huge-year-date.md", good_markdown("rhubarb").replace("2021-05-04", "99999-01-01"), "good", "rhubarb")
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
        f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(9)
    )
    put(
        "yaml-bomb.md",
        f"---\n{bomb}title: *j\nauthor: *j\n---\n\nThe saffron paragraph survives a bomb in its front matter.\n",
        "good",
        "saffron",
    )
    put(
        "front-matter-not-mapping.md",
        "---\n- just\n- a list\n---\n\nThe tamarind paragraph has a list for front matter.\n",
        "good",
        "tamarind",
    )
    # Structure that recursive code cannot survive.
    put("deep-divs.html", "<div>" * (6000 * scale) + "walrus" + "</div>" * (6000 * scale), "any")
    put("many-bold.html", "<p>" + "<b>" * (50_000 * scale) + "narwhal</p>", "any")
    put("many-stars.md", "The " + "*" * (50_000 * scale) + " end\n", "any")
    put("many-brackets.md", "The " + "[" * (50_000 * scale) + " end\n", "any")
    put("unclosed-tags.html", "<p><div><table>" * (20_000 * scale) + "end", "any")
    put("many-paragraphs.md", "".join(f"Para {i}.\n\n" for i in range(200_000 * scale)), "any")
    # A paragraph on which a backtracking tokenizer takes hours (quadratic in its length).
    put("dotted-run.md", "The ulna paragraph. " + "1." * (100_000 * scale) + "1a1\n", "good", "ulna")
    put("long-word.md", "x" * (2_000_000 * scale) + "\n\nThe yarrow paragraph follows a long word.\n", "any")
    deep_toml = "".join(f"[{'a.' * i}a]\n" for i in range(1, 3)) + "x = " + "[" * 5000 + "]" * 5000 + "\n"
    put("deep-sidecar.md", good_markdown("umber"), "failed")
    (folder / "deep-sidecar.meta.toml").write_text(deep_toml, encoding="utf-8")
    # Encodings and bytes.
    put("empty.md", b"", "failed")
    put("blank.md", b"\n\n   \n", "failed")
    put("binary.md", bytes(range(256)) * 40, "failed")
    put(
        "utf16-odd.md",
        b"\xff\xfe" + "The velvet paragraph in UTF-16.".encode("utf-16-le") + b"\x41",
        "good",
        "velvet",
    )
    put("latin1.md", "The wombat paragraph says caf\xe9 in Latin-1.\n".encode("latin-1"), "good", "wombat")
    put("controls.md", ("\x01\x02\x03\x04" * 1000).encode(), "failed")
    put("script.html", "<p>The xylem paragraph <script>alert(1)</script> stays text.</p>", "good", "xylem")
    # PDFs: a good one, damaged ones, one with more pages than an article has.
    put(
        "good.pdf",
        pdf_bytes(["The tamarind paragraph is a real paragraph of a small PDF."]),
        "good",
        "tamarind",
    )
    good_pdf = pdf_bytes(["The vetiver paragraph is in a PDF cut in half."] * 40)
    put("truncated.pdf", good_pdf[: len(good_pdf) // 2], "any")
    put("not-a.pdf", b"%PDF-1.7\n" + bytes(range(256)) * 20, "failed")
    put("empty.pdf", b"", "failed")
    put("text-free.pdf", pdf_bytes([]), "failed")
    put("too-many-pages.pdf", pdf_bytes([""] * 2001), "failed")
    # Names: a long one (its sidecar's name passes 255 bytes) and two files with one slug.
    put("L" * 245 + ".md", good_markdown("lantern"), "good", "lantern")
    put("same id.md", good_markdown("juniper"), "good", "juniper")
    put("same-id.md", good_markdown("kumquat"), "good", "kumquat")  # told apart: same-id-md
    # Not corpus files: a symlink out of the corpus, a FIFO, a symlink loop.
    secret = outside / "secret.md"
    secret.write_text("The hemlock secret must never be indexed.\n", encoding="utf-8")
    os.symlink(secret, folder / "secret-link.md")
    cases.append(Case("secret-link.md", "skipped", "hemlock"))
    os.mkfifo(folder / "pipe.md")
    cases.append(Case("pipe.md", "skipped"))
    os.symlink(folder, folder / "loop")
    os.symlink(folder / "good-zanzibar.md", folder / "inside-link.md")  # inside: allowed, same text
    cases.append(Case("inside-link.md", "any"))
    return cases
