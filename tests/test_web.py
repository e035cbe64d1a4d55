"""The web app through Flask's test client: routes, statuses, JSON shapes, escaping, headers."""

from __future__ import annotations

import json
import os
import re
import shutil
from urllib.parse import parse_qs

import pytest
from bs4 import BeautifulSoup
from flask import url_for

import archive.web.search
from archive.reindex import reindex
from archive.web import create_app, store

SEED = "cc-2019-09-china-russia"


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def text(node) -> str:
    """A node's text with whitespace collapsed, as a reader sees it."""
    return " ".join(node.get_text(" ").split())


def test_home_page(client):
    response = client.get("/")
    page = soup(response)
    assert response.status_code == 200
    assert page.find("input", id="q").has_attr("autofocus")
    assert text(page.find(class_="stats")).startswith("3 articles, 88 passages; last reindexed")
    assert page.find("link", rel="search")["href"] == "/opensearch.xml"
    assert {a.get_text() for a in page.select(".articles a")} >= {
        "Beautiful Relationship in a Brave/Grave New World"
    }


def test_results_page_is_grouped_highlighted_and_faceted(client):
    page = soup(client.get("/search?q=sanctions"))
    groups = page.select("article.group")
    assert next(g.h2.get_text(strip=True) for g in groups)
    hit = page.select_one(f'li.hit .snippet a[href="/a/{SEED}?q=sanctions#p14"]')
    assert hit is not None and hit.find("mark").get_text() == "sanctions"
    assert "¶ 14, p. 115" in page.get_text()
    assert page.select_one(".interpreted").get_text() == "sanctions"
    facets = {
        s.h2.get_text(): [a.get_text(strip=True) for a in s.find_all("a")]
        for s in page.select(".facets section")
    }
    assert set(facets) == {"Kind", "Section", "Article", "Year"}
    assert "Beautiful Relationship in a Brave/Grave New World" in facets["Article"]
    articles = {a["href"].split("?")[0] for a in page.select("li.hit .snippet a")}
    coins = [parse_qs(span["title"]) for span in page.select("span.Z3988")]  # one per article
    assert len(coins) == len(articles) and all(c["rft.atitle"] for c in coins)
    assert hit.find_parent("li").select_one("a.cite-link")["href"] == f"/a/{SEED}/p/14#cite"
    with client.application.test_request_context():  # a group's heading as url_for makes it
        expected = url_for("reader.article", article_id=SEED, q="sanctions")
    assert expected in [g.h2.a["href"] for g in groups]
    odd = soup(client.get("/search", query_string={"q": '"sanctions" Russia\'s (Putin)'}))
    with client.application.test_request_context():
        expected = url_for("reader.article", article_id=SEED, q='"sanctions" Russia\'s (Putin)')
    assert expected in [g.h2.a["href"] for g in odd.select("article.group")]


def test_facet_links_toggle_filters(client):
    page = soup(client.get("/search?q=Russia"))
    link = next(a for a in page.select(".facets a") if a.get_text(strip=True) == "chronology")
    filtered = soup(client.get(link["href"]))
    assert {li["class"][1] for li in filtered.select("li.hit")} == {"kind-chronology"}
    active = filtered.select_one(".facets a.active")
    assert active.get_text(strip=True) == "chronology" and "kind=" not in active["href"]


@pytest.mark.parametrize(
    "query",
    [
        "",
        "q=Russia",
        "q=Russia&page=3",
        "q=a+b%26c%3D%C3%A9+%E6%88%98%E7%95%A5&kind=chronology&kind=section&year=2019",
        "kind=chronology&q=%22strategic+partnership%22&article=x%2Fy&page=2&style=apa",
        "q=&kind=",
    ],
)
def test_facet_links_are_the_links_url_for_builds(client, query):
    """Facet links are built from the request's arguments encoded once: each is the address
    url_for makes of the same arguments (order, repeats, encoding, the page dropped)."""
    from flask import url_for

    from archive.web.helpers import facet_links

    app = client.application
    with app.test_request_context(f"/search?{query}"):
        from flask import request

        for name, value in [
            ("kind", "chronology"),
            ("kind", "section"),
            ("year", "2020"),
            ("article", "x/y é"),
        ]:
            args = request.args.to_dict(flat=False)
            values = args.get(name, [])
            args[name] = [v for v in values if v != value] if value in values else [*values, value]
            args.pop("page", None)
            assert facet_links(name, {value: 1})[0].href == url_for("search.results", **args)


def test_a_facets_links_switch_each_value_and_show_its_label(client):
    """All of a facet's links come from one call: each the link of its own value switched (the
    selected one off, the others on), labelled from `labels` where it has one, with its count."""
    from archive.web.helpers import FacetLink, facet_links

    with client.application.test_request_context("/search?q=x&article=a1&page=3&sort=date"):
        assert facet_links("article", {"a1": 5, "b/2": 3}, {"a1": "First <title>"}) == [
            FacetLink("/search?q=x&sort=date", "First <title>", 5, True),
            FacetLink("/search?q=x&article=a1&article=b/2&sort=date", "b/2", 3, False),
        ]
        assert facet_links("year", {"2020": 1}) == [
            FacetLink("/search?q=x&article=a1&sort=date&year=2020", "2020", 1, False)
        ]


@pytest.mark.parametrize("query", ["", "Russia", "x/y é & z+1 'q' \"w\" ?#%", "中俄 关系", "a  b\tc"])
@pytest.mark.parametrize("article_id", ["cc-2019-09-china-russia", "ja-2023-gc", "article-1a2b3c4d"])
def test_article_links_are_the_links_url_for_builds(client, query, article_id):
    """Built from one url_for a request, an article's address (relative and absolute, with the
    search's words or not) is the one url_for builds."""
    from flask import url_for

    from archive.web.helpers import article_address

    with client.application.test_request_context("/search?q=x", base_url="https://archive.example.org/sub"):
        for external in (False, True):
            expected = url_for("reader.article", article_id=article_id, q=query or None, _external=external)
            assert article_address(article_id, query, external=external) == expected
        from flask import request

        assert dict(request.headers)  # what the addresses keep leaves the environ readable as headers
        assert all(isinstance(key, str) for key in request.environ)


def test_facet_links_are_built_for_each_request_and_any_argument_name(client):
    """The encoded arguments belong to one request, even when an app context outlives it, and
    names url_for reserves (_anchor, _external, endpoint) are kept as plain arguments."""
    app = client.application
    with app.app_context():
        first = soup(client.get("/search?q=Russia"))
        second = soup(client.get("/search?q=Putin&_anchor=top&endpoint=x"))
    assert all("q=Russia" in a["href"] for a in first.select(".facets a"))
    links = [a["href"] for a in second.select(".facets a")]
    assert links and all("q=Putin&_anchor=top&endpoint=x" in href for href in links)


@pytest.mark.parametrize("name", ["endpoint", "_anchor", "_external", "_scheme", "_method", "values"])
@pytest.mark.parametrize(
    "path", ["/search?q=Russia", "/search?q=Russia&page=2", "/browse", "/browse/authors"]
)
def test_argument_names_url_for_reserves_are_plain_arguments(client, path, name):
    """An address carrying endpoint=, _anchor=, _scheme=… (a pasted link, a probe) gets its page,
    with those arguments kept in its links, never a server error."""
    response = client.get(f"{path}&{name}=x" if "?" in path else f"{path}?{name}=x")
    assert response.status_code == 200
    page = soup(response)
    if path.startswith("/browse"):  # its JSON twin keeps the arguments
        assert f"{name}=x" in page.select_one(".json-twin a")["href"]
        return
    # Facet, page and export links keep the search's arguments (a hit's link keeps only its words).
    hrefs = [a["href"] for a in page.select("a[href^='/search?'], a[href^='/export?']")]
    assert hrefs and all(f"{name}=x" in href for href in hrefs)


def test_pagination_links(client):
    page = soup(client.get("/search?q=Russia&size=5"))
    assert page.select_one(".pagination a[rel=next]")["href"].endswith("page=2")
    second = soup(client.get("/search?q=Russia&size=5&page=2"))
    assert second.select_one(".pagination a[rel=prev]") is not None


def test_did_you_mean_is_shown(client):
    page = soup(client.get("/search?q=sanctoins"))
    assert "Showing results for" in page.select_one(".did-you-mean").get_text()
    assert page.select("li.hit")


def test_empty_and_refused_queries(client):
    assert "Type one or more words" in soup(client.get("/search?q=")).get_text()
    refused = client.get("/search?q=*")
    assert refused.status_code == 400 and "too broad" in soup(refused).select_one(".error").get_text()


def test_hostile_query_is_reflected_escaped(client):
    response = client.get("/search", query_string={"q": '"><script>alert(1)</script>'})
    body = response.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in body
    assert soup(response).find("input", id="q")["value"] == '"><script>alert(1)</script>'


def test_hostile_corpus_text_shows_as_text_everywhere(client):
    for url in ("/search?q=hostile", "/a/arms-control", "/a/arms-control/p/6", "/a/arms-control?q=hostile"):
        body = client.get(url).get_data(as_text=True)
        assert "<script>alert(1)</script>" not in body, url
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body, url
    api = client.get("/api/passages/arms-control-p6").get_json()
    assert api["passage"]["text"].endswith("<script>alert(1)</script> must stay text.")


def test_security_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    page = soup(response)
    assert not page.find("script", src=False) and not page.find("style") and not page.select("[style]")
    assert all(tag["src"].startswith("/static/") for tag in page.find_all("script"))


def test_reader_page(client):
    page = soup(client.get(f"/a/{SEED}"))
    assert page.h1.get_text() == "Beautiful Relationship in a Brave/Grave New World"
    assert next(a.get_text() for a in page.select(".toc a")) == "Two statements for the “new era”"
    assert page.find(id="p14") and page.find(id="fig3") and page.find(id="s7")
    assert page.select_one("#p14 .num").get_text() == "¶ 14"
    assert page.select_one("#fig3 figcaption").get_text().endswith("Photo: Russia Insights")
    assert page.select_one("#p62 .entry-date time")["datetime"] == "2019-07-12"
    assert "<i>Comparative Connections</i>" in str(page.select_one(".full-citation"))


def test_reader_marks_query_terms_server_side(client):
    page = soup(client.get(f"/a/{SEED}?q=sanctions"))
    assert [m.get_text() for m in page.select("#p14 mark")] == ["sanctions"]
    assert page.select_one("#p1 em").get_text() == "Joint Sea"


def test_highwire_tags(client):
    for url in (f"/a/{SEED}", f"/a/{SEED}/p/14"):
        page = soup(client.get(url))
        tags = [
            (m["name"], m["content"]) for m in page.find_all("meta", attrs={"name": re.compile("^citation_")})
        ]
        assert tags == [
            ("citation_title", "Beautiful Relationship in a Brave/Grave New World"),
            ("citation_author", "Yu, Bin"),
            ("citation_journal_title", "Comparative Connections"),
            ("citation_volume", "21"),
            ("citation_issue", "2"),
            ("citation_firstpage", "113"),
            ("citation_lastpage", "122"),
            ("citation_publication_date", "2019/09"),
            ("citation_language", "en"),
            ("citation_fulltext_html_url", f"http://localhost/a/{SEED}"),
        ]


def test_paragraph_page_has_context_citations_and_permalink(client):
    page = soup(client.get(f"/a/{SEED}/p/14"))
    assert page.select_one(".current .num").get_text() == "¶ 14, p. 115"
    assert [n.get_text() for n in page.select(".neighbour .num")] == ["¶ 13, p. 115", "Fig. 1, p. 115"]
    panel = page.select_one("#cite")
    assert [text(h) for h in panel.select("h3")] == ["Chicago", "APA", "MLA"]  # a block per style
    assert [text(dt) for dt in panel.select('.style-block[data-style="apa"] dt')] == [
        "APA in-text, by page (p. 115)",
        "APA in-text, by ¶ number (¶ 14)",
        "APA reference",  # the entry once, whatever the locator
    ]
    assert len(panel.select(".citation")) == 9
    texts = [c.get_text() for c in panel.select(".citation")]
    assert "(Yu, 2019, p. 115)" in texts and "(Yu, 2019, para. 14)" in texts and "(Yu, par. 14)" in texts
    permalink = panel.select_one(".permalink a")["href"]
    assert re.fullmatch(rf"http://localhost/a/{SEED}/p/14\?v=[0-9a-f]{{8}}", permalink)
    assert page.select(".related li")


def test_a_passage_page_unpacks_only_the_parts_of_its_article_it_shows(seed_index, monkeypatch):
    """A page (and the API) at a passage's address reads the passage, its neighbours and its
    article's record from the parts of the article's parse that hold them: the whole article is
    never unpacked (1.3 ms of each page of an article not read lately)."""
    from archive.engine.index import IndexHandle

    fresh = create_app({"INDEX": str(seed_index), "CORPUS": "unused", "BUILD_MISSING_INDEX": False})
    monkeypatch.setattr(IndexHandle, "article", lambda self, article_id: pytest.fail("unpacked whole"))
    try:
        client = fresh.test_client()
        page = soup(client.get(f"/a/{SEED}/p/14"))
        assert page.select_one(".current .num").get_text() == "¶ 14, p. 115"
        assert [n.get_text() for n in page.select(".neighbour .num")] == ["¶ 13, p. 115", "Fig. 1, p. 115"]
        assert "(Yu, 2019, para. 14)" in [c.get_text() for c in page.select("#cite .citation")]
        assert "Beautiful Relationship" in page.select_one("title").get_text()
        first = soup(client.get(f"/a/{SEED}/p/1"))
        assert [n.get_text() for n in first.select(".neighbour .num")] == ["¶ 2, p. 113"]
        passage = client.get(f"/api/passages/{SEED}-p14").get_json()
        assert (passage["previous"], passage["next"]) == (f"{SEED}-p13", f"{SEED}-fig1")
    finally:
        store.close(fresh)


def test_an_article_whose_stored_parse_is_damaged_says_so_and_the_rest_keeps_working(
    seed_index, monkeypatch, caplog
):
    """Bytes damaged on disk: the article's pages and API answers say what is wrong (no stack
    trace, no zlib message); search, and every other article, still work."""
    import archive.engine.index as index_module

    real = index_module.parsed_payload
    monkeypatch.setattr(
        index_module,
        "parsed_payload",
        lambda searcher, article_id: (
            b"archive-parts-1\n\x00\x00\x00\x05broken" if article_id == SEED else real(searcher, article_id)
        ),
    )
    fresh = create_app({"INDEX": str(seed_index), "CORPUS": "unused", "BUILD_MISSING_INDEX": False})
    try:
        client = fresh.test_client()
        for address in (f"/a/{SEED}", f"/a/{SEED}/p/14"):
            page = client.get(address)
            assert page.status_code == 500
            text = soup(page).select_one("main").get_text(" ", strip=True)
            assert "stored copy of this article is damaged" in text and "zlib" not in text
        answer = client.get(f"/api/passages/{SEED}-p14")
        assert answer.status_code == 500 and "damaged" in answer.get_json()["error"]
        assert f"article of {SEED}-p14" in caplog.text and "archive reindex --full" in caplog.text
        assert client.get("/search?q=Putin").status_code == 200
        others = [a.id for a, _ in index_module.IndexHandle(seed_index).catalog() if a.id != SEED]
        assert others and all(client.get(f"/a/{other}").status_code == 200 for other in others)
    finally:
        store.close(fresh)


def test_a_damaged_record_leaves_its_article_out_of_lists_and_exports_not_the_others(
    seed_index, monkeypatch, caplog
):
    """The record's copy (a hit's citation data, the catalog) and the whole parse (exports)
    damaged: the results page, browsing and exports answer, without that article."""
    import archive.engine.index as index_module

    broken = b"\x78\x9cbroken"
    real_parse = index_module.parsed_payload
    monkeypatch.setattr(
        index_module, "parsed_payload", lambda s, a: broken if a == SEED else real_parse(s, a)
    )
    real_unpack = index_module.unpack
    monkeypatch.setattr(
        index_module, "unpack", lambda b, what="": real_unpack(broken if SEED in what else b, what)
    )
    fresh = create_app({"INDEX": str(seed_index), "CORPUS": "unused", "BUILD_MISSING_INDEX": False})
    try:
        client = fresh.test_client()
        page = client.get("/search?q=Putin")
        assert page.status_code == 200 and soup(page).select("li.hit")
        assert client.get("/browse").status_code == 200
        titles = [a.title for a, _ in index_module.IndexHandle(seed_index).catalog()]
        assert titles and "Beautiful Relationship in a Brave/Grave New World" not in titles
        exported = client.get("/export?q=Putin OR the&format=ris")
        assert exported.status_code == 200 and b"TY  -" in exported.data
        assert b"Beautiful Relationship" not in exported.data
        assert f"record of article:{SEED} cannot be read" in caplog.text
        assert "archive reindex --full" in caplog.text
    finally:
        store.close(fresh)


def test_a_removed_article_whose_copy_is_damaged_answers_as_unknown(
    tmp_index, corpus_dir, monkeypatch, caplog
):
    """A removed article's copy is carried over by every reindex as stored, so no rebuild mends
    it: its address answers 404, and the log says why (without advice that would not help)."""
    import archive.engine.index as index_module

    seed = next(corpus_dir.glob("cc-*.md"))
    seed.unlink()
    reindex(corpus_dir, tmp_index)
    real_unpack = index_module.unpack
    monkeypatch.setattr(
        index_module,
        "unpack",
        lambda b, what="": real_unpack(b"\x78\x9cbroken" if what.startswith("removed") else b, what),
    )
    fresh = create_app({"INDEX": str(tmp_index), "CORPUS": str(corpus_dir), "BUILD_MISSING_INDEX": False})
    try:
        assert fresh.test_client().get(f"/a/{SEED}").status_code == 404
        assert f"removed article {SEED} cannot be read" in caplog.text
        assert "as if it had never been indexed" in caplog.text and "--full" not in caplog.text
    finally:
        store.close(fresh)


def test_citation_downloads(client):
    bib = client.get(f"/a/{SEED}/p/14.bib")
    assert bib.mimetype == "application/x-bibtex" and bib.get_data(as_text=True).startswith(
        "@article{yu2019beautiful,"
    )
    assert "attachment" in bib.headers["Content-Disposition"]
    assert client.get(f"/a/{SEED}/p/14.ris").get_data(as_text=True).startswith("TY  - JOUR")
    csl = json.loads(client.get(f"/a/{SEED}/p/14.json").get_data(as_text=True))
    assert csl["citation"] == {"id": SEED, "locator": "115", "label": "page"}


def test_api_search_shape(client):
    data = client.get("/api/search?q=Lavrov&kind=chronology").get_json()
    assert set(data) >= {
        "query",
        "interpreted",
        "total",
        "page",
        "pages",
        "suggestion",
        "facets",
        "hits",
        "facet_labels",
    }
    assert data["total"] == 2 and {h["kind"] for h in data["hits"]} == {"chronology"}
    assert data["hits"][0]["url"].startswith(f"/a/{SEED}?q=Lavrov#p")
    refused = client.get("/api/search?q=*")
    assert refused.status_code == 400 and "too broad" in refused.get_json()["error"]


def test_api_article_and_passage(client):
    article = client.get(f"/api/articles/{SEED}").get_json()
    assert article["article"]["title"] == "Beautiful Relationship in a Brave/Grave New World"
    assert len(article["passages"]) == 76 and article["passages"][13]["permalink"].startswith(
        f"/a/{SEED}/p/14?v="
    )
    passage = client.get(f"/api/passages/{SEED}-p14").get_json()
    assert passage["passage"]["number"] == 14 and passage["previous"] == f"{SEED}-p13"
    styles = passage["citations"]["locators"][1]["styles"]
    assert styles["apa"]["citation"] == "(Yu, 2019, para. 14)"
    assert passage["citations"]["bibtex"].startswith("@article{")
    assert client.get("/api/articles").get_json()["articles"][0]["url"].startswith("/a/")


def test_opensearch_and_health(client):
    xml = client.get("/opensearch.xml")
    assert xml.mimetype == "application/opensearchdescription+xml"
    assert 'template="http://localhost/search?q={searchTerms}"' in xml.get_data(as_text=True)
    health = client.get("/healthz").get_json()
    assert health["status"] == "ok" and health["passages"] == 88
    ready = client.get("/readyz")  # no production server, so nothing to wait for
    assert ready.status_code == 200 and ready.get_json() == {"status": "ready", "workers": 1, "warm": 1}


def test_ready_only_once_every_worker_has_warmed(seed_index):
    import subprocess
    import sys

    from archive.web.server import Warmth

    warmth = Warmth(2)
    app = create_app(
        {"INDEX": str(seed_index), "CORPUS": "unused", "BUILD_MISSING_INDEX": False, "WARMTH": warmth}
    )
    client = app.test_client()
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    try:
        for number, pid, warm in ((1, int(gone.stdout), 0), (2, os.getpid(), 1), (3, os.getpid(), 1)):
            warmth.add(number, pid)  # one that died since is not counted, one twice is one
            answer = client.get("/readyz")
            assert answer.status_code == 503 and answer.get_json() == {
                "status": "warming",
                "workers": 2,
                "warm": warm,
            }
            assert client.get("/healthz").status_code == 200  # alive all the while
        warmth.add(4, os.getppid())
        assert client.get("/readyz").get_json() == {"status": "ready", "workers": 2, "warm": 2}
        warmth.remove(os.getppid())  # a worker that stops
        assert client.get("/readyz").get_json() == {"status": "warming", "workers": 2, "warm": 1}
    finally:
        store.close(app)


def test_not_ready_when_the_index_cannot_be_read(tmp_path):
    app = create_app({"INDEX": str(tmp_path / "none"), "CORPUS": str(tmp_path), "BUILD_MISSING_INDEX": False})
    answer = app.test_client().get("/readyz")
    assert answer.status_code == 503 and answer.get_json()["status"] == "error"


@pytest.mark.parametrize(
    "url", ["/nope", f"/a/{SEED}/p/999", "/a/missing", "/a/missing/p/1", "/api/passages/missing-p1"]
)
def test_not_found_pages(client, url):
    response = client.get(url)
    assert response.status_code == 404
    if url.startswith("/api/"):
        assert response.get_json() == {"error": "There is nothing at this address.", "status": 404}
    else:
        page = soup(response)
        assert page.select_one("header.site") and "There is nothing at this address." in page.get_text()
        assert "Traceback" not in page.get_text()


def test_bad_parameters_never_crash(client):
    for url in (
        "/search?q=x&page=abc",
        "/search?q=x&size=-4",
        "/search?q=x&sort=nonsense",
        "/search?q=%00%ff",
        "/search?q=x&year=notayear",
    ):
        assert client.get(url).status_code in (200, 400), url


# --- permalinks that survive reindexing ------------------------------------------------------


@pytest.fixture
def live(tmp_path, corpus_dir):
    """An app on a writable corpus and index, with a reindex helper."""
    index_dir = tmp_path / "index"
    reindex(corpus_dir, index_dir)
    app = create_app(
        {"INDEX": str(index_dir), "CORPUS": str(corpus_dir), "BUILD_MISSING_INDEX": False, "TESTING": True}
    )
    return app.test_client(), corpus_dir, lambda: reindex(corpus_dir, index_dir)


def permalink_of(client, number: int) -> str:
    page = soup(client.get(f"/a/{SEED}/p/{number}"))
    return page.select_one(".permalink a")["href"].replace("http://localhost", "")


def test_permalink_follows_a_paragraph_inserted_before_it(live):
    client, corpus, rebuild = live
    old = permalink_of(client, 14)
    seed = corpus / f"{SEED}.md"
    text = seed.read_text(encoding="utf-8")
    inserted = "Xi’s visit coincided"
    seed.write_text(
        text.replace(inserted, "A new paragraph inserted by the editor.\n\n" + inserted), encoding="utf-8"
    )
    assert rebuild().ok
    response = client.get(old)
    assert response.status_code == 301
    assert response.headers["Location"].startswith(f"/a/{SEED}/p/15?v=")
    moved = soup(client.get(response.headers["Location"]))
    assert moved.select_one(".current p").get_text().startswith("Ironically, the US-China trade war")


def test_permalink_to_changed_text_lands_on_closest_with_notice(live):
    client, corpus, rebuild = live
    old = permalink_of(client, 14)
    seed = corpus / f"{SEED}.md"
    seed.write_text(
        seed.read_text(encoding="utf-8").replace("Ironically, the US-China", "Paradoxically, the US-China"),
        encoding="utf-8",
    )
    assert rebuild().ok
    response = client.get(old)
    page = soup(response)
    assert response.status_code == 200
    assert "The text you cited has changed since it was cited" in page.select_one(".notice").get_text()
    assert page.select_one(".notice blockquote").get_text().startswith("Ironically, the US-China")
    assert page.select_one(".current p").get_text().startswith("Paradoxically, the US-China")


def test_permalink_to_removed_article_is_410_with_its_citation(live):
    client, corpus, rebuild = live
    old = permalink_of(client, 14)
    shutil.move(corpus / f"{SEED}.md", corpus.parent / "elsewhere.md")
    assert rebuild().ok
    response = client.get(old)
    page = soup(response)
    assert response.status_code == 410
    assert "(2019): 115." in page.select_one("blockquote.citation").get_text()
    assert client.get(f"/a/{SEED}").status_code == 410
    # Every form of the address says so, with what was cited: the API and the downloads too
    passage = client.get(f"/api/passages/{SEED}-p14")
    assert passage.status_code == 410 and passage.get_json()["removed_on"]
    assert passage.get_json()["passage"]["number"] == 14
    assert "(2019): 115." in str(passage.get_json()["citations"]["locators"][0]["styles"]["chicago"])
    article = client.get(f"/api/articles/{SEED}")
    assert article.status_code == 410 and article.get_json()["article"]["title"].startswith(
        "Beautiful Relationship"
    )
    bib = client.get(f"/a/{SEED}/p/14.bib")
    assert bib.status_code == 410 and bib.get_data(as_text=True).startswith("@article{")
    unknown = client.get(f"/api/passages/{SEED}-p9999")
    assert unknown.status_code == 410 and unknown.get_json()["passage"] is None
    assert client.get("/api/passages/never-indexed-p1").status_code == 404


def test_a_repeated_search_is_served_from_the_page_cache(tmp_index, corpus_dir, monkeypatch):
    app = create_app({"INDEX": str(tmp_index), "CORPUS": str(corpus_dir), "TESTING": True})
    client = app.test_client()
    searches = []
    real_search = archive.web.search.search
    monkeypatch.setattr(archive.web.search, "search", lambda *a: searches.append(a) or real_search(*a))

    first = client.get("/search?q=zeppelin")
    again = client.get("/search?q=zeppelin")
    assert len(searches) == 1 and again.get_data() == first.get_data()
    assert again.headers["Cache-Control"] == "no-cache"
    assert again.headers["Content-Security-Policy"] == first.headers["Content-Security-Policy"]

    # The browser revalidates and gets 304 while the index is unchanged...
    revalidated = client.get("/search?q=zeppelin", headers={"If-None-Match": first.headers["ETag"]})
    assert revalidated.status_code == 304 and not revalidated.get_data()

    # ...and new results as soon as a reindex changes it: never a stale page.
    (corpus_dir / "note.md").write_text("# Note\n\nThe zeppelin arrived in Omsk.\n", encoding="utf-8")
    reindex(corpus_dir, tmp_index)
    fresh = client.get("/search?q=zeppelin", headers={"If-None-Match": first.headers["ETag"]})
    assert fresh.status_code == 200 and "Omsk" in fresh.get_data(as_text=True)
    assert len(searches) == 2


def test_error_pages_get_no_etag(client):
    response = client.get("/search?q=*")
    assert response.status_code == 400 and "ETag" not in response.headers


def test_a_long_facet_says_how_many_values_it_hides(client, monkeypatch):
    monkeypatch.setattr("archive.search.FACET_LIMIT", 1)
    page = soup(client.get("/search?q=Russia&nocache=facets"))
    notes = [text(p) for p in page.select(".facets .facet-more")]
    assert any(n.startswith("Top 1 of ") and "section:… in the search box" in n for n in notes)


def test_the_home_page_says_when_a_reindex_last_ran_even_if_nothing_changed(
    tmp_index, corpus_dir, monkeypatch
):
    client = create_app({"INDEX": str(tmp_index), "CORPUS": str(corpus_dir), "TESTING": True}).test_client()
    assert "2031" not in text(soup(client.get("/")).find(class_="stats"))
    monkeypatch.setattr("archive.reindex.now", lambda: "2031-01-02T03:04:05+00:00")
    report = reindex(corpus_dir, tmp_index)
    assert not (report.added or report.changed or report.removed)  # same generation, new time
    assert "2031" in text(soup(client.get("/")).find(class_="stats"))


@pytest.mark.parametrize("host", ["a" * 64 + ".example.org", "exa mple.org", "<script>", "x:99999", "a..b"])
def test_an_invalid_host_header_gets_a_styled_400(client, host):
    response = client.get(f"/a/{SEED}/p/14", headers={"Host": host})
    assert response.status_code == 400
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert "not a valid host name" in text(soup(response))
    assert host not in response.get_data(as_text=True)


def test_a_configured_base_url_is_used_for_every_public_link(seed_index):
    app = create_app(
        {
            "INDEX": str(seed_index),
            "CORPUS": "unused",
            "BUILD_MISSING_INDEX": False,
            "TESTING": True,
            "BASE_URL": "https://archive.example.org/cc/",
        }
    )
    client = app.test_client()
    for path in (f"/a/{SEED}/p/14", f"/cc/a/{SEED}/p/14"):  # behind a proxy that strips the prefix, or not
        page = client.get(path, headers={"Host": "attacker.example"})
        assert page.status_code == 200
        body = page.get_data(as_text=True)
        assert "attacker.example" not in body
        assert soup(page).find("meta", attrs={"name": "citation_fulltext_html_url"})["content"] == (
            f"https://archive.example.org/cc/a/{SEED}"
        )
    opensearch = client.get("/opensearch.xml", headers={"Host": "attacker.example"}).get_data(as_text=True)
    assert "https://archive.example.org/cc/search" in opensearch and "attacker" not in opensearch
    api = client.get(f"/api/passages/{SEED}-p14").get_json()
    assert api["permalink"].startswith(f"https://archive.example.org/cc/a/{SEED}/p/14")


def test_a_base_url_that_is_not_a_url_is_refused(seed_index):
    with pytest.raises(ValueError, match="is not http"):
        create_app({"INDEX": str(seed_index), "BUILD_MISSING_INDEX": False, "BASE_URL": "ftp://x/"})


def test_partial_matches_on_the_results_page(client):
    page = client.get("/search?q=Putin+Xi+zeppelin")
    html = soup(page)
    assert html.select_one(".partial h2").get_text() == "Passages with 2 of your 3 words"
    assert html.select_one(".partial .missing s").get_text() == "zeppelin"
    api = client.get("/api/search?q=Putin+Xi+zeppelin").get_json()
    assert api["partial"]["have"] == 2 and api["partial"]["hits"][0]["missing"] == ["zeppelin"]


def test_dates_read_as_people_write_them(client):
    page = client.get("/a/cc-2019-09-china-russia").get_data(as_text=True)
    assert '(<time datetime="2019-09">September 2019</time>)' in page
    assert (
        '<time datetime="2019-04-29">April 29, 2019</time> – <time datetime="2019-05-04">May 4, 2019</time>'
        in page
    )


def test_favicon_and_pages_past_the_last(client):
    with client.get("/favicon.ico", follow_redirects=True) as icon:
        assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"
    page = client.get("/search?q=Putin&page=99").get_data(as_text=True)
    assert "Page 99" not in page and "99 of" not in page
    assert (
        client.get("/api/search?q=Putin&page=99").get_json()["page"]
        == client.get("/api/search?q=Putin").get_json()["pages"]
    )


def test_contents_count_each_sections_paragraphs(client):
    page = client.get("/a/cc-2019-09-china-russia").get_data(as_text=True)
    assert '<a href="#s1">Two statements for the “new era”</a> <span class="count">7 ¶</span>' in page
    assert '<a href="#s7">Chronology of China-Russia Relations</a> <span class="count">19 ¶</span>' in page


def test_counts_say_what_they_count(client):
    health = client.get("/healthz").get_json()
    assert health["passages"] == 76 + 12 and health["sections"] > 0
    for query in ("the", "Russia China", "Xi Putin zoo doctorate"):
        found = client.get(f"/api/search?q={query}").get_json()
        assert sum(found["facets"]["kind"].values()) == found["total"]  # the kind facet counts every hit
    only_sections = client.get("/search?q=Xi Putin zoo doctorate").get_data(as_text=True)
    assert "1</strong> result (whole section: no single passage has every word)" in only_sections
    passages = client.get("/search?q=Russia China").get_data(as_text=True)
    assert "whole section" not in passages


def test_the_reader_steps_from_match_to_match(client):
    page = soup(client.get(f"/a/{SEED}?q=Putin+Xi"))
    steps = page.select("nav.match-nav")
    assert len(steps) > 3
    marked = [div["id"] for div in page.select(".passage") if div.select_one("mark")]
    assert [nav.find_parent(class_="passage")["id"] for nav in steps] == marked  # every match, in order
    assert steps[0].get_text(" ", strip=True).startswith(f"Match 1 of {len(marked)}")
    assert steps[1].select_one('a[href^="#"]')["href"] == f"#{marked[0]}"  # previous
    assert steps[1].select("a")[-1]["href"] == f"#{marked[2]}"  # next
    note = page.select_one(".query-note")
    assert note.get_text(" ", strip=True).startswith(f"{len(marked)} passages match")
    assert note.select_one("a")["href"] == f"#{marked[0]}"


def test_a_kept_coins_follows_the_record(app, seed):
    """The app keeps each article's COinS, for the record as it is: a corrected title gives the
    corrected COinS at once."""
    from dataclasses import replace

    from archive.records import coins
    from archive.web.helpers import article_coins

    corrected = replace(seed, title="A Corrected Title")
    with app.test_request_context("/search"):
        url = f"http://localhost/a/{seed.id}"
        assert article_coins(seed) == coins(seed, url) == article_coins(seed)
        assert parse_qs(article_coins(corrected))["rft.atitle"] == ["A Corrected Title"]


def test_paragraph_page_cites_from_what_the_build_stored(tmp_path, corpus_dir, monkeypatch):
    """An index whose reindex rendered the citations: a paragraph page cites in the three styles,
    by page and by paragraph, with no call into V8."""
    from archive import reindex as reindexing
    from archive.citeproc_js import Engine, engine

    monkeypatch.setattr(reindexing, "CITE_FROM", 1)
    reindex(corpus_dir, tmp_path / "index")
    app = create_app(
        {"INDEX": str(tmp_path / "index"), "CORPUS": str(corpus_dir), "BUILD_MISSING_INDEX": False}
    )
    asked = []
    call_many = Engine._call_many
    monkeypatch.setattr(
        Engine, "_call_many", lambda self, parts: asked.extend(parts) or call_many(self, parts)
    )
    engine().forget()
    try:
        page = soup(app.test_client().get(f"/a/{SEED}/p/14"))
    finally:
        store.close(app)
    texts = [c.get_text() for c in page.select("#cite .citation")]
    assert "(Yu, 2019, para. 14)" in texts and "(Yu, par. 14)" in texts
    assert asked == []
