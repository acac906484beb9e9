"""Send a build's graph to a triple store (SPARQL 1.1 Graph Store HTTP Protocol).

Triples go in chunks: with ``replace`` the first chunk is a ``PUT`` (the target
graph is replaced), every other chunk a ``POST`` (added). The triple count is
then checked through the endpoint's SPARQL query service; a failed request or a
count that does not match is an :class:`~kg.errors.EndpointError`, so a partial
push is never reported as a success. Only ``urllib`` is used.
"""

import json
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg.errors import EndpointError

AUTH_SCHEMES = ("basic", "digest")
_LOOPBACK = {"localhost", "127.0.0.1", "::1"}
# the query service beside a graph store service, for servers whose layout is known
_QUERY_BESIDE = ((re.compile(r"/sparql-graph-crud(-auth)?/?$"), "/sparql"),  # Virtuoso
                 (re.compile(r"/(store|data)/?$"), "/query"))  # Oxigraph, Fuseki


@dataclass(frozen=True)
class PushSummary:
    endpoint: str
    graph: str  # an IRI, "default" or "dataset" (all graphs, as N-Quads)
    sent: int  # triples (or quads) sent
    chunks: int
    remote_count: int | None  # what the endpoint counted afterwards (None: not verified)

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def query_endpoint_for(endpoint: str) -> str:
    """The SPARQL query URL that goes with a graph store URL (the URL itself if unknown).

    >>> query_endpoint_for("http://localhost:8890/sparql-graph-crud-auth")
    'http://localhost:8890/sparql'
    >>> query_endpoint_for("http://127.0.0.1:7878/store")
    'http://127.0.0.1:7878/query'
    """
    parts = urllib.parse.urlsplit(endpoint)
    for pattern, replacement in _QUERY_BESIDE:
        if pattern.search(parts.path):
            return urllib.parse.urlunsplit(parts._replace(path=pattern.sub(replacement, parts.path), query=""))
    return endpoint


def iri_term(iri: str) -> str:
    """``<iri>``, escaped by pyoxigraph; a relative or malformed IRI is an EndpointError."""
    import pyoxigraph as ox

    try:
        if not re.match(r"^[A-Za-z][A-Za-z0-9+.\-]*:", iri):
            raise ValueError("not absolute")
        return str(ox.NamedNode(iri))
    except ValueError as e:
        raise EndpointError(f"bad graph IRI {iri!r}: {e}; expected an absolute IRI") from None


def target_url(endpoint: str, graph: str | None, default_graph: bool) -> str:
    """``endpoint?graph=IRI``, ``endpoint?default`` or the endpoint itself (the whole dataset)."""
    sep = "&" if "?" in endpoint else "?"
    if graph:
        return f"{endpoint}{sep}{urllib.parse.urlencode({'graph': graph})}"
    if default_graph:
        return f"{endpoint}{sep}default"
    return endpoint


def make_opener(url: str, user: str | None = None, password: str | None = None,
                auth: str = "basic") -> urllib.request.OpenerDirector:
    """An opener with the authentication handler asked for (and no proxy for loopback)."""
    if auth not in AUTH_SCHEMES:
        raise EndpointError(f"unknown auth scheme {auth!r}; expected one of: {', '.join(AUTH_SCHEMES)}")
    handlers: list[urllib.request.BaseHandler] = []
    if urllib.parse.urlsplit(url).hostname in _LOOPBACK:
        handlers.append(urllib.request.ProxyHandler({}))
    if user is not None:
        manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        root = urllib.parse.urlunsplit(urllib.parse.urlsplit(url)[:2] + ("/", "", ""))
        manager.add_password(None, root, user, password or "")
        handlers.append(urllib.request.HTTPDigestAuthHandler(manager) if auth == "digest"
                        else urllib.request.HTTPBasicAuthHandler(manager))
    return urllib.request.build_opener(*handlers)


def _send(opener: urllib.request.OpenerDirector, method: str, url: str, data: bytes | None,
          headers: dict[str, str], what: str, timeout: float) -> bytes:
    req = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with opener.open(req, timeout=timeout) as resp:
            return bytes(resp.read())
    except urllib.error.HTTPError as e:
        body = " ".join(e.read(300).decode("utf-8", "replace").split())
        raise EndpointError(f"{url} refused {what}: HTTP {e.code} {e.reason}"
                            + (f": {body}" if body else "")) from None
    except urllib.error.URLError as e:
        raise EndpointError(f"cannot reach {url} ({what}): {e.reason}") from None
    except OSError as e:  # timeouts, resets
        raise EndpointError(f"cannot reach {url} ({what}): {e}") from None


def _lines(output_dir: str | Path, per_graph: bool) -> Iterator[bytes]:
    """N-Quads lines of the whole store, or the distinct triples of all graphs merged."""
    import pyoxigraph as ox

    from kg.store.embedded import open_store, store_path

    store = open_store(store_path(output_dir), read_only=True)
    if per_graph:
        for q in store:
            g = "" if isinstance(q.graph_name, ox.DefaultGraph) else f" {q.graph_name}"
            yield f"{q.subject} {q.predicate} {q.object}{g} .\n".encode()
        return
    solutions = store.query("SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o }", use_default_graph_as_union=True)
    assert isinstance(solutions, ox.QuerySolutions)
    for sol in solutions:
        yield f"{sol['s']} {sol['p']} {sol['o']} .\n".encode()


def _chunks(lines: Iterator[bytes], size: int) -> Iterator[tuple[bytes, int]]:
    buf: list[bytes] = []
    for line in lines:
        buf.append(line)
        if len(buf) >= size:
            yield b"".join(buf), len(buf)
            buf = []
    if buf:
        yield b"".join(buf), len(buf)


def remote_count(opener: urllib.request.OpenerDirector, query_url: str, graph: str | None,
                 default_graph: bool, timeout: float = 60) -> int:
    """How many triples the endpoint holds in the target (one graph, the default graph or all)."""
    if graph:
        pattern = f"GRAPH {iri_term(graph)} {{ ?s ?p ?o }}"
    elif default_graph:
        pattern = "?s ?p ?o"
    else:
        pattern = "{ ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } }"
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}"
    sep = "&" if "?" in query_url else "?"
    url = f"{query_url}{sep}{urllib.parse.urlencode({'query': query})}"
    body = _send(opener, "GET", url, None, {"Accept": "application/sparql-results+json"},
                 "the count query", timeout)
    try:
        return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])
    except (ValueError, KeyError, IndexError, TypeError):
        raise EndpointError(f"{query_url} did not answer the count query with SPARQL JSON results: "
                            f"{' '.join(body[:200].decode('utf-8', 'replace').split())}") from None


def push(output_dir: str | Path, endpoint: str, graph: str | None = None, default_graph: bool = False,
         user: str | None = None, password: str | None = None, auth: str = "basic",
         chunk_triples: int = 50_000, query_endpoint: str | None = None, replace: bool = False,
         verify: bool = True, timeout: float = 120) -> PushSummary:
    """Push the store of ``output_dir`` to ``endpoint``.

    ``graph`` (an IRI) or ``default_graph`` names the target graph: all the triples
    of the build, merged, are sent as N-Triples. With neither, the whole dataset
    (one named graph per paper) is sent as N-Quads to the endpoint itself.
    """
    if graph and default_graph:
        raise EndpointError("give --graph IRI or --default-graph, not both")
    if chunk_triples < 1:
        raise EndpointError(f"bad chunk size {chunk_triples}; expected a number >= 1")
    if urllib.parse.urlsplit(endpoint).scheme not in ("http", "https"):
        raise EndpointError(f"bad endpoint {endpoint!r}; expected an http:// or https:// URL")
    if graph:
        iri_term(graph)  # refuses a relative or malformed IRI before anything is sent
    per_graph = not graph and not default_graph
    url = target_url(endpoint, graph, default_graph)
    opener = make_opener(endpoint, user, password, auth)
    content_type = "application/n-quads" if per_graph else "application/n-triples"
    sent = chunks = 0
    for data, n in _chunks(_lines(output_dir, per_graph), chunk_triples):
        method = "PUT" if replace and chunks == 0 else "POST"
        _send(opener, method, url, data, {"Content-Type": content_type},
              f"{method} of chunk {chunks + 1} ({sent + 1}-{sent + n})", timeout)
        sent += n
        chunks += 1
    if chunks == 0 and replace:  # an empty build still replaces the target
        _send(opener, "PUT", url, b"", {"Content-Type": content_type}, "PUT of an empty graph", timeout)
    count = None
    if verify:
        q_opener = make_opener(query_endpoint or query_endpoint_for(endpoint), user, password, auth)
        count = remote_count(q_opener, query_endpoint or query_endpoint_for(endpoint), graph,
                             default_graph, timeout)
        if (replace and count != sent) or count < sent:
            raise EndpointError(f"push incomplete: sent {sent} triples to {url} but the endpoint "
                                f"counts {count}" + ("" if replace else " (expected at least as many)"))
    return PushSummary(endpoint=endpoint, graph=graph or ("default" if default_graph else "dataset"),
                       sent=sent, chunks=chunks, remote_count=count)
