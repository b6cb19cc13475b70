"""Make a larger dataset by replicating a store's article graphs with renamed instance IRIs.

Copy *i* of every instance IRI (people, organisations, events, …) gets the suffix ``-r{i}``, so
the copies are distinct nodes with the same shape as the seed data; ontology and reference
graphs are kept once. Cheap and deterministic: used where a benchmark needs only volume.
(The synthetic corpus generator for realistic statistics is ``benchmarks/synth.py``.)
"""
from __future__ import annotations

from typing import Iterator

import pyoxigraph as ox

from kg import store as kgstore
from kg.iri import base_iri

# Places (cities, venues) are shared between copies, as real cities are shared between articles.
INSTANCE_KINDS = ("person/", "organisation/", "event/", "participation/", "post-holding/", "project/",
                  "article/", "graph/article/", "figure/", "activity/")


def _renamer(copy: int):
    base = base_iri()
    cache: dict[str, ox.NamedNode] = {}

    def rename(term):
        if not isinstance(term, ox.NamedNode):
            return term
        value = term.value
        if value not in cache:
            local = value[len(base):] if value.startswith(base) else ""
            cache[value] = ox.NamedNode(f"{value}-r{copy}") if local.startswith(INSTANCE_KINDS) else term
        return cache[value]
    return rename


def replicated_quads(store: ox.Store, copies: int) -> Iterator[ox.Quad]:
    """All quads of *store*, with article graphs repeated *copies* times under renamed IRIs."""
    article_prefix = base_iri() + "graph/article/"
    named = list(kgstore.named_quads(store))  # not the default graph: the union of these (kg.store)
    static = [q for q in named if not q.graph_name.value.startswith(article_prefix)]
    articles = [q for q in named if q.graph_name.value.startswith(article_prefix)]
    yield from static
    for copy in range(copies):
        rename = _renamer(copy)
        for q in articles:
            yield ox.Quad(rename(q.subject), rename(q.predicate), rename(q.object), rename(q.graph_name))
