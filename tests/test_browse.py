"""Browsing by journal, issue, year and author (browse.py, web/browse.py) and the home page."""

from __future__ import annotations

import pytest

from archive import browse
from archive.models import Article, Author
from archive.reindex import reindex
from archive.web import create_app, store

ARTICLES = [
    # file, journal, volume, issue, date, pages, authors
    ("routes-a", "Journal of Routes", "3", "2", "2021-06", "45-60", ["Anna Falcon"]),
    ("routes-b", "Journal of Routes", "3", "2", "2021-06", "1-20", ["Bo Granite", "Anna Falcon"]),
    ("routes-c", "Journal of Routes", "3", "1", "2021-02", "1-12", ["Cy Iris"]),
    # The same journal in other case and spacing (PLoS ONE, PLOS ONE): one shelf, named as most say
    ("routes-d", "Journal of  ROUTES", "10", "1", "2023-01", "5-9", ["Cy Iris"]),
    ("harbours", "Harbour Review", "7", None, "2019-11", None, ["Dee Juniper"]),
    ("memo", None, None, None, "2020-05-04", None, ["Ministry of Ports"]),
]


def markdown(name, journal, volume, issue, date, pages, authors) -> str:
    front = [f"title: The {name} article", f"date: {date}", "author:"] + [f"  - {a}" for a in authors]
    front += [
        f"{key}: {value}"
        for key, value in (("journal", journal), ("volume", volume), ("issue", issue), ("pages", pages))
        if value
    ]
    body = f"## Findings\n\nThe {name} paragraph holds enough words to be a paragraph of a real article.\n"
    return "---\n" + "\n".join(front) + "\n---\n\n" + body


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    root = tmp_path_factory.mktemp("browse")
    corpus = root / "corpus"
    corpus.mkdir()
    for row in ARTICLES:
        (corpus / f"{row[0]}.md").write_text(markdown(*row), encoding="utf-8")
    assert reindex(corpus, root / "index").ok
    app = create_app({"CORPUS": str(corpus), "INDEX": str(root / "index"), "TESTING": True})
    yield app.test_client()
    store.close(app)


def test_journals_most_articles_first_and_articles_without_a_journal_last(client):
    data = client.get("/api/browse").get_json()
    assert [(j["name"], j["count"], j["years"]) for j in data["journals"]] == [
        ("Journal of Routes", 4, [2021, 2023]),
        ("Harbour Review", 1, [2019, 2019]),
        ("Other articles", 1, [2020, 2020]),
    ]
    assert data["articles"] == 6 and data["authors"]["count"] == 5
    assert [y["name"] for y in data["years"]] == ["2023", "2021", "2020", "2019"]


def test_a_journal_lists_its_issues_newest_first(client):
    data = client.get("/api/browse/journals/journal-of-routes").get_json()
    assert [(i["volume"], i["issue"], i["count"]) for i in data["issues"]] == [
        ("10", "1", 1),
        ("3", "2", 2),
        ("3", "1", 1),
    ]
    assert data["issues"][1]["url"] == "/browse/journals/journal-of-routes/v3-n2"


def test_an_issue_is_a_table_of_contents_in_page_order(client):
    data = client.get("/api/browse/journals/journal-of-routes/v3-n2").get_json()
    assert data["title"] == "Journal of Routes, Vol. 3, No. 2"
    assert [(a["id"], a["pages"], a["authors"]) for a in data["articles"]] == [
        ("routes-b", "pp. 1–20", ["Bo Granite", "Anna Falcon"]),
        ("routes-a", "pp. 45–60", ["Anna Falcon"]),
    ]
    page = client.get("/browse/journals/journal-of-routes/v3-n2").get_data(as_text=True)
    assert page.index("The routes-b article") < page.index("The routes-a article")
    assert 'href="/api/browse/journals/journal-of-routes/v3-n2"' in page


def test_years_and_authors(client):
    assert [a["id"] for a in client.get("/api/browse/years/2021").get_json()["items"]] == [
        "routes-c",
        "routes-b",  # an issue in page order: pp. 1–20
        "routes-a",  # pp. 45–60
    ]
    authors = client.get("/api/browse/authors").get_json()["items"]
    assert [a["name"] for a in authors] == [
        "Anna Falcon",
        "Bo Granite",
        "Cy Iris",
        "Dee Juniper",
        "Ministry of Ports",
    ]
    falcon = client.get("/api/browse/authors/anna-falcon").get_json()
    assert (falcon["title"], [a["id"] for a in falcon["items"]]) == ("Anna Falcon", ["routes-a", "routes-b"])


def test_long_lists_are_paginated(client, monkeypatch):
    monkeypatch.setattr("archive.browse.PAGE_SIZE", 2)
    first = client.get("/api/browse/authors?page=1").get_json()
    assert (first["page"], first["pages"], first["total"], first["previous"]) == (1, 3, 5, None)
    assert first["next"] == "/browse/authors?page=2"
    last = client.get("/api/browse/authors?page=99").get_json()  # past the end: the last page
    assert (last["page"], [a["name"] for a in last["items"]]) == (3, ["Ministry of Ports"])
    html = client.get("/browse/authors?page=2").get_data(as_text=True)
    assert "Page 2 of 3" in html and 'rel="prev"' in html and 'rel="next"' in html


@pytest.mark.parametrize(
    "path",
    [
        "/browse/journals/nope",
        "/browse/journals/journal-of-routes/v9-n9",
        "/browse/years/1800",
        "/browse/authors/nobody",
    ],
)
def test_unknown_shelves_are_not_found(client, path):
    assert client.get(path).status_code == 404
    assert client.get(path.replace("/browse", "/api/browse")).status_code == 404


def test_the_home_page_shows_the_latest_additions_and_the_journals_not_every_article(client, monkeypatch):
    monkeypatch.setattr("archive.browse.LATEST", 3)
    page = client.get("/?three").get_data(as_text=True)  # a URL of its own: pages are cached
    assert page.count('<span class="year">') == 3  # three of six
    assert "Latest additions" in page and 'href="/browse/journals/journal-of-routes"' in page
    assert "Browse every journal, issue, year and author" in page


def test_issue_keys_tables_of_contents_and_pages_from_plain_articles():
    article = Article(
        id="x",
        title="X",
        source="x.md",
        sha256="0",
        authors=(Author("Ann Bee", "Bee", "Ann"),),
        journal="J",
        volume="1",
        issue="2",
        first_page=5,
    )
    catalog = [browse.Entry(article, "2024-01-01")]
    assert browse.issues(catalog, "J")[0].key == "v1-n2"
    assert browse.issue_contents(catalog, "J", "v1-n2") == [article]
    alike = [
        browse.Entry(Article(id=n, title=n, source=n, sha256="0", journal=j))
        for n, j in (("a", "Asia Policy"), ("b", "Asia-Policy"))
    ]
    assert [s.key for s in browse.journals(alike)] == ["asia-policy", "asia-policy-2"]
    assert browse.page_of(list(range(7)), 3, size=3) == browse.Page((6,), 3, 3, 7)
