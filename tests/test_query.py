"""kg query: SPARQL output formats, one-line errors, presets, injection attempts, timeouts and
Ctrl-C, SERVICE clauses and updates."""

import csv
import http.server
import io
import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest

from kg.build import build
from kg.cli.main import main
from kg.errors import InputError, QueryError
from kg.settings import Settings
from kg.store.embedded import dump_nquads, open_store, query_output, store_path
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
    code, text, _ = kg_query(capsys, q, "--store", str(out), "--format", "jsonl")
    assert code == 0
    rows = [json.loads(line) for line in text.splitlines()]
    assert [r["id"] for r in rows] == ["arxiv:2401.00001", "arxiv:2401.00002", "arxiv:2401.00003"]
    assert rows[1]["title"] == "Tuning LLaVA-1.5 with LoRA"
    _, text, _ = kg_query(capsys, q, "--store", str(out), "--format", "json")
    doc = json.loads(text)
    assert doc["head"]["vars"] == ["id", "title"]
    assert doc["results"]["bindings"][1]["title"] == {"type": "literal", "value": "Tuning LLaVA-1.5 with LoRA",
                                                      "xml:lang": "en"}
    _, text, _ = kg_query(capsys, q, "--store", str(out), "--format", "csv")
    assert list(csv.reader(io.StringIO(text)))[0] == ["id", "title"] and len(text.splitlines()) == 4
    _, text, _ = kg_query(capsys, q, "--store", str(out), "--format", "tsv")
    assert text.splitlines()[0] == "?id\t?title"
    assert text.splitlines()[1].split("\t") == ['"arxiv:2401.00001"', '"FlowNet: Video Generation with Flows"@en']
    _, text, _ = kg_query(capsys, q, "--store", str(out))
    assert text.splitlines()[0].split() == ["id", "title"] and "arxiv:2401.00003" in text


def test_ask_construct_describe_and_file(out: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, text, _ = kg_query(capsys, PREFIX + "ASK { ?p kg:proposes ?e }", "--store", str(out), "--format", "json")
    assert json.loads(text) == {"head": {}, "boolean": True}
    _, text, _ = kg_query(capsys, PREFIX + "ASK { ?p kg:proposes <urn:nothing> }", "--store", str(out), "--format", "csv")
    assert text == "false\n"
    _, text, _ = kg_query(capsys, PREFIX + "ASK { ?p kg:proposes <urn:nothing> }", "--store", str(out))
    assert text.splitlines() == ["result", "------", "False"]
    q = PREFIX + "CONSTRUCT { ?e kg:proposedBy ?p } WHERE { ?p kg:proposes ?e }"
    _, text, _ = kg_query(capsys, q, "--store", str(out), "--format", "jsonl")
    triples = [json.loads(line) for line in text.splitlines()]
    assert triples and all(t["predicate"] == "<https://w3id.org/kg/vocab#proposedBy>" for t in triples)
    assert {t["object"] for t in triples} >= {"<https://w3id.org/kg/paper/arxiv:2401.00001>"}
    rq = tmp_path / "q.rq"
    rq.write_text("DESCRIBE <https://w3id.org/kg/entity/method/lora>\n")
    _, text, _ = kg_query(capsys, "--file", str(rq), "--store", str(out), "--format", "tsv")
    lines = [line.split("\t") for line in text.splitlines()]
    assert lines[0] == ["?subject", "?predicate", "?object"]
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
    argv = ["--preset", preset, "--store", str(out), "--format", "jsonl"]
    for p in params:
        argv += ["--param", p]
    code, text, err = kg_query(capsys, *argv)
    assert code == 0, err
    return [json.loads(line) for line in text.splitlines()]


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
        # a plain value, naming nothing: said so, in one line
        code, text, err = kg_query(capsys, "--preset", preset, "--param", f"{param}={value}",
                                   "--store", str(out))
        assert (code, text, err.count("\n")) == (2, "", 1), err
        assert f" {value!r} in the store (--param {param})" in err, err
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


# ------------------------------------------------------------------ timeouts, Ctrl-C (issue 12, case 13)

# a cartesian product of the store with itself four times: days of work for pyoxigraph,
# and an aggregate, so no row comes back before the end (checks between rows cannot stop it)
CARTESIAN_COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def kg_process(*argv: str, **kw: Any) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "kg", *argv], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, **kw)


def processes_with(marker: str) -> list[int]:
    """Pids of the processes whose command line holds ``marker`` (the query and its child)."""
    pids = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                if marker.encode() in (proc / "cmdline").read_bytes():
                    pids.append(int(proc.name))
            except OSError:
                pass
    return pids


def test_cartesian_query_stops_at_the_timeout(out: Path) -> None:
    marker = f"# kg-test-{uuid.uuid4()}"
    proc = kg_process("query", f"{CARTESIAN_COUNT} {marker}", "--store", str(out), "--timeout", "0.5")
    try:
        _, err = proc.communicate(timeout=120)  # a hang guard, not a time measurement
    finally:
        proc.kill()
    assert proc.returncode == 2, err
    assert err.splitlines() == [err.strip()] and "Traceback" not in err
    assert err.startswith("kg query: error: query stopped after 0.5 s (--timeout)")
    assert processes_with(marker) == []  # the evaluating child went with it


@pytest.fixture
def terminal_sigint() -> Iterator[None]:
    """SIGINT handled as in a process started at a terminal, for the length of a test.

    A test run started in the background by a shell without job control (``cmd &`` in a
    script) inherits SIGINT ignored, and so does every process it starts: a Ctrl-C test
    would then measure the shell, not kg (its query ran to the 600 s timeout)."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


@pytest.mark.usefixtures("terminal_sigint")
def test_ctrl_c_stops_a_running_query(out: Path) -> None:
    marker = f"# kg-test-{uuid.uuid4()}"
    # its own session, so that the SIGINT goes to its process group, as a terminal's Ctrl-C does
    proc = kg_process("query", f"{CARTESIAN_COUNT} {marker}", "--store", str(out), "--timeout", "600",
                      start_new_session=True)
    try:
        for _ in range(600):  # until the query and its evaluating child both run
            if len(processes_with(marker)) >= 2 or proc.poll() is not None:
                break
            time.sleep(0.05)
        assert len(processes_with(marker)) == 2, proc.communicate()
        os.killpg(proc.pid, signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 130
    assert err == "kg query: interrupted\n"
    assert processes_with(marker) == []


def test_rows_of_a_lazy_cartesian_select_stop_at_the_timeout(out: Path) -> None:
    with pytest.raises(QueryError, match=r"^query stopped after 0.3 s"):
        query_output(out, "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }", timeout=0.3)
    # what finishes in time gives the same answer in the child as in this process
    q = PREFIX + "SELECT ?id WHERE { ?p dcterms:identifier ?id } ORDER BY ?id"
    assert query_output(out, q, timeout=30) == query_output(out, q)
    ask = PREFIX + "ASK { ?p kg:proposes ?e }"
    assert query_output(out, ask, timeout=30).boolean is True
    with pytest.raises(QueryError, match="malformed SPARQL query"):
        query_output(out, "SELECT ?x WHERE {", timeout=30)


@pytest.mark.parametrize("value", ["-1", "soon", "nan", "inf"])
def test_bad_timeout_is_a_usage_error(out: Path, value: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as e:
        main(["query", "ASK {}", "--store", str(out), "--timeout", value])
    assert e.value.code == 2
    assert "--timeout: expected a number of seconds" in capsys.readouterr().err


# ------------------------------------------------------------------ SERVICE (issue 12, case 14)

@pytest.fixture
def endpoint() -> Iterator[tuple[str, list[str]]]:
    """A loopback HTTP server that records every request it gets (and answers 500)."""
    requests: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            requests.append(f"GET {self.path}")
            self.send_error(500)

        def do_POST(self) -> None:
            requests.append(f"POST {self.path}")
            self.send_error(500)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/sparql", requests
    finally:
        server.shutdown()
        server.server_close()


FEDERATED = [
    "SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "select * where {{ ?x ?y ?z OPTIONAL {{ service silent <{url}> {{ ?x ?p ?o }} }} }} LIMIT 1",
    "SELECT * WHERE {{ {{ SELECT ?s WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }} }}",
    "SELECT * WHERE {{ ?s ?p ?o FILTER EXISTS {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }} LIMIT 1",
    "SELECT * WHERE {{ VALUES ?e {{ <{url}> }} SERVICE ?e {{ ?s ?p ?o }} }}",
    "PREFIX ex: <http://e/> SELECT * WHERE {{ ?s ?p ?o . SERVICE <{url}> {{ ?a ex:b << ?c ?d ?e >> }} }}",
]


@pytest.mark.parametrize("template", FEDERATED)
def test_service_clause_is_refused_and_sends_nothing(out: Path, endpoint: tuple[str, list[str]],
                                                     template: str, capsys: pytest.CaptureFixture[str]) -> None:
    url, requests = endpoint
    code, text, err = kg_query(capsys, template.format(url=url), "--store", str(out))
    assert code == 2 and text == ""
    assert err.count("\n") == 1 and "SERVICE clause" in err and "--allow-service" in err, err
    assert requests == []


def test_allow_service_sends_the_request(out: Path, endpoint: tuple[str, list[str]],
                                         capsys: pytest.CaptureFixture[str]) -> None:
    url, requests = endpoint
    code, _, err = kg_query(capsys, FEDERATED[0].format(url=url), "--store", str(out), "--allow-service")
    assert requests  # the server did get it: without the flag, the tests above would see it too
    assert code == 2 and "500" in err and err.count("\n") == 1


@pytest.mark.parametrize("query", [
    PREFIX + 'SELECT ?service WHERE { ?service dcterms:identifier ?id FILTER(?id != "SERVICE") } LIMIT 1',
    "PREFIX service: <http://purl.org/dc/terms/> SELECT ?p WHERE { ?p service:identifier ?id } LIMIT 1",
    "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1 # SERVICE <http://127.0.0.1:1/>",
    "SELECT ?s WHERE { ?s <http://e/SERVICE> ?o . } LIMIT 1",
])
def test_the_word_service_elsewhere_is_not_a_service_clause(out: Path, query: str,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = kg_query(capsys, query, "--store", str(out), "--format", "json")
    assert code == 0, err


# ------------------------------------------------------------------ updates (issue 12, case 16)

@pytest.mark.parametrize("update", [
    "DROP ALL", "INSERT DATA { <a:b> <a:c> <a:d> }", "clear default",
    "PREFIX ex: <http://e/>\nDELETE WHERE { ?s ex:p ?o }",
    "# comment first\nBASE <http://e/>\nLOAD <http://127.0.0.1:1/data.ttl>",
    "WITH <urn:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
])
def test_updates_say_kg_query_is_read_only(out: Path, update: str, capsys: pytest.CaptureFixture[str]) -> None:
    before = dump(out)
    code, text, err = kg_query(capsys, update, "--store", str(out))
    assert (code, text) == (2, "")
    # the wording exactly, not "malformed"
    assert err == "kg query: error: kg query runs read-only queries (SELECT, ASK, CONSTRUCT, DESCRIBE)\n"
    assert dump(out) == before


# ------------------------------------------------------------------ families in presets

@pytest.fixture(scope="module")
def families_out(tmp_path_factory: pytest.TempPathFactory, nlp: Any) -> Path:
    """A build whose papers name LLaVA-1.5-7B (a sized variant only), LLaVA, and Qwen2.5-32B."""
    out = tmp_path_factory.mktemp("families") / "out"
    build([Path(__file__).parent / "fixtures" / "store" / "families.jsonl"], out, Settings(),
          progress=False, nlp=nlp)
    return out


def test_papers_using_a_family_include_papers_naming_only_a_variant(
        families_out: Path, capsys: pytest.CaptureFixture[str]) -> None:
    using = rows(capsys, families_out, "papers-using", "entity=LLaVA")
    assert {(r["id"], r["entity"]) for r in using} == {
        ("arxiv:2402.00001", "LLaVA-1.5-7B"), ("arxiv:2402.00002", "LLaVA")}
    qwen = rows(capsys, families_out, "papers-using", "entity=qwen")  # Qwen: no paper names it alone
    assert [(r["id"], r["entity"]) for r in qwen] == [("arxiv:2402.00003", "Qwen2.5-32B")]
    # a level in the middle, which no paper names alone, reaches its variants too
    middle = rows(capsys, families_out, "papers-using", "entity=llava v1.5")  # a known spelling
    assert [r["id"] for r in middle] == ["arxiv:2402.00001"]


def test_entity_preset_gives_the_family_the_variants_below_and_says_derived(
        families_out: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (llava,) = rows(capsys, families_out, "entity", "name=LLaVA")
    assert set(llava["variants"].split("; ")) == {"LLaVA-1.5", "LLaVA-1.5-7B"}
    assert llava["papers"] == "arxiv:2402.00002" and not llava.get("derived")
    (middle,) = rows(capsys, families_out, "entity", "name=LLaVA-1.5")
    assert middle["family"] == "LLaVA" and middle["support"] == 0 and middle["derived"] is True
    assert middle["variants"] == "LLaVA-1.5-7B" and not middle["papers"]
    (qwen,) = rows(capsys, families_out, "entity", "name=Qwen")
    assert qwen["derived"] is True and set(qwen["variants"].split("; ")) == {"Qwen2.5", "Qwen2.5-32B"}


# ------------------------------------------------------------------ families on the seed build

@pytest.fixture(scope="module")
def seed_out(tmp_path_factory: pytest.TempPathFactory, nlp: Any) -> Path:
    """``kg build`` of ../shared/seeds, once for the module (about 20 s: slow lane)."""
    from conftest import SHARED

    if not (SHARED / "seeds").is_dir():
        pytest.skip(f"{SHARED} is absent (only CI and the team have ../shared)")
    out = tmp_path_factory.mktemp("seeds") / "out"
    build([SHARED / "seeds"], out, Settings(progress=False), progress=False, nlp=nlp)
    return out


SKOS = "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "


def seed_select(out: Path, query: str) -> list[dict[str, str]]:
    store = open_store(store_path(out), read_only=True)
    try:
        result = store.query(PREFIX + SKOS + query, use_default_graph_as_union=True)  # as kg query
        names = [v.value for v in result.variables]
        return [{n: row[n].value for n in names if row[n] is not None} for row in result]
    finally:
        del store


@pytest.mark.shared
@pytest.mark.slow
@pytest.mark.parametrize("variant, family", [("LLaVA-1.5-7B", "LLaVA"), ("Qwen2.5-32B", "Qwen"),
                                             ("Llama-3.1-8B", "LLaMA"), ("LLaVA-OneVision-72B", "LLaVA")])
def test_seed_variants_reach_their_family_through_skos_broader(seed_out: Path, variant: str,
                                                               family: str) -> None:
    roots = seed_select(seed_out, f'SELECT ?root WHERE {{ ?v skos:prefLabel "{variant}" ; '
                        "skos:broader+ ?f . ?f skos:prefLabel ?root . "
                        "FILTER NOT EXISTS { ?f skos:broader ?up } }")
    assert roots == [{"root": family}]


@pytest.mark.shared
@pytest.mark.slow
def test_seed_papers_using_llava_include_a_paper_naming_only_a_sized_variant(
        seed_out: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def papers_naming(label: str) -> set[str]:
        found = seed_select(seed_out, "SELECT ?id WHERE { ?p kg:proposes|kg:uses ?e ; "
                            f'dcterms:identifier ?id . ?e skos:prefLabel "{label}" }}')
        return {r["id"] for r in found}

    only_sized = papers_naming("LLaVA-1.5-7B") - papers_naming("LLaVA")
    assert only_sized  # the seeds have one: it names LLaVA-1.5-7B and LLaVA-NeXT-7B, never LLaVA
    using = {r["id"] for r in rows(capsys, seed_out, "papers-using", "entity=LLaVA")}
    assert only_sized <= using and papers_naming("LLaVA") <= using


def _fork_then_interrupt(monkeypatch: pytest.MonkeyPatch, side: str) -> list[int]:
    """os.fork as it is, then a Ctrl-C (SIGINT) at once on ``side`` ('child' or 'parent'):
    the moment a terminal's Ctrl-C can land before either side has set itself up for it."""
    real_fork, pids = os.fork, []

    def fork() -> int:
        pid = real_fork()
        if (pid == 0) == (side == "child"):
            try:
                # to this thread: the test process has other threads (the store's), which do not
                # block SIGINT; kg query's process has none
                signal.pthread_kill(threading.get_ident(), signal.SIGINT)
                time.sleep(0.05)  # let an unblocked handler run now
            except BaseException:  # noqa: BLE001 - the child must not run pytest on
                if pid == 0:
                    os._exit(99)
                raise
        pids.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", fork)
    return pids


@pytest.mark.usefixtures("terminal_sigint")
def test_a_ctrl_c_at_the_fork_is_ignored_by_the_query_child(out: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from kg.store.bounded import run_bounded

    _fork_then_interrupt(monkeypatch, "child")
    q = PREFIX + "ASK { ?p kg:proposes ?e }"
    assert run_bounded(store_path(out), q, timeout=60).boolean is True  # the child went on


@pytest.mark.usefixtures("terminal_sigint")
def test_a_ctrl_c_at_the_fork_kills_the_query_child(out: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from kg.store.bounded import run_bounded

    pids = _fork_then_interrupt(monkeypatch, "parent")
    with pytest.raises(KeyboardInterrupt):
        run_bounded(store_path(out), f"{CARTESIAN_COUNT}", timeout=600)
    assert len(pids) == 1 and pids[0] > 0
    with pytest.raises(ChildProcessError):  # killed and reaped, not left running
        os.waitpid(pids[0], os.WNOHANG)
