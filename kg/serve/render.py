"""HTML for the served and the published site: where an IRI's page is, and the Jinja templates.

The same templates serve ``kg serve`` (absolute paths, content negotiation) and ``kg publish``
(relative paths ending in ``.html``, so the site works from any directory and from ``file://``):
:class:`Links` is the only difference.
"""
from __future__ import annotations

import functools
import json
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import jinja2
import pyoxigraph as ox

from .. import __version__
from ..iri import base_iri
from ..namespaces import KGO, PREFIXES, RDF, VOCAB
from .backend import Node
from .resource import ResourceData, Statement

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"
ONTOLOGY_IRI = VOCAB + "ontology"
CONCEPTS = VOCAB + "concept/"
LANGUAGES = ("pl", "en", "")
#: Resource formats (besides HTML): file suffix → media type.
RESOURCE_FORMATS = {"ttl": "text/turtle", "jsonld": "application/ld+json", "nt": "application/n-triples",
                    "trig": "application/trig", "nq": "application/n-quads"}
RESOURCE_RDF_FORMATS = {"text/turtle": ox.RdfFormat.TURTLE, "application/ld+json": ox.RdfFormat.JSON_LD,
                        "application/n-triples": ox.RdfFormat.N_TRIPLES, "application/trig": ox.RdfFormat.TRIG,
                        "application/n-quads": ox.RdfFormat.N_QUADS}


def local_path(iri: str) -> str | None:
    """The site path (without leading ``/``) of a kg IRI, or None for IRIs kg does not mint.

    >>> local_path("https://w3id.org/kg-pl-inclusion/id/person/miroslaw-grewinski")
    'id/person/miroslaw-grewinski'
    >>> local_path("https://w3id.org/kg-pl-inclusion/ontology#Person")
    'ontology#Person'
    >>> local_path("http://schema.org/Person") is None
    True
    """
    base = base_iri()
    if iri.startswith(base) and len(iri) > len(base):
        return "id/" + iri[len(base):]
    if iri.startswith(CONCEPTS) and len(iri) > len(CONCEPTS):
        return "concept/" + iri[len(CONCEPTS):]
    if iri == ONTOLOGY_IRI or iri.startswith(ONTOLOGY_IRI + "#"):
        return "ontology" + iri[len(ONTOLOGY_IRI):]
    return None


def iri_for_path(path: str) -> str | None:
    """The inverse of :func:`local_path` for resource paths (``id/…`` and ``concept/…``)."""
    if path.startswith("id/") and len(path) > 3:
        return base_iri() + path[3:]
    if path.startswith("concept/") and len(path) > 8:
        return CONCEPTS + path[8:]
    return None


@dataclass
class Links:
    """How pages link to each other: *prefix* before every site path, *suffix* after page paths."""

    prefix: str = "/"
    suffix: str = ""

    def to(self, path: str) -> str:
        """A link to a site page (``queries``, ``id/person/x``, ``ontology#Person``)."""
        page, hash_, fragment = path.partition("#")
        if self.suffix and (page == "" or page.endswith("/")):
            page += "index"
        if self.suffix and page in ("ontology", "queries"):
            page += "/index"  # section pages are directories in a static site
        return f"{self.prefix}{page}{self.suffix if page and not page.endswith(self.suffix) else ''}{hash_}{fragment}"

    def asset(self, path: str) -> str:
        """A link to a file as it is (static assets, dumps, data files)."""
        return self.prefix + path

    def page(self, iri: str) -> str | None:
        """The page of *iri* on this site, or None."""
        path = local_path(iri)
        return self.to(path) if path is not None else None

    def data(self, iri: str, suffix: str) -> str | None:
        """The *suffix* (``ttl``, ``jsonld``, …) document of a resource page."""
        path = local_path(iri)
        return f"{self.prefix}{path}.{suffix}" if path and "#" not in path else None


def curie(iri: str) -> str:
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    base = base_iri()
    return iri[len(base):] if iri.startswith(base) else iri


class Labels:
    """Polish-first labels of IRIs, with the IRI's short form as the last resort."""

    def __init__(self, labels: dict[str, dict[str, str]] | None = None):
        self.labels = labels or {}

    def __call__(self, iri: str, lang: str | None = None) -> str:
        options = self.labels.get(iri, {})
        if lang is not None:
            return options.get(lang, "")
        return next((options[code] for code in LANGUAGES if code in options), None) or curie(iri)

    def second(self, iri: str) -> str:
        """The English label when the main one is Polish and they differ."""
        options = self.labels.get(iri, {})
        main = self(iri)
        return options["en"] if "en" in options and options["en"] != main else ""


@functools.lru_cache(maxsize=16)
def _environment(prefix: str, suffix: str) -> jinja2.Environment:
    links = Links(prefix, suffix)
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                             trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined)
    env.globals.update(links=links, curie=curie, version=__version__, base_iri=base_iri(),
                       static=bool(links.suffix), standalone=False,
                       inline_css=lambda: (STATIC / "kg.css").read_text(encoding="utf-8"))
    return env


def render(template: str, links: Links, labels: Labels | None = None, **context) -> str:
    """Render *template* with *links*; *labels* names the IRIs the page shows."""
    env = _environment(links.prefix, links.suffix)
    return env.get_template(template).render(label=labels or Labels(), **context)


# -- the resource page's view of the data ---------------------------------------------------------

GRAPH_KINDS = {"ontology": "ontologia · ontology", "reference": "dane referencyjne · reference data",
               "inferred": "wywnioskowane · inferred (OWL 2 RL)", "provenance": "proweniencja · provenance"}


def graph_badge(graph: str, sources: dict[str, str]) -> dict:
    """How a page names a graph: article graphs by their number, linking to the source section."""
    base = base_iri()
    tail = graph[len(base):] if graph.startswith(base) else graph
    if tail.startswith("graph/article/"):
        key = tail[len("graph/article/"):]
        return {"short": key.split("-", 1)[0], "title": sources.get(graph, key), "anchor": f"source-{key}",
                "kind": "article"}
    kind = tail[len("graph/"):] if tail.startswith("graph/") else tail
    return {"short": kind[:3], "title": GRAPH_KINDS.get(kind, graph), "anchor": None, "kind": kind}


def _by_predicate(statements: list[Statement], side: str) -> list[tuple[Node, list[Statement]]]:
    groups: dict[Node, list[Statement]] = defaultdict(list)
    for statement in statements:
        groups[statement.predicate].append(statement)
    order = lambda p: (p.value != str(RDF.type), p.value)  # noqa: E731
    return [(p, groups[p]) for p in sorted(groups, key=order)]


def resource_view(data: ResourceData) -> dict:
    """The page's sections: asserted and inferred statements, by predicate, and the sources."""
    inferred = f"{base_iri()}graph/inferred"
    asserted = lambda s: any(g != inferred for g in s.graphs)  # noqa: E731
    titles = {s.graph: s.fields["title"].value if "title" in s.fields else s.graph for s in data.sources}
    badges = {g: graph_badge(g, titles) for s in [*data.outgoing, *data.incoming] for g in s.graphs}
    for group in data.unfolded.values():
        for statement in group:
            badges.update({g: graph_badge(g, titles) for g in statement.graphs})
    return {
        "outgoing": _by_predicate([s for s in data.outgoing if asserted(s)], "out"),
        "incoming": _by_predicate([s for s in data.incoming if asserted(s)], "in"),
        "inferred_out": _by_predicate([s for s in data.outgoing if not asserted(s)], "out"),
        "inferred_in": _by_predicate([s for s in data.incoming if not asserted(s)], "in"),
        "badges": badges,
        "unfolded": {iri: [s for s in group if s.predicate.value != str(RDF.type) and asserted(s)]
                     for iri, group in data.unfolded.items()},
        "unfolded_types": {iri: [s.value.value for s in group if s.predicate.value == str(RDF.type)
                                 and s.value.value.startswith(str(KGO))]
                           for iri, group in data.unfolded.items()},
    }


def resource_quads(data: ResourceData, *, with_inferred: bool = False) -> list[ox.Quad]:
    """The statements of a resource page as quads in the graphs that state them (sorted)."""
    inferred = f"{base_iri()}graph/inferred"
    quads = set()
    for statement in [*data.outgoing, *data.incoming, *(s for g in data.unfolded.values() for s in g)]:
        terms = [n.to_ox() for n in (statement.subject, statement.predicate, statement.value)]
        if any(t is None for t in terms):
            continue
        for graph in statement.graphs:
            if graph != inferred or with_inferred:
                quads.add(ox.Quad(*terms, ox.NamedNode(graph)))
    return sorted(quads, key=lambda q: (str(q.graph_name), str(q.subject), str(q.predicate), str(q.object)))


def serialize_resource(data: ResourceData, media: str, *, with_inferred: bool = False) -> bytes:
    """The resource's statements in *media*: graphs kept in TriG and N-Quads, merged otherwise."""
    fmt = RESOURCE_RDF_FORMATS[media]
    quads = resource_quads(data, with_inferred=with_inferred)
    if fmt.supports_datasets:
        statements = quads
    else:
        statements = sorted({ox.Triple(q.subject, q.predicate, q.object) for q in quads},
                            key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    prefixes = PREFIXES if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else None
    return ox.serialize(statements, format=fmt, prefixes=prefixes)


def result_document(query, values: dict[str, str], body: bytes) -> bytes:
    """A stored query's result as the API's JSON: name, parameters used, columns and rows of Python values."""
    from ..queries import solutions_to_result
    result = solutions_to_result(ox.parse_query_results(body, ox.QueryResultsFormat.JSON))
    document = {"query": query.name, "parameters": {p.name: values.get(p.name, p.default) for p in query.parameters},
                "columns": result.columns, "rows": result.rows}
    return json.dumps(document, ensure_ascii=False, indent=2, default=_json_value).encode("utf-8")


def _json_value(value):
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def solutions_table(body: bytes) -> tuple[list[str], list[dict[str, Node]]]:
    """Columns and rows (as :class:`Node`) of SPARQL JSON results, for an HTML table."""
    solutions = ox.parse_query_results(body, ox.QueryResultsFormat.JSON)
    if isinstance(solutions, ox.QueryBoolean):
        return ["boolean"], [{"boolean": Node("literal", "true" if bool(solutions) else "false")}]
    columns = [v.value for v in solutions.variables]
    return columns, [{c: Node.from_ox(s[c]) for c in columns if s[c] is not None} for s in solutions]
