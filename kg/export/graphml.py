"""GraphML written as a stream: the bytes networkx's writer gives, without its copies.

``networkx.write_graphml`` (its ElementTree writer, pretty-printed) holds the whole
document as elements, then as one string: several copies of a graph that, for
100,000 papers, already takes gigabytes. The writer here gives the same bytes (the
tests compare them with networkx's own writer) from any stream of nodes and edges,
in one pass: nodes and edges are written as they come (to a temporary file), then
the ``<key>`` elements that come first in the file (networkx numbers them in the
order it first meets each name, type and scope, and writes them last first), then
the elements.

:func:`write_graph` writes a networkx graph; :func:`write_parts` takes any stream of
nodes and edges, so that :mod:`kg.export.graphs` writes the knowledge graph of a
corpus without building it (:mod:`kg.export.knowledge`).
Attribute values are those of :func:`kg.export.graphs.knowledge_graph`: ``None``
is left out, lists (and tuples, sets) are joined with ``"; "``.
"""

import shutil
import tempfile
from collections.abc import Iterable, Iterator
from typing import IO, Any

import networkx as nx

from kg.errors import KGError

LIST_SEPARATOR = "; "
NS_GRAPHML = "http://graphml.graphdrawing.org/xmlns"
NS_XSI = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA = "http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd"
HEAD = (f"<?xml version='1.0' encoding='utf-8'?>\n<graphml xmlns=\"{NS_GRAPHML}\" "
        f"xmlns:xsi=\"{NS_XSI}\" xsi:schemaLocation=\"{SCHEMA}\">")
CHUNK = 1 << 20  # characters gathered before a write
SPOOL = 64 << 20  # bytes of elements kept in memory before they go to a temporary file

Node = tuple[Any, dict[str, Any]]  # (id, attributes)
Edge = tuple[Any, Any, Any, dict[str, Any]]  # (source, target, key or None, attributes)


def _xml_types() -> dict[type, str]:
    """Python type -> GraphML ``attr.type``, as networkx's writer has it (numpy types too)."""
    from networkx.readwrite.graphml import GraphML

    g = GraphML()
    g.construct_types()
    types: dict[type, str] = g.xml_type
    return types


XML_TYPES = _xml_types()


def escape_text(text: str) -> str:
    """Character data as ElementTree escapes it.

    >>> escape_text("a < b & c > d")
    'a &lt; b &amp; c &gt; d'
    """
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text


def escape_attr(text: str) -> str:
    """An attribute value as ElementTree escapes it (quotes, and CR, LF, tab as references).

    >>> escape_attr('say "hi"\\n')
    'say &quot;hi&quot;&#10;'
    """
    text = escape_text(text)
    if '"' in text:
        text = text.replace('"', "&quot;")
    if "\r" in text:
        text = text.replace("\r", "&#13;")
    if "\n" in text:
        text = text.replace("\n", "&#10;")
    if "\t" in text:
        text = text.replace("\t", "&#09;")
    return text


_PLAIN = frozenset((str, int, float, bool))


def flat(attrs: dict[str, Any]) -> dict[str, Any]:
    """Attributes as GraphML holds them: no ``None``, lists joined with ``"; "``."""
    out = {}
    for k, v in attrs.items():
        if v.__class__ not in _PLAIN:
            if v is None:
                continue
            if isinstance(v, list | tuple | set | frozenset):
                v = LIST_SEPARATOR.join(str(x) for x in v)
        out[k] = v
    return out


class _Keys:
    """The ``<key>`` elements: an id per (name, GraphML type, scope), numbered in order of
    first use; ``ids[scope]`` finds it by (name, Python type)."""

    def __init__(self) -> None:
        self.ids: dict[str, dict[tuple[str, type], str]] = {"graph": {}, "node": {}, "edge": {}}
        self.by_xml: dict[tuple[str, str, str], str] = {}

    def add(self, name: str, kind: type, scope: str) -> str:
        xml = XML_TYPES.get(kind)
        if xml is None:
            raise KGError(f"GraphML cannot hold a value of type {kind.__name__} "
                          f"(attribute {name!r} of a {scope})")
        key = self.by_xml.setdefault((name, xml, scope), f"d{len(self.by_xml)}")
        self.ids[scope][(name, kind)] = key
        return key

    def header(self) -> str:
        return "".join(f'\n  <key id="{i}" for="{s}" attr.name="{escape_attr(n)}" attr.type="{t}" />'
                       for (n, t, s), i in reversed(self.by_xml.items()))

    def data(self, attrs: dict[str, Any], scope: str, indent: str) -> str:
        """The ``<data>`` children of an element, each after ``indent``."""
        ids = self.ids[scope]
        parts = []
        for k, v in attrs.items():
            cls = v.__class__
            key = ids.get((k, cls)) or self.add(k, cls, scope)
            text = escape_text(v) if cls is str else str(v)
            parts.append(f'{indent}<data key="{key}">{text}</data>' if text else
                         f'{indent}<data key="{key}" />')
        return "".join(parts)


def write_parts(out: IO[bytes], nodes: Iterable[Node], edges: Iterable[Edge], directed: bool,
                graph_attrs: dict[str, Any] | None = None) -> None:
    """Write a GraphML document of these nodes and edges (flat attributes: :func:`flat`) to
    ``out``. The elements go to a temporary file as they come, since the keys they use
    are written before them."""
    graph_attrs = dict(graph_attrs or {})
    if graph_attrs.pop("node_default", None) or graph_attrs.pop("edge_default", None):
        raise KGError("GraphML default values (node_default, edge_default) are not supported")
    graph_id = graph_attrs.pop("id", None)
    keys = _Keys()
    for k, v in graph_attrs.items():  # the graph's keys come first, its data last
        if (k, v.__class__) not in keys.ids["graph"]:
            keys.add(k, v.__class__, "graph")
    with tempfile.SpooledTemporaryFile(max_size=SPOOL) as body:
        buf: list[str] = []
        size = 0
        for child in _children(nodes, edges, keys, graph_attrs):
            buf.append(child)
            size += len(child)
            if size >= CHUNK:
                body.write("".join(buf).encode("utf-8", "xmlcharrefreplace"))
                buf, size = [], 0
        body.write("".join(buf).encode("utf-8", "xmlcharrefreplace"))
        graph_open = f'<graph edgedefault="{"directed" if directed else "undirected"}"' + (
            f' id="{escape_attr(str(graph_id))}"' if graph_id is not None else "")
        empty = body.tell() == 0
        out.write((HEAD + keys.header() + f"\n  {graph_open}" + (" />" if empty else ">"))
                  .encode("utf-8", "xmlcharrefreplace"))
        body.seek(0)
        shutil.copyfileobj(body, out, CHUNK)
    out.write(b"\n</graphml>\n" if empty else b"\n  </graph>\n</graphml>\n")


def _children(nodes: Iterable[Node], edges: Iterable[Edge], keys: _Keys,
              graph_attrs: dict[str, Any]) -> Iterator[str]:
    """The elements inside ``<graph>``, each after its line break."""
    inner = "\n" + " " * 6
    data = keys.data
    for node, attrs in nodes:
        head = f'\n    <node id="{escape_attr(str(node))}"'
        yield f"{head}>{data(attrs, 'node', inner)}\n    </node>" if attrs else f"{head} />"
    for u, v, key, attrs in edges:
        head = f'\n    <edge source="{escape_attr(str(u))}" target="{escape_attr(str(v))}"' + (
            f' id="{escape_attr(str(key))}"' if key is not None else "")
        yield f"{head}>{data(attrs, 'edge', inner)}\n    </edge>" if attrs else f"{head} />"
    if graph_attrs:  # networkx puts a graph's own data after its edges
        yield keys.data(graph_attrs, "graph", "\n    ")


def write_graph(graph: nx.Graph, out: IO[bytes]) -> None:
    """Write ``graph`` (any networkx graph) as GraphML to ``out``; list attributes joined."""
    multi = graph.is_multigraph()

    nodes = ((n, flat(d)) for n, d in graph.nodes(data=True))
    edges: Iterable[Edge] = (
        ((u, v, k, flat(d)) for u, v, k, d in graph.edges(keys=True, data=True)) if multi
        else ((u, v, None, flat(d)) for u, v, d in graph.edges(data=True)))
    write_parts(out, nodes, edges, graph.is_directed(), flat(graph.graph))
