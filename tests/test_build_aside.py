"""An add's second core (kg.build.aside): its child finds the links, then writes the non-RDF
exports from the last while the build writes them from the first (kg.build.exports.Claims),
and the outputs are a full build's. Real builds, real processes."""

import os
import time
from pathlib import Path
from typing import Any

import pytest
from test_store_update import write_corpus

import kg.export.registry
from kg.build import build
from kg.build.exports import Claims
from kg.settings import Settings

LINKING = Settings(progress=False, link_max_df=1.0, link_min_weight=0.1)
NAMES = [f"export-{i}" for i in range(40)]


def test_two_processes_claiming_from_both_ends_take_each_name_once(tmp_path: Path) -> None:
    claims = Claims(tmp_path / "claims")
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: from the last, as kg.build.aside's child does
        code = 1
        try:
            os.close(read)
            taken = []
            for name in NAMES[::-1]:
                if not claims.take(name):
                    break
                taken.append(name)
                time.sleep(0.001)
            os.write(write, "\n".join(taken).encode())
            code = 0
        finally:
            os._exit(code)
    os.close(write)
    mine = []
    for name in NAMES:
        if not claims.take(name):
            break
        mine.append(name)
        time.sleep(0.001)
    with os.fdopen(read, "rb") as f:
        theirs = [n for n in f.read().decode().split("\n") if n]
    os.waitpid(pid, 0)
    assert sorted(mine + theirs) == sorted(NAMES)  # each once, by one of the two
    assert mine == NAMES[:len(mine)] and theirs == NAMES[::-1][:len(theirs)]  # each from its end
    assert sorted(p.name for p in claims.folder.iterdir()) == sorted(NAMES)
    claims.held.add("held")
    assert claims.take("held") and not (claims.folder / "held").exists()
    claims.remove()
    assert not claims.folder.exists()


@pytest.fixture(scope="module")
def corpora(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    d = tmp_path_factory.mktemp("aside")
    return write_corpus(d / "first.jsonl", 30), write_corpus(d / "more.jsonl", 6, start=30)


def _files(out: Path) -> dict[str, bytes]:
    """Every export file of a build, by name (the tables' files too)."""
    names = ["graph.nq", "graph.ttl", "void.ttl", "graph.graphml", "graph.html", "report.html"]
    found = {name: (out / name).read_bytes() for name in names}
    found.update({f"tables/{p.name}": p.read_bytes() for p in sorted((out / "tables").iterdir())})
    return found


@pytest.mark.slow  # three builds
def test_the_build_and_its_child_share_the_exports_and_they_are_a_full_builds(
        corpora: tuple[Path, Path], tmp_path: Path, nlp: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    first, more = corpora
    out = tmp_path / "out"
    build([first], out, LINKING, progress=False, nlp=nlp)
    log = tmp_path / "written-by"
    parent = os.getpid()
    real = kg.export.registry.write_export

    def logged(corpus: Any, name: str, *args: Any, **kw: Any) -> Any:
        if os.getpid() != parent and name == "report":
            # the child's first: held until the build has written the others (or a minute)
            end = time.monotonic() + 60
            while f"{parent} html" not in (log.read_text() if log.exists() else "") \
                    and time.monotonic() < end:
                time.sleep(0.05)
        result = real(corpus, name, *args, **kw)
        with open(log, "a") as f:
            f.write(f"{os.getpid()} {name}\n")
        return result

    monkeypatch.setattr(kg.export.registry, "write_export", logged)
    build([first, more], out, LINKING, progress=False, nlp=nlp)
    monkeypatch.undo()
    written = [line.split() for line in log.read_text().splitlines()]
    assert sorted(name for _, name in written) == ["csv", "graphml", "html", "report"]  # each once
    assert {name for pid, name in written if int(pid) == parent} == {"csv", "graphml", "html"}
    assert not any(p.name in (".claims", ".links.pickle") for p in out.rglob(".*"))
    full = tmp_path / "full"
    build([first, more], full, LINKING, progress=False, nlp=nlp)
    got, want = _files(out), _files(full)
    assert sorted(got) == sorted(want)
    for name in want:
        assert got[name] == want[name], name


@pytest.mark.slow  # two builds
def test_the_links_text_index_is_made_once_by_the_state_child(
        corpora: tuple[Path, Path], tmp_path: Path, nlp: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """kg.build.aside.TextsAhead: in a full build and in an add the text index is made by the
    child that writes the state files, and the links are found with it, not with one made again."""
    import kg.resolve.links
    from kg.build.aside import TEXTS_NAME

    first, more = corpora
    log = tmp_path / "made-by"
    real = kg.resolve.links.text_index_of

    def logged(*args: Any, **kw: Any) -> Any:
        with open(log, "a") as f:
            f.write(f"{os.getpid()}\n")
        return real(*args, **kw)

    monkeypatch.setattr(kg.resolve.links, "text_index_of", logged)
    out = tmp_path / "out"
    full = build([first], out, LINKING, progress=False, nlp=nlp)
    add = build([first, more], out, LINKING, progress=False, nlp=nlp)
    made_by = log.read_text().split()
    assert len(made_by) == 2 and str(os.getpid()) not in made_by  # once a build, in a child
    assert full.links > 0 and add.links > 0
    assert not any(p.name == TEXTS_NAME for p in out.rglob(".*"))


@pytest.mark.slow  # two builds
def test_a_text_index_that_cannot_be_handed_over_is_made_by_the_one_who_links(
        corpora: tuple[Path, Path], tmp_path: Path, nlp: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The state child cannot write the index (a full disk, here injected): nothing is handed
    over, the build makes the index itself, and its outputs are those of a build that could."""
    import kg.build.aside

    first, _ = corpora
    made = tmp_path / "made"
    build([first], made, LINKING, progress=False, nlp=nlp)

    def full_disk(*args: Any, **kw: Any) -> None:
        raise OSError(28, "No space left on device")  # fault injection, in the state child

    monkeypatch.setattr(kg.build.aside.pickle, "dump", full_disk)
    out = tmp_path / "out"
    build([first], out, LINKING, progress=False, nlp=nlp)
    monkeypatch.undo()
    assert (out / "graph.nq").read_bytes() == (made / "graph.nq").read_bytes()


@pytest.mark.slow  # two builds
def test_build_json_says_how_long_an_add_waited_for_its_links(
        corpora: tuple[Path, Path], tmp_path: Path, nlp: Any) -> None:
    import json

    first, more = corpora
    out = tmp_path / "out"
    full = build([first], out, LINKING, progress=False, nlp=nlp)
    assert "links_wait" not in full.timings  # found by the build itself
    add = build([first, more], out, LINKING, progress=False, nlp=nlp)
    waited = json.loads((out / "build.json").read_text())["timings"]["links_wait"]
    assert waited == add.timings["links_wait"] and 0 <= waited <= add.timings["rdf"]
