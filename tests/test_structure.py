"""Blocks -> sections and numbered passages (structure.py): section paths, the lead, pull quotes,
figures, back matter, and the line-level rules behind them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from archive.asides import is_back_matter
from archive.parse import parse_file
from archive.structure import ends_mid_sentence, is_byline, is_contents_line, looks_like_heading

ARTICLE = """---
title: Ports and Power
author: "Doe, Jane; Roe, John"
date: 2021-03-04
---

An opening paragraph before any heading sets the scene for the whole piece.

## Shipping lanes

The first paragraph of the first section talks about maritime routes and the ports along them.

> Whoever holds the ports holds the sea lanes.

Whoever holds the ports holds the sea lanes. The second paragraph repeats its pull quote and goes on.

### Northern routes

A subsection paragraph about the Arctic route.

![A container ship](ship.png)

*Figure 1. A container ship in the Arctic.*

## Conclusion

Closing thoughts.

---

Jane Doe is a senior fellow at the Institute for Maritime Studies.

## References

Smith, J. (2019). Ports. Journal of Ports, 3(2), 1–10.

Roe, J. (2020). Harbours. Maritime Review, 5, 20–30.
"""


@pytest.fixture(scope="module")
def article(tmp_path_factory):
    path = tmp_path_factory.mktemp("structure") / "ports.md"
    path.write_text(ARTICLE, encoding="utf-8")
    return parse_file(path)


def test_passages_in_reading_order_with_their_section_paths(article):
    shape = [(p.id, p.kind, p.section) for p in article.passages]
    assert shape == [
        ("ports-p1", "lead", None),
        ("ports-p2", "paragraph", "Shipping lanes"),
        ("ports-p3", "paragraph", "Shipping lanes"),
        ("ports-p4", "paragraph", "Shipping lanes › Northern routes"),
        ("ports-fig1", "figure", "Shipping lanes › Northern routes"),
        ("ports-p5", "paragraph", "Conclusion"),
        ("ports-note1", "note", "Conclusion"),
        ("ports-ref1", "reference", "References"),
        ("ports-ref2", "reference", "References"),
    ]
    assert [(s.title, s.level) for s in article.sections] == [
        ("Shipping lanes", 1),
        ("Shipping lanes › Northern routes", 2),
        ("Conclusion", 1),
        ("References", 1),
    ]


def test_a_pull_quote_is_not_indexed_twice_and_check_says_so(article):
    assert not any(p.text == "Whoever holds the ports holds the sea lanes." for p in article.passages)
    assert article.passages[2].text.startswith("Whoever holds the ports holds the sea lanes. The second")
    assert article.dropped == (
        "repeated text (a pull quote) not indexed twice: 'Whoever holds the ports holds the sea lanes.'",
    )


def test_a_figure_keeps_its_caption_and_back_matter_stays_out_of_paragraph_numbers(article):
    figure = article.passage("ports-fig1")
    assert figure.text == "Figure 1. A container ship in the Arctic." and figure.ordinal == 1
    assert max(p.number for p in article.passages if p.number) == 5  # biography and references unnumbered
    assert article.passage("ports-note1").text.startswith("Jane Doe is a senior fellow")


def test_authors_listed_family_first_with_semicolons(article):
    assert [a.name for a in article.authors] == ["Jane Doe", "John Roe"]


def test_line_rules():
    assert ends_mid_sentence("both offensive and") and not ends_mid_sentence("It ended.")
    assert looks_like_heading("RUSSIA AND CHINA", "A long paragraph follows here with many words.")
    assert not looks_like_heading("A sentence that ends with a full stop.", "x")
    assert is_byline("By Jane Doe") and not is_byline("Jane Doe")
    assert is_back_matter("Jane Doe is a senior fellow at the Institute for Maritime Studies.")
    assert not is_back_matter("The institute was founded in 1990.")


@pytest.mark.parametrize(
    "line, contents",
    [
        ("Background ........................ 1", True),
        ("Background ........ 1 Methods . . . . . . 3 Findings ……… 7", True),
        ("Latar Belakang ……… 5", True),
        ("The ministry said... and then 4 more came.", False),
        ("A long paragraph of text. " * 12 + "Then a leader ........ 3", False),  # one leader, 330 characters
        ("Wait..... what? 2 of them....... 3 Sure.", True),  # as many leaders as its length allows
        ("", False),
    ],
)
def test_a_line_of_contents(line, contents):
    assert is_contents_line(line) is contents


def test_a_pull_quote_trimmed_with_ellipses_is_not_indexed_twice():
    from types import SimpleNamespace

    from archive.asides import without_repeats

    body = (
        "The ports along the northern route have grown quickly since the ice retreated, and whoever "
        "holds the ports holds the sea lanes, as one admiral put it to the committee last spring."
    )
    drafts = [
        SimpleNamespace(kind="paragraph", text=body),
        SimpleNamespace(
            kind="paragraph", text="“Whoever holds the ports … as one admiral put it to the committee”"
        ),
        SimpleNamespace(kind="paragraph", text="whoever holds the ports holds the sea lanes, as one admiral"),
        SimpleNamespace(
            kind="paragraph", text="Whoever holds the ports ... holds the oil fields of the north."
        ),
    ]
    kept, dropped = without_repeats(drafts)
    assert [d.text for d in kept] == [body, drafts[3].text]
    assert len(dropped) == 2


def test_a_heading_without_text_of_its_own_is_kept_as_a_path(tmp_path):
    path = tmp_path / "nested.md"
    path.write_text("# Title\n\n## Part one\n\n### Chapter A\n\nText of chapter A.\n", encoding="utf-8")
    parsed = parse_file(Path(path))
    assert [(p.section, p.text) for p in parsed.passages] == [("Part one › Chapter A", "Text of chapter A.")]


@pytest.mark.parametrize(
    ("line", "caps"),
    [
        ("CHRONOLOGY OF EVENTS", True),
        ("ÉTAT ET SOCIÉTÉ", True),
        ("前端程序员怎么转向 AI？", False),  # no case in Chinese: one capital word is not a shout
        ("BIOS 和 ROM 的 64KB", False),
        ("(TIFF)", False),  # a supplementary file's kind
    ],
)
def test_a_line_in_capitals(line, caps):
    from archive.names import is_all_caps

    assert is_all_caps(line) is caps


def test_chinese_paragraphs_with_a_capital_word_stay_paragraphs_as_written(tmp_path):
    from archive.parse import parse_file

    path = tmp_path / "weekly.md"
    path.write_text(
        "# 周刊\n\n## 文章\n\n第一段文字在这里，很长的一段话。\n\n前端程序员怎么转向 AI？\n\n"
        "BIOS 和 ROM 的容量是 64KB。\n",
        encoding="utf-8",
    )
    article = parse_file(path)
    assert [s.title for s in article.sections] == ["文章"]
    assert [p.text for p in article.passages] == [
        "第一段文字在这里，很长的一段话。", "前端程序员怎么转向 AI？", "BIOS 和 ROM 的容量是 64KB。",
    ]  # fmt: skip


def test_a_table_of_contents_is_not_text(tmp_path):
    """A report's contents (leader dots to page numbers) are left out, and check says so; a
    sentence with an ellipsis and a number is text."""
    from archive.parse import parse_file

    path = tmp_path / "report.md"
    path.write_text(
        "# Report\n\n## Contents\n\nBackground ........................ 1\n\n"
        "Methods . . . . . . . . . . 3\n\nLatar Belakang ……… 5\n\n## Background\n\n"
        "The ministry said... and then 4 more came.\n",
        encoding="utf-8",
    )
    article = parse_file(path)
    assert [p.text for p in article.passages] == ["The ministry said... and then 4 more came."]
    assert any("table of contents (3 lines" in why for why in article.dropped)


def test_a_passage_longer_than_the_limit_is_cut_at_sentence_ends(tmp_path):
    """A file of one 22 MB line was one passage: 8 s a page, 44 MB an API answer. Parts keep
    every word, end at a sentence where one is near the limit, and the article says so."""
    from archive.parse import parse_file
    from archive.structure import MAX_PASSAGE_CHARS

    sentence = "The survey counted every vessel in the strait, twice. "
    text = sentence * (2 * MAX_PASSAGE_CHARS // len(sentence) + 5)
    path = tmp_path / "long.md"
    path.write_text(
        f"# Long\n\nA short opening paragraph.\n\n{text}\n\n{'x' * (MAX_PASSAGE_CHARS + 10)}\n",
        encoding="utf-8",
    )
    article = parse_file(path)
    texts = [p.text for p in article.passages]
    assert texts[0] == "A short opening paragraph." and len(texts) == 1 + 3 + 2
    assert all(len(t) <= MAX_PASSAGE_CHARS for t in texts)
    assert all(t.endswith("twice.") for t in texts[1:3])
    assert " ".join(texts[1:4]) == text.strip() and "".join(texts[4:]) == "x" * (MAX_PASSAGE_CHARS + 10)
    assert "2 passages were over 20,000 characters long" in " ".join(article.warnings)


def test_a_code_block_longer_than_the_limit_is_cut_at_line_ends_and_stays_code(tmp_path):
    from archive.parse import parse_file
    from archive.structure import MAX_PASSAGE_CHARS

    lines = [f"x{n} = compute(a, b)  # step {n}" for n in range(2 * MAX_PASSAGE_CHARS // 30)]
    path = tmp_path / "code.md"
    path.write_text("# Code\n\nIntro.\n\n```python\n" + "\n".join(lines) + "\n```\n", encoding="utf-8")
    code = [p for p in parse_file(path).passages if p.kind == "code"]
    assert len(code) >= 2 and all(len(p.html) <= MAX_PASSAGE_CHARS for p in code)
    assert "\n".join(p.html for p in code) == "\n".join(lines)  # every line, whole, in order


def test_cut_code_never_splits_a_character_written_as_an_entity(tmp_path):
    from archive.parse import parse_file
    from archive.structure import MAX_PASSAGE_CHARS

    line = "x = a < b && c > d; " * (MAX_PASSAGE_CHARS // 10)
    path = tmp_path / "long.md"
    path.write_text(f"# Code\n\nIntro.\n\n```\n{line}\n```\n", encoding="utf-8")
    code = [p for p in parse_file(path).passages if p.kind == "code"]
    assert len(code) >= 2 and "".join(p.text for p in code).replace(" ", "") == line.replace(" ", "")
    assert all(not re.search(r"&[a-z]*$|^[a-z]*;", p.html) for p in code)
