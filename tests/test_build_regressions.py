"""Regressions found in review: stale extractions, duplicated papers, tracebacks on bad paths,
IRIs the store refuses, full disks and arguments that are not UTF-8 (issue 12)."""

import contextlib
import json
import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

import kg.rdf.iri as iri_module
from kg.build import build, load_corpus
from kg.build.state import extractor_files
from kg.cli.main import main
from kg.errors import KGError
from kg.export.registry import write_output
from kg.settings import Settings

ABSTRACT = "We propose GlimmerNet, a pruning method evaluated on ImageNet."


def record(**kw):
    return json.dumps({"title": "GlimmerNet: Pruning Made Shiny", "abstract": ABSTRACT, **kw}) + "\n"


def test_extraction_code_is_part_of_the_fingerprint():
    names = {p.name for p in extractor_files()}
    assert {"candidates.py", "typer.py", "roles.py", "heads.json"} <= names


@pytest.mark.parametrize("first, second", [({}, {"arxiv_id": "2402.00009"}),
                                           ({"arxiv_id": "2402.00009"}, {})])
def test_same_title_with_and_without_arxiv_id_is_one_paper(tmp_path, first, second, nlp):
    a, b, out = tmp_path / "a.jsonl", tmp_path / "b.jsonl", tmp_path / "out"
    a.write_text(record(**first))
    b.write_text(record(**second))
    s = Settings(progress=False)
    build([a], out, s, progress=False, nlp=nlp)
    summary = build([b], out, s, progress=False, nlp=nlp)
    corpus = load_corpus(out)
    assert list(corpus.papers) == ["arxiv:2402.00009"] and summary.papers == 1


def test_unwritable_outputs_are_one_line_errors(tmp_path, capsys):
    src = tmp_path / "a.jsonl"
    src.write_text(record())
    (tmp_path / "adir").mkdir()
    cases = [["build", str(src), "-o", str(src)],           # a file where a folder must be
             ["papers", str(src), "-o", str(tmp_path / "adir")],  # a folder where a file must be
             ["extract", str(src), "-o", "/proc/kg-cannot-write/x.jsonl"]]
    for argv in cases:
        assert main(argv) == 2, argv
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "Traceback" not in err, err
    assert src.read_text() == record()


def test_damaged_state_is_a_one_line_error(tmp_path, capsys, nlp):
    src, out = tmp_path / "a.jsonl", tmp_path / "out"
    src.write_text(record())
    build([src], out, Settings(progress=False), progress=False, nlp=nlp)
    (out / "build.json").write_text("{not json")
    assert main(["export", "--store", str(out), "--format", "nt", "-o", str(tmp_path / "g.nt")]) == 2
    assert "build.json" in capsys.readouterr().err
    (out / "papers.jsonl").write_text('{"foo": 1}\n')
    assert main(["build", str(src), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "papers.jsonl:1" in err and err.count("\n") == 1


def test_bad_input_format_writes_nothing(tmp_path, capsys):
    src = tmp_path / "a.jsonl"
    src.write_text(record())
    assert main(["build", str(src), "--input-format", "bogus", "-o", str(tmp_path / "out")]) == 2
    assert not (tmp_path / "out").exists()
    assert "bogus" in capsys.readouterr().err


def test_evaluate_refuses_an_empty_file(tmp_path, capsys):
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    assert main(["evaluate", str(empty), str(empty)]) == 2
    assert "empty" in capsys.readouterr().err


# ---------------------------------------------------------------- issue 12, case 7: IRIs the store refuses

STORE_REFUSES = ["https://a@b@c/x", "https://github.com:abc/a/b"]


def test_urls_the_store_rejects_are_left_out_of_the_rdf_not_a_crash(tmp_path, nlp, caplog):
    src, out = tmp_path / "a.jsonl", tmp_path / "out"
    src.write_text(record(url=STORE_REFUSES[0], repos=[STORE_REFUSES[1], "https://github.com/ok/repo"],
                          abstract=ABSTRACT + " Code: https://github.com:abc/c/d and https://a@b@c/y ."))
    iri_module._left_out.cache_clear()  # each URL is warned about once per process
    summary = build([src], out, Settings(progress=False), progress=False, nlp=nlp)
    assert summary.triples > 0
    iris = {t.value for q in ox.parse(path=out / "graph.nq", format=ox.RdfFormat.N_QUADS)
            for t in (q.subject, q.object) if isinstance(t, ox.NamedNode)}
    assert "https://github.com/ok/repo" in iris
    assert not any("a@b@c" in i or "github.com:abc" in i for i in iris)
    warned = " ".join(r.getMessage() for r in caplog.records if r.name == "kg.rdf")
    assert all(repr(url) in warned for url in STORE_REFUSES) and "left out of the RDF" in warned


@pytest.mark.parametrize("base", ["https://example.org:kg/", "https://a@b@c/kg/", "https://example.org/a#b#"])
def test_a_base_iri_the_store_rejects_fails_before_anything_is_read(tmp_path, capsys, base):
    src, out = tmp_path / "a.jsonl", tmp_path / "out"
    src.write_text(record())
    with pytest.raises(KGError, match="bad base IRI"):
        build([src], out, Settings(base_iri=base, progress=False), progress=False)
    assert main(["build", str(src), "-o", str(out), "--base-iri", base]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "bad base IRI" in err and "Traceback" not in err
    assert not out.exists()


# ---------------------------------------------------------------- issue 12, case 12: full disks, bad argv

def _tree(root):
    """Every file under ``root`` (the store's data directory included) with its bytes: what a failed build must keep."""
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and p.name != ".kg.lock" and "LOG" not in p.name}


@contextlib.contextmanager
def file_size_limit(limit):
    """RLIMIT_FSIZE in this process: a write past ``limit`` bytes fails with EFBIG (SIGXFSZ ignored)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    handler = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, handler)


def test_a_write_past_the_file_size_limit_is_a_one_line_error_and_keeps_the_old_file(tmp_path):
    target = tmp_path / "graph.ttl"
    target.write_text("old\n")
    with file_size_limit(4096), pytest.raises(KGError) as e:
        write_output("x" * 100_000, target)
    assert str(e.value) == f"cannot write {target}: File too large"
    assert target.read_text() == "old\n" and sorted(tmp_path.iterdir()) == [target]


def _limited_build(limit, *argv, **kw):
    """``kg ARGV`` in a child process whose writes fail past ``limit`` bytes (EFBIG), as on a full disk."""
    def limit_writes():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return subprocess.run([sys.executable, "-m", "kg", *map(str, argv)], capture_output=True, text=True,
                          preexec_fn=limit_writes, timeout=300, **kw)


@pytest.mark.slow
def test_full_disk_while_writing_state_or_exports_is_a_one_line_error(tmp_path, nlp):
    src, out = tmp_path / "a.jsonl", tmp_path / "out"
    papers = [json.loads(record(title=f"GlimmerNet {i}: Pruning Made Shiny", abstract=ABSTRACT * 4))
              for i in range(20)]
    src.write_text("".join(json.dumps(p) + "\n" for p in papers))
    build([src], out, Settings(progress=False), progress=False, nlp=nlp)
    before = _tree(out)
    state = max(len(v) for k, v in before.items() if k.endswith(".jsonl") or k.startswith("store/"))
    assert state * 2 < len(before["graph.nq"])  # so the second limit lets the state through
    src.write_text(src.read_text().replace("ImageNet", "CIFAR-10"))  # every paper changes
    for limit, where in ((1000, "papers.jsonl"), (state * 2, "graph.")):
        run = _limited_build(limit, "build", src, "-o", out)
        assert run.returncode == 2, run.stderr
        assert run.stderr.count("\n") == 1 and "Traceback" not in run.stderr, run.stderr
        assert where in run.stderr and "File too large" in run.stderr, run.stderr
        assert _tree(out) == before  # the previous build is whole
        assert not list(out.glob(".staging-*"))


def test_full_standard_output_is_a_one_line_error(tmp_path):
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full on this system")
    src = tmp_path / "a.jsonl"
    src.write_text(record())
    with open("/dev/full", "w") as full:
        run = subprocess.run([sys.executable, "-m", "kg", "papers", str(src)], stdout=full,
                             stderr=subprocess.PIPE, text=True, timeout=120)
    assert run.returncode == 2
    assert run.stderr == "kg papers: error: cannot write standard output: No space left on device\n"


def test_full_disk_on_a_small_tmpfs_is_a_one_line_error(tmp_path, nlp):
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    mount = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(mnt)],
                           capture_output=True, text=True)
    if mount.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (needs root): {mount.stderr.strip()}")
    try:
        src, out = tmp_path / "a.jsonl", mnt / "out"
        src.write_text("".join(record(title=f"GlimmerNet {i}: Pruning Made Shiny") for i in range(10)))
        build([src], out, Settings(progress=False), progress=False, nlp=nlp)
        before = _tree(out)
        free = os.statvfs(mnt).f_bavail * os.statvfs(mnt).f_frsize
        with open(mnt / "filler", "wb") as f:  # leave one page: less than papers.jsonl needs
            f.write(b"\0" * max(free - 4096, 0))
        src.write_text(src.read_text().replace("ImageNet", "CIFAR-10"))
        with pytest.raises(KGError, match=r"cannot write .*papers\.jsonl: No space left on device"):
            build([src], out, Settings(progress=False), progress=False, nlp=nlp)
        assert _tree(out) == before and not list(out.glob(".staging-*"))
    finally:
        subprocess.run(["umount", str(mnt)], check=False)


def test_arguments_that_are_not_utf8_are_one_line_errors(tmp_path, capsys):
    src = tmp_path / "a.jsonl"
    src.write_text(record())
    for argv in (["query", "SELECT * WHERE { ?s ?p '\udcff' }"], ["query", "--preset", "entity", "--param", "name=\udcff"],
                 ["build", str(src), "-o", str(tmp_path / "out\udcff")], ["papers", str(src), "--input-format", "\udce9"]):
        assert main(argv) == 2, argv
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "is not UTF-8 text" in err and "\\x" in err, err
    assert not list(tmp_path.glob("out*"))
    # as a shell passes them: bytes
    run = subprocess.run([sys.executable, "-m", "kg", "query", b"SELECT * WHERE { ?s ?p '\xff' }"],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 2 and run.stderr == (
        "kg query: error: argument 'SELECT * WHERE { ?s ?p '\\xff' }' is not UTF-8 text\n")


def test_an_input_file_name_that_is_not_utf8_is_one_bad_input(tmp_path, capsys, nlp):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.jsonl").write_text(record())
    (folder / os.fsdecode(b"b\xff.jsonl")).write_text(record(title="Another paper"))
    assert main(["build", str(folder), "-o", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "b\\xff.jsonl: file name is not UTF-8 text" in err
    summary = build([folder], tmp_path / "out", Settings(progress=False, skip_bad=True), progress=False, nlp=nlp)
    assert summary.papers == 1 and summary.skipped == 1
