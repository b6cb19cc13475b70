"""Terms between rdflib, N-Triples text and pyoxigraph.

kg builds an article's triples as N-Triples terms (:func:`nt_iri`, :func:`nt_literal`), printed exactly
as pyoxigraph prints its terms, and hands them to pyoxigraph as text, which it reads in Rust with the
GIL released: making a pyoxigraph quad object costs about 4 microseconds, an rdflib literal 5–8, and a
build makes millions (docs/performance.md, session 9). rdflib graphs stay for what is read or written
by people (the ontology, reference data, reports, tests). Kept apart from :mod:`kg.store` so that
reading the store (``kg query``, ``kg stats``) does not import rdflib (a fifth of a second at every
command's start).
"""
from __future__ import annotations

import re
from typing import Iterable, Iterator

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef

from .store import UNION

XSD = "http://www.w3.org/2001/XMLSchema#"
_XSD_STRING = XSD + "string"

#: How pyoxigraph escapes a character in a quoted literal (oxrdf's printer): the N-Triples escapes,
#: \\uXXXX for the other control characters. Printing alike lets kg compare its terms with the store's.
_ESCAPES = {ord("\\"): "\\\\", ord('"'): '\\"', ord("\n"): "\\n", ord("\r"): "\\r", ord("\t"): "\\t",
            ord("\b"): "\\b", ord("\f"): "\\f"}
_ESCAPES.update({c: f"\\u{c:04X}" for c in [*range(0x20), 0x7F] if c not in _ESCAPES})
_NEEDS_ESCAPE = re.compile(r'[\x00-\x1f\x7f"\\]')


def nt_iri(iri: str) -> str:
    """An IRI as N-Triples (kg mints its IRIs from slugs; others are checked where they are read)."""
    return f"<{iri}>"


def nt_literal(lexical: str, *, language: str | None = None, datatype: str | None = None) -> str:
    """A literal as N-Triples, as pyoxigraph prints it (``str(ox.Literal(...))``).

    >>> nt_literal('Dzień "otwarty"', language="pl"), nt_literal("2012", datatype=XSD + "gYear")
    ('"Dzień \\\\"otwarty\\\\""@pl', '"2012"^^<http://www.w3.org/2001/XMLSchema#gYear>')
    """
    if _NEEDS_ESCAPE.search(lexical):
        lexical = lexical.translate(_ESCAPES)
    if language:
        return f'"{lexical}"@{language}'
    if datatype and datatype != _XSD_STRING:
        return f'"{lexical}"^^<{datatype}>'
    return f'"{lexical}"'


def nt_term(term) -> str:
    """An rdflib term as N-Triples, as pyoxigraph prints the same term."""
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, Literal):
        return nt_literal(str(term), language=term.language, datatype=term.datatype and str(term.datatype))
    if isinstance(term, BNode):
        return f"_:{term}"
    raise TypeError(f"cannot store {term!r}")


def nt_quads(triples: Iterable[tuple[str, str, str]], graph: str | None) -> list[str]:
    """N-Quads lines of N-Triples-term *triples* in the graph *graph* (an N-Triples IRI; None: the default graph)."""
    if graph is None:
        return [f"{s} {p} {o} .\n" for s, p, o in triples]
    return [f"{s} {p} {o} {graph} .\n" for s, p, o in triples]


def parse_quads(lines: Iterable[str]) -> list[ox.Quad]:
    """pyoxigraph quads of N-Quads *lines* (blank nodes keep their labels)."""
    return list(ox.parse("".join(lines), format=ox.RdfFormat.N_QUADS))


def to_ox(term) -> ox.NamedNode | ox.Literal | ox.BlankNode:
    """Convert an rdflib term to the pyoxigraph term with the same RDF meaning."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    raise TypeError(f"cannot store {term!r}")


def to_rdflib(term: ox.NamedNode | ox.Literal | ox.BlankNode):
    """Convert a pyoxigraph term to the rdflib term with the same RDF meaning."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    datatype = term.datatype.value
    return Literal(term.value, datatype=None if datatype == _XSD_STRING else URIRef(datatype))


def graph_quads(graph: Graph, graph_iri: str) -> Iterator[ox.Quad]:
    """The triples of the rdflib *graph* as quads in the named graph *graph_iri*."""
    name = ox.NamedNode(str(graph_iri))
    for s, p, o in graph:
        yield ox.Quad(to_ox(s), to_ox(p), to_ox(o), name)
