"""Regressions found in review: stale extractions, duplicated papers, tracebacks on bad paths."""

import json

import pytest

from kg.build import build, load_corpus
from kg.build.state import extractor_files
from kg.cli.main import main
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
