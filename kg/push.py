"""Stage 8: push the store to a remote SPARQL 1.1 server, graph by graph, safely.

For deployments beyond one machine the embedded store hands its graphs (every article's named
graph, the ontology, the reference data and the inferred graph) to an existing SPARQL engine
(Virtuoso, Apache Jena Fuseki, GraphDB, an Oxigraph server; see the README). The push is safe:

1. **stage**: each graph is uploaded under a temporary graph IRI (``urn:kg:push:TOKEN:N``), with the
   Graph Store Protocol (``PUT``/``POST`` of N-Triples, when a graph-store URL is given) or with
   SPARQL Update ``INSERT DATA`` (batches of :data:`UPDATE_BATCH_TRIPLES` triples, under
   Virtuoso's SQL-size limits);
2. **check**: one ``COUNT`` query must find exactly the staged number of triples;
3. **swap**: ``MOVE GRAPH <staging> TO GRAPH <graph>`` replaces each remote graph in one update
   request, which the server applies as one transaction.

If anything fails before the swap, the staging graphs are dropped and no remote graph has changed;
a swap that fails leaves that graph as it was (the error says how many graphs were replaced).
Graphs that hold blank nodes are uploaded in one request, so their blank nodes stay one node each.

Servers often cap result sizes silently (Virtuoso's ``ResultSetMaxRows`` is 10,000 on a stock
install: HTTP 200, the rows cut, only an ``X-SPARQL-MaxRows`` header says so).
:func:`probe_row_cap` measures the cap with a query of :data:`ROW_CAP_PROBE` generated rows, and
:class:`PushReport` carries it so the CLI can warn. Credentials (``--user``/``--password`` or
``https://user:password@host/…``) are sent as HTTP digest or basic auth, whichever the server asks
for, and never appear in messages or reports.
"""
from __future__ import annotations

import secrets
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from typing import Iterable, Iterator

import pyoxigraph as ox

from . import __version__
from .errors import EndpointError
from .export import inferred_graph_iri
from .pipeline import ontology_graph_iri, reference_graph_iri
from .progress import ProgressCallback, counted
from .remote import redact, within

#: Triples per SPARQL Update request (Virtuoso refuses INSERT DATA much above 1,000 triples).
UPDATE_BATCH_TRIPLES = 1_000
#: Triples per Graph Store Protocol request (a graph larger than this is sent in several requests).
GSP_BATCH_TRIPLES = 200_000
#: Graphs swapped per update request.
SWAP_BATCH = 100
#: Rows the row-cap probe asks for.
ROW_CAP_PROBE = 100_000
STAGING_PREFIX = "urn:kg:push:"
DEFAULT_TIMEOUT = 300.0


@dataclass
class PushReport:
    """What a push did; ``row_cap`` is the server's silent result-size cap, if it has one."""

    endpoint: str
    graphs: int = 0
    triples: int = 0
    seconds: float = 0.0
    transport: str = ""
    row_cap: int | None = None
    replaced: list[str] = field(default_factory=list, repr=False)

    @property
    def warnings(self) -> list[str]:
        if self.row_cap is None:
            return []
        return [f"{self.endpoint} returns at most {self.row_cap} rows per query and says so only in a header "
                f"(X-SPARQL-MaxRows) or not at all: larger results are cut. Raise the limit (Virtuoso: "
                f"ResultSetMaxRows in [SPARQL] of virtuoso.ini) before relying on query results there"]


class SparqlServer:
    """The HTTP side of one SPARQL 1.1 server: query, update and (optionally) graph-store URLs.

    *endpoint* is the query endpoint; *update* defaults to it (Virtuoso, GraphDB's
    ``/statements`` differ). User and password may also be given in the URLs.

    >>> SparqlServer("http://u:secret@127.0.0.1:8890/sparql-auth")  # doctest: +ELLIPSIS
    SparqlServer(endpoint='http://127.0.0.1:8890/sparql-auth', update='http://127.0.0.1:8890/sparql-auth', graph_store=None)
    """

    def __init__(self, endpoint: str, *, update: str | None = None, graph_store: str | None = None,
                 user: str | None = None, password: str | None = None, timeout: float = DEFAULT_TIMEOUT):
        urls = [u for u in (endpoint, update, graph_store) if u]
        for url in urls:
            parts = urllib.parse.urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise EndpointError(f"{redact(url)!r} is not an http(s) URL")
            if parts.username and user is None:
                user, password = urllib.parse.unquote(parts.username), urllib.parse.unquote(parts.password or "")
        self.endpoint = _without_userinfo(endpoint)
        self.update_url = _without_userinfo(update or endpoint)
        self.graph_store = _without_userinfo(graph_store) if graph_store else None
        self.timeout = timeout
        self.name = redact(self.endpoint)
        self._digest: _DigestAuth | None = None
        handlers: list[urllib.request.BaseHandler] = []
        if user is not None:
            # "prior auth": once basic auth succeeded for a URL, send it up front from then on
            passwords = urllib.request.HTTPPasswordMgrWithPriorAuth()
            for url in (self.endpoint, self.update_url, self.graph_store):
                if url:
                    passwords.add_password(None, url, user, password or "")
            self._digest = _DigestAuth(passwords)
            handlers = [self._digest, urllib.request.HTTPBasicAuthHandler(passwords)]
        self._opener = urllib.request.build_opener(*handlers)

    def __repr__(self) -> str:  # never shows credentials
        return (f"SparqlServer(endpoint={self.endpoint!r}, update={self.update_url!r}, "
                f"graph_store={self.graph_store!r})")

    # -- requests ---------------------------------------------------------------------------------
    def _send(self, url: str, body: bytes | None, content_type: str | None, method: str = "POST",
              accept: str | None = None) -> tuple[bytes, dict[str, str]]:
        headers = {"User-Agent": f"kg/{__version__}"}
        if content_type:
            headers["Content-Type"] = content_type
        if accept:
            headers["Accept"] = accept
        request = urllib.request.Request(url, data=body, method=method, headers=headers)
        if self._digest:
            self._digest.authorize_up_front(request)
        where = redact(url)
        def exchange() -> tuple[bytes, dict[str, str]]:
            with self._opener.open(request, timeout=self.timeout) as response:
                return response.read(), {k.lower(): v for k, v in response.headers.items()}

        try:  # the timeout is per read; `within` makes it the total time (a dripping server, issue 9)
            return within(self.timeout, exchange, where)
        except urllib.error.HTTPError as exc:
            detail = exc.read(300).decode("utf-8", "replace").strip()
            hint = " (check --user and --password)" if exc.code in (401, 403) else ""
            raise EndpointError(f"{where} answered HTTP {exc.code} {exc.reason}{hint}"
                                + (f": {detail}" if detail else "")) from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            if isinstance(reason, ConnectionRefusedError):
                raise EndpointError(f"{where} refused the connection (is the server running?)") from None
            raise EndpointError(f"{where} could not be reached: {reason}") from None

    def log_in(self) -> None:
        """One small request to each URL, so credentials go up front with the large uploads that follow.

        Without it every upload is first sent without credentials, and a server that answers 401
        before reading a large body (Virtuoso does) breaks the connection instead of asking again.
        """
        if self._digest is None:
            return
        self.count("SELECT (COUNT(*) AS ?n) WHERE { }")
        if self.update_url != self.endpoint:
            self.update("CLEAR SILENT GRAPH <urn:kg:push:log-in>")
        if self.graph_store:
            try:
                self._send(f"{self.graph_store}?{urllib.parse.urlencode({'graph': 'urn:kg:push:log-in'})}", None, None,
                           method="GET")
            except EndpointError as exc:
                if " 401 " in str(exc) or " 403 " in str(exc):
                    raise

    def select(self, sparql: str, accept: str = "application/sparql-results+json") -> tuple[bytes, dict[str, str]]:
        return self._send(self.endpoint, urllib.parse.urlencode({"query": sparql}).encode(),
                          "application/x-www-form-urlencoded", accept=accept)

    def count(self, sparql: str) -> int:
        """The single integer a ``SELECT (COUNT(…) AS ?n)`` query returns."""
        body, _ = self.select(sparql)
        try:
            solutions = ox.parse_query_results(body, ox.QueryResultsFormat.JSON)
            return int(next(iter(solutions))["n"].value)
        except (SyntaxError, ValueError, StopIteration, TypeError, KeyError) as exc:
            raise EndpointError(f"{self.name} did not answer a COUNT query with SPARQL JSON results: {exc}") from None

    def update(self, sparql: str) -> None:
        self._send(self.update_url, sparql.encode("utf-8"), "application/sparql-update; charset=utf-8")

    def put_graph(self, graph: str, ntriples: bytes, *, replace: bool) -> None:
        """Graph Store Protocol: PUT (replace) or POST (add) N-Triples into *graph*."""
        separator = "&" if "?" in self.graph_store else "?"
        url = f"{self.graph_store}{separator}{urllib.parse.urlencode({'graph': graph})}"
        self._send(url, ntriples, "application/n-triples", method="PUT" if replace else "POST")


class _DigestAuth(urllib.request.HTTPDigestAuthHandler):
    """HTTP digest auth that remembers the server's challenge and answers it up front on later requests
    (urllib's handler waits for a 401 every time, which costs a round trip and breaks large uploads)."""

    challenge: dict[str, str] | None = None

    def retry_http_digest_auth(self, req, auth):  # noqa: D102 - urllib hook
        _, challenge = auth.split(" ", 1)
        self.challenge = urllib.request.parse_keqv_list(filter(None, urllib.request.parse_http_list(challenge)))
        return super().retry_http_digest_auth(req, auth)

    def authorize_up_front(self, request: urllib.request.Request) -> None:
        if self.challenge:
            authorization = self.get_authorization(request, self.challenge)
            if authorization:
                request.add_unredirected_header(self.auth_header, f"Digest {authorization}")


def _without_userinfo(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))


# -- the push ------------------------------------------------------------------------------------------

def store_graphs(store: ox.Store, base: str | None = None) -> list[ox.NamedNode]:
    """The store's named graphs in push order: ontology and reference first, articles, inferred last."""
    order = {ontology_graph_iri(base): 0, reference_graph_iri(base): 1, inferred_graph_iri(base): 3}
    names = (g for g in store.named_graphs() if isinstance(g, ox.NamedNode))
    return sorted(names, key=lambda g: (order.get(g.value, 2), g.value))


def push(store: ox.Store, server: SparqlServer, *, progress: ProgressCallback | None = None,
         probe_rows: int = ROW_CAP_PROBE, base: str | None = None) -> PushReport:
    """Replace every named graph of *store* on *server* (stage, check, swap); see the module docs.

    *progress* (see :mod:`kg.progress`) hears about each graph staged and each batch swapped.
    """
    started = time.perf_counter()
    report = PushReport(server.name, transport="graph store protocol" if server.graph_store else "SPARQL Update")
    server.log_in()
    token = secrets.token_hex(6)
    prefix = f"{STAGING_PREFIX}{token}:"
    staged: dict[str, str] = {}  # graph → staging graph
    try:
        expected = 0
        for n, graph in enumerate(counted(store_graphs(store, base), progress, "staging graphs")):
            staging = f"{prefix}{n}"
            staged[graph.value] = staging
            expected += _stage(store, server, graph, staging)
        found = server.count(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} "
                             f"FILTER(STRSTARTS(STR(?g), {_literal(prefix)})) }}")
        if found != expected:
            raise EndpointError(f"{server.name} holds {found} of the {expected} triples uploaded to the staging graphs; "
                                f"nothing was replaced")
    except BaseException:
        _drop_quietly(server, staged.values())
        raise
    _swap(server, staged, report, progress)
    report.graphs, report.triples = len(staged), expected
    report.row_cap = probe_row_cap(server, probe_rows) if probe_rows else None
    report.seconds = time.perf_counter() - started
    return report


def _stage(store: ox.Store, server: SparqlServer, graph: ox.NamedNode, staging: str) -> int:
    """Upload *graph* under *staging*; return its number of triples."""
    triples = [q.triple for q in store.quads_for_pattern(None, None, None, graph)]
    whole = any(isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode) for t in triples)
    # a graph with blank nodes goes in one request: each request's blank node labels are its own
    size = len(triples) if whole else (GSP_BATCH_TRIPLES if server.graph_store else UPDATE_BATCH_TRIPLES)
    for i, chunk in enumerate(_chunks(triples, max(size, 1))):
        body = ox.serialize(chunk, format=ox.RdfFormat.N_TRIPLES)
        if server.graph_store:
            server.put_graph(staging, body, replace=i == 0)
        elif whole:  # blank nodes are not allowed in INSERT DATA on Virtuoso; a template keeps them
            server.update(f"INSERT {{ GRAPH <{staging}> {{\n{body.decode('utf-8')}}} }} WHERE {{}}")
        else:
            server.update(f"INSERT DATA {{ GRAPH <{staging}> {{\n{body.decode('utf-8')}}} }}")
    return len(triples)


#: Server errors that mean "the transaction was rolled back, try again": Virtuoso's transaction timeout
#: (SR171, seen when a checkpoint or a busy machine holds up a large MOVE) and deadlock (40001, SR172).
TRANSIENT_ERRORS = ("SR171", "Transaction timed out", "40001", "SR172")
#: Attempts of one swap request after a transient error, and the pause before the first retry (doubling).
SWAP_RETRIES, RETRY_PAUSE = 3, 2.0


def _move(server: SparqlServer, batch: list[tuple[str, str]]) -> None:
    """MOVE each staged graph of *batch* onto its graph, in one update; retried after a transient error.

    A retry is safe only if the failed attempt changed nothing: the server said it rolled back, and
    every staging graph is still there (otherwise ``MOVE SILENT`` of a missing graph could empty the
    target), so that is checked before each retry.
    """
    request = " ;\n".join(f"MOVE SILENT GRAPH <{staging}> TO GRAPH {ox.NamedNode(graph)}" for graph, staging in batch)
    for attempt in range(SWAP_RETRIES + 1):
        try:
            server.update(request)
            return
        except EndpointError as exc:
            transient = any(marker in str(exc) for marker in TRANSIENT_ERRORS)
            if not transient or attempt == SWAP_RETRIES or not _all_present(server, [s for _, s in batch]):
                raise
            time.sleep(RETRY_PAUSE * 2 ** attempt)


def _all_present(server: SparqlServer, graphs: list[str]) -> bool:
    """Whether every one of *graphs* still holds triples on the server."""
    return all(server.count(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{g}> {{ ?s ?p ?o }} }}") > 0 for g in graphs)


def _swap(server: SparqlServer, staged: dict[str, str], report: PushReport,
          progress: ProgressCallback | None) -> None:
    pending = list(staged.items())
    try:
        while pending:
            batch, rest = pending[:SWAP_BATCH], pending[SWAP_BATCH:]
            _move(server, batch)
            report.replaced += [graph for graph, _ in batch]
            pending = rest
            if progress:
                progress("swapping graphs", len(report.replaced), len(staged))
    except EndpointError as exc:
        _drop_quietly(server, [staging for _, staging in pending])
        raise EndpointError(f"{exc}\n{len(report.replaced)} of {len(staged)} graphs were replaced; "
                            f"the other {len(pending)} are as they were") from None


def _drop_quietly(server: SparqlServer, graphs: Iterable[str]) -> None:
    """Best effort: remove staging graphs after a failure (the original error is what matters)."""
    graphs = list(graphs)
    for batch in _chunks(graphs, SWAP_BATCH):
        try:
            server.update(" ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in batch))
        except EndpointError:
            return


def _chunks(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _literal(text: str) -> str:
    return str(ox.Literal(text))


# -- silent row caps ------------------------------------------------------------------------------------

def probe_row_cap(server: SparqlServer, rows: int = ROW_CAP_PROBE) -> int | None:
    """The number of rows *server* returns at most per query, if it is fewer than *rows*; else None.

    The probe generates *rows* rows from VALUES blocks (no data is read) and asks for CSV, so it
    is cheap for the server; a cap shows as the ``X-SPARQL-MaxRows`` header or as missing rows.
    """
    digits = max(1, len(str(max(rows - 1, 1))))
    blocks = " ".join(f"VALUES ?d{i} {{ {' '.join(map(str, range(10)))} }}" for i in range(digits))
    sparql = f"SELECT ?d0 WHERE {{ {blocks} }} LIMIT {rows}"
    body, headers = server.select(sparql, accept="text/csv")
    header = headers.get("x-sparql-maxrows", "").strip()
    returned = max(0, len(body.splitlines()) - 1)  # minus the CSV header line
    if header.isdigit() and int(header) < rows:
        return int(header)
    return returned if returned < rows else None
