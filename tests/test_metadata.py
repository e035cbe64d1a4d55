"""Article metadata as sources state it (metadata.py): author lines, names, DOIs, URLs, types."""

from __future__ import annotations

import pytest

from archive.metadata import absolute_url, clean_doi, item_type, metadata_from_front_matter
from archive.names import author_from_name, is_institution, names_and_et_al, not_a_name


@pytest.mark.parametrize(
    ("line", "names", "truncated"),
    [
        ("Yu Bin and Jane Smith", ["Yu Bin", "Jane Smith"], False),
        ("A. Smith, B. Jones, et al.", ["A. Smith", "B. Jones"], True),
        ("John Smith and others", ["John Smith"], True),
        ("By Jane Doe", ["Jane Doe"], False),
        ("Jane Doe, Senior Fellow", ["Jane Doe"], False),  # what she is, not another author
        ("Nguyen, Linh", ["Nguyen, Linh"], False),
        ("Smith, John; Doe, Jane", ["Smith, John", "Doe, Jane"], False),
        ("de la Cruz, Maria; van der Berg, Anna", ["de la Cruz, Maria", "van der Berg, Anna"], False),
        ("Jane Doe, John Roe and Bob Loe", ["Jane Doe", "John Roe", "Bob Loe"], False),
        ("https://example.org/jane", [], False),
    ],
)
def test_author_lines(line, names, truncated):
    assert names_and_et_al(line) == (names, truncated)


def test_names_family_first_given_first_and_institutions():
    smith = author_from_name("Smith, John")
    assert (smith.name, smith.family, smith.given) == ("John Smith", "Smith", "John")
    cruz = author_from_name("de la Cruz, Maria")
    assert (cruz.family, cruz.given) == ("de la Cruz", "Maria")
    rand = author_from_name("RAND Corporation")
    assert rand.literal and rand.family is None
    assert is_institution("Center for Strategic and International Studies") and not is_institution("Jane Doe")


@pytest.mark.parametrize(
    ("entry", "why"),
    [
        ("Staff", "role"),
        ("Senior Fellow", "role"),
        ("et al.", "et al"),
        ("https://x.org", "address"),
        ("Jane Doe", None),
    ],
)
def test_what_is_not_a_name(entry, why):
    assert not_a_name(entry) == why


def test_dois_urls_and_types():
    assert clean_doi("https://doi.org/10.1000/xyz123") == "10.1000/xyz123"
    assert clean_doi("doi:10.1000/ABC") == "10.1000/ABC"
    assert clean_doi("10.1000/x") == "10.1000/x"
    assert clean_doi("see 10.1000/xyz.") == "10.1000/xyz"  # the sentence's full stop is not in it
    assert clean_doi("not a doi") is None
    assert absolute_url("https://example.org/a") == "https://example.org/a"
    assert [absolute_url(u) for u in ("/posts/a/", "javascript:alert(1)", "//evil.example", "ftp://x")] == [
        None
    ] * 4
    assert [item_type(t) for t in ("Report", "blog post", "journal-article", "page", "bogus")] == [
        "report",
        "post-weblog",
        "article-journal",
        "webpage",
        None,
    ]


def test_front_matter_fields_and_csl_variables():
    meta = metadata_from_front_matter(
        {
            "title": "T",
            "author": ["Jane Doe", "RAND Corporation"],
            "date": "2019-07-05",
            "volume": 3,
            "issue": "2",
            "doi": "https://doi.org/10.1000/x1",
            "editor": "Ed Itor",
            "ISSN": "1234-5678",
            "layout": "post",  # a site's own key: not a CSL variable, not kept
        }
    )
    assert [a.name for a in meta.authors] == ["Jane Doe", "RAND Corporation"] and meta.authors[1].literal
    assert (meta.date, meta.volume, meta.issue, meta.doi) == ("2019-07-05", "3", "2", "10.1000/x1")
    assert meta.extra == {"editor": [{"family": "Itor", "given": "Ed"}], "ISSN": "1234-5678"}


@pytest.mark.parametrize(
    ("front", "date"),
    [
        ({"path": "2019/05/15/4-Years-Of-Rust"}, "2019-05-15"),  # Zola
        ({"aliases": ["/tags/x/", "2018/03/12/roadmap.html"]}, "2018-03-12"),
        ({"permalink": "https://blog.example.org/2021/11/02/post/"}, "2021-11-02"),
        ({"path": "2019/05/15/x", "date": "2020-01-02"}, "2020-01-02"),  # a stated date comes first
        ({"path": "2019/13/45/x"}, None),  # not a real date: no date, and no complaint
        ({"url": "/blog/2019/05/15.html"}, "2019-05-15"),
        ({"path": "posts/12019/05/15/x", "url": "/2019/05/150/"}, None),  # parts of longer numbers
    ],
)
def test_a_date_only_in_a_permalink_is_the_articles_date(front, date):
    meta = metadata_from_front_matter({"title": "T", **front})
    assert meta.date == date and not meta.problems


def test_author_fields_written_as_links_give_the_names():
    """Hugo sites write `author: '[Jane Doe](https://github.com/jd), John Roe'`; an affiliation
    in parentheses after a name is the affiliation."""
    front = {"title": "T", "author": "[Haochao Zhuang](https://github.com/dmsolr) (Google), Fei Han"}
    people = [(a.name, a.family, a.given, a.affiliation) for a in metadata_from_front_matter(front).authors]
    assert people == [("Haochao Zhuang", "Zhuang", "Haochao", "Google"), ("Fei Han", "Han", "Fei", None)]
    links = ['<a href="https://x.org">Jane Doe</a>', "[Li Wei](https://x.org/a_(b))"]
    assert [author_from_name(n).name for n in links] == ["Jane Doe", "Li Wei"]
    assert author_from_name("Robert (Bob) Smith").family == "Smith"


@pytest.mark.parametrize(
    ("line", "heading"),
    [
        ("II. BASICS", "II. Basics"),
        ("IV. RESULTS AND DISCUSSION", "IV. Results and Discussion"),
        ("THE NLP OF PDF FILES", "The NLP of PDF Files"),
        ("THE G20 SUMMIT", "The G20 Summit"),
        ("CIVIL WAR", "Civil War"),  # Roman letters, not a numeral
        ("MIX OF POLICIES", "Mix of Policies"),
        ("WHY RHYTHM MATTERS", "Why Rhythm Matters"),  # Y is a vowel there
    ],
)
def test_a_heading_in_capitals_keeps_numerals_and_letter_by_letter_words(line, heading):
    from archive.names import smart_title

    assert smart_title(line) == heading


def test_an_institution_whose_name_is_a_list_is_one_author():
    """'Center for Regulation, Policy and Governance' is one institution, not 'Center for
    Regulation' and two more; an institution beside a person stays two authors."""
    assert names_and_et_al("Center for Regulation, Policy and Governance") == (
        ["Center for Regulation, Policy and Governance"],
        False,
    )
    assert names_and_et_al("Center for Strategic Studies and Jane Doe")[0] == [
        "Center for Strategic Studies",
        "Jane Doe",
    ]
    front = {"title": "T", "author": "Office of Policy, Planning and Research"}
    (author,) = metadata_from_front_matter(front).authors
    assert (author.name, author.literal) == ("Office of Policy, Planning and Research", True)


def test_a_date_stated_as_mkdocs_blog_states_it():
    """MkDocs' blog plugin writes `date: {created: …, updated: …}`: the creation date."""
    front = {"title": "T", "date": {"created": "2026-02-18", "updated": "2026-03-01"}}
    assert metadata_from_front_matter(front).date == "2026-02-18"


def test_hugo_params_hold_a_pages_own_fields():
    """Hugo 0.123 on keeps custom front matter under `params:`; a field at the top wins."""
    meta = metadata_from_front_matter(
        {
            "title": "Turns one",
            "params": {"author": "William Morgan", "title": "Not this", "doi": "10.1234/x"},
        }
    )
    assert [a.name for a in meta.authors] == ["William Morgan"]
    assert meta.title == "Turns one" and meta.doi == "10.1234/x"


@pytest.mark.parametrize(
    "line, name, family, affiliation",
    [
        ("Bezaleel Silva, Linkerd Ambassador", "Bezaleel Silva", "Silva", "Linkerd Ambassador"),
        ("Jane Doe, Senior Fellow", "Jane Doe", "Doe", "Senior Fellow"),
        ("García Márquez, Gabriel", "Gabriel García Márquez", "García Márquez", None),  # family, given
        ("Morgan, William", "William Morgan", "Morgan", None),
    ],
)
def test_a_name_followed_by_a_job_after_a_comma_is_no_family_given_pair(line, name, family, affiliation):
    author = author_from_name(line)
    assert (author.name, author.family, author.affiliation) == (name, family, affiliation)
