"""Stage 6: stored SPARQL queries (``queries/*.rq``) and running them on the embedded store.

A stored query is a plain SPARQL 1.1 file whose leading ``#`` comments form a header:
``title@pl``, ``title@en``, ``description@pl``, ``description@en`` (continued on indented
comment lines), ``param: NAME TYPE [default=V] [allowed=a|b] [description=…]`` and ``expected:``.
Parameters are bound as RDF terms through a ``VALUES`` block added to the query, never spliced
into the query text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from .errors import QueryError, UsageError

_HEADER_FIELD = re.compile(r"#\s*([a-z_]+(?:@[a-z]{2})?)\s*:\s*(.*)")
_PARAM = re.compile(r"(\w+)\s+(\w+)(.*)")
XSD = "http://www.w3.org/2001/XMLSchema#"
PARAM_TYPES = {"integer": XSD + "integer", "string": XSD + "string", "date": XSD + "date", "iri": None,
               "voivodeship": None, "person": None, "organisation": None}


@dataclass
class Parameter:
    name: str
    type: str
    default: str | None = None
    allowed: list[str] | None = None
    description: str = ""


@dataclass
class StoredQuery:
    name: str
    path: Path
    text: str
    header: dict[str, str] = field(default_factory=dict)
    parameters: list[Parameter] = field(default_factory=list)

    @property
    def title(self) -> str:
        return self.header.get("title@pl") or self.header.get("title@en") or self.name


@dataclass
class QueryResult:
    columns: list[str]
    rows: list[dict[str, Any]]


def parse_stored_query(path: Path) -> StoredQuery:
    text = Path(path).read_text(encoding="utf-8")
    header: dict[str, str] = {}
    params: list[Parameter] = []
    last = None
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        match = _HEADER_FIELD.match(line)
        if match:
            key, value = match.groups()
            if key == "param":
                params.append(_parse_param(value, path))
                last = None
            else:
                header[key] = value.strip()
                last = key
        elif last and line.startswith("#  "):
            header[last] += " " + line[1:].strip()
    return StoredQuery(Path(path).stem, Path(path), text, header, params)


def _parse_param(spec: str, path: Path) -> Parameter:
    match = _PARAM.match(spec.strip())
    if not match or match.group(2) not in PARAM_TYPES:
        raise QueryError(f"{path}: malformed parameter line {spec!r}; write `param: NAME TYPE [default=V]`, "
                         f"TYPE one of {', '.join(PARAM_TYPES)}")
    name, ptype, rest = match.groups()
    options = dict(re.findall(r"(\w+)=((?:(?!\s\w+=).)+)", rest))
    allowed = options.get("allowed")
    return Parameter(name, ptype, options.get("default", "").strip() or None,
                     allowed.strip().split("|") if allowed else None, options.get("description", "").strip())


def load_catalogue(queries_dir: Path) -> dict[str, StoredQuery]:
    return {q.name: q for q in map(parse_stored_query, sorted(Path(queries_dir).glob("*.rq")))}


def _term(value: Any) -> Any:
    if isinstance(value, ox.NamedNode):
        return value.value
    if isinstance(value, ox.Literal):
        datatype = value.datatype.value if value.datatype else ""
        if datatype in (XSD + "integer", XSD + "positiveInteger", XSD + "nonNegativeInteger"):
            return int(value.value)
        return value.value
    if value is None:
        return None
    return str(value)


_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)


def with_values(sparql: str, bindings: dict[str, ox.NamedNode | ox.Literal]) -> str:
    """Bind variables by a VALUES block at the start of the outermost WHERE group.

    The values are RDF terms serialised by pyoxigraph (N-Triples syntax, escaped), so no user
    string is ever spliced into the query as SPARQL.
    """
    if not bindings:
        return sparql
    body = "".join(f" VALUES ?{name} {{ {term} }}" for name, term in bindings.items())
    # Blank out comment lines (keeping offsets) so a "where {" in the header is not matched.
    uncommented = "\n".join(" " * len(line) if line.lstrip().startswith("#") else line for line in sparql.split("\n"))
    match = _WHERE.search(uncommented)
    if not match:
        raise QueryError("a parameterised query needs a WHERE { … } clause")
    return sparql[:match.end()] + body + sparql[match.end():]


def run_sparql(store: ox.Store, sparql: str, bindings: dict[str, ox.NamedNode | ox.Literal] | None = None) -> QueryResult:
    """Run a SELECT query over the union of all graphs, with *bindings* passed as RDF terms."""
    try:
        solutions = store.query(with_values(sparql, bindings or {}), use_default_graph_as_union=True)
    except SyntaxError as exc:
        raise QueryError(f"malformed SPARQL: {exc}") from None
    if not isinstance(solutions, ox.QuerySolutions):
        raise QueryError("only SELECT queries return tables")
    columns = [v.value for v in solutions.variables]
    rows = [{c: _term(s[c]) for c in columns} for s in solutions]
    return QueryResult(columns, rows)


def bind_parameters(query: StoredQuery, values: dict[str, str]) -> dict[str, ox.NamedNode | ox.Literal]:
    bound = {}
    known = {p.name: p for p in query.parameters}
    for name in values:
        if name not in known:
            raise UsageError(f"query {query.name!r} has no parameter {name!r}; it has: "
                             f"{', '.join(known) or '(none)'}")
    for param in query.parameters:
        raw = values.get(param.name, param.default)
        if raw is None:
            raise UsageError(f"query {query.name!r} ({query.path}) needs parameter {param.name!r} ({param.type})")
        if param.allowed and raw not in param.allowed:
            raise UsageError(f"parameter {param.name!r} must be one of: {', '.join(param.allowed)}")
        bound[param.name] = _to_term(param, str(raw))
    return bound


def _to_term(param: Parameter, raw: str) -> ox.NamedNode | ox.Literal:
    if param.type == "integer":
        if not re.fullmatch(r"[-+]?\d+", raw):
            raise UsageError(f"parameter {param.name!r} must be a whole number, not {raw!r}")
        return ox.Literal(str(int(raw)), datatype=ox.NamedNode(XSD + "integer"))
    if param.type == "date":
        import datetime as dt
        try:
            dt.date.fromisoformat(raw)
        except ValueError:
            raise UsageError(f"parameter {param.name!r} must be a date YYYY-MM-DD, not {raw!r}") from None
        return ox.Literal(raw, datatype=ox.NamedNode(XSD + "date"))
    if param.type == "string":
        return ox.Literal(raw)
    try:
        return ox.NamedNode(raw)
    except ValueError:
        raise UsageError(f"parameter {param.name!r} must be an IRI, not {raw!r}") from None


def run_stored(store: ox.Store, query: StoredQuery, values: dict[str, str] | None = None) -> QueryResult:
    return run_sparql(store, query.text, bind_parameters(query, values or {}))
