"""Real publishing conventions: one fixture per tool in tests/corpus/formats, each with the
structure its author meant (what a reader counts, not what the markup happens to hold)."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archive.cli import cli
from archive.formats.markdown import markdown_to_html, plain_markdown
from archive.frontmatter import split_front_matter
from archive.names import author_from_name, names_and_et_al
from archive.parse import parse_file

FORMATS = Path(__file__).resolve().parent / "corpus" / "formats"


def parsed(name: str):
    return parse_file(FORMATS / name)


def kinds(article) -> dict[str, int]:
    return dict(Counter(p.kind for p in article.passages))


def body(article) -> list:
    return [p for p in article.passages if p.kind in ("lead", "paragraph")]


def no_leaked_markup(article) -> None:
    for passage in article.passages:
        if passage.kind == "code":
            continue
        for leak in ("<excerpt", "<sup", "<br", "{%", "{{", ":::", "[^", "]{", "&lt;", "<!--"):
            assert leak not in passage.text, (passage.id, leak)


def test_jekyll_post():
    article = parsed("jekyll-post.md")
    no_leaked_markup(article)
    assert [a.name for a in article.authors] == ["Maren Holt"] and article.authors_et_al
    assert article.date == "2022-06-14"
    assert kinds(article) == {"lead": 1, "paragraph": 5, "figure": 2, "code": 1, "note": 1}
    # ¶ numbers count only body text: the excerpt tag, captions, the pull quote, code and the bio
    # after the closing rule are outside them.
    assert [p.number for p in body(article)] == [1, 2, 3, 4, 5, 6]
    first, second = (p for p in article.passages if p.kind == "figure")
    assert first.text == "A container crane at the northern terminal, April 2022."
    assert first.image == "/assets/img/crane.jpg"
    assert second.credit == "Source: port authority annual reports"
    assert [s.title for s in article.sections] == [
        "Events",
        "Events › Military events",
        "Events › Economic events",
        "What comes next",
    ]
    assert article.sections[0].passage_ids == ()  # a heading with no text of its own is kept
    assert [p.text for p in article.passages].count("Each concession reserves a berth for naval visits") == 0
    assert any("pull quote" in why for why in article.dropped)
    code = next(p for p in article.passages if p.kind == "code")
    assert code.html == "#include &lt;stdio.h&gt;\n#define BERTHS 3"
    assert not any(s.title.startswith("#") for s in article.sections)
    bio = next(p for p in article.passages if p.kind == "note")
    assert bio.text.startswith("Maren Holt is a senior fellow") and bio.number is None
    dredged = next(p for p in article.passages if "dredged" in p.text)
    assert "meters 1 , deep" in dredged.text and "<sup>1</sup>" in dredged.html


def test_hugo_post_with_toml_front_matter():
    article = parsed("hugo-post.md")
    no_leaked_markup(article)
    assert article.title == "Grain Corridors After the Blockade"
    assert [a.family for a in article.authors] == ["Lindqvist", "Mori"]
    assert article.type == "webpage"  # a site's page: Hugo's layout type "posts" is not a CSL item type
    assert [(s.title, s.level) for s in article.sections] == [
        ("Routes", 1),
        ("Routes › Danube ports", 2),
        ("Routes › Rail to the Baltic", 2),
        ("Costs", 1),
    ]
    figure = next(p for p in article.passages if p.kind == "figure")
    assert (figure.text, figure.image) == (
        "Rail links between the grain belt and Baltic ports",
        "/images/rail-map.png",
    )
    code = next(p for p in article.passages if p.kind == "code")
    assert code.html.startswith("def cost_per_tonne(total, tonnes):\n    return")
    assert body(article)[-1].text == "Insurance premiums fell by half once naval escorts began in the spring."


def test_pandoc_article_with_footnotes():
    article = parsed("pandoc-article.md")
    no_leaked_markup(article)
    assert [(a.family, a.given) for a in article.authors] == [("Karimova", "Dilnoza"), ("Brandt", "Ulrich")]
    assert (article.journal, article.volume, article.issue) == (
        "Journal of Eurasian Resource Policy",
        "14",
        "3",
    )
    assert (article.first_page, article.last_page, article.doi) == (801, 835, "10.5555/jerp.2021.0314")
    assert article.type == "article-journal" and article.language == "en-GB"
    assert [s.title for s in article.sections] == ["Introduction", "The quota system", "References"]
    notes = {p.ordinal: p for p in article.passages if p.kind == "note"}
    assert notes[1].text == "Cotton needs most of its water between June and August."
    assert notes[1].called_from == body(article)[0].id and notes[1].number is None
    inline = next(p for p in notes.values() if "Almaty" in p.text)
    assert inline.called_from == body(article)[1].id
    assert body(article)[1].text == "Treaties signed in the 1990s kept Soviet-era quotas almost unchanged."
    assert body(article)[0].text.endswith("for cotton in summer.")  # the call is not glued to a word
    assert '<sup class="note-call">' in body(article)[0].html
    assert [p.kind for p in article.passages if p.section == "References"] == ["reference"]
    assert [p.number for p in body(article)] == [1, 2, 3, 4]


def test_wordpress_page():
    article = parsed("wordpress-page.html")
    no_leaked_markup(article)
    assert article.title == "Fishing Rights and Coast Guards in the Gulf of Tonkin"
    assert [a.name for a in article.authors] == ["Linh Nguyen"]  # Highwire, meta and byline agree
    assert (article.date, article.type) == ("2020-11-02", "article-newspaper")
    assert (article.journal, article.publisher) == ("Harbor Policy Review", "Harbor Policy Institute")
    assert article.url == "https://harbor-review.example.org/2020/11/fishing-rights/"
    texts = [p.text for p in article.passages]
    assert body(article)[0].text.startswith("Fishing boats from both coasts")  # the byline is not ¶ 1
    for chrome in ("cookies", "Twitter", "Topics", "Another article", "newsletter", "©", "By Linh"):
        assert not any(chrome in t for t in texts), chrome
    note = next(p for p in article.passages if p.kind == "note")
    assert note.text == "Detention figures come from provincial fisheries reports."
    assert note.called_from == body(article)[1].id
    assert article.metadata_sources["authors"] == "Highwire tags"


def test_journal_page_with_highwire_tags_and_figures():
    article = parsed("journal-page.html")
    no_leaked_markup(article)
    assert [(a.family, a.given) for a in article.authors] == [("Okafor", "Chinedu"), ("de la Cruz", "María")]
    assert (article.journal, article.volume, article.issue) == ("Journal of Maritime Security", "7", "2")
    assert (article.first_page, article.last_page) == (45, 67)
    assert (article.doi, article.publisher) == ("10.5555/jms.2022.0207", "Maritime Studies Press")
    assert article.pdf_url == "https://jms.example.org/articles/0207.pdf"
    assert article.title == "Sanctions Evasion Through Ship-to-Ship Transfers"  # Highwire beats DC
    figures = [p for p in article.passages if p.kind == "figure"]
    assert [f.ordinal for f in figures] == [1, 2]
    assert figures[0].credit == "Source: authors' analysis." and figures[0].image == "/figures/0207-f1.png"
    assert figures[1].text == "A tanker alongside a smaller vessel at sea"  # alt text only
    assert kinds(article)["reference"] == 2 and "Journal home" not in " ".join(
        p.text for p in article.passages
    )


def test_institutional_author_report():
    article = parsed("institutional-report.md")
    (author,) = article.authors
    assert (author.name, author.family, author.given, author.literal) == (
        "Office of the Secretary of Defense",
        None,
        None,
        True,
    )
    assert (article.type, article.publisher, article.accessed) == (
        "report",
        "Department of Defense",
        "2024-09-30",
    )
    assert article.url == "https://example.gov/reports/arctic-2024.pdf"


@pytest.mark.parametrize(
    ("line", "names", "et_al"),
    [
        ("Jane Doe, et al.", ["Jane Doe"], True),
        ("Jane Doe and others", ["Jane Doe"], True),
        ("Jane Doe, John Roe and Ann Poe", ["Jane Doe", "John Roe", "Ann Poe"], False),
        ("Nguyen, Linh", ["Nguyen, Linh"], False),
        ("Staff", [], False),
        ("The Editors", [], False),
    ],
)
def test_author_lines(line, names, et_al):
    assert names_and_et_al(line) == (names, et_al)


def test_institutions_are_never_split():
    assert author_from_name("Office of the Secretary of Defense").literal
    assert author_from_name("RAND Corporation").literal
    assert not author_from_name("Linh Nguyen").literal


def test_excerpt_separators_and_liquid_never_leak():
    html = markdown_to_html(
        "One.<!-- more -->\n\nTwo {{ site.title }} {% include x.html %}.\n\nThree<cut/>", "<cut/>"
    )
    assert "more" not in html and "site.title" not in html and "include" not in html and "cut" not in html


def test_code_keeps_templates_and_headings_inside_fences():
    text = (
        "```\n{{ page.title }}\n# not a heading\n```\n\n{% highlight rust %}\n#[repr(C)]\n{% endhighlight %}"
    )
    plain = plain_markdown(text)
    assert "{{ page.title }}" in plain and "```rust\n#[repr(C)]\n```" in plain
    assert "<h1>" not in markdown_to_html(text)


def test_inline_html_is_sanitized_not_shown():
    html = markdown_to_html(
        'A<sup>2</sup> <span onclick="x()">b</span> <img src=x onerror=alert(1)> <iframe>c</iframe>'
    )
    assert "<sup>2</sup>" in html and "onclick" not in html and "onerror" not in html and "iframe" not in html


def test_pelican_header_is_front_matter():
    data, rest, warnings = split_front_matter(
        "Title: A post\nDate: 2020-01-02\nAuthor: Jane Doe\n\nBody: text.\n"
    )
    assert data == {"title": "A post", "date": "2020-01-02", "author": "Jane Doe"} and not warnings
    assert rest.strip() == "Body: text."
    assert split_front_matter("Note: body text.\n\nMore.")[0] == {}
    # Pelican takes any key after the first: a site's own ("Number: 308") ends nothing
    data, rest, _ = split_front_matter("Title: Issue 308\nNumber: 308\nDate: 2019-10-15\n\nHello.\n")
    assert data == {"title": "Issue 308", "number": "308", "date": "2019-10-15"} and rest.strip() == "Hello."
    # YAML after blank lines, and with a tab left after a value, is still the front matter
    data, rest, warnings = split_front_matter("\n\n---\ntitle: A\nauthors:\n  - melody\t\n---\nBody.\n")
    assert (data, rest, warnings) == ({"title": "A", "authors": ["melody"]}, "Body.\n", [])
    # A first paragraph whose lines are not all 'Key: value' is text
    assert split_front_matter("Title: a study\nof harbours and their trade.\n\nMore.")[0] == {}


def test_check_json_reports_each_file_and_the_folder(runner):
    result = runner.invoke(cli, ["check", str(FORMATS), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    by_name = {Path(f["file"]).name: f for f in report["files"]}
    jekyll = by_name["jekyll-post.md"]
    assert jekyll["passages"] == {"lead": 1, "paragraph": 5, "figure": 2, "code": 1, "note": 1}
    assert "Events › Military events" in jekyll["sections"]
    assert jekyll["metadata"]["authors"]["source"] == "front matter"
    assert jekyll["left_out"] and jekyll["warnings"] == []
    assert by_name["journal-page.html"]["metadata"]["doi"] == {
        "value": "10.5555/jms.2022.0207",
        "source": "Highwire tags",
    }
    summary = report["summary"]
    assert summary["files"] == summary["parsed"] == len(list(FORMATS.iterdir()))
    assert summary["passages"]["figure"] == 7 and summary["failed"] == 0


def test_records_carry_the_item_type_and_stated_fields():
    import bibtexparser

    from archive.cite import csl_item
    from archive.records import bibtex, highwire_tags, ris

    report = parsed("institutional-report.md")
    item = csl_item(report)
    assert item["type"] == "report" and item["author"] == [{"literal": "Office of the Secretary of Defense"}]
    assert (
        item["accessed"] == {"date-parts": [[2024, 9, 30]]} and item["publisher"] == "Department of Defense"
    )
    entry = bibtexparser.parse_string(bibtex(report, None)).entries[0]
    assert entry.entry_type == "techreport" and entry["institution"] == "Department of Defense"
    assert entry["author"] == "{Office of the Secretary of Defense}"
    assert ris(report, None).startswith("TY  - RPRT\n") and "Y2  - 2024/09/30" in ris(report, None)

    journal = parsed("journal-page.html")
    assert csl_item(journal)["DOI"] == "10.5555/jms.2022.0207"
    tags = dict(highwire_tags(journal, "https://archive.example/a/journal-page"))
    assert tags["citation_doi"] == "10.5555/jms.2022.0207"
    assert tags["citation_pdf_url"] == "https://jms.example.org/articles/0207.pdf"
    assert "DO  - 10.5555/jms.2022.0207" in ris(journal, None)

    jekyll = parsed("jekyll-post.md")
    assert bibtexparser.parse_string(bibtex(jekyll, None)).entries[0]["author"] == "Holt, Maren and others"


def test_captions_named_by_class_and_biographies_told_apart(tmp_path):
    page = tmp_path / "cms.html"
    page.write_text(
        "<html><body><article><h1>Ports</h1><p>The harbor was rebuilt after the storm of 2019 in two years.</p>"
        '<div class="wp-caption"><img src="/a.jpg" alt=""><p class="wp-caption-text">The new quay</p></div>'
        "<p>Traffic doubled by 2022, and the harbor is a model for the region now.</p>"
        "<p>Russia is a key partner for the port, which ships its grain every autumn.</p>"
        "</article></body></html>",
        encoding="utf-8",
    )
    article = parse_file(page)
    assert [(p.kind, p.text) for p in article.passages if p.kind == "figure"] == [("figure", "The new quay")]
    assert article.passages[-1].kind == "paragraph"  # "Russia is a …" ends the article; it is no biography
    bio = tmp_path / "bio.md"
    bio.write_text(
        "Body text of the article, long enough to count.\n\nJane Doe, PhD, is a senior fellow at the Asia Center.\n"
    )
    assert [p.kind for p in parse_file(bio).passages] == ["paragraph", "note"]


def test_reader_shows_code_notes_and_section_paths(tmp_path):
    from archive.reindex import reindex
    from archive.web import create_app

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ("pandoc-article.md", "hugo-post.md"):
        (corpus / name).write_text((FORMATS / name).read_text(encoding="utf-8"), encoding="utf-8")
    reindex(corpus, tmp_path / "index")
    app = create_app({"CORPUS": str(corpus), "INDEX": str(tmp_path / "index"), "TESTING": True})
    client = app.test_client()
    page = client.get("/a/pandoc-article").get_data(as_text=True)
    assert 'id="note1"' in page and 'href="#p1">back to ¶ 1</a>' in page
    assert '<sup class="note-call">1</sup>' in page
    hugo = client.get("/a/hugo-post").get_data(as_text=True)
    assert "<pre><code>def cost_per_tonne(total, tonnes):\n    return total / tonnes</code></pre>" in hugo
    assert '<h3 id="s2" class="section-title">Danube ports</h3>' in hugo and ">Routes</h2>" in hugo
    note = client.get("/a/pandoc-article/note/1")
    assert note.status_code == 200 and "Cite this note" in note.get_data(as_text=True)
    assert client.get("/a/hugo-post/code/1.bib").status_code == 200


def test_the_article_is_the_largest_landmark_or_the_densest_text(tmp_path):
    long_text = " ".join(["The treaty was ratified after a long debate in both chambers."] * 6)
    teaser = '<article class="teaser"><h2>Act now</h2><p>Send a message.</p></article>'
    page = tmp_path / "landmarks.html"
    other = "Opponents said the vote came too fast."
    page.write_text(
        f"<html><body>{teaser}<div role='main'><p>{long_text}</p><p>{other}</p></div></body></html>"
    )
    assert [p.text for p in parse_file(page).passages] == [long_text, other]
    divs = tmp_path / "divs.html"  # no landmark, text in divs with line breaks, beside a menu
    divs.write_text(
        "<html><head><title>Site name - The chapter title</title></head><body>"
        "<div class='top'><div>Home</div><div>About</div></div>"
        f"<div class='chapter'><div>{long_text}<br><br>{long_text}</div></div></body></html>"
    )
    article = parse_file(divs)
    assert article.title == "The chapter title"
    assert "Home" not in " ".join(p.text for p in article.passages) and long_text in article.passages[0].text


@pytest.mark.parametrize("separator", [" -- ", " :: ", " : ", " / ", " | "])
def test_a_page_title_loses_the_site_name_whatever_the_separator(tmp_path, separator):
    """Hakyll writes "Post -- colah's blog"; a colon joins a title to its subtitle too, so it
    counts only when the page's heading is one of the parts."""
    body = "<p>The post's text is long enough to be a paragraph of its own here.</p>"
    titled = _write(
        tmp_path,
        "post.html",
        f"<html><head><title>Understanding Networks{separator}colah's blog</title></head><body>"
        f"<h1>Understanding Networks</h1>{body}</body></html>",
    )
    assert titled.title == "Understanding Networks"
    subtitled = _write(
        tmp_path,
        "essai.html",
        f"<html><head><title>Les relations : une analyse</title></head><body>{body}</body></html>",
    )
    assert subtitled.title == "Les relations : une analyse"


def test_a_mailchimp_box_and_paragraphs_without_words_are_not_passages(tmp_path):
    article = _write(
        tmp_path,
        "chrome.html",
        "<html><head><title>Post</title></head><body><article><h1>Post</h1>"
        "<p>The post's own text is long enough to be a paragraph of its own here.</p><p>↩</p><p>§</p>"
        "<div id='mc_embed_signup'><p>Subscribe to our mailing list to get the latest posts.</p></div>"
        "<p>Another paragraph of the post's own text.</p></article></body></html>",
    )
    assert [p.text for p in article.passages] == [
        "The post's own text is long enough to be a paragraph of its own here.",
        "Another paragraph of the post's own text.",
    ]


@pytest.mark.parametrize(
    ("before", "dateline"),
    [("", "Posted on May 30th, 2019"), ("<div>How can we keep gadgets?</div>", "Posted on May 30, 2019"),
     ("<div>A subtitle</div>", "30th of May 2019")],
)  # fmt: skip
def test_a_dateline_with_an_ordinal_or_after_a_subtitle_dates_the_post(tmp_path, before, dateline):
    article = _write(
        tmp_path,
        "post.html",
        f"<html><head><title>Gadgets</title></head><body><div id='content'><h1>Gadgets</h1>{before}"
        f"<div class='info'><p>{dateline}</p></div><p>Gadgets are small devices found in many forms.</p>"
        "<p>The second paragraph says why they matter.</p></div></body></html>",
    )
    assert article.date == "2019-05-30"
    assert dateline not in [p.text for p in article.passages]


@pytest.mark.parametrize(
    ("tag", "date"),
    [
        ('<time itemprop="dateCreated" datetime="2014-01-01T18:18:52+08:00">2014-01-01</time>', "2014-01-01"),
        ('<span class="dt-published">2021/03/04</span>', "2021-03-04"),
        ('<time class="entry-date published" datetime="2019-05-30T09:00:00Z">May 30</time>', "2019-05-30"),
        ("<time pubdate>2018年7月9日</time>", "2018-07-09"),
        ('<time class="updated" datetime="2022-08-03">Aug 3</time>', None),
        ('<time itemprop="dateModified" datetime="2022-08-03">Aug 3</time>', None),
    ],
)
def test_a_page_dated_on_an_element_of_its_own_takes_the_whole_date(tmp_path, tag, date):
    """Hexo, WordPress, h-entry and HTML5 say when a post was published on the element that shows
    it, and its byline ("发表于 2014-01-01", or only a year) no longer stands for it; a modified
    date, a sidebar's dates and the text's own dates are not the post's."""
    article = _write(
        tmp_path,
        "post.html",
        "<html><head><title>Notes</title></head><body><aside><time itemprop='datePublished' "
        "datetime='2011-01-01'>1 Jan 2011</time></aside><article><h1>Notes</h1>"
        f"<div class='post-meta'>{tag}</div><p>The first paragraph of the notes, written in 1999.</p>"
        "<p>The second paragraph says why they matter.</p></article></body></html>",
    )
    assert article.date == date


def test_a_diarys_dated_entries_keep_their_dates_as_text(tmp_path):
    """Only the post's own dateline is metadata: the date lines of a diary's entries stay."""
    article = _write(
        tmp_path,
        "diary.md",
        "# Field diary\n\nWe arrived at the station and unpacked the equipment for the season.\n\n"
        "March 5, 2020\n\nThe first samples were taken from the northern lake.\n\nMarch 9, 2020\n\nA storm.\n",
    )
    texts = [p.text for p in article.passages]
    assert "March 5, 2020" in texts and "March 9, 2020" in texts


def test_a_caption_named_by_its_class_after_a_picture_is_its_caption_once(tmp_path):
    """Hakyll's blog theme: <div><img alt="X"></div><div class="caption"><strong>X</strong></div>."""
    article = _write(
        tmp_path,
        "figures.html",
        "<html><head><title>Widgets</title></head><body><div id='content'><h1>Widgets</h1>"
        "<p>Widgets are small devices that appear throughout the economy in many forms.</p>"
        "<div style='width:70%'><img src='a.png' alt='A widget unrolled.'></div>"
        "<div class='caption'><strong>A widget unrolled.</strong></div>"
        "<p>The second paragraph says why widgets matter to small towns.</p>"
        "<div><img src='b.png' alt=''></div><div class='caption'><strong>Widgets have loops.</strong></div>"
        "</div></body></html>",
    )
    assert [(p.kind, p.text) for p in article.passages] == [
        ("paragraph", "Widgets are small devices that appear throughout the economy in many forms."),
        ("figure", "A widget unrolled."),
        ("paragraph", "The second paragraph says why widgets matter to small towns."),
        ("figure", "Widgets have loops."),
    ]


def test_a_byline_with_a_job_title_names_one_author(tmp_path):
    page = tmp_path / "byline.html"
    page.write_text(
        '<html><head><meta name="author" content="Dana Reyes, Senior Staff Technologist, Speech, Privacy, '
        'and Technology Project"></head><body><article><p>Text of the article, long enough to count.</p>'
        "</article></body></html>"
    )
    assert [a.name for a in parse_file(page).authors] == ["Dana Reyes"]


def test_every_csl_variable_the_source_states_reaches_the_item(tmp_path):
    from archive.cite import csl_item

    source = tmp_path / "stated.md"
    source.write_text(
        "---\ntitle: Water Law\nauthor: Jane Doe\neditor: [Max Weber, Ann Lee]\ntranslator: Kim Park\n"
        "publisher-place: Berlin\nISSN: 1234-5678\nedition: 2\ncollection-title: Studies in Law\n"
        "original-date: 1999\npages: e1234\njournal: Law Review\nlayout: post\n---\n\nText of the article here.\n",
        encoding="utf-8",
    )
    item = csl_item(parse_file(source))
    assert item["editor"] == [{"family": "Weber", "given": "Max"}, {"family": "Lee", "given": "Ann"}]
    assert item["translator"] == [{"family": "Park", "given": "Kim"}]
    assert (item["publisher-place"], item["ISSN"], item["edition"]) == ("Berlin", "1234-5678", "2")
    assert (item["collection-title"], item["page"]) == ("Studies in Law", "e1234")
    assert item["original-date"] == {"date-parts": [[1999]]} and "layout" not in item


def _write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return parse_file(path)


def test_front_matter_that_is_empty_or_a_rule_loses_no_text(tmp_path):
    empty = _write(
        tmp_path, "empty.md", "---\n---\n\nP1 text here.\n\nP2 text here.\n\n---\n\nP3 text here.\n"
    )
    assert [p.text for p in empty.passages] == ["P1 text here.", "P2 text here.", "P3 text here."]
    rule = _write(tmp_path, "rule.md", "---\n\nA rule opens this text.\n\nMore text.\n\n---\n\nLast part.\n")
    assert [p.text for p in rule.passages] == ["A rule opens this text.", "More text.", "Last part."]


def test_notes_and_back_matter_never_share_an_id(tmp_path):
    article = _write(
        tmp_path,
        "notes.md",
        "Body text with a note.[^1] And another.[^2]\n\n## About the author\n\n"
        "Jane Doe is a senior fellow at the Institute of Things.\n\n[^1]: First.\n[^2]: Second.\n",
    )
    ids = [p.id for p in article.passages]
    assert len(ids) == len(set(ids)) and [p.kind for p in article.passages].count("note") == 3


def test_links_that_are_not_note_calls_stay_text(tmp_path):
    article = _write(
        tmp_path,
        "steps.html",
        '<html><body><article><h1>Steps</h1><p>Follow the steps, see step <a href="#s2">2</a> first.</p>'
        '<ol><li id="s1">Mix the ingredients.</li><li id="s2">Bake them for forty minutes.</li></ol>'
        '<h2 id="related-work">Related work</h2><p>Smith studied this at length.</p>'
        '<p>A claim.<sup><a href="#n1">¹</a></sup></p><div class="footnotes"><p id="n1">The source.</p></div>'
        "</article></body></html>",
    )
    texts = [(p.kind, p.text) for p in article.passages]
    assert ("lead", "Follow the steps, see step 2 first.") in texts
    assert ("paragraph", "Bake them for forty minutes.") in texts
    assert [s.title for s in article.sections] == ["Related work"]  # a heading is never chrome by its id
    assert ("note", "The source.") in texts and ("paragraph", "A claim.") in texts


def test_a_page_of_sections_without_landmarks_keeps_them_all(tmp_path):
    sections = "".join(
        f"<div class='section'><h2>{name}</h2><p>The {name.lower()} section has a paragraph of some length.</p></div>"
        for name in ("Introduction", "Method", "Results")
    )
    article = _write(
        tmp_path, "plain.html", f"<html><head><title>Essay</title></head><body>{sections}</body></html>"
    )
    assert [s.title for s in article.sections] == ["Introduction", "Method", "Results"]


def test_odd_pictures_and_template_tags(tmp_path):
    words = " ".join(["word"] * 60) + "."
    picture = _write(tmp_path, "picture.md", f"![](pic.png) {words}\n\nSecond paragraph.\n")
    assert [p.kind for p in picture.passages] == ["paragraph", "paragraph"]
    tags = _write(
        tmp_path,
        "tags.md",
        "Use `{{ site.title }}` here {{ x }}.\n\n    {{ code }}\n\n{% raw %}{{ page.title }}{% endraw %} shown.\n\n"
        "An {% unclosed tag.\n\nNext paragraph.\n",
    )
    texts = [p.text for p in tags.passages]
    assert texts[0] == "Use {{ site.title }} here ." and texts[1] == "{{ code }}"
    assert texts[2:] == ["{{ page.title }} shown.", "An unclosed tag.", "Next paragraph."]
    # Inside {% raw %}, a {% raw %} is text: only {% endraw %} ends it (Jekyll's release notes)
    nested = _write(
        tmp_path,
        "nested.md",
        "[`{% raw %}{% highlight %}{% endraw %}` is like `{% raw %}{% raw %}{% endraw %}`](https://x.org/1), "
        "so use `include` tags.\n",
    )
    assert [p.text for p in nested.passages] == ["{% highlight %} is like {% raw %}, so use include tags."]
    # Inside raw HTML's <pre>, Liquid is read as Jekyll reads it
    pre = _write(tmp_path, "pre.md", "Write it so:\n\n<pre>\n{% raw %}{{ page.title }}{% endraw %}\n</pre>\n")
    assert [p.text for p in pre.passages] == ["Write it so:", "{{ page.title }}"]


def written(folder: Path, name: str, text: str):
    """The article a file of this name and text parses into."""
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return parse_file(path)


def test_template_syntax_goes_and_what_only_looks_like_it_stays(tmp_path):
    """Braces of JSON and LaTeX are text; a string piped into a Liquid filter shows the string;
    template comments and attribute lists go."""
    article = written(
        tmp_path,
        "post.md",
        "---\ntitle: Braces\n---\n\n"
        'Send {"a": {"b": 1}} as the body.\n\n'
        "Distance $\\sqrt{(x_1-x_2)^{2}}$ between points.\n\n"
        "*{{ \"jeremy\" | team_link }} and {{ 'mhz' | team_link }} contributed.*\n\n"
        "A sandwich.{.font-alt-xs}\n\n"
        "{# autoplay disabled #}Video below {{ site.baseurl }} here.\n",
    )
    assert [p.text for p in article.passages] == [
        'Send {"a": {"b": 1}} as the body.',
        "Distance $\\sqrt{(x_1-x_2)^{2}}$ between points.",
        "jeremy and mhz contributed.",
        "A sandwich.",
        "Video below here.",
    ]


def test_fences_with_more_than_a_language_are_code(tmp_path):
    """```js src/App.js and ```typescript{3} open code blocks; ```code``` on one line is inline."""
    article = written(
        tmp_path,
        "fences.md",
        "---\ntitle: Fences\n---\n\nBefore.\n\n```js src/App.js\nconst a = 1;\n```\n\nBetween.\n\n"
        "```typescript{3}\nlet b = 2;\n```\n\nOne line ```code``` inline.\n\nLast.\n",
    )
    assert [(p.kind, p.text) for p in article.passages] == [
        ("paragraph", "Before."),
        ("code", "const a = 1;"),
        ("paragraph", "Between."),
        ("code", "let b = 2;"),
        ("paragraph", "One line code inline."),
        ("paragraph", "Last."),
    ]


def test_a_fence_inside_raw_html_pre_is_its_text(tmp_path):
    """hugodown writes knitr chunks as <pre><code>```{r} ... ```</code></pre>: the <pre> block
    runs to its </pre> (CommonMark's HTML block), and the ``` inside it opens no code block that
    would run on over the rest of the article."""
    article = written(
        tmp_path,
        "pre.md",
        "---\ntitle: Pre\n---\n\nIntro text.\n\n<pre><code>```{r}\n1 + 1\n\n~~~\n```\n</code></pre>\n\n"
        "Body after the block.\n\n## Next heading\n\nUnder the heading.\n\n```r\nx <- 1\n```\n\nLast.\n",
    )
    assert [(p.kind, p.text) for p in article.passages] == [
        ("lead", "Intro text."),
        ("code", "```{r} 1 + 1 ~~~ ```"),
        ("paragraph", "Body after the block."),
        ("paragraph", "Under the heading."),
        ("code", "x <- 1"),
        ("paragraph", "Last."),
    ]
    assert [s.title for s in article.sections] == ["Next heading"]


def test_an_image_inside_a_sentence_leaves_it_a_paragraph_and_reads_as_its_alt_text(tmp_path):
    """An icon or a badge inside a sentence is not a figure; a picture leading its paragraph is,
    with the words after it as its caption."""
    article = written(
        tmp_path,
        "inline.md",
        "---\ntitle: Inline\n---\n\nClick the ![gear icon](gear.png) button to open the settings.\n\n"
        "Build status: ![passing](https://img.shields.io/badge/x.svg)\n\n"
        "![A chart](chart.png)\nFigure 1. Trade by year.\n",
    )
    assert [(p.kind, p.text) for p in article.passages] == [
        ("paragraph", "Click the gear icon button to open the settings."),
        ("paragraph", "Build status: passing"),
        ("figure", "Figure 1. Trade by year."),
    ]
    # A picture that ends its paragraph, named as a figure is, is the paragraph's figure
    ending = written(
        tmp_path,
        "ending.md",
        "---\ntitle: Ending\n---\n\nThe chart below shows the survey's results.\n"
        "![Figure 2. Share of respondents by region](chart.png)\n\nAnother paragraph.\n",
    )
    assert [(p.kind, p.text) for p in ending.passages] == [
        ("paragraph", "The chart below shows the survey's results."),
        ("figure", "Figure 2. Share of respondents by region"),
        ("paragraph", "Another paragraph."),
    ]


def test_any_escaped_punctuation_is_unescaped_as_commonmark_says(tmp_path):
    article = written(
        tmp_path,
        "escapes.md",
        "---\ntitle: Escapes\n---\n\n"
        + r"Mail ana\@example.org about R\&D, \~2 hours, \"quoted\" and \<tag>."
        + "\n\n"
        "`code \\~ as written`\n",
    )
    assert [p.text for p in article.passages] == [
        'Mail ana@example.org about R&D, ~2 hours, "quoted" and <tag>.',
        "code \\~ as written",
    ]


def test_html_in_a_hugo_figure_caption_is_markup_never_text(tmp_path):
    article = written(
        tmp_path,
        "captions.md",
        '---\ntitle: Captions\n---\n\nIntro.\n\n{{< figure src="a.jpg" caption="<strong>Ana </br> Chile</strong>" >}}\n\n'
        '{{< figure src="b.jpg" caption="a < b <script>alert(1)</script>done" >}}\n',
    )
    assert [(p.text, p.html) for p in article.passages[1:]] == [
        ("Ana Chile", "<strong>Ana Chile</strong>"),
        ("a < b done", "a &lt; b done"),
    ]


def test_notes_are_numbered_in_the_order_their_calls_are_read(tmp_path):
    """As Pandoc numbers them: an inline note first, then a reference note defined above it."""
    article = written(
        tmp_path,
        "notes.md",
        "---\ntitle: Notes\n---\n\nFirst, with an inline note.^[The inline note.]\n\n"
        "Second, with a reference note.[^fn1]\n\n[^fn1]: The reference note.\n",
    )
    calls = [p.html.rsplit(">", 2)[-2].split("<")[0] for p in article.passages if p.kind == "paragraph"]
    notes = [(p.label, p.text) for p in article.passages if p.kind == "note"]
    assert calls == ["1", "2"] and notes == [("1", "The inline note."), ("2", "The reference note.")]


def test_github_alerts_and_markdown_in_figure_captions(tmp_path):
    article = written(
        tmp_path,
        "alerts.md",
        "---\ntitle: Alerts\n---\n\nIntro.\n\n> [!WARNING]\n> Back up your data first.\n\n"
        '{{< figure src="x.png" caption="[_Sisyphus_](https://example.org/s) by **Titian**" >}}\n',
    )
    passages = article.passages
    assert [p.text for p in passages] == ["Intro.", "Warning: Back up your data first.", "Sisyphus by Titian"]
    assert passages[2].html == "<em>Sisyphus</em> by <strong>Titian</strong>"


def test_indented_headings_mdx_comments_and_svg_titles(tmp_path):
    """CommonMark's headings indented up to three spaces, React's {/*id*/} heading marks, and a
    page whose only <title> besides its own is an SVG picture's."""
    post = tmp_path / "post.md"
    post.write_text(
        "---\ntitle: T\n---\n\nIntro.\n\n ### Rust-Analyzer {/*ra*/}\n\nBody.\n", encoding="utf-8"
    )
    assert [s.title for s in parse_file(post).sections] == ["Rust-Analyzer"]
    page = tmp_path / "page.html"
    page.write_text(
        "<html><head><title>Augmented RNNs | Distill</title></head><body><svg><title>rnn</title></svg>"
        "<p>A paragraph of the page, long enough to be one.</p></body></html>",
        encoding="utf-8",
    )
    assert parse_file(page).title == "Augmented RNNs"


def test_news_pages_as_publishers_write_them(tmp_path):
    """A date given as microdata (itemprop) or article:published, an og:title ending with the
    site's name, a byline's date run into the name, a degree after it."""
    page = tmp_path / "news.html"
    page.write_text(
        '<html><head><meta property="og:title" content="Sanctions Lifted - Breitbart">'
        '<meta property="og:site_name" content="Breitbart">'
        '<meta property="article:published" itemprop="datePublished" content="2017-01-13T00:00:04-05:00">'
        '</head><body><article><p class="byline"><span class="by-author">by <a href="/a">Lucas Nolan</a>'
        '</span><span class="bydate">22 Dec 2016</span></p><p>The sanctions were lifted on Friday, the '
        "ministry said, after months of talks.</p></article></body></html>",
        encoding="utf-8",
    )
    article = parse_file(page)
    assert (article.title, article.date) == ("Sanctions Lifted", "2017-01-13")
    assert [a.name for a in article.authors] == ["Lucas Nolan"]
    assert names_and_et_al("Brenda Goodman, MA WebMD Health News") == (["Brenda Goodman"], False)


def test_a_page_whose_paragraphs_are_left_open_keeps_every_one(tmp_path):
    """HTML lets <p> and <li> close themselves; Distill's articles do, inside custom elements,
    with their title in an <h1> outside the article and no <title>."""
    page = tmp_path / "distill.html"
    # Ever longer paragraphs: nested in each other, the text's densest holder was a late one
    written = [
        f"Paragraph {n} of the essay, with words enough to be text." + " More." * 20 * n for n in range(1, 7)
    ]
    paragraphs = "".join(f"\n<p>{text}" for text in written)
    page.write_text(
        f"<html><body><d-title><h1>Research Debt</h1></d-title><d-article>{paragraphs}"
        "\n<h2>The Debt</h2>\n<p>Research can also have debt.\n<ul><li>Poor exposition<li>Undigested ideas</ul>"
        "\n<p>The last paragraph.</d-article></body></html>",
        encoding="utf-8",
    )
    article = parse_file(page)
    assert article.title == "Research Debt"
    texts = [p.text for p in article.passages]
    assert texts[:6] == written
    assert texts[-1] == "The last paragraph." and "Research can also have debt." in texts


def test_list_items_are_never_headings_or_joined_and_may_repeat(tmp_path):
    """A post without headings listing events: each item is a passage of its own (not a guessed
    heading, not joined to the next), and a weekly event named alike under two dates is kept
    twice (a short repeat is on purpose; only long duplicates are dropped)."""
    article = written(
        tmp_path,
        "events.md",
        "---\ntitle: Events\n---\n\nUpcoming events this week.\n\n"
        "* 2025-05-01 | Virtual | Rust Barcelona\n    * [**Weekly coding session of the Barcelona group**](https://example.org/a)\n"
        "* 2025-05-08 | Virtual | Rust Barcelona\n    * [**Weekly coding session of the Barcelona group**](https://example.org/b)\n"
        "* 2025-05-15 | Berlin | Rust Berlin\n    * [**Rust and Tell**](https://example.org/c)\n",
    )
    assert not article.sections and not article.dropped
    assert [p.text for p in article.passages] == [
        "Upcoming events this week.",
        "2025-05-01 | Virtual | Rust Barcelona", "Weekly coding session of the Barcelona group",
        "2025-05-08 | Virtual | Rust Barcelona", "Weekly coding session of the Barcelona group",
        "2025-05-15 | Berlin | Rust Berlin", "Rust and Tell",
    ]  # fmt: skip


def test_mkdocs_admonitions_and_tabs_are_text(tmp_path):
    """MkDocs Material's admonitions and content tabs: their bodies (indented four spaces) are
    text, not indented code; a title leads its body's first line; code inside stays code."""
    article = written(
        tmp_path,
        "cards.md",
        '---\ntitle: Social cards\n---\n\nIntro.\n\n!!! example "Custom layout"\n\n'
        "    Copy the default layout.\n\n    ``` sh\n    $ mkdir layouts\n    ```\n\n"
        '=== "Python"\n\n    Install it with pip.\n\n??? note\n    A collapsible note.\n\nAfter.\n',
    )
    assert [(p.kind, p.text) for p in article.passages] == [
        ("paragraph", "Intro."),
        ("paragraph", "Custom layout: Copy the default layout."),
        ("code", "$ mkdir layouts"),
        ("paragraph", "Python: Install it with pip."),
        ("paragraph", "A collapsible note."),
        ("paragraph", "After."),
    ]


def test_quarto_margin_notes_are_notes(tmp_path):
    """Quarto sets each footnote in the margin as <div id="fn1"><p><sup>1</sup> …</p></div>,
    called by a doc-noteref link: a note (without its own mark), not a numbered paragraph."""
    page = tmp_path / "quarto.html"
    page.write_text(
        "<html><head><title>The End</title></head><body><main><p>This paper takes no sides."
        '<a href="#fn1" class="footnote-ref" id="fnref1" role="doc-noteref"><sup>1</sup></a> It asks.</p>'
        '<div class="no-row-height column-margin column-container"><div id="fn1"><p><sup>1</sup>&nbsp;'
        "The arguments support a theory like Fusco's.</p></div></div><p>The second paragraph.</p>"
        "</main></body></html>",
        encoding="utf-8",
    )
    passages = parse_file(page).passages
    assert [(p.kind, p.text) for p in passages] == [
        ("paragraph", "This paper takes no sides. It asks."),
        ("paragraph", "The second paragraph."),
        ("note", "The arguments support a theory like Fusco's."),
    ]
    assert passages[2].called_from == passages[0].id


def test_markdown_inside_a_wrapper_div_is_markdown(tmp_path):
    """A <div> alone on its line around Markdown (a site's wrapper, kramdown's markdown="block"):
    its headings, emphasis and tables are read as Markdown, not shown as written."""
    article = written(
        tmp_path,
        "digest.md",
        '---\ntitle: Digest\n---\n\nIntro.\n\n<div class="highlight">\n\n### Tech Notes\n\n'
        'A paragraph with **bold** text.\n\n</div>\n\n<div markdown="block">\n\n| a | b |\n|---|---|\n'
        '| 1 | 2 |\n\n</div>\n\n<div class="note">\n<p>An <em>HTML</em> paragraph.</p>\n</div>\n',
    )
    assert [s.title for s in article.sections] == ["Tech Notes"]
    assert [p.text for p in article.passages] == [
        "Intro.", "A paragraph with bold text.", "a | b", "1 | 2", "An HTML paragraph.",
    ]  # fmt: skip


def test_jats_article():
    article = parsed("jats-article.xml")
    no_leaked_markup(article)
    assert article.title == "Icebreakers and Influence in the High North"
    people = [(a.name, a.family, a.given, a.family_first, a.literal) for a in article.authors]
    assert people == [
        ("Ingrid Larsen", "Larsen", "Ingrid", False, False),
        ("Wang Jisi", "Wang", "Jisi", True, False),
        ("Arctic Research Consortium", None, None, False, True),  # <collab>; the editor is no author
    ]
    assert (article.journal, article.volume, article.issue, article.first_page, article.last_page) == (
        "Journal of Polar Policy", "12", "1", 45, 67,
    )  # fmt: skip
    assert (article.date, article.doi, article.publisher) == (
        "2023-03-14",
        "10.5555/jpp.2023.0042",
        "Northern Academic Press",
    )
    assert article.csl_extra["ISSN"] == "2345-6789" and article.csl_extra["keyword"] == "Arctic; icebreakers"
    assert [s.title for s in article.sections] == [
        "Introduction",
        "Introduction › Scope",
        "Fleets",
        "References",
    ]
    kinds_in_order = [p.kind for p in article.passages]
    assert kinds_in_order == ["lead", "paragraph", "paragraph", "paragraph", "figure", "figure", "paragraph",
                              "paragraph", "reference", "reference", "note"]  # fmt: skip
    assert article.passages[0].text.startswith("Icebreaker fleets measure presence")  # the abstract
    assert "P = 75 megawatts" in article.passages[3].text  # MathML as its text
    note = article.passages[-1]
    assert note.text == "Shipyard records, 2000–2020." and note.called_from == article.passages[1].id
    assert article.passages[4].image == "fig1.png" and article.passages[4].text.startswith(
        "Figure 1 Icebreakers"
    )


JOURNAL_SHAPES = """<?xml version="1.0"?>
<article xmlns:xlink="http://www.w3.org/1999/xlink"><front><article-meta>
<title-group><article-title><italic>M</italic>m PPOX binds NH<sub>4</sub>HCO<sub>3</sub><xref ref-type="fn"
 rid="fn1">1</xref></article-title></title-group>
<contrib-group><contrib contrib-type="author"><collab>Polar Writing Group<contrib-group><contrib><name>
<surname>Shearer</surname><given-names>Alistair</given-names></name><email>a@example.org</email></contrib>
</contrib-group></collab></contrib></contrib-group>
<pub-date pub-type="epub"><day>14</day><month>9</month><year>2012</year></pub-date>
<pub-date pub-type="ppub"><month>3</month><year>2013</year></pub-date>
<volume>24</volume><issue>3</issue><fpage>45</fpage><lpage>67</lpage>
<related-article><fpage>500</fpage></related-article>
</article-meta></front><body><sec><title>Results</title>
<p>The buffer was NH<sub>4</sub>HCO<sub>3</sub> throughout
<fig id="f7"><label>Figure 7.</label><caption><p>Uptake by season.</p></caption></fig>
and the yields rose<table-wrap id="t1"><label>Table 1.</label><caption><p>Yields.</p></caption>
<table><tr><td>Affluent</td><td>1143</td></tr></table></table-wrap> in every plot.</p>
</sec></body></article>"""


def test_jats_as_journals_write_it(tmp_path):
    """Figures and tables inside a paragraph, inline markup in titles, collaborations listing
    their members, print and online dates, related articles' pages; PMC's .nxml name."""
    path = tmp_path / "article.nxml"
    path.write_text(JOURNAL_SHAPES, encoding="utf-8")
    article = parse_file(path)
    assert article.title == "Mm PPOX binds NH4HCO3"
    assert [(a.name, a.literal) for a in article.authors] == [("Polar Writing Group", True)]
    assert (article.date, article.volume, article.issue, article.first_page, article.last_page) == (
        "2013-03", "24", "3", 45, 67,
    )  # fmt: skip
    assert [(p.kind, p.text) for p in article.passages] == [
        ("paragraph", "The buffer was NH4HCO3 throughout and the yields rose in every plot."),
        ("figure", "Figure 7. Uptake by season."),
        ("figure", "Table 1. Yields."),
        ("paragraph", "Affluent | 1143"),  # a table's rows, as in any format
    ]


PLOS_GROUP = """<?xml version="1.0"?>
<article><front><article-meta><title-group><article-title>A cohort</article-title></title-group>
<contrib-group>
<contrib contrib-type="author"><name><surname>Vidal</surname><given-names>Ana</given-names></name></contrib>
<contrib contrib-type="author"><name><surname>Ortiz</surname><given-names>Luis</given-names></name></contrib>
<contrib contrib-type="author"><collab>the MultiCare Study Group</collab></contrib>
<contrib><name><surname>Member</surname><given-names>One</given-names></name></contrib>
<contrib><name><surname>Member</surname><given-names>Two</given-names></name></contrib>
</contrib-group>
<contrib-group><contrib><name><surname>Alone</surname><given-names>Untyped</given-names></name></contrib></contrib-group>
</article-meta></front><body><p>The body.</p></body></article>"""


@pytest.mark.parametrize("subset", ["<!-- ]> -->", '<!ENTITY x "y ]> z">', "<!ENTITY q 'a ]>'>"])
def test_a_jats_doctype_whose_subset_holds_its_own_end_is_dropped_whole(tmp_path, subset):
    path = tmp_path / "doctype.xml"
    path.write_text(
        f'<?xml version="1.0"?>\n<!DOCTYPE article [\n{subset}\n<!ENTITY e "f">\n]>\n'
        "<article><front><article-meta><title-group><article-title>Trick</article-title></title-group>"
        "</article-meta></front><body><p>Text.</p></body></article>",
        encoding="utf-8",
    )
    article = parse_file(path)
    assert (article.title, [p.text for p in article.passages]) == ("Trick", ["Text."])


def test_jats_members_listed_after_their_collaboration_are_not_authors(tmp_path):
    """PLOS types its authors, then lists the group's members untyped after its <collab>; an
    untyped contrib elsewhere is an author still."""
    path = tmp_path / "plos.xml"
    path.write_text(PLOS_GROUP, encoding="utf-8")
    assert [a.name for a in parse_file(path).authors] == [
        "Ana Vidal",
        "Luis Ortiz",
        "the MultiCare Study Group",
        "Untyped Alone",
    ]


ONLINE_JOURNAL = """<?xml version="1.0"?>
<article xml:lang="EN"><front><article-meta><title-group><article-title>Complexity</article-title></title-group>
<volume>2</volume><issue>2</issue><elocation-id>e217</elocation-id>
<abstract><p>What the article finds.</p></abstract>
<abstract abstract-type="summary"><title>Author Summary</title><p>Mosquito-borne disease, told simply.</p></abstract>
</article-meta></front><body><p>The body.</p></body><back><ref-list><title>References</title>
<ref id="r1"><label>1</label><element-citation><person-group><name><surname>McShea</surname><given-names>DW</given-names>
</name></person-group><year>1996</year><article-title>Metazoan complexity.</article-title><source>Evolution</source>
<volume>50</volume></element-citation></ref>
<ref id="r2"><mixed-citation><string-name><surname>Orr</surname>, <given-names>HA</given-names></string-name> (2000)
<article-title>Adaptation and the cost of complexity</article-title>. <source>Evolution</source></mixed-citation>
<element-citation><person-group><name><surname>Orr</surname></name></person-group></element-citation></ref>
</ref-list></back><floats-group><fig id="f1"><label>Figure 1</label><caption><p>Cases by year.</p>
</caption></fig></floats-group></article>"""


def test_jats_of_an_online_journal(tmp_path):
    """An article number instead of pages, a second abstract (PLOS's author summary), and
    references structured (parts without spaces) or printed (read once when both are given)."""
    path = tmp_path / "online.xml"
    path.write_text(ONLINE_JOURNAL, encoding="utf-8")
    article = parse_file(path)
    assert article.first_page is None and article.csl_extra["page"] == "e217"
    assert article.language == "en"  # xml:lang="EN", as a language tag
    assert [(p.kind, p.section, p.text) for p in article.passages] == [
        ("lead", None, "What the article finds."),
        ("paragraph", None, "Author Summary. Mosquito-borne disease, told simply."),
        ("paragraph", None, "The body."),  # not filed under the summary
        ("figure", None, "Figure 1 Cases by year."),  # from the floats-group
        ("reference", "References", "McShea DW 1996 Metazoan complexity. Evolution 50"),
        ("reference", "References", "Orr, HA (2000) Adaptation and the cost of complexity. Evolution"),
    ]


def test_an_article_number_written_as_its_one_page_is_no_page(tmp_path):
    """BMC writes its article numbers as <fpage>174</fpage><lpage>174</lpage>: on an article of
    forty paragraphs that is no page (every passage was cited 'p. 174'); on a one-page note it is."""
    for paragraphs, pages in ((40, (None, None, "174")), (3, (174, 174, None))):
        body = "".join(f"<p>Paragraph {n} of the article.</p>" for n in range(paragraphs))
        path = tmp_path / f"bmc-{paragraphs}.xml"
        path.write_text(
            "<article><front><article-meta><title-group><article-title>T</article-title></title-group>"
            f"<volume>11</volume><fpage>174</fpage><lpage>174</lpage></article-meta></front><body>{body}</body></article>",
            encoding="utf-8",
        )
        article = parse_file(path)
        assert (article.first_page, article.last_page, article.csl_extra.get("page")) == pages
        assert {p.page_start for p in article.passages} == {pages[0]}


def test_xml_that_is_not_jats_is_refused_by_name(tmp_path):
    from archive.models import NotAnArticle

    other = tmp_path / "feed.xml"
    other.write_text(
        '<?xml version="1.0"?><!-- a feed --><rss><channel><title>x</title></channel></rss>', encoding="utf-8"
    )
    with pytest.raises(NotAnArticle, match=r"XML that is not a JATS article \(its root element is <rss>\)"):
        parse_file(other)  # skipped, said why, never a failure
    entity = tmp_path / "entity.xml"
    entity.write_text(
        '<?xml version="1.0"?><!DOCTYPE article [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        "<article><front><article-meta><title-group><article-title>T</article-title></title-group>"
        "</article-meta></front><body><p>Text &x; here.</p></body></article>",
        encoding="utf-8",
    )
    assert "root:" not in " ".join(p.text for p in parse_file(entity).passages)


def test_figures_holding_figures_code_or_tables_keep_every_part(tmp_path):
    article = _write(
        tmp_path,
        "figs.html",
        "<html><body><article><p>Body text paragraph here that is long enough.</p>"
        "<figure><figure><img src='a.png'><figcaption>Sub A</figcaption></figure>"
        "<figure><img src='b.png'><figcaption>Sub B</figcaption></figure><figcaption>Figure 2. Both</figcaption></figure>"
        "<figure><pre><code>def f():\n    return 1</code></pre><figcaption>Listing 1. A function</figcaption></figure>"
        "</article></body></html>",
    )
    assert [(p.kind, p.text) for p in article.passages[1:]] == [
        ("figure", "Sub A"),
        ("figure", "Sub B"),
        ("figure", "Figure 2. Both"),
        ("code", "def f(): return 1"),
        ("figure", "Listing 1. A function"),
    ]


def test_stated_variables_reach_bibtex_and_ris_too(tmp_path):
    import bibtexparser

    from archive.records import bibtex, ris

    article = _write(
        tmp_path,
        "stated.md",
        "---\ntitle: Water Law\nauthor: Jane Doe\neditor: [Max Weber, Ann Lee]\npublisher-place: Berlin\n"
        "ISSN: 1234-5678\nedition: 2\npages: e1234\njournal: Law Review\nkeyword: water; law\n---\n\nText of it.\n",
    )
    entry = bibtexparser.parse_string(bibtex(article, None)).entries[0]
    assert (entry["editor"], entry["issn"], entry["address"], entry["pages"]) == (
        "Weber, Max and Lee, Ann", "1234-5678", "Berlin", "e1234",
    )  # fmt: skip
    record = ris(article, None)
    for line in (
        "ED  - Weber, Max",
        "SN  - 1234-5678",
        "CY  - Berlin",
        "SP  - e1234",
        "KW  - water",
        "KW  - law",
    ):
        assert line in record.splitlines()


def test_fenced_code_is_not_highlighted_when_read():
    """Pygments never runs on a fence (in a list too): its spans were dropped by the sanitizer
    anyway, and highlighting each block took most of parsing a code-heavy post."""
    html = markdown_to_html(
        "Text\n\n```python\nx = 1  # one\n```\n\n- item\n\n    ```r\n    y <- 2\n    ```\n"
    )
    assert '<code class="language-python">x = 1  # one' in html
    assert '<code class="language-r">y &lt;- 2' in html
    assert "<span" not in html


ELIFE = """<?xml version="1.0"?>
<article><front><article-meta><title-group><article-title>Rosettes</article-title></title-group>
<pub-date pub-type="collection"><year>2012</year></pub-date>
<pub-date pub-type="epub" date-type="pub"><day>15</day><month>10</month><year>2012</year></pub-date>
<abstract><object-id pub-id-type="doi">10.7554/eLife.00013.001</object-id><p>What the article finds.</p>
<p><bold>DOI:</bold> <ext-link ext-link-type="doi">http://dx.doi.org/10.7554/eLife.00013.001</ext-link></p></abstract>
</article-meta></front><body><p>The body, about DOI: names.</p>
<fig-group><fig id="fig1"><object-id pub-id-type="doi">10.7554/eLife.00013.003</object-id><label>Figure 1.</label>
<caption><title>Rosettes form.</title><p>Scale bar, 2 μm.</p>
<p><bold>DOI:</bold> <ext-link>http://dx.doi.org/10.7554/eLife.00013.003</ext-link></p></caption>
<graphic xlink:href="f001"/></fig>
<fig id="fig1s1" specific-use="child-fig"><label>Figure 1—figure supplement 1.</label>
<caption><title>Frequency of rosettes.</title></caption><graphic xlink:href="fs001"/></fig></fig-group>
<boxed-text><label>Box 1.</label><caption><title>Terms</title></caption><p>A box's own text.</p>
<sec><title>Inner</title><p>The box's section.</p></sec></boxed-text><p>After the box.</p>
<p>DOI: 10.5061/dryad.abc123</p>
</body><back><ref-list><title>References</title><ref id="b1"><mixed-citation>Adler I. 1997. Phyllotaxis.</mixed-citation></ref>
</ref-list><app-group><app id="app1"><title>Appendix 1</title><sec><title>1 Definitions</title>
<p>Jugacy is the number of leaves at a node.</p></sec></app></app-group></back></article>"""


def test_jats_as_elife_writes_it(tmp_path):
    """Each figure of a fig-group (a figure and its supplements), a box's text, no identifiers
    or "DOI:" lines of the parts as text, references before an appendix still references, and
    the fuller of two dates of the same year."""
    path = tmp_path / "elife.xml"
    path.write_text(ELIFE, encoding="utf-8")
    article = parse_file(path)
    assert article.date == "2012-10-15"
    assert [(p.kind, p.section, p.text) for p in article.passages] == [
        ("lead", None, "What the article finds."),
        ("paragraph", None, "The body, about DOI: names."),
        ("figure", None, "Figure 1. Rosettes form. Scale bar, 2 μm."),
        ("figure", None, "Figure 1—figure supplement 1. Frequency of rosettes."),
        ("figure", None, "Box 1. Terms"),
        ("paragraph", None, "A box's own text."),
        ("paragraph", None, "Inner. The box's section."),  # its title runs in: no section to take the rest
        ("paragraph", None, "After the box."),
        ("paragraph", None, "DOI: 10.5061/dryad.abc123"),  # a data set's DOI, not the part's own
        ("reference", "References", "Adler I. 1997. Phyllotaxis."),
        ("paragraph", "Appendix 1 › 1 Definitions", "Jugacy is the number of leaves at a node."),
    ]


def test_a_fence_closes_on_a_longer_fence_and_not_on_an_opening_one(tmp_path):
    """CommonMark: a closing fence has at least the opening's characters and nothing after them;
    the prose after a code block closed by four backticks was read as its code."""
    path = tmp_path / "fences.md"
    path.write_text(
        "---\ntitle: Fences\n---\n\nIntro.\n\n```\nline one\n```python\n````\n\nA paragraph after the code.\n\n"
        "- item\n\n  ~~~\n  x = 1\n  ~~~~~\n\nFinal paragraph.\n",
        encoding="utf-8",
    )
    assert [(p.kind, p.text) for p in parse_file(path).passages] == [
        ("paragraph", "Intro."),
        ("code", "line one ```python"),
        ("paragraph", "A paragraph after the code."),
        ("paragraph", "item"),
        ("code", "x = 1"),
        ("paragraph", "Final paragraph."),
    ]


def test_a_pandoc_note_holding_inline_code_is_a_note(tmp_path):
    path = tmp_path / "notes.md"
    path.write_text(
        "---\ntitle: Notes\n---\n\nIt reads files.^[Use `read_csv()` here, not `[x]`.] And more, `^[not a note]`.\n",
        encoding="utf-8",
    )
    assert [(p.kind, p.text) for p in parse_file(path).passages] == [
        ("paragraph", "It reads files. And more, ^[not a note]."),
        ("note", "Use read_csv() here, not [x]."),
    ]


def test_an_image_caption_from_its_alt_text_has_no_emphasis_marks():
    html = markdown_to_html(
        "![A *fine* map, **bold**, `code`, [a link](https://x.org) and snake_case_name.](m.png)"
    )
    assert 'alt="A fine map, bold, code, a link and snake_case_name."' in html


@pytest.mark.parametrize(
    "text",
    [
        "see [x " * 300 + "end",
        "[a [b] c](u) [d](e) [f [g [h]] i] [j",
        "]][[ [x](y) ][ [[z]] ] [",
        "plain text",
        "[[[[]]]] [a]b] [c[d]e] [",
    ],
)
def test_link_text_found_by_the_bracket_index_is_python_markdowns(text):
    """brackets.link_text gives what LinkInlineProcessor.getText gives, from every "[" (where
    getText read on to the paragraph's end from each one left open)."""
    from markdown.inlinepatterns import LinkInlineProcessor

    from archive.formats.brackets import link_text

    original = LinkInlineProcessor(r"\[", None)
    for start in [i + 1 for i, c in enumerate(text) if c == "["]:
        assert link_text(text, start) == original.getText(text, start)


@given(st.text(alphabet="[]a (\n", max_size=60))
@settings(max_examples=300, deadline=None)
def test_link_text_from_the_bracket_index_matches_python_markdown_on_any_text(text):
    """The same as getText on any text whose links close within MAX_LINK_BRACKETS brackets."""
    from markdown.inlinepatterns import LinkInlineProcessor

    from archive.formats.brackets import link_text

    original = LinkInlineProcessor(r"\[", None)
    for start in range(len(text) + 1):
        assert link_text(text, start) == original.getText(text, start)


def test_quarto_and_r_markdown_sources_are_read_as_their_pages_show_them(tmp_path):
    """.qmd and .Rmd are Markdown with code chunks: a chunk's #| options are not its code, and a
    chunk whose options hide it (include or echo false, in it or in its header) is not shown."""
    text = (
        "---\ntitle: Bayes factors\nauthor: Danielle Navarro\n---\n\n"
        "```{r setup, include=FALSE}\nwide <- 136\n```\n\nThe essay's first paragraph.\n\n"
        "```{r}\n#| label: fig-prior\n#| fig-cap: The prior\nplot(prior)\n```\n\n"
        "```{python}\n#| echo: false\nhidden()\n```\n\nThe last paragraph.\n"
    )
    for name in ("essay.qmd", "essay.Rmd"):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        article = parse_file(path)
        assert article.title == "Bayes factors" and [a.name for a in article.authors] == ["Danielle Navarro"]
        assert [(p.kind, p.text) for p in article.passages] == [
            ("paragraph", "The essay's first paragraph."),
            ("code", "plot(prior)"),
            ("paragraph", "The last paragraph."),
        ]


@given(
    st.lists(
        st.sampled_from(["{{<", "{{%", "{%", ">}}", "%}}", "%}", "{", "}", "%", "<", ">", "a"]), max_size=12
    )
)
@settings(max_examples=500, deadline=None)
def test_an_open_template_tag_is_told_as_the_lookahead_pattern_told_it(parts):
    """opens_a_tag answers what r"(\\{\\{[<%]|\\{%)(?!.*(?:[>%]\\}\\}|%\\}))" answered, in linear
    time (the pattern read the rest of the line from each opener)."""
    from archive.formats.markdown import opens_a_tag

    line = "".join(parts)
    assert opens_a_tag(line) == bool(re.search(r"(\{\{[<%]|\{%)(?!.*(?:[>%]\}\}|%\}))", line))


def test_a_list_right_under_a_paragraph_line_is_a_list(tmp_path):
    """CommonMark (and the markdown-it and Goldmark that 11ty and Hugo use) start a list under a
    paragraph's line; an ordered one only from 1, and emphasis at a line's start is no list."""
    path = tmp_path / "lists.md"
    path.write_text(
        "---\ntitle: Lists\n---\n\nThe goals are to:\n* enhance integrity\n* reduce payments\n\n"
        "Numbered:\n1. first\n2. second\n\nThe year\n2. was not a list, and\n*this* is emphasis.\n",
        encoding="utf-8",
    )
    assert [p.text for p in parse_file(path).passages] == [
        "The goals are to:",
        "enhance integrity",
        "reduce payments",
        "Numbered:",
        "first",
        "second",
        "The year 2. was not a list, and this is emphasis.",
    ]


def test_a_paragraph_starting_with_a_name_in_lowercase_is_its_own(tmp_path):
    """A block starting in lowercase continues the one before (a paragraph broken by a page or a
    code block), but not when a name starts it so: iPhone, macOS, jQuery."""
    path = tmp_path / "weekly.md"
    path.write_text(
        "# Weekly\n\n1、iPhone and supercomputers\n\niPhone 12 is faster.\n\nThe call\n\n```\nf()\n```\n\nreturns nothing.\n"
    )
    assert [(p.kind, p.text) for p in parse_file(path).passages] == [
        ("paragraph", "1、iPhone and supercomputers"),
        ("paragraph", "iPhone 12 is faster."),
        ("paragraph", "The call returns nothing."),
        ("code", "f()"),
    ]


def test_a_wrapper_div_is_taken_out_with_its_own_closing_tag_only(tmp_path):
    """A <div> alone on its line is taken out with its closing tag, and the tags indented inside
    it are its HTML, not indented code; a closing tag whose <div> shares its line with text stays
    (taken out, it left that <div> open, and the rest of the page was raw HTML)."""
    path = tmp_path / "wrappers.md"
    path.write_text(
        '---\ntitle: W\n---\n\nIntro.\n\n<div class="pquote">{{ "shawn" | team_photo }}\n</div>\n\n## Acquisitions\n\n'
        'Acq text.\n\n<div class="quote">\n\t<img src="a.jpg">\n\t<blockquote>\n"I joined to help." - Shawn\n'
        "\t</blockquote>\n</div>\n\nAfter.\n",
        encoding="utf-8",
    )
    assert [(p.kind, p.section, p.text) for p in parse_file(path).passages] == [
        ("lead", None, "Intro."),
        ("paragraph", "Acquisitions", "Acq text."),
        ("paragraph", "Acquisitions", '"I joined to help." - Shawn'),
        ("paragraph", "Acquisitions", "After."),
    ]


def test_an_issues_month_is_kept_over_another_dates_day(tmp_path):
    path = tmp_path / "issue.xml"
    path.write_text(
        "<article><front><article-meta><title-group><article-title>T</article-title></title-group>"
        '<pub-date pub-type="ppub"><month>12</month><year>2020</year></pub-date>'
        '<pub-date pub-type="epub"><day>15</day><month>3</month><year>2020</year></pub-date>'
        "</article-meta></front><body><p>Text.</p></body></article>",
        encoding="utf-8",
    )
    assert parse_file(path).date == "2020-12"


def test_template_syntax_is_never_read_across_inline_code():
    from archive.formats.markdown import plain_markdown

    line = "Mustache opens with {{ as in `{{#items}}`, and closes with }} at the end."
    assert plain_markdown(line) == line


def test_code_chunks_of_quarto_and_r_markdown_sources_as_their_pages_show_them(tmp_path, runner):
    """knitr's F and FALSE, a chunk left open at the end, Quarto's `execute: echo: false` and a
    setup chunk's opts_chunk$set(echo = FALSE) hide code; a plain .md shows its chunks as written;
    a source whose page is rendered beside it is skipped for that page."""
    (tmp_path / "a.Rmd").write_text(
        "---\ntitle: A\n---\n\nIntro.\n\n```{r, echo=F}\nsecret()\n```\n\n```{r}\nknitr::opts_chunk$set(echo = FALSE)\n```\n\n"
        "```{r}\nhidden_too()\n```\n\n```{r, echo=TRUE}\nshown()\n```\n\nText.\n\n```{r include=F}\nnever_closed()\n",
        encoding="utf-8",
    )
    (tmp_path / "b.qmd").write_text(
        "---\ntitle: B\nexecute:\n  echo: false\n---\n\nFlows fell.\n\n```{python}\nimport pandas\n```\n",
        encoding="utf-8",
    )
    (tmp_path / "c.md").write_text(
        "---\ntitle: C\n---\n\nCode:\n\n```{r}\n#| echo: false\nx <- 1\n```\n", encoding="utf-8"
    )
    assert [p.text for p in parse_file(tmp_path / "a.Rmd").passages] == [
        "Intro.",
        "knitr::opts_chunk$set(echo = FALSE)",
        "shown()",
        "Text.",
    ]
    assert [p.text for p in parse_file(tmp_path / "b.qmd").passages] == ["Flows fell."]
    assert [p.text for p in parse_file(tmp_path / "c.md").passages] == ["Code:", "#| echo: false x <- 1"]
    (tmp_path / "b.html").write_text(
        "<html><body><p>Flows fell, as the page shows.</p></body></html>", encoding="utf-8"
    )
    result = runner.invoke(cli, ["check", str(tmp_path)])
    assert f"skipped {tmp_path / 'b.qmd'}: its rendered page b.html is read instead" in result.output


def test_a_jats_file_named_as_joss_names_it_is_read(tmp_path):
    path = tmp_path / "10.21105.joss.01234.jats"
    path.write_text(
        "<article><front><article-meta><title-group><article-title>GemPy</article-title></title-group>"
        "</article-meta></front><body><p>Tutorials for geological modeling.</p></body></article>",
        encoding="utf-8",
    )
    article = parse_file(path)
    assert article.title == "GemPy" and [p.text for p in article.passages] == [
        "Tutorials for geological modeling."
    ]


def test_wrapper_divs_nest_and_their_html_block_ends_at_a_blank_line(tmp_path):
    """A closing tag alone on its line goes with the innermost <div>: a wrapper's when the
    wrapper is innermost, a kept <div>'s otherwise; tags indented right under a wrapper are its
    HTML, while indented code after a blank line stays code."""
    path = tmp_path / "nested.md"
    path.write_text(
        '---\ntitle: N\n---\n\n<div class="post">\n\n<div class="quote">The best quote.\n</div>\n\n## Section one\n\n'
        'Paragraph one.\n\n</div>\n\nTo embed a picture, write:\n\n    <img src="cat.png" alt="A cat">\n\nDone.\n',
        encoding="utf-8",
    )
    assert [(p.kind, p.section, p.text) for p in parse_file(path).passages] == [
        ("lead", None, "The best quote."),
        ("paragraph", "Section one", "Paragraph one."),
        ("paragraph", "Section one", "To embed a picture, write:"),
        ("code", "Section one", '<img src="cat.png" alt="A cat">'),
        ("paragraph", "Section one", "Done."),
    ]


def test_a_name_in_lowercase_carries_on_a_line_that_stops_on_an_open_word(tmp_path):
    path = tmp_path / "camel.md"
    path.write_text("# Phones\n\nThe phone runs on\n\niOS and Android from next year.\n", encoding="utf-8")
    assert [p.text for p in parse_file(path).passages] == [
        "The phone runs on iOS and Android from next year."
    ]


def test_a_pdf_beside_its_jats_and_a_source_beside_its_markdown_are_skipped(tmp_path, runner):
    (tmp_path / "10.21105.joss.01234.jats").write_text(
        "<article><front><article-meta><title-group><article-title>GemPy</article-title></title-group>"
        "</article-meta></front><body><p>Tutorials.</p></body></article>",
        encoding="utf-8",
    )
    (tmp_path / "10.21105.joss.01234.pdf").write_bytes(b"%PDF-1.4 not read")
    (tmp_path / "paper.pdf").write_bytes(b"%PDF-1.4 not read")
    (tmp_path / "paper.xml").write_text("<doi_batch><head/></doi_batch>", encoding="utf-8")  # no full text
    (tmp_path / "analysis.Rmd").write_text("---\ntitle: A\n---\n\nSource.\n", encoding="utf-8")
    (tmp_path / "analysis.md").write_text("---\ntitle: A\n---\n\nRendered.\n", encoding="utf-8")
    result = runner.invoke(cli, ["check", str(tmp_path)])
    assert (
        "10.21105.joss.01234.pdf: its JATS full text 10.21105.joss.01234.jats is read instead"
        in result.output
    )
    assert "analysis.Rmd: its rendered page analysis.md is read instead" in result.output
    assert "paper.pdf: its JATS" not in result.output  # a Crossref deposit beside it is no full text
