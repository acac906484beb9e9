"""Links between papers a reader would accept as related, each one explained.

The rules (tests/test_links.py checks them one by one, and against a brute-force
all-pairs computation):

* **Families.** A paper reaches every entity it names and every ancestor of
  those (``Entity.parent`` followed to any depth): a paper on LLaVA-1.5-7B reaches
  LLaVA-1.5 and LLaVA. An entity's document frequency ``df`` counts the papers
  that reach it, and it weighs ``idf = log(N / df)`` (N papers in the corpus).
* **Shares.** Two papers share the entities both reach, but only the most
  specific ones: an ancestor of another shared entity adds nothing (it is
  implied). Each share is of one kind, with its weight:
  ``builds-on`` (one paper proposes the entity, names it in its title and is
  the only one in the corpus to claim it, and the other names it or a variant
  of it) weighs ``idf * link_builds_on_boost``;
  ``shared`` (both name it) weighs ``idf``; ``family`` (at least one of them
  reaches it only through a variant) weighs ``idf * link_family_discount``.
* **Common entities.** An entity reached by more than ``link_max_df`` of the
  papers (but an entity in only two papers never is) or by more than
  ``link_max_postings`` papers is *common*: it adds its weight to a link but is
  never evidence for one.
* **Evidence.** A pair is linked by the first rule that holds: ``builds-on``
  (a builds-on share of a non-common entity; the link is directed, the user
  paper builds on ``Link.proposer``); ``several`` (non-common shares worth two:
  a family share counts ``link_family_discount``, any other share 1, so two
  papers using some Llama and some GPT are not related for that alone);
  ``rare`` (a non-common share of an entity that at most ``link_rare_df``
  papers reach and that the title of one of the two papers names: the topic
  of a paper, not a tool it happens to use); ``similar`` (a non-common share
  and texts whose similarity is at least ``link_similar_min``); ``text`` (texts
  at least ``link_text_min`` alike, with or without shares; without only while
  ``link_text_alone``). The similarity is
  the TF-IDF cosine of the two titles and abstracts (:mod:`kg.resolve.similarity`),
  counted only when they share at least ``link_text_min_words`` of its words,
  kept on the link (``Link.similarity``) whenever it reaches the lower of the two
  thresholds, and then adds ``link_similarity_weight * similarity`` to the
  weight. Links lighter than ``link_min_weight`` are dropped whatever the rule.
* **Entity cap.** The heaviest evidence share of a link is its *lead*; an
  entity leads at most ``link_max_per_entity`` links (the heaviest; ties: the
  pair's ids), so no single entity makes most of the graph; the links that rest
  on text too (``similar``, ``text``) are capped apart, and a text link with no
  evidence share has no lead and no cap.
* **Neighbour cap.** Each paper ranks its links by weight (ties: the other
  paper's id) and keeps its ``link_max_neighbours`` best; a link survives when
  *either* end keeps it.

Candidates never come from all pairs of papers: an inverted index entity ->
papers, walked one paper at a time through non-common entities only, counts the
evidence each other paper could give (:mod:`kg.resolve.candidates`), and only pairs that could pass a
rule are examined exactly, with the pairs whose texts are alike enough (found
through an inverted index word -> papers). The work is bounded by ``papers x
(entities + words) per paper x link_max_postings``.
"""

import math
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from itertools import chain
from operator import attrgetter
from typing import Any

import numpy as np

from kg.records import Entity, Link, LinkRule, Occurrence, Share, ShareKind
from kg.resolve.candidates import block_candidates
from kg.resolve.caps import entity_cap, neighbour_cap
from kg.resolve.paused import without_gc
from kg.resolve.similarity import TextIndex
from kg.settings import Settings

_DECIMALS = 9  # weights are compared rounded, so float summation order cannot break ties
# a candidate link: its weight, shares (heaviest first), rule and proposer (paper index)
_Found = tuple[float, list["_Raw"], LinkRule, int | None, float | None]
_BLOCK = 256  # papers whose candidates are found together
_start = attrgetter("start")  # of an Evidence


def link_cutoff(n_papers: int, settings: Settings) -> int:
    """The largest document frequency at which an entity may still be evidence for a link.

    >>> link_cutoff(1000, Settings())
    200
    >>> link_cutoff(5, Settings())  # an entity shared by two papers always counts
    2
    """
    by_share = max(int(settings.link_max_df * n_papers), 2)
    return min(by_share, settings.link_max_postings)


def ancestors(entity: str, parents: Mapping[str, str | None]) -> list[str]:
    """The parent chain of ``entity``, nearest first (cycle-safe, any depth).

    >>> ancestors("a", {"a": "b", "b": "c", "c": "a"})
    ['b', 'c']
    """
    chain: list[str] = []
    seen = {entity}
    parent = parents.get(entity)
    while parent is not None and parent not in seen:
        chain.append(parent)
        seen.add(parent)
        parent = parents.get(parent)
    return chain


MadeIndex = tuple[int, TextIndex | None]  # a text index made beforehand, and for how many papers

# what only :class:`_Index`'s own making and the caps read: not sent to the workers
_CLIENT_ONLY = frozenset(("position", "up", "idf", "idf_list", "df_list", "common", "common_list",
                          "proposers"))


class _Index:
    """Papers and the entities they reach, as small integers, with document frequencies."""

    def __init__(self, occurrences: Iterable[Occurrence], n_papers: int,
                 parents: Mapping[str, str | None], settings: Settings,
                 titles: Mapping[str, str] | None, texts: Mapping[str, str]) -> None:
        named: dict[str, dict[str, bool]] = {}  # paper -> entity -> proposed
        in_title: dict[str, set[str]] = {}
        title_length: dict[str, int] = {}
        for o in occurrences:
            paper, entity = o.paper, o.entity
            roles = named.get(paper)
            if roles is None:
                roles = named[paper] = {}
                title_length[paper] = len(titles.get(paper, "")) if titles is not None else 0
            roles[entity] = roles.get(entity, False) or o.role == "proposed"
            evidence = o.mention.evidence
            if titles is None or not evidence or min(map(_start, evidence)) < title_length[paper]:
                titled = in_title.get(paper)
                if titled is None:
                    in_title[paper] = {entity}
                else:
                    titled.add(entity)
        self.paper_ids = sorted(set(named) | set(texts))  # a paper with a text but no entity too
        self.position = {pid: i for i, pid in enumerate(self.paper_ids)}
        chains = {e: ancestors(e, parents) if e in parents else []  # each entity once, in the
                  for e in dict.fromkeys(e for roles in named.values() for e in roles)}  # order named
        ids = sorted(set(chains) | {a for chain in chains.values() for a in chain})
        chains.update((e, ancestors(e, parents)) for e in ids if e not in chains)
        self.entity_ids = ids
        eidx = {e: i for i, e in enumerate(ids)}
        self.up: dict[int, tuple[int, ...]] = {eidx[e]: tuple(map(eidx.__getitem__, chain)) if chain
                                               else () for e, chain in chains.items()}
        self.direct: list[dict[int, bool]] = []  # per paper: entity -> proposed
        self.reach: list[frozenset[int]] = []  # per paper: named entities and their ancestors
        self.titled: list[frozenset[int]] = []  # per paper: entities its title names, and families
        for pid in self.paper_ids:
            d = {eidx[e]: p for e, p in named.get(pid, {}).items()}
            self.direct.append(d)
            self.reach.append(frozenset(d).union(*(self.up[e] for e in d)))
            t = [eidx[e] for e in in_title.get(pid, ())]
            self.titled.append(frozenset(t).union(*(self.up[e] for e in t)))
        self.n = max(n_papers, len(self.paper_ids))
        # (paper, entity) of every paper's reached entities, sorted, as two arrays
        sizes = np.fromiter((len(r) for r in self.reach), dtype=np.int64, count=len(self.reach))
        self.pap = np.repeat(np.arange(len(self.reach), dtype=np.int64), sizes)
        ent = np.fromiter(chain.from_iterable(self.reach), dtype=np.int64, count=int(sizes.sum()))
        self.ent = ent[np.lexsort((ent, self.pap))]  # each paper's entities in order
        self.df = np.bincount(self.ent, minlength=len(ids))
        self.idf = np.log(self.n / np.maximum(self.df, 1))
        self.common = self.df > link_cutoff(self.n, settings)
        # plain lists: indexing them is several times faster than numpy scalars
        self.idf_list: list[float] = self.idf.tolist()
        self.df_list: list[int] = self.df.tolist()
        self.common_list: list[bool] = self.common.tolist()
        self.proposers: dict[int, list[int]] = {}
        for p, d in enumerate(self.direct):
            for e, proposed in d.items():
                if proposed:
                    self.proposers.setdefault(e, []).append(p)
        # per entity: its one proposer (-1: none or several); evidence for candidates; rare
        self.single = np.full(len(ids), -1, dtype=np.int64)
        for e, by in self.proposers.items():
            if len(by) == 1:
                self.single[e] = by[0]
        self.evidence = ~self.common & (self.df >= 2)
        self.rare = self.df <= settings.link_rare_df
        # per entity, what a share of it is made of: the (rounded) weight of a shared, family
        # and builds-on share, df, id, common, its one proposer
        self.about: list[tuple[float, float, float, int, str, bool, int]] = [
            (round(idf, _DECIMALS), round(idf * settings.link_family_discount, _DECIMALS),
             round(idf * settings.link_builds_on_boost, _DECIMALS), df, eid, common, single)
            for idf, df, eid, common, single in zip(self.idf_list, self.df_list, ids,
                                                    self.common_list, self.single.tolist(),
                                                    strict=True)]
        # per entity: the ancestors a share of it implies (in a family cycle each is the
        # other's ancestor: neither is implied)
        self.above: list[tuple[int, ...]] = [tuple(x for x in self.up[e] if e not in self.up[x])
                                             for e in range(len(ids))]
        self.parented = frozenset(e for e, up in enumerate(self.above) if up)  # implying others
        # each paper's reached entities, as one run of ``ent`` (pairs sorted by paper)
        self.row = np.searchsorted(self.pap, np.arange(len(self.paper_ids) + 1))

    def __getstate__(self) -> dict[str, Any]:
        """Pickled (for a Dask worker's :func:`link_part`): without what only the client reads."""
        return {k: v for k, v in vars(self).items() if k not in _CLIENT_ONLY}

    def postings(self) -> tuple[np.ndarray, np.ndarray]:
        """Papers reaching each entity, sorted, and where each entity's run starts."""
        order = np.lexsort((self.pap, self.ent))
        return self.pap[order], np.concatenate(([0], np.cumsum(self.df)))

    def keyed(self, postings: np.ndarray) -> np.ndarray:
        """(entity, paper) of each posting as one sorted number."""
        out: np.ndarray = np.repeat(np.arange(len(self.entity_ids), dtype=np.int64) * self.n,
                                    self.df) + postings
        return out


# one share while candidates are examined: (-weight, df, entity id, kind, common, titled),
# so that sorting the tuples puts the heaviest first (ties: the rarer, then the id)
_Raw = tuple[float, int, str, ShareKind, bool, bool]


def _shares(ix: _Index, a: int, b: int, settings: Settings) -> tuple[list[_Raw], int | None]:
    """The most specific entities papers ``a`` and ``b`` share, and who proposes, if anyone."""
    both = ix.reach[a] & ix.reach[b]
    implied: set[int] = set()
    above = ix.above
    for e in both & ix.parented if ix.parented else ():
        implied.update(above[e])
    shares: list[_Raw] = []
    builds: list[tuple[float, int]] = []
    da, db, ta, tb = ix.direct[a], ix.direct[b], ix.titled[a], ix.titled[b]
    about = ix.about
    for e in both - implied if implied else both:
        shared, family, boosted, df, eid, common, single = about[e]
        pa, pb = da.get(e, False), db.get(e, False)
        by = a if pa else b
        if pa != pb and single == by and e in ix.titled[by]:
            shares.append((-boosted, df, eid, "builds-on", common, e in ta or e in tb))
            if not common:
                builds.append((boosted, by))
        elif e in da and e in db:
            shares.append((-shared, df, eid, "shared", common, e in ta or e in tb))
        else:
            shares.append((-family, df, eid, "family", common, e in ta or e in tb))
    shares.sort()
    proposer = max(builds, key=lambda t: (t[0], -t[1]))[1] if builds else None
    return shares, proposer


def _rule(shares: list[_Raw], proposer: int | None, similarity: float | None,
          settings: Settings) -> LinkRule | None:
    if proposer is not None:
        return "builds-on"
    evidence = [s for s in shares if not s[4]]
    worth = math.fsum(settings.link_family_discount if s[3] == "family" else 1.0 for s in evidence)
    if worth >= 2:
        return "several"
    if any(s[1] <= settings.link_rare_df and s[5] for s in evidence):
        return "rare"
    if similarity is not None:
        if evidence and similarity >= settings.link_similar_min:
            return "similar"
        # alike texts with no shared entity link unless link_text_alone is off
        if (shares or settings.link_text_alone) and similarity >= settings.link_text_min:
            return "text"
    return None


# ``runner(fn, shared, n)`` gives ``fn(shared, lo, hi)`` for consecutive parts ``lo .. hi - 1``
# covering ``0 .. n - 1``, in order: here by default, or on a Dask cluster
# (kg.build.distributed.link_runner)
PartRunner = Callable[[Callable[[Any, int, int], Any], Any, int], Iterable[Any]]


def run_here(fn: Callable[[Any, int, int], Any], shared: Any, n: int) -> Iterator[Any]:
    """The default :data:`PartRunner`: all ``n`` in one part, in this process."""
    yield fn(shared, 0, n)


@without_gc
def paper_links(occurrences: Iterable[Occurrence], n_papers: int,
                settings: Settings | None = None,
                entities: Mapping[str, Entity] | Iterable[Entity] = (),
                titles: Mapping[str, str] | None = None,
                texts: Mapping[str, str] | None = None,
                runner: PartRunner | None = None,
                made: "MadeIndex | None" = None) -> list[Link]:
    """Links between papers that share entities, sorted by (source, target).

    ``n_papers`` is the size of the corpus (papers without entities count); it is
    raised to the number of papers seen in ``occurrences`` if smaller. ``entities``
    gives the families (``Entity.parent``); without them papers share only what
    they both name. ``titles`` (paper id -> title) tells which entities a title
    names (an evidence offset inside the title); without it, or for a mention
    without evidence (nothing to tell), an entity counts as named in the title.
    ``texts`` (paper id -> title and abstract) gives the text similarity of the
    ``similar`` and ``text`` rules; without it those rules never apply.

    The pair counting (candidates, shares, rules: the bulk of the work) is done by
    :func:`link_part` over parts of the papers, each independent of the others,
    through ``runner`` (:func:`run_here`, one part in this process, by default; a
    runner may split the papers and compute the parts on other processes or
    machines); the caps are then applied here to the candidates of all the parts in
    order, so the links are the same whatever the runner. ``made`` is ``(n, the text
    index)`` made beforehand by :func:`text_index_of` from ``texts`` for ``n`` papers, used
    when that is the corpus's size.
    """
    settings = settings or Settings()
    ents = entities.values() if isinstance(entities, Mapping) else entities
    parents = {e.id: e.parent for e in ents if e.parent and e.parent != e.id}
    ix = _Index(occurrences, n_papers, parents, settings, titles, texts or {})
    if not ix.paper_ids:
        return []
    postings, start = ix.postings()
    # made beforehand from the same texts for as many papers (kg.build.aside.TextsAhead), or here
    text_index = made[1] if made is not None and made[0] == ix.n else text_index_of(texts, ix.n, settings)
    # the text index's papers as positions of ix (both sorted by id; each text's paper is in
    # ix), and the keyed postings: made once here, not again in every part
    moved = np.array([ix.position[t] for t in text_index.ids], dtype=np.int64) \
        if text_index else None
    shared = _Shared(ix, postings, start, text_index, settings, ix.keyed(postings), moved)
    found: dict[tuple[int, int], _Found] = {}
    for part in (runner or run_here)(link_part, shared, len(ix.paper_ids)):
        found.update(part)
    kept = neighbour_cap(found, entity_cap(found, ix, settings), ix, settings)
    links = []
    for a, b in sorted(kept):
        weight, shares, rule, proposer, sim = found[a, b]
        links.append(Link(ix.paper_ids[a], ix.paper_ids[b], weight,
                          tuple(s[2] for s in shares), rule,
                          None if proposer is None else ix.paper_ids[proposer],
                          tuple(Share(e, -w, kind, df, common, titled)
                                for w, df, e, kind, common, titled in shares),
                          None if sim is None else round(sim, _DECIMALS)))
    return links


@dataclass
class _Shared:
    """What every part of the pair counting reads: the index, its postings, the texts'."""

    ix: _Index
    postings: np.ndarray
    start: np.ndarray
    texts: TextIndex | None
    settings: Settings
    keyed: np.ndarray  # ix.keyed(postings)
    moved: np.ndarray | None  # each text's paper as its position in ix


def link_part(shared: _Shared, lo: int, hi: int) -> dict[tuple[int, int], _Found]:
    """The candidate links ``(p, q)``, ``p`` in ``lo .. hi - 1`` and ``q > p``, that pass a
    rule and weigh enough, in the order of ``p`` then ``q`` (a part of :func:`paper_links`)."""
    ix, settings, texts = shared.ix, shared.settings, shared.texts
    floor = min(settings.link_similar_min, settings.link_text_min)
    found: dict[tuple[int, int], _Found] = {}
    keyed, moved = shared.keyed, shared.moved
    n, ids = ix.n, ix.paper_ids
    for b0 in range(lo, hi, _BLOCK):
        b1 = min(b0 + _BLOCK, hi)
        pairs = block_candidates(ix, b0, b1, shared.postings, keyed, shared.start)
        cp, cq = (pairs // n).tolist(), (pairs % n).tolist()
        tp: list[int] = []
        tq: list[int] = []
        tsim: list[float] = []
        if texts is not None and moved is not None:
            t0 = bisect_left(texts.ids, ids[b0])
            t1 = bisect_left(texts.ids, ids[b1]) if b1 < len(ids) else len(texts.ids)
            ta, tb, tsim = texts.alike_block(t0, t1, floor, settings.link_text_min_words)
            tp, tq = moved[ta].tolist(), moved[tb].tolist()
        i = j = 0
        for p in range(b0, b1):
            i0, j0 = i, j
            i, j = bisect_right(cp, p, i), bisect_right(tp, p, j)  # (both sorted by p)
            sims = dict(zip(tq[j0:j], tsim[j0:j], strict=True))
            others = set(cq[i0:i])
            others.update(sims)
            for q in sorted(others):
                shares, proposer = _shares(ix, p, q, settings)
                sim = sims.get(q)
                rule = _rule(shares, proposer, sim, settings)
                if rule is None:
                    continue
                weight = round(math.fsum([-s[0] for s in shares]
                                         + [settings.link_similarity_weight * (sim or 0.0)]),
                               _DECIMALS)
                if weight >= settings.link_min_weight:
                    found[p, q] = (weight, shares, rule, proposer, sim)
    return found


def text_index_of(texts: Mapping[str, str] | None, n_papers: int,
                  settings: Settings) -> TextIndex | None:
    """The inverted word index of the texts of a corpus of ``n_papers`` papers, words in at
    most the cut-off's papers: what :func:`paper_links` reads (None without texts)."""
    if not texts:
        return None
    return TextIndex.of_texts(texts, min(link_cutoff(n_papers, settings), settings.link_text_max_postings))
