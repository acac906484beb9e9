"""kg query: SPARQL output formats, one-line errors, presets and injection attempts."""

import csv
import io
import json
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest

from kg.build import build
from kg.cli.main import main
from kg.errors import InputError, QueryError
from kg.settings import Settings
from kg.store.embedded import dump_nquads, open_store, store_path
from kg.store.presets import parse_params, parse_preset, preset_query, presets

PREFIX = "PREFIX kg: <https://w3id.org/kg/vocab#> PREFIX dcterms: <http://purl.org/dc/terms/> "
INJECTIONS = ('" } ; DROP ALL ; #', "> <", "x\" } } ; INSERT DATA { <a:b> <a:c> <a:d> } #", "?key")


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory, nlp: Any) -> Path:
    out = tmp_path_factory.mktemp("built") / "out"
    fixtures = Path(__file__).parent / "fixtures" / "store"
    build([fixtures / "first.jsonl", fixtures / "second.jsonl"], out,
          Settings(link_max_df=1.0, link_min_weight=0.1), progress=False, nlp=nlp)
    return out


def kg_query(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["query", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def dump(out: Path) -> bytes:
    store = open_store(store_path(out), read_only=True)
    try:
        return dump_nquads(store)
    finally:
        del store


def test_select_in_every_format(out: Path, capsys: pytest.CaptureFixture[str]) -> None:
    q = PREFIX + "SELECT ?id ?title WHERE { ?p a <https://schema.org/ScholarlyArticle> ; dcterms:identifier ?id ; dcterms:title ?title } ORDER BY ?id"
    code, text, _ = kg_query(capsys, q, "--store", str(out), "--format", "json")
    assert code == 0
    rows = json.loads(text)
    assert [r["id"] for r in rows] == ["arxiv:2401.00001", "arxiv:2401.00002", "arxiv:2401.00003"]
    assert rows[1]["title"] == "Tuning LLaVA-1.5 with LoRA"
    _, text, _ = kg_query(capsys, q, "--store", str(out), "--format", "csv")
    assert list(csv.reader(io.StringIO(text)))[0] == ["id", "title"] and len(text.splitlines()) == 4
    _, text, _ = kg_query(capsys, q, "--store", str(out), "--format", "tsv")
    assert text.splitlines()[1].split("\t") == ["arxiv:2401.00001", "FlowNet: Video Generation with Flows"]
    _, text, _ = kg_query(capsys, q, "--store", str(out))
    assert text.splitlines()[0].split() == ["id", "title"] and "arxiv:2401.00003" in text


def test_ask_construct_describe_and_file(out: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, text, _ = kg_query(capsys, PREFIX + "ASK { ?p kg:proposes ?e }", "--store", str(out), "--format", "json")
    assert json.loads(text) == [{"result": True}]
    _, text, _ = kg_query(capsys, PREFIX + "ASK { ?p kg:proposes <urn:nothing> }", "--store", str(out), "--format", "csv")
    assert text.splitlines() == ["result", "False"]
    q = PREFIX + "CONSTRUCT { ?e kg:proposedBy ?p } WHERE { ?p kg:proposes ?e }"
    _, text, _ = kg_query(capsys, q, "--store", str(out), "--format", "json")
    triples = json.loads(text)
    assert triples and all(t["predicate"] == "<https://w3id.org/kg/vocab#proposedBy>" for t in triples)
    assert {t["object"] for t in triples} >= {"<https://w3id.org/kg/paper/arxiv:2401.00001>"}
    rq = tmp_path / "q.rq"
    rq.write_text("DESCRIBE <https://w3id.org/kg/entity/method/lora>\n")
    _, text, _ = kg_query(capsys, "--file", str(rq), "--store", str(out), "--format", "tsv")
    lines = list(csv.reader(io.StringIO(text), delimiter="\t"))
    assert lines[0] == ["subject", "predicate", "object"]
    assert ["<https://w3id.org/kg/entity/method/lora>", "<http://www.w3.org/2004/02/skos/core#prefLabel>",
            '"LoRA"'] in lines


def test_malformed_query_is_one_line_exit_2(out: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, text, err = kg_query(capsys, "SELECT ?x WHERE { ?x ?y }", "--store", str(out))
    assert code == 2 and text == ""
    assert len(err.splitlines()) == 1
    assert err.startswith("kg query: error: malformed SPARQL query: error at 1:")


def test_missing_store_and_bad_usage(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = kg_query(capsys, "ASK {}", "--store", str(tmp_path))
    assert code == 2 and "no store at" in err
    assert kg_query(capsys, "ASK {}", "--preset", "repos")[0] == 2
    assert kg_query(capsys, "--preset", "nope")[0] == 2
    code, _, err = kg_query(capsys, "--preset", "entity", "--param", "colour=red")
    assert code == 2 and "has no parameter 'colour'" in err


def test_list_presets_documents_all(capsys: pytest.CaptureFixture[str]) -> None:
    code, text, _ = kg_query(capsys, "--list-presets")
    assert code == 0
    for name in ("papers-using", "top-entities", "related-papers", "entity", "repos", "proposes"):
        assert name in presets() and name in text


def rows(capsys: pytest.CaptureFixture[str], out: Path, preset: str, *params: str) -> list[dict]:
    argv = ["--preset", preset, "--store", str(out), "--format", "json"]
    for p in params:
        argv += ["--param", p]
    code, text, err = kg_query(capsys, *argv)
    assert code == 0, err
    return json.loads(text)


def test_presets(out: Path, capsys: pytest.CaptureFixture[str]) -> None:
    using = rows(capsys, out, "papers-using", "entity=lora")  # an alias or any case works
    assert [r["id"] for r in using] == ["arxiv:2401.00002", "arxiv:2401.00003"]
    assert {r["role"] for r in using} == {"used"}
    top = rows(capsys, out, "top-entities", "limit=2")
    assert [r["name"] for r in top][0] == "LLaVA-1.5" and top[0]["support"] == 3 and len(top) == 2
    assert {r["type"] for r in rows(capsys, out, "top-entities", "type=dataset")} == {"dataset"}
    related = rows(capsys, out, "related-papers", "paper=2401.00003")
    weights = [r["weight"] for r in related]
    assert related and weights == sorted(weights, reverse=True)
    assert related[0]["id"] == "arxiv:2401.00002" and "LoRA" in related[0]["shared"]
    by_title = rows(capsys, out, "related-papers", "paper=sparsemix: sparse experts for vision")
    assert by_title == related
    (entity,) = rows(capsys, out, "entity", "name=LLaVA-1.5")
    assert entity["support"] == 3 and entity["type"] == "model"
    assert set(entity["papers"].split("; ")) == {"arxiv:2401.00001", "arxiv:2401.00002", "arxiv:2401.00003"}
    repos = rows(capsys, out, "repos")
    assert [r["repository"] for r in repos] == ["https://github.com/acme/flownet"]
    assert rows(capsys, out, "repos", "paper=2401.00002") == []
    assert [r["name"] for r in rows(capsys, out, "proposes", "paper=arxiv:2401.00003")] == ["SparseMix"]


@pytest.mark.parametrize("value", INJECTIONS)
def test_injection_attempts_are_plain_values(out: Path, value: str, capsys: pytest.CaptureFixture[str]) -> None:
    before = dump(out)
    for preset, param in (("papers-using", "entity"), ("entity", "name"), ("related-papers", "paper"),
                          ("repos", "paper"), ("proposes", "paper")):
        assert rows(capsys, out, preset, f"{param}={value}") == []
    assert dump(out) == before
    code, _, err = kg_query(capsys, "--preset", "top-entities", "--param", f"limit={value}", "--store", str(out))
    assert code == 2 and "expected a whole number" in err
    code, _, err = kg_query(capsys, "--preset", "top-entities", "--param", f"type={value}", "--store", str(out))
    assert code == 2 and "expected one of: method, model, dataset" in err


def test_preset_query_escapes_values() -> None:
    q = preset_query("entity", {"name": '" } ; DROP ALL ; #'})
    assert 'VALUES ?key { "\\" } ; DROP ALL ; #" }' in q
    assert parse_params(["a=b=c", "x="]) == {"a": "b=c", "x": ""}
    with pytest.raises(QueryError, match="expected key=value"):
        parse_params(["novalue"])
    with pytest.raises(QueryError, match="needs --param name="):
        preset_query("entity", {})


def test_a_value_that_looks_like_a_placeholder_is_bound_as_written() -> None:
    # the placeholders were once filled after the values, so "{limit}" became "20"
    q = preset_query("entity", {"name": "{limit}"})
    assert 'VALUES ?key { "{limit}" }' in q and '"20"' not in q
    q = preset_query("top-entities", {"limit": "3"})
    assert q.endswith("LIMIT 3") and "{" + "limit}" not in q


# ------------------------------------------------------------------ the .rq files

def test_presets_are_the_rq_files_of_the_package() -> None:
    folder = Path(str(files("kg.schemas"))) / "queries" / "presets"
    assert sorted(presets()) == sorted(f.stem for f in folder.glob("*.rq"))
    for preset in presets().values():
        assert Path(preset.source).name == f"{preset.name}.rq"
        assert "{include" not in preset.template and preset.description and preset.params


def test_fragments_are_included_at_the_indentation_of_their_line() -> None:
    text = ("# preset: p\n# description: d\n# param: a (str, binds ?k): A\n"
            "SELECT * WHERE {\n  {values}\n  {include f}\n}\n")
    preset = parse_preset(text, "p.rq", {"f": "?s ?p ?o .\nFILTER(?k)\n\n  || ?x"})
    assert preset.template == "SELECT * WHERE {\n  {values}\n  ?s ?p ?o .\n  FILTER(?k)\n\n    || ?x\n}"
    (param,) = preset.params
    assert (param.name, param.kind, param.variable, param.optional, param.default) == ("a", "str", "k", False, None)


HEAD = "# preset: p\n# description: d\n"


@pytest.mark.parametrize("text,line,problem", [
    ("# description: d\nSELECT * {}\n", 1, "must start with '# preset: NAME'"),
    (HEAD + "# descripton: typo\nSELECT * {}\n", 3, "bad header line '# descripton: typo'"),
    ("# preset: p\n# preset: q\n# description: d\nSELECT * {}\n", 2, "one '# preset:' line, found 2"),
    ("# preset: p\nSELECT * {}\n", 1, "one '# description:' line, found 0"),
    (HEAD, 3, "no query after the header"),
    (HEAD + "# param: a str: A\nSELECT * { {values} }\n", 3, "bad parameter 'a str: A'"),
    (HEAD + "# param: a (float): A\nSELECT * { {values} }\n", 3, "unknown kind 'float'"),
    (HEAD + "# param: a (str, required): A\nSELECT * { {values} }\n", 3, "unknown attribute 'required'"),
    (HEAD + "# param: a (str, optional, default x): A\nSELECT * { {values} }\n", 3, "both optional"),
    (HEAD + "# param: n (int): N\nSELECT * {} LIMIT {n}\n", 3, "an int needs a default"),
    (HEAD + "# param: n (int, default 5, binds ?n): N\nSELECT * {} LIMIT {n}\n", 3, "binds no variable"),
    (HEAD + "# param: values (str): A\nSELECT * { {values} }\n", 3, "reserved"),
    (HEAD + "# param: a (str): A\n# param: a (str): B\nSELECT * { {values} }\n", 4, "declared twice"),
    (HEAD + "# param: a (str): A\nSELECT * {\n  ?s ?p ?o\n}\n", 4, "'a' is unused: the query has no {values}"),
    (HEAD + "SELECT * {\n  {valuse}\n}\n", 4, "unknown placeholder {valuse}"),
    (HEAD + "SELECT * {\n  {include nope}\n}\n", 4, "unknown fragment 'nope'"),
    (HEAD + "# param: a (str, optional): A\nSELECT * {\n  {values}\n  {end_a}\n}\n", 6,
     "{end_a} without {if_a}"),
    (HEAD + "# param: a (str, optional): A\nSELECT * {\n  {values} {if_a}{if_a}\n}\n", 5,
     "optional parts do not nest"),
    (HEAD + "# param: a (str, optional): A\nSELECT * {\n  {values} {if_a}\n}\n", 4, "has no {end_a}"),
])
def test_a_bad_rq_file_is_an_error_naming_its_line(text: str, line: int, problem: str) -> None:
    with pytest.raises(InputError) as error:
        parse_preset(text, "queries/presets/p.rq")
    assert str(error.value).startswith(f"queries/presets/p.rq:{line}: ")
    assert problem in str(error.value)
