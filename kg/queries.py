"""Stage 6: stored SPARQL queries (``queries/*.rq``) and running them on the embedded store.

A stored query is a plain SPARQL 1.1 ``SELECT`` file whose leading ``#`` comments form a header
(docs/queries.md): ``title@pl``, ``title@en``, ``description@pl``, ``description@en`` (continued on
comment lines indented by two spaces), one ``param:`` line per parameter and ``expected:``.

Parameters are bound as RDF terms, never spliced into the query text:

* on the embedded store through pyoxigraph's ``substitutions`` (SEP-0007 semantics, so a
  parameter variable must be in the ``SELECT`` projection), plus the ``VALUES`` blocks below so that
  Oxigraph restricts nested sub-selects early (see :func:`run_stored`);
* for other engines (:mod:`kg.remote`, the benchmarks) by :func:`with_values`, which adds a
  ``VALUES`` block of N-Triples-serialised terms at the top of the query's and each sub-select's group.

Both give the same answer when every sub-select that uses a parameter also projects it, which is
the rule for stored queries.

>>> q = parse_stored_query_text("demo", '''# title@pl: Demo
... # param: n integer default=2 description=a number
... SELECT ?n WHERE { }''')
>>> q.parameters[0]
Parameter(name='n', type='integer', default='2', allowed=None, description='a number', example=None)
>>> bind_parameters(q, {"n": "5"})
{'n': <Literal value=5 datatype=<NamedNode value=http://www.w3.org/2001/XMLSchema#integer>>}
>>> print(with_values('SELECT ?n WHERE { }', bind_parameters(q, {})))
SELECT ?n WHERE {
  VALUES (?n) { ("2"^^<http://www.w3.org/2001/XMLSchema#integer>) }
 }
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Mapping

import pyoxigraph as ox

from .errors import QueryError, UsageError
from .store import union_options
from .iri import InvalidKey, mint_iri

XSD = "http://www.w3.org/2001/XMLSchema#"
#: Parameter types: what a value on the command line becomes. Key types mint kg IRIs from keys.
PARAM_TYPES = {
    "integer": "a whole number → xsd:integer",
    "string": "text → a plain literal",
    "date": "YYYY-MM-DD → xsd:date",
    "iri": "an absolute IRI",
    "voivodeship": "a voivodeship key (e.g. lubelskie) → {base}voivodeship/{key}",
    "person": "a person key (e.g. miroslaw-grewinski) → {base}person/{key}",
    "organisation": "an organisation key (e.g. wup-szczecin) → {base}organisation/{key}",
}
KEY_TYPES = ("voivodeship", "person", "organisation")
HEADER_FIELDS = ("title@pl", "title@en", "description@pl", "description@en", "expected")

_HEADER_FIELD = re.compile(r"#\s*([a-z_]+(?:@[a-z]{2})?)\s*:\s*(.*)")
_PARAM = re.compile(r"(\w+)\s+(\w+)(.*)")
_OPTION = re.compile(r"(\w+)=((?:(?!\s\w+=).)+)")
_PARAM_OPTIONS = {"default", "allowed", "description", "example"}
_INTEGER_TYPES = {XSD + t for t in ("integer", "int", "long", "short", "byte", "positiveInteger", "nonNegativeInteger",
                                    "negativeInteger", "nonPositiveInteger", "unsignedInt", "unsignedLong")}
_FLOAT_TYPES = {XSD + "double", XSD + "float"}


@dataclass
class Parameter:
    """One declared parameter of a stored query. No default means the parameter is required."""

    name: str
    type: str
    default: str | None = None
    allowed: list[str] | None = None
    description: str = ""
    example: str | None = None

    @property
    def required(self) -> bool:
        return self.default is None

    def signature(self) -> str:
        """``name:type=default`` (or ``name:type (required)``), as ``kg queries`` lists it."""
        return f"{self.name}:{self.type}" + (" (required)" if self.required else f"={self.default}")


@dataclass
class StoredQuery:
    """A parsed ``queries/NAME.rq`` file."""

    name: str
    path: Path
    text: str
    header: dict[str, str] = field(default_factory=dict)
    parameters: list[Parameter] = field(default_factory=list)

    @property
    def title(self) -> str:
        return self.header.get("title@pl") or self.header.get("title@en") or self.name

    def example_values(self) -> dict[str, str]:
        """Values that run the query without further input: defaults, and examples of required ones."""
        return {p.name: p.example for p in self.parameters if p.required and p.example is not None}


@dataclass
class QueryResult:
    """A table: column names, and one dict per row (pandas: ``DataFrame(result.rows)``).

    Values are Python values: IRIs and most literals as ``str``, integer literals as ``int``,
    ``xsd:decimal`` as :class:`~decimal.Decimal`, ``xsd:double``/``xsd:float`` as ``float``,
    ``xsd:boolean`` as ``bool``, unbound as ``None``; dates stay ISO strings (``2015-03-31``).
    """

    columns: list[str]
    rows: list[dict[str, Any]]


# -- reading query files --------------------------------------------------------------------------

def parse_stored_query(path: Path) -> StoredQuery:
    """Read and check ``queries/NAME.rq``; a malformed file raises :class:`QueryError` naming it."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise QueryError(f"{path}: cannot read the query file: {exc}") from None
    return parse_stored_query_text(path.stem, text, path)


def parse_stored_query_text(name: str, text: str, path: Path | None = None) -> StoredQuery:
    where = path or Path(f"{name}.rq")
    header: dict[str, str] = {}
    params: list[Parameter] = []
    last = None
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.startswith("#"):
            break
        match = _HEADER_FIELD.match(line)
        if match and not line.startswith("#  "):
            key, value = match.groups()
            if key == "param":
                params.append(_parse_param(value, f"{where}:{number}"))
                last = None
            else:
                header[key] = value.strip()
                last = key
        elif last and line.startswith("#  "):
            header[last] += " " + line[1:].strip()
    query = StoredQuery(name, where, text, header, params)
    _check_parameters(query)
    return query


def _parse_param(spec: str, where: str) -> Parameter:
    match = _PARAM.match(spec.strip())
    if not match or match.group(2) not in PARAM_TYPES:
        raise QueryError(f"{where}: malformed parameter line {spec!r}; write `param: NAME TYPE [default=V] "
                         f"[allowed=a|b] [example=V] [description=…]`, TYPE one of {', '.join(PARAM_TYPES)}")
    name, ptype, rest = match.groups()
    options = {k: v.strip() for k, v in _OPTION.findall(rest)}
    unknown = set(options) - _PARAM_OPTIONS
    if unknown or _OPTION.sub("", rest).strip():
        raise QueryError(f"{where}: parameter {name!r}: cannot read {rest.strip()!r}; options are "
                         f"{', '.join(sorted(_PARAM_OPTIONS))} written as option=value")
    allowed = options.get("allowed")
    return Parameter(name, ptype, options.get("default") or None, allowed.split("|") if allowed else None,
                     options.get("description", ""), options.get("example") or None)


def _check_parameters(query: StoredQuery) -> None:
    """Parameters are distinct, used by the query, and their default and example are valid values."""
    seen = set()
    for param in query.parameters:
        if param.name in seen:
            raise QueryError(f"{query.path}: parameter {param.name!r} is declared twice")
        seen.add(param.name)
        if not re.search(rf"[?$]{re.escape(param.name)}\b", strip_comments(query.text)):
            raise QueryError(f"{query.path}: parameter {param.name!r} is declared but the query never uses "
                             f"?{param.name}")
        for label, value in (("default", param.default), ("example", param.example)):
            if value is not None:
                try:
                    _to_term(query, param, value)
                except UsageError as exc:
                    raise QueryError(f"{query.path}: the {label} of parameter {param.name!r} is invalid: {exc}") \
                        from None


def load_catalogue(queries_dir: Path) -> dict[str, StoredQuery]:
    """Every ``*.rq`` file of *queries_dir*, by name (the file stem), in name order."""
    return {q.name: q for q in map(parse_stored_query, sorted(Path(queries_dir).glob("*.rq")))}


def catalogue_markdown(catalogue: Mapping[str, StoredQuery]) -> str:
    """The catalogue as a Markdown table (name, titles, parameters), as docs/queries.md shows it."""
    lines = ["| query | title | parameters |", "|---|---|---|"]
    for name, query in catalogue.items():
        title = f"{query.header.get('title@pl', '')}<br>*{query.header.get('title@en', '')}*"
        params = "<br>".join(_param_markdown(p) for p in query.parameters) or "–"
        lines.append(f"| `{name}` | {title} | {params} |")
    return "\n".join(lines) + "\n"


def _param_markdown(param: Parameter) -> str:
    if param.required:
        value = f"required, e.g. `{param.example}`" if param.example else "required"
    else:
        value = f"default `{param.default}`"
    if param.allowed:
        value += f"; one of {len(param.allowed)} values" if len(param.allowed) > 5 else \
            f"; one of {', '.join(f'`{a}`' for a in param.allowed)}"
    return f"`{param.name}` ({param.type}, {value}): {param.description}"


# -- binding parameters ---------------------------------------------------------------------------

Term = ox.NamedNode | ox.Literal


def bind_parameters(query: StoredQuery, values: Mapping[str, Any]) -> dict[str, Term]:
    """Check *values* against the declared parameters and turn them into RDF terms (defaults applied).

    An unknown or missing parameter, or a value of the wrong type or not allowed, raises
    :class:`UsageError` naming the query and saying what is allowed.
    """
    known = {p.name: p for p in query.parameters}
    for name in values:
        if name not in known:
            raise UsageError(f"query {query.name!r} ({query.path}) has no parameter {name!r}; it has: "
                             f"{', '.join(known) or '(none)'}")
    bound = {}
    for param in query.parameters:
        raw = values.get(param.name, param.default)
        if raw is None:
            example = f" (for example -p {param.name}={param.example})" if param.example else ""
            raise UsageError(f"query {query.name!r} ({query.path}) needs parameter {param.name!r} "
                             f"({param.type}: {param.description or PARAM_TYPES[param.type]}){example}")
        bound[param.name] = _to_term(query, param, str(raw))
    return bound


def _to_term(query: StoredQuery, param: Parameter, raw: str) -> Term:
    what = f"parameter {param.name!r} of query {query.name!r}"
    if param.allowed and raw not in param.allowed:
        raise UsageError(f"{what} must be one of: {', '.join(param.allowed)}; got {raw!r}")
    try:
        return _TERM_MAKERS[param.type](raw)
    except (ValueError, UnicodeError) as exc:
        raise UsageError(f"{what} must be {PARAM_TYPES[param.type]}; got {raw!r} ({exc})") from None


def _integer(raw: str) -> ox.Literal:
    if not re.fullmatch(r"[-+]?\d{1,18}", raw.strip()):
        raise ValueError("not a whole number")
    return ox.Literal(str(int(raw)), datatype=ox.NamedNode(XSD + "integer"))


def _date(raw: str) -> ox.Literal:
    return ox.Literal(dt.date.fromisoformat(raw.strip()).isoformat(), datatype=ox.NamedNode(XSD + "date"))


def _string(raw: str) -> ox.Literal:
    raw.encode("utf-8")  # refuses lone surrogates, which no RDF literal can hold
    if re.search(r"\\[uU]", raw):
        # Some engines (rdflib) decode \uXXXX anywhere in a query before parsing it (SPARQL 1.1 §19.2),
        # so such a value would not reach every engine unchanged.
        raise ValueError("it contains \\u or \\U, which some SPARQL engines read as a code point escape")
    return ox.Literal(raw)


def _key_iri(kind: str):
    def make(raw: str) -> ox.NamedNode:
        try:
            return ox.NamedNode(mint_iri(kind, raw))
        except InvalidKey as exc:
            raise ValueError(str(exc)) from None
    return make


_TERM_MAKERS = {"integer": _integer, "date": _date, "string": _string, "iri": ox.NamedNode,
                **{kind: _key_iri(kind) for kind in KEY_TYPES}}


# -- running ----------------------------------------------------------------------------------------

def run_sparql(store: ox.Store, sparql: str, bindings: Mapping[str, Term] | None = None, *,
               source: str = "query") -> QueryResult:
    """Run a SELECT query over the union of all graphs, with *bindings* substituted as RDF terms."""
    refuse_federation(sparql, source)
    try:
        solutions = store.query(sparql, **union_options(store),
                                substitutions={ox.Variable(k): v for k, v in (bindings or {}).items()})
        if not isinstance(solutions, ox.QuerySolutions):
            raise QueryError(f"{source}: only SELECT queries return tables")
        return solutions_to_result(solutions)  # evaluates lazily: errors can surface here too
    except SyntaxError as exc:
        raise QueryError(f"{source}: malformed SPARQL: {exc}") from None
    except (RuntimeError, OSError) as exc:
        hint = " (a parameter variable must be in the SELECT projection)" if "projection" in str(exc) else ""
        raise QueryError(f"{source}: {exc}{hint}") from None


_SERVICE = re.compile(r"(?<![\w:?$])SERVICE\b", re.I)


def refuse_federation(sparql: str, source: str = "query") -> None:
    """Refuse ``SERVICE``: pyoxigraph fetches it over HTTP, so a query could reach any host this machine
    can (issue 9). Comments, IRIs and strings are blanked first, so only the keyword counts.

    >>> refuse_federation("SELECT * { SERVICE <http://10.0.0.1/> { ?s ?p ?o } }")
    Traceback (most recent call last):
    kg.errors.QueryError: query: SERVICE (a federated query) is not allowed: kg queries read only the store
    """
    if _SERVICE.search(_OPAQUE.sub(" ", sparql)):
        raise QueryError(f"{source}: SERVICE (a federated query) is not allowed: kg queries read only the store")


def solutions_to_result(solutions: ox.QuerySolutions) -> QueryResult:
    """Turn pyoxigraph solutions (from a store or parsed from an endpoint's answer) into a :class:`QueryResult`."""
    columns = [v.value for v in solutions.variables]
    return QueryResult(columns, [{c: python_value(s[c]) for c in columns} for s in solutions])


def python_value(term: Any) -> Any:
    """The Python value of an RDF term in a result row (see :class:`QueryResult`).

    >>> python_value(ox.Literal("80", datatype=ox.NamedNode(XSD + "positiveInteger")))
    80
    >>> python_value(ox.Literal("2015-03-31", datatype=ox.NamedNode(XSD + "date")))
    '2015-03-31'
    """
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value if term.datatype else ""
        try:
            if datatype in _INTEGER_TYPES:
                return int(term.value)
            if datatype == XSD + "decimal":
                return Decimal(term.value)
            if datatype in _FLOAT_TYPES:
                return float(term.value)
        except (ValueError, InvalidOperation):
            return term.value  # an ill-typed literal keeps its lexical form
        if datatype == XSD + "boolean":
            return term.value in ("true", "1")
        return term.value
    return str(term)


def run_stored(store: ox.Store, query: StoredQuery, values: Mapping[str, Any] | None = None) -> QueryResult:
    """Run a stored query on the embedded store with checked, typed parameter values.

    The terms are bound by pyoxigraph's substitution, which also enforces the rule that makes remote
    results equal (a parameter must be projected), and are written into the query as the same
    ``VALUES`` blocks a remote endpoint gets: Oxigraph applies a substitution to a nested sub-select
    only after evaluating it, while a ``VALUES`` block restricts it from the start (person-profile at
    1,000 articles: 0.8 s with the substitution alone, 0.2 s with both).
    """
    bound = bind_parameters(query, values or {})
    return run_sparql(store, with_values(query.text, bound), bound, source=str(query.path))


# -- portable binding: a VALUES block ---------------------------------------------------------------

def with_values(sparql: str, bindings: Mapping[str, Term]) -> str:
    """*sparql* with *bindings* as a ``VALUES`` block opening the group pattern of every ``SELECT``.

    The outermost query and each sub-select get the block, so a sub-select that projects a parameter
    sees its value as it does with pyoxigraph's substitution (a sub-select that does not project it
    merely carries one more column it does not return). The terms are pyoxigraph terms, whose
    ``str()`` is N-Triples syntax (quotes, backslashes and line breaks escaped; IRIs checked when
    constructed), which is also valid SPARQL: a value can never end the literal it is written in.
    """
    if not bindings:
        return sparql
    names = sorted(bindings)
    for term in bindings.values():
        if not isinstance(term, (ox.NamedNode, ox.Literal)):
            raise TypeError(f"only IRIs and literals can be bound, not {term!r}")
    block = (f"VALUES ({' '.join('?' + n for n in names)}) "
             f"{{ ({' '.join(str(bindings[n]) for n in names)}) }}")
    for start in reversed(_select_group_starts(sparql)):
        sparql = f"{sparql[:start + 1]}\n  {block}\n{sparql[start + 1:]}"
    return sparql


# Tokens inside which braces and parentheses do not count: comments, IRIs, string literals.
_OPAQUE = re.compile(r'''\#[^\n]*
    | <[^<>"{}|^`\\\s]*>
    | """(?:[^"\\]|\\.|"(?!""))*""" | \'\'\'(?:[^'\\]|\\.|'(?!''))*\'\'\'
    | "(?:[^"\\\n]|\\.)*" | '(?:[^'\\\n]|\\.)*'
''', re.X | re.S)
_SELECT = re.compile(r"(?<![\w?$:.-])SELECT\b", re.I)


def _select_group_starts(sparql: str) -> list[int]:
    """Offsets of the ``{`` opening the WHERE clause of the query and of each sub-select: for each
    ``SELECT``, the next ``{`` at its own parenthesis depth (a select expression may hold
    ``EXISTS { … }``), ignoring comments, IRIs and strings."""
    starts, waiting, depth, i = [], [], 0, 0
    while i < len(sparql):
        char = sparql[i]
        if char in "#<\"'":
            match = _OPAQUE.match(sparql, i)
            if match:
                i = match.end()
                continue
        if char == "\\":
            i += 2
            continue
        if char in "sS" and _SELECT.match(sparql, i):
            waiting.append(depth)
            i += len("SELECT")
            continue
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "{" and waiting and waiting[-1] == depth:
            starts.append(i)
            waiting.pop()
        i += 1
    if not starts:
        raise QueryError("cannot bind parameters: the query has no SELECT … { … } pattern")
    return starts


def strip_comments(sparql: str) -> str:
    r"""*sparql* without its ``#`` comments (those inside IRIs and strings are not comments).

    >>> strip_comments('# loads of\nSELECT ?s { ?s <http://e/#a> "#b" } # end')
    '\nSELECT ?s { ?s <http://e/#a> "#b" } '
    """
    return _OPAQUE.sub(lambda m: "" if m.group(0).startswith("#") else m.group(0), sparql)


_PROLOGUE = re.compile(r"\s*(?:(?:BASE\s*<[^>]*>|PREFIX\s+[^\s:]*:\s*<[^>]*>)\s*)*", re.I)


def query_form(sparql: str) -> str:
    r"""The form of a query or update: its first keyword after the prologue, upper-cased.

    >>> query_form('PREFIX ex: <http://e/> # a comment\n select * { }')
    'SELECT'
    >>> query_form('PREFIX ex: <http://e/>\nINSERT DATA { ex:a ex:b ex:c }')
    'INSERT'
    """
    text = strip_comments(sparql)
    match = re.match(r"\w+", text[_PROLOGUE.match(text).end():])
    return match.group(0).upper() if match else ""
