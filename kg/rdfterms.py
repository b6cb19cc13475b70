"""Terms between rdflib and pyoxigraph: kg builds and validates articles with rdflib graphs and stores them
with pyoxigraph. Kept apart from :mod:`kg.store` so that reading the store (``kg query``, ``kg stats``)
does not import rdflib (a fifth of a second at every command's start).
"""
from __future__ import annotations

from typing import Iterable, Iterator

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef

from .store import UNION

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


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


def quads_and_union(graphs: Iterable[tuple[Graph, str]]) -> tuple[list[ox.Quad], list[ox.Quad]]:
    """The quads of the rdflib *graphs* (each with its graph IRI), and their copies in the union,
    made from the same converted terms: reading a term back from a pyoxigraph quad costs several
    microseconds (re-reading the 2.3 million quads of a 10,000-article store to copy them took 30 s)."""
    quads, union = [], []
    for graph, graph_iri in graphs:
        name = ox.NamedNode(str(graph_iri))
        for s, p, o in graph:
            s, p, o = to_ox(s), to_ox(p), to_ox(o)
            quads.append(ox.Quad(s, p, o, name))
            union.append(ox.Quad(s, p, o, UNION))
    return quads, union
