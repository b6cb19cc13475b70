"""Where the served data comes from: the embedded store (read-only) or a remote SPARQL endpoint.

Both answer :meth:`Backend.execute` with pyoxigraph result objects, so everything above them
(limits, serialisation, pages) is the same code. :func:`select` turns a SELECT answer into rows of
:class:`Node` values, which are plain data and cross process boundaries.

On the embedded store the default graph of a query is the union of all graphs, as in ``kg query``.
"""
from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import pyoxigraph as ox

from .. import __version__
from .. import answers, store as kgstore
from ..errors import EndpointError, QueryError
from ..remote import redact

Result = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples | list
Dataset = tuple[list[str], list[str]]


@dataclass(frozen=True)
class Node:
    """An RDF term as plain data: *kind* is ``iri``, ``literal``, ``bnode`` or ``triple``."""

    kind: str
    value: str
    lang: str | None = None
    datatype: str | None = None

    @classmethod
    def from_ox(cls, term) -> "Node":
        if isinstance(term, ox.NamedNode):
            return cls("iri", term.value)
        if isinstance(term, ox.Literal):
            datatype = term.datatype.value if term.datatype else None
            return cls("literal", term.value, term.language, None if term.language else datatype)
        if isinstance(term, ox.BlankNode):
            return cls("bnode", term.value)
        return cls("triple", str(term))

    @property
    def is_iri(self) -> bool:
        return self.kind == "iri"

    def to_ox(self):
        """The pyoxigraph term (None for a quoted triple, which is kept only as text)."""
        if self.kind == "iri":
            return ox.NamedNode(self.value)
        if self.kind == "bnode":
            return ox.BlankNode(self.value)
        if self.kind == "literal":
            if self.lang:
                return ox.Literal(self.value, language=self.lang)
            return ox.Literal(self.value, datatype=ox.NamedNode(self.datatype) if self.datatype else None)
        return None

    def n3(self) -> str:
        """The term in SPARQL/N-Triples syntax."""
        term = self.to_ox()
        return self.value if term is None else str(term)


class Backend(Protocol):
    name: str

    def execute(self, sparql: str, dataset: Dataset | None = None) -> Result:
        """Run *sparql* over *dataset* (default graphs, named graphs), or the union of all graphs if None."""

    def graph_names(self) -> set[str]: ...


class LocalBackend:
    """The embedded store, opened read-only on first use (so a forked or spawned worker opens its own)."""

    def __init__(self, store_path: Path | str):
        self.store_path = Path(store_path)
        self.name = f"store {self.store_path}"
        self._store: ox.Store | None = None
        self.generation: str | None = None  # of the store when the snapshot was opened (kg.answers)

    @property
    def store(self) -> ox.Store:
        if self._store is None:
            self.generation = answers.generation(self.store_path)  # read before opening: see kg.answers
            self._store = kgstore.open_read_only(self.store_path)
        return self._store

    def execute(self, sparql: str, dataset: Dataset | None = None) -> Result:
        # Always pass the dataset explicitly: with use_default_graph_as_union pyoxigraph ignores FROM.
        if dataset is None:
            options = kgstore.union_options(self.store)
        else:
            options = {"default_graph": [ox.NamedNode(g) for g in dataset[0]],
                       "named_graphs": [ox.NamedNode(g) for g in dataset[1]]}
        try:
            return self.store.query(sparql, **options)
        except SyntaxError as exc:
            raise QueryError(f"malformed SPARQL: {exc}") from None
        except (OSError, RuntimeError) as exc:
            raise QueryError(str(exc)) from None

    def graph_names(self) -> set[str]:
        return {g.value for g in self.store.named_graphs() if isinstance(g, ox.NamedNode)}


class RemoteBackend:
    """A SPARQL 1.1 Protocol endpoint (POST, form-encoded); credentials may be given in the URL."""

    ACCEPT = "application/sparql-results+json, application/n-triples;q=0.9"

    def __init__(self, url: str, timeout: float = 60.0, union_default_graph: bool = False):
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise EndpointError(f"endpoint {redact(url)!r} is not an http(s) URL")
        self.url, self.timeout, self.name = url, timeout, redact(url)
        self.union_default_graph = union_default_graph  # Oxigraph's union-default-graph parameter

    def execute(self, sparql: str, dataset: Dataset | None = None) -> Result:
        defaults, named = dataset or ([], [])
        fields = [("query", sparql)] + [("default-graph-uri", g) for g in defaults] \
            + [("named-graph-uri", g) for g in named]
        if dataset is None and self.union_default_graph:
            fields.append(("union-default-graph", "true"))
        body, content_type = self._post(urllib.parse.urlencode(fields).encode("utf-8"))
        try:
            if content_type in ("application/sparql-results+json", "application/json"):
                return ox.parse_query_results(body, ox.QueryResultsFormat.JSON)
            if content_type in ("application/n-triples", "text/plain"):
                return [ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(body, ox.RdfFormat.N_TRIPLES)]
        except (SyntaxError, ValueError) as exc:
            raise EndpointError(f"endpoint {self.name} answered malformed {content_type}: {exc}") from None
        raise EndpointError(f"endpoint {self.name} answered {content_type or 'without a content type'}, "
                            f"not SPARQL results")

    def _post(self, data: bytes) -> tuple[bytes, str]:
        parts = urllib.parse.urlsplit(self.url)
        bare = urllib.parse.urlunsplit((parts.scheme, parts.netloc.rpartition("@")[2], parts.path, parts.query, ""))
        request = urllib.request.Request(bare, data=data, method="POST", headers={
            "Accept": self.ACCEPT, "Content-Type": "application/x-www-form-urlencoded",
            "User-Agent": f"kg/{__version__} (kg serve)"})
        if parts.username:
            manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            manager.add_password(None, bare, urllib.parse.unquote(parts.username),
                                 urllib.parse.unquote(parts.password or ""))
            opener = urllib.request.build_opener(urllib.request.HTTPBasicAuthHandler(manager))
        else:
            opener = urllib.request.build_opener()
        try:
            with opener.open(request, timeout=self.timeout) as response:
                return response.read(), response.headers.get_content_type()
        except urllib.error.HTTPError as exc:
            detail = exc.read(300).decode("utf-8", "replace")
            raise EndpointError(f"endpoint {self.name} answered HTTP {exc.code}: {detail}") from None
        except (urllib.error.URLError, OSError) as exc:
            raise EndpointError(f"endpoint {self.name} could not be queried: {getattr(exc, 'reason', exc)}") from None

    def graph_names(self) -> set[str]:
        rows = select(self, "SELECT DISTINCT ?g WHERE { GRAPH ?g { } }")
        return {row["g"].value for row in rows if row.get("g") and row["g"].is_iri}


def select(backend: Backend, sparql: str) -> list[dict[str, Node]]:
    """Run a SELECT on *backend*; each row maps the bound variables to :class:`Node` values."""
    solutions = backend.execute(sparql)
    if not isinstance(solutions, ox.QuerySolutions):
        raise QueryError("expected a SELECT query")
    names = [v.value for v in solutions.variables]
    return [{n: Node.from_ox(s[n]) for n in names if s[n] is not None} for s in solutions]


def solutions_json(variables: list[str], rows: list[ox.QuerySolution]) -> bytes:
    """SPARQL 1.1 JSON results for *rows* (already materialised, so a row limit could be checked)."""
    def term(t) -> dict:
        if isinstance(t, ox.NamedNode):
            return {"type": "uri", "value": t.value}
        if isinstance(t, ox.BlankNode):
            return {"type": "bnode", "value": t.value}
        if isinstance(t, ox.Literal):
            out = {"type": "literal", "value": t.value}
            if t.language:
                out["xml:lang"] = t.language
            elif t.datatype and t.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
                out["datatype"] = t.datatype.value
            return out
        return {"type": "triple", "value": {"subject": term(t.subject), "predicate": term(t.predicate),
                                            "object": term(t.object)}}
    bindings = [{v: term(row[v]) for v in variables if row[v] is not None} for row in rows]
    return json.dumps({"head": {"vars": variables}, "results": {"bindings": bindings}},
                      ensure_ascii=False).encode("utf-8")
