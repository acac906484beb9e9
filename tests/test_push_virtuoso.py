"""kg push against a second real triple store: Debian's Virtuoso (virtuoso-opensource),
started on loopback with its own database directory and ini file, written to with Digest
authentication, checked through its SPARQL endpoint, then stopped.

scripts/install-test-system-deps installs the package; without the binary the tests skip."""

import json
import shutil
import socket
import subprocess
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_push import GRAPH, OTHER, OTHER_GRAPH, built, free_port  # noqa: F401  (built: a fixture)

from kg.cli.main import main
from kg.errors import EndpointError
from kg.store.push import push

pytestmark = [pytest.mark.server, pytest.mark.slow]
USER = PASSWORD = "dba"  # a new Virtuoso database's administrator


def virtuoso_binary() -> str:
    found = shutil.which("virtuoso-t") or ("/usr/bin/virtuoso-t" if Path("/usr/bin/virtuoso-t").exists() else None)
    if found is None:
        pytest.skip("virtuoso-t is not installed (Debian virtuoso-opensource; scripts/install-test-system-deps)")
    return found


INI = """\
[Database]
DatabaseFile       = {d}/virtuoso.db
ErrorLogFile       = {d}/virtuoso.log
LockFile           = {d}/virtuoso.lck
TransactionFile    = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
TempStorage        = TempDatabase

[TempDatabase]
DatabaseFile    = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx

[Parameters]
ServerPort        = 127.0.0.1:{sql}
DisableUnixSocket = 1
NumberOfBuffers   = 4000
MaxDirtyBuffers   = 3000
DirsAllowed       = {d}

[HTTPServer]
ServerPort    = 127.0.0.1:{http}
ServerRoot    = {d}/www
ServerThreads = 4

[SPARQL]
ResultSetMaxRows      = 100000
MaxQueryExecutionTime = 60
"""


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A Virtuoso server on free loopback ports, in a fresh database; its base URL."""
    binary = virtuoso_binary()
    d = tmp_path_factory.mktemp("virtuoso")
    (d / "www").mkdir()
    http_port = free_port()
    (d / "virtuoso.ini").write_text(INI.format(d=d, sql=free_port(), http=http_port), encoding="utf-8")
    proc = subprocess.Popen([binary, "+foreground", "+configfile", str(d / "virtuoso.ini")], cwd=d,
                            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{http_port}"
    try:
        for _ in range(600):  # a new database takes ~10 s to set up
            try:
                with urllib.request.urlopen(f"{url}/sparql?query=ASK%7B%7D", timeout=2):
                    break
            except OSError:
                if proc.poll() is not None:
                    log = (d / "virtuoso.log").read_text(errors="replace")[-2000:] if (d / "virtuoso.log").exists() else ""
                    pytest.fail(f"virtuoso exited with {proc.returncode}: {log}")
                time.sleep(0.1)
        else:
            pytest.fail("virtuoso did not answer on its SPARQL endpoint within 60 s")
        yield url
    finally:
        proc.terminate()  # SIGTERM: Virtuoso shuts down cleanly
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def sparql(url: str, query: str) -> list[dict[str, Any]]:
    q = urllib.parse.urlencode({"query": query})
    req = urllib.request.Request(f"{url}/sparql?{q}", headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(req) as r:
        return list(json.load(r)["results"]["bindings"])


def count(url: str, graph: str) -> int:
    return int(sparql(url, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")[0]["n"]["value"])


def update(url: str, text: str) -> None:
    """A SPARQL update through Virtuoso's Digest-protected endpoint (urllib's handler)."""
    manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
    manager.add_password(None, url, USER, PASSWORD)
    opener = urllib.request.build_opener(urllib.request.HTTPDigestAuthHandler(manager))
    req = urllib.request.Request(f"{url}/sparql-auth", data=urllib.parse.urlencode({"update": text}).encode(),
                                 method="POST")
    opener.open(req).close()


class Tap(threading.Thread):
    """A TCP relay in front of the server that counts the bytes the client sends it."""

    def __init__(self, port: int) -> None:
        super().__init__(daemon=True)
        self.port = port
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.up = 0
        self.lock = threading.Lock()

    def run(self) -> None:
        while True:
            try:
                client, _ = self.sock.accept()
            except OSError:
                return
            server = socket.create_connection(("127.0.0.1", self.port))
            threading.Thread(target=self._pump, args=(client, server, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(server, client, False), daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket, upward: bool) -> None:
        try:
            while data := src.recv(65536):
                if upward:
                    with self.lock:
                        self.up += len(data)
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


def test_push_to_virtuoso_with_digest_auth(virtuoso: str, built: tuple[Path, int, int],  # noqa: F811
                                           capsys: pytest.CaptureFixture[str]) -> None:
    out, _, distinct = built
    theirs = " ".join(f"{s} {p} {o} ." for s, p, o in OTHER)
    update(virtuoso, f"INSERT DATA {{ GRAPH <{OTHER_GRAPH}> {{ {theirs} }} }}")
    # an old version of the target: --replace must swap it out whole
    update(virtuoso, f"INSERT DATA {{ GRAPH <{GRAPH}> {{ <https://example.org/old> <https://example.org/p> 1 }} }}")
    code = main(["push", "--endpoint", f"{virtuoso}/sparql-graph-crud-auth", "--graph", GRAPH,
                 "--store", str(out), "--replace", "--user", USER, "--password", PASSWORD,
                 "--auth", "digest", "--chunk-triples", "50", "--format", "json"])
    summary = json.loads(capsys.readouterr().out)
    assert code == 0 and summary["sent"] == summary["remote_count"] == distinct and summary["chunks"] > 1
    assert count(virtuoso, GRAPH) == distinct  # counted through Virtuoso's own SPARQL endpoint
    assert count(virtuoso, OTHER_GRAPH) == len(OTHER)  # someone else's graph survives
    staging = sparql(virtuoso, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
                               "FILTER(STRSTARTS(STR(?g), 'urn:kg:staging:')) }")
    assert staging[0]["n"]["value"] == "0"


def test_each_chunk_reaches_virtuoso_once(virtuoso: str, built: tuple[Path, int, int]) -> None:  # noqa: F811
    out, _, distinct = built
    tap = Tap(urllib.parse.urlsplit(virtuoso).port or 80)
    tap.start()
    try:
        s = push(out, f"{tap.url}/sparql-graph-crud-auth", graph=GRAPH, replace=True, chunk_triples=50,
                 user=USER, password=PASSWORD, auth="digest", query_endpoint=f"{tap.url}/sparql")
    finally:
        tap.sock.close()
    assert s.remote_count == distinct
    payload = sum(len(line) for line in _ntriples(out))
    # every chunk once, plus headers; uploading each chunk twice (refused, then accepted) would be 2x
    assert payload < tap.up < 1.5 * payload


def _ntriples(out: Path) -> list[bytes]:
    from kg.store.targets import Target, lines

    return [line for line, _ in lines(out, Target(graph=GRAPH), staged=False)]


def test_dataset_push_virtuoso_cannot_take_fails_without_touching_anything(
        virtuoso: str, built: tuple[Path, int, int]) -> None:  # noqa: F811
    out, _, _ = built
    before = count(virtuoso, GRAPH), count(virtuoso, OTHER_GRAPH)
    # Virtuoso's Graph Store answers a dataset of N-Quads with 200 and stores none of it
    with pytest.raises(EndpointError, match=r"counts 0 of the \d+ triples sent to the staging graphs .*"
                                            r"--graph IRI; nothing was replaced"):
        push(out, f"{virtuoso}/sparql-graph-crud-auth", replace=True, user=USER, password=PASSWORD,
             auth="digest")
    assert (count(virtuoso, GRAPH), count(virtuoso, OTHER_GRAPH)) == before
