"""kg evaluate: the reference scorer's semantics on a tiny gold file."""

import json

from kg.cli.main import main
from kg.extract.evaluate import evaluate, load_jsonl
from kg.keys import repo_match_key


def test_scores_on_tiny_gold(fixtures):
    rep = evaluate(load_jsonl(fixtures / "extract/gold.jsonl"), load_jsonl(fixtures / "extract/pred.jsonl"))
    # typed: FlowCut and ImageNet-1K match; LLaVA (wrong type) and GPT-5 are false hits,
    # beam search matches optional gold (neither rewarded nor penalised), COCO is missed
    assert (rep.typed.tp["all"], rep.typed.fp["all"], rep.typed.fn["all"]) == (2, 2, 2)
    assert (rep.untyped.tp["all"], rep.untyped.fp["all"], rep.untyped.fn["all"]) == (3, 1, 1)
    assert rep.unmatched_titles == 1
    assert rep.links.prf() == (1.0, 1.0, 1.0)
    assert (rep.role_correct, rep.role_total) == (1, 2)


def test_repo_key_ignores_www_git_case_and_paths():
    assert repo_match_key("https://www.github.com/A/B.git") == repo_match_key("http://github.com/a/b/tree/x")


def test_cli_json_output(fixtures, capsys):
    code = main(["evaluate", str(fixtures / "extract/gold.jsonl"), str(fixtures / "extract/pred.jsonl"),
                 "--format", "json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    typed_all = next(r for r in out["scores"] if r["scope"] == "typed" and r["type"] == "all")
    assert (typed_all["precision"], typed_all["recall"]) == (0.5, 0.5)


def test_cli_table_and_bad_file(fixtures, tmp_path, capsys):
    assert main(["evaluate", str(fixtures / "extract/gold.jsonl"), str(fixtures / "extract/pred.jsonl")]) == 0
    assert "typed" in capsys.readouterr().out
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"title": "x"}\n{"title": \n')
    assert main(["evaluate", str(bad), str(bad)]) == 2
    err = capsys.readouterr().err
    assert "bad.jsonl:2" in err and err.count("\n") == 1
