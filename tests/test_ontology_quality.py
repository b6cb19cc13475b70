"""The ontology is documented, complete and tidy: every kgo term has labels and definitions in Polish
and English, every kgo property is used, every term the data, shapes and queries use is declared, the
header has its metadata, and a DL reasoner (HermiT, shipped in owlready2) finds it consistent."""
from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib import OWL, RDF, RDFS, SKOS, URIRef
from rdflib.namespace import DCTERMS
from rdflib.paths import Path as PropertyPath
from rdflib.plugins.sparql import prepareQuery

from conftest import ROOT
from kg import pipeline
from kg.namespaces import KGO

SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
CLASS_TYPES = (OWL.Class, RDFS.Class, RDFS.Datatype)
PROPERTY_TYPES = (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, RDF.Property)
#: The languages' own terms (rdf:type, rdfs:subClassOf in a query about the hierarchy, …) need no
#: declaration; everything else, external vocabularies included, does.
BUILT_IN_NAMESPACES = (str(RDF), str(RDFS), str(OWL), "http://www.w3.org/2001/XMLSchema#")


@pytest.fixture(scope="module")
def ontology(project) -> rdflib.Graph:
    return pipeline.load_ontology(project)


def _declared(ontology: rdflib.Graph, types) -> set[URIRef]:
    return {s for t in types for s in ontology.subjects(RDF.type, t) if isinstance(s, URIRef)}


def _kgo(terms) -> list[URIRef]:
    return sorted(t for t in terms if str(t).startswith(str(KGO)))


def _short(term) -> str:
    return str(term).replace(str(KGO), "kgo:")


# -- documentation -------------------------------------------------------------------------------------

@pytest.mark.parametrize("prop", [RDFS.label, SKOS.definition])
def test_every_kgo_class_and_property_has_polish_and_english_text(ontology, prop):
    terms = _kgo(_declared(ontology, CLASS_TYPES + PROPERTY_TYPES))
    assert len(terms) > 50
    missing = [f"{_short(t)} ({lang})" for t in terms for lang in ("pl", "en")
               if not any(getattr(v, "language", None) == lang for v in ontology.objects(t, prop))]
    assert missing == [], f"kgo terms without {prop.n3(ontology.namespace_manager)}: {', '.join(missing)}"


def test_ontology_metadata_is_present(ontology):
    (header,) = ontology.subjects(RDF.type, OWL.Ontology)
    for prop in (OWL.versionIRI, DCTERMS.license, DCTERMS.creator, DCTERMS.modified):
        assert ontology.value(header, prop) is not None, f"the ontology header lacks {prop}"
    assert str(ontology.value(header, OWL.versionIRI)).startswith(str(header))


# -- what is used and what is declared ------------------------------------------------------------------

def _data_terms(store: ox.Store, ontology_graph: str) -> tuple[set[URIRef], set[URIRef]]:
    """(predicates, classes) used in every graph of the built store except the ontology."""
    rows = store.query(f"""SELECT DISTINCT ?p ?c WHERE {{ GRAPH ?g {{ ?s ?p ?o
        OPTIONAL {{ FILTER(?p = <{RDF.type}>) BIND(?o AS ?c) }} }} FILTER(?g != <{ontology_graph}>) }}""")
    predicates, classes = set(), set()
    for row in rows:
        predicates.add(URIRef(row["p"].value))
        if isinstance(row["c"], ox.NamedNode):
            classes.add(URIRef(row["c"].value))
    return predicates, classes


def _shape_terms(shapes_dir: Path) -> tuple[set[URIRef], set[URIRef]]:
    """(predicates, classes) the SHACL shapes constrain or target."""
    shapes = rdflib.Graph()
    for path in sorted(shapes_dir.glob("*.ttl")):
        shapes.parse(path)
    predicates = {p for path in shapes.objects(None, SH.path) for p in _iris_in_path(shapes, path)}
    predicates |= set(shapes.objects(None, SH.targetSubjectsOf)) | set(shapes.objects(None, SH.targetObjectsOf))
    classes = {c for prop in (SH["class"], SH.targetClass) for c in shapes.objects(None, prop)}
    classes |= {s for s in shapes.subjects(RDF.type, SH.NodeShape) if (s, RDF.type, RDFS.Class) in shapes}
    return {p for p in predicates if isinstance(p, URIRef)}, {c for c in classes if isinstance(c, URIRef)}


def _iris_in_path(shapes: rdflib.Graph, node) -> set[URIRef]:
    """The properties a SHACL property path mentions (sequence lists, inverse/alternative/…-paths)."""
    if isinstance(node, URIRef):
        return {node}
    found = set()
    for _, p, o in shapes.triples((node, None, None)):
        if p in (RDF.first, RDF.rest) or str(p).startswith(str(SH)):
            found |= _iris_in_path(shapes, o) if o != RDF.nil else set()
    return found


def _query_terms(queries_dir: Path) -> tuple[set[URIRef], set[URIRef]]:
    """(predicates, classes) in the triple patterns and property paths of the stored queries."""
    predicates, classes = set(), set()

    def visit(node):
        if isinstance(node, dict):
            for s, p, o in node["triples"] if getattr(node, "name", None) == "BGP" else []:
                predicates.update(_path_iris(p))
                if p == RDF.type and isinstance(o, URIRef):
                    classes.add(o)
            for value in node.values():
                visit(value)
        elif isinstance(node, (list, tuple)):
            for item in node:
                visit(item)

    for path in sorted(queries_dir.glob("*.rq")):
        visit(prepareQuery(path.read_text(encoding="utf-8")).algebra)
    return predicates, classes


def _path_iris(p) -> set[URIRef]:
    if isinstance(p, URIRef):
        return {p}
    if isinstance(p, PropertyPath):  # SequencePath/AlternativePath/NegatedPath .args, InvPath .arg, MulPath .path
        parts = [*getattr(p, "args", ()), getattr(p, "arg", None), getattr(p, "path", None)]
        return {iri for part in parts if part is not None for iri in _path_iris(part)}
    return set()


@pytest.fixture(scope="module")
def usage(built_store, project) -> dict[str, tuple[set[URIRef], set[URIRef]]]:
    store = ox.Store.read_only(str(built_store))
    return {"data": _data_terms(store, pipeline.ontology_graph_iri()),
            "shapes": _shape_terms(project.shapes_dir),
            "queries": _query_terms(project.queries_dir)}


def test_every_kgo_property_is_used(ontology, usage):
    used = set().union(*(predicates for predicates, _ in usage.values()))
    # used by the ontology's own axioms: a link of a chain, the target of an inverse, a restriction's property
    annotations = {RDFS.label, SKOS.definition, RDFS.comment}
    used |= {o for s, p, o in ontology if isinstance(o, URIRef) and p not in annotations and o != s}
    properties = _kgo(_declared(ontology, PROPERTY_TYPES))
    unused = [_short(p) for p in properties if p not in used]
    assert unused == [], f"kgo properties declared but used nowhere (data, shapes, queries, axioms): {unused}"


@pytest.mark.parametrize("where", ["data", "shapes", "queries"])
def test_every_term_in_use_is_declared_in_the_ontology(ontology, usage, where):
    predicates, classes = usage[where]
    assert predicates, f"no terms found in the {where}: the scan is broken"
    properties, declared_classes = _declared(ontology, PROPERTY_TYPES), _declared(ontology, CLASS_TYPES)
    undeclared = sorted(str(t) for t in {p for p in predicates if p not in properties}
                        | {c for c in classes if c not in declared_classes}
                        if not str(t).startswith(BUILT_IN_NAMESPACES))
    assert undeclared == [], (
        f"terms used in the {where} but not declared in ontology/kg.ttl (declare kgo: terms in their section, "
        f"external terms in section 1, each with one OWL type): {undeclared}")


# -- a DL reasoner on the ontology alone ---------------------------------------------------------------

def _hermit(graph: rdflib.Graph, tmp_path: Path):
    """Run HermiT (the jar inside owlready2) on *graph*; return the named classes it finds unsatisfiable."""
    owlready2 = pytest.importorskip("owlready2", reason="owlready2 (test extra) ships HermiT")
    if not shutil.which("java"):
        pytest.skip("HermiT needs Java (java not on PATH)")
    path = tmp_path / "kg.owl"
    graph.serialize(path, format="xml")
    world = owlready2.World()
    ontology = world.get_ontology(path.as_uri()).load()
    with ontology:
        # xsd:date and xsd:gYear are outside the OWL 2 datatype map, so HermiT must be told to ignore
        # them (ontology/kg.ttl, section 1.6); OwlReadyInconsistentOntologyError means inconsistent
        owlready2.sync_reasoner_hermit(world, infer_property_values=False, ignore_unsupported_datatypes=True,
                                       debug=0)
    return [c.iri for c in world.inconsistent_classes() if c.iri != str(OWL.Nothing)]


@pytest.mark.slow
def test_a_dl_reasoner_finds_the_ontology_consistent_with_every_class_satisfiable(ontology, tmp_path):
    assert _hermit(ontology, tmp_path) == []


@pytest.mark.slow
def test_the_dl_check_does_detect_an_unsatisfiable_class(ontology, tmp_path):
    broken = rdflib.Graph()
    for triple in ontology:
        broken.add(triple)
    broken.add((KGO.Impossible, RDF.type, OWL.Class))
    broken.add((KGO.Impossible, RDFS.subClassOf, KGO.Person))
    broken.add((KGO.Impossible, RDFS.subClassOf, KGO.Organisation))
    assert _hermit(broken, tmp_path) == [str(KGO.Impossible)]
