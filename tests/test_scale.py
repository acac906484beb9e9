"""Builds at scale: streamed N-Quads, reproducible bytes, no-op rebuilds, compressed exports,
``kg.open`` and the synthetic corpus of bench/gen_corpus.py (all on real files and stores)."""

import gzip
import importlib.util
import io
import json
import os
from pathlib import Path
from types import ModuleType
from typing import Any

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

import kg
from kg.build import build, load_corpus
from kg.cli.main import main
from kg.errors import KGError, StoreError
from kg.rdf.convert import corpus_to_dataset, corpus_to_graph
from kg.rdf.nquads import literal_nt, nquads_bytes
from kg.settings import Settings
from kg.store.embedded import dump_nquads, open_store, query_output, store_path
from kg.store.generation import resolve

ROOT = Path(__file__).resolve().parent.parent
LINKING = Settings(progress=False, link_max_df=1.0, link_min_weight=0.1)
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def gen_corpus() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_corpus", ROOT / "bench" / "gen_corpus.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def write_corpus(path: Path, papers: int, start: int = 0, seed: int = 0) -> Path:
    with open(path, "w", encoding="utf-8") as f:
        gen_corpus().write(gen_corpus().generate(papers, seed=seed, start=start, pool=40), f)
    return path


@pytest.fixture(scope="module")
def corpus_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_corpus(tmp_path_factory.mktemp("gen") / "papers.jsonl", 40)


@pytest.fixture(scope="module")
def built(corpus_file: Path, tmp_path_factory: pytest.TempPathFactory, nlp: Any) -> Path:
    """One build of the generated corpus, for the tests that only read it."""
    out = tmp_path_factory.mktemp("built") / "out"
    build([corpus_file], out, LINKING, progress=False, nlp=nlp)
    return out


def store_dump(out: Path) -> bytes:
    store = open_store(store_path(out), read_only=True)
    try:
        return dump_nquads(store)
    finally:
        del store


# ---------------------------------------------------------------- the generator

def test_generator_is_deterministic_and_skewed(tmp_path: Path) -> None:
    a = write_corpus(tmp_path / "a.jsonl", 300).read_bytes()
    assert a == write_corpus(tmp_path / "b.jsonl", 300).read_bytes()
    assert a != write_corpus(tmp_path / "c.jsonl", 300, seed=1).read_bytes()
    records = [json.loads(line) for line in a.splitlines()]
    ids = [r["id"] for r in records]
    assert len(records) > len(set(ids)) == 300  # some papers are sighted twice
    assert all(r["title"].strip() and r["abstract"].count(". ") >= 3 for r in records)
    assert any("https://github.com/" in r["abstract"] for r in records)
    assert any(" 202" in r.get("date", "") for r in records) and any("-" in r.get("date", "") for r in records)
    # skewed popularity: the most named dataset is in far more papers than the median one
    from collections import Counter

    pools = gen_corpus().Pools(0, 1.1, 40)
    named = Counter(d for r in records for d in pools.datasets.items if d in r["abstract"])
    counts = sorted(named.values(), reverse=True)
    assert counts[0] >= 5 * counts[len(counts) // 2]
    # the papers of a later run are new papers, with the same ones up to there
    more = [json.loads(line) for line in write_corpus(tmp_path / "d.jsonl", 10, start=300).read_bytes().splitlines()]
    assert not {r["id"] for r in more} & set(ids)
    head = [json.loads(line) for line in write_corpus(tmp_path / "e.jsonl", 310).read_bytes().splitlines()]
    assert [r for r in head if r["id"] in set(ids)] == records


def test_generated_records_build_into_a_graph(built: Path) -> None:
    s = json.loads((built / "build.json").read_text())
    assert s["papers"] == 40 and s["links"] > 0
    assert s["entities"].get("dataset", 0) > 5 and s["entities"].get("model", 0) > 5


# ---------------------------------------------------------------- reproducible bytes

def test_identical_builds_give_byte_identical_graph_nq_and_void(corpus_file: Path, built: Path,
                                                               tmp_path: Path, nlp: Any) -> None:
    a, b = built, tmp_path / "b"
    build([corpus_file], b, LINKING, progress=False, nlp=nlp)
    for name in ("graph.nq", "void.ttl"):
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    # graph.nq is what the store holds, line for line, and the corpus' own N-Quads
    lines = (a / "graph.nq").read_bytes().splitlines(keepends=True)
    assert sorted(lines) == store_dump(a).splitlines(keepends=True)
    assert (a / "graph.nq").read_bytes() == nquads_bytes(load_corpus(a))


def test_graph_nq_is_sorted_within_each_partition_papers_first(built: Path) -> None:
    lines = (built / "graph.nq").read_text(encoding="utf-8").splitlines()
    graphs = [line.rsplit(" ", 2)[-2] if line.count(" <https://w3id.org/kg/graph/") else "" for line in lines]
    named = [g for g in graphs if g]
    assert named == sorted(named) and graphs.index("") == len(named)  # papers' graphs, then the default graph
    for g in set(named):
        block = [line for line, h in zip(lines, graphs, strict=True) if h == g]
        assert block == sorted(block)


def test_store_exports_are_the_corpus_graph(corpus_file: Path, tmp_path: Path, nlp: Any) -> None:
    out = tmp_path / "out"
    settings = LINKING.with_(exports=(("graph.ttl", "turtle"), ("graph.trig", "trig"),
                                      ("graph.rdf", "xml"), ("graph.nt", "nt")))
    build([corpus_file], out, settings, progress=False, nlp=nlp)
    corpus = load_corpus(out)
    merged = corpus_to_graph(corpus)
    for name, fmt in (("graph.ttl", "turtle"), ("graph.rdf", "xml"), ("graph.nt", "nt")):
        assert isomorphic(Graph().parse(out / name, format=fmt), merged), name
    assert not (out / ".quads.nq").exists() and not (out / "graph.nq").exists()
    # without an N-Quads export, kg export reads the store itself
    assert main(["--no-progress", "export", "--store", str(out), "-o", str(out.parent / "x.nt")]) == 0
    assert isomorphic(Graph().parse(out.parent / "x.nt", format="nt"), merged)
    back = Dataset().parse(out / "graph.trig", format="trig")
    assert len(list(back.quads((None, None, None, None)))) == len(list(
        corpus_to_dataset(corpus).quads((None, None, None, None))))


def test_terms_are_written_as_pyoxigraph_writes_them() -> None:
    text = "".join(chr(c) for c in [*range(0x300), 0xFFFD, 0xFFFE, 0xFFFF, 0x1F600]) + '"\\'
    for kw in ({}, {"language": "en"}, {"datatype": ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal")}):
        lit = ox.Literal(text, **kw)  # type: ignore[arg-type]
        expected = ox.serialize([ox.Triple(ox.NamedNode("http://e/s"), ox.NamedNode("http://e/p"), lit)],
                                format=ox.RdfFormat.N_TRIPLES).decode("utf-8")
        dt = kw.get("datatype")
        mine = literal_nt(text, kw.get("language"), dt.value if isinstance(dt, ox.NamedNode) else None)  # type: ignore[arg-type]
        assert expected == f"<http://e/s> <http://e/p> {mine} .\n"


# ---------------------------------------------------------------- incremental builds

def _outputs(out: Path) -> dict[str, tuple[int, int]]:
    return {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in out.iterdir() if p.is_file()
            and not p.name.startswith(".")}


def test_a_noop_rebuild_reuses_every_output(corpus_file: Path, tmp_path: Path, nlp: Any,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    first = build([corpus_file], out, LINKING, progress=False, nlp=nlp)
    gen, files = resolve(out).root, _outputs(out)  # type: ignore[union-attr]

    def never(*args: object, **kw: object) -> None:
        raise AssertionError("a stage after the fingerprint check ran")

    for stage in ("load_state", "resolve_corpus", "write_quads", "load_store", "export_all"):
        monkeypatch.setattr(f"kg.build.run.{stage}", never)
    again = build([corpus_file], out, LINKING, progress=False, nlp=nlp)
    monkeypatch.undo()
    assert resolve(out).root == gen and _outputs(out) == files  # type: ignore[union-attr]
    assert (again.papers, again.papers_unchanged, again.papers_extracted, again.papers_new) == (40, 40, 0, 0)
    assert (again.triples, again.links, again.entities) == (first.triples, first.links, first.entities)
    assert set(again.timings) == {"read", "check"}

    # another setting, or another SOURCE_DATE_EPOCH (void.ttl's date), is a real build
    build([corpus_file], out, LINKING.with_(link_max_neighbours=3), progress=False, nlp=nlp)
    assert resolve(out).root != gen  # type: ignore[union-attr]
    gen = resolve(out).root  # type: ignore[union-attr]
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1714557600")
    build([corpus_file], out, LINKING.with_(link_max_neighbours=3), progress=False, nlp=nlp)
    assert resolve(out).root != gen and b"dcterms:created" in (out / "void.ttl").read_bytes()  # type: ignore[union-attr]


@pytest.mark.slow  # four builds
def test_adding_papers_after_a_noop_gives_the_build_of_all_of_them(corpus_file: Path, tmp_path: Path,
                                                                   nlp: Any) -> None:
    more = write_corpus(tmp_path / "more.jsonl", 5, start=40)
    out, once = tmp_path / "out", tmp_path / "once"
    build([corpus_file], out, LINKING, progress=False, nlp=nlp)
    build([corpus_file], out, LINKING, progress=False, nlp=nlp)  # nothing to do
    s = build([corpus_file, more], out, LINKING, progress=False, nlp=nlp)
    assert (s.papers, s.papers_new, s.papers_extracted) == (45, 5, 5)
    build([corpus_file, more], once, LINKING, progress=False, nlp=nlp)
    assert (out / "graph.nq").read_bytes() == (once / "graph.nq").read_bytes()
    assert (out / "void.ttl").read_bytes() == (once / "void.ttl").read_bytes()


# ---------------------------------------------------------------- compressed exports

@pytest.mark.slow  # two builds
def test_exports_named_gz_are_compressed_reproducibly(corpus_file: Path, built: Path, tmp_path: Path,
                                                      nlp: Any) -> None:
    plain, packed, again = built, tmp_path / "packed", tmp_path / "again"
    exports = (("graph.nq.gz", "nquads"), ("graph.ttl.gz", "turtle"), ("papers.graphml.gz", "graphml"))
    for out in (packed, again):
        build([corpus_file], out, LINKING.with_(exports=exports), progress=False, nlp=nlp)
    assert gzip.decompress((packed / "graph.nq.gz").read_bytes()) == (plain / "graph.nq").read_bytes()
    assert gzip.decompress((packed / "graph.ttl.gz").read_bytes()) == (plain / "graph.ttl").read_bytes()
    assert gzip.decompress((packed / "papers.graphml.gz").read_bytes()).startswith(b"<?xml")
    for name, _ in exports:
        assert (packed / name).read_bytes() == (again / name).read_bytes(), name
    assert store_dump(packed) == store_dump(plain)  # the store was loaded from the compressed file


def test_kg_export_compresses_by_suffix(corpus_file: Path, built: Path, tmp_path: Path, nlp: Any) -> None:
    out = built
    assert main(["--no-progress", "export", "--store", str(out), "-o", str(tmp_path / "g.nq.gz")]) == 0
    quads = gzip.decompress((tmp_path / "g.nq.gz").read_bytes())
    assert sorted(quads.splitlines(keepends=True)) == store_dump(out).splitlines(keepends=True)
    assert main(["--no-progress", "export", "--store", str(out), "-o", str(tmp_path / "t.csv.gz"),
                 "--format", "csv"]) == 2  # a directory of tables cannot be one .gz
    with pytest.raises(KGError, match="cannot be gzip-compressed"):
        build([corpus_file], tmp_path / "bad", LINKING.with_(exports=(("tables.gz", "csv"),)),
              progress=False, nlp=nlp)
    assert not (tmp_path / "bad" / "build.json").exists()


# ---------------------------------------------------------------- kg.open and Corpus.query

def test_kg_open_queries_the_build_store_without_reading_the_records(built: Path, tmp_path: Path) -> None:
    out = built
    corpus = kg.open(out)
    assert corpus.query(COUNT).rows == query_output(out, COUNT).rows
    assert "papers" not in vars(corpus)  # the query read the store, not the state files
    assert corpus.settings.link_min_weight == 0.1  # the build's own settings
    assert len(corpus.papers) == 40 and set(corpus.entities) == set(load_corpus(out).entities)
    assert corpus.entities_df().shape[0] == len(corpus.entities)
    with pytest.raises(StoreError, match="no build in"):
        kg.open(tmp_path / "nothing")


def test_corpus_query_converts_the_corpus_once(built: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import kg.store.embedded as embedded

    out = built
    corpus = load_corpus(out)
    made: list[int] = []
    real = embedded.corpus_store

    def counting(*args: Any, **kw: Any) -> ox.Store:
        made.append(1)
        return real(*args, **kw)

    monkeypatch.setattr(embedded, "corpus_store", counting)
    first = corpus.query(COUNT)
    assert corpus.query(COUNT) == first == query_output(out, COUNT)
    assert corpus.query("ASK { ?s a <https://schema.org/ScholarlyArticle> }").boolean is True
    assert len(made) == 1


def test_dump_of_a_store_is_reproducible(built: Path, tmp_path: Path) -> None:
    """kg export of a store: the same store, the same bytes (pyoxigraph's order is stable)."""
    out = built
    texts = []
    for n in range(2):
        target = tmp_path / f"g{n}.ttl"
        assert main(["--no-progress", "export", "--store", str(out), "-o", str(target)]) == 0
        texts.append(target.read_bytes())
    assert texts[0] == texts[1] and isomorphic(Graph().parse(io.BytesIO(texts[0]), format="turtle"),
                                               corpus_to_graph(load_corpus(out)))
    assert os.path.getsize(out / "graph.ttl") > 0


def test_the_store_loads_in_chunks_from_plain_or_compressed_nquads(built: Path, tmp_path: Path) -> None:
    from kg.store.rdfio import load_nquads_file

    data = (built / "graph.nq").read_bytes()
    packed = tmp_path / "g.nq.gz"
    packed.write_bytes(gzip.compress(data))
    for source, chunk in ((built / "graph.nq", 7), (packed, 1000), (built / "graph.nq", 10**6)):
        store = open_store(tmp_path / f"s{chunk}")
        assert load_nquads_file(store, source, chunk=chunk) == len(data.splitlines())
        assert dump_nquads(store) == b"".join(sorted(data.splitlines(keepends=True)))
        del store
    (tmp_path / "bad.nq").write_bytes(data[:200] + b"\n<not an iri> <p> <o> .\n")
    with pytest.raises(StoreError, match="bad.nq"):
        load_nquads_file(open_store(tmp_path / "bad"), tmp_path / "bad.nq")
