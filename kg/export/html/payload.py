"""The data a page carries: nodes with positions, edges with tooltips, side-panel details.

Everything here is plain text; the page puts it into the DOM with textContent,
and vis-network shows string tooltips with innerText. Nodes are referred to by
their index in ``nodes`` (-1 for something the page does not show).
"""

from collections import defaultdict
from typing import Any
from urllib.parse import urlsplit

import numpy as np

from kg.export.html.layout import canvas_positions, spring_layout
from kg.export.html.views import View, repo_papers

STYLES: dict[str, dict[str, str]] = {
    "paper": {"color": "#4e79a7", "shape": "dot", "label": "paper"},
    "method": {"color": "#f28e2b", "shape": "diamond", "label": "method"},
    "model": {"color": "#59a14f", "shape": "triangle", "label": "model"},
    "dataset": {"color": "#e15759", "shape": "square", "label": "dataset"},
    "repo": {"color": "#79706e", "shape": "star", "label": "repository"},
}
OTHER_STYLE = {"color": "#b07aa1", "shape": "dot"}
LABEL_CHARS = 48
MAX_LIST = 50  # papers listed in an entity's panel
MAX_TIP_SHARED = 10


def safe_url(url: str | None) -> str | None:
    """``url`` when it is an absolute http(s) URL without spaces or controls, else None.

    >>> safe_url("https://github.com/a/b"), safe_url("javascript:alert(1)")
    ('https://github.com/a/b', None)
    """
    if not url:
        return None
    url = url.strip()
    if any(c.isspace() or ord(c) < 32 or c in "\"'<>`\\" for c in url):
        return None
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return url


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
    def __init__(self, corpus: Any, view: View) -> None:
        self.c = corpus
        self.view = view
        self.keys = list(view.graph.nodes)
        self.index = {k: i for i, k in enumerate(self.keys)}
        shown_papers = {view.graph.nodes[k]["ref"] for k in self.keys if k.startswith("p:")}
        self.occ_by_paper: dict[str, list[Any]] = defaultdict(list)
        for occ in corpus.occurrences:
            if occ.paper in shown_papers:
                self.occ_by_paper[occ.paper].append(occ)
        shows_repos = any(k.startswith("r:") for k in self.keys)
        self.repo_papers = repo_papers(corpus) if shows_repos else {}
        self.children: dict[str, list[str]] = defaultdict(list)
        for ent in corpus.entities.values():
            if ent.parent:
                self.children[ent.parent].append(ent.id)

    def idx(self, key: str) -> int:
        return self.index.get(key, -1)

    def name_of(self, key: str) -> str:
        kind, ref = key[:2], key[2:]
        if kind == "p:":
            paper = self.c.papers.get(ref)
            return paper.title if paper else ref
        if kind == "e:":
            ent = self.c.entities.get(ref)
            return ent.name if ent else ref
        return ref

    # ---------------------------------------------------------------- nodes
    def node(self, key: str, xy: tuple[float, float], degree: int) -> dict[str, Any]:
        attrs = self.view.graph.nodes[key]
        t, ref, support = attrs["type"], attrs["ref"], attrs["support"]
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
        return {"id": ref, "t": t, "l": label, "x": xy[0], "y": xy[1], "v": max(value, 1),
                "s": search, "tip": tip}

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

    # ---------------------------------------------------------------- details
    def detail(self, key: str) -> dict[str, Any]:
        kind, ref = key[:2], key[2:]
        if kind == "p:":
            return self.paper_detail(ref)
        if kind == "e:":
            return self.entity_detail(ref)
        return {"kind": "repo", "title": ref, "url": safe_url(ref),
                "papers": self.paper_list(self.repo_papers.get(ref, []), set())}

    def paper_list(self, pids: list[str] | tuple[str, ...], proposed: set[str]) -> dict[str, Any]:
        rows = [[self.name_of("p:" + p), self.idx("p:" + p), p in proposed] for p in pids[:MAX_LIST]]
        return {"rows": rows, "more": max(0, len(pids) - MAX_LIST)}

    def paper_detail(self, pid: str) -> dict[str, Any]:
        p = self.c.papers[pid]
        text = p.text
        spans: list[list[Any]] = []
        ents: dict[str, list[Any]] = {}
        for occ in self.occ_by_paper.get(pid, ()):
            ent = self.c.entities.get(occ.entity)
            name, etype = (ent.name, ent.type) if ent else (occ.mention.name, occ.mention.type)
            ents.setdefault(occ.entity, [name, etype, self.idx("e:" + occ.entity), occ.role])
            for ev in occ.mention.evidence:
                if 0 <= ev.start < ev.end <= len(text) and (
                        not ev.surface or text[ev.start:ev.end] == ev.surface):
                    spans.append([ev.start, ev.end, etype, self.idx("e:" + occ.entity), name])
        spans.sort(key=lambda s: (s[0], -s[1]))
        kept, end = [], -1
        for s in spans:  # overlapping evidence: the first, longest one wins
            if s[0] >= end:
                kept.append(s)
                end = s[1]
        links = []
        for label, url in (("paper", p.url),
                           ("arXiv", f"https://arxiv.org/abs/{p.arxiv_id}" if p.arxiv_id else None),
                           ("DOI", f"https://doi.org/{p.doi}" if p.doi else None)):
            if safe_url(url):
                links.append([label, url])
        ext = self.c.extractions.get(pid)
        seen = {u for _, u in links}
        for r in getattr(ext, "links", ()) or ():
            url = safe_url(r.url) or safe_url(r.repository)
            if url and url not in seen:
                seen.add(url)
                links.append([("official " if r.official else "") + r.kind, url])
        for url in p.repos:
            if safe_url(url) and url not in seen:
                seen.add(url)
                links.append(["code", url])
        meta = [["id", pid]]
        if p.date:
            meta.append(["date", p.date])
        if p.authors:
            extra = len(p.authors) - 6
            meta.append(["authors", ", ".join(p.authors[:6]) + (f" +{extra}" if extra > 0 else "")])
        return {"kind": "paper", "title": p.title, "text": text, "tlen": len(p.title),
                "spans": kept, "links": links, "meta": meta,
                "entities": sorted(ents.values(), key=lambda e: (e[1], e[0].casefold()))}

    def entity_detail(self, eid: str) -> dict[str, Any]:
        e = self.c.entities[eid]
        parent = self.c.entities.get(e.parent) if e.parent else None
        return {"kind": "entity", "title": e.name, "type": e.type, "id": e.id,
                "support": e.support, "aliases": list(e.aliases),
                "parent": [parent.name, self.idx("e:" + parent.id)] if parent else None,
                "variants": [[self.name_of("e:" + v), self.idx("e:" + v)]
                             for v in sorted(self.children.get(eid, ()))],
                "papers": self.paper_list(e.papers, set(e.proposed_by))}


def build_payload(corpus: Any, view: View, title: str, seed: int = 42) -> dict[str, Any]:
    """Nodes, edges, details and page settings for ``view`` (positions laid out here)."""
    b = _Builder(corpus, view)
    g = view.graph
    pairs = [(b.index[u], b.index[v]) for u, v in g.edges]
    weights = [g.edges[u, v]["weight"] for u, v in g.edges]
    pos = spring_layout(len(b.keys), np.array(pairs, dtype=np.int64).reshape(-1, 2),
                        np.array(weights, dtype=np.float32), seed=seed)
    xy = canvas_positions(pos)
    deg = dict(g.degree())
    nodes = [b.node(k, xy[i], deg[k]) for i, k in enumerate(b.keys)]
    edges = [b.edge(u, v, a) for u, v, a in g.edges(data=True)]
    present = sorted({n["t"] for n in nodes} | ({"paper"} if view.name != "entities" else set()))
    styles = {t: style_for(t) for t in list(STYLES) + [t for t in present if t not in STYLES]}
    return {
        "config": {"title": title, "view": view.name, "notes": list(view.notes),
                   "styles": styles, "types": present,
                   "seeds": [b.index[s] for s in view.seeds if s in b.index],
                   "counts": {"nodes": view.shown_nodes, "edges": view.shown_edges,
                              "total_nodes": view.total_nodes, "total_edges": view.total_edges}},
        "nodes": nodes,
        "edges": edges,
        "details": [b.detail(k) for k in b.keys],
    }
