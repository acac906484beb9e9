"""Dates as the listings show them, and the full date when one is known.

A Daily Papers page shows a publication date without its year when it is the
current year ("Oct 3"), and heads the page with the listing date ("Nov 4", or
"Nov 4, 2024"). A listing date is on or after the publication date, so a year-less
date takes the listing's year, or the year before when it would fall after the
listing day ("Dec 30" on a "Jan 2, 2025" page is 2024-12-30). With no year anywhere
the date stays partial: it is never guessed.
"""

import re
from datetime import date

_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}
_ISO = re.compile(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[t ].*)?")
_WORDS = re.compile(r"[a-z]+|\d+")

Shown = tuple[int | None, int, int]  # (year, month, day); the year when shown


def parse_shown(text: str | None) -> Shown | None:
    """(year, month, day) of a date as shown, the year None when not shown; None if no date.

    >>> parse_shown("Oct 3"), parse_shown("Jan 31, 2024"), parse_shown("2024-01-31T17:00:00Z")
    ((None, 10, 3), (2024, 1, 31), (2024, 1, 31))
    >>> parse_shown("3 October 2024"), parse_shown("Feb 30"), parse_shown("Published Oct 3")
    ((2024, 10, 3), None, None)
    """
    if not text:
        return None
    s = text.strip().lower()
    m = _ISO.fullmatch(s)
    if m:
        year, month, day = (int(x) for x in m.groups())
        return _checked(year, month, day)
    words = _WORDS.findall(s)
    months = [_MONTHS.get(w[:3]) for w in words if w.isalpha()]
    numbers = [int(w) for w in words if w.isdigit() and len(w) <= 4]
    if len(months) != 1 or months[0] is None or len(numbers) + 1 != len(words) or not 1 <= len(numbers) <= 2:
        return None  # one month name and one or two numbers, nothing else
    years = [n for n in numbers if n > 31]
    days = [n for n in numbers if n <= 31]
    if len(years) > 1 or len(days) != 1:
        return None
    return _checked(years[0] if years else None, months[0], days[0])


def _checked(year: int | None, month: int, day: int) -> Shown | None:
    if not 1 <= month <= 12 or (year is not None and not 1000 <= year <= 9999):
        return None
    try:
        date(year if year is not None else 2000, month, day)  # 2000: Feb 29 may be year-less
    except ValueError:
        return None
    return year, month, day


def full_date(shown: str | None, listed: str | None = None) -> date | None:
    """The full date of ``shown``, its year from the listing date ``listed`` if it has none.

    >>> full_date("Oct 3", "Nov 4, 2024"), full_date("Dec 30", "Jan 2, 2025")
    (datetime.date(2024, 10, 3), datetime.date(2024, 12, 30))
    >>> full_date("Oct 3", "Nov 4") is None, full_date("Jan 31, 2024")
    (True, datetime.date(2024, 1, 31))
    """
    d = parse_shown(shown)
    if d is None:
        return None
    year, month, day = d
    if year is None:
        page = full_date(listed) if listed else None
        if page is None:
            return None
        year = page.year - ((month, day) > (page.month, page.day))
    try:
        return date(year, month, day)
    except ValueError:  # Feb 29 in a year that has none
        return None


def completeness(shown: str | None) -> int:
    """How much of a date is shown: 0 no date (or a month alone), 1 month and day, 2 the year too.

    >>> [completeness(x) for x in (None, "Oct", "Oct 3", "2024-10-03")]
    [0, 0, 1, 2]
    """
    d = parse_shown(shown)
    return 0 if d is None else 1 + (d[0] is not None)
