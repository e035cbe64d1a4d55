"""Dates as journals print them (dates.py)."""

from __future__ import annotations

import pytest

from archive.dates import human_date, parse_date_range, parse_issue_date, split_chronology_entry


@pytest.mark.parametrize(
    ("printed", "expected"),
    [
        ("July 5, 2019", ("2019-07-05", "2019-07-05")),
        ("5 July 2019", ("2019-07-05", "2019-07-05")),
        ("July 2019", ("2019-07-01", "2019-07-31")),
        ("Sept. 2019", ("2019-09-01", "2019-09-30")),
        ("Feb. 2020", ("2020-02-01", "2020-02-29")),  # a leap year's February
        ("July 5–7, 2019", ("2019-07-05", "2019-07-07")),
        ("5–7 July 2019", ("2019-07-05", "2019-07-07")),
        ("April 29-May 4, 2019", ("2019-04-29", "2019-05-04")),
        ("29 April–4 May 2019", ("2019-04-29", "2019-05-04")),
        ("Dec. 30, 2018 – Jan. 2, 2019", ("2018-12-30", "2019-01-02")),
        ("2019-07", ("2019-07-01", "2019-07-31")),
        ("2019-07-05", ("2019-07-05", "2019-07-05")),
    ],
)
def test_printed_dates_and_ranges(printed, expected):
    assert parse_date_range(printed) == expected


@pytest.mark.parametrize(
    "printed", ["", "2019", "Spring 2020", "Feb 30, 2019", "2019-13", "13/45/2019", "5", "July 9–3, 2019"]
)
def test_what_is_not_a_date_is_refused(printed):
    assert parse_date_range(printed) is None


def test_a_missing_year_comes_from_the_period_and_a_range_may_cross_new_year():
    assert parse_date_range("Aug. 10", 2019) == ("2019-08-10", "2019-08-10")
    assert parse_date_range("Dec. 30–Jan. 2", 2019) == ("2018-12-30", "2019-01-02")
    assert parse_date_range("Aug. 10") is None  # no year anywhere: no guess


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("July 5, 2019: Putin and Xi meet.", ("July 5, 2019", "Putin and Xi meet.")),
        ("Jan. 3: Talks resume.", ("Jan. 3", "Talks resume.")),
        ("5 July 2019: Putin meets Xi.", ("5 July 2019", "Putin meets Xi.")),
        ("5–7 July: Talks.", ("5–7 July", "Talks.")),
        ("29 April–4 May 2019: Joint drills.", ("29 April–4 May 2019", "Joint drills.")),
        ("12 ships: sailed", None),  # a number and a colon are not a date
        ("2019: a year", None),
        ("Putin met Xi on July 5, 2019: they talked.", None),  # an entry starts with its date
    ],
)
def test_chronology_entries_start_with_their_date(text, expected):
    assert split_chronology_entry(text) == expected


def test_issue_dates_and_human_dates():
    assert parse_issue_date("Comparative Connections, Vol. 21, No. 2, September 2019") == "2019-09"
    assert parse_issue_date("no date") is None
    # A numeric date after other words, a date written in Chinese: the whole date, not its year
    assert [
        parse_issue_date(t)
        for t in (
            "发表于 2014-01-01 | 分类于",
            "Posted 2020/11/02 by Ana",
            "2014年1月1日",
            "发布于2019年 3 月",
        )
    ] == ["2014-01-01", "2020-11-02", "2014-01-01", "2019-03"]
    # ...when it is one: a version number, a thirteenth month
    assert [parse_issue_date(t) for t in ("v 2014.1.2.3", "Updated 2019-13-45, 2019", "2019年13月")] == [
        "2014",
        "2019",
        "2019",
    ]
    # A negative year is no date at all, not the year after its minus sign
    assert [parse_issue_date(t) for t in ("-2020-01-01", "−2020", "- 2019")] == [None, None, None]
    assert [human_date(d) for d in ("2019-09", "2020-11-02", "2019", None)] == [
        "September 2019",
        "November 2, 2020",
        "2019",
        "",
    ]
