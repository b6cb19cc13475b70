"""Counts a curator or researcher wants at a glance: per class, per article, and the headline totals."""
from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from .namespaces import KGO
from .store import union_options

HEADLINE_CLASSES = {
    "people": KGO.Person, "organisations": KGO.Organisation, "events": KGO.Event,
    "projects": KGO.Project, "regions": KGO.Voivodeship, "articles": KGO.Article,
}
EVENT_CLASSES = [KGO.Event, KGO.Conference, KGO.Training, KGO.Panel, KGO.Meeting, KGO.Forum, KGO.Seminar]


@dataclass
class Stats:
    triples: int
    quads: int
    headline: dict[str, int] = field(default_factory=dict)
    per_class: dict[str, int] = field(default_factory=dict)
    per_graph: dict[str, int] = field(default_factory=dict)


def _count(store: ox.Store, query: str) -> list[tuple[str, int]]:
    return [(row[0].value, int(row[1].value)) for row in store.query(query, **union_options(store))]


def compute(store: ox.Store) -> Stats:
    """Compute the statistics of the whole store (asserted and, if present, inferred graphs)."""
    triples = int(next(iter(store.query("SELECT (COUNT(*) AS ?n) { SELECT DISTINCT ?s ?p ?o { ?s ?p ?o } }",
                                        **union_options(store))))[0].value)
    per_class = dict(_count(store, "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) { ?s a ?c } GROUP BY ?c ORDER BY DESC(?n) ?c"))
    per_graph = dict(_count(store, "SELECT ?g (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"))
    headline = {}
    for name, cls in HEADLINE_CLASSES.items():
        classes = EVENT_CLASSES if cls == KGO.Event else [cls]
        values = " ".join(f"<{c}>" for c in classes)
        query = f"SELECT (COUNT(DISTINCT ?s) AS ?n) {{ VALUES ?c {{ {values} }} ?s a ?c }}"
        headline[name] = int(next(iter(store.query(query, **union_options(store))))[0].value)
    # quads in the named graphs: the default graph's union of them is derived (kg.store)
    return Stats(triples, sum(per_graph.values()), headline, per_class, per_graph)
