"""The WSGI application of ``kg serve``: routes, content negotiation, pages.

Routes (docs/serve.md has the full table):

* ``/sparql`` — SPARQL 1.1 Protocol (GET, POST form, POST direct); the query editor for browsers;
* ``/id/…`` and ``/concept/…`` — the resources kg mints, as HTML, Turtle, JSON-LD, N-Triples, TriG or
  N-Quads (``Accept`` or a suffix: ``.ttl``, ``.jsonld``, ``.nt``, ``.trig``, ``.nq``, ``.html``);
  ``/resource?iri=…`` for any other IRI in the store;
* ``/ontology`` (pyLODE documentation or the ontology as RDF), ``/concept/`` (the SKOS schemes);
* ``/queries``, ``/queries/NAME`` (``.json``, ``.csv``, ``.tsv``, ``.srj``), ``/openapi.json``;
* ``/views/chart``, ``/views/network`` (HTML, or ``.svg``);
* ``/.well-known/void`` (also ``/id/dataset``), ``/dumps/kg.{ttl,trig,nq,jsonld,nt}``, ``/static/…``.

No query runs in the server process: everything that touches the data goes to a worker pool
(:mod:`kg.serve.pool`) — ad-hoc and stored queries to one, kg's own page queries to another, so
pages stay available while the query workers are busy.
"""
from __future__ import annotations

import json
import logging
import mimetypes
import threading
import urllib.parse
from collections import OrderedDict
import wsgiref.util
from dataclasses import dataclass, field
from http import HTTPStatus
from pathlib import Path
from typing import Callable

import pyoxigraph as ox

from .. import answers
from .. import docs as kgdocs
from .. import void as kgvoid
from ..config import Project
from ..errors import KgError, UsageError
from ..queries import StoredQuery, bind_parameters, load_catalogue, with_values
from . import openapi
from .negotiation import GRAPH_TYPES, HTML, JSON, SHORT_NAMES, negotiate
from .pool import WorkerPool
from .render import (RESOURCE_FORMATS, STATIC, Labels, Links, iri_for_path, local_path, render, result_document,
                     resource_view, serialize_resource, solutions_table)
from .views import MEASURES, bar_chart_svg, network_svg
from .worker import Reply, SparqlRequest

log = logging.getLogger("kg.serve")
MAX_BODY = 1_000_000
CORS = [("Access-Control-Allow-Origin", "*")]


@dataclass
class ServeConfig:
    """Settings of ``kg serve`` (each is a CLI option of the same name)."""

    store: Path | None = None
    endpoint: str | None = None
    host: str = "127.0.0.1"
    port: int = 8080
    timeout: float = 10.0
    max_rows: int = 10_000
    workers: int = 2
    page_workers: int = 1
    memory_mb: int | None = 2048
    endpoint_timeout: float = 60.0
    union_default_graph: bool = False

    def backend_spec(self) -> dict:
        if self.endpoint:
            return {"endpoint": self.endpoint, "timeout": self.endpoint_timeout,
                    "union_default_graph": self.union_default_graph}
        return {"store": str(self.store)}


@dataclass
class Request:
    method: str
    path: str
    args: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    root_url: str

    def arg(self, name: str, default: str | None = None) -> str | None:
        values = self.args.get(name)
        return values[-1] if values else default

    @property
    def accept(self) -> str:
        return self.headers.get("accept", "*/*")

    def wants_html(self) -> bool:
        return negotiate(self.accept, [JSON, "text/plain", HTML]) == HTML


@dataclass
class Response:
    status: int = 200
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    headers: list[tuple[str, str]] = field(default_factory=list)


class HttpError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


class KeptReplies:
    """Stored-query replies of one store generation, in memory, the least recently used dropped first
    beyond *max_bytes*; a new generation starts empty. Threads share it (the server is threaded)."""

    def __init__(self, max_bytes: int = 256 << 20):
        self.max_bytes = max_bytes
        self._token: str | None = None
        self._replies: OrderedDict[tuple[str, str], Reply] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, token: str, key: tuple[str, str]) -> Reply | None:
        with self._lock:
            if token != self._token or key not in self._replies:
                return None
            self._replies.move_to_end(key)
            reply = self._replies[key]
        return Reply(reply.status, reply.content_type, reply.body, headers=[*reply.headers, ("X-KG-Answer", "kept")],
                     generation=reply.generation)

    def put(self, token: str, key: tuple[str, str], reply: Reply) -> None:
        if len(reply.body) > self.max_bytes:
            return
        with self._lock:
            if token != self._token:
                self._token, self._replies, self._bytes = token, OrderedDict(), 0
            old = self._replies.pop(key, None)
            self._bytes -= len(old.body) if old else 0
            self._replies[key] = reply
            self._bytes += len(reply.body)
            while self._bytes > self.max_bytes:
                _, dropped = self._replies.popitem(last=False)
                self._bytes -= len(dropped.body)


def _split_suffix(path: str) -> tuple[str, str | None]:
    """``id/person/x.ttl`` → (``id/person/x``, ``ttl``); minted IRIs never contain a dot."""
    head, _, last = path.rpartition("/")
    if "." in last:
        stem, _, suffix = last.rpartition(".")
        return (f"{head}/{stem}" if head else stem), suffix
    return path, None


class App:
    """The WSGI callable. :meth:`start` starts the worker pools; :meth:`close` stops them."""

    def __init__(self, config: ServeConfig, project: Project | None = None):
        self.config = config
        self.project = project or Project.discover()
        self.catalogue: dict[str, StoredQuery] = load_catalogue(self.project.queries_dir)
        spec = config.backend_spec()
        options = {"timeout": config.timeout, "max_rows": config.max_rows, "memory_mb": config.memory_mb}
        self.queries = WorkerPool(spec, size=config.workers, name="kg-query", **options)
        self.pages = WorkerPool(spec, size=config.page_workers, name="kg-page", **options)
        self.links = Links()
        self._cache: dict[str, object] = {}
        self._cache_lock = threading.Lock()
        self.replies = KeptReplies()
        self.routes: list[tuple[Callable[[str], bool], Callable[[Request], Response]]] = [
            (lambda p: p == "/", self.index),
            (lambda p: p == "/sparql", self.sparql),
            (lambda p: p == "/health", lambda r: Response(200, b"ok\n", "text/plain; charset=utf-8")),
            (lambda p: p == "/favicon.ico", lambda r: Response(204, b"", "image/x-icon")),
            (lambda p: p == "/openapi.json", self.openapi),
            (lambda p: p in ("/queries", "/queries/", "/queries.json"), self.query_list),
            (lambda p: p.startswith("/queries/"), self.stored_query),
            (lambda p: p.startswith("/static/"), self.static),
            (lambda p: p == "/.well-known/void" or _split_suffix(p[1:])[0] == "id/dataset", self.void),
            (lambda p: p.startswith("/dumps/"), self.dump),
            (lambda p: _split_suffix(p[1:])[0] in ("ontology", "ontology/"), self.ontology),
            (lambda p: p in ("/concept", "/concept/"), self.schemes),
            (lambda p: p.startswith(("/id/", "/concept/")) or p == "/resource", self.resource),
            (lambda p: p.startswith("/views/"), self.views),
        ]

    def start(self) -> None:
        threads = [threading.Thread(target=pool.start) for pool in (self.queries, self.pages)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        failures = self.queries.failures + self.pages.failures
        if failures:
            raise KgError(f"the query workers could not start: {failures[0]}")

    def close(self) -> None:
        self.queries.close()
        self.pages.close()

    # -- WSGI ---------------------------------------------------------------------------------------
    def __call__(self, environ, start_response):
        request = None
        try:
            request = self._request(environ)
            response = self.dispatch(request)
        except HttpError as exc:
            response = self._error(request, exc.status, exc.message)
        except KgError as exc:
            response = self._error(request, 500, str(exc))
        except Exception:  # noqa: BLE001 - one broken page must not take the server down
            log.exception("internal error on %s", environ.get("PATH_INFO"))
            response = self._error(request, 500, "internal error; see the server log")
        headers = [("Content-Type", response.content_type), ("Content-Length", str(len(response.body))),
                   ("X-Content-Type-Options", "nosniff"), *response.headers]
        start_response(f"{response.status} {HTTPStatus(response.status).phrase}", headers)
        return [b"" if environ["REQUEST_METHOD"] == "HEAD" else response.body]

    def _request(self, environ) -> Request:
        method = environ["REQUEST_METHOD"].upper()
        headers = {k[5:].replace("_", "-").lower(): v for k, v in environ.items() if k.startswith("HTTP_")}
        if environ.get("CONTENT_TYPE"):
            headers["content-type"] = environ["CONTENT_TYPE"]
        length = int(environ.get("CONTENT_LENGTH") or 0)
        if length > MAX_BODY:
            raise HttpError(413, f"the request body is {length} bytes; the limit is {MAX_BODY}")
        body = environ["wsgi.input"].read(length) if length else b""
        raw_path = environ.get("PATH_INFO") or "/"
        path = raw_path.encode("latin-1").decode("utf-8", "replace")
        args = urllib.parse.parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
        return Request(method, path, args, headers, body, wsgiref.util.application_uri(environ).rstrip("/") + "/")

    def dispatch(self, request: Request) -> Response:
        if request.method not in ("GET", "HEAD", "POST", "OPTIONS"):
            raise HttpError(405, f"method {request.method} is not allowed; this server is read-only")
        if request.method == "OPTIONS":
            return Response(204, b"", "text/plain", [*CORS, ("Access-Control-Allow-Methods", "GET, HEAD, POST, OPTIONS"),
                                                      ("Access-Control-Allow-Headers", "Accept, Content-Type")])
        if request.method == "POST" and request.path != "/sparql":
            raise HttpError(405, "POST is accepted at /sparql only")
        for matches, handler in self.routes:
            if matches(request.path):
                return handler(request)
        raise HttpError(404, f"no page at {request.path}")

    def _error(self, request: Request | None, status: int, message: str) -> Response:
        if request is not None and request.wants_html():
            body = render("error.html", self.links, title=str(status), status=status, message=message)
            return Response(status, body.encode("utf-8"))
        return Response(status, (message + "\n").encode("utf-8"), "text/plain; charset=utf-8", list(CORS))

    def _html(self, template: str, labels: Labels | None = None, status: int = 200, **context) -> Response:
        return Response(status, render(template, self.links, labels, **context).encode("utf-8"))

    def _reply(self, reply: Reply, request: Request) -> Response:
        if reply.status != 200:
            raise HttpError(reply.status, reply.text.strip())
        return Response(200, reply.body, reply.content_type, [*CORS, ("Vary", "Accept"), *reply.headers])

    def _call(self, name: str, **kwargs):
        reply = self.pages.call(name, **kwargs)
        if reply.status != 200:
            raise HttpError(reply.status, reply.text.strip())
        return reply.value

    def _cached(self, key: str, make: Callable[[], object]):
        with self._cache_lock:
            if key not in self._cache:
                self._cache[key] = make()
            return self._cache[key]

    def _labels(self, iris) -> Labels:
        return Labels(self._call("labels", iris=sorted(set(iris))))

    # -- pages --------------------------------------------------------------------------------------
    def statistics(self) -> kgvoid.Statistics:
        return self._cached("statistics", lambda: self._call("void"))

    def dump_urls(self, request: Request) -> dict[str, str]:
        return {} if self.config.endpoint else kgvoid.dump_urls(request.root_url + "dumps/")

    def index(self, request: Request) -> Response:
        stats = self.statistics()
        return self._html("index.html", self._labels(stats.examples), title="Graf wiedzy · Knowledge graph", stats=stats,
                          examples=stats.examples, dumps=self.dump_urls(request))

    def sparql(self, request: Request) -> Response:
        args = dict(request.args)
        query = None
        if request.method == "POST":
            content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
            if content_type == "application/sparql-update":
                raise HttpError(400, "refused: this endpoint is read-only: SPARQL Update requests are not accepted")
            if content_type == "application/x-www-form-urlencoded":
                form = urllib.parse.parse_qs(request.body.decode("utf-8", "replace"), keep_blank_values=True)
                args = {**args, **form}
            elif content_type == "application/sparql-query":
                query = request.body.decode("utf-8", "replace")
            else:
                raise HttpError(415, "POST a query as application/x-www-form-urlencoded (query=…) or "
                                     "application/sparql-query")
        if "update" in args:
            raise HttpError(400, "refused: this endpoint is read-only: SPARQL Update requests are not accepted")
        if query is None:
            queries = args.get("query", [])
            if len(queries) > 1:
                raise HttpError(400, "give exactly one query parameter")
            query = queries[0] if queries else None
        if query is None:
            if request.wants_html():
                return self.editor(request)
            raise HttpError(400, "missing the query parameter (SPARQL 1.1 Protocol: ?query=…)")
        fmt = (args.get("format") or args.get("output") or [None])[-1]
        reply = self.queries.sparql(SparqlRequest(query, request.accept, fmt, args.get("default-graph-uri", []),
                                                  args.get("named-graph-uri", [])))
        if reply.status == 200 and reply.render_html:
            return self._results_page(query, reply)
        return self._reply(reply, request)

    def _results_page(self, query: str, reply: Reply) -> Response:
        if reply.content_type.startswith("application/sparql-results+json"):
            columns, rows = solutions_table(reply.body)
            iris = {n.value for row in rows for n in row.values() if n.is_iri}
            return self._html("results.html", self._labels(iris), title="SPARQL", query=query, columns=columns,
                              rows=rows, turtle="")
        return self._html("results.html", title="SPARQL", query=query, columns=[], rows=[], turtle=reply.text)

    def editor(self, request: Request) -> Response:
        examples = [{**e, "stored": False} for e in EXAMPLES]
        examples += [{"title": q.header.get("title@pl", q.name), "query": q.text, "stored": True}
                     for q in self.catalogue.values()]
        return self._html("sparql.html", title="SPARQL", endpoint=self.links.to("sparql"), examples=examples,
                          timeout=f"{self.config.timeout:g}", max_rows=self.config.max_rows)

    def openapi(self, request: Request) -> Response:
        document = openapi.describe(self.catalogue, request.root_url)
        return Response(200, json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8"),
                        "application/json; charset=utf-8", list(CORS))

    def query_list(self, request: Request) -> Response:
        media = JSON if request.path.endswith(".json") else negotiate(request.accept, [HTML, JSON])
        if media == JSON:
            listing = [{"name": q.name, "title": {k[6:]: v for k, v in q.header.items() if k.startswith("title@")},
                        "url": f"{request.root_url}queries/{q.name}",
                        "parameters": [p.__dict__ for p in q.parameters]} for q in self.catalogue.values()]
            return Response(200, json.dumps(listing, ensure_ascii=False, indent=2).encode("utf-8"),
                            "application/json; charset=utf-8", [*CORS, ("Vary", "Accept")])
        return self._html("queries.html", title="Zapytania · Queries", queries=list(self.catalogue.values()))

    STORED_MEDIA = {"json": JSON, "csv": "text/csv", "tsv": "text/tab-separated-values",
                    "srj": "application/sparql-results+json", "html": HTML}

    def stored_query(self, request: Request) -> Response:
        name, suffix = _split_suffix(request.path[len("/queries/"):])
        query = self.catalogue.get(name)
        if query is None:
            raise HttpError(404, f"no stored query {name!r}; available: {', '.join(self.catalogue)}")
        if suffix is not None and suffix not in self.STORED_MEDIA:
            raise HttpError(404, f"unknown suffix .{suffix}; use one of: {', '.join(self.STORED_MEDIA)}")
        media = self.STORED_MEDIA[suffix] if suffix else negotiate(request.accept, [HTML, *self.STORED_MEDIA.values()])
        if media is None:
            raise HttpError(406, f"available: {', '.join(self.STORED_MEDIA.values())}")
        values = {k: v[-1] for k, v in request.args.items() if k != "run"}
        if media == HTML:
            return self._stored_page(request, query, values)
        try:
            bound = bind_parameters(query, values)
        except UsageError as exc:
            raise HttpError(400, str(exc)) from None
        fmt = {JSON: "json", "application/sparql-results+json": "json", "text/csv": "csv",
               "text/tab-separated-values": "tsv"}[media]
        reply = self._stored_reply(with_values(query.text, bound), fmt)
        if reply.status == 200 and media == JSON:
            return Response(200, result_document(query, values, reply.body), "application/json; charset=utf-8",
                            [*CORS, ("Vary", "Accept")])
        return self._reply(reply, request)

    def _stored_page(self, request: Request, query: StoredQuery, values: dict[str, str]) -> Response:
        context = {"q": query, "values": values, "result": None, "error": None,
                   "data_links": self._data_links(query, values)}
        labels = None
        if all(p.name in values or not p.required for p in query.parameters):
            try:
                bound = bind_parameters(query, values)
            except UsageError as exc:
                context["error"] = str(exc)
            else:
                reply = self._stored_reply(with_values(query.text, bound), "json")
                if reply.status == 200:
                    columns, rows = solutions_table(reply.body)
                    context["result"] = {"columns": columns, "rows": rows}
                    labels = self._labels({n.value for row in rows for n in row.values() if n.is_iri})
                else:
                    context["error"] = reply.text
        return self._html("query.html", labels, status=400 if context["error"] else 200,
                          title=query.header.get("title@pl", query.name), **context)

    def _stored_reply(self, sparql: str, fmt: str) -> Reply:
        """A stored query's reply: kept from an earlier request while the store is in the generation under
        which the answering worker opened its snapshot (kg.answers), else a worker's. A kept reply says so
        in an ``X-KG-Answer: kept`` header."""
        token = answers.generation(self.config.store) if self.config.store and not self.config.endpoint \
            and answers.enabled() else None
        key = (sparql, fmt)
        kept = self.replies.get(token, key) if token else None
        if kept is not None:
            return kept
        reply = self.queries.sparql(SparqlRequest(sparql, format=fmt, trusted=True))
        if token and reply.status == 200 and reply.generation == token:
            self.replies.put(token, key, reply)
        return reply

    def _data_links(self, query: StoredQuery, values: dict[str, str]) -> dict[str, str]:
        encoded = urllib.parse.urlencode(values)
        return {suffix: self.links.asset(f"queries/{query.name}.{suffix}") + (f"?{encoded}" if encoded else "")
                for suffix in ("json", "csv", "srj")}

    def static(self, request: Request) -> Response:
        relative = request.path[len("/static/"):]
        target = (STATIC / relative).resolve()
        if not target.is_file() or STATIC.resolve() not in target.parents:
            raise HttpError(404, f"no file {request.path}")
        content_type = {".js": "text/javascript", ".css": "text/css", ".md": "text/markdown"}.get(
            target.suffix) or mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if content_type.startswith("text/"):
            content_type += "; charset=utf-8"
        return Response(200, target.read_bytes(), content_type, [("Cache-Control", "public, max-age=3600")])

    def void(self, request: Request) -> Response:
        graph = kgvoid.describe(self.statistics(), dumps=self.dump_urls(request),
                                sparql_endpoint=request.root_url + "sparql", landing_page=request.root_url)
        turtle = kgvoid.to_turtle(graph)
        return self._rdf_document(request, turtle, "Opis zbioru danych · Dataset description (VoID, DCAT)")

    def _rdf_document(self, request: Request, turtle: bytes, title: str) -> Response:
        """A Turtle document offered as Turtle, JSON-LD, N-Triples, RDF/XML or an HTML page showing it."""
        suffix = _split_suffix(request.path[1:])[1]
        media = SHORT_NAMES.get(suffix or request.arg("format") or "") or \
            negotiate(request.accept, ["text/turtle", *list(GRAPH_TYPES)[1:], HTML])
        if media is None or (media != HTML and media not in GRAPH_TYPES):
            raise HttpError(406, f"available: text/turtle, {', '.join(list(GRAPH_TYPES)[1:])}, text/html")
        if media == HTML:
            response = self._html("text.html", title=title, note="", text=turtle.decode("utf-8"))
        elif media == "text/turtle":
            response = Response(200, turtle, "text/turtle; charset=utf-8")
        else:
            triples = [ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(turtle, ox.RdfFormat.TURTLE)]
            response = Response(200, ox.serialize(triples, format=GRAPH_TYPES[media]), f"{media}; charset=utf-8")
        response.headers += [*CORS, ("Vary", "Accept")]
        return response

    def dump(self, request: Request) -> Response:
        name = request.path[len("/dumps/"):]
        formats = {file: (fmt, media) for fmt, (file, media, _) in kgvoid.DUMPS.items()}
        if name not in formats or self.config.endpoint:
            raise HttpError(404, f"no dump {name}; available: {', '.join(formats) if not self.config.endpoint else 'none'}"
                                 + (" (serving a remote endpoint)" if self.config.endpoint else ""))
        fmt, media = formats[name]
        body = self._cached(f"dump-{fmt}", lambda: self._call("dump", fmt=fmt))
        return Response(200, body, f"{media}; charset=utf-8",
                        [*CORS, ("Content-Disposition", f'inline; filename="{name}"')])

    def ontology(self, request: Request) -> Response:
        suffix = _split_suffix(request.path[1:])[1]
        wants_html = suffix == "html" or (suffix is None and negotiate(
            request.accept, [HTML, *GRAPH_TYPES]) == HTML)
        if wants_html:
            html = self._cached("ontology", lambda: kgdocs.ontology_html(self.project))
            return Response(200, html.encode("utf-8"), headers=[("Vary", "Accept")])
        source = (self.project.ontology_dir / kgdocs.ONTOLOGY_FILE).read_bytes()
        return self._rdf_document(request, source, "Ontologia · Ontology")

    def schemes(self, request: Request) -> Response:
        html = self._cached("schemes", lambda: kgdocs.schemes_html(self.project, self.links))
        return Response(200, html.encode("utf-8"))

    def resource(self, request: Request) -> Response:
        if request.path == "/resource":
            iri, suffix = request.arg("iri"), request.arg("format")
            if not iri:
                raise HttpError(400, "give the IRI: /resource?iri=…")
        else:
            path, suffix = _split_suffix(request.path[1:])
            iri = iri_for_path(path)
            if iri is None:
                raise HttpError(404, f"no resource at {request.path}")
        offered = [HTML, *RESOURCE_FORMATS.values()]
        if suffix is not None:
            media = HTML if suffix == "html" else RESOURCE_FORMATS.get(suffix)
            if media is None:
                raise HttpError(404, f"unknown suffix .{suffix}; use one of: html, {', '.join(RESOURCE_FORMATS)}")
        else:
            media = negotiate(request.accept, offered)
            if media is None:
                raise HttpError(406, f"available: {', '.join(offered)}")
        data = self._call("resource", iri=iri)
        if not data.found:
            raise HttpError(404, f"nothing is known about <{iri}> in this graph")
        headers = [("Vary", "Accept"), *CORS, *self._alternates(iri)]
        if media == HTML:
            view = resource_view(data)
            response = self._html("resource.html", Labels(data.labels), title=Labels(data.labels)(iri), iri=iri,
                                  data=data, view=view, formats=RESOURCE_FORMATS)
        else:
            body = serialize_resource(data, media, with_inferred=request.arg("inferred") in ("1", "true"))
            response = Response(200, body, f"{media}; charset=utf-8")
        response.headers += headers
        return response

    def _alternates(self, iri: str) -> list[tuple[str, str]]:
        if local_path(iri) is None:
            return []
        links = [f'<{self.links.data(iri, s)}>; rel="alternate"; type="{m}"' for s, m in RESOURCE_FORMATS.items()]
        return [("Link", ", ".join(links))]

    def views(self, request: Request) -> Response:
        name, suffix = _split_suffix(request.path[len("/views/"):])
        if name == "chart":
            charts = self._cached("chart", lambda: self._call("chart"))
            if suffix == "svg":
                measure = request.arg("measure", "events")
                if measure not in MEASURES:
                    raise HttpError(400, f"measure must be one of: {', '.join(MEASURES)}")
                return Response(200, self._chart_svg(charts, measure).encode("utf-8"), "image/svg+xml; charset=utf-8")
            return self._html("chart.html", title="Województwa · Regions",
                              charts=[(m, self._chart_svg(charts, m)) for m in MEASURES])
        if name == "network":
            charts = self._cached("chart", lambda: self._call("chart"))
            regions = [(b.iri.rsplit("/", 1)[-1], b.label) for b in charts["events"]]
            selected = request.arg("voivodeship") or ""
            iri = next((b.iri for b in charts["events"] if b.iri.rsplit("/", 1)[-1] == selected), None)
            if selected and iri is None:
                raise HttpError(400, f"unknown voivodeship {selected!r}; use one of: {', '.join(k for k, _ in regions)}")
            net = self._call("network", voivodeship=iri)
            svg = network_svg(net, "Sieć · Network", self.links.page)
            if suffix == "svg":
                return Response(200, svg.encode("utf-8"), "image/svg+xml; charset=utf-8")
            return self._html("network.html", title="Sieć · Network", svg=svg, regions=regions, selected=selected)
        raise HttpError(404, f"no view {name!r}; views: chart, network")

    def _chart_svg(self, charts, measure: str) -> str:
        title_pl, title_en, _ = MEASURES[measure]
        return bar_chart_svg(charts[measure], f"{title_pl} · {title_en}", self.links.page)


#: Example queries on the query page, besides the stored queries.
EXAMPLES = [
    {"title": "Osoby i wydarzenia · people and events", "query": """PREFIX kgo: <https://w3id.org/kg-pl-inclusion/ontology#>
PREFIX cv: <http://data.europa.eu/m8g/>
PREFIX schema: <http://schema.org/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>

SELECT DISTINCT ?name ?event ?date WHERE {
  ?p a kgo:Participation ; cv:hasParticipant ?person ; kgo:inEvent ?e .
  ?person a kgo:Person ; schema:name ?name .
  ?e rdfs:label ?event ; schema:startDate ?date .
}
ORDER BY ?date ?name
LIMIT 100"""},
    {"title": "Kto to powiedział? · who said so (provenance)", "query": """PREFIX kgo: <https://w3id.org/kg-pl-inclusion/ontology#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX dct: <http://purl.org/dc/terms/>

SELECT ?graph ?title ?evidence WHERE {
  GRAPH ?graph {
    <https://w3id.org/kg-pl-inclusion/id/person/miroslaw-grewinski> kgo:evidence ?evidence .
    ?graph prov:wasDerivedFrom ?article . ?article a kgo:Article ; dct:title ?title .
  }
}"""},
    {"title": "Wydarzenia na województwo · events per voivodeship", "query": """PREFIX kgo: <https://w3id.org/kg-pl-inclusion/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>

SELECT ?voivodeship (COUNT(DISTINCT ?e) AS ?events) WHERE {
  ?e a kgo:Event ; kgo:inVoivodeship ?v .
  ?v rdfs:label ?voivodeship . FILTER (lang(?voivodeship) = "pl")
}
GROUP BY ?voivodeship
ORDER BY DESC(?events)"""},
    {"title": "Graf opisu osoby · CONSTRUCT", "query": """CONSTRUCT { ?s ?p ?o }
WHERE { BIND (<https://w3id.org/kg-pl-inclusion/id/person/miroslaw-grewinski> AS ?s) ?s ?p ?o }"""},
]
