"""The month of a paper, read from the dates the sources give, as leniently as is safe.

The readers keep dates as shown: ``"2024-01-31"`` (arXiv, the Hugging Face API,
records), ``"Jan 31, 2024"`` and year-less ``"Oct 3"`` (a Daily Papers page, which
leaves the year out for the current year), ``"Nov 4"`` for the date heading of the
page. A date is used only as far as it is known: a year-less date gets the year of
the listing it came from when that is known, else the paper counts as dated
without a year, never as a guessed month.

>>> parse_date("Jan 31, 2024"), parse_date("2024-01"), parse_date("Oct 3")
(PartialDate(year=2024, month=1, day=31), PartialDate(year=2024, month=1, day=None), PartialDate(year=None, month=10, day=3))
>>> parse_date("Feb 30, 2024") is None, parse_date("soon") is None
(True, True)
>>> paper_month("Oct 3", "Jan 2, 2025", None)
('2024-10', 'publication date, year from the listing')
"""

import re
from dataclasses import dataclass
from datetime import date

from kg.keys import parse_arxiv_id

MONTHS = {name: i for i, names in enumerate(
    (("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
     ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
     ("oct", "october"), ("nov", "november"), ("dec", "december")), 1) for name in names}

# how a paper got its month, in the order they are tried; the last three leave it undated
PUBLISHED = "publication date"
INFERRED = "publication date, year from the listing"
ARXIV = "arXiv id"
LISTED = "listing date"
NO_YEAR = "date without a year"
UNREADABLE = "unreadable date"
UNDATED = "no date"
DATED_BY = (PUBLISHED, INFERRED, ARXIV, LISTED, NO_YEAR, UNREADABLE, UNDATED)

_ISO = re.compile(r"(\d{4})(?:[-/.](\d{1,2})(?:[-/.](\d{1,2}))?)?(?:[t ]\S*)?")
_WORDS = re.compile(r"[a-z]+\.?|\d+")
_OLD_ARXIV = re.compile(r"/(\d{2})(\d{2})\d{3}$")
_NEW_ARXIV = re.compile(r"^(\d{2})(\d{2})\.\d{4,5}$")


@dataclass(frozen=True)
class PartialDate:
    """A date as far as it is known: the month always, the year and day when given."""

    year: int | None
    month: int
    day: int | None = None


def _valid(year: int | None, month: int, day: int | None) -> PartialDate | None:
    if not 1 <= month <= 12 or (year is not None and not 1900 <= year <= 2999):
        return None
    if day is not None:
        try:
            date(year if year is not None else 2000, month, day)  # 2000: Feb 29 may be year-less
        except ValueError:
            return None
    return PartialDate(year, month, day)


def parse_date(text: str | None) -> PartialDate | None:
    """The date in ``text``, or None when it names no month (or no real day).

    ISO forms (``2024-01-31``, ``2024-01``, with a time after), ``2024/01/31``,
    month names first or last, with or without a year (``Jan 31, 2024``,
    ``31 January 2024``, ``Sept 3``, ``March 2024``).

    >>> parse_date("2024-01-31T12:00:00Z"), parse_date("31 Jan 2024").day
    (PartialDate(year=2024, month=1, day=31), 31)
    >>> parse_date("2024") is None  # a year alone names no month
    True
    """
    if not text:
        return None
    s = " ".join(str(text).split()).lower().replace(",", " ")
    m = _ISO.fullmatch(s)
    if m:
        if m.group(2) is None:
            return None
        return _valid(int(m.group(1)), int(m.group(2)), int(m.group(3)) if m.group(3) else None)
    words = _WORDS.findall(s)
    if not words or len(words) > 3 or "".join(words).replace(".", "") != re.sub(r"[ .]", "", s):
        return None
    months = [MONTHS[w.rstrip(".")] for w in words if w.rstrip(".") in MONTHS]
    numbers = [int(w) for w in words if w.isdigit()]
    if len(months) != 1 or len(months) + len(numbers) != len(words):
        return None
    years = [n for n in numbers if n > 31]
    days = [n for n in numbers if n <= 31]
    if len(years) > 1 or len(days) > 1:
        return None
    return _valid(years[0] if years else None, months[0], days[0] if days else None)


def arxiv_month(arxiv_id: str | None) -> str | None:
    """``YYYY-MM`` of submission, which every arXiv id starts with.

    >>> arxiv_month("2403.01234"), arxiv_month("hep-th/9901001"), arxiv_month("0612.1234")
    ('2024-03', '1999-01', None)
    """
    ident = parse_arxiv_id(arxiv_id)
    if not ident:
        return None
    m = _NEW_ARXIV.match(ident)
    if m:
        yy, mm = int(m.group(1)), int(m.group(2))
        year = 2000 + yy
        if year < 2007 or (year == 2007 and mm < 4) or not 1 <= mm <= 12:
            return None  # the YYMM.NNNN scheme started in April 2007
        return f"{year:04d}-{mm:02d}"
    m = _OLD_ARXIV.search(ident)
    if m:
        yy, mm = int(m.group(1)), int(m.group(2))
        year = 1900 + yy if yy >= 91 else 2000 + yy
        return f"{year:04d}-{mm:02d}" if 1 <= mm <= 12 and year <= 2007 else None
    return None


def _month(d: PartialDate, year: int) -> str:
    return f"{year:04d}-{d.month:02d}"


def paper_month(date_text: str | None, page_date: str | None,
                arxiv_id: str | None) -> tuple[str | None, str]:
    """``(YYYY-MM or None, how it was dated)``; the second is one of :data:`DATED_BY`.

    The publication date first, then the submission month in an arXiv id, then the
    date of the listing. A year-less publication date takes the listing's year (the
    year before, when it falls after the listing day: "Dec 30" on a "Jan 2, 2025" page).

    >>> paper_month("Oct 3", "Nov 4", None)
    (None, 'date without a year')
    >>> paper_month(None, None, "2310.03744"), paper_month("next week", None, None)
    (('2023-10', 'arXiv id'), (None, 'unreadable date'))
    """
    published = parse_date(date_text)
    listed = parse_date(page_date)
    if published is not None and published.year is not None:
        return _month(published, published.year), PUBLISHED
    if published is not None and listed is not None and listed.year is not None:
        later = (published.month, published.day or 1) > (listed.month, listed.day or 31)
        return _month(published, listed.year - later), INFERRED
    from_id = arxiv_month(arxiv_id)
    if from_id is not None:
        return from_id, ARXIV
    if listed is not None and listed.year is not None:
        return _month(listed, listed.year), LISTED
    if published is not None or listed is not None:
        return None, NO_YEAR
    if date_text or page_date:
        return None, UNREADABLE
    return None, UNDATED


def month_range(first: str, last: str) -> list[str]:
    """Every ``YYYY-MM`` from ``first`` to ``last``, both included.

    >>> month_range("2023-11", "2024-02")
    ['2023-11', '2023-12', '2024-01', '2024-02']
    """
    y, m = int(first[:4]), int(first[5:7])
    out = []
    while f"{y:04d}-{m:02d}" <= last:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out
