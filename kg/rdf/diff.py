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
  come from any of its partitions), each line by a 128-bit key, so memory holds keys,
  not lines.

The result is exact for sets of quads, which is what a store holds.
"""

import mmap
from collections.abc import Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

Index = Sequence[tuple[bytes | None, int]]  # per partition: graph term (b"<...>") or None, bytes

_BLOCK = 1 << 22  # the default graph is read this many bytes at a time


@dataclass
class Diff:
    """Lines to delete from and add to the store (N-Quads bytes, whole lines)."""

    deleted: list[bytes] = field(default_factory=list)
    added: list[bytes] = field(default_factory=list)
    same_partitions: int = 0
    changed_partitions: int = 0

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
    out.deleted.append(b"".join(sorted(a - b)))
    out.added.append(b"".join(sorted(b - a)))


def _keys(data: mmap.mmap | bytes, start: int) -> Iterator[tuple[int, bytes]]:
    """(128-bit key, line) of every line from ``start`` on, read a block at a time."""
    pos, size = start, len(data)
    while pos < size:
        end = data.rfind(b"\n", pos, min(size, pos + _BLOCK)) + 1
        if end <= pos:  # a line longer than a block
            end = data.find(b"\n", pos) + 1 or size
        for line in data[pos:end].splitlines(keepends=True):
            yield (hash(line) & 0xFFFFFFFFFFFFFFFF) << 64 | (hash(line[::-1]) & 0xFFFFFFFFFFFFFFFF), line
        pos = end


def _same_tail(old: mmap.mmap | bytes, old_start: int, new: mmap.mmap | bytes, new_start: int) -> bool:
    """Whether the bytes of ``old`` from ``old_start`` equal those of ``new`` from ``new_start``,
    compared a block at a time (a slice of the whole tail would copy it: gigabytes at 100k papers)."""
    size = len(old) - old_start
    if size != len(new) - new_start:
        return False
    return all(old[old_start + i:old_start + i + _BLOCK] == new[new_start + i:new_start + i + _BLOCK]
               for i in range(0, size, _BLOCK))


def _default_diff(old: mmap.mmap, old_start: int, new: mmap.mmap, new_start: int, out: Diff) -> None:
    if _same_tail(old, old_start, new, new_start):
        return
    old_keys = {k for k, _ in _keys(old, old_start)}
    new_keys = {k for k, _ in _keys(new, new_start)}
    out.deleted.append(b"".join(line for k, line in _keys(old, old_start) if k not in new_keys))
    out.added.append(b"".join(line for k, line in _keys(new, new_start) if k not in old_keys))


def diff_nquads(old_path: str | Path, new_path: str | Path, index: Index) -> Diff:
    """The lines to delete from the store of ``old_path`` and to add to it to hold ``new_path``.

    ``index`` lists the partitions of ``new_path`` as :func:`kg.rdf.nquads.write_nquads`
    wrote them (paper graphs first, then the default graph's).
    """
    out = Diff()
    with ExitStack() as stack:
        maps = []
        for path in (old_path, new_path):
            f = stack.enter_context(open(path, "rb"))
            size = Path(path).stat().st_size
            maps.append(stack.enter_context(mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ))
                        if size else b"")
        old, new = maps
        named = {g for g, _ in index if g is not None}
        o = n = 0
        for graph, length in index:
            if graph is None:
                break
            block = new[n:n + length]
            n += length
            got = _head(old, o)
            while got is not None and got != graph and got not in named:  # a paper gone
                end = _run_end(old, o, got)
                out.deleted.append(old[o:end])
                out.changed_partitions += 1
                o, got = end, _head(old, end)
            if got != graph:  # an old paper still in the corpus comes later: this one is new
                out.added.append(block)
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
            out.deleted.append(old[o:end])
            out.changed_partitions += 1
            o = end
        _default_diff(old, o, new, n, out)  # type: ignore[arg-type]
    return out
