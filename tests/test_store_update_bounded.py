"""The store update's diff in bounded memory (kg.rdf.diff): the default graph compared by a
merge of the two files a block at a time, the pages walked let go, a diff past its bound
given up (None) and the store then loaded in full; on real files, stores and builds."""

import random
import re
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from test_store_update import _index, sorted_store, sst_inodes, write_corpus

import kg.rdf.diff
from kg.build import build
from kg.rdf.diff import _Walk, diff_nquads
from kg.settings import Settings
from kg.store.embedded import dump_nquads, open_store, store_path
from kg.store.generation import reading
from kg.store.rdfio import apply_nquads_diff, load_nquads_file

LINKING = Settings(progress=False, link_max_df=1.0, link_min_weight=0.1)


def _line(s: int, o: str, g: str | None = None) -> str:
    return f"<http://e/s{s}> <http://e/p> {o}{f' <http://e/graph/{g}>' if g else ''} .\n"


def _files(tmp_path: Path, seed: int) -> tuple[Path, Path, str, str]:
    """Two files as kg writes them: paper graphs, then a default graph of 3,000 lines, of
    which the second changes some, drops some, adds some and moves runs of them elsewhere."""
    rng = random.Random(seed)
    papers = "".join(_line(i, f'"t{i}"', f"p{i:03}") for i in range(20))
    default = [_line(i, f'"{i} x y"@en' if i % 3 else f"<http://e/o{i}>") for i in range(3000)]
    new = [line.replace('"@en', ' changed"@en') if rng.random() < 0.05 else line
           for line in default if rng.random() > 0.03]
    new += [_line(5000 + i, f'"added {i}"') for i in range(60)]
    cut = rng.randrange(500, 2500)
    new = new[cut:cut + 400] + new[:cut] + new[cut + 400:]  # a run of lines moved to the front
    old_text, new_text = papers + "".join(default), papers + "".join(new)
    old, new_path = tmp_path / "old.nq", tmp_path / "new.nq"
    old.write_text(old_text)
    new_path.write_text(new_text)
    return old, new_path, old_text, new_text


@pytest.mark.parametrize("block", [64, 1000, 1 << 22])
@pytest.mark.parametrize("seed", [1, 2])
def test_the_merged_default_graph_gives_the_exact_difference(tmp_path: Path, block: int, seed: int,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(kg.rdf.diff, "_BLOCK", block)  # small blocks: lines met many blocks apart
    old, new, old_text, new_text = _files(tmp_path, seed)
    diff = diff_nquads(old, new, _index(new_text.encode()))
    assert diff is not None
    a, b = set(old_text.encode().splitlines(keepends=True)), set(new_text.encode().splitlines(keepends=True))
    assert sorted(b"".join(diff.deleted).splitlines(keepends=True)) == sorted(a - b)
    assert sorted(b"".join(diff.added).splitlines(keepends=True)) == sorted(b - a)
    store = ox.Store()
    load_nquads_file(store, old)
    assert apply_nquads_diff(store, diff.deleted, diff.added) == len(b)
    assert sorted(dump_nquads(store).splitlines(keepends=True)) == sorted(b)


def test_a_diff_past_its_bound_is_given_up(tmp_path: Path) -> None:
    old, new, old_text, new_text = _files(tmp_path, 3)
    index = _index(new_text.encode())
    found = diff_nquads(old, new, index)
    assert found is not None
    size = sum(map(len, found.deleted + found.added))
    assert diff_nquads(old, new, index, bound=size // 2) is None
    assert diff_nquads(old, new, index, bound=size * 4) is not None
    # what the diff found, with each line's cost, is what it holds at the end
    assert diff_nquads(old, new, index, bound=found.held - 1) is None


def _mapped_rss_kib(path: Path) -> int:
    """The resident size (KiB) of this process's mappings of ``path`` (/proc/self/smaps)."""
    total, inside = 0, False
    for line in Path("/proc/self/smaps").read_text().splitlines():
        if re.match(r"[0-9a-f]+-[0-9a-f]+ ", line):
            inside = line.rstrip().endswith(str(path))
        elif inside and line.startswith("Rss:"):
            total += int(line.split()[1])
    return total


@pytest.mark.skipif(not Path("/proc/self/smaps").exists(), reason="needs /proc/self/smaps (Linux)")
def test_the_pages_walked_are_let_go(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import mmap

    monkeypatch.setattr(kg.rdf.diff, "_RELEASE", 1 << 20)
    monkeypatch.setattr(kg.rdf.diff, "_BLOCK", 1 << 18)
    path = tmp_path / "big.nq"
    path.write_bytes(b"".join(_line(i, f'"{i:060}"').encode() for i in range(400_000)))  # ~38 MiB
    with open(path, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as mm:
        walk = _Walk(mm)
        lines = 0
        for block in walk.blocks(0):
            lines += block.count(b"\n")
            # never more than a few MiB of it resident (the kernel maps 2 MiB at a time here)
            assert _mapped_rss_kib(path) < 8 << 10
        assert lines == 400_000
        held = _Walk(mm)  # the same walk without letting go: the whole file resident
        held.release = lambda upto: None  # type: ignore[method-assign]
        for _ in held.blocks(0):
            pass
        assert _mapped_rss_kib(path) > 30 << 10


@pytest.mark.slow  # three builds
def test_a_difference_too_large_loads_the_store_in_full_as_a_full_build_does(
        tmp_path: Path, nlp: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    first = write_corpus(tmp_path / "first.jsonl", 40)
    more = write_corpus(tmp_path / "more.jsonl", 8, start=40)
    out = tmp_path / "out"
    build([first], out, LINKING, progress=False, nlp=nlp)
    monkeypatch.setattr(kg.rdf.diff, "DIFF_BOUND", 1000)  # 8 papers more are more than that
    with reading(out) as gen:
        before = sst_inodes(gen.store)
        s = build([first, more], out, LINKING, progress=False, nlp=nlp)
        assert not sst_inodes(store_path(out)) & before  # loaded anew, not a copy updated
    full = tmp_path / "full"
    f = build([first, more], full, LINKING, progress=False, nlp=nlp)
    assert (out / "graph.nq").read_bytes() == (full / "graph.nq").read_bytes()
    assert sorted_store(out) == sorted_store(full)
    assert s.triples == f.triples
    store = open_store(store_path(out), read_only=True)
    try:
        assert len(store) == f.triples
    finally:
        del store


def test_quads_added_in_many_blocks_are_all_loaded(tmp_path: Path) -> None:
    old, new, old_text, new_text = _files(tmp_path, 4)
    diff = diff_nquads(old, new, _index(new_text.encode()))
    assert diff is not None
    lines = b"".join(diff.added).splitlines(keepends=True)
    blocks = [b"".join(lines[i:i + 7]) for i in range(0, len(lines), 7)] + [b""]  # and an empty one
    store = open_store(tmp_path / "store")  # on disk, as a build's
    try:
        load_nquads_file(store, old)
        assert apply_nquads_diff(store, diff.deleted, blocks) == len(new_text.splitlines())
        assert sorted(dump_nquads(store).splitlines(keepends=True)) == sorted(
            set(new_text.encode().splitlines(keepends=True)))
    finally:
        del store
