"""The plan of an incremental build, on hand-made records: what is new, changed, kept, renamed."""

import copy

from kg.build.plan import plan
from kg.build.state import State
from kg.keys import paper_id
from kg.records import Mention, Paper, PaperEntities

FP = "fingerprint-1"


def paper(title: str, abstract: str = "", arxiv_id: str | None = None) -> Paper:
    return Paper(id=paper_id(title, arxiv_id), title=title, abstract=abstract or f"About {title}.",
                 arxiv_id=arxiv_id)


def found(p: Paper) -> PaperEntities:
    """An extraction that names the paper's first word, so two extractions tell apart."""
    return PaperEntities(p.id, p.title, (Mention("method", p.title.split()[0]),))


def state(*papers: Paper, fingerprint: str = FP) -> State:
    """The state a build of ``papers`` with extractor ``fingerprint`` leaves."""
    return State(papers={p.id: p for p in papers}, extractions={p.id: found(p) for p in papers},
                 info={"extractor": fingerprint})


def by_id(*papers: Paper) -> dict[str, Paper]:
    return {p.id: p for p in papers}


A = paper("Alpha Nets", arxiv_id="2401.00001")
B = paper("Beta Models", arxiv_id="2401.00002")
C = paper("Gamma Flows", arxiv_id="2401.00003")


def test_first_build_extracts_every_paper_in_id_order() -> None:
    p = plan(State(), by_id(C, A), FP)
    assert p.new == (C.id, A.id) and p.updated == p.unchanged == p.kept == ()
    assert list(p.papers) == [A.id, C.id]
    assert p.to_extract == (A, C) and p.extractions == {} and p.renamed == {}


def test_same_papers_again_reuse_every_extraction() -> None:
    before = state(A, B)
    p = plan(before, by_id(A, B), FP)
    assert p.unchanged == (A.id, B.id) and p.new == p.updated == p.kept == ()
    assert p.to_extract == () and p.extractions == before.extractions


def test_changed_text_replaces_the_paper_and_extracts_it_again() -> None:
    changed = Paper(id=B.id, title=B.title, abstract="A new abstract.", arxiv_id=B.arxiv_id)
    p = plan(state(A, B), by_id(A, changed), FP)
    assert (p.unchanged, p.updated, p.new) == ((A.id,), (B.id,), ())
    assert p.papers[B.id] == changed and p.to_extract == (changed,)
    assert set(p.extractions) == {A.id}  # the old extraction of B is stale


def test_changed_metadata_alone_is_not_extracted_again() -> None:
    more = Paper(id=A.id, title=A.title, abstract=A.abstract, arxiv_id=A.arxiv_id, upvotes=9)
    p = plan(state(A), by_id(more), FP)
    assert p.unchanged == (A.id,) and p.papers[A.id] == more and p.to_extract == ()


def test_papers_not_read_again_are_kept_with_their_extraction() -> None:
    before = state(A, B)
    p = plan(before, by_id(C), FP)
    assert (p.new, p.kept) == ((C.id,), (A.id, B.id))
    assert list(p.papers) == [A.id, B.id, C.id]
    assert p.to_extract == (C,) and p.extractions == before.extractions


def test_the_id_partition_covers_the_corpus() -> None:
    changed = Paper(id=A.id, title=A.title, abstract="Changed.", arxiv_id=A.arxiv_id)
    p = plan(state(A, B), by_id(changed, C), FP)
    read = p.new + p.updated + p.unchanged
    assert sorted(read + p.kept) == list(p.papers) and len(set(read + p.kept)) == len(p.papers)


def test_paper_built_by_title_takes_its_arxiv_id_when_read_with_one() -> None:
    by_title = paper("Delta Transformers")
    with_arxiv = paper("Delta Transformers", arxiv_id="2402.00009")
    p = plan(state(by_title, A), by_id(with_arxiv), FP)
    assert p.renamed == {by_title.id: with_arxiv.id}
    assert list(p.papers) == [A.id, with_arxiv.id] and by_title.id not in p.extractions
    assert (p.updated, p.new, p.kept) == ((with_arxiv.id,), (), (A.id,))
    assert p.to_extract == (with_arxiv,)  # its extraction was stored under the old id


def test_paper_built_with_arxiv_id_keeps_it_when_read_by_title() -> None:
    with_arxiv = paper("Delta Transformers", arxiv_id="2402.00009")
    by_title = paper("Delta transformers!")  # the same title to the readers
    p = plan(state(with_arxiv), by_id(by_title), FP)
    assert p.renamed == {by_title.id: with_arxiv.id}
    assert list(p.papers) == [with_arxiv.id]
    kept = p.papers[with_arxiv.id]
    assert kept.arxiv_id == "2402.00009" and kept.title == by_title.title
    # same text up to the title's spelling: the spelling is part of the text
    assert (p.updated, p.new) == ((with_arxiv.id,), ()) and p.to_extract == (kept,)


def test_paper_read_by_title_with_the_same_text_is_unchanged() -> None:
    with_arxiv = paper("Delta Transformers", "Same text.", arxiv_id="2402.00009")
    by_title = paper("Delta Transformers", "Same text.")
    p = plan(state(with_arxiv), by_id(by_title), FP)
    assert p.renamed == {by_title.id: with_arxiv.id}
    assert p.unchanged == (with_arxiv.id,) and p.to_extract == ()
    assert p.extractions == {with_arxiv.id: found(with_arxiv)}


def test_two_arxiv_ids_with_one_title_stay_two_papers() -> None:
    first = paper("Epsilon Search", arxiv_id="2403.00001")
    second = paper("Epsilon Search", arxiv_id="2403.00002")
    p = plan(state(first), by_id(second), FP)
    assert p.renamed == {} and list(p.papers) == [first.id, second.id]
    assert (p.new, p.kept) == ((second.id,), (first.id,))


def test_new_fingerprint_extracts_every_paper_again() -> None:
    changed = Paper(id=B.id, title=B.title, abstract="A new abstract.", arxiv_id=B.arxiv_id)
    p = plan(state(A, B, C, fingerprint="older-extractor"), by_id(A, changed), FP)
    assert p.extractions == {} and p.to_extract == (A, changed, C)  # kept ones too
    # the counts are about the papers, not the extractor
    assert (p.unchanged, p.updated, p.kept) == ((A.id,), (B.id,), (C.id,))


def test_state_without_a_fingerprint_extracts_again() -> None:
    before = state(A)
    before.info = {}  # build.json missing or damaged
    assert plan(before, by_id(A), FP).to_extract == (A,)


def test_paper_without_an_extraction_is_extracted() -> None:
    before = state(A, B)
    del before.extractions[B.id]
    p = plan(before, by_id(A), FP)
    assert p.to_extract == (B,) and p.kept == (B.id,)


def test_plan_leaves_the_previous_state_alone() -> None:
    by_title = paper("Delta Transformers")
    before = state(by_title, A)
    snapshot = copy.deepcopy(before)
    changed = Paper(id=A.id, title=A.title, abstract="Changed.", arxiv_id=A.arxiv_id)
    plan(before, by_id(changed, paper("Delta Transformers", arxiv_id="2402.00009")), FP)
    assert before == snapshot
