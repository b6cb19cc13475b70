"""Stage 6b: run stored queries on a remote SPARQL endpoint (SPARQLWrapper; POST; JSON results).

The same stored query, with the same checked parameters, gives the same :class:`~kg.queries.QueryResult`
as on the embedded store: parameters travel as a ``VALUES`` block of serialised RDF terms
(:func:`kg.queries.with_values`), and the endpoint's JSON answer is parsed by pyoxigraph and converted
by the same function as embedded results, so values have the same Python types.

Everything that goes wrong is an :class:`~kg.errors.EndpointError` naming the endpoint (without
credentials) and, where there is one, the HTTP status: refused connections, timeouts (a *total*
time limit, not just per socket read), 4xx/5xx answers, answers that are not SPARQL JSON results
(an HTML page with status 200), and results cut short by a server row cap (``X-SPARQL-MaxRows``).

Oxigraph's server does not query the union of its named graphs by default; kg's data lives in named
graphs, so ask for the union with ``union_default_graph=True`` (Oxigraph's ``union-default-graph``
request parameter) or start the server with ``--union-default-graph``. Virtuoso queries all graphs
by default.
"""
from __future__ import annotations

import math
import threading
import urllib.error
import urllib.parse
from dataclasses import dataclass
from typing import Any, Callable, Mapping, TypeVar

import pyoxigraph as ox
from SPARQLWrapper import JSON, POST, SELECT, SPARQLWrapper
from SPARQLWrapper import SPARQLExceptions as sw

from . import __version__
from .errors import EndpointError, QueryError
from .queries import (QueryResult, StoredQuery, Term, bind_parameters, query_form, solutions_to_result,
                      strip_comments, with_values)

JSON_TYPES = ("application/sparql-results+json", "application/json", "text/json")
_STATUS = {sw.QueryBadFormed: 400, sw.Unauthorized: 401, sw.EndPointNotFound: 404, sw.URITooLong: 414,
           sw.EndPointInternalError: 500}
DEFAULT_TIMEOUT = 60.0
T = TypeVar("T")


def redact(url: str) -> str:
    """*url* without user name, password and query string, for messages.

    >>> redact("https://user:secret@example.org:8890/sparql?key=abc")
    'https://example.org:8890/sparql'
    """
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = host + (f":{parts.port}" if parts.port else "")
    return urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def within(seconds: float, request: Callable[[], T], name: str) -> T:
    """``request()`` on a worker thread, given at most *seconds* in all: socket timeouts bound each
    read, not the whole answer, so a server dripping a byte a second would hold a caller forever.
    Raises :class:`EndpointError` naming *name* when the time is up; the request's own exception
    otherwise (the thread is a daemon and ends when its socket does)."""
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["value"] = request()
        except BaseException as exc:  # noqa: BLE001 - handed to the calling thread
            outcome["error"] = exc

    worker = threading.Thread(target=run, name=f"kg-remote {name}", daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        raise EndpointError(f"{name} did not answer within {seconds:g} s (timeout)")
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


@dataclass
class RemoteEndpoint:
    """A SPARQL 1.1 query endpoint.

    *timeout* is the total time in seconds a query may take, connection included. Credentials may be
    given in the URL (``https://user:password@host/sparql``, sent as HTTP basic auth) and never
    appear in messages.

    >>> RemoteEndpoint("http://127.0.0.1:7878/query", union_default_graph=True)  # doctest: +ELLIPSIS
    RemoteEndpoint(url='http://127.0.0.1:7878/query', timeout=60.0, union_default_graph=True)
    """

    url: str
    timeout: float = DEFAULT_TIMEOUT
    union_default_graph: bool = False

    def __post_init__(self) -> None:
        parts = urllib.parse.urlsplit(self.url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise EndpointError(f"endpoint {redact(self.url)!r} is not an http(s) URL")
        if not self.timeout or self.timeout <= 0:
            raise EndpointError(f"endpoint {redact(self.url)}: the timeout must be a positive number of seconds")

    def __repr__(self) -> str:  # never show credentials
        return (f"RemoteEndpoint(url={redact(self.url)!r}, timeout={self.timeout}, "
                f"union_default_graph={self.union_default_graph})")

    @property
    def name(self) -> str:
        return redact(self.url)

    def run_stored(self, query: StoredQuery, values: Mapping[str, Any] | None = None) -> QueryResult:
        """Run a stored query with checked, typed parameter values (as :func:`kg.queries.run_stored`)."""
        return self.select(query.text, bind_parameters(query, values or {}))

    def select(self, sparql: str, bindings: Mapping[str, Term] | None = None) -> QueryResult:
        """Run a SELECT query; *bindings* travel as a VALUES block of RDF terms."""
        wrapper = self._wrapper(with_values(sparql, bindings or {}))
        body, headers = self._fetch(wrapper)
        result = self._parse(body, headers)
        self._check_row_cap(result, headers)
        return result

    # -- steps ------------------------------------------------------------------------------------
    def _wrapper(self, sparql: str) -> SPARQLWrapper:
        parts = urllib.parse.urlsplit(self.url)
        bare = urllib.parse.urlunsplit((parts.scheme, parts.netloc.rpartition("@")[2], parts.path, parts.query, ""))
        form = query_form(sparql)
        wrapper = SPARQLWrapper(bare, agent=f"kg/{__version__} (SPARQLWrapper)")
        wrapper.setQuery(strip_comments(sparql))  # its query-form sniffing is fooled by words in comments
        if form != "SELECT" or wrapper.queryType != SELECT:
            # SPARQLWrapper would send an update to the update endpoint: refuse anything but SELECT.
            raise QueryError(f"only SELECT queries can be run on {self.name}, not {form or 'this text'}")
        wrapper.setMethod(POST)
        wrapper.setReturnFormat(JSON)
        wrapper.setOnlyConneg(True)  # no format=/output= parameters: the Accept header says it
        wrapper.setTimeout(max(1, math.ceil(self.timeout)))
        if self.union_default_graph:
            wrapper.addParameter("union-default-graph", "true")
        if parts.username:
            wrapper.setCredentials(urllib.parse.unquote(parts.username), urllib.parse.unquote(parts.password or ""))
        return wrapper

    def _fetch(self, wrapper: SPARQLWrapper) -> tuple[bytes, dict[str, str]]:
        """POST the query and read the whole answer within the total time limit."""
        def request() -> tuple[bytes, dict[str, str]]:
            response = wrapper.query().response
            return response.read(), {k.lower(): v for k, v in response.getheaders()}

        try:
            return within(self.timeout, request, f"endpoint {self.name}")
        except EndpointError:
            raise
        except Exception as exc:  # noqa: BLE001 - every failure of the request becomes a typed error
            raise self._error(exc) from None

    def _error(self, exc: BaseException) -> EndpointError:
        if isinstance(exc, tuple(_STATUS)):
            detail = str(exc).partition("Response:\n")[2][:300]
            status = _STATUS[type(exc)]
            return EndpointError(f"endpoint {self.name} answered HTTP {status}"
                                 + (f": {detail}" if detail else ""))
        if isinstance(exc, urllib.error.HTTPError):
            return EndpointError(f"endpoint {self.name} answered HTTP {exc.code} {exc.reason}")
        reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
        if isinstance(reason, TimeoutError) or "timed out" in str(reason):
            return EndpointError(f"endpoint {self.name} did not answer within {self.timeout:g} s (timeout)")
        if isinstance(reason, ConnectionRefusedError):
            return EndpointError(f"endpoint {self.name} refused the connection (is the server running?)")
        return EndpointError(f"endpoint {self.name} could not be queried: {reason}")

    def _parse(self, body: bytes, headers: Mapping[str, str]) -> QueryResult:
        content_type = headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type not in JSON_TYPES:
            raise EndpointError(f"endpoint {self.name} answered {content_type or 'without a content type'}, "
                                f"not SPARQL JSON results (HTTP 200); is this the URL of its SPARQL endpoint?")
        try:
            solutions = ox.parse_query_results(body, ox.QueryResultsFormat.JSON)
            if not isinstance(solutions, ox.QuerySolutions):
                raise EndpointError(f"endpoint {self.name} answered a boolean, not a table")
            return solutions_to_result(solutions)  # parses lazily: errors surface here too
        except (SyntaxError, ValueError) as exc:
            raise EndpointError(f"endpoint {self.name} answered with malformed SPARQL JSON results: {exc}") from None

    def _check_row_cap(self, result: QueryResult, headers: Mapping[str, str]) -> None:
        cap = headers.get("x-sparql-maxrows", "").strip()
        if cap.isdigit() and len(result.rows) >= int(cap):
            raise EndpointError(f"endpoint {self.name} cut the result at its row cap of {cap} rows "
                                f"(X-SPARQL-MaxRows); the answer is incomplete. Raise the server's limit "
                                f"(Virtuoso: ResultSetMaxRows) or narrow the query")
