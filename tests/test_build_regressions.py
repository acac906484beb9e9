"""Regressions found in review: stale extractions, duplicated papers, tracebacks on bad paths,
IRIs the store refuses (issue 12)."""

import json

import pyoxigraph as ox
import pytest

import kg.rdf.iri as iri_module
from kg.build import build, load_corpus
from kg.build.state import extractor_files
from kg.cli.main import main
from kg.errors import KGError
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
