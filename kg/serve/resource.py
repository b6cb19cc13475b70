"""Everything a resource page shows, gathered with a few SPARQL queries (run in a worker or in-process).

For one IRI: its statements in both directions, each with the graphs that state it; the n-ary nodes
that point at it (participations, post holdings) unfolded one level, so a person's page shows the
events and organisations directly; labels in Polish and English; and, for every article graph
involved, the article and its provenance with the evidence quotes and curator notes on the nodes.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from ..iri import base_iri
from ..namespaces import DCTERMS, KGO, PROV, RDF, RDFS, SCHEMA, SKOS
from .backend import Backend, Node, select

MAX_OUT = 2000
MAX_IN = 1000
MAX_UNFOLD = 200
LABEL_PROPERTIES = (SKOS.prefLabel, RDFS.label, SCHEMA.name, DCTERMS.title)
#: Incoming nodes of these types are unfolded (their own statements shown) on the page of what they point at.
NARY_TYPES = (str(KGO.Participation), str(KGO.PostHolding), str(KGO.Figure))


@dataclass
class Statement:
    """``subject predicate value``, with the graphs that state it (sorted)."""

    subject: Node
    predicate: Node
    value: Node
    graphs: list[str]


@dataclass
class Source:
    """An article graph: the article it comes from, its provenance, and the quotes on the page's nodes."""

    graph: str
    article: str | None = None
    fields: dict[str, Node] = field(default_factory=dict)
    evidence: list[tuple[str, str, Node]] = field(default_factory=list)  # (node IRI, evidence|note, text)


@dataclass
class ResourceData:
    iri: str
    outgoing: list[Statement] = field(default_factory=list)
    incoming: list[Statement] = field(default_factory=list)
    incoming_truncated: bool = False
    unfolded: dict[str, list[Statement]] = field(default_factory=dict)
    labels: dict[str, dict[str, str]] = field(default_factory=dict)  # IRI → language ("" if none) → label
    sources: list[Source] = field(default_factory=list)

    @property
    def found(self) -> bool:
        return bool(self.outgoing or self.incoming)

    @property
    def types(self) -> list[str]:
        return sorted({s.value.value for s in self.outgoing if s.predicate.value == str(RDF.type) and s.value.is_iri})


def _iri(value: str) -> str:
    return Node("iri", value).n3()


def _values(iris) -> str:
    return " ".join(_iri(i) for i in sorted(iris))


def _grouped(rows, subject_key: str | None, value_key: str | None, fixed: Node) -> list[Statement]:
    graphs = defaultdict(set)
    for row in rows:
        subject = row[subject_key] if subject_key else fixed
        value = row[value_key] if value_key else fixed
        graphs[(subject, row["p"], value)].add(row["g"].value)
    return [Statement(s, p, v, sorted(g)) for (s, p, v), g in sorted(graphs.items(), key=lambda i: (
        i[0][1].value, i[0][0].value, i[0][2].value))]


def gather(backend: Backend, iri: str) -> ResourceData:
    """Gather what the page of *iri* shows."""
    me = Node("iri", iri)
    data = ResourceData(iri)
    out = select(backend, f"SELECT ?p ?o ?g WHERE {{ GRAPH ?g {{ {_iri(iri)} ?p ?o }} }} LIMIT {MAX_OUT}")
    data.outgoing = _grouped(out, None, "o", me)
    incoming = select(backend, f"SELECT ?s ?p ?g WHERE {{ GRAPH ?g {{ ?s ?p {_iri(iri)} }} }} LIMIT {MAX_IN + 1}")
    data.incoming_truncated = len(incoming) > MAX_IN
    data.incoming = _grouped(incoming[:MAX_IN], "s", None, me)
    data.unfolded = _unfold(backend, data)
    data.sources = _sources(backend, data)
    data.labels = labels_for(backend, _mentioned(data))
    return data


def _unfold(backend: Backend, data: ResourceData) -> dict[str, list[Statement]]:
    subjects = sorted({s.subject.value for s in data.incoming if s.subject.is_iri})[:MAX_UNFOLD]
    if not subjects:
        return {}
    rows = select(backend, f"""SELECT ?s ?p ?o ?g WHERE {{
        VALUES ?s {{ {_values(subjects)} }}
        ?s a ?type . VALUES ?type {{ {_values(NARY_TYPES)} }}
        GRAPH ?g {{ ?s ?p ?o }} }}""")
    unfolded = defaultdict(list)
    for statement in _grouped(rows, "s", "o", Node("iri", data.iri)):
        unfolded[statement.subject.value].append(statement)
    return dict(unfolded)


def _mentioned(data: ResourceData) -> set[str]:
    iris = {data.iri}
    for statement in [*data.outgoing, *data.incoming, *(s for group in data.unfolded.values() for s in group)]:
        for node in (statement.subject, statement.predicate, statement.value):
            if node.is_iri:
                iris.add(node.value)
    for source in data.sources:
        iris.update(n.value for n in source.fields.values() if n.is_iri)
    return iris


def labels_for(backend: Backend, iris) -> dict[str, dict[str, str]]:
    """The labels of *iris*: per IRI, per language tag ("" for none), the first by property preference."""
    rank = {str(p): n for n, p in enumerate(LABEL_PROPERTIES)}
    found: dict[str, dict[str, tuple[int, str]]] = defaultdict(dict)
    iris = sorted(iris)
    for start in range(0, len(iris), 500):
        rows = select(backend, f"""SELECT ?x ?p ?label WHERE {{
            VALUES ?x {{ {_values(iris[start:start + 500])} }} ?x ?p ?label .
            FILTER (?p IN ({", ".join(_iri(p) for p in LABEL_PROPERTIES)}) && isLiteral(?label)) }}""")
        for row in rows:
            choice = (rank[row["p"].value], row["label"].value)
            current = found[row["x"].value].get(row["label"].lang or "")
            if current is None or choice < current:
                found[row["x"].value][row["label"].lang or ""] = choice
    return {iri: {lang: label for lang, (_, label) in by_lang.items()} for iri, by_lang in found.items()}


def _graphs(data: ResourceData) -> set[str]:
    statements = [*data.outgoing, *data.incoming, *(s for group in data.unfolded.values() for s in group)]
    return {g for s in statements for g in s.graphs}


SOURCE_FIELDS = {
    "title": DCTERMS.title, "issued": DCTERMS.issued, "issued_not_before": KGO.issuedNotBefore,
    "url": SCHEMA.url, "publisher": DCTERMS.publisher, "source_id": DCTERMS.identifier,
}


def _sources(backend: Backend, data: ResourceData) -> list[Source]:
    article_graphs = sorted(g for g in _graphs(data) if g.startswith(f"{base_iri()}graph/article/"))
    if not article_graphs:
        return []
    optional = "\n".join(f"OPTIONAL {{ ?article {_iri(p)} ?{name} }}" for name, p in SOURCE_FIELDS.items())
    rows = select(backend, f"""SELECT * WHERE {{
        VALUES ?g {{ {_values(article_graphs)} }}
        GRAPH ?g {{
          ?g {_iri(PROV.wasDerivedFrom)} ?article . ?article a {_iri(KGO.Article)} .
          {optional}
          OPTIONAL {{ ?g {_iri(PROV.generatedAtTime)} ?generated }}
          OPTIONAL {{ ?g {_iri(PROV.wasGeneratedBy)} ?activity }}
          OPTIONAL {{ ?g {_iri(PROV.wasDerivedFrom)} ?annotation . ?annotation {_iri(KGO.sha256)} ?sha256 ;
                        {_iri(DCTERMS.identifier)} ?annotation_file }}
        }} }}""")
    sources = {g: Source(g) for g in article_graphs}
    for row in rows:
        source = sources[row["g"].value]
        source.article = row["article"].value
        for name, node in row.items():
            if name not in ("g", "article"):
                source.fields.setdefault(name, node)
    nodes = {data.iri, *data.unfolded}
    quotes = select(backend, f"""SELECT ?g ?node ?kind ?text WHERE {{
        VALUES ?g {{ {_values(article_graphs)} }} VALUES ?node {{ {_values(nodes)} }}
        GRAPH ?g {{ {{ ?node {_iri(KGO.evidence)} ?text BIND ("evidence" AS ?kind) }}
                    UNION {{ ?node {_iri(KGO.note)} ?text BIND ("note" AS ?kind) }} }}
        }} ORDER BY ?g ?kind ?node ?text""")
    for row in quotes:
        sources[row["g"].value].evidence.append((row["node"].value, row["kind"].value, row["text"]))
    return [sources[g] for g in article_graphs]
