"""Parsing: the seed exactly, the HTML and Markdown fixtures, sidecars and bad input."""

from __future__ import annotations

import json
import re
import shutil
from collections import Counter
from pathlib import Path

import pytest

from archive import parse as parse_mod
from archive.check import check_corpus
from archive.cli import cli
from archive.engine.index import IndexHandle
from archive.models import Author, ParseError
from archive.parse import article_id, parse_file
from archive.reindex import reindex

SEED_SECTIONS = [
    "Two statements for the “new era”",
    "Still the economy, not so stupid",
    "Pandas, parties (at Bolshoi Theatre) and personal touches",
    "Military-to-military: from exercises to operations",
    "Between panda and bear: identity and status",
    'Beyond the "best-ever" relationship: alliance, alignment, and autonomy',
    "Chronology of China-Russia Relations",
]


def passage_with(article, fragment: str):
    matches = [p for p in article.passages if fragment in p.text]
    assert len(matches) == 1, f"{fragment!r} is in {len(matches)} passages"
    return matches[0]


def test_an_article_read_back_from_its_record_is_the_same_article(seed):
    """Article.from_dict(to_dict()) gives the article back, passages written before a field was
    added included (they take its default)."""
    from dataclasses import replace

    from archive.models import Article

    data = seed.to_dict()
    assert Article.from_dict(data) == seed
    older = {
        **data,
        "passages": [{k: v for k, v in p.items() if k != "called_from"} for p in data["passages"]],
    }
    defaults = tuple(replace(p, called_from=None) for p in seed.passages)
    assert Article.from_dict(older) == replace(seed, passages=defaults)


def test_seed_article_record(seed):
    record = seed.to_dict()["article"]
    del record["sha256"], record["source"]
    assert record == {
        "id": "cc-2019-09-china-russia",
        "title": "Beautiful Relationship in a Brave/Grave New World",
        "authors": [
            {
                "name": "Yu Bin",
                "family": "Yu",
                "given": "Bin",
                "affiliation": "Wittenburg University",
                "family_first": True,
                "literal": False,
            }
        ],
        "journal": "Comparative Connections",
        "journal_subtitle": "A Triannual E-Journal of Bilateral Relations in the Indo-Pacific",
        "relation": "China-Russia Relations",
        "volume": "21",
        "issue": "2",
        "date": "2019-09",
        "first_page": 113,
        "last_page": 122,
        "period": "May – August 2019",
        "language": "en",
        "description": None,
        "type": "article-journal",
        "doi": None,
        "url": None,
        "publisher": None,
        "accessed": None,
        "pdf_url": None,
        "authors_et_al": False,
        "csl_extra": {},
        "metadata_sources": {
            "title": "citation note",
            "authors": "header",
            "journal": "citation note",
            "journal_subtitle": "citation note",
            "relation": "header",
            "volume": "citation note",
            "issue": "citation note",
            "date": "citation note",
            "first_page": "citation note",
            "last_page": "citation note",
            "language": "the text",
        },
        "page_note": None,
        "page_source": None,  # inferred from page breaks; a PDF states its pages (test_pdf.py)
        "warnings": [],
        "dropped": [],
    }
    assert re.fullmatch(r"[0-9a-f]{64}", seed.sha256)


def test_seed_sections_and_paragraph_counts(seed):
    assert [s.title for s in seed.sections] == SEED_SECTIONS
    assert [s.number for s in seed.sections] == [1, 2, 3, 4, 5, 6, 7]
    per_section = Counter(p.section_number for p in seed.passages if p.kind == "paragraph")
    assert [per_section[n] for n in range(1, 7)] == [7, 10, 8, 8, 5, 13]
    assert Counter(p.kind for p in seed.passages) == {
        "lead": 1,
        "paragraph": 51,
        "figure": 5,
        "chronology": 19,
    }


def test_seed_numbering_is_one_sequence_in_reading_order(seed):
    numbered = [p for p in seed.passages if p.kind != "figure"]
    assert [p.number for p in numbered] == list(range(1, 72))
    assert [p.order for p in seed.passages] == list(range(76))
    assert numbered[0].kind == "lead" and numbered[0].section is None
    assert [p.kind for p in numbered[52:]] == ["chronology"] * 19
    assert [p.ordinal for p in seed.passages if p.kind == "figure"] == [1, 2, 3, 4, 5]
    assert seed.passages[0].id == "cc-2019-09-china-russia-p1"
    assert seed.passage("cc-2019-09-china-russia-fig3").section == SEED_SECTIONS[2]


def test_seed_page_break_splits_are_rejoined(seed):
    joins = [
        "pursuit of both offensive and defensive superiority means the end of MAD",
        "The 250-to-320-seat twinjet airliner, equivalent to the Airbus A-330",
        "a third of China’s annual soybean imports",
        "general society, as more Russians and Chinese visited each other's country",
        "one of Russia's four large military districts",
        'Indeed, the "China threat" view may have gained',
        "that is, it is at least unharmed (至少无害)",
        "In the final analysis, Russia seeks a multipolar world",
        'he saw the "new age" as the outcome of a protracted experience',
    ]
    spans = [(passage_with(seed, j).page_start, passage_with(seed, j).page_end) for j in joins]
    assert spans == [(p, p + 1) for p in range(113, 122)]


def test_seed_pages_are_inferred_for_every_passage(seed):
    assert seed.passages[0].page_start == 113
    assert seed.passages[-1].page_end == 122
    assert all(p.page_start and p.page_end for p in seed.passages)
    assert passage_with(seed, "Vladimir Putin and Xi Jinping at the Moscow Zoo").page_start == 116


def test_seed_chronology_dates(seed):
    chronology = [p for p in seed.passages if p.kind == "chronology"]
    assert (chronology[0].date_start, chronology[0].date_end) == ("2019-04-29", "2019-05-04")
    assert (chronology[3].date_start, chronology[3].date_end) == ("2019-05-30", "2019-05-31")
    aug10 = passage_with(seed, "Zhang Hanhui arrives")
    assert (aug10.date_start, aug10.date_end) == ("2019-08-10", "2019-08-10")
    assert sum(p.date_start.startswith("2019-07") for p in chronology) == 7
    assert all(p.section == "Chronology of China-Russia Relations" for p in chronology)


def test_seed_figures_keep_captions_and_credits(seed):
    figures = [p for p in seed.passages if p.kind == "figure"]
    assert [f.credit for f in figures] == [
        "Photo: Moscow Times",
        "Photo: Chinanews.com",
        "Photo: Russia Insights",
        "Source: thesun.co.uk",
        None,
    ]
    assert figures[0].text == (
        "Figure 1 Russia’s MTS Signs 5G Deal With Chinese Telecom Giant Huawei. Photo: Moscow Times"
    )


def test_seed_text_is_normalised_and_html_keeps_only_emphasis(seed):
    lead = seed.passages[0]
    assert "joined fifth Interaction" in lead.text and "[" not in lead.text
    assert "<em>Joint Sea</em>" in lead.html and "<a" not in lead.html
    plant = passage_with(seed, "plant is China’s largest investment")
    assert "The $500-million plant" in plant.text and "\\" not in plant.text
    assert "$22 billion" in passage_with(seed, "About 30 investment projects").text
    assert all("  " not in p.text and p.text == p.text.strip() for p in seed.passages)
    tags = {t for p in seed.passages for t in re.findall(r"</?([a-z]+)", p.html)}
    assert tags == {"em"}


def test_seed_keeps_chinese_and_russian(seed):
    assert "(战略互信)" in passage_with(seed, "strategic mutual trust").text
    assert "Orenburg (Оренбург)" in passage_with(seed, "Type 96 main battle tanks").text


def test_citation_note_is_metadata_not_a_passage(seed):
    assert not any("Preferred citation" in p.text or "extracted from" in p.text for p in seed.passages)


def test_sections_hold_their_passages_text(seed):
    chronology = seed.sections[-1]
    assert len(chronology.passage_ids) == 19
    assert chronology.text.startswith("April 29-May 4, 2019: Chinese and Russian navies")


def test_html_article(tmp_path):
    article = parse_file(Path(__file__).parent / "corpus" / "arms-control.html")
    assert article.title == "Arms Control After the Cold War"
    assert [(a.family, a.given) for a in article.authors] == [
        ("Smith", "Sheila A."),
        ("McClean", "Charles T."),
    ]
    assert (article.journal, article.volume, article.issue, article.date) == (
        "Policy Review",
        "12",
        "3",
        "2020-05-01",
    )
    assert [(p.kind, p.section) for p in article.passages] == [
        ("lead", None),
        ("paragraph", "The treaties"),
        ("figure", "The treaties"),
        ("paragraph", "The treaties"),
        ("paragraph", "The treaties"),
        ("paragraph", "What comes next"),
        ("paragraph", "What comes next"),
    ]
    text = " ".join(p.text for p in article.passages)
    assert "tracker" not in text and "About the journal" not in text and "©" not in text
    assert article.passages[2].credit == "Source: Arms Control Association"
    assert "<strong>sanctioned</strong>" in article.passages[1].html
    hostile = article.passages[-1]
    assert "<script>alert(1)</script>" in hostile.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in hostile.html


def test_regular_markdown_with_front_matter():
    article = parse_file(Path(__file__).parent / "corpus" / "regular-markdown.md")
    assert article.title == "Sanctions and Their Discontents"
    assert article.authors == (
        Author("Jane Doe", "Doe", "Jane"),
        Author("John Q. Public", "Public", "John Q."),
    )
    assert (article.date, article.description) == ("2021-03-15", "A short study of sanctions.")
    assert [p.kind for p in article.passages] == [
        "lead",
        "paragraph",
        "paragraph",
        "chronology",
        "chronology",
    ]
    assert not any("title:" in p.text or "---" in p.text for p in article.passages)
    script = article.passages[1]
    # A script in Markdown is dropped with its code: never run, never shown as literal text.
    assert script.text.endswith("keep imposing them. is shown as text.")
    assert "alert" not in script.text and "script" not in script.html
    assert (article.passages[4].date_start, article.passages[4].date_end) == ("2020-12-30", "2021-01-02")


def test_sidecar_overrides_parsed_metadata(tmp_path, seed_path):
    copy = tmp_path / "yu.md"
    shutil.copy(seed_path, copy)
    (tmp_path / "yu.meta.toml").write_text(
        'title = "A Corrected Title"\nvolume = "22"\npages = "200-209"\nlanguage = "en-GB"\n'
        '[[authors]]\nfamily = "Yu"\ngiven = "Bin"\nfamily_first = true\naffiliation = "Wittenberg University"\n',
        encoding="utf-8",
    )
    article = parse_file(copy)
    assert (article.title, article.volume, article.issue, article.language) == (
        "A Corrected Title",
        "22",
        "2",
        "en-GB",
    )
    assert article.authors == (Author("Yu Bin", "Yu", "Bin", "Wittenberg University", True),)
    assert (article.first_page, article.last_page) == (200, 209)
    assert article.passages[0].page_start == 200


def test_broken_sidecar_is_a_clear_error(tmp_path, seed_path):
    shutil.copy(seed_path, tmp_path / "yu.md")
    (tmp_path / "yu.meta.toml").write_text('title = "unclosed\n', encoding="utf-8")
    with pytest.raises(ParseError, match=r"metadata sidecar yu\.meta\.toml is not valid TOML"):
        parse_file(tmp_path / "yu.md")


def test_page_inference_refuses_to_guess(tmp_path, seed_path):
    text = seed_path.read_text(encoding="utf-8").replace(
        "offensive and\n\ndefensive", "offensive and defensive"
    )
    (tmp_path / "one-less.md").write_text(text, encoding="utf-8")
    article = parse_file(tmp_path / "one-less.md")
    assert (
        article.page_note == "found 8 page break(s) but pages 113–122 need 9; passages have no page numbers"
    )
    assert all(p.page_start is None for p in article.passages)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "file is empty"),
        (b"  \n\n\t ", "file is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "file is binary (it contains NUL bytes), not text"),
        (bytes(range(1, 32)) * 50, "file is binary (it is mostly control characters), not text"),
        (
            b"---\ntitle: Only front matter\n---\n",
            "no text found (no paragraphs after the header and metadata)",
        ),
    ],
)
def test_bad_input_is_refused_with_a_reason(tmp_path, content, reason):
    path = tmp_path / "bad.md"
    path.write_bytes(content)
    with pytest.raises(ParseError) as caught:
        parse_file(path)
    assert (caught.value.source, caught.value.reason) == (str(path), reason)


def test_non_utf8_text_falls_back_with_a_warning(tmp_path):
    path = tmp_path / "latin.md"
    path.write_bytes("Café society in Moscow: the café was full, naïve visitors came.\n".encode("cp1252"))
    article = parse_file(path)
    assert article.passages[0].text == "Café society in Moscow: the café was full, naïve visitors came."
    assert len(article.warnings) == 1
    assert article.warnings[0].startswith("file is not valid UTF-8 (byte 0xe9 at offset 3); read as ")


AUTHORED_POST = """---
title: Joins
---

Here is the first paragraph that ends with a link to the docs at example.org

The second paragraph is a separate thought, long enough not to look like a heading.

Thanks to all contributors

Hello Jekyllers!

Another separate paragraph, long enough not to look like a heading at all.
"""


@pytest.mark.parametrize(
    "front", ["---\ntitle: Joins\n---\n", "+++\ntitle = 'Joins'\n+++\n", "Title: Joins\n"]
)
def test_a_post_with_front_matter_keeps_its_paragraphs_without_headings(tmp_path, front):
    """Blank lines in a Markdown post are its author's paragraphs: a short line without a full
    stop is not taken for a heading, nor joined to the next, as a PDF's text would be."""
    path = tmp_path / "post.md"
    path.write_text(front + AUTHORED_POST.split("---\n", 2)[2], encoding="utf-8")
    article = parse_file(path)
    assert [p.text[:20] for p in article.passages] == [
        "Here is the first pa",
        "The second paragraph",
        "Thanks to all contri",
        "Hello Jekyllers!",
        "Another separate par",
    ]
    assert [p.kind for p in article.passages] == ["paragraph"] * 5
    assert article.sections == ()


def test_a_paper_page_with_only_front_matter_is_read_by_its_abstract(tmp_path):
    """PMLR's proceedings and Hugo Academic's publications: title, authors, pages and abstract in
    front matter, nothing under it. The abstract is its text; without one it has none."""
    page = tmp_path / "2007-03-11-paper.md"
    page.write_text(
        "---\ntitle: Policy Gradients\nabstract: In uncertain environments a policy must be a function"
        " of the whole history.\n  We track sufficient statistics.\nauthor:\n- given: Ana\n  family: Vidal\n"
        "page: 3-10\n---\n",
        encoding="utf-8",
    )
    article = parse_file(page)
    assert [(p.kind, p.text) for p in article.passages] == [
        ("paragraph", "In uncertain environments a policy must be a function of the whole history. We track"
         " sufficient statistics."),
    ]  # fmt: skip
    assert (article.title, article.authors[0].family, article.first_page) == ("Policy Gradients", "Vidal", 3)
    page.write_text("---\ntitle: Policy Gradients\n---\n", encoding="utf-8")
    with pytest.raises(ParseError, match="no text found"):
        parse_file(page)


def test_a_list_item_is_never_joined_to_the_paragraph_after_it(tmp_path):
    """Even in text without front matter or headings (read as a PDF's might be), a list's last
    item without a full stop ends where the list does."""
    path = tmp_path / "notes.md"
    path.write_text(
        "Intro paragraph goes here for the list test.\n\n- The first item is a full sentence.\n"
        "- The second item has no stop\n\nClosing paragraph after the list.\n\n"
        "1. one numbered item\n2. two numbered item\n\nAnother closing paragraph.\n",
        encoding="utf-8",
    )
    texts = [p.text for p in parse_file(path).passages]
    assert "The second item has no stop" in texts and "two numbered item" in texts
    assert texts[-1] == "Another closing paragraph."


def test_file_without_header_or_headings_gets_title_from_name(tmp_path):
    path = tmp_path / "Notes on Вологда 2020.txt"
    path.write_text("Just one paragraph of text.\n\nAnd another one.\n", encoding="utf-8")
    article = parse_file(path)
    assert article.id == "notes-on-вологда-2020"
    assert article.title == "Notes on вологда 2020"
    assert [p.kind for p in article.passages] == ["paragraph", "paragraph"]


def test_article_ids_are_url_safe_slugs():
    assert article_id(Path("CC 2019_09 China–Russia (final).md")) == "cc-2019-09-china-russia-final"
    assert article_id(Path("Café Ünïcode.html")) == "cafe-unicode"
    assert article_id(Path("!!!.md")).startswith("article-")
    # Hugo page bundles and one-page folders are named by their folder, so two never collide.
    assert article_id(Path("content/posts/Arms Control/index.md")) == "arms-control"
    assert article_id(Path("content/organization/_index.md")) == "organization"
    assert article_id(Path("reports/2019-sanctions/README.md")) == "2019-sanctions"
    assert article_id(Path("index.md")) == "index"  # a folder-less name keeps its own
    # Hugo's translations in a bundle: each language its own article, named by the folder
    assert article_id(Path("posts/arms-control/index.zh-cn.md")) == "arms-control-zh-cn"
    assert article_id(Path("posts/arms-control/index.fr.md")) == "arms-control-fr"
    assert article_id(Path("posts/arms-control/_index.de.md")) == "arms-control-de"
    assert article_id(Path("posts/arms-control/index.old.md")) == "arms-control-old"
    assert article_id(Path("posts/sanctions.fr.md")) == "sanctions-fr"


@pytest.mark.parametrize(
    ("name", "language"),
    [
        ("index.fr.md", "fr"),
        ("index.zh-cn.md", "zh-CN"),
        ("sanctions.pt_BR.md", "pt-BR"),
        ("report.de.html", "de"),
        ("index.old.md", "en"),  # not a language: the default
        ("report.v2.md", "en"),
        ("index.md", "en"),
    ],
)
def test_a_translation_is_in_the_language_its_file_name_states(tmp_path, name, language):
    folder = tmp_path / "arms-control"
    folder.mkdir()
    text = "# Arms control\n\nA paragraph of the article, long enough to be a passage of it.\n"
    if name.endswith(".html"):
        text = (
            "<html><body><h1>Arms control</h1><p>A paragraph of the article, long enough.</p></body></html>"
        )
    (folder / name).write_text(text, encoding="utf-8")
    assert parse_file(folder / name).language == language


@pytest.mark.parametrize(
    ("name", "front", "date", "title"),
    [
        ("_posts/2014-09-25-design-studio.md", "layout: post", "2014-09-25", "Design studio"),
        ("_posts/2014-09-25-design-studio.md", "date: 2015-01-02", "2015-01-02", "Design studio"),
        ("2019-05-15-harbours/index.md", "layout: post", "2019-05-15", "Harbours"),
        ("2019-13-45-not-a-day.md", "layout: post", None, "Not a day"),
        ("report-2019.md", "layout: post", None, "Report 2019"),
    ],
)
def test_a_post_named_for_its_day_has_that_date(tmp_path, name, front, date, title):
    """Jekyll's posts state their day only in their file's name (the front matter's wins)."""
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\n{front}\n---\n\nA paragraph of the post, long enough.\n", encoding="utf-8")
    article = parse_file(path)
    assert (article.date, article.title) == (date, title)
    assert article.type == "webpage"  # a site's post: not CSL's generic article, a preprint


def test_the_language_a_file_states_wins_over_its_name(tmp_path):
    path = tmp_path / "index.fr.md"
    path.write_text("---\ntitle: Arms control\nlang: de\n---\n\nEin Absatz des Artikels.\n", encoding="utf-8")
    article = parse_file(path)
    assert article.language == "de" and article.metadata_sources["language"] == "front matter"


def test_huge_file_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(parse_mod, "MAX_BYTES", 1000)
    path = tmp_path / "huge.md"
    path.write_text("word " * 1000, encoding="utf-8")
    with pytest.raises(ParseError, match="over the 0 MB limit"):
        parse_file(path)


def test_malformed_front_matter_is_ignored_with_a_warning(tmp_path):
    path = tmp_path / "fm.md"
    path.write_text("---\ntitle: [unclosed\n---\n\nBody text here.\n", encoding="utf-8")
    article = parse_file(path)
    assert [p.text for p in article.passages] == ["Body text here."]
    assert article.warnings[0].startswith("front matter is not valid and was ignored")


def test_check_reports_every_file_and_keeps_going(corpus_dir, runner):
    (corpus_dir / "empty.md").write_bytes(b"")
    (corpus_dir / "image.png").write_bytes(b"\x89PNG\x00")
    reports = check_corpus(corpus_dir)
    assert [(r.path.name, r.ok) for r in reports] == [
        ("arms-control.html", True),
        ("cc-2019-09-china-russia.md", True),
        ("empty.md", False),
        ("regular-markdown.md", True),
    ]
    result = runner.invoke(cli, ["check", str(corpus_dir)])
    assert result.exit_code == 1
    assert f"FAILED {corpus_dir / 'empty.md'}\n    file is empty" in result.output
    assert "pages: inferred 113–122" in result.output
    assert "skipped" in result.output and "image.png" in result.output
    assert "4 files, 3 parsed, 1 failed" in result.output


def test_check_takes_the_corpus_as_every_command_does(corpus_dir, runner, monkeypatch, tmp_path):
    """CORPUS, --corpus or $ARCHIVE_CORPUS, as the README says of every command."""
    as_argument = runner.invoke(cli, ["check", str(corpus_dir)])
    as_option = runner.invoke(cli, ["check", "--corpus", str(corpus_dir)])
    monkeypatch.setenv("ARCHIVE_CORPUS", str(corpus_dir))
    from_environment = runner.invoke(cli, ["check"])
    assert as_argument.exit_code == as_option.exit_code == from_environment.exit_code == 0
    assert as_argument.output == as_option.output == from_environment.output
    assert "3 files, 3 parsed, 0 failed" in as_option.output
    missing = runner.invoke(cli, ["check", "--corpus", str(tmp_path / "nowhere")])
    assert missing.exit_code == 1 and "does not exist" in missing.output


def test_two_files_of_one_name_are_told_apart_by_where_they_differ(tmp_path):
    """Hugo's translations in content/<language>/ and a year's post named as last year's: the
    later file's id is qualified by the folders where the two part ways, and check says so."""
    for name in ("en/blog/2022/apisix/index.md", "ja/blog/2022/apisix/index.md", "en/blog/2022/gc.md",
                 "en/blog/2023/gc.md", "ja/blog/2023/gc.md", "notes/gc.txt", "notes/GC.md"):  # fmt: skip
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"# {name}\n\nA paragraph of {name}, long enough to be one.\n", encoding="utf-8")
    reports = {str(r.path.relative_to(tmp_path)): r for r in check_corpus(tmp_path)}
    assert all(r.ok for r in reports.values())
    ids = {name: r.article.id for name, r in reports.items()}
    assert ids == {
        "en/blog/2022/apisix/index.md": "apisix",
        "en/blog/2022/gc.md": "gc",
        "en/blog/2023/gc.md": "2023-gc",
        "ja/blog/2022/apisix/index.md": "ja-apisix",
        "ja/blog/2023/gc.md": "ja-2023-gc",
        "notes/GC.md": "notes-gc",
        "notes/gc.txt": "notes-gc-txt",  # the same folder: its suffix
    }
    ja = reports["ja/blog/2022/apisix/index.md"].article
    assert all(p.id.startswith("ja-apisix-") and p.article_id == "ja-apisix" for p in ja.passages)
    assert all(i.startswith("ja-apisix-") for s in ja.sections for i in s.passage_ids)
    assert "another file has the id 'apisix'" in " ".join(reports["ja/blog/2022/apisix/index.md"].notes)


def test_a_hugo_list_page_or_headless_bundle_without_text_is_skipped_not_failed(tmp_path, runner):
    (tmp_path / "posts").mkdir()
    (tmp_path / "posts" / "_index.md").write_text("---\ntitle: Posts\n---\n", encoding="utf-8")
    (tmp_path / "posts" / "_index.fr.md").write_text(
        "---\ntitle: Articles\n---\n\n<script>\nopen('year');\n</script>\n<!-- list -->\n", encoding="utf-8"
    )
    (tmp_path / "_index.md").write_text(
        "---\ntitle: Home\n---\n\nWelcome to the archive of our essays.\n", encoding="utf-8"
    )
    (tmp_path / "posts" / "essay.md").write_text("# Essay\n\nA paragraph of the essay.\n", encoding="utf-8")
    (tmp_path / "posts" / "talk").mkdir()  # a headless bundle: its translation is the article
    (tmp_path / "posts" / "talk" / "index.md").write_text("---\nheadless: true\n---\n", encoding="utf-8")
    (tmp_path / "posts" / "talk" / "index.es.md").write_text(
        "---\ntitle: Charla\n---\n\nUna charla.\n", encoding="utf-8"
    )
    result = runner.invoke(cli, ["check", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "3 files, 3 parsed, 0 failed" in result.output  # the home page has text: an article
    assert f"skipped {tmp_path / 'posts' / '_index.md'}: a Hugo list page (_index)" in result.output
    assert f"skipped {tmp_path / 'posts' / '_index.fr.md'}" in result.output
    headless = tmp_path / "posts" / "talk" / "index.md"
    assert f"skipped {headless}: a Hugo headless bundle (headless: true) with no text" in result.output


def test_a_pages_figures_folder_is_not_read_for_articles(tmp_path, runner):
    """Quarto writes paper.html's figures and scripts in paper_files/; a folder so named without
    its page beside it is an ordinary folder."""
    (tmp_path / "paper.html").write_text("<html><body><p>The paper's text, long enough.</p></body></html>")
    (tmp_path / "paper_files" / "figure-html").mkdir(parents=True)
    (tmp_path / "paper_files" / "figure-html" / "cell-2.html").write_text("<p>2010</p>")
    (tmp_path / "old_files").mkdir()
    (tmp_path / "old_files" / "note.md").write_text("# Note\n\nAn archived note of ours.\n")
    result = runner.invoke(cli, ["check", str(tmp_path)])
    assert "2 files, 2 parsed, 0 failed" in result.output, result.output
    assert f"skipped {tmp_path / 'paper_files'}: the figures and scripts of paper.html" in result.output


def test_ids_told_apart_stay_as_they_were_when_reindexed(tmp_path):
    corpus = tmp_path / "corpus"
    for name in ("en/post/index.md", "ja/post/index.md"):
        (corpus / name).parent.mkdir(parents=True)
        (corpus / name).write_text(f"# {name}\n\nA paragraph of {name}, long enough.\n", encoding="utf-8")
    reindex(corpus, tmp_path / "index")
    (corpus / "ja/post/index.md").write_text("# ja\n\nThe paragraph, corrected since.\n", encoding="utf-8")
    report = reindex(corpus, tmp_path / "index")
    assert report.changed == [str(corpus / "ja/post/index.md")] and not report.added and not report.removed
    handle = IndexHandle(tmp_path / "index")
    assert handle.article("ja-post").passages[0].text == "The paragraph, corrected since."
    assert handle.article("post").passages[0].text.startswith("A paragraph of en/post")


def test_parse_json_command(runner, seed_path):
    result = runner.invoke(cli, ["parse", str(seed_path), "--json"])
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert set(data) == {"article", "sections", "passages"}
    assert set(data["passages"][0]) >= {
        "id", "kind", "number", "ordinal", "section", "section_number", "text", "html",
        "page_start", "page_end", "date_start", "date_end",
    }  # fmt: skip
    assert data["sections"][0]["passage_ids"][0] == "cc-2019-09-china-russia-p2"


def test_parse_command_reports_bad_file(runner, tmp_path):
    path = tmp_path / "empty.md"
    path.write_bytes(b"")
    result = runner.invoke(cli, ["parse", str(path)])
    assert result.exit_code == 1
    assert f"Error: {path}: file is empty" in result.output


def test_cyrillic_legacy_encoding_is_detected(tmp_path):
    path = tmp_path / "ru.txt"
    path.write_bytes("Оренбург и Москва — города России. Привет всем читателям.\n".encode("cp1251"))
    article = parse_file(path)
    assert article.passages[0].text == "Оренбург и Москва — города России. Привет всем читателям."
    assert article.warnings[0].endswith("read as cp1251")


def test_control_and_format_characters_are_dropped_as_unicode_defines_them():
    """Every code point of this Python's Unicode data: the control (Cc) and format (Cf)
    characters are dropped but tab and newline, in ASCII text and in any other."""
    import sys
    import unicodedata

    from archive.walk import without_controls

    every = "".join(chr(c) for c in range(sys.maxunicode + 1))
    kept = "".join(c for c in every if unicodedata.category(c) not in ("Cc", "Cf") or c in "\n\t")
    assert without_controls(every) == kept
    from archive.walk import CONTROLS_CLASS, controls_class

    if unicodedata.unidata_version in CONTROLS_CLASS:  # the class kept for this Unicode version
        assert CONTROLS_CLASS[unicodedata.unidata_version] == controls_class()
    assert without_controls("a\x00b\tc\u200bd\ufeff") == "ab\tcd"
    assert without_controls("plain\x07 text\n") == "plain text\n"


def test_an_articles_json_shape_has_every_field_but_section_text(seed, tmp_path):
    """to_dict (and what a build packs) is the dataclasses' fields, section text left out (it is
    the passages' own): a field added to a model and not to json_shape fails here."""
    import json
    from dataclasses import asdict

    from archive.parse import parse_file

    note = tmp_path / "note.md"
    note.write_text(
        "---\ntitle: A note\nauthor: [Jane Doe, Yu Bin]\nissn: 1234-5678\n---\n\n# Part\n\nText.[^1]\n\n"
        "[^1]: A note.\n",
        encoding="utf-8",
    )
    for article in (seed, parse_file(note)):
        reference = asdict(article)
        sections, passages = reference.pop("sections"), reference.pop("passages")
        for section in sections:
            section.pop("text")
        expected = json.loads(json.dumps({"article": reference, "sections": sections, "passages": passages}))
        assert article.to_dict() == expected
        assert json.loads(json.dumps(article.json_shape())) == expected


def test_decomposed_tells_destroyed_elements_without_searching_their_children():
    """walk.decomposed agrees with bs4's `decomposed`, and never looks below the element (bs4's
    looks for a child tag named "_decomposed": a page's whole subtree, for every element)."""
    from bs4 import BeautifulSoup

    from archive.walk import decomposed

    soup = BeautifulSoup("<div><nav><a>x</a></nav><p>kept <b>bold</b></p><_decomposed/></div>", "html.parser")
    nav, p = soup.find("nav"), soup.find("p")
    link = nav.find("a")
    nav.decompose()
    assert decomposed(nav) and decomposed(link) and nav.decomposed
    assert not decomposed(p) and not decomposed(soup.find("b")) and not decomposed(soup.find("div"))


LISTED_POST = '<article class="post-entry"><h2><a href="/posts/{n}/">Post {n}</a></h2><p>The opening of post {n}, as the list shows it.</p></article>'
COMMENT = '<article class="comment-body"><footer><a href="https://reader{n}.example.org">Reader {n}</a> says:</footer><p>Comment {n}: a thoughtful reply, some words long.</p></article>'


def test_a_sites_redirects_and_lists_of_posts_are_skipped_not_articles(tmp_path, runner):
    """A generated site's alias page (meta refresh, no text) and its lists of posts (the home,
    page 2, a tag: most of their text in <article> entries linking elsewhere) are said skipped by
    check and reindex, and an article that becomes one is taken out of the index."""
    corpus = tmp_path / "site"
    (corpus / "posts" / "page" / "1").mkdir(parents=True)
    (corpus / "posts" / "page" / "1" / "index.html").write_text(
        '<html><head><meta http-equiv="refresh" content="0; url=https://example.org/posts/"></head>'
        "<body><p>Redirecting…</p></body></html>",
        encoding="utf-8",
    )
    listing = "".join(LISTED_POST.format(n=n) for n in range(5))
    (corpus / "posts" / "index.html").write_text(
        f"<html><body><main>{listing}</main></body></html>", encoding="utf-8"
    )
    related = "".join(LISTED_POST.format(n=n) for n in range(3))
    essay = "<p>" + "An essay's own long paragraph, with its argument set out at length. " * 20 + "</p>"
    (corpus / "essay.html").write_text(
        f"<html><body><article><h1>Essay</h1>{essay}</article><aside>{related}</aside></body></html>",
        encoding="utf-8",
    )
    # A short post and its comments, each an <article> linking to its author: an article
    comments = "".join(COMMENT.format(n=n) for n in range(8))
    (corpus / "short-post.html").write_text(
        f"<html><body><article><h1>Short</h1><p>A short post.</p></article>{comments}</body></html>",
        encoding="utf-8",
    )
    # A page that reloads itself every five minutes: no redirect
    (corpus / "live.html").write_text(
        '<html><head><meta http-equiv="refresh" content="300"></head><body><p>The news, as it comes.</p></body></html>',
        encoding="utf-8",
    )
    result = runner.invoke(cli, ["check", str(corpus)])
    assert result.exit_code == 0, result.output
    assert "5 files, 3 parsed, 0 failed, 2 not articles" in result.output
    redirect = corpus / "posts" / "page" / "1" / "index.html"
    assert f"skipped {redirect}: a page that redirects to https://example.org/posts/" in result.output
    assert f"skipped {corpus / 'posts' / 'index.html'}: a list of 5 posts" in result.output

    index_dir = tmp_path / "index"
    report = reindex(corpus, index_dir)
    assert sorted(report.added) == [
        str(corpus / name) for name in ("essay.html", "live.html", "short-post.html")
    ]
    assert not report.failed
    assert {path for path, _ in report.skipped} >= {str(redirect), str(corpus / "posts" / "index.html")}
    (corpus / "essay.html").write_text(f"<html><body><main>{listing}</main></body></html>", encoding="utf-8")
    report = reindex(corpus, index_dir)
    assert report.removed == [str(corpus / "essay.html")] and not report.failed


def test_a_page_of_links_is_no_article_but_a_short_post_or_a_commented_reading_list_is(tmp_path):
    """A site's index of tags (a cloud of links in its <main>, a line above it) is no article; a
    short post, a list of reading whose links are commented, a page without landmarks (its links
    may be its menus) are articles."""
    from archive.models import NotAnArticle

    def page(name: str, body: str) -> Path:
        path = tmp_path / name
        path.write_text(
            f"<html><head><title>{name}</title></head><body>{body}</body></html>", encoding="utf-8"
        )
        return path

    cloud = "".join(f'<a href="/tag/t{n}/">Topic {n} ({n + 1})</a>' for n in range(60))
    tags = page(
        "tags.html", f"<main><h2>All Topics</h2><p>60 topics across 400 articles</p><div>{cloud}</div></main>"
    )
    with pytest.raises(NotAnArticle, match="a page of 60 links with 7 words of its own"):
        parse_file(tags)
    menu = "".join(f'<li><a href="/p/{n}">Menu entry {n}</a></li>' for n in range(80))
    short = page(
        "short.html", f"<nav><ul>{menu}</ul></nav><main><h1>Short</h1><p>A short post, kept.</p></main>"
    )
    assert [p.text for p in parse_file(short).passages] == ["A short post, kept."]
    reading = "".join(
        f'<li><a href="https://example.org/{n}">Paper {n}</a>: why it matters for housing policy.</li>'
        for n in range(40)
    )
    assert (
        len(parse_file(page("reading.html", f"<main><h1>Reading</h1><ul>{reading}</ul></main>")).passages)
        == 40
    )
    bare = page("bare.html", f"<div>{cloud}</div><p>A page without landmarks keeps its text.</p>")
    assert "A page without landmarks keeps its text." in [p.text for p in parse_file(bare).passages]


def test_a_posts_tags_subscription_box_and_copyright_line_are_not_its_text(tmp_path):
    """Lists of tags or categories (named so, or of rel=tag links, a label beside them), a
    subscription box and a copyright line inside the article are chrome; a tag linked inside a
    sentence, and a box named "tags" holding prose, are text."""
    path = tmp_path / "post.html"
    path.write_text(
        "<html><body><article><header><h1>Gateways</h1>"
        '<div class="tags"><a class="tag" href="/tag/ai/">Ai</a> <a class="tag" href="/tag/llm/">LlmProxy</a></div>'
        "</header><p>The first paragraph names <a class='tag' href='/tag/ai/'>AI</a> in a sentence.</p>"
        '<p>Filed under <a rel="tag" href="/category/a/">Analysis</a>, <a rel="tag" href="/category/b/">Asia</a></p>'
        '<div class="post-tags">These tags were chosen by the editors, who read every post twice.</div>'
        "<p>The last paragraph of the post.</p>"
        '<div id="wechat_subscriber"><img src="qr.png" alt="hoxis wechat"></div>'
        '<div class="copyright-txt"><a href="/copyright">著作权归作者所有</a></div>'
        "</article></body></html>",
        encoding="utf-8",
    )
    assert [p.text for p in parse_file(path).passages] == [
        "The first paragraph names AI in a sentence.",
        "These tags were chosen by the editors, who read every post twice.",
        "The last paragraph of the post.",
    ]


def test_a_pages_table_of_contents_caps_lines_and_quarto_appendix(tmp_path):
    """A theme's table of contents (div.toc) is no lead; an ALL-CAPS paragraph on a page whose
    sections are headed by <h2> is text, not a heading; Quarto's Reuse and Citation sections
    after the notes are back matter, not numbered paragraphs."""
    path = tmp_path / "post.html"
    path.write_text(
        "<html><body><main><h1>Agents</h1>"
        '<div class="toc"><details><summary>Table of Contents</summary><ul><li><a href="#m">Method</a></li>'
        "<li><a href='#r'>Results</a></li></ul></details></div>"
        "<p>The post's opening paragraph, which is its lead.</p><h2 id='m'>Method</h2>"
        "<p>The prompt asks for the file name first.</p><p>FILENAME</p><p>Then the code follows it.</p>"
        "<h2 id='r'>Results</h2><p>It worked.</p>"
        '<section class="level2 unnumbered toc-ignore"><h2>Data note</h2><p>The data are public.</p></section>'
        "<p><strong>REFERENCES</strong></p><p>Smith, J. (2019). Housing. Planning, 3, 1-9.</p>"
        '<div id="quarto-appendix"><section id="quarto-reuse"><h2>Reuse</h2><div><a rel="license" href="/l">CC BY 4.0</a>'
        '</div></section><section id="quarto-citation"><h2>Citation</h2><div>For attribution, please cite this work as:'
        "</div></section></div></main></body></html>",
        encoding="utf-8",
    )
    assert [(p.kind, p.section, p.text) for p in parse_file(path).passages] == [
        ("lead", None, "The post's opening paragraph, which is its lead."),
        ("paragraph", "Method", "The prompt asks for the file name first."),
        ("paragraph", "Method", "FILENAME"),
        ("paragraph", "Method", "Then the code follows it."),
        ("paragraph", "Results", "It worked."),
        ("paragraph", "Data note", "The data are public."),
        ("reference", "References", "Smith, J. (2019). Housing. Planning, 3, 1-9."),
        ("note", "Reuse", "CC BY 4.0"),
        ("note", "Citation", "For attribution, please cite this work as:"),
    ]


def test_control_characters_counted_are_unicodes_but_line_breaks_tab_and_form_feed():
    import unicodedata

    from archive.parse import CONTROL_CHARACTERS

    expected = [
        chr(i) for i in range(0x110000) if unicodedata.category(chr(i)) == "Cc" and chr(i) not in "\n\r\t\f"
    ]
    assert [chr(i) for i in range(0x110000) if CONTROL_CHARACTERS.match(chr(i))] == expected
