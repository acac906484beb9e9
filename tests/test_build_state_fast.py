"""The state's fast paths give what the plain ways give: the paper dict made by hand is
``Paper.to_dict()``, key for key and in order, so the build fingerprint and the state
files are the same bytes."""

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from kg.build.state import paper_dict
from kg.records import Paper, Source

_TEXT = st.text(max_size=12)
_OPT = st.none() | _TEXT
_TEXTS = st.lists(_TEXT, max_size=3).map(tuple)
_SOURCES = st.lists(st.builds(Source, _TEXT, st.sampled_from(["jsonl", "csv"]), st.integers(1, 9),
                              st.none() | st.integers(1, 9)), max_size=3).map(tuple)
PAPERS = st.builds(Paper, id=_TEXT, title=_TEXT, abstract=_TEXT, raw_title=_TEXT, raw_abstract=_TEXT,
                   arxiv_id=_OPT, doi=_OPT, url=_OPT, authors=_TEXTS, n_authors=st.none() | st.integers(0, 99),
                   date=_OPT, page_date=_OPT, upvotes=st.none() | st.integers(0, 999), repos=_TEXTS,
                   categories=_TEXTS, keywords=_TEXTS, sources=_SOURCES)


@settings(max_examples=300, deadline=None)
@given(PAPERS)
def test_the_paper_dict_is_to_dict(paper: Paper) -> None:
    fast, plain = paper_dict(paper), paper.to_dict()
    assert fast == plain
    assert json.dumps(fast, ensure_ascii=False) == json.dumps(plain, ensure_ascii=False)  # key order too
    assert Paper.from_dict(json.loads(json.dumps(fast))) == paper
