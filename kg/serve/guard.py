"""What the public SPARQL endpoint refuses, decided on the parsed query (rdflib's SPARQL 1.1 parser).

The endpoint is read-only and answers from its own store only. A request is refused, with a reason,
when it is:

* an update (``INSERT``, ``DELETE``, ``LOAD``, ``CLEAR``, ``CREATE``, ``DROP``, ``COPY``, ``MOVE``,
  ``ADD``): whatever the text parses as under the update grammar;
* a query with ``SERVICE`` anywhere (in a sub-select, an ``EXISTS`` filter, with a variable IRI):
  the engine would send requests to other servers on the client's behalf;
* a query whose dataset (``FROM``, ``FROM NAMED``, or the protocol's ``default-graph-uri`` and
  ``named-graph-uri``) names a graph that is not in the store, such as ``FROM <file:///etc/passwd>``;
* text that does not parse as a SPARQL 1.1 query, or is longer than :data:`MAX_QUERY_CHARS`.

The decision walks the parse tree, never the text, so comments, strings and IRIs that merely contain
the word ``SERVICE`` are not refused, and odd spacing or case cannot hide one.

>>> check("SELECT * WHERE { ?s ?p ?o }", set).form
'SELECT'
>>> check("LOAD <http://example.org/x>", set)
Traceback (most recent call last):
...
kg.serve.guard.Refused: this endpoint is read-only: SPARQL Update requests (LOAD) are not accepted
>>> check("SELECT * { FILTER EXISTS { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } } }", set)
Traceback (most recent call last):
...
kg.serve.guard.Refused: SERVICE <http://127.0.0.1:9/> is not allowed: this endpoint answers from its own data only (no federated queries)
>>> check("SELECT * FROM <file:///etc/passwd> { ?s ?p ?o }", set)
Traceback (most recent call last):
...
kg.serve.guard.Refused: FROM <file:///etc/passwd> names a graph that is not in this store; a query may only name the store's own graphs (listed in /.well-known/void)
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator

from pyparsing import ParseBaseException
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue

MAX_QUERY_CHARS = 100_000
FORMS = {"SelectQuery": "SELECT", "AskQuery": "ASK", "ConstructQuery": "CONSTRUCT", "DescribeQuery": "DESCRIBE"}


class Refused(Exception):
    """The request is not allowed on this endpoint; the message says why (sent with HTTP 400)."""


@dataclass
class CheckedQuery:
    """A query that may run: its form and the graphs its ``FROM`` and ``FROM NAMED`` clauses name."""

    form: str
    from_graphs: list[str] = field(default_factory=list)
    from_named_graphs: list[str] = field(default_factory=list)

    @property
    def has_dataset(self) -> bool:
        return bool(self.from_graphs or self.from_named_graphs)


def check(text: str, known_graphs: Callable[[], set[str]], *, default_graph_uri: Iterable[str] = (),
          named_graph_uri: Iterable[str] = ()) -> CheckedQuery:
    """Return the checked query, or raise :class:`Refused` saying why it may not run.

    *known_graphs* is called only when the query names graphs, and returns the store's graph IRIs.
    """
    if len(text) > MAX_QUERY_CHARS:
        raise Refused(f"the query is {len(text)} characters long; the limit is {MAX_QUERY_CHARS}")
    tree = _parse_query(text)
    service = next(_services(tree), None)
    if service is not None:
        raise Refused(f"SERVICE {_show(service)} is not allowed: this endpoint answers from its own data only "
                      f"(no federated queries)")
    query = tree[1]
    defaults, named = [], []
    for clause in _field(query, "datasetClause") or []:
        if "default" in clause:
            defaults.append(("FROM", str(clause["default"])))
        if "named" in clause:
            named.append(("FROM NAMED", str(clause["named"])))
    defaults += [("default-graph-uri", iri) for iri in default_graph_uri]
    named += [("named-graph-uri", iri) for iri in named_graph_uri]
    if defaults or named:
        known = known_graphs()
        for where, iri in defaults + named:
            if iri not in known:
                raise Refused(f"{where} <{iri}> names a graph that is not in this store; a query may only name "
                              f"the store's own graphs (listed in /.well-known/void)")
    return CheckedQuery(FORMS[query.name], [iri for where, iri in defaults if where == "FROM"],
                        [iri for where, iri in named if where == "FROM NAMED"])


def _parse_query(text: str):
    try:
        return parseQuery(text)
    except ParseBaseException as query_error:
        try:
            update = parseUpdate(text)
        except ParseBaseException:
            raise Refused(f"malformed SPARQL 1.1 query: {query_error}") from None
        operations = sorted({_update_name(op) for op in _field(update, "request") or []}) or ["an empty update"]
        raise Refused(f"this endpoint is read-only: SPARQL Update requests ({', '.join(operations)}) are not "
                      f"accepted") from None
    except RecursionError:
        raise Refused("the query is nested too deeply to be checked") from None


def _field(node: CompValue, name: str):
    """A field of a parse-tree node, or None (``CompValue.get`` returns the key itself when it is missing)."""
    return node[name] if name in node else None


def _update_name(operation: CompValue) -> str:
    words = {"InsertData": "INSERT DATA", "DeleteData": "DELETE DATA", "DeleteWhere": "DELETE WHERE",
             "Modify": "DELETE/INSERT"}
    return words.get(operation.name, operation.name.upper())


def _services(node) -> Iterator[object]:
    """The endpoint term of every SERVICE pattern anywhere in the parse tree."""
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, CompValue):
            if item.name == "ServiceGraphPattern":
                yield _field(item, "term")
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)) or type(item).__name__ == "ParseResults":
            stack.extend(item)
        elif isinstance(item, dict):
            stack.extend(item.values())


def _show(term) -> str:
    text = getattr(term, "n3", lambda: str(term))()
    return text if len(text) < 200 else text[:200] + "…"
