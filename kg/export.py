"""Stage 7: export the store in the standard RDF syntaxes, deterministically.

Triple formats (Turtle, N-Triples) hold the merge of all graphs; dataset formats (TriG,
N-Quads, JSON-LD) keep one named graph per article. Statements are sorted before writing, so
the same store content always gives the same bytes.
"""
from __future__ import annotations

from pathlib import Path
from typing import IO, Iterable

import pyoxigraph as ox

from .errors import UsageError
from .iri import mint
from .namespaces import PREFIXES

FORMATS = {
    "turtle": (ox.RdfFormat.TURTLE, False),
    "ntriples": (ox.RdfFormat.N_TRIPLES, False),
    "trig": (ox.RdfFormat.TRIG, True),
    "nquads": (ox.RdfFormat.N_QUADS, True),
    "jsonld": (ox.RdfFormat.JSON_LD, True),
}
EXTENSIONS = {"turtle": "ttl", "ntriples": "nt", "trig": "trig", "nquads": "nq", "jsonld": "jsonld"}


def inferred_graph_iri(base: str | None = None) -> str:
    return str(mint("graph", "inferred", base=base))


def _selected_quads(store: ox.Store, with_inferred: bool, base: str | None) -> Iterable[ox.Quad]:
    inferred = ox.NamedNode(inferred_graph_iri(base))
    for quad in store:
        if quad.graph_name == inferred and not with_inferred:
            continue
        yield quad


def export(store: ox.Store, fmt: str = "turtle", output: IO[bytes] | Path | None = None, *,
           with_inferred: bool = False, base: str | None = None) -> bytes | None:
    """Serialise the store in *fmt*; return bytes when *output* is None."""
    if fmt not in FORMATS:
        raise UsageError(f"unknown export format {fmt!r}; choose one of: {', '.join(FORMATS)}")
    rdf_format, keeps_graphs = FORMATS[fmt]
    quads = _selected_quads(store, with_inferred, base)
    if keeps_graphs:
        statements = sorted(set(quads), key=lambda q: (str(q.graph_name), str(q.subject), str(q.predicate), str(q.object)))
    else:
        triples = {ox.Triple(q.subject, q.predicate, q.object) for q in quads}
        statements = sorted(triples, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    prefixes = PREFIXES if fmt in ("turtle", "trig") else None
    target = str(output) if isinstance(output, Path) else output
    return ox.serialize(statements, target, format=rdf_format, prefixes=prefixes)
