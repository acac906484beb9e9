"""What the side panel says about a node: plain values, node indices for the links.

A paper: its metadata, text with highlighted mentions, links, its entities (the page
groups them by role) and its related papers with each link's weight and shared
entities. An entity: aliases, its family tree (ancestors through ``Entity.parent``,
descendants down to :data:`TREE_DEPTH`), its papers newest first with their dates, and
the entities most often named with it. Every paper and entity of the corpus gets
one (not only the drawn ones): search finds them all, and the page uses these lists
to bring a node in with its neighbourhood.
"""

from collections import Counter, defaultdict
from collections.abc import Callable
from functools import cached_property
from typing import Any
from urllib.parse import urlsplit

MAX_LIST = 50  # papers listed in an entity's panel
MAX_RELATED = 15  # related papers listed in a paper's panel
MAX_SHARED = 6  # shared entities listed per related paper
MAX_TOGETHER = 10  # entities named with an entity
TOGETHER_SAMPLE = 60  # papers of an entity read to find them (the first, in corpus order)
TREE_DEPTH = 3
MAX_TREE = 40
LITE_RELATED = 5  # related papers (and their first shared entities) in a light panel
LITE_SHARED = 3
LITE_PAPERS = 20


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


class Details:
    """Panel data for the nodes of one page; ``idx`` maps a node key to its index (or -1)."""

    def __init__(self, corpus: Any, idx: Callable[[str], int],
                 repo_papers: dict[str, list[str]]) -> None:
        self.c = corpus
        self.idx = idx
        self.repo_papers = repo_papers
        self.occ_by_paper: dict[str, list[Any]] = defaultdict(list)
        for occ in corpus.occurrences:
            self.occ_by_paper[occ.paper].append(occ)
        self.children: dict[str, list[str]] = defaultdict(list)
        for ent in corpus.entities.values():
            if ent.parent and ent.parent != ent.id:
                self.children[ent.parent].append(ent.id)
        self._refs: dict[str, list[Any]] = {}
        self.related: dict[str, list[Any]] = defaultdict(list)
        for link in corpus.links:
            self.related[link.source].append(link)
            self.related[link.target].append(link)

    def name_of(self, key: str) -> str:
        kind, ref = key[:2], key[2:]
        if kind == "p:":
            paper = self.c.papers.get(ref)
            return str(paper.title) if paper else ref
        if kind == "e:":
            ent = self.c.entities.get(ref)
            return str(ent.name) if ent else ref
        return ref

    def ref(self, key: str) -> list[Any]:
        """[name, index] of a node (the same list each time: a page names many nodes often)."""
        got = self._refs.get(key)
        if got is None:
            got = self._refs[key] = [self.name_of(key), self.idx(key)]
        return got

    def lite(self, key: str) -> dict[str, Any]:
        """A shorter panel for a node that is not drawn, in a large corpus: indices only (the
        page reads the names off its nodes), fewer rows, no text. Its kind is ``paper-lite``
        or ``entity-lite``."""
        kind, ref = key[:2], key[2:]
        if kind == "p:":
            rel = sorted(self.related.get(ref, ()),
                         key=lambda k: (-k.weight, k.target if k.source == ref else k.source))
            return {"kind": "paper-lite",
                    "ents": [[self.idx("e:" + o.entity), o.role]
                             for o in self.occ_by_paper.get(ref, ())],
                    "rel": [[self.idx("p:" + (k.target if k.source == ref else k.source)),
                             round(float(k.weight), 3),
                             [self.idx("e:" + e) for e in k.shared[:LITE_SHARED]]]
                            for k in rel[:LITE_RELATED]],
                    "more": max(0, len(rel) - LITE_RELATED)}
        e = self.c.entities[ref]
        return {"kind": "entity-lite", "up": self.idx("e:" + e.parent) if e.parent else -1,
                "down": [self.idx("e:" + v) for v in sorted(self.children.get(ref, ()))],
                "papers": [self.idx("p:" + p) for p in e.papers[:LITE_PAPERS]],
                "more": max(0, e.support - LITE_PAPERS)}

    def detail(self, key: str, with_text: bool = True) -> dict[str, Any]:
        kind, ref = key[:2], key[2:]
        if kind == "p:":
            return self.paper(ref, with_text)
        if kind == "e:":
            return self.entity(ref)
        return {"kind": "repo", "title": ref, "url": safe_url(ref),
                "papers": self.paper_list(self.repo_papers.get(ref, []), set())}

    def paper_list(self, pids: list[str] | tuple[str, ...], proposed: set[str],
                   dated: bool = False) -> dict[str, Any]:
        order = list(pids)
        if dated:  # newest first; undated papers last, in corpus order
            order.sort(key=lambda p: getattr(self.c.papers.get(p), "date", None) or "",
                       reverse=True)
        rows = []
        for p in order[:MAX_LIST]:
            row = [self.name_of("p:" + p), self.idx("p:" + p), p in proposed]
            if dated:
                row.append(getattr(self.c.papers.get(p), "date", None) or "")
            rows.append(row)
        return {"rows": rows, "more": max(0, len(pids) - MAX_LIST)}

    # ---------------------------------------------------------------- papers
    def paper(self, pid: str, with_text: bool = True) -> dict[str, Any]:
        p = self.c.papers[pid]
        text = p.text if with_text else p.title
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
        meta = [["id", pid]]
        if p.date:
            meta.append(["date", p.date])
        if p.authors:
            extra = len(p.authors) - 6
            meta.append(["authors", ", ".join(p.authors[:6]) + (f" +{extra}" if extra > 0 else "")])
        out = {"kind": "paper", "title": p.title, "text": text, "tlen": len(p.title),
               "spans": kept, "links": self.paper_links(pid, p), "meta": meta,
               "entities": sorted(ents.values(), key=lambda e: (e[1], e[0].casefold())),
               "related": self.paper_related(pid)}
        if not with_text and p.text != p.title:
            out["cut"] = True
        return out

    def paper_links(self, pid: str, p: Any) -> list[list[str]]:
        links = []
        for label, url in (("paper", p.url),
                           ("arXiv", f"https://arxiv.org/abs/{p.arxiv_id}" if p.arxiv_id else None),
                           ("DOI", f"https://doi.org/{p.doi}" if p.doi else None)):
            if url and safe_url(url):
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
        return links

    def paper_related(self, pid: str) -> dict[str, Any]:
        """[title, index, weight, [[entity, index], ...]] per related paper, heaviest first."""
        links = sorted(self.related.get(pid, ()),
                       key=lambda k: (-k.weight, k.target if k.source == pid else k.source))
        rows = []
        for link in links[:MAX_RELATED]:
            other = link.target if link.source == pid else link.source
            rows.append([self.name_of("p:" + other), self.idx("p:" + other),
                         round(float(link.weight), 3),
                         [self.ref("e:" + e) for e in link.shared[:MAX_SHARED]],
                         max(0, len(link.shared) - MAX_SHARED)])
        return {"rows": rows, "more": max(0, len(links) - MAX_RELATED)}

    # ---------------------------------------------------------------- entities
    def entity(self, eid: str) -> dict[str, Any]:
        e = self.c.entities[eid]
        up, seen, cur = [], {eid}, e.parent
        while cur and cur not in seen and cur in self.c.entities:  # a cycle stops the climb
            seen.add(cur)
            up.append(self.ref("e:" + cur))
            cur = self.c.entities[cur].parent
        up.reverse()  # the root first
        parent = up[-1] if up else None
        return {"kind": "entity", "title": e.name, "type": e.type, "id": e.id,
                "support": e.support, "aliases": list(e.aliases),
                "parent": parent, "up": up, "down": self.descendants(eid, seen),
                "variants": [self.ref("e:" + v) for v in sorted(self.children.get(eid, ()))],
                "together": self.together(eid),
                "papers": self.paper_list(e.papers, set(e.proposed_by), dated=True),
                "familyPapers": self.paper_list(self.variant_papers(eid), set(), dated=True)}

    def variant_papers(self, eid: str) -> list[str]:
        """Papers naming a variant of the entity at any depth (its skos:broader+ family below
        it) but not the entity itself, in corpus order."""
        own, seen, todo = set(self.c.entities[eid].papers), {eid}, [eid]
        found: set[str] = set()
        while todo:
            for child in self.children.get(todo.pop(), ()):
                if child in seen or child not in self.c.entities:
                    continue
                seen.add(child)
                todo.append(child)
                found.update(self.c.entities[child].papers)
        if not found:
            return []
        order = self.paper_order
        return sorted(found - own, key=lambda p: order.get(p, len(order)))

    @cached_property
    def paper_order(self) -> dict[str, int]:
        """Each paper's place in the corpus (made once: a page asks it for many entities)."""
        return {p: n for n, p in enumerate(self.c.papers)}

    def descendants(self, eid: str, seen: set[str]) -> list[list[Any]]:
        """[name, index, depth] of the entity's family below it, depth first."""
        out: list[list[Any]] = []

        def walk(node: str, depth: int) -> None:
            for child in sorted(self.children.get(node, ())):
                if child in seen or len(out) >= MAX_TREE:
                    continue
                seen.add(child)
                out.append([*self.ref("e:" + child), depth])
                if depth < TREE_DEPTH:
                    walk(child, depth + 1)
        walk(eid, 1)
        return out

    def together(self, eid: str) -> list[list[Any]]:
        """[name, index, papers naming both] of the entities most often named with it."""
        count: Counter[str] = Counter()
        for pid in self.c.entities[eid].papers[:TOGETHER_SAMPLE]:
            count.update({o.entity for o in self.occ_by_paper.get(pid, ()) if o.entity != eid})
        best = sorted(count.items(), key=lambda kv: (-kv[1], self.name_of("e:" + kv[0]).casefold(),
                                                     kv[0]))
        return [[*self.ref("e:" + k), n] for k, n in best[:MAX_TOGETHER]
                if k in self.c.entities]
