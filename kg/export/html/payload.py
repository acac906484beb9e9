"""The data a page carries: nodes with positions, edges with tooltips, side-panel details.

Everything here is plain text; the page puts it into the DOM with textContent,
and vis-network shows string tooltips with innerText. Nodes are referred to by
their index in ``nodes``: the drawn nodes come first (``config.drawn`` of them),
then every other paper and entity of the corpus, not drawn at first but found by
search; -1 is something the page does not know.
"""

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import numpy as np

from kg.export.html.details import Details, safe_url
from kg.export.html.layout import canvas_positions, spring_layout
from kg.export.html.maplayout import map_layout
from kg.export.html.mapview import community_label
from kg.export.html.views import View, repo_papers

__all__ = ["build_payload", "safe_url", "short", "style_for"]

STYLES: dict[str, dict[str, str]] = {
    "paper": {"color": "#4e79a7", "shape": "dot", "label": "paper"},
    "method": {"color": "#f28e2b", "shape": "diamond", "label": "method"},
    "model": {"color": "#59a14f", "shape": "triangle", "label": "model"},
    "dataset": {"color": "#e15759", "shape": "square", "label": "dataset"},
    "repo": {"color": "#79706e", "shape": "star", "label": "repository"},
}
OTHER_STYLE = {"color": "#b07aa1", "shape": "dot"}
LABEL_CHARS = 48
MAX_TIP_SHARED = 10
TEXT_BUDGET = 4_000_000  # characters of text for the papers that are not drawn
FULL_DETAILS = 3000  # nodes not drawn that still get a full panel
TOP_PER_COMMUNITY = 3


def short(text: str, n: int = LABEL_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "\u2026"


def style_for(node_type: str) -> dict[str, str]:
    return STYLES.get(node_type, {**OTHER_STYLE, "label": node_type})


def _repo_label(url: str) -> str:
    parts = urlsplit(url)
    path = parts.path.strip("/")
    return short(path or parts.netloc or url, 40)


class _Builder:
    """Every paper and entity of the corpus as a node: the drawn ones first (their index is
    their place in the view), then the others, which search finds and the page brings in."""

    def __init__(self, corpus: Any, view: View) -> None:
        self.c = corpus
        self.view = view
        self.drawn = list(view.graph.nodes)
        drawn = set(self.drawn)
        self.keys = self.drawn + [k for k in ("p:" + pid for pid in corpus.papers)
                                  if k not in drawn]
        self.keys += [k for k in ("e:" + eid for eid in corpus.entities) if k not in drawn]
        self.index = {k: i for i, k in enumerate(self.keys)}
        shows_repos = any(k.startswith("r:") for k in self.drawn)
        self.details = Details(corpus, self.idx, repo_papers(corpus) if shows_repos else {})
        self.name_of = self.details.name_of

    def idx(self, key: str) -> int:
        return self.index.get(key, -1)

    def attrs(self, key: str) -> tuple[str, str, int]:
        if key in self.view.graph:
            a = self.view.graph.nodes[key]
            return a["type"], a["ref"], a["support"]
        if key.startswith("p:"):
            return "paper", key[2:], 0
        e = self.c.entities[key[2:]]
        return e.type, e.id, e.support

    # ---------------------------------------------------------------- nodes
    def node(self, key: str, xy: tuple[float, float] | None, degree: int) -> dict[str, Any]:
        t, ref, support = self.attrs(key)
        if t == "paper":
            p = self.c.papers[ref]
            label, search = short(p.title), [p.title, ref] + ([p.arxiv_id] if p.arxiv_id else [])
            tip = f"Paper: {p.title}\n{ref}\nconnections: {degree}"
        elif key.startswith("e:"):
            e = self.c.entities[ref]
            label, search = short(e.name, 40), [e.name, ref, *e.aliases]
            tip = f"{style_for(t)['label'].capitalize()}: {e.name}\npapers: {support}"
            if e.aliases:
                tip += "\nalso: " + short(", ".join(e.aliases), 200)
        else:
            label, search = _repo_label(ref), [ref]
            tip = f"Repository: {ref}\npapers: {support}"
        value = degree if t == "paper" else support
        out = {"id": ref, "t": t, "l": label, "v": max(value, 1), "s": search}
        if xy is not None:  # a node not drawn gets its tooltip from the page, if brought in
            out["x"], out["y"], out["tip"] = xy[0], xy[1], tip
        return out

    # ---------------------------------------------------------------- edges
    def edge(self, a: str, b: str, attrs: dict[str, Any]) -> list[Any]:
        kind, weight, shared = attrs["kind"], attrs["weight"], attrs["shared"]
        if kind == "mentions":
            paper, ent = (a, b) if a.startswith("p:") else (b, a)
            verb = "proposes" if attrs.get("role") == "proposed" else "uses"
            tip = f"{short(self.name_of(paper), 80)}\n{verb} {self.name_of(ent)}"
        elif kind == "variant":
            tip = f"{self.name_of(a)} is a variant of {self.name_of(b)}"
        elif kind == "code":
            tip = f"code: {self.name_of(b if b.startswith('r:') else a)}"
        else:
            prefix = "e:" if kind == "link" else "p:"
            names = [short(self.name_of(prefix + s), 60) for s in shared[:MAX_TIP_SHARED]]
            more = f" (+{len(shared) - MAX_TIP_SHARED} more)" if len(shared) > MAX_TIP_SHARED else ""
            head = (f"weight {weight:.3g}" if kind == "link"
                    else f"weight {weight:.0f}: named together in {weight:.0f} papers")
            what = "shared entities" if kind == "link" else "papers"
            tip = head + (f"\n{what}: " + "; ".join(names) + more if names else "")
        return [self.index[a], self.index[b], kind, round(float(weight), 4), tip]

    def all_details(self) -> Iterator[dict[str, Any]]:
        """Every node's panel, made as the page is written. Beyond the drawn nodes and
        :data:`FULL_DETAILS` others, and for papers once :data:`TEXT_BUDGET` characters of
        text are spent, a lighter one (:meth:`Details.lite`), so that a large corpus still
        gives a page a browser opens."""
        budget = TEXT_BUDGET
        for i, k in enumerate(self.keys):
            if i < len(self.drawn):
                yield self.details.detail(k)
                continue
            if i >= len(self.drawn) + FULL_DETAILS:
                yield self.details.lite(k)
                continue
            with_text = True
            if k.startswith("p:"):
                size = len(self.c.papers[k[2:]].text)
                with_text = size <= budget
                budget -= size if with_text else 0
            yield self.details.detail(k, with_text)


def _positions(b: _Builder, view: View, seed: int) -> tuple[list[tuple[float, float]],
                                                             list[tuple[float, float, float]]]:
    g = view.graph
    if view.name == "map":
        pos, discs = map_layout(g, view.communities, seed)
        return [pos[k] for k in b.drawn], discs
    pairs = [(b.index[u], b.index[v]) for u, v in g.edges]
    weights = [g.edges[u, v]["weight"] for u, v in g.edges]
    xy = spring_layout(len(b.drawn), np.array(pairs, dtype=np.int64).reshape(-1, 2),
                       np.array(weights, dtype=np.float32), seed=seed)
    return canvas_positions(xy), []


def _map_config(corpus: Any, b: _Builder, view: View,
                discs: list[tuple[float, float, float]]) -> dict[str, Any]:
    """Each community's disc and name, and the order in which nodes get a label."""
    comms = []
    for members, (x, y, r) in zip(view.communities, discs, strict=True):
        comms.append({"label": short(community_label(corpus, view.graph, members), 60),
                      "x": x, "y": y, "r": r, "n": len(members),
                      "top": [b.index[k] for k in members[:TOP_PER_COMMUNITY]]})
    order = []  # the first of every community, then the second of every community, ...
    for rank in range(max((len(c) for c in view.communities), default=0)):
        order += [b.index[c[rank]] for c in view.communities if rank < len(c)]
    return {"communities": comms, "order": order}


def build_payload(corpus: Any, view: View, title: str, seed: int = 42) -> dict[str, Any]:
    """Nodes, edges, details and page settings for ``view`` (positions laid out here);
    ``details`` is an iterator, made as the page is written."""
    b = _Builder(corpus, view)
    g = view.graph
    xy, discs = _positions(b, view, seed)
    deg = dict(g.degree())
    related = b.details.related
    nodes = [b.node(k, xy[i], deg[k]) for i, k in enumerate(b.drawn)]
    nodes += [b.node(k, None, len(related.get(k[2:], ())) if k.startswith("p:") else 0)
              for k in b.keys[len(b.drawn):]]
    edges = [b.edge(u, v, a) for u, v, a in g.edges(data=True)]
    present = sorted({n["t"] for n in nodes[:len(b.drawn)]}
                     | ({"paper"} if view.name != "entities" else set()))
    styles = {t: style_for(t) for t in list(STYLES) + [t for t in present if t not in STYLES]}
    styles.update({t: style_for(t) for t in {n["t"] for n in nodes} if t not in styles})
    config: dict[str, Any] = {
        "title": title, "view": view.name, "notes": list(view.notes),
        "styles": styles, "types": present, "drawn": len(b.drawn),
        "seeds": [b.index[s] for s in view.seeds if s in b.index],
        "isolated": [b.index["p:" + p] for p in view.isolated],
        "counts": {"nodes": view.shown_nodes, "edges": view.shown_edges,
                   "total_nodes": view.total_nodes, "total_edges": view.total_edges,
                   "papers": len(corpus.papers), "entities": len(corpus.entities)}}
    if view.name == "map":
        config["map"] = _map_config(corpus, b, view, discs)
        for c, members in enumerate(view.communities):
            for k in members:
                nodes[b.index[k]]["c"] = c
    return {"config": config, "nodes": nodes, "edges": edges, "details": b.all_details()}
