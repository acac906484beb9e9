"""graph.ttl written run by run from graph.nq, the live build's Turtle copied for partitions
whose N-Quads are the live ones (kg.export.turtle): always the bytes pyoxigraph writes for
the whole file at once (the plain way, kept here as the oracle)."""

import io
import json
import shutil
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.export.turtle import (
    TURTLE_NAME,
    Live,
    Unusable,
    binding,
    read_live,
    write_record,
    write_turtle,
    write_turtle_export,
)
from kg.rdf.reuse import PARTS_NAME
from kg.rdf.vocab import PREFIXES
from kg.store.rdfio import serialize_nquads

KG = "https://w3id.org/kg/"
SUBJECTS = [f"<{KG}paper/{i}>" for i in range(4)] + [f"<{KG}evidence/{i}/x>" for i in range(3)] \
    + ["_:b1", "_:b2", "<http://example.org/other>"]
PREDICATES = ["<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>", f"<{KG}vocab#evidence>",
              "<http://purl.org/dc/terms/title>", "<http://www.w3.org/2004/02/skos/core#altLabel>",
              f"<{KG}vocab#confidence>"]
OBJECTS = [f"<{KG}vocab#Evidence>", f"<{KG}entity/method/a>", "_:b1", '"A title"@en',
           '"Ab \\"quoted\\"\\nline"', '"0.5"^^<http://www.w3.org/2001/XMLSchema#decimal>',
           '"3"^^<http://www.w3.org/2001/XMLSchema#integer>', '"true"^^<http://www.w3.org/2001/XMLSchema#boolean>',
           '"Zz"@en']

triples = st.lists(st.tuples(st.sampled_from(SUBJECTS), st.sampled_from(PREDICATES),
                             st.sampled_from(OBJECTS)), min_size=1, max_size=8)
# partitions in file order: (recorded as a paper partition?, triples); the graph of a
# partition is its own, or the default graph
partitions = st.lists(st.tuples(st.booleans(), st.booleans(), triples), min_size=1, max_size=8)
HELD = st.sampled_from([1 << 22, 300, 0])  # runs held in memory: all, the short ones, none
Parts = list[tuple[bool, bool, list[tuple[str, str, str]]]]


def _lines(spo: list[tuple[str, str, str]], graph: str | None) -> bytes:
    end = f" {graph} .\n" if graph else " .\n"
    return "".join(f"{s} {p} {o}{end}" for s, p, o in sorted(set(spo))).encode()


def _file(path: Path, parts: Parts,
          names: list[str] | None = None) -> list[tuple[str, int, int]]:
    """Write the N-Quads of ``parts`` to ``path`` and its partition record beside it; the
    recorded ``(pid, offset, length)``."""
    data, rows = b"", []
    for i, (paper, named, spo) in enumerate(parts):
        pid = names[i] if names else f"p{i}"
        chunk = _lines(spo, f"<{KG}graph/{pid}>" if named or paper else None)
        if paper:
            rows.append((pid, len(data), len(chunk)))
        data += chunk
    path.write_bytes(data)
    with open(path.parent / PARTS_NAME, "w") as f:
        f.write(json.dumps({"format": 2, "code": "c", "base_iri": KG, "size": len(data)}) + "\n")
        f.writelines(f"{pid}\tdigest\t{o}\t{n}\t0\t\t\n" for pid, o, n in rows)
    return rows


def _plain(path: Path) -> bytes:
    buf = io.BytesIO()
    serialize_nquads(path, buf, "turtle", dict(PREFIXES))
    return buf.getvalue()


def _runs_turtle(path: Path, rows: list[tuple[str, int, int]], live: Live | None = None,
                 held: int = 1 << 22) -> tuple[bytes, list[str], int]:
    buf = io.BytesIO()
    record, copied = write_turtle(path, buf, rows, dict(PREFIXES), live, held)
    return buf.getvalue(), record, copied


_SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@_SETTINGS
@given(parts=partitions, held=HELD)
def test_runs_joined_are_the_turtle_of_the_whole_file(tmp_path: Path, parts: Parts, held: int) -> None:
    nq = tmp_path / "graph.nq"
    rows = _file(nq, parts)
    data, record, copied = _runs_turtle(nq, rows, held=held)
    assert data == _plain(nq) and copied == 0
    # each recorded range holds the Turtle of its N-Quads alone, the prefixes left out
    nquads = nq.read_bytes()
    header = _plain_bytes(b"<urn:kg:s> <urn:kg:p> <urn:kg:o> .\n").split(b"<urn:kg:s>")[0]
    for line in record:
        pid, a, b, c, d = line.rstrip("\n").split("\t")
        alone = _plain_bytes(nquads[int(a):int(a) + int(b)])
        assert alone.startswith(header) and data[int(c):int(c) + int(d)] == alone[len(header):]


def _plain_bytes(data: bytes) -> bytes:
    buf = io.BytesIO()
    serialize_nquads(data, buf, "turtle", dict(PREFIXES))
    return buf.getvalue()


def _change(spo: list[tuple[str, str, str]], how: int) -> list[tuple[str, str, str]]:
    """``spo`` changed: 0 kept, 1 one object respelled in as many bytes, 2 a triple more."""
    if how == 1:
        s, p, o = spo[0]
        swap = {'"A title"@en': '"B title"@en', '"Zz"@en': '"Zy"@en'}
        return [(s, p, swap.get(o, '"Zz"@en' if o != '"Zz"@en' else '"Zy"@en'))] + spo[1:]
    if how == 2:
        return spo + [(SUBJECTS[0], PREDICATES[2], '"Added"@en')]
    return spo


def _live(tmp_path: Path, parts: Parts) -> tuple[Path, list[tuple[str, int, int]]]:
    live = tmp_path / "live"
    live.mkdir()
    nq = live / "graph.nq"
    rows = _file(nq, parts)
    data, record, _ = _runs_turtle(nq, rows)
    (live / "graph.ttl").write_bytes(data)
    write_record(live / TURTLE_NAME, record, nq, live / "graph.ttl", _binding())
    return nq, rows


def _binding() -> dict[str, object]:
    return binding({"code": "c", "base_iri": KG}, dict(PREFIXES))


@_SETTINGS
@given(parts=partitions, changes=st.lists(st.integers(0, 2), min_size=8, max_size=8),
       moved=st.booleans(), held=HELD)
def test_an_add_copies_the_live_turtle_of_unchanged_partitions_only(
        tmp_path: Path, parts: Parts, changes: list[int], moved: bool, held: int) -> None:
    for d in ("live", "new"):
        shutil.rmtree(tmp_path / d, ignore_errors=True)
    live_nq, _ = _live(tmp_path, parts)
    live = read_live(live_nq.parent / TURTLE_NAME, live_nq, live_nq.parent / "graph.ttl", _binding())
    assert live is not None
    # the next build: some partitions respelled (same length) or grown, maybe one more
    # partition first (every offset moves)
    new_parts = [(paper, named, _change(spo, how)) for (paper, named, spo), how in zip(parts, changes, strict=False)]
    names = [f"p{i}" for i in range(len(parts))]
    if moved:
        new_parts.insert(0, (True, True, [(SUBJECTS[3], PREDICATES[0], OBJECTS[0])]))
        names.insert(0, "new")
    (tmp_path / "new").mkdir()
    nq = tmp_path / "new" / "graph.nq"
    rows = _file(nq, new_parts, names)
    data, record, copied = _runs_turtle(nq, rows, live, held)
    assert data == _plain(nq)
    # as many copied as recorded partitions whose bytes are the live ones and that are runs
    # of their own in both files (the record of the plain way says which)
    _, plain_record, _ = _runs_turtle(nq, rows)
    assert record == plain_record
    same = {line.split("\t")[0] for line in plain_record
            if int(line.split("\t")[2]) <= held  # (a run streamed is serialised)
            and (row := live.rows.get(line.split("\t")[0])) is not None
            and live_nq.read_bytes()[row[0]:row[0] + row[1]]
            == nq.read_bytes()[int(line.split("\t")[1]):][:int(line.split("\t")[2])]}
    assert copied == len(same)


def test_unchanged_partitions_are_copied(tmp_path: Path) -> None:
    """The copy happens (not only the plain way behind it): a live Turtle changed by hand
    within a recorded range, at the same length, comes through."""
    parts = [(True, True, [(SUBJECTS[i], PREDICATES[2], '"A title"@en')]) for i in range(3)]
    live_nq, _ = _live(tmp_path, parts)
    ttl = live_nq.parent / "graph.ttl"
    ttl.write_bytes(ttl.read_bytes().replace(b'"A title"@en', b'"A tit1e"@en'))
    live = read_live(live_nq.parent / TURTLE_NAME, live_nq, ttl, _binding())
    assert live is not None and len(live.rows) == 3
    (tmp_path / "new").mkdir()
    nq = tmp_path / "new" / "graph.nq"
    rows = _file(nq, [parts[0], (True, True, [(SUBJECTS[1], PREDICATES[2], '"B title"@en')]), parts[2]])
    data, _, copied = _runs_turtle(nq, rows, live)
    assert copied == 2
    assert data.count(b'"A tit1e"@en') == 2 and data.count(b'"B title"@en') == 1


@_SETTINGS
@given(parts=partitions, row=st.integers(0, 7), field=st.integers(1, 4),
       delta=st.sampled_from([-2, -1, 1, 2, 1000]))
def test_a_damaged_record_never_gives_a_different_file(
        tmp_path: Path, parts: Parts, row: int, field: int, delta: int) -> None:
    for d in ("live", "new"):
        shutil.rmtree(tmp_path / d, ignore_errors=True)
    live_nq, _ = _live(tmp_path, parts)
    record = live_nq.parent / TURTLE_NAME
    original = record.read_text()
    lines = original.splitlines(keepends=True)
    if len(lines) > 1:
        at = 1 + row % (len(lines) - 1)
        cells = lines[at].rstrip("\n").split("\t")
        cells[field] = str(int(cells[field]) + delta)
        lines[at] = "\t".join(cells) + "\n"
    record.write_text("".join(lines))
    new = tmp_path / "new"
    new.mkdir()
    shutil.copy(live_nq, new / "graph.nq")
    shutil.copy(live_nq.parent / PARTS_NAME, new / PARTS_NAME)
    assert write_turtle_export(new / "graph.nq", new / "graph.ttl", live_nq)
    assert (new / "graph.ttl").read_bytes() == _plain(new / "graph.nq")
    # and the record written is the one of the plain way (the same files)
    assert (new / TURTLE_NAME).read_text() == original


def test_a_missing_or_foreign_record_means_the_whole_file(tmp_path: Path) -> None:
    parts = [(True, True, [(SUBJECTS[i], PREDICATES[2], '"A title"@en')]) for i in range(3)]
    live_nq, _ = _live(tmp_path, parts)
    ttl = live_nq.parent / "graph.ttl"
    record = live_nq.parent / TURTLE_NAME
    assert read_live(record, live_nq, ttl, _binding()) is not None
    assert read_live(record, live_nq, ttl, binding({"code": "other", "base_iri": KG}, dict(PREFIXES))) is None
    assert read_live(record, live_nq, ttl, binding({"code": "c", "base_iri": KG}, {"kg": KG})) is None
    ttl.write_bytes(ttl.read_bytes() + b"\n")  # not the file recorded
    assert read_live(record, live_nq, ttl, _binding()) is None
    assert read_live(tmp_path / "missing", live_nq, ttl, _binding()) is None
    record.write_text("{}\nnot a row\n")
    assert read_live(record, live_nq, ttl, _binding()) is None
    # no partition record beside the N-Quads, or one of another file: the caller writes in full
    new = tmp_path / "new"
    new.mkdir()
    (new / "graph.nq").write_bytes(live_nq.read_bytes())
    assert not write_turtle_export(new / "graph.nq", new / "graph.ttl", live_nq)
    (new / PARTS_NAME).write_text(json.dumps({"size": 1}) + "\n")
    assert not write_turtle_export(new / "graph.nq", new / "graph.ttl", live_nq)
    assert not (new / "graph.ttl").exists() and not (new / TURTLE_NAME).exists()


def test_a_partition_that_does_not_end_a_line_is_unusable(tmp_path: Path) -> None:
    import pytest

    nq = tmp_path / "graph.nq"
    rows = _file(nq, [(True, True, [(SUBJECTS[0], PREDICATES[2], '"A title"@en')])] * 2)
    with pytest.raises(Unusable):
        _runs_turtle(nq, [(rows[0][0], rows[0][1], rows[0][2] - 1)])
