"""Exports written as streams give the files the in-memory exporters give, byte for byte.

graph.graphml is written by kg.export.graphml (checked against networkx's own ElementTree
writer) from kg.export.knowledge's stream of the knowledge graph (checked against the
graph knowledge_graph builds); the CSV tables row by row (checked against pandas'
to_csv of the same frames); registry.write_export writes both as a build does.
"""

import gzip
import io
import math
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pytest
from conftest import load_fixture_module

from kg.errors import KGError
from kg.export.graphml import write_graph
from kg.export.graphs import _flat, knowledge_graph, to_graphml, write_knowledge_graphml
from kg.export.registry import export, write_export, write_output
from kg.export.tables import COLUMNS, coerce, csv_bytes, to_csv
from kg.records import (
    Entity,
    Evidence,
    Link,
    Mention,
    Occurrence,
    Paper,
    PaperEntities,
    Repo,
    Share,
)

tiny = load_fixture_module("rdf/tiny_corpus.py")
HOSTILE = 'a&b <c> "d" \'e\'\n\tf\r g ü 😀 ]]> &amp;'


def networkx_graphml(g: nx.Graph) -> bytes:
    """What to_graphml gave before: networkx's ElementTree writer on the flattened graph."""
    buf = io.BytesIO()
    nx.write_graphml_xml(_flat(g), buf, encoding="utf-8")
    return buf.getvalue()


def ours(g: nx.Graph) -> bytes:
    buf = io.BytesIO()
    write_graph(g, buf)
    return buf.getvalue()


def hostile_graph() -> nx.MultiDiGraph:
    g = nx.MultiDiGraph(name=HOSTILE)
    g.add_node(HOSTILE, label=HOSTILE, n=3, big=2 ** 70, f=0.1, tiny=5e-324, ok=True, no=False,
               names=["x", 1, HOSTILE], empty="", space=" ", none=None)
    g.add_node("plain")
    g.add_node(7, np_int=np.int64(4), np_float=np.float32(0.5), same_name=1)
    g.add_node("other", same_name="one")  # one name, two types: two keys
    g.add_edge(HOSTILE, "plain", key="mentions", weight=1.5, text="\ud800 lone surrogate")
    g.add_edge("plain", "plain", key=7)
    g.add_edge(7, "plain", key="k", skipped=None, tags=("a", "b"))
    g.add_edge(7, "plain", key="k2", weight=2)
    return g


@pytest.mark.parametrize("kind", [nx.MultiDiGraph, nx.MultiGraph, nx.DiGraph, nx.Graph])
def test_graphml_writer_gives_networkx_bytes(kind: type) -> None:
    g = kind(hostile_graph())
    assert ours(g) == networkx_graphml(g)


def test_graphml_writer_on_empty_and_bare_graphs() -> None:
    for g in (nx.Graph(), nx.MultiDiGraph(id="graph-id"), nx.path_graph(3), nx.DiGraph(title="t")):
        assert ours(g) == networkx_graphml(g)


def test_graphml_writer_refuses_a_type_graphml_cannot_hold(tmp_path: Path) -> None:
    g = nx.Graph()
    g.add_node("a", when=object())
    with pytest.raises(KGError, match="'when'"):
        ours(g)


def corner_corpus() -> tuple[Any, ...]:
    """Records that knowledge_graph orders in every unusual way: an entity id that is a paper
    id, a repository URL that is a paper id, the same mention twice, the same link twice
    (the second without its proposer), a builds-on link, a family that is no entity, an
    entity its own family, a mention of nothing known, a link to no paper."""
    papers = [Paper("p1", HOSTILE, "x", authors=("A", "B"), upvotes=3, url="https://a/p1"),
              Paper("p2", "Second", "y", repos=("https://github.com/o/r", "p3")),
              Paper("p3", "Third", "z", date="2024-01-02"),
              Paper("p1", "p1 again", "dup")]
    ents = [Entity("m/a", "method", "A", ("a1",), "m/b", ("p1", "p2")),
            Entity("m/b", "method", "B<>", (), "missing", ("p2",), ("p2",)),
            Entity("p3", "model", "A paper's id", (), None, ("p1",), kb_id="kb"),
            Entity("m/self", "dataset", "Self", (), "m/self", ("p3",))]
    ev = Evidence("A is used.", 0, 1, "A")
    occs = [Occurrence("p2", "m/b", "proposed", Mention("method", "B", evidence=(ev, ev))),
            Occurrence("p1", "m/a", "used", Mention("method", "A", confidence=0.12345)),
            Occurrence("p1", "p3", "used", Mention("model", "A paper's id")),
            Occurrence("p1", "m/a", "proposed", Mention("method", "A", confidence=0.5)),
            Occurrence("p3", "m/self", "used", Mention("dataset", "Self")),
            Occurrence("p9", "m/a", "used", Mention("method", "A")),
            Occurrence("p2", "nothing", "used", Mention("method", "?"))]
    exts = [PaperEntities("p2", "Second", (), (
        Repo("github.com/o/r", "https://github.com/o/r", "code", "github.com", False),
        Repo("o/r", "https://github.com/o/r", "code", "github.com", True))),
        PaperEntities("p3", "Third", (), (Repo("x", "https://hf.co/d", "dataset", "hf.co"),)),
        PaperEntities("m/a", "an entity's id", (), (Repo("y", "https://y", "project", ""),))]
    share = Share("m/a", 0.25, "builds-on", 2)
    links = [Link("p1", "p2", 0.5, ("m/a",), "shared"),
             Link("p3", "p2", 0.75, ("m/b", "m/a"), "builds-on", "p2", (share,), similarity=0.1),
             Link("p1", "p2", 0.6, (), "shared"),
             Link("p1", "p9", 1.0)]
    return papers, ents, occs, exts, links


@pytest.mark.parametrize("records", ["tiny", "corner"])
def test_knowledge_stream_gives_the_graph_s_graphml(records: str) -> None:
    if records == "tiny":
        c = tiny.build()
        args: tuple[Any, ...] = (c.papers, c.entities, c.occurrences, c.extractions, c.links)
    else:
        args = corner_corpus()
    buf = io.BytesIO()
    write_knowledge_graphml(buf, *args)
    g = knowledge_graph(*args)
    assert buf.getvalue() == networkx_graphml(g)
    assert to_graphml(g).encode("utf-8") == buf.getvalue()
    back = nx.read_graphml(io.BytesIO(buf.getvalue()))
    assert back.number_of_nodes() == g.number_of_nodes()
    assert back.number_of_edges() == g.number_of_edges()


def test_write_export_gives_the_exporters_files(tmp_path: Path) -> None:
    c = tiny.build()
    for name, target in (("graphml", "g.graphml"), ("graphml", "g.graphml.gz"), ("csv", "tables")):
        streamed = write_export(c, name, tmp_path / "streamed" / target)
        held = write_output(export(c, name), tmp_path / "held" / target)
        assert [p.relative_to(tmp_path / "streamed") for p in streamed] == \
            [p.relative_to(tmp_path / "held") for p in held]
        for a, b in zip(streamed, held, strict=True):
            data = a.read_bytes()
            assert data == b.read_bytes()
            if a.name.endswith(".gz"):
                assert gzip.decompress(data) == (tmp_path / "held" / "g.graphml").read_bytes()
    assert (tmp_path / "streamed" / "tables" / "links.csv").read_text().startswith("source,target,")


def test_write_export_of_tables_needs_a_directory(tmp_path: Path) -> None:
    c = tiny.build()
    (tmp_path / "file").write_text("x")
    with pytest.raises(KGError, match="not a directory"):
        write_export(c, "csv", tmp_path / "file")
    with pytest.raises(KGError, match="give a directory"):
        write_export(c, "csv", "-")
    with pytest.raises(KGError, match="drop the .gz"):
        write_export(c, "csv", tmp_path / "tables.gz")
    assert (tmp_path / "file").read_text() == "x"


def test_a_failed_graphml_stream_leaves_no_file(tmp_path: Path) -> None:
    bad = [Paper("p1", "t", "x", upvotes=object())]  # type: ignore[arg-type]
    c = tiny.build()
    c.papers = {p.id: p for p in bad}
    with pytest.raises(KGError, match="upvotes"):
        write_export(c, "graphml", tmp_path / "g.graphml")
    assert list(tmp_path.iterdir()) == []


def hostile_rows(table: str) -> list[dict[str, Any]]:
    values = {"str": [HOSTILE, "", None, "nan", "a,b", ' "q" ', "x\ny", 7],
              "int": [1, None, -5, 2 ** 62, 0, True, float("nan"), 3],
              "float": [0.1, None, 1 / 3, 1e-7, 1e16, -0.0, math.inf, float("nan")],
              "bool": [True, False, None, 1, 0, float("nan"), "x", ""],
              "list": [["a", "b; c"], [], None, "x; y", ("t", 1), [HOSTILE], "", ["", ""]]}
    return [{col: values[kind][i] for col, kind in COLUMNS[table].items()} for i in range(8)]


@pytest.mark.parametrize("table", sorted(COLUMNS))
def test_csv_rows_give_pandas_to_csv_bytes(table: str) -> None:
    import pandas as pd

    rows = hostile_rows(table)
    frame = coerce(pd.DataFrame(rows, columns=list(COLUMNS[table])), table)
    assert csv_bytes(table, rows) == to_csv(frame).encode("utf-8")
    empty = coerce(pd.DataFrame([], columns=list(COLUMNS[table])), table)
    assert csv_bytes(table, []) == to_csv(empty).encode("utf-8")


def test_page_data_in_pieces_is_the_page_data_whole() -> None:
    from kg.export.html.page import JSON_BATCH, json_chunks, script_json

    items = [{"t": HOSTILE, "i": i, "l": [HOSTILE, "</script>", "\u2028\u2029"]}
             for i in range(2 * JSON_BATCH + 3)]
    value = {"config": {"title": HOSTILE}, "nodes": items, "edges": [], "none": None,
             "details": iter(items)}
    whole = script_json({**value, "details": items})
    assert "".join(json_chunks(value)) == whole
    assert "".join(json_chunks({"details": iter(())})) == script_json({"details": []})
    for n in (1, JSON_BATCH - 1, JSON_BATCH, 2 * JSON_BATCH):  # a batch's edges
        assert "".join(json_chunks({"a": 1, "d": items[:n], "e": iter(items[:n])})) == \
            script_json({"a": 1, "d": items[:n], "e": items[:n]}), n


def test_html_and_report_written_by_write_export_are_the_pages(tmp_path: Path) -> None:
    from kg.export.html import render_html
    from kg.export.report import render_report

    c = tiny.build()
    write_export(c, "html", tmp_path / "graph.html")
    write_export(c, "report", tmp_path / "report.html")
    assert (tmp_path / "graph.html").read_bytes() == render_html(c).encode("utf-8")
    assert (tmp_path / "report.html").read_bytes() == render_report(c).encode("utf-8")
