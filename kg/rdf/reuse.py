"""Paper partitions a build copies from the live build's N-Quads instead of converting them.

A paper's named graph (:func:`kg.rdf.convert.paper_triples`) is made from the paper's
record, its extraction, and what resolution made of the extraction: each occurrence's
entity id, role, confidence and evidence, and whether the entity is in the corpus; and
its repositories as the corpus spells them (one spelling across the corpus, so papers
added elsewhere can respell an unchanged paper's link). An add
of a few papers to a large build leaves nearly every paper's record and extraction as they
were, and their occurrences too; their partitions then hold the very bytes the live
``graph.nq`` holds. Every build with a plain N-Quads export records, per paper partition,
a digest of what resolution gave it, where its bytes are in the file and what VoID counts
of it (:data:`PARTS_NAME`, a file of the generation that is not published at the top);
the next build copies a partition whose paper and extraction are the live build's own
(checked by the build) and whose digest is the same, with the same code and base IRI.

The digest names each evidence by its position among the extraction's evidence (the
extraction being the same, the same position is the same sentence and offsets), so it
is computed without touching the texts. A digest that differs, or a record the file lacks,
only means the partition is converted again: reuse never changes what is written, only
how fast (tested against full builds).

VoID: a paper partition shares no triple with any other partition (its subjects are the
paper and its evidence nodes, and the default graph gives the paper only
``kg:relatedTo``/``kg:buildsOn``), so a copied partition adds its recorded counts
(:meth:`kg.rdf.void.VoidCounts.add_copied`).
"""

import hashlib
import json
import os
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from kg.records import Occurrence, PaperEntities

PARTS_NAME = ".partitions.tsv"  # in the generation directory, next to its graph.nq
_FORMAT = 2  # 2: the digest holds the paper's repositories
_A = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"

Triple = tuple[str, str, str]


@dataclass(frozen=True)
class Summary:
    """What VoID counts of one paper partition: its IRI subjects besides the paper, its
    triples per predicate and its members per class (N-Triples terms)."""

    subjects: int
    predicates: tuple[tuple[str, int], ...]
    classes: tuple[tuple[str, int], ...]

    @property
    def triples(self) -> int:
        return sum(n for _, n in self.predicates)


def summary(spo: Sequence[Triple], paper: str) -> Summary:
    """The :class:`Summary` of the distinct triples ``spo`` of the partition of ``paper``
    (its IRI in N-Triples form)."""
    subjects = {s for s, _, _ in spo if s[0] == "<"}
    subjects.discard(paper)
    predicates = Counter(p for _, p, _ in spo)
    classes = Counter(o for _, p, o in spo if p == _A and o[0] == "<")
    return Summary(len(subjects), tuple(sorted(predicates.items())), tuple(sorted(classes.items())))


def digest(occurrences: Iterable[Occurrence], extraction: PaperEntities | None,
           entities: object, repositories: Sequence[str] = ()) -> str | None:
    """The digest of what resolution made of one paper (see the module's docstring); None
    when an evidence is not one of the extraction's (nothing is recorded then)."""
    position: dict[int, int] = {}
    if extraction is not None:
        for m in extraction.entities:
            for ev in m.evidence:
                position.setdefault(id(ev), len(position))
    rows = []
    for occ in occurrences:
        where = [position.get(id(ev), -1) for ev in occ.mention.evidence]
        if -1 in where:
            return None
        rows.append(f"{occ.entity}\x1f{occ.role}\x1f{occ.mention.confidence!r}\x1f"
                    f"{occ.entity in entities}\x1f{','.join(map(str, where))}")  # type: ignore[operator]
    rows.sort()
    # the repositories as the corpus spells them: one spelling per repository across the
    # corpus, so new papers can respell an unchanged paper's link (and its IRI)
    rows.extend(f"repo\x1f{r}" for r in repositories)
    return hashlib.blake2b("\x1e".join(rows).encode("utf-8"), digest_size=12).hexdigest()


@dataclass(frozen=True)
class Part:
    """One recorded paper partition: its digest, its bytes in the file and its VoID counts."""

    digest: str
    offset: int
    length: int
    summary: Summary


class Recorder:
    """The paper partitions of the N-Quads a build writes, written to :data:`PARTS_NAME`.

    Each is held as its line of the file (about 100 bytes), not as objects: a full build
    of 100,000 papers holds them all until the end of its N-Quads."""

    def __init__(self, code: str, base_iri: str) -> None:
        self.header = {"format": _FORMAT, "code": code, "base_iri": base_iri}
        self.rows: list[str] = []
        self._predicates: dict[str, int] = {}
        self._classes: dict[str, int] = {}
        # the fields written for each (predicates, classes): a few thousand in 100,000 papers
        self._fields: dict[tuple[tuple[tuple[str, int], ...], tuple[tuple[str, int], ...]],
                           tuple[str, str]] = {}

    def add(self, pid: str, part: Part) -> None:
        if "\t" in pid or "\n" in pid:
            return  # cannot be a field of the record: that paper is converted every time
        s = part.summary
        done = self._fields.get((s.predicates, s.classes))
        if done is not None:
            pc, cc = done
        else:
            preds, classes = self._predicates, self._classes
            pc = ",".join(f"{preds.setdefault(t, len(preds))}:{n}" for t, n in s.predicates)
            cc = ",".join(f"{classes.setdefault(t, len(classes))}:{n}" for t, n in s.classes)
            self._fields[s.predicates, s.classes] = (pc, cc)
        self.rows.append(f"{pid}\t{part.digest}\t{part.offset}\t{part.length}\t{s.subjects}\t{pc}\t{cc}\n")

    def write(self, path: Path, size: int) -> None:
        """Write the record of an N-Quads file of ``size`` bytes to ``path``."""
        from kg.fileio import atomic_write

        header = self.header | {"size": size, "predicates": list(self._predicates),
                                "classes": list(self._classes)}
        with atomic_write(path, "w") as f:
            f.write(json.dumps(header, ensure_ascii=False) + "\n")
            f.writelines(self.rows)


def _counts(field: str, names: list[str]) -> tuple[tuple[str, int], ...]:
    if not field:
        return ()
    return tuple((names[int(i)], int(n)) for i, n in (x.split(":") for x in field.split(",")))


def read_parts(path: Path, nquads: Path, code: str, base_iri: str) -> dict[str, Part] | None:
    """The partitions recorded in ``path`` for the N-Quads file ``nquads``; None when the
    record is missing, unreadable, or not of this file, this code and this base IRI."""
    try:
        with open(path, encoding="utf-8") as f:
            header = json.loads(f.readline())
            if (not isinstance(header, dict) or header.get("format") != _FORMAT
                    or header.get("code") != code or header.get("base_iri") != base_iri
                    or header.get("size") != nquads.stat().st_size):
                return None
            preds, classes = header["predicates"], header["classes"]
            parts: dict[str, Part] = {}
            # papers of one shape have one summary: a few thousand distinct in 100,000 papers
            summaries: dict[tuple[str, str, str], Summary] = {}
            for line in f:
                pid, dig, offset, length, subjects, pc, cc = line.rstrip("\n").split("\t")
                s = summaries.get((subjects, pc, cc))
                if s is None:
                    s = summaries[subjects, pc, cc] = Summary(int(subjects), _counts(pc, preds),
                                                              _counts(cc, classes))
                parts[pid] = Part(dig, int(offset), int(length), s)
            return parts
    except (OSError, ValueError, KeyError, IndexError, TypeError):
        return None


class Reuse:
    """The live build's paper partitions, to copy those whose inputs did not change.

    ``same(pid)`` says whether the paper's record and extraction are the live build's.
    Use as a context manager (the live file is open meanwhile).
    """

    def __init__(self, nquads: Path, parts: dict[str, Part], same: Callable[[str], bool]) -> None:
        self.nquads, self.parts, self.same = nquads, parts, same
        self.copied = 0
        self._stack = ExitStack()
        self._file: IO[bytes] | None = None

    def __enter__(self) -> "Reuse":
        self._file = self._stack.enter_context(open(self.nquads, "rb"))
        return self

    def __exit__(self, *exc: object) -> None:
        self._stack.close()
        self._file = None

    def take(self, pid: str, dig: str | None, graph: str) -> tuple[bytes, Part] | None:
        """The live bytes of the partition of ``pid`` (graph term ``graph``) if they can be
        copied, with its record; else None."""
        part = self.parts.get(pid)
        if part is None or dig is None or part.digest != dig or self._file is None \
                or not self.same(pid):
            return None
        data = os.pread(self._file.fileno(), part.length, part.offset)
        # what the record says is there: whole lines of this graph, as many as it counted
        if (len(data) != part.length or not data.endswith(f" {graph} .\n".encode())
                or data.count(b"\n") != part.summary.triples):
            return None
        self.copied += 1
        return data, part
