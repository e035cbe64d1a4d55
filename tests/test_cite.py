"""Citations: identical to citeproc-js for Chicago, APA and MLA; locators, fingerprints, text fragments."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from archive.cite import (
    Locator,
    citation_parts,
    citation_table,
    citations,
    csl_citation,
    csl_item,
    format_citation,
    locators,
    stored_parts,
    text_fragment,
)
from archive.citeproc_js import CiteprocError, Engine, engine
from archive.cli import cli
from archive.models import fingerprint
from archive.parse import parse_file
from archive.styles import SHIPPED_DIR as STYLES_DIR
from archive.styles import StyleNotFound, list_styles

ROOT = Path(__file__).resolve().parent.parent
CASES = json.loads((Path(__file__).parent / "citations" / "cases.json").read_text(encoding="utf-8"))
EXPECTED = json.loads((Path(__file__).parent / "citations" / "expected.json").read_text(encoding="utf-8"))
GOLDEN = [
    pytest.param(
        case["item"], result, style, id=f"{case['name']} · {result['citation'] or 'no locator'} · {style}"
    )
    for case, expected in zip(CASES, EXPECTED, strict=True)
    for result in expected["results"]
    for style in ("chicago", "apa", "mla")
]


@pytest.mark.parametrize(("item", "result", "style"), GOLDEN)
def test_styles_equal_citeproc_js(item, result, style):
    locator = (
        Locator(result["citation"]["label"], result["citation"]["locator"]) if result["citation"] else None
    )
    citation = format_citation(style, item, locator)
    expected = result[style]
    assert (citation.citation, citation.entry) == (
        expected["html"]["citation"],
        expected["html"]["bibliography"],
    )
    assert (citation.citation_text, citation.entry_text) == (
        expected["text"]["citation"],
        expected["text"]["bibliography"],
    )


def test_seed_csl_item_is_the_golden_item(seed):
    assert csl_item(seed) == CASES[0]["item"]


def test_seed_paragraph_14_exactly(seed):
    passage = seed.passage("cc-2019-09-china-russia-p14")
    assert locators(passage) == [Locator("page", "115"), Locator("paragraph", "14")]
    styles = citations(seed, Locator("paragraph", "14"))
    assert styles["chicago"].citation == (
        "Yu Bin, “Beautiful Relationship in a Brave/Grave New World,” <i>Comparative Connections</i> 21, "
        "no. 2 (2019): para. 14."
    )
    assert styles["chicago"].entry == (
        "Yu Bin. “Beautiful Relationship in a Brave/Grave New World.” <i>Comparative Connections</i> 21, "
        "no. 2 (2019): 113–22."
    )
    assert styles["apa"].citation == "(Yu, 2019, para. 14)"
    assert styles["apa"].entry == (
        "Yu, B. (2019). Beautiful Relationship in a Brave/Grave New World. <i>Comparative Connections</i>, "
        "<i>21</i>(2), 113–122."
    )
    assert styles["mla"].citation == "(Yu, par. 14)"
    assert styles["mla"].entry == (
        "Yu Bin. “Beautiful Relationship in a Brave/Grave New World.” <i>Comparative Connections</i>, "
        "vol. 21, no. 2, Sept. 2019, pp. 113–22."
    )
    by_page = citations(seed, Locator("page", "115"))
    assert by_page["chicago"].citation.endswith(": 115.")
    assert by_page["apa"].citation == "(Yu, 2019, p. 115)"


def test_split_paragraph_cites_two_pages_and_figures_by_number(seed):
    assert locators(seed.passage("cc-2019-09-china-russia-p6"))[0] == Locator("page", "113-114")
    assert citations(seed, Locator("page", "113-114"))["chicago"].citation.endswith(": 113–14.")
    figure = seed.passage("cc-2019-09-china-russia-fig3")
    assert locators(figure) == [Locator("page", "116"), Locator("figure", "3")]


def test_csl_json_has_item_and_citation_item(seed):
    assert csl_citation(seed, Locator("paragraph", "14"))["citation"] == {
        "id": "cc-2019-09-china-russia",
        "locator": "14",
        "label": "paragraph",
    }


def test_fingerprint_ignores_spacing_and_case_but_not_words():
    assert fingerprint("The  Quick brown fox.") == fingerprint("the quick brown fox")
    assert fingerprint("The quick brown fox") != fingerprint("The quick red fox")
    assert len(fingerprint("x")) == 8


def test_text_fragment_quotes_start_and_end():
    text = "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen"
    assert text_fragment(text) == (
        ":~:text=one%20two%20three%20four%20five%20six%20seven%20eight,"
        "ten%20eleven%20twelve%20thirteen%20fourteen%20fifteen%20sixteen%20seventeen"
    )


def test_cite_command(runner, seed_index):
    result = runner.invoke(
        cli, ["cite", "cc-2019-09-china-russia-p14", "--index", str(seed_index), "--locator", "paragraph"]
    )
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "Yu Bin, “Beautiful Relationship in a Brave/Grave New World,” Comparative Connections 21, no. 2 (2019): para. 14.",
        "Yu Bin. “Beautiful Relationship in a Brave/Grave New World.” Comparative Connections 21, no. 2 (2019): 113–22.",
    ]
    apa = runner.invoke(
        cli, ["cite", "cc-2019-09-china-russia-p14", "--style", "apa", "--index", str(seed_index)]
    )
    assert apa.output.splitlines()[0] == "(Yu, 2019, p. 115)"
    bib = runner.invoke(
        cli, ["cite", "cc-2019-09-china-russia-p14", "--style", "bibtex", "--index", str(seed_index)]
    )
    assert bib.output.startswith("@article{yu2019beautiful,")
    missing = runner.invoke(cli, ["cite", "nope-p1", "--index", str(seed_index)])
    assert missing.exit_code == 1 and "no passage nope-p1" in missing.output


def test_cite_command_on_a_damaged_article_says_so(runner, seed_index, monkeypatch):
    import archive.engine.index as index_module

    monkeypatch.setattr(index_module, "parsed_payload", lambda searcher, article_id: b"\x78\x9cbroken")
    result = runner.invoke(cli, ["cite", "cc-2019-09-china-russia-p14", "--index", str(seed_index)])
    assert result.exit_code == 1 and not isinstance(result.exception, index_module.DamagedPayload)
    assert "stored copy of article cc-2019-09-china-russia cannot be read" in result.output
    assert "archive reindex --full" in result.output


def test_any_official_style_by_id_and_a_corpus_style(seed, tmp_path):
    harvard = citations(seed, Locator("page", "115"), ("harvard-cite-them-right",))["harvard-cite-them-right"]
    assert harvard.citation == "(Yu, 2019, p. 115)"
    assert harvard.entry_text.startswith("Yu, B. (2019) “Beautiful Relationship in a Brave/Grave New World,”")
    # A .csl file in the corpus's styles/ folder is a style too (here, MLA under a house name).
    (tmp_path / "styles").mkdir()
    house = (STYLES_DIR / "modern-language-association.csl").read_text(encoding="utf-8")
    (tmp_path / "styles" / "house-style.csl").write_text(house, encoding="utf-8")
    mine = citations(seed, Locator("paragraph", "14"), ("house-style",), tmp_path)["house-style"]
    assert mine.citation == "(Yu, par. 14)"


@pytest.mark.parametrize("bad", ["../../etc/passwd", "no-such-style", "", "APA/../x"])
def test_unknown_or_unsafe_styles_are_refused_by_name(seed, bad):
    with pytest.raises(StyleNotFound) as refused:
        citations(seed, None, (bad,))
    assert repr(bad.strip().lower()) in str(refused.value) or "style id" in str(refused.value)


def test_broken_style_file_is_a_clear_error(seed, tmp_path):
    (tmp_path / "styles").mkdir()
    (tmp_path / "styles" / "broken.csl").write_text(
        "<style><citation><layout><text variable=", encoding="utf-8"
    )
    with pytest.raises(CiteprocError, match="'broken' could not be rendered"):
        citations(seed, None, ("broken",), tmp_path)
    assert citations(seed, None)["chicago"].entry  # the engine still works for the others


def test_citations_rendered_together_equal_each_rendered_alone(seed, monkeypatch):
    """A passage's citations in several styles at two locators cross into V8 once (archiveBatch),
    and are the strings each call made alone gives."""
    styles, places = ("chicago", "apa", "mla", "ieee"), (Locator("page", "116"), Locator("paragraph", "14"))
    alone_calls = []
    call = Engine._call
    monkeypatch.setattr(Engine, "_call", lambda self, *part: alone_calls.append(part) or call(self, *part))
    engine().forget()
    together = citation_table(seed, places, styles)
    assert alone_calls == []  # one batch
    monkeypatch.setattr(Engine, "_call_many", lambda self, parts: [self._call(*part) for part in parts])
    engine().forget()
    assert together == {place: {s: citations(seed, place, (s,))[s] for s in styles} for place in places}
    # A style's bibliography entry once, and two template citations for each whole-number locator
    assert len(alone_calls) == len(styles) * (1 + 2 * len(places))


# Styles that print locators in different ways: notes, author-date, numbered, legal pinpoints.
TEMPLATE_STYLES = (
    "chicago", "apa", "mla", "ieee", "nature", "harvard-cite-them-right", "chicago-author-date", "oscola",
    "american-medical-association", "bluebook-law-review", "new-harts-rules-notes",
)  # fmt: skip
PLACES = [
    Locator(label, value) for label in ("page", "paragraph", "figure", "note") for value in ("1", "14", "116")
]


def exact_citations(article, places, styles, corpus=None):
    """Each citation rendered at its own locator, never from the templates."""
    from archive import citeproc_js

    saved = citeproc_js.WHOLE_NUMBER
    citeproc_js.WHOLE_NUMBER = re.compile(r"(?!)")
    try:
        engine().forget()
        return citation_table(article, places, styles, corpus)
    finally:
        citeproc_js.WHOLE_NUMBER = saved
        engine().forget()


def test_citations_at_whole_numbers_made_from_templates_equal_each_rendered(seed):
    """A citation at a whole-number locator is the item's citation at a template number with the
    number put in its place: the same string citeproc-js makes for it, in every kind of style."""
    places = tuple(PLACES)
    engine().forget()
    assert citation_table(seed, places, TEMPLATE_STYLES) == exact_citations(seed, places, TEMPLATE_STYLES)


def test_a_template_number_in_the_item_itself_is_cited_exactly(seed):
    """An item whose own text has the template number is cited at each locator by itself: the
    number cannot be told from the locator's."""
    from dataclasses import replace

    from archive.citeproc_js import TEMPLATE_NUMBERS

    odd = replace(seed, title=f"Report {TEMPLATE_NUMBERS[0]} on the Summit")
    places = (Locator("page", "14"), Locator("paragraph", "2"))
    engine().forget()
    made = citation_table(odd, places, ("chicago", "apa"))
    assert made == exact_citations(odd, places, ("chicago", "apa"))
    assert f"Report {TEMPLATE_NUMBERS[0]}" in made[places[0]]["chicago"].citation


def test_stored_citation_parts_cite_every_passage_without_v8(seed, monkeypatch):
    """What a build stores of an article (citation_parts) makes every passage's citations in the
    shipped styles, with no call into V8, equal to citations rendered on the spot (page ranges
    excepted: a style shortens them its own way, 113–14)."""
    stored = stored_parts(citation_parts(seed))
    places = tuple(
        {place for passage in seed.passages for place in locators(passage) if place.value.isdigit()}
    )
    assert {place.label for place in places} == {"page", "paragraph", "figure"}
    expected = exact_citations(seed, places, ("chicago", "apa", "mla"))
    monkeypatch.setattr(Engine, "_call_many", lambda self, parts: pytest.fail(f"V8 was asked for {parts}"))
    assert citation_table(seed, places, ("chicago", "apa", "mla"), known=stored) == expected


def test_stored_parts_of_another_style_file_or_item_are_not_used(seed, tmp_path, monkeypatch):
    """Stored parts are keyed by the style's text, citeproc-js as installed and the item: a style
    edited since, an upgrade, or an article changed is rendered anew. Unreadable stored bytes are
    no parts."""
    from dataclasses import replace

    from archive import citeproc_js

    (tmp_path / "styles").mkdir()
    style = tmp_path / "styles" / "house.csl"
    style.write_text((STYLES_DIR / "apa.csl").read_text(encoding="utf-8"), encoding="utf-8")
    place = Locator("paragraph", "14")
    stored = {
        part: f"<i>stale</i> {value}" if part[0] == "archiveCitation" else value
        for part, value in stored_parts(citation_parts(seed, ("house",), tmp_path)).items()
    }
    made = citation_table(seed, (place,), ("house",), tmp_path, stored)[place]["house"].citation
    assert made == "<i>stale</i> (Yu, 2019, para. 14)"  # the stored parts, as they were stored
    with monkeypatch.context() as upgraded:
        upgraded.setattr(citeproc_js, "renderer_version", lambda: "citeproc-js upgraded")
        after = citation_table(seed, (place,), ("house",), tmp_path, stored)[place]["house"].citation
        assert after == "(Yu, 2019, para. 14)"
    changed = citation_table(replace(seed, title="Another Title"), (place,), ("house",), tmp_path, stored)
    assert (
        "stale" not in changed[place]["house"].citation and "Another Title" in changed[place]["house"].entry
    )
    style.write_text(style.read_text(encoding="utf-8") + "\n", encoding="utf-8")  # edited since the build
    os.utime(style, ns=(style.stat().st_atime_ns, style.stat().st_mtime_ns + 10**9))
    edited = citation_table(seed, (place,), ("house",), tmp_path, stored)[place]["house"].citation
    assert edited == "(Yu, 2019, para. 14)"
    assert stored_parts(b"not zlib") == {} and stored_parts(None) == {}


def test_stored_parts_serve_another_installation_of_the_same_files(seed, tmp_path, monkeypatch):
    """An index built by one installation is cited from by another (a reinstall, a copy of the
    folder, another checkout): the same style text at another path and time still finds its
    stored parts, and V8 is not asked."""
    built, served = tmp_path / "built", tmp_path / "served"
    for folder in (built, served):
        (folder / "styles").mkdir(parents=True)
        (folder / "styles" / "house.csl").write_text((STYLES_DIR / "apa.csl").read_text(encoding="utf-8"))
    served_style = served / "styles" / "house.csl"
    os.utime(served_style, ns=(served_style.stat().st_atime_ns, served_style.stat().st_mtime_ns + 10**9))
    place = Locator("paragraph", "14")
    stored = {
        part: f"<i>stored</i> {value}" if part[0] == "archiveCitation" else value
        for part, value in stored_parts(citation_parts(seed, ("house",), built)).items()
    }
    engine().forget()
    monkeypatch.setattr(Engine, "_call_many", lambda self, parts: pytest.fail(f"V8 was asked for {parts}"))
    made = citation_table(seed, (place,), ("house",), served, stored)[place]["house"].citation
    assert made == "<i>stored</i> (Yu, 2019, para. 14)"


def test_a_broken_style_in_a_batch_fails_alone(seed, tmp_path, monkeypatch):
    """A batch with a broken style is made again part by part: that style's error is raised
    (asked once), and the other styles' strings are kept, so the next page needs no V8 call."""
    (tmp_path / "styles").mkdir()
    (tmp_path / "styles" / "broken.csl").write_text(
        "<style><citation><layout><text variable=", encoding="utf-8"
    )
    alone = []
    call = Engine._call
    monkeypatch.setattr(Engine, "_call", lambda self, *part: alone.append(part[1][0]) or call(self, *part))
    engine().forget()
    with pytest.raises(CiteprocError, match="'broken' could not be rendered"):
        citations(seed, Locator("page", "116"), ("chicago", "broken", "apa"), tmp_path)
    # made alone, after the batch: its bibliography entry and its two template citations
    assert alone.count("broken") == 1 and alone.count("apa") == 3
    alone.clear()
    assert citations(seed, Locator("page", "116"), ("chicago", "apa"))["apa"].citation == "(Yu, 2019, p. 116)"
    assert alone == []


def test_styles_are_listed_by_words_of_id_or_title():
    found = list_styles(query="cite them right")
    assert "harvard-cite-them-right" in [s.id for s in found]
    assert all("cite them right" in f"{s.id} {s.title}".lower().replace("-", " ") for s in found)
    assert list_styles(query="ieee")[0].id == "ieee"  # the id asked for comes first
    assert [s.id for s in list_styles(limit=3)] == [
        "chicago-notes-bibliography",
        "apa",
        "modern-language-association",
    ]


def test_the_cli_cites_in_any_style_and_exits(seed_index):
    """The V8 context is closed at exit: a left-open context once hung the interpreter."""
    done = subprocess.run(
        [sys.executable, "-m", "archive", "cite", "cc-2019-09-china-russia-p14", "--index", str(seed_index),
         "--style", "ieee", "--locator", "paragraph"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == "[1, Para. 14]"
    listed = subprocess.run(
        [sys.executable, "-m", "archive", "styles", "ieee", "--limit", "1"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert listed.stdout.startswith("ieee ")


def test_a_style_is_rendered_in_its_own_locale(seed):
    german = citations(seed, Locator("page", "115"), ("chicago-author-date-de",))["chicago-author-date-de"]
    assert "Comparative Connections 21, Nr. 2" in german.entry_text  # "Nr.", not "no."


def test_citing_from_a_server_thread_exits_cleanly():
    """V8 work runs on the engine's own thread: a context built from a request thread and closed
    at exit from the main thread crashed the interpreter (exit status 139)."""
    script = (
        "import threading\n"
        "from archive.cite import citations\n"
        "from archive.parse import parse_file\n"
        "article = parse_file('corpus/cc-2019-09-china-russia.md')\n"
        "worker = threading.Thread(target=lambda: print(citations(article, None)['apa'].citation))\n"
        "worker.start(); worker.join()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "(Yu, 2019)"


def test_a_citation_never_depends_on_the_articles_cited_before(seed):
    """Citations are made without registering the article (numbered styles excepted): two
    articles by the same authors in the same year share nothing (no 2019a and 2019b), and a
    numbered style still numbers its one item [1]."""
    from dataclasses import replace

    from archive import citeproc_js

    other = replace(seed, id="other-article", title="Another Article on the Same Summit")
    styles, locator = ("chicago", "apa", "mla", "ieee"), Locator("page", "116")

    def fresh_citations(article):
        citeproc_js.engine().forget()  # rendered again, not read from the cache
        return citations(article, locator, styles)

    citeproc_js.engine().close()  # a new V8 context: nothing cited yet
    alone = fresh_citations(other)
    fresh_citations(seed)
    assert fresh_citations(other) == alone
    assert alone["ieee"].citation_text == "[1, p. 116]"


def test_a_corrected_article_is_cited_as_corrected(seed):
    """The citation engine never keeps an article it cited: after a reindex that corrects the
    title or the date, the citation says what the bibliography entry says."""
    from dataclasses import replace

    locator, styles = Locator("page", "117"), ("chicago", "apa", "mla", "ieee")
    citations(seed, locator, styles)
    fixed = citations(replace(seed, title="A Corrected Title", date="2021-03-01"), locator, styles)
    assert "A Corrected Title" in fixed["chicago"].citation_text
    assert "2021" in fixed["apa"].citation_text and "2019" not in fixed["apa"].citation_text
    for style in styles:  # the bibliography entry too (a numbered style's citation is made from it)
        assert "A Corrected Title" in fixed[style].entry_text and "2019" not in fixed[style].entry_text


NUMBERED_LOCATOR_STYLE = """<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0" default-locale="{lang}">
  <info><title>Locator as {form}</title><id>http://example.org/{name}</id><updated>2020-01-01T00:00:00+00:00</updated></info>
  <citation><layout prefix="(" suffix=")">
    <text variable="title" form="short"/><group delimiter=" " prefix=", "><label variable="locator" form="short"/><number variable="locator" form="{form}"/></group>
  </layout></citation>
  <bibliography><layout><text variable="title"/></layout></bibliography>
</style>
"""


def test_a_style_that_formats_the_locator_as_a_number_is_cited_exactly(seed, tmp_path):
    """A corpus's style that prints the locator as an ordinal or a word is never templated: in
    French or German the template numbers' suffixes agree while 1 and 2 differ (1er, premier)."""
    (tmp_path / "styles").mkdir()
    styles = []
    for lang, form in (
        ("fr-FR", "long-ordinal"),
        ("de-DE", "long-ordinal"),
        ("fr-FR", "ordinal"),
        ("en-US", "roman"),
    ):
        name = f"t-{lang.lower()}-{form}"
        (tmp_path / "styles" / f"{name}.csl").write_text(
            NUMBERED_LOCATOR_STYLE.format(lang=lang, form=form, name=name), encoding="utf-8"
        )
        styles.append(name)
    places = tuple(Locator("page", value) for value in ("1", "2", "3", "11", "21"))
    engine().forget()
    made = citation_table(seed, places, tuple(styles), tmp_path)
    assert made == exact_citations(seed, places, tuple(styles), tmp_path)


def test_a_blog_post_is_cited_in_its_blog_named_once(tmp_path):
    """JSON-LD's BlogPosting names its blog as publisher only: that is the citation's container
    (Chicago set the post's title alone in italics), named once, and its entities are read."""
    path = tmp_path / "agent.html"
    data = {
        "@context": "https://schema.org",
        "@type": "BlogPosting",
        "headline": "Autonomous Agents",
        "author": {"@type": "Person", "name": "Lilian Weng"},
        "datePublished": "2023-06-23",
        "description": "The agent&rsquo;s brain &amp; its tools.",
        "url": "https://example.org/post?id=5&section=agents",
        "publisher": {"@type": "Organization", "name": "Lil'Log"},
    }
    path.write_text(
        f'<html><head><script type="application/ld+json">{json.dumps(data)}</script></head>'
        "<body><article><h1>Autonomous Agents</h1><p>The post's one paragraph of text.</p></article></body></html>",
        encoding="utf-8",
    )
    article = parse_file(path)
    assert (article.journal, article.publisher, article.type) == ("Lil'Log", "Lil'Log", "post-weblog")
    assert article.description == "The agent’s brain & its tools."
    assert article.url == "https://example.org/post?id=5&section=agents"  # no entity without its ";"
    item = csl_item(article)
    assert item["container-title"] == "Lil'Log" and "publisher" not in item
    # A blog the page names (og:site_name) is the container, its company the publisher
    named = (
        path.read_text(encoding="utf-8")
        .replace("Lil'Log", "Weng Labs")
        .replace("<head>", '<head><meta property="og:site_name" content="Lil\'Log Engineering">')
    )
    path.write_text(named, encoding="utf-8")
    article = parse_file(path)
    assert (article.journal, article.publisher) == ("Lil'Log Engineering", "Weng Labs")
