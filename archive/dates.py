"""Dates as journals print them: chronology entries ("April 29-May 4, 2019") and issue dates."""

from __future__ import annotations

import calendar
import re
from datetime import date

MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3,
    "apr": 4, "april": 4, "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7,
    "aug": 8, "august": 8, "sep": 9, "sept": 9, "september": 9, "oct": 10, "october": 10,
    "nov": 11, "november": 11, "dec": 12, "december": 12,
}  # fmt: skip

# Article dates outside these years are typing errors or templates ("0000-00-00"), never real.
MIN_YEAR, MAX_YEAR = 1000, 2999
MAX_DATE_CHARS = 200  # a date field longer than this is not a date; never scan megabytes for one

_MONTH = r"(?:Jan(?:uary|\.)?|Feb(?:ruary|\.)?|Mar(?:ch|\.)?|Apr(?:il|\.)?|May|June?|July?|Aug(?:ust|\.)?|Sept?(?:ember|\.)?|Oct(?:ober|\.)?|Nov(?:ember|\.)?|Dec(?:ember|\.)?)"
_DASH = r"\s*[-–—]\s*"
# One end of a range: "Aug. 10", "Aug. 10, 2019", "10", "August 2019", "August", and day first
# as most of the world prints it: "10 August", "10 August 2019".
_POINT = (
    rf"(?:{_MONTH}\s*(?:\d{{1,2}})?(?:,?\s*\d{{4}})?|\d{{1,2}}\s+{_MONTH}(?:,?\s*\d{{4}})?"
    rf"|\d{{1,2}}(?:,?\s*\d{{4}})?)"
)
CHRONOLOGY_DATE = re.compile(
    rf"^(?P<date>(?:{_MONTH}\s*(?:\d{{1,2}})?|\d{{1,2}}\s+{_MONTH}|\d{{1,2}}(?={_DASH}\d{{1,2}}\s+{_MONTH}))"
    rf"(?:,?\s*\d{{4}})?(?:{_DASH}{_POINT})?)\s*:\s+"
)
_PARTS = re.compile(
    rf"^(?:(?P<month>{_MONTH})?\s*(?P<day>\d{{1,2}})?|(?P<day_first>\d{{1,2}})\s+(?P<month_after>{_MONTH}))"
    rf"(?:,?\s*(?P<year>\d{{4}}))?$"
)
ISO_DATE = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?$")


def month_number(name: str) -> int | None:
    return MONTHS.get(name.lower().rstrip(".")) if name else None


def _parts(text: str) -> tuple[int | None, int | None, int | None]:
    match = _PARTS.match(text.strip())
    if not match:
        return None, None, None
    month_name = match["month"] or match["month_after"]
    month = month_number(month_name) if month_name else None
    day_text = match["day"] or match["day_first"]
    day = int(day_text) if day_text else None
    year = int(match["year"]) if match["year"] else None
    return year, month, day


def _make(year: int, month: int, day: int | None, last: bool) -> date | None:
    if day is None:
        day = calendar.monthrange(year, month)[1] if last else 1
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse_date_range(text: str, default_year: int | None = None) -> tuple[str, str] | None:
    """ISO start and end of a printed date or range, or None if it is not one.

    "April 29-May 4, 2019" -> ("2019-04-29", "2019-05-04"); "Aug. 10, 2019" -> one day;
    "June 2019" -> the whole month; "5–7 July 2019" and "29 April–4 May 2019" day first; ISO
    "2019-07" or "2019-07-05". A missing year comes from `default_year`.
    """
    if iso := ISO_DATE.match(text.strip()):
        year, month, day = int(iso[1]), int(iso[2]), int(iso[3]) if iso[3] else None
        if not 1 <= month <= 12:
            return None
        start, end = _make(year, month, day, last=False), _make(year, month, day, last=True)
        return (start.isoformat(), end.isoformat()) if start and end else None
    pieces = re.split(_DASH, text.strip(), maxsplit=1)
    y1, m1, d1 = _parts(pieces[0])
    y2, m2, d2 = _parts(pieces[1]) if len(pieces) > 1 else (y1, m1, d1)
    if m1 is None and d1 is not None and m2 is not None:  # "5–7 July": the month is printed once
        m1 = m2
    if m1 is None:
        return None
    m2 = m2 or m1
    year_end = y2 or y1 or default_year
    year_start = y1 or (year_end - 1 if year_end and m1 > m2 else year_end)
    if year_start is None or year_end is None:
        return None
    start = _make(year_start, m1, d1, last=False)
    end = _make(year_end, m2, d2 if len(pieces) > 1 else d1, last=True)
    if start is None or end is None or end < start:
        return None
    return start.isoformat(), end.isoformat()


def split_chronology_entry(text: str) -> tuple[str, str] | None:
    """('April 29-May 4, 2019', rest) when text starts like a chronology entry."""
    match = CHRONOLOGY_DATE.match(text)
    if not match:
        return None
    return match["date"], text[match.end() :]


# "November 2, 2020", "Nov. 2020", "2 November 2020": (pattern, group numbers of year, month, day).
_NUMERIC_DATE = re.compile(
    r"(?<![\d.])(?P<y>\d{4})(?P<sep>[-/.])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})(?![\d.])"
)
_CJK_DATE = re.compile(r"(?<!\d)(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月(?:\s*(?P<d>\d{1,2})\s*[日号])?")
_PRINTED_DATES = (
    (re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({_MONTH})\s*,?\s*(\d{{4}})"), (3, 2, 1)),
    (re.compile(rf"({_MONTH})\s*(?:(\d{{1,2}})(?:st|nd|rd|th)?,?\s*)?(\d{{4}})"), (3, 1, 2)),
)


def parse_issue_date(text: str) -> str | None:
    """'September 2019' -> '2019-09'; '2019-09-15' stays; '2019' stays; None unless it is a real
    calendar date between MIN_YEAR and MAX_YEAR ('0000-00-00', '2019-13', '2019-02-30' are not)."""
    text = str(text).strip()[:MAX_DATE_CHARS]
    if re.match(r"[-−–]\s*\d", text):  # a negative number (-2020-01-01) is no date, not 2020
        return None
    cjk = _CJK_DATE.search(text) if "年" in text else None  # before its year is read alone
    if cjk and (found := iso_date(*(int(cjk[k]) if cjk[k] else None for k in "ymd"))):
        return found
    if match := re.match(r"(\d{4})(?:[-/](\d{1,2}))?(?:[-/](\d{1,2}))?(?![\d])", text):
        year, month, day = (int(p) if p else None for p in match.groups())
        return iso_date(year, month, day)
    for pattern, order in _PRINTED_DATES:
        if (match := pattern.search(text)) and (month := month_number(match[order[1]])):
            day = int(match[order[2]]) if match[order[2]] else None
            return iso_date(int(match[order[0]]), month, day)
    # A numeric date after other words ("发表于 2014-01-01", "Posted 2020/11/02"): the whole
    # date, where only its year was taken
    match = _NUMERIC_DATE.search(text)
    if match and (found := iso_date(int(match["y"]), int(match["m"]), int(match["d"]))):
        return found
    match = re.search(r"\b(1[5-9]\d\d|20\d\d)\b", text)
    return match[1] if match else None


def human_date(iso: str | None) -> str:
    """'2019-09' -> 'September 2019', '2020-11-02' -> 'November 2, 2020', '2019' -> '2019'."""
    if not iso:
        return ""
    parts = iso.split("-")
    if len(parts) == 1 or not all(p.isdigit() for p in parts):
        return iso
    month = calendar.month_name[int(parts[1])] if 1 <= int(parts[1]) <= 12 else parts[1]
    return f"{month} {int(parts[2])}, {parts[0]}" if len(parts) == 3 else f"{month} {parts[0]}"


def iso_date(year: int, month: int | None, day: int | None) -> str | None:
    """'2019', '2019-09' or '2019-09-15' when the parts make a real date, else None."""
    if not MIN_YEAR <= year <= MAX_YEAR or (month is None and day is not None):
        return None
    if month is None:
        return f"{year:04d}"
    if not 1 <= month <= 12:
        return None
    if day is None:
        return f"{year:04d}-{month:02d}"
    if not 1 <= day <= calendar.monthrange(year, month)[1]:
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"
