"""Exporting lists of articles: RIS, BibTeX, CSL-JSON and bibliographies, in the library and the web."""

from __future__ import annotations

import json
from pathlib import Path

import bibtexparser
import pytest
from test_records import parse_ris

from archive.export import export
from archive.parse import parse_file

FORMATS = Path(__file__).resolve().parent / "corpus" / "formats"


@pytest.fixture(scope="module")
def articles():
    names = ("journal-page.html", "institutional-report.md", "wordpress-page.html")
    return [parse_file(FORMATS / name) for name in names]


def test_ris_has_one_record_per_article_of_its_type(articles):
    body = export(articles + articles[:1], "ris").body  # an article twice is exported once
    records = [parse_ris(chunk + "ER  - ") for chunk in body.split("ER  - \n") if chunk.strip()]
    assert [r["TY"] for r in records] == [["JOUR"], ["RPRT"], ["NEWS"]]
    assert records[0]["DO"] == ["10.5555/jms.2022.0207"] and records[1]["AU"] == [
        "Office of the Secretary of Defense"
    ]


def test_bibtex_parses_back(articles):
    library = bibtexparser.parse_string(export(articles, "bibtex").body)
    assert not library.failed_blocks
    assert [e.entry_type for e in library.entries] == ["article", "techreport", "article"]
    assert library.entries[0]["doi"] == "10.5555/jms.2022.0207"


def test_bibtex_keys_are_unique_and_ascii_whoever_the_authors_are(tmp_path):
    """Two posts by one author in one year, on titles that start alike, get keys told apart by a
    letter; authors named in Chinese or Russian are transliterated, not keyed "anon"."""
    posts = {
        "a.md": ("Jekyll 3.1 released", "Parker Moore"),
        "b.md": ("Jekyll 3.2 released", "Parker Moore"),
        "c.md": ("战略互信", "王小明"),
        "d.md": ("Санкции", "Иван Петров"),
        "e.md": ("Jekyll 3.3 released", "Parker Moore"),
    }
    for name, (title, author) in posts.items():
        (tmp_path / name).write_text(
            f"---\ntitle: {title}\nauthor: {author}\ndate: 2016-01-0{len(name)}\n---\n\nText.\n",
            encoding="utf-8",
        )
    articles = [parse_file(tmp_path / name) for name in posts]
    library = bibtexparser.parse_string(export(articles, "bibtex").body)
    keys = [entry.key for entry in library.entries]
    assert keys == [
        "moore2016jekylla",
        "moore2016jekyllb",
        "wangxiaoming2016zhanlue",
        "petrov2016sanktsii",
        "moore2016jekyllc",
    ]
    assert all(key.isascii() and key.isalnum() for key in keys)


def test_csl_json_is_a_list_of_items(articles):
    items = json.loads(export(articles, "csl-json").body)
    assert [i["type"] for i in items] == ["article-journal", "report", "article-newspaper"]
    assert items[1]["author"] == [{"literal": "Office of the Secretary of Defense"}]


def test_bibliography_in_any_style_sorted_as_the_style_sorts(articles):
    text = export(articles, "bibliography-text", "apa").body.splitlines()
    assert [line.split(" ")[0] for line in text] == ["Nguyen,", "Office", "Okafor,"]
    page = export(articles, "bibliography", "harvard-cite-them-right").body
    assert page.count('<div class="csl-entry">') == 3 and "Cite Them Right" in page


def test_unknown_format_is_refused(articles):
    with pytest.raises(ValueError, match="no export format 'docx'"):
        export(articles, "docx")


def test_results_page_exports_every_hit_and_selected_hits(client):
    page = client.get("/search?q=Putin").get_data(as_text=True)
    assert "Export these results" in page and "/export?q=Putin&amp;format=ris" in page
    ris = client.get("/export?q=Putin&format=ris")
    assert (
        ris.status_code == 200 and ris.headers["Content-Disposition"] == 'attachment; filename="results.ris"'
    )
    assert ris.get_data(as_text=True).count("TY  - ") == 1  # every hit is in the seed article
    for fmt, content_type in [
        ("ris", "application/x-research-info-systems; charset=utf-8"),
        ("bibliography", "text/html; charset=utf-8"),
        ("bibliography-text", "text/plain; charset=utf-8"),
    ]:
        assert client.get(f"/export?q=Putin&format={fmt}").headers["Content-Type"] == content_type
    chosen = client.get("/export?ids=cc-2019-09-china-russia-p14&ids=arms-control-p1&format=csl-json")
    assert [i["id"] for i in chosen.get_json()] == ["cc-2019-09-china-russia", "arms-control"]
    api = client.get("/api/search?q=Putin&format=bibliography-text&style=mla")
    assert api.get_data(as_text=True).startswith("Yu Bin. “Beautiful Relationship")
    assert client.get("/api/search?q=Putin&format=docx").status_code == 400
    assert client.get("/export?q=Putin&format=bibliography&style=../../x").status_code == 400


def test_reader_exports_the_article_and_cites_in_a_chosen_style(client):
    page = client.get("/a/cc-2019-09-china-russia").get_data(as_text=True)
    assert "/a/cc-2019-09-china-russia/export?format=ris" in page
    bib = client.get("/a/cc-2019-09-china-russia/export?format=bibtex").get_data(as_text=True)
    assert bib.startswith("@article{yu2019beautiful,")
    cited = client.get("/a/cc-2019-09-china-russia/p/14?style=ieee").get_data(as_text=True)
    assert "IEEE Reference Guide" in cited and "[1, Para. 14]" in cited
    refused = client.get("/a/cc-2019-09-china-russia/p/14?style=nope").get_data(as_text=True)
    assert "no citation style &#39;nope&#39;" in refused and "Chicago note" in refused
    styles = client.get("/api/styles?q=ieee").get_json()
    assert styles[0] == {
        "id": "ieee",
        "title": "IEEE Reference Guide version 11.29.2023",
        "origin": "official collection",
    }
    api = client.get("/api/passages/cc-2019-09-china-russia-p14?style=ieee").get_json()
    assert api["citations"]["locators"][1]["styles"]["ieee"]["citation_text"] == "[1, Para. 14]"


def test_a_broken_corpus_style_is_a_message_not_a_server_error(seed_index, tmp_path):
    from archive.web import create_app

    (tmp_path / "styles").mkdir()
    (tmp_path / "styles" / "broken.csl").write_text(
        "<style><citation><layout><text variable=", encoding="utf-8"
    )
    (tmp_path / "styles" / "latin.csl").write_bytes("<style>caf\xe9</style>".encode("latin-1"))
    app = create_app({"INDEX": str(seed_index), "CORPUS": str(tmp_path), "BUILD_MISSING_INDEX": False})
    client = app.test_client()
    for style in ("broken", "latin"):
        page = client.get(f"/a/cc-2019-09-china-russia/p/14?style={style}")
        assert page.status_code == 200 and f"citation style &#39;{style}&#39;" in page.get_data(as_text=True)
        api = client.get(f"/api/passages/cc-2019-09-china-russia-p14?style={style}").get_json()
        assert f"'{style}'" in api["style_error"] and "chicago" in api["citations"]["locators"][0]["styles"]
        assert client.get(f"/export?q=Putin&format=bibliography&style={style}").status_code == 400
