"""kg push against a real Oxigraph server on loopback, and against failing endpoints."""

import json
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from kg.build import build
from kg.cli.main import main
from kg.errors import EndpointError
from kg.settings import Settings
from kg.store.push import push, query_endpoint_for

pytestmark = pytest.mark.server
GRAPH = "https://example.org/graphs/kg"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def oxigraph_cli() -> str:
    found = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
    if not Path(found).exists():
        pytest.skip("the oxigraph server (PyPI package oxigraph) is not installed")
    return found


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    port = free_port()
    proc = subprocess.Popen([oxigraph_cli(), "serve", "--location", str(tmp_path / "oxi"),
                             "--bind", f"127.0.0.1:{port}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                with urllib.request.urlopen(f"{url}/query?query=ASK%7B%7D", timeout=1):
                    break
            except OSError:
                if proc.poll() is not None:
                    pytest.fail(f"oxigraph did not start: {proc.stderr.read().decode() if proc.stderr else ''}")
                time.sleep(0.05)
        else:
            pytest.fail("oxigraph did not answer")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, nlp: Any) -> tuple[Path, int, int]:
    """A build, its number of quads and of distinct triples."""
    out = tmp_path_factory.mktemp("push") / "out"
    fixtures = Path(__file__).parent / "fixtures" / "store"
    s = build([fixtures / "first.jsonl", fixtures / "second.jsonl"], out,
              Settings(link_max_df=1.0, link_min_weight=0.1), progress=False, nlp=nlp)
    from kg.store.embedded import query_output

    distinct = query_output(out, "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o { ?s ?p ?o } }").rows[0][0]
    return out, s.triples, distinct


def count(url: str, pattern: str) -> int:
    q = urllib.parse.urlencode({"query": f"SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}"})
    req = urllib.request.Request(f"{url}/query?{q}", headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(req) as r:
        return int(json.load(r)["results"]["bindings"][0]["n"]["value"])


def test_push_to_named_graph_in_chunks(server: str, built: tuple[Path, int, int]) -> None:
    out, _, distinct = built
    s = push(out, f"{server}/store", graph=GRAPH, chunk_triples=50, replace=True)
    assert s.sent == distinct and s.remote_count == distinct
    assert s.chunks == -(-distinct // 50) > 1
    assert count(server, f"GRAPH <{GRAPH}> {{ ?s ?p ?o }}") == distinct
    # pushing again with --replace does not duplicate; without it adds nothing new
    assert push(out, f"{server}/store", graph=GRAPH, chunk_triples=70, replace=True).remote_count == distinct
    assert push(out, f"{server}/store", graph=GRAPH).remote_count == distinct
    assert count(server, "?s ?p ?o") == 0  # the default graph is untouched


def test_push_to_default_graph_with_cli(server: str, built: tuple[Path, int, int],
                                        capsys: pytest.CaptureFixture[str]) -> None:
    out, _, distinct = built
    code = main(["push", "--endpoint", f"{server}/store", "--default-graph", "--store", str(out),
                 "--replace", "--format", "json"])
    assert code == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["remote_count"] == summary["sent"] == distinct
    assert count(server, "?s ?p ?o") == distinct


def test_push_dataset_keeps_named_graphs(server: str, built: tuple[Path, int, int]) -> None:
    out, quads, _ = built
    s = push(out, f"{server}/store", replace=True, chunk_triples=40)
    assert s.graph == "dataset" and s.remote_count == s.sent == quads
    assert count(server, "GRAPH <https://w3id.org/kg/graph/arxiv:2401.00003> { ?s ?p ?o }") > 0


def test_closed_port_fails_cleanly_with_exit_2(built: tuple[Path, int, int],
                                               capsys: pytest.CaptureFixture[str]) -> None:
    out, _, _ = built
    port = free_port()
    code = main(["push", "--endpoint", f"http://127.0.0.1:{port}/store", "--graph", GRAPH, "--store", str(out)])
    err = capsys.readouterr().err
    assert code == 2 and len(err.splitlines()) == 1
    assert err.startswith(f"kg push: error: cannot reach http://127.0.0.1:{port}/store?graph=")


class Refusing(BaseHTTPRequestHandler):
    """Answers every write with the status in the server's ``status``; counts ``reported`` triples."""

    def log_message(self, *args: object) -> None:
        pass

    def _answer(self, status: int, body: bytes = b"", ctype: str = "text/plain") -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_PUT(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.server.writes += 1  # type: ignore[attr-defined]
        status = self.server.status  # type: ignore[attr-defined]
        self._answer(status, b"Forbidden: read-only endpoint\nsee logs" if status >= 400 else b"")

    do_POST = do_PUT

    def do_GET(self) -> None:
        n = self.server.reported  # type: ignore[attr-defined]
        body = json.dumps({"head": {"vars": ["n"]}, "results": {"bindings": [
            {"n": {"type": "literal", "value": str(n)}}]}}).encode()
        self._answer(200, body, "application/sparql-results+json")


@pytest.fixture
def fake() -> Iterator[ThreadingHTTPServer]:
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Refusing)
    srv.status, srv.writes, srv.reported = 204, 0, 0  # type: ignore[attr-defined]
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()


@pytest.mark.parametrize("status", [403, 500])
def test_refusing_endpoint_fails_cleanly(fake: ThreadingHTTPServer, built: tuple[Path, int, int],
                                         status: int, capsys: pytest.CaptureFixture[str]) -> None:
    out, _, _ = built
    fake.status = status  # type: ignore[attr-defined]
    url = f"http://127.0.0.1:{fake.server_port}/store"
    code = main(["push", "--endpoint", url, "--graph", GRAPH, "--store", str(out), "--chunk-triples", "10"])
    err = capsys.readouterr().err
    assert code == 2 and len(err.splitlines()) == 1
    assert "refused PUT" not in err and f"HTTP {status}" in err and "POST of chunk 1 " in err
    assert fake.writes == 1  # stopped at the first refused chunk  # type: ignore[attr-defined]


def test_count_mismatch_is_an_error(fake: ThreadingHTTPServer, built: tuple[Path, int, int]) -> None:
    out, _, distinct = built
    fake.reported = distinct - 1  # type: ignore[attr-defined]  # the endpoint lost a triple
    url = f"http://127.0.0.1:{fake.server_port}/store"
    with pytest.raises(EndpointError, match=rf"push incomplete: sent {distinct} triples .* counts {distinct - 1}"):
        push(out, url, graph=GRAPH, replace=True, query_endpoint=f"http://127.0.0.1:{fake.server_port}/query")


def test_bad_arguments() -> None:
    with pytest.raises(EndpointError, match="bad graph IRI"):
        push("nowhere", "http://127.0.0.1:1/store", graph="not an iri")
    with pytest.raises(EndpointError, match="expected an http"):
        push("nowhere", "ftp://example.org/store", graph=GRAPH)
    assert query_endpoint_for("http://h:8890/sparql-graph-crud-auth") == "http://h:8890/sparql"
