"""kg push against a real Oxigraph server on loopback, directly or through a relay that
checks credentials, counts the bytes it receives and injects faults (refusals, resets,
lost answers); and against a server that trickles its answer one byte at a time."""

import base64
import hashlib
import json
import secrets
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Collection, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from kg.build import build
from kg.cli.main import main
from kg.errors import EndpointError
from kg.settings import Settings
from kg.store.generation import resolve
from kg.store.push import push, query_endpoint_for, update_endpoint_for
from kg.store.targets import staging_iri

pytestmark = pytest.mark.server
GRAPH = "https://example.org/graphs/kg"
KG_GRAPHS = "https://w3id.org/kg/graph/"
# what someone else keeps in the same store: a push must never touch it
OTHER_GRAPH = "https://other.example/graphs/theirs"
OTHER = {("<https://other.example/a>", "<https://other.example/p>", '"theirs 1"'),
         ("<https://other.example/b>", "<https://other.example/p>", '"theirs 2"')}
DEFAULT = {("<https://other.example/c>", "<https://other.example/p>", '"in the default graph"')}
STALE_GRAPH = KG_GRAPHS + "arxiv:1999.99999"  # a paper graph an earlier build pushed
STALE = {("<https://w3id.org/kg/paper/arxiv:1999.99999>", "<http://purl.org/dc/terms/title>", '"old"')}
OLD = {("<https://example.org/old>", "<https://example.org/p>", f'"old {i}"') for i in range(10)}


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


def sparql(url: str, query: str) -> list[dict[str, Any]]:
    q = urllib.parse.urlencode({"query": query})
    req = urllib.request.Request(f"{url}/query?{q}", headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(req) as r:
        return list(json.load(r)["results"]["bindings"])


def count(url: str, pattern: str) -> int:
    return int(sparql(url, f"SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}")[0]["n"]["value"])


def term(b: dict[str, str]) -> str:
    return f"<{b['value']}>" if b["type"] == "uri" else json.dumps(b["value"])


def triples(url: str, graph: str | None) -> set[tuple[str, ...]]:
    """The triples of one graph of the server (None: the default graph)."""
    pattern = f"GRAPH <{graph}> {{ ?s ?p ?o }}" if graph else "?s ?p ?o"
    return {(term(r["s"]), term(r["p"]), term(r["o"])) for r in sparql(url, f"SELECT * WHERE {{ {pattern} }}")}


def update(url: str, text: str) -> None:
    req = urllib.request.Request(f"{url}/update", data=text.encode(), method="POST",
                                 headers={"Content-Type": "application/sparql-update"})
    urllib.request.urlopen(req).close()


def seed(url: str, graph: str | None = None, extra: Collection[tuple[str, ...]] = ()) -> None:
    """Someone else's named graph and default-graph triples, a stale kg graph, and ``extra``
    triples in ``graph`` (an old version of the target)."""
    def lines(ts: Collection[tuple[str, ...]]) -> str:
        return " ".join(f"{s} {p} {o} ." for s, p, o in ts)
    body = f"GRAPH <{OTHER_GRAPH}> {{ {lines(OTHER)} }} GRAPH <{STALE_GRAPH}> {{ {lines(STALE)} }} {lines(DEFAULT)}"
    if extra:
        body += f" GRAPH <{graph}> {{ {lines(extra)} }}" if graph else f" {lines(extra)}"
    update(url, f"INSERT DATA {{ {body} }}")


def assert_untouched(url: str, default_too: bool = True) -> None:
    assert triples(url, OTHER_GRAPH) == OTHER
    if default_too:
        assert DEFAULT <= triples(url, None)


# ---------------------------------------------------------------- a relay with faults

class Relay(ThreadingHTTPServer):
    """Forwards to a real server; can demand credentials, count bytes and inject faults.

    ``faults[(kind, n)]`` acts on the n-th request of a kind ("PUT", "POST", "GET", "HEAD",
    "DELETE", "UPDATE" for the update service) that passed the credential check: an HTTP
    status to answer instead, "reset" (close without answering, nothing forwarded),
    "lose-answer" (forward, then close without answering) or "drop-line" (forward all but
    the first line of the body).
    """

    daemon_threads = True

    def __init__(self, upstream: str) -> None:
        super().__init__(("127.0.0.1", 0), RelayHandler)
        self.upstream = upstream
        self.url = f"http://127.0.0.1:{self.server_port}"
        self.faults: dict[tuple[str, int], int | str] = {}
        self.auth: tuple[str, str, str] | None = None  # scheme, user, password
        self.nonce = secrets.token_hex(16)
        self.log: list[dict[str, Any]] = []  # every request: kind, bytes, authorised, target
        self.lock = threading.Lock()
        self.hook: Callable[[str, int], None] | None = None  # called before forwarding a request

    def seen(self, kind: str) -> int:
        return sum(1 for r in self.log if r["kind"] == kind and r["authorised"])


class RelayHandler(BaseHTTPRequestHandler):
    server: Relay

    def log_message(self, *args: object) -> None:
        pass

    def _answer(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _authorised(self) -> bool:
        if self.server.auth is None:
            return True
        scheme, user, password = self.server.auth
        given = self.headers.get("Authorization", "")
        if scheme == "basic":
            return given == "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()
        if not given.startswith("Digest "):
            return False
        f = urllib.request.parse_keqv_list(urllib.request.parse_http_list(given[7:]))
        h = lambda t: hashlib.md5(t.encode()).hexdigest()  # noqa: E731
        ha1, ha2 = h(f"{user}:kg-test:{password}"), h(f"{self.command}:{f.get('uri')}")
        expected = h(f"{ha1}:{self.server.nonce}:{f.get('nc')}:{f.get('cnonce')}:auth:{ha2}")
        return f.get("nonce") == self.server.nonce and f.get("response") == expected and f.get("uri") == \
            urllib.parse.urlsplit(self.path)._replace(scheme="", netloc="").geturl()

    def _handle(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        parts = urllib.parse.urlsplit(self.path)  # a proxy gets the absolute URL
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        kind = "UPDATE" if parts.path.startswith("/update") and self.command == "POST" else self.command
        ok = self._authorised()
        with self.server.lock:
            self.server.log.append({"kind": kind, "bytes": len(body), "authorised": ok, "target": self.path})
            n = self.server.seen(kind)
        if not ok:
            scheme = self.server.auth[0] if self.server.auth else "basic"
            challenge = ('Basic realm="kg-test"' if scheme == "basic" else
                         f'Digest realm="kg-test", nonce="{self.server.nonce}", qop="auth", '
                         'algorithm=MD5, opaque="x"')
            self._answer(401, b"unauthorised", {"WWW-Authenticate": challenge})
            return
        fault = self.server.faults.get((kind, n))
        if isinstance(fault, int):
            self._answer(fault, b"injected failure")
            return
        if fault == "reset":
            self.close_connection = True
            return
        if fault == "drop-line":
            body = body.split(b"\n", 1)[1]
        if self.server.hook is not None:
            self.server.hook(kind, n)
        headers = {k: v for k, v in self.headers.items() if k.lower() in ("content-type", "accept")}
        req = urllib.request.Request(self.server.upstream + path, data=body if body or self.command in
                                     ("PUT", "POST") else None, method=self.command, headers=headers)
        try:
            with urllib.request.urlopen(req) as r:
                status, data, ctype = r.status, r.read(), r.headers.get("Content-Type", "text/plain")
        except urllib.error.HTTPError as e:
            status, data, ctype = e.code, e.read(), e.headers.get("Content-Type", "text/plain")
        if fault == "lose-answer":
            self.close_connection = True
            return
        self._answer(status, data, {"Content-Type": ctype})

    do_GET = do_PUT = do_POST = do_HEAD = do_DELETE = _handle


@pytest.fixture
def relay(server: str) -> Iterator[Relay]:
    r = Relay(server)
    thread = threading.Thread(target=r.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield r
    r.shutdown()
    r.server_close()


def via(r: Relay) -> dict[str, str]:
    return {"endpoint": f"{r.url}/store", "query_endpoint": f"{r.url}/query", "update_endpoint": f"{r.url}/update"}


# ---------------------------------------------------------------- pushes that work

def test_push_to_named_graph_in_chunks(server: str, built: tuple[Path, int, int]) -> None:
    out, _, distinct = built
    s = push(out, f"{server}/store", graph=GRAPH, chunk_triples=50, replace=True)
    assert s.sent == distinct and s.remote_count == distinct and s.replaced == f"graph <{GRAPH}>"
    assert s.chunks == -(-distinct // 50) > 1
    assert count(server, f"GRAPH <{GRAPH}> {{ ?s ?p ?o }}") == distinct
    # pushing again with --replace does not duplicate; without it adds nothing new
    assert push(out, f"{server}/store", graph=GRAPH, chunk_triples=70, replace=True).remote_count == distinct
    assert push(out, f"{server}/store", graph=GRAPH).remote_count == distinct
    assert count(server, "?s ?p ?o") == 0  # the default graph is untouched
    assert count(server, "GRAPH ?g { ?s ?p ?o }") == distinct  # no staging graph is left


def test_push_to_default_graph_with_cli(server: str, built: tuple[Path, int, int],
                                        capsys: pytest.CaptureFixture[str]) -> None:
    out, _, distinct = built
    code = main(["push", "--endpoint", f"{server}/store", "--default-graph", "--store", str(out),
                 "--replace", "--format", "json"])
    assert code == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["remote_count"] == summary["sent"] == distinct
    assert count(server, "?s ?p ?o") == distinct


def test_push_dataset_puts_kg_graphs_under_its_namespace(server: str, built: tuple[Path, int, int]) -> None:
    out, quads, _ = built
    s = push(out, f"{server}/store", replace=True, chunk_triples=40)
    assert s.graph == "dataset" and s.remote_count == s.sent == quads
    assert s.replaced == f"kg's graphs under <{KG_GRAPHS}>"
    assert count(server, f"GRAPH <{KG_GRAPHS}arxiv:2401.00003> {{ ?s ?p ?o }}") > 0
    # the corpus-level triples (the build's default graph) go to kg's own corpus graph
    assert count(server, f"GRAPH <{KG_GRAPHS}corpus> {{ ?s ?p ?o }}") > 0
    assert count(server, "?s ?p ?o") == 0
    assert push(out, f"{server}/store").remote_count == quads  # adding again changes nothing


# ---------------------------------------------------------------- case 1: --replace wipes the store

def test_replace_without_graph_keeps_everything_kg_did_not_write(server: str, built: tuple[Path, int, int],
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    out, quads, _ = built
    seed(server)
    code = main(["push", "--endpoint", f"{server}/store", "--store", str(out), "--replace", "--format", "json"])
    summary = json.loads(capsys.readouterr().out)
    assert_untouched(server)  # someone else's named graph and the default graph survive
    assert triples(server, None) == DEFAULT
    assert code == 0 and summary["remote_count"] == quads
    assert summary["replaced"] == f"kg's graphs under <{KG_GRAPHS}>"  # says what it replaced
    assert count(server, f"GRAPH <{STALE_GRAPH}> {{ ?s ?p ?o }}") == 0  # kg's stale graph is replaced


KINDS = {
    "default graph": dict(default_graph=True),
    "default graph --replace": dict(default_graph=True, replace=True),
    "named graph": dict(graph=GRAPH),
    "named graph --replace": dict(graph=GRAPH, replace=True),
    "dataset": dict(),
    "dataset --replace": dict(replace=True),
}


@pytest.mark.parametrize("kind", KINDS)
def test_unrelated_graphs_survive_every_kind_of_push(server: str, built: tuple[Path, int, int], kind: str) -> None:
    out, quads, distinct = built
    seed(server)
    s = push(out, f"{server}/store", chunk_triples=60, **KINDS[kind])  # type: ignore[arg-type]
    # --default-graph --replace replaces the default graph it names; nothing else replaces it
    assert_untouched(server, default_too=kind != "default graph --replace")
    expected = quads if s.graph == "dataset" else distinct
    assert s.remote_count is not None
    assert s.remote_count == expected if s.replaced else s.remote_count >= expected
    if kind == "default graph --replace":
        assert not DEFAULT & triples(server, None) and count(server, "?s ?p ?o") == distinct
    assert count(server, "GRAPH ?g { ?s ?p ?o } FILTER(STRSTARTS(STR(?g), 'urn:kg:staging:'))") == 0


@pytest.mark.parametrize("kind", ["named graph", "named graph --replace", "dataset", "dataset --replace"])
def test_unrelated_graphs_survive_a_push_that_fails_midway(relay: Relay, built: tuple[Path, int, int],
                                                           kind: str) -> None:
    out, _, _ = built
    seed(relay.upstream)
    relay.faults[("POST", 2)] = 500
    with pytest.raises(EndpointError, match=r"POST of chunk [23] .*HTTP 500"):
        push(out, chunk_triples=50, **via(relay), **KINDS[kind])  # type: ignore[arg-type]
    assert_untouched(relay.upstream)
    assert triples(relay.upstream, STALE_GRAPH) == STALE  # a failed replace replaced nothing


# ---------------------------------------------------------------- case 3: a failed --replace half-replaces

def test_failed_replace_leaves_the_target_as_it_was(relay: Relay, built: tuple[Path, int, int]) -> None:
    out, _, distinct = built
    seed(relay.upstream, GRAPH, OLD)
    relay.faults[("POST", 2)] = 500  # the third chunk (the first is a PUT)
    with pytest.raises(EndpointError) as e:
        push(out, graph=GRAPH, replace=True, chunk_triples=50, **via(relay))
    message = str(e.value)
    assert "POST of chunk 3 (101-150)" in message and "HTTP 500" in message
    assert f"nothing was replaced: graph <{GRAPH}> is as it was" in message
    assert f"removed from the staging graph <{staging_iri(GRAPH)}>" in message
    assert triples(relay.upstream, GRAPH) == OLD  # not half-replaced
    assert count(relay.upstream, f"GRAPH <{staging_iri(GRAPH)}> {{ ?s ?p ?o }}") == 0
    # a rerun converges
    relay.faults.clear()
    assert push(out, graph=GRAPH, replace=True, chunk_triples=50, **via(relay)).remote_count == distinct
    assert not OLD & triples(relay.upstream, GRAPH)


def test_failed_dataset_replace_leaves_kg_graphs_as_they_were(relay: Relay, built: tuple[Path, int, int]) -> None:
    out, quads, _ = built
    seed(relay.upstream)
    relay.faults[("POST", 3)] = 503
    relay.faults[("POST", 4)] = 503
    relay.faults[("POST", 5)] = 503
    relay.faults[("POST", 6)] = 503
    with pytest.raises(EndpointError, match=r"HTTP 503 .*nothing was replaced: kg's graphs under .* are as they were"):
        push(out, replace=True, chunk_triples=50, retries=3, backoff=0.01, **via(relay))
    assert relay.seen("POST") == 6  # chunk 3 was tried four times
    assert triples(relay.upstream, STALE_GRAPH) == STALE and count(relay.upstream, "GRAPH ?g { ?s ?p ?o }") == 3
    relay.faults.clear()
    assert push(out, replace=True, chunk_triples=50, **via(relay)).remote_count == quads
    assert count(relay.upstream, f"GRAPH <{STALE_GRAPH}> {{ ?s ?p ?o }}") == 0


def test_a_staging_graph_that_lost_triples_is_not_swapped_in(relay: Relay, built: tuple[Path, int, int]) -> None:
    out, _, distinct = built
    seed(relay.upstream, GRAPH, OLD)
    relay.faults[("POST", 1)] = "drop-line"  # the endpoint silently loses a triple
    with pytest.raises(EndpointError, match=rf"counts {distinct - 1} of the {distinct} triples sent to the "
                                            r"staging graph .*nothing was replaced"):
        push(out, graph=GRAPH, replace=True, chunk_triples=100, **via(relay))
    assert triples(relay.upstream, GRAPH) == OLD


def test_adding_that_lost_triples_is_an_error(relay: Relay, built: tuple[Path, int, int]) -> None:
    out, _, distinct = built
    relay.faults[("POST", 1)] = "drop-line"
    with pytest.raises(EndpointError, match=rf"push incomplete: sent {distinct} triples .* counts {distinct - 1}"):
        push(out, graph=GRAPH, **via(relay))


def test_a_failed_swap_says_what_the_remote_holds(relay: Relay, built: tuple[Path, int, int]) -> None:
    out, _, distinct = built
    seed(relay.upstream, GRAPH, OLD)
    relay.faults[("UPDATE", 1)] = "reset"  # the connection drops before the update arrives
    with pytest.raises(EndpointError) as e:
        push(out, graph=GRAPH, replace=True, **via(relay))
    assert f"the move did not happen: graph <{GRAPH}> is as it was ({len(OLD)} triples) and the staging " \
           f"graph <{staging_iri(GRAPH)}> holds the {distinct} new ones; a rerun" in str(e.value)
    assert relay.seen("UPDATE") == 1  # an update is not repeated blindly
    assert triples(relay.upstream, GRAPH) == OLD
    relay.faults = {("UPDATE", 2): "lose-answer"}  # applied, but the answer never comes back
    s = push(out, graph=GRAPH, replace=True, **via(relay))
    assert s.remote_count == distinct == count(relay.upstream, f"GRAPH <{GRAPH}> {{ ?s ?p ?o }}")
    assert count(relay.upstream, f"GRAPH <{staging_iri(GRAPH)}> {{ ?s ?p ?o }}") == 0


# ---------------------------------------------------------------- case 15: timeouts, retries, auth

def test_idempotent_requests_are_retried_with_backoff(relay: Relay, built: tuple[Path, int, int]) -> None:
    out, _, distinct = built
    relay.faults = {("PUT", 1): 503, ("POST", 1): "reset", ("GET", 1): 502, ("POST", 3): "lose-answer"}
    s = push(out, graph=GRAPH, replace=True, chunk_triples=50, retries=2, backoff=0.01, **via(relay))
    assert s.remote_count == distinct
    assert relay.seen("PUT") == 2 and relay.seen("POST") == s.chunks - 1 + 2


def test_a_post_with_blank_nodes_is_not_repeated(relay: Relay, tmp_path: Path) -> None:
    import pyoxigraph as ox

    from kg.store.embedded import open_store, store_path

    store = open_store(store_path(tmp_path))
    store.add(ox.Quad(ox.BlankNode(), ox.NamedNode("https://example.org/p"), ox.Literal("x")))
    del store
    relay.faults[("POST", 1)] = "reset"
    with pytest.raises(EndpointError, match=r"cannot reach .*POST of chunk 1 .*nothing was added"):
        push(tmp_path, graph=GRAPH, retries=3, backoff=0.01, **via(relay))
    assert relay.seen("POST") == 1  # repeating it would add a second blank node


class Trickle(threading.Thread):
    """Answers every request with a status line, then one header byte every 50 ms for 20 s."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.connections = 0
        self.finished = False  # trickled to the end: the client never gave up

    def run(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._trickle, args=(conn,), daemon=True).start()

    def _trickle(self, conn: socket.socket) -> None:
        with conn:
            try:
                conn.recv(65536)
                conn.sendall(b"HTTP/1.1 200 OK\r\nX-Slow: ")
                for _ in range(400):
                    conn.sendall(b"z")
                    time.sleep(0.05)
                self.finished = True
            except OSError:
                return


@pytest.fixture
def trickle() -> Iterator[Trickle]:
    t = Trickle()
    t.start()
    yield t
    t.sock.close()


def test_timeout_stops_a_server_that_trickles_bytes(trickle: Trickle, built: tuple[Path, int, int]) -> None:
    out, _, _ = built
    with pytest.raises(EndpointError) as e:
        push(out, f"{trickle.url}/store", graph=GRAPH, timeout=0.5, retries=0)
    assert not trickle.finished and trickle.connections == 1  # it gave up while the server trickled
    assert f"{trickle.url}/store?graph=" in str(e.value) and "did not answer POST of chunk 1" in str(e.value)
    assert "within 0.5 s (--timeout)" in str(e.value)


def test_deadline_bounds_the_whole_push_retries_included(trickle: Trickle, built: tuple[Path, int, int],
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    out, _, _ = built
    code = main(["push", "--endpoint", f"{trickle.url}/store", "--graph", GRAPH, "--store", str(out),
                 "--timeout", "0.4", "--deadline", "3", "--retries", "50"])
    err = capsys.readouterr().err
    assert code == 2 and len(err.splitlines()) == 1 and "--deadline" in err and f"{trickle.url}/store" in err
    # tries at 0, 0.9 and 2.3 s (0.4 s each, backoff 0.5 s doubling), then the 2 s pause would pass
    # the deadline; a loaded machine may fit one try fewer; without the deadline there would be 51
    assert not trickle.finished and 1 < trickle.connections < 5


@pytest.mark.parametrize("scheme", ["basic", "digest"])
def test_each_chunk_is_uploaded_once_with_auth(relay: Relay, built: tuple[Path, int, int], scheme: str) -> None:
    out, _, distinct = built
    relay.auth = (scheme, "kg", "s3cret")
    s = push(out, graph=GRAPH, replace=True, chunk_triples=50, user="kg", password="s3cret", auth=scheme,
             **via(relay))
    assert s.remote_count == distinct
    uploads = [r for r in relay.log if r["kind"] in ("PUT", "POST")]
    assert len(uploads) == s.chunks and all(r["authorised"] for r in uploads)
    received = sum(r["bytes"] for r in relay.log)
    accepted = sum(r["bytes"] for r in relay.log if r["authorised"])
    assert received == accepted > 0  # no byte was sent to be refused
    # Digest: a HEAD preflight for each path that takes a body (/store, /update), and the first
    # (body-less) GET of the count query; Basic: nothing is refused
    refused = sorted(r["kind"] for r in relay.log if not r["authorised"])
    assert refused == (["GET", "HEAD", "HEAD"] if scheme == "digest" else [])


def test_wrong_password_fails_after_one_upload(relay: Relay, built: tuple[Path, int, int],
                                               capsys: pytest.CaptureFixture[str]) -> None:
    out, _, _ = built
    relay.auth = ("digest", "kg", "s3cret")
    code = main(["push", "--endpoint", f"{relay.url}/store", "--graph", GRAPH, "--store", str(out),
                 "--user", "kg", "--password", "wrong", "--auth", "digest"])
    err = capsys.readouterr().err
    assert code == 2 and "HTTP 401" in err and "credentials were not accepted" in err
    assert [r["kind"] for r in relay.log] == ["HEAD", "POST"]


def test_wrong_auth_scheme_names_the_one_asked_for(relay: Relay, built: tuple[Path, int, int]) -> None:
    out, _, _ = built
    relay.auth = ("digest", "kg", "s3cret")
    with pytest.raises(EndpointError, match=r"HTTP 401 .*\(the endpoint asks for digest: --auth\)"):
        push(out, graph=GRAPH, user="kg", password="s3cret", auth="basic", **via(relay))
    relay.auth = ("basic", "kg", "s3cret")
    with pytest.raises(EndpointError, match=r"HTTP 401 .*\(it needs --user and --password\)"):
        push(out, graph=GRAPH, **via(relay))


def test_push_through_the_environment_proxy(relay: Relay, built: tuple[Path, int, int],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    out, _, distinct = built
    for name in ("no_proxy", "NO_PROXY", "HTTP_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("http_proxy", relay.url)
    s = push(out, "http://triples.invalid/store", graph=GRAPH, query_endpoint="http://triples.invalid/query")
    assert s.remote_count == distinct
    assert all(r["target"].startswith("http://triples.invalid/") for r in relay.log)


# ---------------------------------------------------------------- errors

def test_closed_port_fails_cleanly_with_exit_2(built: tuple[Path, int, int],
                                               capsys: pytest.CaptureFixture[str]) -> None:
    out, _, _ = built
    port = free_port()
    code = main(["push", "--endpoint", f"http://127.0.0.1:{port}/store", "--graph", GRAPH, "--store", str(out),
                 "--retries", "0"])
    err = capsys.readouterr().err
    assert code == 2 and len(err.splitlines()) == 1
    assert err.startswith(f"kg push: error: cannot reach http://127.0.0.1:{port}/store?graph=")


def test_dataset_push_refuses_graphs_outside_the_build_namespace(relay: Relay, built: tuple[Path, int, int],
                                                                 tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    out, _, _ = built
    copy = tmp_path / "out"
    shutil.copytree(out, copy)
    info = json.loads((copy / "build.json").read_text(encoding="utf-8"))
    info["settings"]["base_iri"] = "https://example.org/elsewhere/"
    (copy / "build.json").write_text(json.dumps(info), encoding="utf-8")
    code = main(["push", "--endpoint", f"{relay.url}/store", "--store", str(copy), "--replace"])
    err = capsys.readouterr().err
    assert code == 2 and "is not one of kg's paper graphs under <https://example.org/elsewhere/graph/>" in err
    assert relay.log == []  # refused before anything was sent


@pytest.mark.parametrize("status", [403, 500])
def test_refusing_endpoint_fails_cleanly(relay: Relay, built: tuple[Path, int, int],
                                         status: int, capsys: pytest.CaptureFixture[str]) -> None:
    out, _, _ = built
    relay.faults[("POST", 1)] = status
    code = main(["push", "--endpoint", f"{relay.url}/store", "--graph", GRAPH, "--store", str(out),
                 "--chunk-triples", "10"])
    err = capsys.readouterr().err
    assert code == 2 and len(err.splitlines()) == 1
    assert f"HTTP {status}" in err and "POST of chunk 1 " in err and "nothing was added" in err
    assert relay.seen("POST") == 1  # stopped at the first refused chunk; 403 and 500 are not retried


def test_bad_arguments() -> None:
    with pytest.raises(EndpointError, match="bad graph IRI"):
        push("nowhere", "http://127.0.0.1:1/store", graph="not an iri")
    with pytest.raises(EndpointError, match="expected an http"):
        push("nowhere", "ftp://example.org/store", graph=GRAPH)
    with pytest.raises(EndpointError, match="bad timeout"):
        push("nowhere", "http://127.0.0.1:1/store", graph=GRAPH, timeout=0)
    assert query_endpoint_for("http://h:8890/sparql-graph-crud-auth") == "http://h:8890/sparql"
    assert update_endpoint_for("http://h:3030/ds/data") == "http://h:3030/ds/update"


def test_a_build_during_a_push_does_not_change_what_the_push_sends(relay: Relay, built: tuple[Path, int, int],
                                                                  tmp_path: Path, nlp: Any) -> None:
    # regression: the push opened the store again for each pass, so a build finishing
    # meanwhile could delete the store under it or hand it the next build's triples
    out = tmp_path / "out"
    shutil.copytree(built[0], out, symlinks=True)
    distinct = built[2]
    more = tmp_path / "more.jsonl"
    more.write_text('{"id": "2401.00077", "title": "GraftNet: Grafting Layers", "abstract": '
                    '"We propose GraftNet, trained on ImageNet."}\n', encoding="utf-8")
    rebuilt: list[int] = []
    pushed = resolve(out)
    assert pushed is not None
    kept: list[bool] = []

    def rebuild(kind: str, n: int) -> None:
        if kind == "POST" and n == 1 and not rebuilt:
            rebuilt.append(build([more], out, Settings(link_max_df=1.0, link_min_weight=0.1),
                                 progress=False, nlp=nlp).papers)
            kept.append(pushed.root.is_dir())  # the build left the generation the push reads

    relay.hook = rebuild
    s = push(out, f"{relay.url}/store", graph=GRAPH, chunk_triples=40, replace=True)
    assert rebuilt == [built_papers(built[0]) + 1]  # the build ran while chunks were still to go
    assert relay.seen("POST") > 1 and kept == [True]
    assert s.sent == s.remote_count == distinct
    assert count(relay.upstream, f"GRAPH <{GRAPH}> {{ ?s ?p ?o }}") == distinct


def built_papers(out: Path) -> int:
    return len((out / "papers.jsonl").read_text(encoding="utf-8").splitlines())
