"""Families: the parent of every entity, at every level, from the gazetteer and name structure.

For each entity, in order:

1. **Gazetteer.** A known entity's parent in the gazetteer (``LLaVA-1.5-7B`` ->
   ``llava-1.5`` -> ``llava``); a family no paper names becomes an entity of its own,
   spelled as the child spells it (the gazetteer's spellings are its aliases), and gets
   its own parent the same way, up to the root.
2. **Extraction's family.** ``Mention.parent`` of a name the gazetteer does not know (a
   variant of a known family: "Mamba-3B"), unless the name is a modifier compound
   ("CoT-based" is no variant of CoT: :func:`~kg.keys.modifier_compound`).
3. **Name structure.** The name less one size, version, modality, edition or fine-tune
   suffix at a time (:func:`~kg.keys.base_names`); a minor version also tries its major
   one first when that names an entity ("Llama-3.1" -> "Llama 3", but "Qwen2.5" is no
   "Qwen2"). The first shorter name that is an entity of the corpus or a known entity
   is the family; the levels passed on the way become entities of their own
   (``Foo-2-7B`` -> ``Foo-2`` -> ``Foo``), so every chain of ``skos:broader`` is whole.
   No family is made from shape alone: without an entity or a known name above it, a
   name has no parent. Last, a named variant ("LLaVA-Med", "ActivityNet-QA"): the name
   less its capitalised last hyphenated word, when that is an entity of the corpus of
   the same type (a word after a space is as often the head noun: "Memory Networks",
   "Star Attention").

A dataset's family is a dataset, and a model's or a method's a model or a method,
whoever says otherwise (the gazetteer has two ids "sgd", and the dataset wins).

An entity no paper names (``papers == ()``) is such a derived family. A gazetteer that
says A < B < A is cut at the smallest id.
"""

from collections import deque
from collections.abc import Iterator
from dataclasses import replace

from kg.keys import base_names, entity_key, major_version, named_variant_head, slug
from kg.records import ENTITY_TYPES, Entity, EntityType, entity_type
from kg.resolve.known import KnownIndex, KnownLike


def entity_id(kind: str, key: str) -> str:
    """``"{type}/{slug}"`` of a name or kb id (a kb id written with its type keeps one)."""
    if "/" in key and key.split("/", 1)[0] in ENTITY_TYPES:
        key = key.split("/", 1)[1]
    return f"{kind}/{slug(key)}"


class _Tree:
    """The entities of a corpus with the families found for them so far."""

    def __init__(self, entities: dict[str, Entity], hints: dict[str, str], known: KnownIndex,
                 by_key: dict[str, str], by_kb: dict[str, str]) -> None:
        self.entities = dict(entities)
        self.hints = hints
        self.known = known
        self.by_key = dict(by_key)
        self.by_kb = dict(by_kb)
        self.parents: dict[str, str] = {}
        self.todo: deque[str] = deque()  # levels made, settled in the order made

    # ------------------------------------------------------------------ making entities

    def _new_id(self, kind: str, key: str) -> str:
        base = entity_id(kind, key)
        eid, n = base, 1
        while eid in self.entities:
            n += 1
            eid = f"{base}-{n}"
        return eid

    def _add(self, kind: EntityType, name: str, kb_id: str | None,
             spellings: tuple[str, ...] = ()) -> str:
        eid = self._new_id(kind, kb_id or name)
        aliases = tuple(sorted({name, *spellings}))
        self.entities[eid] = Entity(eid, kind, name, aliases, kb_id=kb_id)
        self.by_key.setdefault(entity_key(name), eid)
        if kb_id:
            self.by_kb[kb_id] = eid
        return eid

    def for_known(self, k: KnownLike, child: str) -> str:
        """The entity of a known family: the corpus's, else a new one spelled as ``child`` does."""
        found = self.by_kb.get(k.id)
        if found:
            return found
        keys = {entity_key(n) for n in (k.name, *k.aliases)}
        for key in keys:
            eid = self.by_key.get(key)
            if eid and self.entities[eid].kb_id in (None, k.id):
                return eid
        name = next((b for b in _shorter(child) if entity_key(b) in keys), k.name)
        eid = self._add(entity_type(k.type), name, k.id, (k.name, *k.aliases))
        self.todo.append(eid)  # its own family comes from the gazetteer in turn
        return eid

    # ------------------------------------------------------------------ finding families

    def parent_of(self, eid: str) -> str | None:
        e = self.entities[eid]
        k = self.known.get(e.kb_id)
        for given in (k.parent if k is not None else None, self.hints.get(eid)):
            pk = self.known.get(given)
            if pk is not None and _compatible(e.type, pk.type):
                return self.for_known(pk, e.name)
            found = self.by_key.get(entity_key(given)) if given and pk is None else None
            if found and found != eid and _compatible(e.type, self.entities[found].type):
                return found
        return self._by_structure(e)

    def _find(self, name: str, e: Entity, known_too: bool = True) -> str | None:
        found = self.by_key.get(entity_key(name))
        if found:
            ok = found != e.id and _compatible(e.type, self.entities[found].type)
            return found if ok else None
        k = self.known.named(name) if known_too else None
        if k is None or k.id == e.kb_id or not _compatible(e.type, k.type):
            return None
        return self.for_known(k, name)

    def _by_structure(self, e: Entity) -> str | None:
        pending: list[str] = []  # levels between the entity and its family, nearest first
        for base, level in _candidates(e.name):
            found = self._find(base, e)
            if found:
                return self._chain(pending, found, e.type)
            if level:
                pending.append(base)
        head = named_variant_head(e.name)
        if head:
            found = self._find(head, e, known_too=False)
            if found and self.entities[found].type == e.type:
                return found
        return None

    def _chain(self, pending: list[str], top: str, kind: EntityType) -> str:
        parent = top
        for base in reversed(pending):
            eid = self._add(kind, base, None)
            self.parents[eid] = parent
            parent = eid
        return parent

    def run(self) -> dict[str, Entity]:
        for eid in sorted(self.entities):
            self._settle(eid)
        while self.todo:
            self._settle(self.todo.popleft())
        _break_cycles(self.parents)
        self._drop_childless_levels()
        return {eid: e if e.parent == self.parents.get(eid) else replace(e, parent=self.parents.get(eid))
                for eid, e in self.entities.items()}  # (an entity equal to its copy is kept)

    def _drop_childless_levels(self) -> None:
        """A derived level left with no variant (its child's cycle was cut) is no family."""
        while True:
            families = set(self.parents.values())
            gone = [eid for eid, e in self.entities.items() if not e.papers and eid not in families]
            if not gone:
                return
            for eid in gone:
                del self.entities[eid]
                self.parents.pop(eid, None)

    def _settle(self, eid: str) -> None:
        if eid in self.parents:
            return
        parent = self.parent_of(eid)
        if parent and parent != eid:
            self.parents[eid] = parent


def _compatible(child: str, family: str) -> bool:
    """A dataset's family is a dataset; a model's or a method's is a model or a method
    (a model is often a variant of an architecture: "Mamba-3B" of Mamba)."""
    return (child == "dataset") == (family == "dataset")


def _shorter(name: str) -> Iterator[str]:
    """Every shorter name of ``name``'s chain, majors included."""
    for base, _ in _candidates(name):
        yield base


def _candidates(name: str) -> list[tuple[str, bool]]:
    """Shorter names to try, nearest first, each with whether it is a level of its own.

    A major version is tried before the name less its version, and is a level only when
    it names an entity: ``Llama-3.1-8B`` -> ``Llama-3.1``, (``Llama-3``), ``Llama``.
    """
    out: list[tuple[str, bool]] = []
    major = major_version(name)
    if major:
        out.append((major, False))
    for base in base_names(name):
        out.append((base, True))
        major = major_version(base)
        if major:
            out.append((major, False))
    return out


def _break_cycles(parents: dict[str, str]) -> None:
    """A bad gazetteer could say A < B < A; cut each cycle at its smallest id."""
    for eid in sorted(parents):
        seen = [eid]
        cur = parents.get(eid)
        while cur:
            if cur in seen:
                del parents[min(seen[seen.index(cur):])]
                break
            seen.append(cur)
            cur = parents.get(cur)


def families(entities: dict[str, Entity], hints: dict[str, str], known: KnownIndex,
             by_key: dict[str, str], by_kb: dict[str, str]) -> dict[str, Entity]:
    """``entities`` with their parents set, and the derived families added, keyed by id.

    ``hints`` are extraction's family (a gazetteer id or a name) per entity id;
    ``by_key`` and ``by_kb`` give the entity of a name key or a gazetteer id.
    """
    return _Tree(entities, hints, known, by_key, by_kb).run()
