"""A build given the live build's input files and more after them reads only the files after
them (kg.build.reread): its outputs are those of a full build of the same inputs, and every
file is read when the new ones meet the old ones (a shared arXiv id or title)."""

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_store_update import write_corpus

import kg.build.run
from kg.build import build
from kg.build.reread import READ_NAME, Prior, combine, read_prior, write_prior
from kg.keys import paper_id
from kg.records import Paper, Source
from kg.settings import Settings
from kg.sources.merge import SeenKeys, merge_papers
from kg.store.generation import resolve

LINKING = Settings(progress=False, link_max_df=1.0, link_min_weight=0.1)


# ---------------------------------------------------------------- the merge of two batches

def _sighting(title: str, arxiv: str | None, n: int) -> Paper:
    return Paper(id=paper_id(title, arxiv), title=title, abstract=f"abs {n % 3}", arxiv_id=arxiv,
                 upvotes=n, sources=(Source(f"f{n}", "jsonl", 1),))


_SIGHTINGS = st.lists(st.tuples(st.sampled_from(["Deep Nets", "deep nets!", "Wide Nets", "Tall Nets", "X"]),
                                st.sampled_from([None, None, "2001.00001", "2001.00002", "2001.00003"])),
                      max_size=8)


@settings(max_examples=400, deadline=None)
@given(_SIGHTINGS, _SIGHTINGS)
def test_batches_whose_keys_do_not_meet_merge_apart(first: list[Any], then: list[Any]) -> None:
    a = [_sighting(t, x, i) for i, (t, x) in enumerate(first)]
    b = [_sighting(t, x, 100 + i) for i, (t, x) in enumerate(then)]
    ka, kb = SeenKeys(), SeenKeys()
    apart = list(merge_papers(a, ka)) + list(merge_papers(b, kb))
    together = list(merge_papers(a + b))
    k = SeenKeys()
    assert list(merge_papers(a + b, k)) == together
    assert k.titles == ka.titles | kb.titles and k.arxiv == ka.arxiv | kb.arxiv
    if not ka.meets(kb):
        assert together == apart
        assert k == ka | kb  # what the record of the two batches holds


def test_combine_refuses_batches_that_meet_or_share_an_id() -> None:
    old = {p.id: p for p in (_sighting("Deep Nets", "2001.00001", 1), _sighting("Wide Nets", None, 2))}
    prior = Prior("key", tuple(old), SeenKeys({"deep nets", "wide nets"}, {"2001.00001"},
                                              loose={"wide nets"}, bare={"wide nets"}))
    new = _sighting("Tall Nets", None, 3)
    tall = SeenKeys({"tall nets"}, loose={"tall nets"}, bare={"tall nets"})
    read = combine(prior, old, {new.id: new}, tall)
    assert read is not None and list(read) == [*old, new.id] and read[new.id] is new
    assert combine(prior, old, {new.id: new}, tall | SeenKeys(arxiv={"2001.00001"})) is None
    assert combine(prior, old, {new.id: new}, SeenKeys({"wide nets"}, loose={"wide nets"})) is None
    # a title of the old batch with another arXiv id joins nothing, unless its group has no id
    assert combine(prior, old, {new.id: new}, SeenKeys({"deep nets"}, {"2001.00009"})) is not None
    assert combine(prior, old, {new.id: new}, SeenKeys({"wide nets"}, {"2001.00009"})) is None
    assert combine(prior, old, {next(iter(old)): new}, tall) is None
    assert combine(prior, {}, {new.id: new}, tall) is None  # a paper not in the state


def test_the_record_reads_back_for_its_key_only(tmp_path: Path) -> None:
    path = tmp_path / READ_NAME
    prior = Prior("k1", ("arxiv:1", "title:2"), SeenKeys({"b", "a"}, {"1"}, {"b"}, {"b"}))
    write_prior(path, prior)
    assert read_prior(path, "k1") == prior
    assert read_prior(path, "k2") is None
    path.write_text('{"format": 1, "inputs_key": "k1", "ids": [1]}\n')
    assert read_prior(path, "k1") is None
    assert read_prior(tmp_path / "missing", "k1") is None


# ---------------------------------------------------------------- real builds

class Reads:
    """The inputs each build parses (kg.build.run.read_inputs, the real one)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls: list[list[str]] = []
        real = kg.build.run.read_inputs

        def spy(inputs: Any, *args: Any, **kw: Any) -> Any:
            self.calls.append([Path(p).name for p in inputs])
            return real(inputs, *args, **kw)

        monkeypatch.setattr(kg.build.run, "read_inputs", spy)


def _outputs(out: Path) -> dict[str, bytes]:
    """Every published file of a build but build.json (its timings), by name."""
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and not p.relative_to(out).parts[0].startswith(".")
            and p.parts[-1] != "build.json" and "store" not in p.relative_to(out).parts}


def _record(out: Path) -> bytes:
    gen = resolve(out)
    assert gen is not None
    return (gen.root / READ_NAME).read_bytes()


def _same_as_full(out: Path, full: Path) -> None:
    mine, theirs = _outputs(out), _outputs(full)
    assert sorted(mine) == sorted(theirs)
    for name in mine:
        assert mine[name] == theirs[name], name


def _write(path: Path, records: list[dict[str, Any]]) -> Path:
    with open(path, "w", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps(r) + "\n")
    return path


@pytest.fixture(scope="module")
def corpora(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    d = tmp_path_factory.mktemp("reread")
    return (write_corpus(d / "a.jsonl", 12), write_corpus(d / "b.jsonl", 3, start=12),
            write_corpus(d / "c.jsonl", 3, start=15))


@pytest.mark.slow  # three builds
def test_an_add_reads_only_the_new_file_and_equals_a_full_build(
        corpora: tuple[Path, Path, Path], tmp_path: Path, nlp: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    a, b, c = corpora
    out, full = tmp_path / "out", tmp_path / "full"
    build([a, b], out, LINKING, progress=False, nlp=nlp)
    assert not (out / READ_NAME).exists()  # the generation's own, not published at the top
    reads = Reads(monkeypatch)
    build([a, b, c], out, LINKING, progress=False, nlp=nlp)
    assert reads.calls == [["c.jsonl"]]
    build([a, b, c], full, LINKING, progress=False, nlp=nlp)
    assert reads.calls[-1] == ["a.jsonl", "b.jsonl", "c.jsonl"]
    _same_as_full(out, full)
    assert _record(out) == _record(full)  # and the next add can do the same


@pytest.mark.slow  # two builds, three times
@pytest.mark.parametrize(("meeting", "reads_all"), [
    ({"title": "A new title for an old paper", "abstract": "Seen again.", "arxiv_id": "OLD"}, True),
    ({"title": "OLD TITLE", "abstract": "The same title, read again with no id."}, True),
    ({"title": "OLD TITLE", "abstract": "Another paper of that title.", "arxiv_id": "2999.00001"}, False),
])
def test_a_new_file_that_meets_an_old_paper_has_every_file_read(
        corpora: tuple[Path, Path, Path], tmp_path: Path, nlp: Any, monkeypatch: pytest.MonkeyPatch,
        meeting: dict[str, Any], reads_all: bool) -> None:
    a, _, _ = corpora
    old = json.loads(a.read_text().splitlines()[3])
    old_id = old.get("arxiv_id") or old.get("id")
    assert old_id, old
    if meeting.get("arxiv_id") == "OLD":
        meeting = {**meeting, "arxiv_id": old_id}
    else:
        meeting = {**meeting, "title": old["title"].upper()}
    c = _write(tmp_path / "c.jsonl", [meeting, {"title": "Quite Unrelated Work", "abstract": "Other."}])
    out, full = tmp_path / "out", tmp_path / "full"
    build([a], out, LINKING, progress=False, nlp=nlp)
    reads = Reads(monkeypatch)
    build([a, c], out, LINKING, progress=False, nlp=nlp)
    # tried, then every file; or the new file alone (a title of two arXiv ids: two papers)
    assert reads.calls == ([["c.jsonl"], ["a.jsonl", "c.jsonl"]] if reads_all else [["c.jsonl"]])
    build([a, c], full, LINKING, progress=False, nlp=nlp)
    _same_as_full(out, full)


@pytest.mark.slow  # three builds
def test_a_changed_old_file_is_read_in_full(
        corpora: tuple[Path, Path, Path], tmp_path: Path, nlp: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    a, b, c = corpora
    a2 = tmp_path / "a.jsonl"
    out, full = tmp_path / "out", tmp_path / "full"
    a2.write_bytes(a.read_bytes())
    build([a2, b], out, LINKING, progress=False, nlp=nlp)
    lines = a2.read_text().splitlines()
    changed = json.loads(lines[0]) | {"abstract": "A changed abstract about ImageNet."}
    a2.write_text("\n".join([json.dumps(changed), *lines[1:]]) + "\n")
    reads = Reads(monkeypatch)
    build([a2, b, c], out, LINKING, progress=False, nlp=nlp)
    assert reads.calls == [["a.jsonl", "b.jsonl", "c.jsonl"]]
    build([a2, b, c], full, LINKING, progress=False, nlp=nlp)
    _same_as_full(out, full)
