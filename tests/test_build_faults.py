"""Builds that die, get SIGTERM or swap under readers: the outputs always answer from one build.

The kill tests stop a real ``kg build`` process at the points kg.build.pause names
(``KG_BUILD_PAUSE``), then check that ``kg query`` and ``kg export`` agree on the
build they answer from and that the next build succeeds and leaves nothing behind.
"""

import contextlib
import importlib.util
import io
import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from kg.build import build
from kg.build.pause import POINTS
from kg.build.swap import LOCK_NAME
from kg.cli.main import main
from kg.errors import KGError
from kg.store.embedded import open_store, query_store
from kg.store.generation import reading, resolve

FIXTURES = Path(__file__).parent / "fixtures" / "store"
ROOT = Path(__file__).resolve().parent.parent
FIRST = ["arxiv:2401.00001", "arxiv:2401.00002"]  # the papers of first.jsonl
BOTH = [*FIRST, "arxiv:2401.00003"]  # and of second.jsonl
IDS = ("PREFIX dcterms: <http://purl.org/dc/terms/> SELECT ?id WHERE "
       "{ ?p a <https://schema.org/ScholarlyArticle> ; dcterms:identifier ?id } ORDER BY ?id")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, nlp: Any) -> Path:
    """An output directory built from first.jsonl, to copy for each test."""
    out = tmp_path_factory.mktemp("template") / "out"
    build([FIXTURES / "first.jsonl"], out, progress=False, nlp=nlp)
    return out


@pytest.fixture
def out(built: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "out"
    shutil.copytree(built, copy, symlinks=True)
    return copy


def answers(out: Path, tmp_path: Path) -> tuple[list[str], list[str]]:
    """The paper ids `kg query` and `kg export` give for ``out``."""
    target = tmp_path / "export.jsonl"
    text = io.StringIO()
    with contextlib.redirect_stdout(text):
        assert main(["query", IDS, "--store", str(out), "--format", "jsonl"]) == 0
    queried = [json.loads(line)["id"] for line in text.getvalue().splitlines()]
    assert main(["--no-progress", "export", "--store", str(out), "--format", "jsonl", "-o", str(target)]) == 0
    exported = sorted(json.loads(line)["id"] for line in target.read_text().splitlines())
    return queried, exported


def hidden(out: Path) -> list[str]:
    return sorted(p.name for p in out.iterdir() if p.name.startswith("."))


def assert_clean(out: Path) -> None:
    """Only the lock and the live generation are hidden; the files at the top are its files."""
    gen = resolve(out)
    assert gen is not None and gen.id is not None
    assert hidden(out) == sorted([".kg.lock", gen.root.name])
    for name in ("papers.jsonl", "extractions.jsonl", "build.json", "graph.ttl", "void.ttl",
                 "tables/papers.csv"):
        assert os.path.samefile(out / name, gen.root / name), name
    assert json.loads((out / "build.json").read_text())["generation"] == gen.id


def paused_build(out: Path, point: str, seconds: float = 120) -> subprocess.Popen[str]:
    """A real `kg build` of second.jsonl into ``out``, paused at ``point`` when this returns."""
    env = {**os.environ, "KG_BUILD_PAUSE": point, "KG_BUILD_PAUSE_SECONDS": str(seconds)}
    proc = subprocess.Popen([sys.executable, "-m", "kg", "--no-progress", "build",
                             str(FIXTURES / "second.jsonl"), "-o", str(out)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
    assert proc.stderr is not None
    line = proc.stderr.readline()  # the build prints it at the point, then sleeps
    if f"paused at {point}" not in line:
        proc.kill()
        pytest.fail(f"the build did not pause at {point}: {line + proc.stderr.read()}")
    return proc


# ---------------------------------------------------------------- the pause itself

PAUSED_BESIDE_A_THREAD = """
import signal, sys, threading, time
from kg.build.pause import pause
signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
threading.Thread(target=time.sleep, args=(60,), daemon=True).start()  # SIGTERM open here
signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})  # and shut in the main thread
pause("store")
"""


def test_a_paused_build_takes_a_signal_another_thread_was_given() -> None:
    """The kernel may hand SIGTERM to any thread of the build (a store's, under load); Python
    runs the handler in the main thread, which the pause must let it do within moments, not
    when it ends (a CI run timed out that way)."""
    env = {**os.environ, "KG_BUILD_PAUSE": "store", "KG_BUILD_PAUSE_SECONDS": "60"}
    proc = subprocess.Popen([sys.executable, "-c", PAUSED_BESIDE_A_THREAD], stderr=subprocess.PIPE,
                            text=True, env=env)
    assert proc.stderr is not None and "paused at store" in proc.stderr.readline()
    proc.terminate()
    try:
        proc.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        pytest.fail("the paused process took SIGTERM only when its pause ended")
    assert proc.returncode == 143


# ---------------------------------------------------------------- SIGKILL at every point

@pytest.mark.slow  # a build process for each point
@pytest.mark.parametrize("point", POINTS)
def test_build_killed_at_any_point_leaves_outputs_that_answer_from_one_build(
        point: str, out: Path, tmp_path: Path, nlp: Any) -> None:
    proc = paused_build(out, point)
    proc.kill()
    proc.communicate()
    assert proc.returncode == -signal.SIGKILL
    live = POINTS.index(point) >= POINTS.index("swap:switched")  # the store symlink had switched
    queried, exported = answers(out, tmp_path)
    assert queried == exported == (BOTH if live else FIRST)
    s = build([FIXTURES / "second.jsonl"], out, progress=False, nlp=nlp)  # the lock died with it
    assert s.papers == 3
    assert answers(out, tmp_path) == (BOTH, BOTH)
    assert_clean(out)


# ---------------------------------------------------------------- SIGTERM

@pytest.mark.slow  # a build process
def test_sigterm_removes_the_staging_directory_and_exits_143(out: Path, tmp_path: Path) -> None:
    proc = paused_build(out, "store")
    assert [p for p in out.iterdir() if p.name.startswith(".staging-")]  # it is mid-build
    proc.terminate()
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 143
    assert err == "kg build: terminated by SIGTERM; the output directory holds the last build that finished\n"
    assert not [p for p in out.iterdir() if p.name.startswith(".staging-")]
    assert answers(out, tmp_path) == (FIRST, FIRST)
    assert_clean(out)


@pytest.mark.slow  # a build process
def test_sigterm_during_the_swap_lets_the_swap_finish(out: Path, tmp_path: Path) -> None:
    proc = paused_build(out, "swap:switched", seconds=0.5)
    proc.terminate()  # held until the swap is done
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 143 and err.startswith("kg build: terminated by SIGTERM")
    assert answers(out, tmp_path) == (BOTH, BOTH)
    assert_clean(out)


# ---------------------------------------------------------------- readers during builds

def test_a_generation_a_reader_holds_outlives_the_build_that_replaces_it(out: Path, tmp_path: Path,
                                                                        nlp: Any) -> None:
    with reading(out) as held:
        build([FIXTURES / "second.jsonl"], out, progress=False, nlp=nlp)
        assert resolve(out).root != held.root  # type: ignore[union-attr]
        assert held.root.is_dir()  # not deleted under the reader
        store = open_store(held.store, read_only=True)
        assert [r[0] for r in query_store(store, IDS).rows] == FIRST
        del store
        assert answers(out, tmp_path) == (BOTH, BOTH)  # new readers get the new build
    assert held.root.is_dir()  # left for the next build's clean-up
    build([FIXTURES / "second.jsonl"], out, progress=False, nlp=nlp)
    assert not held.root.exists()
    assert_clean(out)


@pytest.mark.slow  # reader processes for a few seconds
def test_queries_and_exports_during_builds_never_fail(tmp_path: Path, nlp: Any) -> None:
    """The stress test of bench/stress_swap.py, for a few seconds (it found 18 crashes in 744
    queries and 3 mixed exports in 517 in 20 s before generations)."""
    spec = importlib.util.spec_from_file_location("stress_swap", ROOT / "bench" / "stress_swap.py")
    assert spec is not None and spec.loader is not None
    stress = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(stress)
    result = stress.stress(tmp_path / "out", seconds=3, readers=1, nlp=nlp)
    assert result["builds"] >= 2, result
    for kind in ("query", "export"):
        assert set(result[kind]) == {"ok"} and result[kind]["ok"] > 0, result


# ---------------------------------------------------------------- the exports child of an add

CHILD_WORK = "the links and the exports tables, graph.graphml, graph.html, report.html"
EXPORTS_CHILD = f"kg build: error: {CHILD_WORK} failed: its process was killed by SIGKILL (out of memory?)\n"


def children(pid: int) -> list[int]:
    """The live processes whose parent is ``pid`` (from /proc: no zombie counts)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                # the command name may hold spaces: the fields after its ")" are the state, the ppid
                state, ppid = (entry / "stat").read_text().rsplit(")", 1)[1].split()[:2]
                if int(ppid) == pid and state != "Z":
                    found.append(int(entry.name))
    return found


def forked_child(pid: int) -> int:
    """The one forked child of build process ``pid`` (not its RDF exports' subprocess,
    ``python -m kg.build.exports``, which the build may have started meanwhile)."""
    found = []
    for child in children(pid):
        with contextlib.suppress(OSError):
            if b"kg.build.exports" not in Path(f"/proc/{child}/cmdline").read_bytes():
                found.append(child)
    (child,) = found
    return child


def gone(pid: int, seconds: float = 10) -> bool:
    """Whether process ``pid`` has ended (or is a zombie) within ``seconds``."""
    import time

    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            return True
        if state == "Z":
            return True
        time.sleep(0.05)
    return False


def assert_failed_cleanly(out: Path, tmp_path: Path) -> None:
    """A build that failed in this process left no staging directory and no child, and the
    previous build answers."""
    assert not [p for p in out.iterdir() if p.name.startswith(".staging-")]
    assert not children(os.getpid())
    assert answers(out, tmp_path) == (FIRST, FIRST)


def child_paused_after(path: Path) -> None:
    """Wait (60 s at most) for a build's child to write ``path``, then a second more: the
    child is then asleep at its pause, which would outlast the test."""
    import time

    end = time.monotonic() + 60
    while not path.exists() and time.monotonic() < end:
        time.sleep(0.05)
    time.sleep(1)


def killed_child_fails_the_build(out: Path, tmp_path: Path, point: str, error: str) -> None:
    """A build paused at ``point`` in its forked child; the child killed as the OOM killer
    does: the build fails with ``error`` (one line), exit 2, and the previous build answers."""
    proc = paused_build(out, point)  # the child printed it
    child = forked_child(proc.pid)
    os.kill(child, signal.SIGKILL)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 2
    assert err == error
    assert not [p for p in out.iterdir() if p.name.startswith(".staging-")]
    assert answers(out, tmp_path) == (FIRST, FIRST)
    assert_clean(out)


@pytest.mark.slow  # a build process
def test_exports_child_killed_fails_the_build_in_one_line(out: Path, tmp_path: Path) -> None:
    killed_child_fails_the_build(out, tmp_path, "export:child", EXPORTS_CHILD)  # the add forked one


@pytest.mark.slow  # a build process
@pytest.mark.parametrize("how", ["sigkill", "sigterm"])
def test_exports_child_dies_with_the_build(how: str, out: Path, tmp_path: Path, nlp: Any) -> None:
    proc = paused_build(out, "export:child")
    child = forked_child(proc.pid)
    lock = os.path.realpath(out / LOCK_NAME)
    assert [fd for fd in Path(f"/proc/{child}/fd").iterdir() if os.path.realpath(fd) == lock] == []
    assert [fd for fd in Path(f"/proc/{proc.pid}/fd").iterdir() if os.path.realpath(fd) == lock] != []
    if how == "sigkill":
        proc.kill()  # no handler runs in the build: the child must notice on its own
    else:
        proc.terminate()
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == (-signal.SIGKILL if how == "sigkill" else 143)
    assert gone(child, seconds=5)
    assert answers(out, tmp_path) == (FIRST, FIRST)
    if how == "sigterm":
        assert err.startswith("kg build: terminated by SIGTERM") and err.count("\n") == 1
        assert not [p for p in out.iterdir() if p.name.startswith(".staging-")]
    # the child let go of the lock: the next build starts at once and leaves nothing behind
    assert build([FIXTURES / "second.jsonl"], out, progress=False, nlp=nlp).papers == 3
    assert_clean(out)


@pytest.mark.parametrize("error", [
    OSError(28, "No space left on device", "report.html"),
    KGError("report: a value that cannot be written"),
    ValueError("a bug in the exporter"),
])
def test_exports_child_error_fails_the_build(error: Exception, out: Path, tmp_path: Path, nlp: Any,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """An error raised in the child is the build's: an OSError as such (the CLI names the
    file), a KGError's message, or any other exception's type and message in one line."""
    import kg.export.registry

    real = kg.export.registry.write_export
    parent = os.getpid()

    def failing(corpus: Any, name: str, *args: Any, **kw: Any) -> Any:
        if name == "report":  # the last export: the child's first (kg.build.exports.Claims)
            assert os.getpid() != parent  # written in the child
            raise error  # fault injection, in the child
        return real(corpus, name, *args, **kw)

    monkeypatch.setattr(kg.export.registry, "write_export", failing)
    with pytest.raises((OSError, KGError)) as raised:
        build([FIXTURES / "second.jsonl"], out, progress=False, nlp=nlp)
    if isinstance(error, OSError):
        assert type(raised.value) is OSError and raised.value.errno == 28
        assert raised.value.filename == "report.html"
    elif isinstance(error, KGError):
        assert str(raised.value) == "report: a value that cannot be written"
    else:
        assert str(raised.value) == f"{CHILD_WORK} failed: ValueError: a bug in the exporter"
    assert_failed_cleanly(out, tmp_path)
    monkeypatch.undo()
    assert build([FIXTURES / "second.jsonl"], out, progress=False, nlp=nlp).papers == 3
    assert_clean(out)


def test_failing_stage_kills_the_exports_child(out: Path, tmp_path: Path, nlp: Any,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """The store stage fails while the child is paused mid-exports: the build kills it, not
    waits for it, and leaves no process behind."""
    import kg.build.run

    def failing_store(*args: object, **kw: object) -> int:
        child_paused_after(out / f".staging-{os.getpid()}" / "report.html")  # the child's first export
        raise OSError(28, "No space left on device")  # fault injection: the store stage fails

    monkeypatch.setenv("KG_BUILD_PAUSE", "export:child")
    monkeypatch.setenv("KG_BUILD_PAUSE_SECONDS", "600")
    monkeypatch.setattr(kg.build.run, "load_store", failing_store)
    with pytest.raises(OSError):
        build([FIXTURES / "second.jsonl"], out, progress=False, nlp=nlp)
    assert_failed_cleanly(out, tmp_path)


# ---------------------------------------------------------------- the links, found by that child first

def test_an_adds_links_are_found_by_the_child_and_handed_over(out: Path, tmp_path: Path, nlp: Any,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """The add's links are found in the child (kg.build.aside), the build writes them, and the
    file they came through is gone (the outputs are a full build's: tests/test_build_add.py)."""
    from kg.build.aside import LINKS_NAME
    from kg.corpus import Corpus

    real = Corpus.find_links
    where = tmp_path / "found-by"

    def found_by(self: Corpus, *args: Any, **kw: Any) -> Any:
        where.write_text(str(os.getpid()))
        return real(self, *args, **kw)

    monkeypatch.setattr(Corpus, "find_links", found_by)
    summary = build([FIXTURES / "second.jsonl"], out, progress=False, nlp=nlp)
    assert int(where.read_text()) != os.getpid()
    assert summary.links > 0
    assert json.loads((out / "build.json").read_text())["links"] == summary.links
    # every link the child found is in the N-Quads the build wrote: one kg:PaperLink node each
    paper_link = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://w3id.org/kg/vocab#PaperLink>"
    assert (out / "graph.nq").read_text().count(paper_link) == summary.links
    gen = resolve(out)
    assert gen is not None and not (gen.root / LINKS_NAME).exists()
    assert_clean(out)


@pytest.mark.slow  # a build process
def test_links_child_killed_before_the_links_fails_the_build_in_one_line(out: Path, tmp_path: Path) -> None:
    killed_child_fails_the_build(out, tmp_path, "links:child", EXPORTS_CHILD)  # the build waits for its links


def test_links_child_error_fails_the_build(out: Path, tmp_path: Path, nlp: Any,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from kg.corpus import Corpus

    parent = os.getpid()

    def failing(self: Corpus, *args: Any, **kw: Any) -> Any:
        assert os.getpid() != parent  # found in the child
        raise ValueError("a bug in linking")  # fault injection, in the child

    monkeypatch.setattr(Corpus, "find_links", failing)
    with pytest.raises(KGError) as raised:
        build([FIXTURES / "second.jsonl"], out, progress=False, nlp=nlp)
    assert str(raised.value) == f"{CHILD_WORK} failed: ValueError: a bug in linking"
    monkeypatch.undo()  # (kg export, which answers, finds links too)
    assert_failed_cleanly(out, tmp_path)
    assert build([FIXTURES / "second.jsonl"], out, progress=False, nlp=nlp).papers == 3
    assert_clean(out)


# ---------------------------------------------------------------- the state child, beside resolution

@pytest.mark.slow  # a build process
def test_state_child_killed_fails_the_build_in_one_line(out: Path, tmp_path: Path) -> None:
    killed_child_fails_the_build(out, tmp_path, "state:child", "kg build: error: the state files failed: "
                                 "its process was killed by SIGKILL (out of memory?)\n")


def test_state_child_error_fails_the_build(out: Path, tmp_path: Path, nlp: Any,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """A disk that fills while the child writes the state: the build's OSError, naming the file."""
    import kg.build.run

    parent = os.getpid()

    def failing(path: Path, *args: Any, **kw: Any) -> int:
        assert os.getpid() != parent  # written in the child
        raise OSError(28, "No space left on device", str(path))  # fault injection, in the child

    monkeypatch.setattr(kg.build.run, "write_records", failing)
    with pytest.raises(OSError) as raised:
        build([FIXTURES / "second.jsonl"], out, progress=False, nlp=nlp)
    assert type(raised.value) is OSError and raised.value.errno == 28
    assert raised.value.filename.endswith("papers.jsonl")
    assert_failed_cleanly(out, tmp_path)
    monkeypatch.undo()
    assert build([FIXTURES / "second.jsonl"], out, progress=False, nlp=nlp).papers == 3
    assert_clean(out)


def test_failing_resolution_kills_the_state_child(out: Path, tmp_path: Path, nlp: Any,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Resolution fails while the child is paused mid-state: the build kills it, not waits for
    it, and leaves no process behind."""
    import kg.build.run

    def failing_resolution(*args: object, **kw: object) -> Any:
        child_paused_after(out / f".staging-{os.getpid()}" / "papers.jsonl")  # the child's first file
        raise KGError("resolution failed")  # fault injection

    monkeypatch.setenv("KG_BUILD_PAUSE", "state:child")
    monkeypatch.setenv("KG_BUILD_PAUSE_SECONDS", "600")
    monkeypatch.setattr(kg.build.run, "resolve_corpus", failing_resolution)
    with pytest.raises(KGError, match="resolution failed"):
        build([FIXTURES / "second.jsonl"], out, progress=False, nlp=nlp)
    assert_failed_cleanly(out, tmp_path)


def _published(out: Path) -> dict[str, bytes]:
    """Every file a build publishes (the tables and the HTML folder's too), but build.json's
    timings: by path under ``out``."""
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and not any(part.startswith(".") for part in p.relative_to(out).parts)
            and p.name != "build.json"}


@pytest.mark.slow  # three builds
def test_an_add_whose_exports_a_child_wrote_equals_a_full_build(tmp_path: Path, nlp: Any) -> None:
    from kg.build.run import ASIDE

    out, full = tmp_path / "out", tmp_path / "full"
    build([FIXTURES / "first.jsonl"], out, progress=False, nlp=nlp)
    build([FIXTURES / "first.jsonl", FIXTURES / "second.jsonl"], out, progress=False, nlp=nlp)
    info = json.loads((out / "build.json").read_text())
    assert ASIDE in info["timings"]  # the add wrote them in the child
    build([FIXTURES / "first.jsonl", FIXTURES / "second.jsonl"], full, progress=False, nlp=nlp)
    assert ASIDE not in json.loads((full / "build.json").read_text())["timings"]
    got, want = _published(out), _published(full)
    assert sorted(got) == sorted(want) and any(name.startswith("tables") for name in got)
    assert [name for name in want if got[name] != want[name]] == []
