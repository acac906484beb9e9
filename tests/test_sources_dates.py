"""Dates without a year take the listing's year; full dates are typed xsd:date in RDF."""

from datetime import date

import pytest
from rdflib import Literal
from rdflib.namespace import DCTERMS, XSD

from kg.corpus import Corpus
from kg.rdf.convert import corpus_to_graph
from kg.rdf.vocab import KG
from kg.sources import parse_dailypapers
from kg.sources.dates import full_date, parse_shown


@pytest.mark.parametrize("shown, listed, expected", [
    ("Oct 3", "Nov 4, 2024", date(2024, 10, 3)),
    ("Nov 4", "Nov 4, 2024", date(2024, 11, 4)),  # listed the day it came out
    ("Dec 30", "Jan 2, 2025", date(2024, 12, 30)),  # a December date on a January page
    ("Jan 31, 2023", "Nov 4, 2024", date(2023, 1, 31)),  # its own year wins
    ("2024-01-31", None, date(2024, 1, 31)),
    ("Feb 29", "Mar 1, 2024", date(2024, 2, 29)),
    ("Feb 29", "Mar 1, 2025", None),  # no such day in 2025
    ("Oct 3", "Nov 4", None),  # no year anywhere: never guessed
    ("Oct 3", None, None),
    ("sometime", "Nov 4, 2024", None),
])
def test_full_date(shown, listed, expected):
    assert full_date(shown, listed) == expected


def test_parse_shown_refuses_what_is_not_one_date():
    assert [parse_shown(x) for x in ("Oct 3 2024", "Oct 3rd", "Oct Nov 3", "13/2024", "2024-13-01")] == [
        (2024, 10, 3), None, None, None, None]


def _paper_dates(page: str) -> list[Literal]:
    papers = list(parse_dailypapers(page, path="page.txt"))
    g = corpus_to_graph(Corpus.from_extractions(papers, []))
    return sorted((g.value(s, DCTERMS.date), g.value(s, KG.listingDate)) for s in g.subjects(DCTERMS.date, None))


def test_block_layout_dates_are_typed_when_the_page_date_has_a_year():
    page = ("Daily Papers\n\nJan 2, 2025\n\nA Title\n\nAn abstract that is long enough.\n\n"
            "  • 2 authors\n·\nDec 30\n\nAnother Title\n\nAnother abstract, long enough.\n\n"
            "  • 3 authors\n·\nJan 1 4\n")
    (p1, p2) = parse_dailypapers(page)
    assert (p1.date, p1.page_date, p2.date, p2.upvotes) == ("Dec 30", "Jan 2, 2025", "Jan 1", 4)  # as shown
    day = Literal(date(2025, 1, 2), datatype=XSD.date)
    assert _paper_dates(page) == [(Literal(date(2024, 12, 30), datatype=XSD.date), day),
                                  (Literal(date(2025, 1, 1), datatype=XSD.date), day)]


def test_dates_stay_plain_text_when_no_year_is_known():
    page = "Daily Papers\n\nNov 4\n\nA Title\n\nAn abstract that is long enough.\n\n  • 2 authors\n·\nOct 3\n"
    assert _paper_dates(page) == [(Literal("Oct 3"), Literal("Nov 4"))]
