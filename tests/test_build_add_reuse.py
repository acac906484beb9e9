"""An add copies the paper partitions that did not change from the live graph.nq
(kg.rdf.reuse) instead of converting them: the outputs stay those of a full build."""

from pathlib import Path
from typing import Any

import pytest

from kg.build import build
from kg.rdf.reuse import PARTS_NAME, Part, Recorder, Summary, read_parts, summary
from kg.rdf.void import VoidCounts
from kg.store.generation import resolve
from tests.test_store_update import LINKING, sorted_store, write_corpus


def _parts(out: Path) -> dict[str, Part]:
    gen = resolve(out)
    assert gen is not None
    parts = read_parts(gen.root / PARTS_NAME, gen.root / "graph.nq",
                       _build_info(out)["code"], LINKING.base_iri)
    assert parts is not None
    return parts


def _build_info(out: Path) -> dict[str, Any]:
    import json

    info: dict[str, Any] = json.loads((out / "build.json").read_text())
    return info


# ---------------------------------------------------------------- VoID of copied partitions

def test_a_copied_partition_counts_as_its_triples_would() -> None:
    paper = "<https://w3id.org/kg/paper/a>"
    a = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
    spo = sorted({(paper, a, "<https://schema.org/ScholarlyArticle>"),
                  (paper, "<http://purl.org/dc/terms/title>", '"A"@en'),
                  (paper, "<https://w3id.org/kg/vocab#evidence>", "<https://w3id.org/kg/ev/1>"),
                  ("<https://w3id.org/kg/ev/1>", a, "<https://w3id.org/kg/vocab#Evidence>"),
                  ("<https://w3id.org/kg/ev/1>", "<https://w3id.org/kg/vocab#start>", '"3"')})
    # the paper is also a subject of the default graph (kg:relatedTo): counted once either way
    default = [(paper, "<https://w3id.org/kg/vocab#relatedTo>", "<https://w3id.org/kg/paper/b>")]
    converted, copied = VoidCounts(), VoidCounts()
    converted.add_partition(spo)
    copied.add_copied(paper, summary(spo, paper))
    for counts in (converted, copied):
        counts.add_partition(default)
    assert copied.totals() == converted.totals()
    assert copied.totals()[:2] == (6, 2)
    assert copied.example == converted.example == paper[1:-1]


def test_the_record_reads_back_and_belongs_to_one_file_code_and_base(tmp_path: Path) -> None:
    nq = tmp_path / "graph.nq"
    nq.write_bytes(b"x" * 100)
    rec = Recorder("code1", LINKING.base_iri)
    s = Summary(2, (("<p1>", 3), ("<p2>", 1)), (("<c>", 1),))
    rec.add("arxiv:1", Part("d1", 0, 60, s))
    rec.add("bad\tid", Part("d2", 60, 40, s))  # cannot be written in the record: left out
    rec.add("title:2", Part("d3", 60, 40, Summary(0, (), ())))
    rec.write(tmp_path / PARTS_NAME, 100)
    parts = read_parts(tmp_path / PARTS_NAME, nq, "code1", LINKING.base_iri)
    assert parts == {"arxiv:1": Part("d1", 0, 60, s), "title:2": Part("d3", 60, 40, Summary(0, (), ()))}
    assert read_parts(tmp_path / PARTS_NAME, nq, "code2", LINKING.base_iri) is None
    assert read_parts(tmp_path / PARTS_NAME, nq, "code1", "https://example.org/") is None
    nq.write_bytes(b"x" * 101)  # not the file recorded
    assert read_parts(tmp_path / PARTS_NAME, nq, "code1", LINKING.base_iri) is None
    (tmp_path / PARTS_NAME).write_text('{"format": 1}\nnot a row\n')
    assert read_parts(tmp_path / PARTS_NAME, nq, "code1", LINKING.base_iri) is None
    assert read_parts(tmp_path / "missing", nq, "code1", LINKING.base_iri) is None


# ---------------------------------------------------------------- real builds

@pytest.fixture(scope="module")
def corpora(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    d = tmp_path_factory.mktemp("reuse")
    return write_corpus(d / "first.jsonl", 40), write_corpus(d / "more.jsonl", 8, start=40)


@pytest.mark.slow  # three builds
def test_an_add_copies_unchanged_partitions_and_equals_a_full_build(
        corpora: tuple[Path, Path], tmp_path: Path, nlp: Any) -> None:
    first, more = corpora
    out = tmp_path / "out"
    build([first], out, LINKING, progress=False, nlp=nlp)
    assert not (out / PARTS_NAME).exists()  # the generation's own, not published at the top
    live = _parts(out)
    assert len(live) == 40
    build([first, more], out, LINKING, progress=False, nlp=nlp)
    full = tmp_path / "full"
    build([first, more], full, LINKING, progress=False, nlp=nlp)
    for name in ("graph.nq", "void.ttl", "graph.ttl", "graph.graphml"):
        assert (out / name).read_bytes() == (full / name).read_bytes(), name
    assert sorted_store(out) == sorted_store(full)
    # the record of the add is the record of the full build: offsets, digests and counts
    assert _parts(out) == _parts(full)
    # unchanged papers whose resolution stayed the same kept their digest (and were copied)
    after = _parts(out)
    assert sum(after[pid].digest == part.digest for pid, part in live.items()) >= 20


@pytest.mark.slow  # two builds
def test_the_add_copies_the_live_bytes_it_does_not_convert(
        corpora: tuple[Path, Path], tmp_path: Path, nlp: Any) -> None:
    """Proof that a partition is copied, not converted: a live partition changed by hand
    (same length, same lines) comes through into the next build's graph.nq."""
    first, _ = corpora
    out = tmp_path / "out"
    build([first], out, LINKING, progress=False, nlp=nlp)
    gen = resolve(out)
    assert gen is not None
    parts = _parts(out)
    nq = gen.root / "graph.nq"
    data = bytearray(nq.read_bytes())
    pid, part = next((k, p) for k, p in sorted(parts.items()) if p.summary.triples > 5)
    chunk = bytes(data[part.offset:part.offset + part.length])
    at = chunk.index(b'"', chunk.index(b"/title>")) + 1  # the title's first character
    data[part.offset + at] = ord("Z") if chunk[at] != ord("Z") else ord("Y")
    nq.write_bytes(bytes(data))  # the same size: the record still holds for it
    # the same papers once more with a setting that changes the links (the store and the
    # default graph differ, so the build is no no-op) but no paper's own graph
    build([first], out, LINKING.with_(link_min_weight=0.2), progress=False, nlp=nlp)
    new = resolve(out)
    assert new is not None and new.root != gen.root
    assert (out / "graph.nq").read_bytes()[part.offset:part.offset + part.length] \
        == bytes(data[part.offset:part.offset + part.length])


def _repo_papers(path: Path, spellings: list[tuple[int, str]]) -> Path:
    import json

    with open(path, "w", encoding="utf-8") as f:
        for i, repo in spellings:
            f.write(json.dumps({
                "title": f"Sparse Widget Networks number {i} for graph tasks",
                "abstract": f"We propose WidgetNet{i}, a sparse network trained on ImageNet. "
                            f"Code is available at https://github.com/{repo}.",
                "arxiv_id": f"2401.{1000 + i:05d}", "date": "2024-01-02"}) + "\n")
    return path


@pytest.mark.slow  # three builds
def test_papers_added_elsewhere_that_respell_a_repository_reach_an_unchanged_paper(
        tmp_path: Path, nlp: Any) -> None:
    """One spelling a repository across the corpus: new papers that make another spelling
    the most common change an unchanged paper's repository IRI, so its partition is not the
    live one (a copy of it kept the old spelling: the add differed from a full build)."""
    first = _repo_papers(tmp_path / "a.jsonl", [(1, "Foo/Bar"), (2, "foo/bar"), (3, "foo/bar")])
    more = _repo_papers(tmp_path / "b.jsonl", [(4, "Foo/Bar"), (5, "Foo/Bar")])
    out, full = tmp_path / "out", tmp_path / "full"
    build([first], out, LINKING, progress=False, nlp=nlp)
    assert b"/repo/github.com/foo/bar>" in (out / "graph.nq").read_bytes()
    build([first, more], out, LINKING, progress=False, nlp=nlp)
    build([first, more], full, LINKING, progress=False, nlp=nlp)
    assert b"/repo/github.com/foo/bar>" not in (full / "graph.nq").read_bytes()
    for name in ("graph.nq", "void.ttl", "graph.ttl"):
        assert (out / name).read_bytes() == (full / name).read_bytes(), name
    assert sorted_store(out) == sorted_store(full)
