"""An add copies the live graph.ttl's Turtle of the paper partitions whose N-Quads are the
live ones (kg.export.turtle): its graph.ttl stays the full build's."""

from pathlib import Path
from typing import Any

import pytest

from kg.build import build
from kg.export.turtle import TURTLE_NAME
from kg.store.generation import resolve
from tests.test_store_update import LINKING, write_corpus

# (a partition whose bytes changed at the same length, not to be copied: the respelled
# repository of test_build_add_reuse.py, which compares graph.ttl with a full build)
MARK, EDIT = b"\ta kg:Evidence ;", b"\ta kg:EvidencZ ;"  # as long: the record still holds


@pytest.mark.slow  # three builds
def test_an_add_copies_the_live_turtle_and_equals_a_full_build(tmp_path: Path, nlp: Any) -> None:
    first, more = write_corpus(tmp_path / "first.jsonl", 40), write_corpus(tmp_path / "more.jsonl", 8, start=40)
    out, full = tmp_path / "out", tmp_path / "full"
    build([first], out, LINKING, progress=False, nlp=nlp)
    assert not (out / TURTLE_NAME).exists()  # the generation's own, not published at the top
    gen = resolve(out)
    assert gen is not None
    live = (gen.root / TURTLE_NAME).read_text().splitlines()
    assert len(live) == 41
    # every evidence of the live Turtle respelled by hand: what the add copies keeps it
    ttl = gen.root / "graph.ttl"
    data = ttl.read_bytes()
    assert EDIT not in data and data.count(MARK) > 40
    ttl.unlink()  # (hard-linked at the top)
    ttl.write_bytes(data.replace(MARK, EDIT))
    build([first, more], out, LINKING, progress=False, nlp=nlp)
    build([first, more], full, LINKING, progress=False, nlp=nlp)
    added, expected = (out / "graph.ttl").read_bytes(), (full / "graph.ttl").read_bytes()
    copied = added.count(EDIT)
    assert copied > data.count(MARK) // 2 and expected.count(EDIT) == 0
    assert added.count(MARK) > 0  # the new papers' partitions, serialised
    assert added.replace(EDIT, MARK) == expected
    assert (out / "graph.nq").read_bytes() == (full / "graph.nq").read_bytes()
    new, whole = resolve(out), resolve(full)
    assert new is not None and whole is not None
    assert (new.root / TURTLE_NAME).read_bytes() == (whole.root / TURTLE_NAME).read_bytes()
