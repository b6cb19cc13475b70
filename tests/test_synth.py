"""The synthetic corpus (benchmarks/synth.py): valid annotations, deterministic, statistically plausible."""
from __future__ import annotations

import collections
import sys
from pathlib import Path

import pytest

from kg import pipeline
from kg.annotations import read_annotation
from kg.config import Project

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import synth  # noqa: E402

N = 20


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> list[Path]:
    return synth.generate(N, tmp_path_factory.mktemp("synth"), seed=7)


def test_every_file_passes_the_annotation_checks_and_the_shapes(corpus, project):
    inputs = pipeline.Inputs.read(project)
    for path in corpus:
        annotation, problems = read_annotation(path, inputs.reference)
        assert annotation is not None and not problems, "\n".join(map(str, problems))
        assert path.stem == annotation.key
    report = pipeline.shacl_report(pipeline.prepare_articles(corpus, inputs), inputs)
    assert report.conforms, str(report)


def test_same_seed_same_bytes_and_a_larger_corpus_starts_with_the_smaller(corpus, tmp_path):
    larger = synth.generate(N + 5, tmp_path, seed=7)
    assert [p.name for p in larger[:N]] == [p.name for p in corpus]
    assert all(a.read_bytes() == b.read_bytes() for a, b in zip(corpus, larger))
    other = synth.generate(3, tmp_path / "other", seed=8)
    assert other[0].read_bytes() != corpus[0].read_bytes()


def test_the_country_has_every_voivodeship_and_the_institution_mix():
    country = synth.country(0)
    types = collections.Counter(org.type for org in country.orgs.values())
    assert len(country.by_voivodeship) == 16
    assert types["rops"] == types["wup"] == types["urzad-marszalkowski"] == 16
    assert 330 <= types["pcpr"] <= 440 and 0.8 < types["pup"] / types["pcpr"] < 1.1
    assert 2000 <= types["gops"] + types["mgops"] + types["mops"] + types["mopr"] <= 3200
    assert types["ministerstwo"] >= 3 and types["uczelnia"] == 16
    assert any(set("ąćęłńóśźż") & set(p.name.lower()) for p in country.places.values())
    movers = [p for p in country.people.values() if len({s[2] for s in p.stints}) > 1]
    assert len(movers) > 0.1 * len(country.people)  # people change posts over time


def test_people_speak_in_several_voivodeships():
    regions = collections.defaultdict(set)
    for _, data in synth.iter_articles(400, seed=0):
        events = {e["key"]: e for e in data["events"]}
        for item in data.get("participations", []):
            event = events[item["event"]]
            region = event.get("voivodeship") or events[event["part_of"]]["voivodeship"]
            if "person" in item and item["role"] != "participant":
                regions[item["person"]].add(region)
    assert sum(1 for r in regions.values() if len(r) >= 2) >= 10


def test_a_build_reads_the_validation_context_from_what_it_wrote(tmp_path, project):
    """kg.validate.BuildContext: reading the context of the nodes from what the build wrote instead of
    asking the store, and skipping the events no earlier batch has participations in, changes no batch's
    context."""
    from kg.namespaces import SCHEMA
    from kg.validate import BuildContext, store_context
    import pyoxigraph as ox

    corpus = synth.generate(200, tmp_path, seed=11)
    inputs = pipeline.Inputs.read(project)
    batches = [pipeline.prepare_articles(files, inputs) for files in (corpus[:100], corpus[100:150], corpus[150:])]
    store, build_context = ox.Store(), BuildContext()
    store.bulk_extend(inputs.static_quads)
    for number, batch in enumerate(batches):
        if number:
            everything = store_context(store, batch, inputs)
            assert len(everything) > 50  # the batches share people, organisations and places
            assert store_context(store, batch, inputs, build_context) == everything, f"batch {number}"
            new_events = {s[1:-1] for a in batch for s, p, _ in a.triples() if p == f"<{SCHEMA.startDate}>"}
            assert new_events and not new_events & build_context.events  # so some queries were skipped
        store.load("".join(line for a in batch for line in a.nquads()), format=ox.RdfFormat.N_QUADS)
        build_context.add(t for a in batch for t in a.triples())
    assert build_context.answers


def test_a_kept_context_holds_each_context_triple_written_once():
    from kg.validate import BuildContext
    import pyoxigraph as ox

    # N-Triples terms, as the build makes them and as pyoxigraph prints the store's answers
    person = ox.NamedNode("https://w3id.org/kg-pl-inclusion/id/person/anna-nowak")
    event = ox.NamedNode("https://w3id.org/kg-pl-inclusion/id/event/forum-2015")
    name, gender = str(ox.NamedNode("http://schema.org/name")), str(ox.NamedNode("http://schema.org/gender"))
    in_event = str(ox.NamedNode("https://w3id.org/kg-pl-inclusion/ontology#inEvent"))
    context = BuildContext()
    context.add([(str(person), name, str(ox.Literal("Anna Nowak"))),
                 (str(person), gender, str(ox.Literal("female")))])  # not a context predicate
    context.add([(str(person), name, str(ox.Literal("Anna Nowak"))),  # a later batch's article says it again
                 (str(person), name, str(ox.Literal("Anna Nowak-Kowalska"))),
                 ("<https://w3id.org/kg-pl-inclusion/id/participation/p1>", in_event, str(event))])
    assert context.answers[person.value] == {(str(person), name, '"Anna Nowak"'), (str(person), name, '"Anna Nowak-Kowalska"')}
    assert person.value in context.subjects and event.value not in context.subjects
    assert context.events == {event.value}


def test_the_nodes_validation_asks_about_are_read_from_the_quads_as_from_the_graphs(tmp_path, project):
    """kg.validate.ArticleNodes reads the IRIs a validation in context needs from the articles' triples in
    one pass; they must be the ones rdflib's graph API gives."""
    from rdflib import URIRef
    from rdflib.namespace import RDF

    from kg.namespaces import KGO, SCHEMA
    from kg.validate import ArticleNodes

    articles = pipeline.prepare_articles(synth.generate(30, tmp_path, seed=3), pipeline.Inputs.read(project))
    nodes = ArticleNodes.of(t for a in articles for t in a.triples())
    graphs = [a.graph for a in articles]
    assert nodes.described == {str(s) for g in graphs for s, t in g.subject_objects(RDF.type)
                               if isinstance(s, URIRef) and str(t).startswith(str(KGO))}
    assert nodes.subjects == {str(s) for g in graphs for s in g.subjects() if isinstance(s, URIRef)}
    assert nodes.mentioned == {str(o) for g in graphs for o in g.objects() if isinstance(o, URIRef)}
    assert nodes.events == {str(s) for g in graphs for s in g.subjects(SCHEMA.startDate) if isinstance(s, URIRef)}
    assert nodes.events and nodes.described < nodes.subjects
