"""Cross-paper resolution: mentions found paper by paper become canonical entities.

Rules, in the order they apply:

1. **Spelling.** Surface forms are compared by :func:`~kg.keys.entity_key`, the key
   extraction groups a paper's mentions by (case, accents, punctuation and a plural
   ``s`` ignored): ``ImageNet-1k``, ``ImageNet 1K`` and ``imagenet_1k`` are one entity,
   and so are ``Gated State Space`` and ``Gated State Spaces``. All the surface forms of
   one mention (its name and aliases) are one entity too, except acronyms (rule 3).
2. **Gazetteer.** Mentions with the same ``kb_id`` are one entity. Two clusters
   carrying different ``kb_id`` are never merged through a shared spelling. A mention
   the gazetteer linked only through aliases that describe the entity rather than name
   it (the paper writes "attention sink", the gazetteer lists it under StreamingLLM:
   :func:`~kg.resolve.known.descriptive_keys`) is not linked: it is what it says.
3. **Acronyms.** A mention that gives an acronym with its long form
   ("Masked Image Modeling (MIM)") defines the pair. Long forms of one acronym that
   differ only in the ending of their last word, or by a last word the acronym does not
   spell, are one entity ("Sequence Parallel" and "Sequence Parallelism", both "SP";
   "Long Short-Term Memory" and "Long Short Term Memory Networks", both "LSTM":
   :func:`~kg.resolve.acronyms.one_long_form`). The
   acronym joins the long form only when it is unambiguous in the corpus: every
   definition of it points to the same long-form entity. An ambiguous acronym written
   bare stays an entity of its own. Case tells acronyms apart where it is chosen:
   a camel-cased spelling ("CoCo") is not linked to a gazetteer name of its key
   written with other capitals ("COCO"), and does not join a mention of another type
   spelling its key with other capitals (``_apart``).
4. **Type.** The type voted by gazetteer-linked mentions wins; otherwise the
   majority over mentions; ties go to ``model`` > ``method`` > ``dataset``
   (a name used both as a model and a method is usually a released model).
5. **Families.** Every entity's parent, at every level, from the gazetteer and the
   name's structure, with the missing levels made entities of their own:
   :mod:`kg.resolve.families`.
6. **Names and ids.** The canonical name is the most frequent name given by
   gazetteer-linked mentions, else the most frequent name overall (ties: the
   alphabetically first). The id is ``"{type}/{slug}"`` of the ``kb_id`` when
   known, else of the canonical name; clashing slugs get ``-2``, ``-3`` ... in an
   order fixed by content (a gazetteer-linked entity first), so ids do not depend on
   input order.

Rules 4 and 6 (what a cluster's mentions vote) and the merging of a paper's mentions of one
entity are :mod:`kg.resolve.clusters`.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import replace
from operator import itemgetter

from kg.keys import UnionFind, entity_key, modifier_compound
from kg.records import Entity, Mention, Occurrence, PaperEntities
from kg.resolve.acronyms import is_acronym_of, one_long_form
from kg.resolve.clusters import TYPE_PRECEDENCE, Cluster, assign_ids, describe, merge, role_of
from kg.resolve.families import families
from kg.resolve.known import KnownIndex, KnownLike, camel, capitals, case_distinct, default_known
from kg.resolve.paused import without_gc
from kg.settings import Settings

__all__ = ["TYPE_PRECEDENCE", "is_acronym_of", "resolve"]

class _Clusters(UnionFind[str]):
    """Clusters of mention nodes that never join two different kb_ids."""

    def __init__(self) -> None:
        super().__init__()
        self.kb: dict[str, str] = {}  # per root

    def union(self, a: str, b: str) -> str:
        ra, rb = self.find(a), self.find(b)
        ka, kb = self.kb.get(ra), self.kb.get(rb)
        if ka and kb and ka != kb:
            return ra
        root = super().union(ra, rb)
        known = ka or kb
        if known:
            self.kb[root] = known  # the root may be either side's
        return root


_Forms = tuple[str, tuple[str, ...], tuple[tuple[str, str], ...]]  # anchor key, keys, acronym definitions


def _forms(m: Mention) -> _Forms:
    """A mention's anchor key, the keys that always join it, and its acronym definitions."""
    surfaces = [m.name, *m.aliases]
    spelt = list(zip(surfaces, [entity_key(s) for s in surfaces], strict=True))
    defs = [(ks, kl) for s, ks in spelt for lf, kl in spelt  # (acronym key, long form key)
            if ks != kl and is_acronym_of(s, lf)]
    acronyms = {ks for ks, _ in defs}
    keys = tuple(k for k in dict.fromkeys(k for _, k in spelt) if k and k not in acronyms)
    anchor = spelt[0][1]
    if anchor in acronyms:
        anchor = defs[0][1] if not keys else keys[0]
    return anchor, keys, tuple(defs)


@without_gc
def resolve(extractions: Iterable[PaperEntities], settings: Settings | None = None,
            known: Mapping[str, KnownLike] | None = None) -> tuple[dict[str, Entity], list[Occurrence]]:
    """Canonical entities of a corpus and one occurrence per (paper, entity).

    ``settings`` is accepted for symmetry with the other stages; no rule reads it yet.
    ``known`` is the gazetteer by id (default: the shipped one). Entities are returned
    keyed and sorted by id, derived families included; occurrences sorted by (paper, entity).
    """
    index = KnownIndex(default_known() if known is None else known)
    items, runs = _items(extractions, index)
    roots = _clusters(items, index)
    clusters = _described(items, roots)
    ids = assign_ids(clusters)
    by_key, by_kb = _lookups(clusters, ids)
    eids = [ids[root] for root in roots]
    occurrences = _occurrences(items, runs, eids)
    entities, hints = _entities(clusters, ids, occurrences)
    return dict(sorted(families(entities, hints, index, by_key, by_kb).items())), occurrences


def _items(extractions: Iterable[PaperEntities],
           index: KnownIndex) -> tuple[list[tuple[str, Mention]], list[tuple[str, int, int]]]:
    """Every named mention as ``(paper, mention)``, checked (:func:`_checked`), in the order
    unions are made, and each paper's run of them: ``(paper, start, end)``.

    Union order matters when kb_ids clash; the order's first key is the paper: each paper's
    mentions are sorted on their own (stable, as one sort of them all), the papers in order.
    """
    by_paper: dict[str, list[tuple[str, Mention]]] = defaultdict(list)
    for pe in extractions:
        by_paper[pe.id].extend((pe.id, _checked(m, index)) for m in pe.entities if m.name.strip())
    items: list[tuple[str, Mention]] = []
    runs = []
    for paper in sorted(by_paper):
        start, mine = len(items), by_paper[paper]
        # names all different (as a paper's usually are) order the mentions alone
        names_differ = len({m.name for _, m in mine}) == len(mine)
        items.extend(sorted(mine, key=_name_of if names_differ else _item_order))
        runs.append((paper, start, len(items)))
    return items, runs


def _clusters(items: list[tuple[str, Mention]], index: KnownIndex) -> list[str]:
    """The root of each item's cluster (:class:`_Clusters`), once every rule has joined them."""
    uf = _Clusters()
    apart = _apart(items, index)
    # the forms depend on a mention's name and aliases only: made once for each pair of them,
    # numbered in the order first met
    spelt: dict[tuple[str, tuple[str, ...]], int] = {}
    made: list[_Forms] = []
    nodes = []  # each item's: its kb id's, else its anchor key's
    # a union made again changes nothing (two clusters kept apart by their kb_ids stay apart):
    # each (node, forms) once, in the order first met
    joins: dict[tuple[str, int], None] = {}
    for _, m in items:
        said = (m.name, m.aliases)
        n = spelt.get(said)
        if n is None:
            n = spelt[said] = len(made)
            made.append(_case_apart(m, _forms(m), apart))
        kb = m.kb_id
        if kb:
            node = "kb:" + kb
            uf.kb[node] = kb  # (no union made yet: each node is its own root)
        else:
            node = "n:" + made[n][0]
        nodes.append(node)
        joins[node, n] = None
    for node, n in joins:
        anchor, keys, _ = made[n]
        for k in (anchor, *keys):
            if node != "n:" + k:  # (a node joined to itself: nothing to do)
                uf.union(node, "n:" + k)
    _join_acronyms(uf, dict(zip(spelt, made, strict=True)))
    root_of = {node: uf.find(node) for node in dict.fromkeys(nodes)}  # the clusters are final
    return [root_of[node] for node in nodes]


def _described(items: list[tuple[str, Mention]], roots: list[str]) -> dict[str, "Cluster"]:
    """Each cluster (by root, in the order first met) and what its mentions say of it."""
    members: dict[str, list[Mention]] = defaultdict(list)
    for (_, m), root in zip(items, roots, strict=True):
        members[root].append(m)
    return {root: describe(ms) for root, ms in members.items()}


def _lookups(clusters: dict[str, "Cluster"], ids: dict[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """The entity of each name key and of each kb id, for family lookup."""
    by_key: dict[str, str] = {}
    by_kb: dict[str, str] = {}
    for root, c in clusters.items():
        eid = ids[root]
        for key in c["order"]:  # the keys of its forms
            by_key.setdefault(key, eid)
        for kb in c["kbs"]:
            by_kb.setdefault(kb, eid)
    for root, c in sorted(clusters.items(), key=lambda rc: ids[rc[0]]):
        by_key[entity_key(c["name"])] = ids[root]  # canonical names win over aliases
    return by_key, by_kb


def _occurrences(items: list[tuple[str, Mention]], runs: list[tuple[str, int, int]],
                 eids: list[str]) -> list[Occurrence]:
    """One occurrence per (paper, entity), sorted by both: ``eids`` is each item's entity.

    The items come paper by paper (``runs``), so each paper's entities are sorted alone.
    """
    out = []
    for paper, lo, hi in runs:
        mine_ids = eids[lo:hi]
        if len(set(mine_ids)) == hi - lo:  # one mention of each entity, as usual: nothing to merge
            for eid, (_, m) in sorted(zip(mine_ids, items[lo:hi], strict=True), key=_first):
                out.append(Occurrence(paper, eid, "proposed" if m.role == "proposed" else "used", m))
            continue
        mine: dict[str, list[Mention]] = {}
        for (_, m), eid in zip(items[lo:hi], eids[lo:hi], strict=True):
            ms = mine.get(eid)
            if ms is None:
                mine[eid] = [m]
            else:
                ms.append(m)
        for eid in sorted(mine):
            ms = mine[eid]
            out.append(Occurrence(paper, eid, role_of(ms), merge(ms)))
    return out


def _entities(clusters: dict[str, "Cluster"], ids: dict[str, str],
              occurrences: list[Occurrence]) -> tuple[dict[str, Entity], dict[str, str]]:
    """The entity of each cluster (no parent yet), and extraction's family of each."""
    # occurrences are sorted by (paper, entity), one each: an entity's papers come in order, once
    papers: dict[str, list[str]] = defaultdict(list)
    proposers: dict[str, list[str]] = defaultdict(list)
    for o in occurrences:
        papers[o.entity].append(o.paper)
        if o.role == "proposed":
            proposers[o.entity].append(o.paper)
    entities: dict[str, Entity] = {}
    hints: dict[str, str] = {}
    for root, c in clusters.items():
        eid = ids[root]
        entities[eid] = Entity(eid, c["type"], c["name"], tuple(sorted(c["forms"])), None,
                               tuple(papers[eid]), tuple(proposers[eid]), c["kb"])
        if c["parent"]:
            hints[eid] = c["parent"]
    return entities, hints


def _checked(m: Mention, index: KnownIndex) -> Mention:
    """``m`` less a gazetteer link or a family that its own words do not bear out.

    A link made only through aliases that describe the known entity is dropped, and the
    mention is named as the paper writes it; a family given to a modifier compound
    ("CoT-based") is dropped.
    """
    if m.kb_id:
        written = list(dict.fromkeys([e.surface for e in m.evidence if e.surface] + list(m.aliases)))
        seen = list(dict.fromkeys(e.surface for e in m.evidence if e.surface))
        if index.describes_only(m.kb_id, written or [m.name]) or index.case_contradicts(m.kb_id, seen):
            counts = Counter(e.surface for e in m.evidence if e.surface)
            name = min(written, key=lambda w: (-counts[w], w)) if written else m.name
            return replace(m, name=name, aliases=tuple(w for w in written if w != name),
                           kb_id=None, parent=None)
        return m
    if m.parent and modifier_compound(m.name):
        return replace(m, parent=None)
    return m


def _apart(items: list[tuple[str, Mention]], index: KnownIndex) -> set[str]:
    """Camel-cased spellings that name something else than other spellings of their key.

    "CoCo" (a method) is not "COCO" (a dataset): a camel-cased spelling
    (:func:`~kg.resolve.known.camel`) stays apart from its key when a mention of another
    type spells the key with other capitals, or when the gazetteer's names of that key
    all have other capitals (:meth:`~kg.resolve.known.KnownIndex.case_contradicts`).
    """
    # what is read of a mention: its type, whether it is linked, its spellings (each once)
    said = dict.fromkeys((m.type, bool(m.kb_id), m.name, m.aliases) for _, m in items)
    typed: dict[str, set[tuple[str, str]]] = defaultdict(set)  # key -> (spelling, type)
    for f, kind in dict.fromkeys((f, kind) for kind, _, name, aliases in said
                                 for f in (name, *aliases)):
        if capitals(f) is not None:
            typed[entity_key(f)].add((f, kind))
    out = set()
    # whether a spelling stays apart depends on it and its mention's type only: each pair once
    for f, kind in dict.fromkeys((f, kind) for kind, linked, name, aliases in said if not linked
                                 for f in (name, *aliases)):
        if f in out or not camel(f):
            continue
        entry = index.named(f)
        if entry is not None and index.case_contradicts(entry.id, [f]) or any(
                t != kind and case_distinct(f, g) for g, t in typed[entity_key(f)]):
            out.add(f)
    return out


def _case_apart(m: Mention, forms: _Forms, apart: set[str]) -> _Forms:
    """``forms`` with the keys that ``m`` spells only in spellings kept apart made distinct."""
    if not apart:
        return forms
    spelled: dict[str, list[str]] = defaultdict(list)
    for f in (m.name, *m.aliases):
        spelled[entity_key(f)].append(f)

    def key(k: str) -> str:
        ss = spelled.get(k, [])
        return f"{k}|{min(ss)}" if ss and all(x in apart for x in ss) else k

    anchor, keys, defs = forms
    return key(anchor), tuple(key(k) for k in keys), tuple((key(a), key(b)) for a, b in defs)


def _join_acronyms(uf: "_Clusters", spelt: dict[tuple[str, tuple[str, ...]], _Forms]) -> None:
    """Long forms of one acronym with the same head are one; then each unambiguous
    acronym joins its long form.

    ``spelt`` holds the forms of each (name, aliases) of the mentions, in the order the
    mentions first give them: a spelling seen again cannot have more capitals than itself.
    """
    spelled: dict[str, str] = {}  # a key -> its first spelling with the most capitals
    most: dict[str, int] = {}  # a key -> the capitals of that spelling
    longs: dict[str, set[str]] = defaultdict(set)  # acronym key -> long-form keys
    for (name, aliases), (_, _, defs) in spelt.items():
        for s in (name, *aliases):
            k = entity_key(s)
            n = _capitals(s)
            if k not in spelled or n > most[k]:
                spelled[k], most[k] = s, n
        for short, long in defs:
            longs[short].add(long)
    for short in sorted(longs):
        ordered = sorted(longs[short])
        for i, a in enumerate(ordered):
            for b in ordered[i + 1:]:
                if one_long_form(spelled.get(a, a), spelled.get(b, b), spelled.get(short, short)):
                    uf.union("n:" + a, "n:" + b)
    meaning: dict[str, set[str]] = defaultdict(set)
    for short, keys in longs.items():
        meaning[short] = {uf.find("n:" + long) for long in keys}
    for short, roots in sorted(meaning.items()):
        if len(roots) == 1:
            uf.union("n:" + short, next(iter(roots)))


def _capitals(s: str) -> int:
    return sum(map(str.isupper, s))


def _item_order(item: tuple[str, Mention]) -> tuple[str, str, str, str, tuple[str, ...], str,
                                                     str, float, int]:
    paper, m = item
    return (paper, m.name, m.type, m.kb_id or "", m.aliases, m.role, m.parent or "",
            m.confidence, len(m.evidence))


def _name_of(item: tuple[str, Mention]) -> str:
    return item[1].name


_first = itemgetter(0)
