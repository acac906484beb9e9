"""The Turtle export written run by run from the N-Quads, the live build's Turtle copied for
every paper partition whose N-Quads bytes are the live build's.

pyoxigraph's Turtle serialiser writes a triple knowing only the triple before it: the same
subject continues its group (``;``), another subject ends it (`` .``). So the Turtle of
consecutive runs of N-Quads lines, each serialised alone and joined (the ``@prefix`` header
once, at the top), is the Turtle of the whole file, as long as no subject runs across the
boundary of two runs. Paper partitions share no subject (:mod:`kg.rdf.reuse`), but the
default graph after them may start with a paper of theirs: runs are the recorded paper
partitions and what lies between them, joined where a subject crosses their boundary.

A build with a partition record (:data:`kg.rdf.reuse.PARTS_NAME`) beside its N-Quads writes
its Turtle so and records where each paper partition's Turtle and N-Quads are
(:data:`TURTLE_NAME`, a file of the generation not published at the top). The next build
copies the live Turtle of a partition whose N-Quads bytes it finds equal to the live ones
(compared byte for byte), written by the same code, serialiser and prefixes; it
serialises the rest. A record missing or not of the live files means serialising the
partitions all: never a different file.
"""

import io
import json
import os
from collections.abc import Iterator, Mapping
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

TURTLE_NAME = ".turtle.tsv"  # in the generation directory, next to its graph.nq
_FORMAT = 1


class Unusable(Exception):
    """What a file or record holds is not what this writer expects: write the Turtle in full."""


@dataclass(frozen=True)
class Live:
    """The live build's N-Quads and Turtle, and the paper partitions recorded in both:
    ``rows[pid] = (nquads offset, nquads length, turtle offset, turtle length)``."""

    nquads: Path
    turtle: Path
    rows: dict[str, tuple[int, int, int, int]]


def _serializer() -> str:
    import pyoxigraph

    return str(pyoxigraph.__version__)


def _header(prefixes: Mapping[str, str]) -> bytes:
    """The ``@prefix`` lines the serialiser writes before the first triple."""
    from kg.store.rdfio import serialize_nquads

    buf = io.BytesIO()
    serialize_nquads(b"<urn:kg:s> <urn:kg:p> <urn:kg:o> .\n", buf, "turtle", prefixes)
    data = buf.getvalue()
    return data[:data.index(b"<urn:kg:s>")]


def paper_ranges(parts: Path, nquads: Path) -> tuple[dict[str, object], list[tuple[str, int, int]]]:
    """The header and the ``(pid, offset, length)`` rows of the partition record ``parts`` of
    the N-Quads file ``nquads``, in file order; :class:`Unusable` when it is not of that file."""
    try:
        with open(parts, encoding="utf-8") as f:
            header = json.loads(f.readline())
            if not isinstance(header, dict) or header.get("size") != nquads.stat().st_size:
                raise Unusable(parts)
            rows = []
            end = 0
            for line in f:
                pid, _, offset, length = line.split("\t", 4)[:4]
                row = (pid, int(offset), int(length))
                if row[1] < end or row[2] <= 0:
                    raise Unusable(parts)
                end = row[1] + row[2]
                rows.append(row)
            if end > header["size"]:
                raise Unusable(parts)
            return header, rows
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise Unusable(parts) from e


def read_live(record: Path, nquads: Path, turtle: Path, binding: Mapping[str, object]) -> Live | None:
    """The live Turtle recorded in ``record`` for the files ``nquads`` and ``turtle``; None when
    the record is missing, unreadable, or not of these files or of ``binding`` (the code, base
    IRI, serialiser and prefixes of this build)."""
    try:
        with open(record, encoding="utf-8") as f:
            header = json.loads(f.readline())
            want = dict(binding) | {"nquads": nquads.name, "nquads_size": nquads.stat().st_size,
                                    "turtle": turtle.name, "turtle_size": turtle.stat().st_size}
            if not isinstance(header, dict) or header != want:
                return None
            rows: dict[str, tuple[int, int, int, int]] = {}
            end: tuple[int, int] | None = None
            for line in f:
                pid, a, b, c, d = line.rstrip("\n").split("\t")
                row = (int(a), int(b), int(c), int(d))
                if row[0] < 0 or row[1] <= 0 or row[2] <= 0 or row[3] <= 0 or pid in rows:
                    return None
                # runs tile both files in one order: a partition right after the one before
                # it in the N-Quads is right after it in the Turtle
                if end is not None and (row[0] < end[0] or row[2] < end[1]
                                        or (row[0] == end[0]) != (row[2] == end[1])):
                    return None
                end = (row[0] + row[1], row[2] + row[3])
                rows[pid] = row
            if end is not None and (end[0] > want["nquads_size"]  # type: ignore[operator]
                                    or end[1] > want["turtle_size"]):  # type: ignore[operator]
                return None
            return Live(nquads, turtle, rows)
    except (OSError, ValueError, TypeError):
        return None


def binding(parts_header: Mapping[str, object], prefixes: Mapping[str, str]) -> dict[str, object]:
    """What a Turtle record is bound to besides its files: the format, the code and base IRI
    of the partition record, the serialiser's version and the prefixes."""
    return {"format": _FORMAT, "code": parts_header.get("code"),
            "base_iri": parts_header.get("base_iri"), "serializer": _serializer(),
            "prefixes": [[k, v] for k, v in prefixes.items()]}


_HELD = 1 << 22  # a run longer than this is streamed from the file, not held in memory
_LINE = 1 << 16  # the longest first or last line of a streamed run looked for


def runs(fd: int, size: int, papers: list[tuple[str, int, int]], held: int = _HELD
         ) -> Iterator[tuple[str | None, int, int, bytes | None]]:
    """The runs of the N-Quads file open as ``fd`` (``size`` bytes): ``(pid, offset, length,
    data)``, ``pid`` the paper when the run is its partition alone (else None), ``data`` its
    bytes unless the run is longer than ``held`` (None: read as a stream). Every byte of the
    file is in one run; two runs never share a subject at their boundary."""
    pending: tuple[str | None, int, int, bytes | None] | None = None
    last = b""
    for pid, offset, length in _pieces(size, papers):
        data = _read(fd, length, offset) if length <= held else None
        first, end = _subjects(fd, offset, length, data)
        if pending is not None:
            if last == first:  # one subject across the boundary: one run
                _, at, n, kept = pending
                joined = kept + data if kept is not None and data is not None \
                    and n + length <= held else None
                pending, last = (None, at, n + length, joined), end
                continue
            yield pending
        pending, last = (pid, offset, length, data), end
    if pending is not None:
        yield pending


def _pieces(size: int, papers: list[tuple[str, int, int]]) -> Iterator[tuple[str | None, int, int]]:
    at = 0
    for pid, offset, length in [*papers, (None, size, 0)]:
        if offset > at:
            yield None, at, offset - at
        if length:
            yield pid, offset, length
        at = offset + length


def _read(fd: int, length: int, offset: int) -> bytes:
    data = os.pread(fd, length, offset)
    if len(data) != length:
        raise Unusable("a partition beyond the end of the file")
    return data


def _subjects(fd: int, offset: int, length: int, data: bytes | None) -> tuple[bytes, bytes]:
    """The subjects of the first and the last line of a piece of the file (whole lines)."""
    head = data if data is not None else _read(fd, min(length, _LINE), offset)
    tail = data if data is not None else _read(fd, min(length, _LINE), offset + length - min(length, _LINE))
    start = tail.rfind(b"\n", 0, len(tail) - 1) + 1
    if (not tail.endswith(b"\n") or (start == 0 and len(tail) < length)
            or head.find(b" ") < 0 or tail.find(b" ", start) < 0):
        raise Unusable("a partition that is not whole lines")
    return head[:head.find(b" ")], tail[start:tail.find(b" ", start)]


class _Region(io.RawIOBase):
    """``length`` bytes of the file open as ``fd`` from ``offset``, read as a stream."""

    def __init__(self, fd: int, offset: int, length: int) -> None:
        super().__init__()
        self._fd, self._at, self._left = fd, offset, length

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        data = os.pread(self._fd, min(len(b), self._left), self._at)
        b[:len(data)] = data
        self._at += len(data)
        self._left -= len(data)
        return len(data)


class _Body:
    """Where a run's Turtle goes: to ``out``, but for its first ``skip`` bytes (the
    ``@prefix`` header, kept in ``head`` to be checked)."""

    def __init__(self, out: IO[bytes], skip: int) -> None:
        self.out, self.skip = out, skip
        self.head = b""
        self.written = 0

    def write(self, data: bytes) -> int:
        n = len(data)
        if len(self.head) < self.skip:
            take = self.skip - len(self.head)
            self.head += bytes(data[:take])
            data = data[take:]
        if data:
            self.out.write(data)
            self.written += len(data)
        return n

    def flush(self) -> None:
        pass


def write_turtle(source: Path, out: IO[bytes], papers: list[tuple[str, int, int]],
                 prefixes: Mapping[str, str], live: Live | None = None,
                 held: int = _HELD) -> tuple[list[str], int]:
    """Write the Turtle of the N-Quads file ``source`` to ``out`` run by run (:func:`runs`;
    ``papers``: its paper partitions, :func:`paper_ranges`), copying the live Turtle of each
    paper partition whose N-Quads are the live ones (``live``; a run held in memory only,
    ``held``). Return the rows of its record (:func:`write_record`) and how many partitions
    were copied."""
    from kg.store.rdfio import serialize_nquads

    header = _header(prefixes)
    rows: list[str] = []
    copied = 0
    at = 0  # in the Turtle written
    with ExitStack() as stack:
        fd = stack.enter_context(open(source, "rb")).fileno()
        size = os.fstat(fd).st_size
        old = old_ttl = -1
        if live is not None:
            old = stack.enter_context(open(live.nquads, "rb")).fileno()
            old_ttl = stack.enter_context(open(live.turtle, "rb")).fileno()
        for pid, offset, length, data in runs(fd, size, papers, held):
            if at == 0:
                out.write(header)
                at = len(header)
            was = live.rows.get(pid) if live is not None and pid is not None else None
            if was is not None and data is not None and was[1] == length \
                    and _read(old, length, was[0]) == data:
                # what a run's Turtle is: whole statements, after the end of one
                body = _read(old_ttl, was[3] + 1, was[2] - 1)
                if body[:1] != b"\n" or not body.endswith(b" .\n"):
                    raise Unusable("the live Turtle record does not fit its file")
                out.write(memoryview(body)[1:])
                n = was[3]
                copied += 1
            else:
                sink = _Body(out, len(header))
                source_ = data if data is not None \
                    else io.BufferedReader(_Region(fd, offset, length), 1 << 20)
                serialize_nquads(source_, sink, "turtle", prefixes)  # type: ignore[arg-type]
                if sink.head != header:
                    raise Unusable("a run whose Turtle does not start with the prefixes")
                n = sink.written
            if pid is not None:
                rows.append(f"{pid}\t{offset}\t{length}\t{at}\t{n}\n")
            at += n
    return rows, copied


def write_record(path: Path, rows: list[str], nquads: Path, turtle: Path,
                 bind: Mapping[str, object]) -> None:
    """Write the Turtle record ``rows`` of the files ``nquads`` and ``turtle`` to ``path``."""
    from kg.fileio import atomic_write

    header = dict(bind) | {"nquads": nquads.name, "nquads_size": nquads.stat().st_size,
                           "turtle": turtle.name, "turtle_size": turtle.stat().st_size}
    with atomic_write(path, "w") as f:
        f.write(json.dumps(header, ensure_ascii=False) + "\n")
        f.writelines(rows)


def write_turtle_export(source: Path, path: Path, live_nquads: Path | None = None) -> bool:
    """Write the Turtle export ``path`` of the N-Quads file ``source`` run by run and record it
    (:data:`TURTLE_NAME` beside ``source``), copying what it can of the Turtle of the live
    build whose N-Quads are ``live_nquads``; False, nothing written, when ``source`` has no
    partition record to go by or ``path`` is not a plain file beside it (the caller writes
    the export in full)."""
    from kg.export.registry import GZ
    from kg.fileio import atomic_write
    from kg.rdf.reuse import PARTS_NAME
    from kg.rdf.vocab import PREFIXES

    if path.name.endswith(GZ) or path.parent != source.parent:
        return False
    prefixes = dict(PREFIXES)
    try:
        header, papers = paper_ranges(source.parent / PARTS_NAME, source)
        bind = binding(header, prefixes)
        live = None
        if live_nquads is not None:
            live = read_live(live_nquads.parent / TURTLE_NAME, live_nquads,
                             live_nquads.parent / path.name, bind)
        try:
            with atomic_write(path, "wb") as out:
                rows, _ = write_turtle(source, out, papers, prefixes, live)
        except Unusable:
            if live is None:
                raise
            with atomic_write(path, "wb") as out:  # the live record did not fit: copy nothing
                rows, _ = write_turtle(source, out, papers, prefixes)
    except Unusable:
        return False
    write_record(source.parent / TURTLE_NAME, rows, source, path, bind)
    return True
