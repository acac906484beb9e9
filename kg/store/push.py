"""Send a build's graph to a triple store (SPARQL 1.1 Graph Store HTTP Protocol + Update).

A push writes only what kg owns (see :mod:`kg.store.targets`): the graph
``--graph`` names, the default graph with ``--default-graph``, or kg's named
graphs in a dataset push. Nothing else on the remote is written or deleted.

Without ``replace`` the chunks are POSTed (added) to the target. A failure midway
leaves the chunks before it added and says so; a rerun adds the rest, since
adding a triple that is there changes nothing.

With ``replace`` the chunks go to a staging graph; its count is checked; then one
SPARQL update swaps it in. Until that update the target is untouched, so a
failure leaves it as it was (the error says so, and what the staging graph holds);
the update itself is one transaction on a server that has them (Oxigraph). If
its answer is lost, the remote is counted to tell which state it is in.

The triple count is checked afterwards through the query service; a push that
does not add up is an :class:`~kg.errors.EndpointError`, never a success.
"""

import json
import re
import urllib.parse
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg.errors import EndpointError
from kg.store.generation import reading
from kg.store.remote import AUTH_SCHEMES, Client
from kg.store.targets import Target, chunks, iri_term, lines, plan

__all__ = ["AUTH_SCHEMES", "PushSummary", "push", "query_endpoint_for", "remote_count",
           "update_endpoint_for"]

_UPDATE = {"Content-Type": "application/sparql-update"}
_CLEANUP_LIMIT = 10.0  # seconds for tidying up after a failure: the error matters more
# the query and update services beside a graph store service, for servers whose layout is known
_QUERY_BESIDE = ((re.compile(r"/sparql-graph-crud(-auth)?/?$"), "/sparql"),  # Virtuoso
                 (re.compile(r"/(store|data)/?$"), "/query"))  # Oxigraph, Fuseki
_UPDATE_BESIDE = ((re.compile(r"/sparql-graph-crud-auth/?$"), "/sparql-auth"),  # Virtuoso
                  (re.compile(r"/sparql-graph-crud/?$"), "/sparql"),
                  (re.compile(r"/(store|data)/?$"), "/update"))  # Oxigraph, Fuseki


@dataclass(frozen=True)
class PushSummary:
    endpoint: str
    graph: str  # an IRI, "default" or "dataset" (kg's named graphs, as N-Quads)
    sent: int  # triples (or quads) sent
    chunks: int
    remote_count: int | None  # what the endpoint counted afterwards (None: not verified)
    replaced: str | None = None  # what the push replaced, in words (None: it only added)

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _beside(endpoint: str, rules: tuple[tuple[re.Pattern[str], str], ...]) -> str:
    parts = urllib.parse.urlsplit(endpoint)
    for pattern, replacement in rules:
        if pattern.search(parts.path):
            return urllib.parse.urlunsplit(parts._replace(path=pattern.sub(replacement, parts.path), query=""))
    return endpoint


def query_endpoint_for(endpoint: str) -> str:
    """The SPARQL query URL that goes with a graph store URL (the URL itself if unknown).

    >>> query_endpoint_for("http://localhost:8890/sparql-graph-crud-auth")
    'http://localhost:8890/sparql'
    >>> query_endpoint_for("http://127.0.0.1:7878/store")
    'http://127.0.0.1:7878/query'
    """
    return _beside(endpoint, _QUERY_BESIDE)


def update_endpoint_for(endpoint: str) -> str:
    """The SPARQL update URL that goes with a graph store URL (the URL itself if unknown).

    >>> update_endpoint_for("http://localhost:8890/sparql-graph-crud-auth")
    'http://localhost:8890/sparql-auth'
    >>> update_endpoint_for("http://127.0.0.1:7878/store")
    'http://127.0.0.1:7878/update'
    """
    return _beside(endpoint, _UPDATE_BESIDE)


def target_url(endpoint: str, graph: str | None, default_graph: bool) -> str:
    """``endpoint?graph=IRI``, ``endpoint?default`` or the endpoint itself (the whole dataset)."""
    sep = "&" if "?" in endpoint else "?"
    if graph:
        return f"{endpoint}{sep}{urllib.parse.urlencode({'graph': graph})}"
    if default_graph:
        return f"{endpoint}{sep}default"
    return endpoint


def remote_count(client: Client, query_url: str, pattern: str, limit: float | None = None) -> int:
    """How many solutions ``pattern`` has on the endpoint (a COUNT query)."""
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}"
    sep = "&" if "?" in query_url else "?"
    url = f"{query_url}{sep}{urllib.parse.urlencode({'query': query})}"
    body = client.request("GET", url, None, {"Accept": "application/sparql-results+json"},
                          "the count query", retry=True, limit=limit)
    try:
        return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])
    except (ValueError, KeyError, IndexError, TypeError):
        raise EndpointError(f"{query_url} did not answer the count query with SPARQL JSON results: "
                            f"{' '.join(body[:200].decode('utf-8', 'replace').split())}") from None


class _Partial(EndpointError):
    """An upload that failed after ``sent`` triples in ``chunks`` chunks had gone."""

    def __init__(self, message: str, sent: int, chunks: int) -> None:
        super().__init__(message)
        self.message, self.sent, self.chunks = message, sent, chunks


def _upload(client: Client, url: str, output_dir: str | Path, target: Target, size: int,
            staged: bool) -> tuple[int, int]:
    """Send the chunks to ``url``: the first one PUT when staging one graph, the others POSTed."""
    content_type = "application/n-quads" if target.dataset else "application/n-triples"
    sent = n_chunks = 0
    first_put = staged and not target.dataset  # replaces what an earlier run left in staging
    try:
        for data, n, ground in chunks(lines(output_dir, target, staged), size):
            method = "PUT" if first_put and n_chunks == 0 else "POST"
            # PUT is idempotent, and POSTing ground triples again adds nothing: both may be repeated
            client.request(method, url, data, {"Content-Type": content_type},
                           f"{method} of chunk {n_chunks + 1} ({sent + 1}-{sent + n})",
                           retry=method == "PUT" or ground)
            sent += n
            n_chunks += 1
        if n_chunks == 0 and first_put:  # an empty build still replaces the target
            client.request("PUT", url, b"", {"Content-Type": content_type}, "PUT of an empty graph",
                           retry=True)
    except EndpointError as e:
        raise _Partial(str(e), sent, n_chunks) from None
    return sent, n_chunks


def _add(client: Client, endpoint: str, target: Target, output_dir: str | Path, size: int,
         query_url: str | None) -> tuple[int, int, int | None]:
    url = target_url(endpoint, target.graph, target.graph is None and not target.dataset)
    try:
        sent, n_chunks = _upload(client, url, output_dir, target, size, staged=False)
    except _Partial as e:
        before = (f"chunks 1-{e.chunks} ({e.sent} triples) were added to {target.describe()} before it"
                  if e.chunks else f"nothing was added to {target.describe()}")
        raise EndpointError(f"{e.message}; {before}; a rerun adds the rest "
                            "(triples already there are not added twice)") from None
    count = remote_count(client, query_url, target.pattern()) if query_url else None
    if count is not None and count < sent:
        raise EndpointError(f"push incomplete: sent {sent} triples to {url} but the endpoint "
                            f"counts {count} in {target.describe()} (expected at least as many)")
    return sent, n_chunks, count


def _tidy(client: Client, endpoint: str, update_url: str, target: Target) -> str:
    """Empty the staging graph(s) after a failure; says what became of them."""
    try:
        if target.dataset:
            client.request("POST", update_url, target.clear_staging().encode(), _UPDATE,
                           "the update that clears the staging graphs", limit=_CLEANUP_LIMIT)
        else:
            client.request("DELETE", target_url(endpoint, target.staging, False), None, {},
                           "DELETE of the staging graph", limit=_CLEANUP_LIMIT)
    except EndpointError as e:
        return (f"what was uploaded is left in {target.describe(staged=True)}, which a rerun "
                f"replaces (removing it failed: {e})")
    return f"what was uploaded was removed from {target.describe(staged=True)}"


def _replace(client: Client, endpoint: str, target: Target, output_dir: str | Path, size: int,
             update_url: str, query_url: str | None) -> tuple[int, int, int | None]:
    where, staging = target.describe(), target.describe(staged=True)
    unchanged = f"nothing was replaced: {target.as_it_was()}"
    if target.dataset:  # staging graphs a failed run left would be counted and moved in with these
        client.request("POST", update_url, target.clear_staging().encode(), _UPDATE,
                       f"the update that clears {staging}", retry=True)
    url = target_url(endpoint, None if target.dataset else target.staging, False)
    try:
        sent, n_chunks = _upload(client, url, output_dir, target, size, staged=True)
    except _Partial as e:
        raise EndpointError(f"{e.message}; {unchanged}; {_tidy(client, endpoint, update_url, target)}") from None
    if query_url:
        staged = remote_count(client, query_url, target.pattern(staged=True))
        if staged != sent:
            hint = ("; it took none: it may not accept N-Quads for a whole dataset (Virtuoso's Graph "
                    "Store does not), push to one graph with --graph IRI" if target.dataset and staged == 0 else "")
            raise EndpointError(f"the endpoint counts {staged} of the {sent} triples sent to {staging}{hint}; "
                                f"{unchanged}; {_tidy(client, endpoint, update_url, target)}")
    try:
        client.request("POST", update_url, target.swap_update().encode(), _UPDATE,
                       f"the update that moves {staging} into {where}")
    except EndpointError as e:
        if query_url is None:
            raise EndpointError(f"{e}; the remote was not counted (--no-verify): {where} is either "
                                "unchanged or replaced; a rerun converges") from None
        return sent, n_chunks, _after_failed_swap(client, query_url, target, sent, str(e))
    count = remote_count(client, query_url, target.pattern()) if query_url else None
    if count is not None and count != sent:
        raise EndpointError(f"push incomplete: sent {sent} triples for {where} but the endpoint counts {count}")
    return sent, n_chunks, count


def _after_failed_swap(client: Client, query_url: str, target: Target, sent: int, error: str) -> int:
    """The swap's answer was an error or never came: count which state the remote is in."""
    try:
        now = remote_count(client, query_url, target.pattern(), limit=_CLEANUP_LIMIT)
        staged = remote_count(client, query_url, target.pattern(staged=True), limit=_CLEANUP_LIMIT)
    except EndpointError as e:
        raise EndpointError(f"{error}; counting what the remote holds failed too ({e}): {target.describe()} "
                            "is either unchanged or replaced; a rerun converges") from None
    if staged == 0 and now == sent:
        return now  # the update was applied and only its answer was lost: the push is complete
    state = (f"the move did not happen: {target.as_it_was()} ({now} triples) and "
             f"{target.describe(staged=True)} holds the {sent} new ones" if staged == sent
             else f"{target.describe()} holds {now} triples and {target.describe(staged=True)} {staged}, "
                  f"of {sent} sent")
    raise EndpointError(f"{error}; {state}; a rerun with the same arguments converges")


def push(output_dir: str | Path, endpoint: str, graph: str | None = None, default_graph: bool = False,
         user: str | None = None, password: str | None = None, auth: str = "basic",
         chunk_triples: int = 50_000, query_endpoint: str | None = None,
         update_endpoint: str | None = None, replace: bool = False, verify: bool = True,
         timeout: float = 120, deadline: float | None = None, retries: int = 3, backoff: float = 0.5,
         base_iri: str | None = None) -> PushSummary:
    """Push the store of ``output_dir`` to ``endpoint``.

    ``graph`` (an IRI) or ``default_graph`` names the target graph: all the triples
    of the build, merged, are sent as N-Triples. With neither, kg's named graphs
    (under ``{base_iri}graph/``) are sent as N-Quads to the endpoint itself.
    ``replace`` replaces the target (in a dataset push: every graph in that
    namespace, stale ones too) through staging and one update on ``update_endpoint``.
    ``timeout`` bounds each request, ``deadline`` the whole push, retries included.
    """
    if graph and default_graph:
        raise EndpointError("give --graph IRI or --default-graph, not both")
    if chunk_triples < 1:
        raise EndpointError(f"bad chunk size {chunk_triples}; expected a number >= 1")
    if urllib.parse.urlsplit(endpoint).scheme not in ("http", "https"):
        raise EndpointError(f"bad endpoint {endpoint!r}; expected an http:// or https:// URL")
    client = Client(user, password, auth, timeout=timeout, deadline=deadline, retries=retries,
                    backoff=backoff)
    if graph:
        iri_term(graph)  # a malformed IRI is refused before the store is even opened
    # the whole push reads one build, which no build may delete meanwhile
    with reading(output_dir) as generation:
        store = generation.store
        target = plan(store, graph, default_graph, base_iri)
        query_url = (query_endpoint or query_endpoint_for(endpoint)) if verify else None
        name = graph or ("default" if default_graph else "dataset")
        if not replace:
            sent, n_chunks, count = _add(client, endpoint, target, store, chunk_triples, query_url)
            return PushSummary(endpoint, name, sent, n_chunks, count)
        sent, n_chunks, count = _replace(client, endpoint, target, store, chunk_triples,
                                         update_endpoint or update_endpoint_for(endpoint), query_url)
        return PushSummary(endpoint, name, sent, n_chunks, count, replaced=target.describe())
