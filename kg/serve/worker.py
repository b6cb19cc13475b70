"""The work a query worker process does: check, run, limit and serialise one request at a time.

A worker owns its own read-only handle on the store (or talks to the remote endpoint) and answers
:class:`Reply` objects. The server never runs a query in its own process: pyoxigraph holds the
interpreter lock while it evaluates, so a runaway query in a server thread would stall every other
request. In a worker it can be killed (:mod:`kg.serve.pool`).
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from itertools import islice
from typing import Any, Callable

import pyoxigraph as ox

from ..errors import EndpointError, KgError, QueryError
from ..namespaces import PREFIXES
from . import guard
from .backend import Backend, LocalBackend, RemoteBackend, solutions_json
from .negotiation import GRAPH_TYPES, HTML, SHORT_NAMES, SOLUTION_TYPES, canonical, negotiate


@dataclass
class Reply:
    """What a worker answers: an HTTP status, a media type and a body, or a value for a ``call``."""

    status: int = 200
    content_type: str = "text/plain; charset=utf-8"
    body: bytes = b""
    value: Any = None
    render_html: bool = False  # the body is JSON results or Turtle that the server renders as a page
    headers: list[tuple[str, str]] = field(default_factory=list)
    #: the generation of the store (kg.answers) under which the worker opened the snapshot that answered
    generation: str | None = None

    @classmethod
    def error(cls, status: int, message: str) -> "Reply":
        return cls(status, "text/plain; charset=utf-8", message.encode("utf-8"))

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


@dataclass
class SparqlRequest:
    """One query: its text, the client's ``Accept`` header or ``format=`` choice, and its dataset."""

    query: str
    accept: str | None = None
    format: str | None = None
    default_graphs: list[str] = field(default_factory=list)
    named_graphs: list[str] = field(default_factory=list)
    trusted: bool = False  # kg's own queries (stored queries, pages) skip the checks


class TooLarge(Exception):
    pass


def make_backend(spec: dict) -> Backend:
    """A backend from its description (``{"store": path}`` or ``{"endpoint": url, "timeout": s}``)."""
    if spec.get("endpoint"):
        return RemoteBackend(spec["endpoint"], timeout=spec.get("timeout", 60.0),
                             union_default_graph=spec.get("union_default_graph", False))
    return LocalBackend(spec["store"])


def answer_sparql(backend: Backend, request: SparqlRequest, max_rows: int) -> Reply:
    """Check (unless trusted), run and serialise *request*, refusing results of more than *max_rows*."""
    try:
        dataset = None
        if request.default_graphs or request.named_graphs:
            # The protocol's dataset wins over FROM and FROM NAMED (SPARQL 1.1 Protocol, 2.1.4).
            dataset = (request.default_graphs, request.named_graphs)
        if not request.trusted:
            checked = guard.check(request.query, backend.graph_names, default_graph_uri=request.default_graphs,
                                  named_graph_uri=request.named_graphs)
            if dataset is None and checked.has_dataset:
                dataset = (checked.from_graphs, checked.from_named_graphs)
        reply = _serialise(backend.execute(request.query, dataset), request, max_rows)
        reply.generation = getattr(backend, "generation", None)
        return reply
    except guard.Refused as exc:
        return Reply.error(400, f"refused: {exc}")
    except TooLarge as exc:
        return Reply.error(400, str(exc))
    except EndpointError as exc:
        return Reply.error(502, str(exc))
    except QueryError as exc:
        return Reply.error(400, f"query error: {exc}")
    except KgError as exc:
        return Reply.error(500, str(exc))


def _choose(request: SparqlRequest, offered: list[str]) -> str | None:
    if request.format:
        wanted = SHORT_NAMES.get(request.format.lower(), canonical(request.format))
        return wanted if wanted in offered else None
    return negotiate(request.accept, offered)


def _serialise(result, request: SparqlRequest, max_rows: int) -> Reply:
    if isinstance(result, ox.QueryBoolean):
        media = _choose(request, [*SOLUTION_TYPES, HTML])
        if media is None:
            return _not_acceptable(request, SOLUTION_TYPES)
        fmt = SOLUTION_TYPES.get(media, ox.QueryResultsFormat.JSON)
        return Reply(200, _typed(media if media != HTML else "application/sparql-results+json"),
                     result.serialize(format=fmt), render_html=media == HTML)
    if isinstance(result, ox.QuerySolutions):
        media = _choose(request, [*SOLUTION_TYPES, HTML])
        if media is None:
            return _not_acceptable(request, SOLUTION_TYPES)
        variables = [v.value for v in result.variables]
        rows = list(islice(result, max_rows + 1))
        if len(rows) > max_rows:
            raise TooLarge(f"the result has more than {max_rows} rows, the limit of this endpoint; "
                           f"add a LIMIT (and OFFSET to page through it)")
        body = solutions_json(variables, rows)
        if media not in (HTML, "application/sparql-results+json"):
            body = ox.parse_query_results(body, ox.QueryResultsFormat.JSON).serialize(format=SOLUTION_TYPES[media])
        return Reply(200, _typed(media if media != HTML else "application/sparql-results+json"), body,
                     render_html=media == HTML)
    media = _choose(request, [*GRAPH_TYPES, HTML])
    if media is None:
        return _not_acceptable(request, GRAPH_TYPES)
    triples = list(islice(iter(result), max_rows + 1))
    if len(triples) > max_rows:
        raise TooLarge(f"the result has more than {max_rows} triples, the limit of this endpoint; "
                       f"narrow the query or add a LIMIT")
    fmt = GRAPH_TYPES.get(media, ox.RdfFormat.TURTLE)
    body = ox.serialize(triples, format=fmt, prefixes=PREFIXES if fmt == ox.RdfFormat.TURTLE else None)
    return Reply(200, _typed(media if media != HTML else "text/turtle"), body, render_html=media == HTML)


def _typed(media: str) -> str:
    return f"{media}; charset=utf-8"


def _not_acceptable(request: SparqlRequest, offered) -> Reply:
    asked = request.format or request.accept
    return Reply.error(406, f"cannot answer this query as {asked}; available: {', '.join(offered)}")


# -- the worker process ------------------------------------------------------------------------------

def _calls() -> dict[str, Callable[..., Any]]:
    """Named operations a worker runs with its backend: kg's own page and statistics queries."""
    from . import resource, views
    from .. import void
    return {
        "resource": resource.gather,
        "labels": resource.labels_for,
        "dump": _dump,
        "chart": views.chart_data,
        "network": views.network_data,
        "void": lambda backend: void.gather_statistics(lambda q: _table(backend, q)),
        "graphs": lambda backend: sorted(backend.graph_names()),
    }


def _dump(backend: Backend, fmt: str) -> bytes:
    from .. import export
    if not isinstance(backend, LocalBackend):
        raise QueryError("dumps are served from the embedded store only")
    return export.export(backend.store, fmt)


def _table(backend: Backend, sparql: str):
    from ..queries import solutions_to_result
    return solutions_to_result(backend.execute(sparql))


def handle(backend: Backend, message: tuple, max_rows: int, calls: dict[str, Callable[..., Any]]) -> Reply:
    kind, payload = message
    if kind == "sparql":
        return answer_sparql(backend, payload, max_rows)
    name, kwargs = payload
    try:
        return Reply(value=calls[name](backend, **kwargs))
    except EndpointError as exc:
        return Reply.error(502, str(exc))
    except QueryError as exc:
        return Reply.error(404, str(exc))
    except KgError as exc:
        return Reply.error(500, str(exc))


def _die_with_parent(parent_pid: int) -> None:
    """Ask Linux to kill this process when the thread that started it ends (the server, killed or not)."""
    try:
        import ctypes
        import signal
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass  # not Linux: the pool still kills its workers on a normal shutdown
    if os.getppid() != parent_pid:
        os._exit(0)  # the server died before the request took effect


def main(conn, spec: dict, max_rows: int, memory_mb: int | None, parent_pid: int) -> None:
    """Worker process loop: warm up, say ``ready``, then answer one message at a time until EOF."""
    _die_with_parent(parent_pid)
    if memory_mb:
        import resource as rlimit
        limit = memory_mb * 1024 * 1024
        rlimit.setrlimit(rlimit.RLIMIT_AS, (limit, limit))
    backend = make_backend(spec)
    calls = _calls()
    try:
        if isinstance(backend, LocalBackend):
            backend.store  # noqa: B018 - open the store now, not on the first request
        guard.check("ASK {}", set)  # builds the parser's grammar caches
        conn.send("ready")
    except Exception as exc:  # noqa: BLE001 - reported to the pool, which logs it
        conn.send(f"failed: {exc}")
        return
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        try:
            reply = handle(backend, message, max_rows, calls)
        except MemoryError:
            reply = Reply.error(503, "the query needed more memory than a query may use")
        except Exception as exc:  # noqa: BLE001 - a bug must not kill the worker silently
            reply = Reply.error(500, f"internal error: {type(exc).__name__}: {exc}")
        conn.send(reply)
