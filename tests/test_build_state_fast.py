"""The state's fast paths give what the plain ways give: the paper dict made by hand is
``Paper.to_dict()``, key for key and in order, so the build fingerprint and the state
files are the same bytes."""

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.build.state import load_state, paper_dict
from kg.errors import InputError
from kg.records import Evidence, Mention, Paper, PaperEntities, Repo, Source

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


_EVIDENCE = st.builds(Evidence, _TEXT, st.integers(0, 99), st.integers(0, 99), _TEXT)
MENTIONS = st.builds(Mention, st.sampled_from(["method", "model", "dataset"]), _TEXT, _TEXTS,
                     st.sampled_from(["proposed", "used"]), st.lists(_EVIDENCE, max_size=3).map(tuple),
                     st.floats(0, 1).map(lambda x: round(x, 3)), _OPT, _OPT, _TEXTS)


@settings(max_examples=200, deadline=None)
@given(st.lists(MENTIONS, max_size=4).map(tuple))
def test_an_extraction_read_back_is_the_one_written(mentions: tuple[Mention, ...]) -> None:
    pe = PaperEntities("p1", "A Title", mentions, (Repo("https://github.com/a/b", "https://github.com/a/b",
                                                        "code", "github.com"),))
    back = PaperEntities.from_dict(json.loads(json.dumps(pe.to_dict())))
    assert back == pe
    # the sentences of one paper are one string each, whichever mention names them
    texts = [ev.text for m in back.entities for ev in m.evidence]
    assert len({id(t) for t in texts}) == len(set(texts))


def test_a_damaged_state_record_names_its_file_and_line(tmp_path) -> None:
    good = PaperEntities("p1", "T", (Mention("model", "BERT", evidence=(Evidence("s", 0, 4, "BERT"),)),))
    line = json.dumps(good.to_dict())
    (tmp_path / "extractions.jsonl").write_text(line + "\n" + line.replace('"start": 0, ', "") + "\n")
    with pytest.raises(InputError, match=r"extractions\.jsonl:2: damaged state record"):
        load_state(tmp_path)
