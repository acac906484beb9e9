"""What changed between two N-Quads files a build wrote: the lines to delete and to add.

A build that adds papers to a live build writes its sorted N-Quads (:mod:`kg.rdf.nquads`)
and updates a copy of the live store with the difference, instead of loading every
quad again. Both files are partitions in the same order: each paper's named graph
(its lines end in ``<graph> .``) by paper id, then the default graph. The new file's
partitions are known from writing it (``index``: graph IRI or None, and length in
bytes, per partition); the old file is walked alongside:

- a paper partition whose bytes are the same in both files is skipped (one ``memcmp``);
- one that changed gives the lines of one and not the other;
- one only in the old file is deleted, one only in the new file added;
- the default graph is compared as a set of lines (a triple of the default graph may
  come from any of its partitions) by a merge of the two files: both are read a block at
  a time, side by side, and a line of one block is matched with a line of the other
  file's block or with one held from earlier blocks; only the lines not matched yet are
  held (the default graph's partitions come in the same order in both files, so they
  are about the lines that changed).

Memory is bounded: the files are mapped, but the pages already walked are let go as
the walk goes on (``madvise``), and a diff that would hold more than ``bound`` bytes
(lines held and found; 256 MiB by default) gives up and returns None, when loading the
store from the new file in full is about as cheap anyway.

The result is exact for sets of quads, which is what a store holds.
"""

import itertools
import mmap
from collections.abc import Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

Index = Sequence[tuple[bytes | None, int]]  # per partition: graph term (b"<...>") or None, bytes

_BLOCK = 1 << 22  # the default graph is read this many bytes at a time
_RELEASE = 1 << 26  # the mapped pages walked are let go this many bytes at a time
_LINE_COST = 100  # bytes a line held in a set costs besides its own (object, set slot)
DIFF_BOUND = 256 << 20  # default bound, in bytes, of what a diff holds


class TooLarge(Exception):
    """The diff would hold more than its bound."""


@dataclass
class Diff:
    """Lines to delete from and add to the store (N-Quads bytes, whole lines)."""

    deleted: list[bytes] = field(default_factory=list)
    added: list[bytes] = field(default_factory=list)
    same_partitions: int = 0
    changed_partitions: int = 0
    bound: int = DIFF_BOUND
    held: int = 0  # bytes of the lines found so far (and of the lines held, while merging)

    def take(self, to: list[bytes], block: bytes) -> None:
        """Append ``block`` to ``to`` (``deleted`` or ``added``), within the bound."""
        self.hold(len(block) + _LINE_COST * block.count(b"\n"))
        to.append(block)

    def hold(self, size: int) -> None:
        self.held += size
        if self.held > self.bound:
            raise TooLarge

    @property
    def lines(self) -> tuple[int, int]:
        """(lines deleted, lines added)."""
        return (sum(b.count(b"\n") for b in self.deleted), sum(b.count(b"\n") for b in self.added))


def graph_of(line: bytes) -> bytes | None:
    """The graph term of one of kg's N-Quads lines, None for the default graph.

    A subject and a predicate are IRIs (no spaces: kg percent-encodes them), a literal
    never holds a raw newline and a graph is an IRI: after the first two spaces come the
    object and, in a named graph, a last space and ``<graph>``.

    >>> graph_of(b'<s> <p> "a <b>"@en <g> .\\n'), graph_of(b'<s> <p> "a <b>"^^<t> .\\n')
    (b'<g>', None)
    >>> graph_of(b'<s> <p> <o> .\\n'), graph_of(b'<s> <p> <o> <g> .\\n')
    (None, b'<g>')
    """
    body = line[:-3] if line.endswith(b" .\n") else line.rstrip(b"\n")[:-2]
    first = body.find(b" ")
    rest = body[body.find(b" ", first + 1) + 1:]
    cut = rest.rfind(b" ")
    if cut < 0:
        return None  # one term: the object
    last = rest[cut + 1:]
    if last[:1] != b"<" or last[-1:] != b">" or b'"' in last:
        return None  # the end of a literal with spaces in it
    return last


def _head(mm: mmap.mmap | bytes, pos: int) -> bytes | None:
    """The graph of the line at ``pos`` (None: the default graph, or the end of the file)."""
    if pos >= len(mm):
        return None
    end = mm.find(b"\n", pos)
    return graph_of(mm[pos:end + 1 if end >= 0 else len(mm)])


def _run_end(mm: mmap.mmap | bytes, start: int, graph: bytes) -> int:
    """The end of the run of lines in ``graph`` that starts at ``start``."""
    suffix = b" " + graph + b" .\n"
    pos, size = start, len(mm)
    while pos < size:
        end = mm.find(b"\n", pos)
        end = size if end < 0 else end + 1
        if not mm[pos:end].endswith(suffix) or graph_of(mm[pos:end]) != graph:
            break
        pos = end
    return pos


def _set_diff(old: bytes, new: bytes, out: Diff) -> None:
    a, b = set(old.splitlines(keepends=True)), set(new.splitlines(keepends=True))
    out.take(out.deleted, b"".join(sorted(a - b)))
    out.take(out.added, b"".join(sorted(b - a)))


class _Walk:
    """A file's bytes (mapped; ``b""`` when empty) whose pages before a point are let go."""

    def __init__(self, data: mmap.mmap | bytes) -> None:
        self.data = data
        self.released = 0

    def release(self, upto: int) -> None:
        """Let go of the mapped pages before ``upto`` (none is read again): they count in
        the process's memory (RSS, PSS) as long as they stay mapped."""
        end = upto - upto % mmap.PAGESIZE
        if (end - self.released >= _RELEASE and isinstance(self.data, mmap.mmap)
                and hasattr(mmap, "MADV_DONTNEED")):
            self.data.madvise(mmap.MADV_DONTNEED, self.released, end - self.released)
            self.released = end

    def blocks(self, start: int) -> Iterator[bytes]:
        """The bytes from ``start`` on, in blocks of whole lines of about :data:`_BLOCK` bytes."""
        data, pos, size = self.data, start, len(self.data)
        while pos < size:
            end = data.rfind(b"\n", pos, min(size, pos + _BLOCK)) + 1
            if end <= pos:  # a line longer than a block
                end = data.find(b"\n", pos) + 1 or size
            yield data[pos:end]
            self.release(end)
            pos = end


def _same_tail(old: _Walk, old_start: int, new: _Walk, new_start: int) -> bool:
    """Whether the bytes of ``old`` from ``old_start`` equal those of ``new`` from ``new_start``,
    compared a block at a time (a slice of the whole tail would copy it: gigabytes at 100k papers)."""
    size = len(old.data) - old_start
    if size != len(new.data) - new_start:
        return False
    for i in range(0, size, _BLOCK):
        if old.data[old_start + i:old_start + i + _BLOCK] != new.data[new_start + i:new_start + i + _BLOCK]:
            return False
        old.release(old_start + i + _BLOCK)
        new.release(new_start + i + _BLOCK)
    return True


def _size(lines: set[bytes]) -> int:
    return sum(map(len, lines)) + _LINE_COST * len(lines)


def _default_diff(old: _Walk, old_start: int, new: _Walk, new_start: int, out: Diff) -> None:
    """The lines of the default graph only in ``old`` (deleted) and only in ``new`` (added).

    A merge: the two files are read a block at a time side by side; each block's lines
    are matched with the other block's, then with the lines of the other file held from
    earlier blocks (not matched yet); what is left is held. The lines held at the end
    are the difference. The held lines count in ``out``'s bound.
    """
    if _same_tail(old, old_start, new, new_start):
        return
    gone: set[bytes] = set()  # lines of old not met in new so far
    fresh: set[bytes] = set()  # lines of new not met in old so far
    for a, b in itertools.zip_longest(old.blocks(old_start), new.blocks(new_start), fillvalue=b""):
        la, lb = set(a.splitlines(keepends=True)), set(b.splitlines(keepends=True))
        both = la & lb
        la -= both
        lb -= both
        met = la & fresh  # old lines that a new block had already shown
        fresh -= met
        la -= met
        found = _size(met)
        met = lb & gone
        gone -= met
        lb -= met
        found += _size(met)
        gone |= la
        fresh |= lb
        out.hold(_size(la) + _size(lb) - found)
    out.held -= _size(gone) + _size(fresh)  # counted again as they are taken
    out.take(out.deleted, b"".join(sorted(gone)))
    gone.clear()
    out.take(out.added, b"".join(sorted(fresh)))


def diff_nquads(old_path: str | Path, new_path: str | Path, index: Index,
                bound: int | None = None) -> Diff | None:
    """The lines to delete from the store of ``old_path`` and to add to it to hold ``new_path``;
    None when that would hold more than ``bound`` bytes (:data:`DIFF_BOUND` if None; then
    load ``new_path`` in full).

    ``index`` lists the partitions of ``new_path`` as :func:`kg.rdf.nquads.write_nquads`
    wrote them (paper graphs first, then the default graph's).
    """
    out = Diff(bound=DIFF_BOUND if bound is None else bound)
    try:
        _diff(Path(old_path), Path(new_path), index, out)
    except TooLarge:
        return None
    return out


def _diff(old_path: Path, new_path: Path, index: Index, out: Diff) -> None:
    with ExitStack() as stack:
        maps = []
        for path in (old_path, new_path):
            f = stack.enter_context(open(path, "rb"))
            size = path.stat().st_size
            maps.append(stack.enter_context(mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ))
                        if size else b"")
        old_walk, new_walk = _Walk(maps[0]), _Walk(maps[1])
        old, new = maps
        named = {g for g, _ in index if g is not None}
        o = n = 0
        for graph, length in index:
            if graph is None:
                break
            block = new[n:n + length]
            n += length
            old_walk.release(o)
            new_walk.release(n)
            got = _head(old, o)
            while got is not None and got != graph and got not in named:  # a paper gone
                end = _run_end(old, o, got)
                out.take(out.deleted, old[o:end])
                out.changed_partitions += 1
                o, got = end, _head(old, end)
            if got != graph:  # an old paper still in the corpus comes later: this one is new
                out.take(out.added, block)
                out.changed_partitions += 1
                continue
            if old[o:o + length] == block and _head(old, o + length) != graph:
                out.same_partitions += 1
                o += length
                continue
            end = _run_end(old, o, graph)
            out.changed_partitions += 1
            _set_diff(old[o:end], block, out)
            o = end
        while (got := _head(old, o)) is not None:  # papers after the last one kept are gone
            end = _run_end(old, o, got)
            out.take(out.deleted, old[o:end])
            out.changed_partitions += 1
            o = end
        _default_diff(old_walk, o, new_walk, n, out)
