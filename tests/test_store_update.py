"""A build on top of a live build updates a copy of its store with what changed
(kg.rdf.diff, kg.store.rdfio.copy_store/apply_nquads_diff): the result is the store and
graph.nq of a full build of the same papers, on real builds and real stores."""

import importlib.util
import json
import os
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from kg.build import build
from kg.rdf.diff import diff_nquads, graph_of
from kg.settings import Settings
from kg.store.embedded import dump_nquads, open_store, store_path
from kg.store.generation import reading, resolve
from kg.store.rdfio import apply_nquads_diff, load_nquads_file

ROOT = Path(__file__).resolve().parent.parent
LINKING = Settings(progress=False, link_max_df=1.0, link_min_weight=0.1)


def write_corpus(path: Path, papers: int, start: int = 0) -> Path:
    spec = importlib.util.spec_from_file_location("gen_corpus", ROOT / "bench" / "gen_corpus.py")
    assert spec is not None and spec.loader is not None
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    with open(path, "w", encoding="utf-8") as f:
        gen.write(gen.generate(papers, seed=0, start=start, pool=40), f)
    return path


def sorted_store(out: Path) -> list[bytes]:
    store = open_store(store_path(out), read_only=True)
    try:
        return sorted(dump_nquads(store).splitlines())
    finally:
        del store


def sst_inodes(store: Path) -> set[int]:
    return {p.stat().st_ino for p in store.iterdir() if p.suffix == ".sst"}


# ---------------------------------------------------------------- the diff of two files

def _index(text: bytes) -> list[tuple[bytes | None, int]]:
    """The partitions of a hand-written file: a run of lines of one graph (default: one run)."""
    out: list[tuple[bytes | None, int]] = []
    for line in text.splitlines(keepends=True):
        g = graph_of(line)
        if out and out[-1][0] == g:
            out[-1] = (g, out[-1][1] + len(line))
        else:
            out.append((g, len(line)))
    return out


def _q(s: str, o: str, g: str | None = None) -> str:
    return f"<http://e/{s}> <http://e/p> {o}{f' <http://e/graph/{g}>' if g else ''} .\n"


OLD = "".join([_q("a", '"one"', "a"), _q("a", '"two <x> y"@en', "a"),  # a changes
               _q("b", "<http://e/o>", "b"),  # b stays
               _q("c", '"gone"', "c"),  # c is removed
               _q("d", '"three"', "d"),  # d stays, after a new paper
               _q("e", '"default 1"'), _q("f", '"x y"^^<http://e/t>'), _q("g", "<http://e/o>")])
NEW = "".join([_q("a", '"one"', "a"), _q("a", '"changed"', "a"),
               _q("b", "<http://e/o>", "b"),
               _q("bb", '"new paper"', "bb"),
               _q("d", '"three"', "d"),
               _q("z", '"new at the end"', "z"),
               _q("g", "<http://e/o>"), _q("e", '"default 1"'), _q("h", '"new default"')])


def test_the_diff_applied_to_the_old_store_gives_the_new_one(tmp_path: Path) -> None:
    old, new = tmp_path / "old.nq", tmp_path / "new.nq"
    old.write_text(OLD)
    new.write_text(NEW)
    diff = diff_nquads(old, new, _index(NEW.encode()))
    assert diff is not None
    assert diff.same_partitions == 2  # b and d
    assert diff.lines == (3, 4)  # a's old line, c, f; a's new line, bb, z, h
    store = ox.Store()
    load_nquads_file(store, old)
    assert apply_nquads_diff(store, diff.deleted, diff.added) == len(NEW.splitlines())
    expected = ox.Store()
    load_nquads_file(expected, new)
    assert sorted(dump_nquads(store).splitlines()) == sorted(dump_nquads(expected).splitlines())


def test_the_same_file_gives_no_change(tmp_path: Path) -> None:
    path = tmp_path / "same.nq"
    path.write_text(NEW)
    diff = diff_nquads(path, path, _index(NEW.encode()))
    assert diff is not None
    assert diff.lines == (0, 0) and diff.changed_partitions == 0


def test_papers_in_another_order_still_give_the_new_set(tmp_path: Path) -> None:
    old, new = tmp_path / "old.nq", tmp_path / "new.nq"
    old.write_text("".join([_q("b", '"b"', "b"), _q("a", '"a"', "a"), _q("e", '"d"')]))
    new.write_text(text := "".join([_q("a", '"a2"', "a"), _q("b", '"b"', "b"), _q("e", '"d"')]))
    diff = diff_nquads(old, new, _index(text.encode()))
    assert diff is not None
    store = ox.Store()
    load_nquads_file(store, old)
    apply_nquads_diff(store, diff.deleted, diff.added)
    assert sorted(dump_nquads(store).splitlines()) == sorted(text.encode().splitlines())


# ---------------------------------------------------------------- real builds

@pytest.fixture(scope="module")
def corpora(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    d = tmp_path_factory.mktemp("update")
    return write_corpus(d / "first.jsonl", 40), write_corpus(d / "more.jsonl", 8, start=40)


@pytest.mark.slow  # three builds
def test_adding_papers_updates_a_copy_of_the_store_to_what_a_full_build_makes(
        corpora: tuple[Path, Path], tmp_path: Path, nlp: Any) -> None:
    first, more = corpora
    out = tmp_path / "out"
    build([first], out, LINKING, progress=False, nlp=nlp)
    with reading(out) as gen:  # held: the first generation stays for the comparison below
        before = sst_inodes(gen.store)
        size_before = len(sorted_store(out))
        s = build([first, more], out, LINKING, progress=False, nlp=nlp)
        assert s.papers_new == 8
        assert sst_inodes(store_path(out)) & before  # a copy sharing the live store's files
        assert len(sorted_store(gen.root)) == size_before  # the live store was not written
    full = tmp_path / "full"
    f = build([first, more], full, LINKING, progress=False, nlp=nlp)
    assert (out / "graph.nq").read_bytes() == (full / "graph.nq").read_bytes()
    assert sorted_store(out) == sorted_store(full)
    assert s.triples == f.triples == len(sorted_store(full))
    assert (out / "void.ttl").read_bytes() == (full / "void.ttl").read_bytes()


@pytest.mark.slow  # three builds
def test_removing_and_changing_papers_gives_the_store_of_a_full_build(
        corpora: tuple[Path, Path], tmp_path: Path, nlp: Any) -> None:
    first, more = corpora
    out = tmp_path / "out"
    build([first, more], out, LINKING, progress=False, nlp=nlp)
    records = [json.loads(line) for line in first.read_text().splitlines()]
    ids = [r["id"] for r in records]
    once = next(i for i, r in enumerate(records) if ids.count(r["id"]) == 1)
    records[once]["abstract"] += " We also propose a new benchmark."
    changed = tmp_path / "changed.jsonl"
    changed.write_text("".join(json.dumps(r) + "\n" for r in records))
    s = build([changed], out, LINKING, progress=False, nlp=nlp, prune=True)  # more.jsonl's go
    assert s.papers_removed == 8 and s.papers_updated == 1
    full = tmp_path / "full"
    build([changed], full, LINKING, progress=False, nlp=nlp)
    assert (out / "graph.nq").read_bytes() == (full / "graph.nq").read_bytes()
    assert sorted_store(out) == sorted_store(full)


@pytest.mark.slow  # two builds
def test_without_a_plain_nquads_export_the_store_is_loaded_in_full(
        corpora: tuple[Path, Path], tmp_path: Path, nlp: Any) -> None:
    first, more = corpora
    settings = LINKING.with_(exports=(("graph.nq.gz", "nquads"),))
    out = tmp_path / "out"
    build([first], out, settings, progress=False, nlp=nlp)
    with reading(out) as gen:  # held, so that no inode of its files is used again meanwhile
        before = sst_inodes(gen.store)
        build([first, more], out, settings, progress=False, nlp=nlp)
        assert not sst_inodes(store_path(out)) & before
    full = tmp_path / "full"
    build([first, more], full, settings, progress=False, nlp=nlp)
    assert sorted_store(out) == sorted_store(full)
    assert not os.path.exists(out / "graph.nq")


@pytest.mark.slow  # three builds
def test_a_live_graph_nq_that_is_not_its_store_gives_a_full_load(
        corpora: tuple[Path, Path], tmp_path: Path, nlp: Any) -> None:
    first, more = corpora
    out = tmp_path / "out"
    build([first], out, LINKING, progress=False, nlp=nlp)
    with reading(out) as gen:
        lines = (gen.root / "graph.nq").read_bytes().splitlines(keepends=True)
        # a quad the store has and the file no longer says: a link's weight, which changes
        # when papers come (idf), so the next build's file does not have it either
        gone = next(line for line in lines if b"vocab#weight>" in line)
        (gen.root / "graph.nq").write_bytes(b"".join(x for x in lines if x != gone))
        before = sst_inodes(gen.store)
        build([first, more], out, LINKING, progress=False, nlp=nlp)
        assert not sst_inodes(store_path(out)) & before  # loaded anew, not updated
    full = tmp_path / "full"
    build([first, more], full, LINKING, progress=False, nlp=nlp)
    assert gone not in (full / "graph.nq").read_bytes()
    assert sorted_store(out) == sorted_store(full)


@pytest.mark.slow  # three builds
def test_an_untouched_live_store_is_not_counted_again_and_a_written_one_is(
        corpora: tuple[Path, Path], tmp_path: Path, nlp: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The record of the store's files beside it (kg.build.stages.STORE_FILES) spares an add
    the count of its updated copy while the live store is as its build left it (read-only
    queries do not change it); a store written since, its graph.nq untouched, is counted, found
    not to be what graph.nq says, and loaded in full."""
    import kg.build.stages
    from kg.build.stages import STORE_FILES

    first, more = corpora
    out = tmp_path / "out"
    build([first], out, LINKING, progress=False, nlp=nlp)
    gen = resolve(out)
    assert gen is not None and (gen.root / STORE_FILES).is_file()
    sorted_store(out)  # a reader's query: read-only, the files stay as they were
    seen: list[bool] = []
    real = kg.build.stages._untouched

    def told(store: Path, nquads: Path) -> bool:
        seen.append(real(store, nquads))
        return seen[-1]

    monkeypatch.setattr(kg.build.stages, "_untouched", told)
    s = build([first, more], out, LINKING, progress=False, nlp=nlp)
    assert seen == [True]
    full = tmp_path / "full"
    f = build([first, more], full, LINKING, progress=False, nlp=nlp)
    assert sorted_store(out) == sorted_store(full) and s.triples == f.triples

    # a quad written into the live store by hand: its files change, graph.nq does not
    extra = ox.Quad(ox.NamedNode("https://example.org/by-hand"), ox.NamedNode("https://example.org/p"),
                    ox.Literal("x"))
    with reading(out) as gen:
        store = open_store(gen.store)
        store.add(extra)
        store.flush()
        del store
        import gc

        gc.collect()
        monkeypatch.setattr(kg.build.stages, "_untouched", told)
        more2 = write_corpus(tmp_path / "more2.jsonl", 2, start=48)
        before = sst_inodes(gen.store)
        build([first, more, more2], out, LINKING, progress=False, nlp=nlp)
        assert seen[-1] is False
        assert not sst_inodes(store_path(out)) & before  # counted, found wrong, loaded anew
    assert extra.subject.value.encode() not in b"".join(sorted_store(out))
    build([first, more, more2], full, LINKING, progress=False, nlp=nlp)
    assert sorted_store(out) == sorted_store(full)
