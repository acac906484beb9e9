"""The embedded store: loading, counting, querying, locking, swapping a build into place."""

import os
import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Literal, Namespace, URIRef
from rdflib.namespace import XSD

from kg.build.swap import build_lock, clean_leftovers, swap_into_place
from kg.errors import QueryError, StoreError
from kg.store.embedded import (
    count_triples,
    dump_nquads,
    load_dataset,
    open_store,
    query_output,
    query_store,
    rdflib_to_quads,
    to_nquads,
)

EX = Namespace("http://example.org/")


def small_dataset() -> Dataset:
    ds = Dataset()
    ds.default_graph.add((EX.lora, EX.support, Literal(2)))
    ds.default_graph.add((EX.lora, EX.label, Literal("LoRA", lang="en")))
    g = ds.graph(URIRef("http://example.org/graph/p1"))
    g.add((EX.p1, EX.uses, EX.lora))
    g.add((EX.p1, EX.weight, Literal(0.5, datatype=XSD.double)))
    g.add((EX.p1, EX.title, Literal('A "quoted" title\nwith a newline')))
    g.add((EX.p1, EX.open, Literal(True)))
    return ds


def loaded(tmp_path: Path) -> ox.Store:
    store = open_store(tmp_path / "store")
    load_dataset(store, rdflib_to_quads(small_dataset()))
    return store


def test_rdflib_dataset_loads_with_its_graphs(tmp_path: Path) -> None:
    store = loaded(tmp_path)
    assert count_triples(store) == 6
    reference = ox.Store()
    reference.load(small_dataset().serialize(format="nquads").encode(), format=ox.RdfFormat.N_QUADS)
    assert dump_nquads(store) == dump_nquads(reference)
    graphs = {str(q.graph_name) for q in store}
    assert graphs == {"DEFAULT", "<http://example.org/graph/p1>"}


def test_load_nquads_bytes(tmp_path: Path) -> None:
    data = to_nquads(rdflib_to_quads(small_dataset()))
    store = open_store(tmp_path / "s")
    assert load_dataset(store, data) == 6
    with pytest.raises(StoreError, match="cannot load"):
        load_dataset(open_store(tmp_path / "t"), b"<a> <b> .\n")


def test_select_gives_python_values_and_union_default_graph(tmp_path: Path) -> None:
    store = loaded(tmp_path)
    r = query_store(store, "PREFIX ex: <http://example.org/> "
                           "SELECT ?s ?w ?open ?t ?missing WHERE { ?s ex:weight ?w ; ex:open ?open ; ex:title ?t "
                           "OPTIONAL { ?s ex:nothing ?missing } }")
    assert r.kind == "select" and r.columns == ("s", "w", "open", "t", "missing")
    assert r.rows == (("http://example.org/p1", 0.5, True, 'A "quoted" title\nwith a newline', None),)
    # the per-paper named graph is seen without GRAPH; not so without the union
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    assert query_store(store, count).rows == ((6,),)
    assert query_store(store, count, union_default_graph=False).rows == ((2,),)


def test_ask_construct_describe(tmp_path: Path) -> None:
    store = loaded(tmp_path)
    assert query_store(store, "ASK { ?s <http://example.org/uses> ?o }").boolean is True
    assert query_store(store, "ASK { ?s <http://example.org/nope> ?o }").records() == [{"result": False}]
    c = query_store(store, "CONSTRUCT { ?o <http://example.org/usedBy> ?s } WHERE { ?s <http://example.org/uses> ?o }")
    assert c.kind == "graph"
    assert c.triples == (("<http://example.org/lora>", "<http://example.org/usedBy>", "<http://example.org/p1>"),)
    d = query_store(store, "DESCRIBE <http://example.org/lora>")
    assert ("<http://example.org/lora>", "<http://example.org/label>", '"LoRA"@en') in d.triples
    assert d.header() == ["subject", "predicate", "object"]


def test_malformed_sparql_is_one_line_with_position(tmp_path: Path) -> None:
    store = loaded(tmp_path)
    with pytest.raises(QueryError) as e:
        query_store(store, "SELECT ?x\nWHERE { ?x ?y ?z . ?x @@ ?w }\nLIMIT 3")
    message = str(e.value)
    assert "\n" not in message
    assert re.fullmatch(r"malformed SPARQL query: error at 2:\d+: expected .+", message), message


def test_updates_are_refused_and_change_nothing(tmp_path: Path) -> None:
    store = loaded(tmp_path)
    before = dump_nquads(store)
    for update in ("DROP ALL", "INSERT DATA { <a:b> <a:c> <a:d> }", "CLEAR DEFAULT"):
        with pytest.raises(QueryError, match=r"^kg query runs read-only queries \(SELECT, ASK, CONSTRUCT, DESCRIBE\)$"):
            query_store(store, update)
    assert dump_nquads(store) == before


def test_substitutions_bind_values_without_editing_the_query(tmp_path: Path) -> None:
    store = loaded(tmp_path)
    q = "SELECT ?s ?o WHERE { ?s <http://example.org/uses> ?o }"
    assert query_store(store, q, {"o": ox.NamedNode("http://example.org/lora")}).rows
    assert not query_store(store, q, {"o": '"} ; DROP ALL ; #'}).rows
    assert count_triples(store) == 6


def test_read_only_open_of_a_missing_store(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no store at"):
        open_store(tmp_path / "missing", read_only=True)
    with pytest.raises(StoreError, match="no store at"):
        query_output(tmp_path, "ASK {}")


def test_build_lock_is_exclusive_and_names_the_holder(tmp_path: Path) -> None:
    with build_lock(tmp_path):
        with pytest.raises(StoreError, match=rf"locked by build pid {os.getpid()} since \d{{4}}-"):
            with build_lock(tmp_path):
                pass
    with build_lock(tmp_path):  # released
        pass


def test_swap_replaces_store_atomically_and_removes_old(tmp_path: Path) -> None:
    out = tmp_path / "out"
    for n in (1, 2):
        staging = out / f".staging-{n}"
        store = open_store(staging / "store")
        load_dataset(store, [ox.Quad(ox.NamedNode("http://e/s"), ox.NamedNode("http://e/p"), ox.Literal(str(n)))])
        del store
        (staging / "graph.ttl").write_text(f"# {n}\n")
        swap_into_place(staging, out)
        assert (out / "store").is_symlink()
        assert query_output(out, "SELECT ?o WHERE { ?s ?p ?o }").rows == ((str(n),),)
        assert (out / "graph.ttl").read_text() == f"# {n}\n"
        assert os.path.samefile(out / "graph.ttl", out / os.readlink(out / "store") / ".." / "graph.ttl")
    assert len([p for p in out.iterdir() if p.name.startswith(".gen-")]) == 1
    # leftovers of a dead build go, the live store stays
    (out / ".staging-99" / "store").mkdir(parents=True)
    (out / ".store-dead").mkdir()
    (out / ".gen-dead").mkdir()
    (out / ".gone-x").mkdir()
    clean_leftovers(out)
    assert sorted(p.name for p in out.iterdir() if p.name.startswith(".")) == \
        [os.readlink(out / "store").split("/")[0]]
