"""The dataset description: VoID and DCAT (DCAT-AP style) for the graph, its graphs and its distributions.

:func:`gather_statistics` counts what is in the store with SPARQL (so it works on the embedded store
and on a remote endpoint alike); :func:`describe` turns the counts into the description, given where
the dumps and the SPARQL endpoint are. ``kg export`` writes it beside the dump, ``kg serve`` serves it
at ``/.well-known/void`` and ``kg publish`` puts it in the static site.

Every node has an IRI under the dataset IRI ``{base}dataset`` (no blank nodes), and nothing depends on
the clock, so the same store gives the same description.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Mapping

import pyoxigraph as ox
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import OWL, RDF, XSD

from . import __version__
from .iri import base_iri
from .namespaces import DCAT, DCTERMS, FOAF, KGO, PREFIXES, SKOS, VOID, WD
from .queries import QueryResult, run_sparql

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS_NS = Namespace("http://www.w3.org/ns/formats/")
LICENCE = URIRef("https://creativecommons.org/licenses/by/4.0/")
ONTOLOGY = URIRef("https://w3id.org/kg-pl-inclusion/ontology")
WIKIDATA = URIRef("https://www.wikidata.org/")
IANA = "https://www.iana.org/assignments/media-types/"
EU = "http://publications.europa.eu/resource/authority/"

#: Dump formats: name → (file name, media type, W3C format IRI).
DUMPS = {
    "turtle": ("kg.ttl", "text/turtle", FORMATS_NS.Turtle),
    "trig": ("kg.trig", "application/trig", FORMATS_NS.TriG),
    "nquads": ("kg.nq", "application/n-quads", FORMATS_NS["N-Quads"]),
    "jsonld": ("kg.jsonld", "application/ld+json", FORMATS_NS["JSON-LD"]),
    "ntriples": ("kg.nt", "application/n-triples", FORMATS_NS["N-Triples"]),
}
#: Classes whose best-connected instance is an example resource.
EXAMPLE_CLASSES = (KGO.Person, KGO.Conference, KGO.Organisation, KGO.Project)


@dataclass
class Statistics:
    """What :func:`gather_statistics` counted."""

    triples: int = 0
    distinct_subjects: int = 0
    distinct_objects: int = 0
    per_graph: dict[str, int] = field(default_factory=dict)
    per_class: dict[str, int] = field(default_factory=dict)
    per_property: dict[str, int] = field(default_factory=dict)
    wikidata_links: int = 0
    examples: list[str] = field(default_factory=list)
    modified: str | None = None
    first_event: str | None = None
    last_event: str | None = None


def _pairs(result: QueryResult) -> dict[str, int]:
    return {row[result.columns[0]]: int(row[result.columns[1]]) for row in result.rows}


def gather_statistics(run: Callable[[str], QueryResult]) -> Statistics:
    """Count the dataset; *run* answers a SELECT over the union of all graphs as a :class:`QueryResult`."""
    stats = Statistics()
    totals = run("""SELECT (COUNT(*) AS ?triples) (COUNT(DISTINCT ?s) AS ?subjects) (COUNT(DISTINCT ?o) AS ?objects)
                    WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }""").rows[0]
    stats.triples, stats.distinct_subjects, stats.distinct_objects = (
        int(totals["triples"]), int(totals["subjects"]), int(totals["objects"]))
    stats.per_graph = _pairs(run("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"))
    stats.per_class = _pairs(run("SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c ORDER BY ?c"))
    stats.per_property = _pairs(run("""SELECT ?p (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }
                                       GROUP BY ?p ORDER BY ?p"""))
    stats.wikidata_links = int(run(f"""SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?s ?o WHERE {{
        ?s <{SKOS.exactMatch}> ?o FILTER (STRSTARTS(STR(?o), "{WD}")) }} }}""").rows[0]["n"])
    for cls in EXAMPLE_CLASSES:
        rows = run(f"""SELECT ?x (COUNT(?link) AS ?n) WHERE {{ ?x a <{cls}> . OPTIONAL {{ ?link ?p ?x }} }}
                       GROUP BY ?x ORDER BY DESC(?n) ?x LIMIT 1""").rows
        stats.examples += [row["x"] for row in rows]
    dates = run(f"""SELECT (MAX(?t) AS ?modified) WHERE {{ GRAPH ?g {{ ?g <{PROV_GENERATED}> ?t }} }}""").rows
    stats.modified = dates[0]["modified"] if dates else None
    span = run("""SELECT (MIN(?d) AS ?first) (MAX(?d) AS ?last) WHERE { ?e <http://schema.org/startDate> ?d }""").rows
    if span:
        stats.first_event, stats.last_event = span[0]["first"], span[0]["last"]
    return stats


PROV_GENERATED = "http://www.w3.org/ns/prov#generatedAtTime"


def store_statistics(store: ox.Store) -> Statistics:
    """:func:`gather_statistics` on the embedded store."""
    return gather_statistics(lambda sparql: run_sparql(store, sparql, source="dataset statistics"))


def dataset_iri(base: str | None = None) -> URIRef:
    return URIRef(f"{base or base_iri()}dataset")


def _slug(iri: str, base: str) -> str:
    """A fragment naming *iri*: its path under *base*, or its prefixed name, with punctuation as hyphens."""
    if base and iri.startswith(base):
        tail = iri[len(base):]
    else:
        tail = next((f"{p}-{iri[len(ns):]}" for p, ns in PREFIXES.items() if iri.startswith(ns)),
                    iri.split("://", 1)[-1])
    return "".join(c if c.isalnum() or c == "-" else "-" for c in tail).strip("-")


def describe(stats: Statistics, *, dumps: Mapping[str, str], sparql_endpoint: str | None = None,
             landing_page: str | None = None, base: str | None = None) -> Graph:
    """The VoID and DCAT description; *dumps* maps a format of :data:`DUMPS` to the dump's URL."""
    base = base or base_iri()
    ds = dataset_iri(base)
    part = lambda name: URIRef(f"{ds}#{name}")  # noqa: E731
    g = Graph()
    for prefix, namespace in {**PREFIXES, "sd": str(SD), "formats": str(FORMATS_NS)}.items():
        g.bind(prefix, namespace, replace=True)
    g.add((ds, RDF.type, VOID.Dataset))
    g.add((ds, RDF.type, DCAT.Dataset))
    g.add((ds, DCTERMS.title, Literal("Graf wiedzy o ekosystemie włączenia społecznego w Polsce", lang="pl")))
    g.add((ds, DCTERMS.title, Literal("Knowledge graph of Poland's social-inclusion ecosystem", lang="en")))
    g.add((ds, DCTERMS.description, Literal(
        "Instytucje, osoby, wydarzenia, projekty i programy polskiego systemu pomocy i integracji społecznej, "
        "z ręcznie adnotowanych artykułów prasowych; każdy fakt w grafie nazwanym artykułu, z którego pochodzi, "
        "z cytatem i proweniencją PROV-O.", lang="pl")))
    g.add((ds, DCTERMS.description, Literal(
        "Institutions, people, events, projects and programmes of Poland's social-assistance and "
        "social-inclusion system, from hand-annotated news articles; every fact sits in the named graph of the "
        "article that states it, with a quote and PROV-O provenance.", lang="en")))
    g.add((ds, DCTERMS.license, LICENCE))
    g.add((ds, DCTERMS.creator, Literal("kg contributors")))
    g.add((ds, DCAT.version, Literal(__version__)))
    g.add((ds, OWL.versionInfo, Literal(__version__)))
    g.add((ds, DCTERMS.conformsTo, ONTOLOGY))
    g.add((ds, DCTERMS.language, URIRef(EU + "language/POL")))
    g.add((ds, DCTERMS.spatial, WD.Q36))
    g.add((ds, DCAT.theme, URIRef(EU + "data-theme/SOCI")))
    for word, lang in (("włączenie społeczne", "pl"), ("pomoc społeczna", "pl"), ("social inclusion", "en"),
                       ("social assistance", "en"), ("Poland", "en"), ("Polska", "pl")):
        g.add((ds, DCAT.keyword, Literal(word, lang=lang)))
    if stats.modified:
        g.add((ds, DCTERMS.modified, Literal(stats.modified, datatype=XSD.dateTime, normalize=False)))
    if stats.first_event and stats.last_event:
        period = part("period")
        g.add((ds, DCTERMS.temporal, period))
        g.add((period, RDF.type, DCTERMS.PeriodOfTime))
        g.add((period, DCAT.startDate, Literal(stats.first_event, datatype=XSD.date)))
        g.add((period, DCAT.endDate, Literal(stats.last_event, datatype=XSD.date)))
    if landing_page:
        g.add((ds, DCAT.landingPage, URIRef(landing_page)))
        g.add((ds, FOAF.homepage, URIRef(landing_page)))
    g.add((ds, VOID.uriSpace, Literal(base)))
    g.add((ds, VOID.triples, Literal(stats.triples)))
    g.add((ds, VOID.distinctSubjects, Literal(stats.distinct_subjects)))
    g.add((ds, VOID.distinctObjects, Literal(stats.distinct_objects)))
    g.add((ds, VOID.classes, Literal(len(stats.per_class))))
    g.add((ds, VOID.properties, Literal(len(stats.per_property))))
    for example in stats.examples:
        g.add((ds, VOID.exampleResource, URIRef(example)))
    used = [*stats.per_class, *stats.per_property]
    for namespace in sorted({ns for ns in PREFIXES.values() if any(t.startswith(ns) for t in used)}):
        g.add((ds, VOID.vocabulary, URIRef(namespace)))
    _partitions(g, ds, part, stats)
    _graphs(g, ds, part, stats, base)
    _distributions(g, ds, part, dumps)
    if sparql_endpoint:
        _service(g, ds, part, sparql_endpoint)
    _wikidata_linkset(g, ds, part, stats)
    return g


def _partitions(g: Graph, ds, part, stats: Statistics) -> None:
    for cls, count in stats.per_class.items():
        node = part("class-" + _slug(cls, ""))
        g.add((ds, VOID.classPartition, node))
        g.add((node, VOID["class"], URIRef(cls)))
        g.add((node, VOID.entities, Literal(count)))
    for prop, count in stats.per_property.items():
        node = part("property-" + _slug(prop, ""))
        g.add((ds, VOID.propertyPartition, node))
        g.add((node, VOID.property, URIRef(prop)))
        g.add((node, VOID.triples, Literal(count)))


def _graphs(g: Graph, ds, part, stats: Statistics, base: str) -> None:
    """One subset per named graph, tied to the graph's name through the SPARQL service description."""
    default = part("sd-dataset")
    g.add((default, RDF.type, SD.Dataset))
    for graph, count in stats.per_graph.items():
        subset, named = part("graph-" + _slug(graph, base)), part("named-graph-" + _slug(graph, base))
        g.add((ds, VOID.subset, subset))
        g.add((subset, RDF.type, VOID.Dataset))
        g.add((subset, RDF.type, SD.Graph))
        g.add((subset, VOID.triples, Literal(count)))
        g.add((default, SD.namedGraph, named))
        g.add((named, RDF.type, SD.NamedGraph))
        g.add((named, SD.name, URIRef(graph)))
        g.add((named, SD.graph, subset))


def _distributions(g: Graph, ds, part, dumps: Mapping[str, str]) -> None:
    for fmt, url in dumps.items():
        _, media, format_iri = DUMPS[fmt]
        dist = part("dump-" + fmt)
        g.add((ds, VOID.dataDump, URIRef(url)))
        g.add((ds, DCAT.distribution, dist))
        g.add((dist, RDF.type, DCAT.Distribution))
        g.add((dist, DCAT.downloadURL, URIRef(url)))
        g.add((dist, DCAT.accessURL, URIRef(url)))
        g.add((dist, DCAT.mediaType, URIRef(IANA + media)))
        g.add((dist, DCTERMS.format, format_iri))
        g.add((dist, DCTERMS.license, LICENCE))
        g.add((ds, VOID.feature, format_iri))


def _service(g: Graph, ds, part, endpoint: str) -> None:
    service = part("sparql")
    g.add((ds, VOID.sparqlEndpoint, URIRef(endpoint)))
    g.add((ds, DCAT.distribution, part("sparql-distribution")))
    g.add((part("sparql-distribution"), RDF.type, DCAT.Distribution))
    g.add((part("sparql-distribution"), DCAT.accessURL, URIRef(endpoint)))
    g.add((part("sparql-distribution"), DCAT.accessService, service))
    g.add((service, RDF.type, DCAT.DataService))
    g.add((service, RDF.type, SD.Service))
    g.add((service, DCAT.endpointURL, URIRef(endpoint)))
    g.add((service, DCAT.servesDataset, ds))
    g.add((service, DCTERMS.conformsTo, URIRef("https://www.w3.org/TR/sparql11-protocol/")))
    g.add((service, SD.endpoint, URIRef(endpoint)))
    g.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    g.add((service, SD.defaultDataset, part("sd-dataset")))
    for name in ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
                 "Turtle", "JSON-LD", "N-Triples", "RDF_XML"):
        g.add((service, SD.resultFormat, FORMATS_NS[name]))


def _wikidata_linkset(g: Graph, ds, part, stats: Statistics) -> None:
    linkset = part("wikidata-links")
    g.add((ds, VOID.subset, linkset))
    g.add((linkset, RDF.type, VOID.Linkset))
    g.add((linkset, VOID.linkPredicate, SKOS.exactMatch))
    g.add((linkset, VOID.subjectsTarget, ds))
    g.add((linkset, VOID.objectsTarget, WIKIDATA))
    g.add((linkset, VOID.triples, Literal(stats.wikidata_links)))
    g.add((WIKIDATA, RDF.type, VOID.Dataset))
    g.add((WIKIDATA, DCTERMS.title, Literal("Wikidata", lang="en")))
    g.add((WIKIDATA, VOID.uriSpace, Literal(str(WD))))


def to_turtle(graph: Graph) -> bytes:
    return graph.serialize(format="turtle").encode("utf-8")


def dump_urls(location: str, formats=tuple(DUMPS)) -> dict[str, str]:
    """The URL of each dump under *location* (a URL ending in ``/``)."""
    return {fmt: location + DUMPS[fmt][0] for fmt in formats}


def write_for_export(store: ox.Store, path: Path, dump: Path, fmt: str, *, public_url: str | None = None) -> None:
    """Write the description of *store* to *path*, naming *dump* (written in *fmt*) as its data dump.

    Without *public_url* the dump is named by its ``file:`` URL; with it, as *public_url* + the dump's file name.
    """
    url = (public_url.rstrip("/") + "/" + dump.name) if public_url else Path(dump).resolve().as_uri()
    graph = describe(store_statistics(store), dumps={fmt: url})
    Path(path).write_bytes(to_turtle(graph))
