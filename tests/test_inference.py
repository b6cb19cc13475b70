"""OWL 2 RL inference: the fast path equals owlrl (the reference), inferences live in their own graph
and follow loads, inconsistencies are reported with their sources, and every inference is explained."""
from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from conftest import ROOT, select
from kg import api, export as kgexport, infer, pipeline, store as kgstore
from kg.cli import cli, main
from kg.config import Project
from kg.errors import OntologyError
from kg.explain import explain, parse_term

BASE = "https://w3id.org/kg-pl-inclusion/id/"
KGO = "https://w3id.org/kg-pl-inclusion/ontology#"
MOPR_SZCZECIN = BASE + "organisation/mopr-szczecin"
MOPS_WALBRZYCH = BASE + "organisation/mops-walbrzych"
INFERRED = kgexport.inferred_graph_iri()


def _replicate():
    spec = importlib.util.spec_from_file_location("replicate", ROOT / "benchmarks" / "replicate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.replicated_quads


def asserted_quads(store: ox.Store, copies: int | None = None) -> list[ox.Quad]:
    quads = _replicate()(store, copies) if copies else kgstore.named_quads(store)
    return [q for q in quads if q.graph_name.value != INFERRED]


def assert_same_entailments(quads, reference: infer.Reference | None = None) -> infer.Inference:
    """The fast path and owlrl infer exactly the same useful triples, and neither finds a clash."""
    fast = infer.materialise(quads)
    reference = reference or infer.owlrl_entailments(quads)
    got = set(fast.triples)
    missing, extra = reference.triples - got, got - reference.triples
    assert not missing and not extra, (
        f"fast path misses {len(missing)}: {sorted(map(str, missing))[:10]}\n"
        f"fast path adds {len(extra)}: {sorted(map(str, extra))[:10]}")
    assert reference.errors == [] and fast.clashes == []
    return fast


# -- the done-when query ----------------------------------------------------------------------------

def test_social_assistance_institutions_include_mopr_and_mops_only_by_inference(built_store, project):
    graph = api.KnowledgeGraph(built_store, project)
    found = {row["organisation"] for row in graph.query("social-assistance-institutions")}
    assert {MOPR_SZCZECIN, MOPS_WALBRZYCH} <= found
    assert graph.query_result("social-assistance-institutions", with_inferred=False).rows == []

    store = ox.Store.read_only(str(built_store))
    rows = select(store, "SELECT ?x WHERE { ?x a kgo:SocialAssistanceInstitution }")
    assert {MOPR_SZCZECIN, MOPS_WALBRZYCH} <= {r["x"] for r in rows}
    for org in (MOPR_SZCZECIN, MOPS_WALBRZYCH):
        typed = ox.Triple(ox.NamedNode(org), infer.RDF_TYPE, ox.NamedNode(KGO + "SocialAssistanceInstitution"))
        graphs = {q.graph_name.value for q in store.quads_for_pattern(*typed, None)
                  if not isinstance(q.graph_name, ox.DefaultGraph)}  # the union of the named graphs
        assert graphs == {INFERRED}, f"{org} must be a social-assistance institution only by inference"


def test_cli_query_sees_inferences_unless_asserted_only(built_store):
    runner = CliRunner()
    union = runner.invoke(cli, ["--store", str(built_store), "query", "social-assistance-institutions", "--format",
                                "csv"])
    assert union.exit_code == 0, union.output
    assert "mopr-szczecin" in union.output and "mops-walbrzych" in union.output
    asserted = runner.invoke(cli, ["--store", str(built_store), "query", "social-assistance-institutions",
                                   "--asserted-only", "--format", "csv"])
    assert asserted.exit_code == 0 and "mopr-szczecin" not in asserted.output


# -- the inferred graph ------------------------------------------------------------------------------

def test_inferred_graph_holds_only_new_useful_standard_triples(seed_store):
    inferred = ox.NamedNode(INFERRED)
    triples = [q.triple for q in seed_store.quads_for_pattern(None, None, None, inferred)]
    assert len(triples) > 500
    asserted = {q.triple for q in kgstore.named_quads(seed_store) if q.graph_name != inferred}
    assert not asserted & set(triples), "an asserted triple was stored again as inferred"
    assert [t for t in triples if infer.drop_reason(*t)] == []


def test_export_leaves_out_inferences_unless_asked(seed_store):
    inferred_only = f"<{MOPR_SZCZECIN}> <{infer.RDF}type> <{KGO}SocialAssistanceInstitution>"
    assert inferred_only not in kgexport.export(seed_store, "ntriples").decode()
    with_inferred = kgexport.export(seed_store, "nquads", with_inferred=True).decode()
    assert f"{inferred_only} <{INFERRED}> ." in with_inferred


def test_build_without_inference_has_no_inferred_graph_and_kg_infer_adds_it(project, tmp_path, seed_store):
    store_path = tmp_path / "store"
    runner = CliRunner()
    built = runner.invoke(cli, ["--store", str(store_path), "build", "--quiet", "--no-infer"])
    assert built.exit_code == 0, built.output
    assert "inferred" not in built.output
    store = ox.Store.read_only(str(store_path))
    assert not store.contains_named_graph(ox.NamedNode(INFERRED))
    del store
    inferred = runner.invoke(cli, ["--store", str(store_path), "infer"])
    assert inferred.exit_code == 0, inferred.output
    assert "consistent" in inferred.output
    store = ox.Store.read_only(str(store_path))
    assert store.contains_named_graph(ox.NamedNode(INFERRED))
    # the same entailments as a build's (kg infer reads the store's premises graph by graph)
    inferred = set(store.quads_for_pattern(None, None, None, ox.NamedNode(INFERRED)))
    assert inferred == set(seed_store.quads_for_pattern(None, None, None, ox.NamedNode(INFERRED)))


def test_kg_infer_rewrites_the_store_when_much_changes(project, tmp_path, monkeypatch):
    store_path = tmp_path / "store"
    pipeline.build_store(project, store_path, infer=False)
    before = set(kgstore.named_quads(ox.Store.read_only(str(store_path))))
    monkeypatch.setattr(pipeline, "LARGE_CHANGE", 10)  # force the staged rewrite instead of one transaction
    report = pipeline.infer_store(store_path)
    store = ox.Store.read_only(str(store_path))
    inferred = {q for q in kgstore.named_quads(store) if q.graph_name == ox.NamedNode(INFERRED)}
    assert {q for q in kgstore.named_quads(store) if q.graph_name != ox.NamedNode(INFERRED)} == before
    assert {q.triple for q in inferred} == set(report.inference.triples) and inferred


def _variant(project: Project, tmp_path: Path, name: str, old: str, new: str) -> Path:
    """A copy of seed article *name* with *old* replaced by *new* (evidence is not re-checked)."""
    source = next(p for p in project.article_files() if p.name.startswith(name))
    text = source.read_text(encoding="utf-8")
    assert old in text
    lines = [line for line in text.replace(old, new).splitlines() if not line.strip().startswith("source_path:")]
    path = tmp_path / source.name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_loading_a_changed_article_removes_what_was_inferred_only_from_it(project, built_store, tmp_path):
    store_path = tmp_path / "store"
    shutil.copytree(built_store, store_path)
    changed = _variant(project, tmp_path, "001", "type: mopr", "type: stowarzyszenie")
    report = pipeline.load_into_store([changed], project, store_path)
    assert report.inference is not None and report.inference.consistent
    store = ox.Store.read_only(str(store_path))
    social = select(store, "SELECT ?x WHERE { ?x a kgo:SocialAssistanceInstitution }")
    assert MOPR_SZCZECIN not in {r["x"] for r in social}
    assert MOPS_WALBRZYCH in {r["x"] for r in social}  # inferred from another article: kept
    associations = select(store, "SELECT ?x WHERE { ?x a kgo:NonGovernmentalOrganisation }")
    assert MOPR_SZCZECIN in {r["x"] for r in associations}
    fresh = infer.materialise(asserted_quads(store))
    stored = {q.triple for q in store.quads_for_pattern(None, None, None, ox.NamedNode(INFERRED))}
    assert stored == set(fresh.triples), "after a load the inferred graph must equal a full recomputation"


def test_loading_without_inference_drops_the_inferred_graph(project, built_store, tmp_path):
    store_path = tmp_path / "store"
    shutil.copytree(built_store, store_path)
    pipeline.load_into_store([project.article_files()[0]], project, store_path, infer=False)
    store = ox.Store.read_only(str(store_path))
    assert not store.contains_named_graph(ox.NamedNode(INFERRED))


# -- equivalence with the reference (owlrl) ----------------------------------------------------------

@pytest.fixture(scope="module")
def seed_reference(seed_store) -> infer.Reference:
    """owlrl's closure of the seed graph (computed once: it takes seconds)."""
    return infer.owlrl_entailments(asserted_quads(seed_store))


def test_fast_path_equals_owlrl_on_the_seed_graph(seed_store, seed_reference):
    fast = assert_same_entailments(asserted_quads(seed_store), seed_reference)
    stored = {q.triple for q in seed_store.quads_for_pattern(None, None, None, ox.NamedNode(INFERRED))}
    assert stored == set(fast.triples)


@pytest.mark.slow
def test_fast_path_equals_owlrl_on_a_synthetic_graph_of_50000_triples(seed_store):
    quads = asserted_quads(seed_store, copies=41)
    assert len({q.triple for q in quads}) >= 50_000
    fast = assert_same_entailments(quads)
    assert len(fast.triples) > 25_000


def test_ontology_and_seed_data_are_consistent_under_owl_rl(seed_store, seed_reference):
    assert seed_reference.errors == []
    assert infer.materialise(asserted_quads(seed_store)).clashes == []


# Each rule of the fast path on the smallest graph that makes it fire, against owlrl.
PREFIXES = """@prefix ex: <http://example.org/> . @prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . @prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
"""
RESTRICTION = "ex:A owl:equivalentClass [ a owl:Restriction ; owl:onProperty ex:p ; owl:hasValue ex:v ] ."
RULE_CASES = {
    "cax-sco": ("ex:A rdfs:subClassOf ex:B . ex:B rdfs:subClassOf ex:C . ex:a a ex:A .", "ex:a a ex:C"),
    "cax-eqc1": ("ex:A owl:equivalentClass ex:B . ex:a a ex:A .", "ex:a a ex:B"),
    "cax-eqc2": ("ex:A owl:equivalentClass ex:B . ex:b a ex:B .", "ex:b a ex:A"),
    "cls-hv1": (RESTRICTION + " ex:a a ex:A .", "ex:a ex:p ex:v"),
    "cls-hv2": (RESTRICTION + " ex:b ex:p ex:v .", "ex:b a ex:A"),
    "prp-dom": ('ex:p rdfs:domain ex:A . ex:a ex:p ex:b . ex:c ex:p "text" .', "ex:c a ex:A"),
    "prp-rng": ('ex:p rdfs:range ex:A . ex:a ex:p ex:b . ex:c ex:p "text" .', "ex:b a ex:A"),
    "prp-spo1": ('ex:p rdfs:subPropertyOf ex:q . ex:a ex:p ex:b , "text" .', 'ex:a ex:q "text"'),
    "prp-eqp1": ("ex:p owl:equivalentProperty ex:q . ex:a ex:p ex:b .", "ex:a ex:q ex:b"),
    "prp-eqp2": ("ex:p owl:equivalentProperty ex:q . ex:a ex:q ex:b .", "ex:a ex:p ex:b"),
    "prp-inv1": ('ex:p owl:inverseOf ex:q . ex:a ex:p ex:b , "text" .', "ex:b ex:q ex:a"),
    "prp-inv2": ("ex:p owl:inverseOf ex:q . ex:a ex:q ex:b .", "ex:b ex:p ex:a"),
    "prp-symp": ("ex:p a owl:SymmetricProperty . ex:a ex:p ex:b .", "ex:b ex:p ex:a"),
    "prp-trp": ("ex:p a owl:TransitiveProperty . ex:a ex:p ex:b . ex:b ex:p ex:c . ex:c ex:p ex:d .",
                "ex:a ex:p ex:d"),
    "prp-spo2": ("ex:r owl:propertyChainAxiom (ex:p ex:q) . ex:a ex:p ex:b . ex:b ex:q ex:c .", "ex:a ex:r ex:c"),
}


def _quads(turtle: str) -> list[ox.Quad]:
    return list(ox.parse(PREFIXES + turtle, format=ox.RdfFormat.TURTLE))


def _triple(turtle: str) -> ox.Triple:
    (quad,) = _quads(turtle + " .")
    return quad.triple


def test_every_fast_path_rule_has_a_case():
    assert {rule.name for rule in infer.RULES} == set(RULE_CASES)


@pytest.mark.parametrize("name", sorted(RULE_CASES))
def test_each_rule_agrees_with_owlrl(name):
    turtle, expected = RULE_CASES[name]
    fast = assert_same_entailments(_quads(turtle))
    assert _triple(expected) in fast.triples


CLASH_CASES = {
    "cax-dw": "ex:A owl:disjointWith ex:B . ex:C rdfs:subClassOf ex:B . ex:a a ex:A , ex:C .",
    "cax-adc": "[] a owl:AllDisjointClasses ; owl:members (ex:A ex:B ex:C) . ex:p rdfs:range ex:C . "
               "ex:a a ex:A . ex:b ex:p ex:a .",
    "cls-nothing2": "ex:A rdfs:subClassOf owl:Nothing . ex:a a ex:A .",
}


@pytest.mark.parametrize("name", sorted(CLASH_CASES))
def test_clash_rules_agree_with_owlrl(name):
    quads = _quads(CLASH_CASES[name])
    fast = infer.materialise(quads)
    assert [clash.rule.name for clash in fast.clashes] == [name]
    assert infer.owlrl_entailments(quads).errors, "owlrl must find the same inconsistency"


# -- inconsistency is an error that names the axiom and the articles ----------------------------------

def test_inconsistent_data_raises_an_ontology_error_naming_axiom_triples_and_article(seed_store):
    bad_graph = BASE + "graph/article/999-bad"
    person = ox.NamedNode(BASE + "person/jan-kowalski")
    bad = [ox.Quad(person, infer.RDF_TYPE, ox.NamedNode(KGO + "Person"), ox.NamedNode(bad_graph)),
           ox.Quad(person, ox.NamedNode(KGO + "institutionType"),
                   ox.NamedNode("https://w3id.org/kg-pl-inclusion/concept/institution-type/mopr"),
                   ox.NamedNode(bad_graph))]
    quads = asserted_quads(seed_store) + bad
    with pytest.raises(OntologyError) as caught:
        pipeline.infer_graph(lambda: quads, BASE)
    message = str(caught.value)
    assert "inconsistent" in message and "person/jan-kowalski" in message
    assert "kgo:Person" in message and "kgo:Organisation" in message and "disjoint" in message.lower()
    assert message.count("is both") == 1, "one report per clash, even when two axioms forbid it"
    assert "graph/article/999-bad" in message and "kgo:institutionType it:mopr" in message
    assert caught.value.exit_code == 3


def test_kg_infer_on_an_inconsistent_store_exits_3_and_writes_nothing(built_store, tmp_path, capsys):
    store_path = tmp_path / "store"
    shutil.copytree(built_store, store_path)
    store = ox.Store(str(store_path))
    before = len(store)
    org = ox.NamedNode(MOPR_SZCZECIN)
    store.add(ox.Quad(org, infer.RDF_TYPE, ox.NamedNode(KGO + "Person"), ox.NamedNode(BASE + "graph/article/x")))
    store.flush()
    del store
    assert main(["--store", str(store_path), "infer"]) == 3
    err = capsys.readouterr().err
    assert "mopr-szczecin" in err and "graph/article/x" in err and "001-wup-szczecin" in err
    store = ox.Store.read_only(str(store_path))
    assert len(store) == before + 1


def test_an_unsupported_owl_construct_fails_loudly():
    quads = _quads("ex:A rdfs:subClassOf [ a owl:Restriction ; owl:onProperty ex:p ; owl:someValuesFrom ex:B ] . "
                   "ex:p a owl:FunctionalProperty . ex:r owl:propertyChainAxiom (ex:p ex:q ex:p) .")
    with pytest.raises(infer.UnsupportedConstruct) as caught:
        infer.materialise(quads)
    message = str(caught.value)
    for named in ("someValuesFrom", "FunctionalProperty", "property chain", "superclass that is a class expression"):
        assert named in message


@pytest.mark.parametrize("triple, reason", [
    ('"text" owl:sameAs "text"', "literal subject"),
    ("ex:a owl:sameAs ex:a", "reflexive owl:sameAs"),
    ("ex:a a owl:Thing", "rdf:type owl:Thing"),
    ("ex:A a owl:Class", "vocabulary typing"),
    ("ex:A rdfs:subClassOf ex:A", "schema axiom"),
    ("ex:p owl:equivalentProperty ex:p", "schema axiom"),
    ("ex:a a _:restriction", "blank node"),
    ("ex:a owl:sameAs ex:b", None),
    ("ex:a a ex:A", None),
    ('ex:a ex:p "ex:a"', None),
])
def test_the_filter_reads_pyoxigraph_and_rdflib_terms_alike(triple, reason):
    import rdflib
    if triple.startswith('"'):  # not valid RDF (Turtle cannot write it): build the terms by hand
        ox_terms = (ox.Literal("text"), ox.NamedNode(infer.OWL + "sameAs"), ox.Literal("text"))
        rdflib_terms = (rdflib.Literal("text"), rdflib.OWL.sameAs, rdflib.Literal("text"))
    else:
        ox_terms = tuple(_triple(triple))
        (rdflib_terms,) = rdflib.Graph().parse(data=PREFIXES + triple + " .", format="turtle")
    assert infer.drop_reason(*ox_terms) == reason
    assert infer.drop_reason(*rdflib_terms) == reason


def test_data_that_defines_schema_fails_loudly():
    with pytest.raises(infer.UnsupportedConstruct, match="meta-modelling"):
        infer.materialise(_quads("ex:kind rdfs:range owl:Class . ex:a ex:kind ex:B . ex:b a ex:B ."))


def test_the_ontology_uses_only_implemented_constructs(seed_store):
    infer.check_constructs(seed_store, use_default_graph_as_union=True)


# -- explanations ----------------------------------------------------------------------------------

def _mopr_type(cls: str) -> ox.Triple:
    return ox.Triple(ox.NamedNode(MOPR_SZCZECIN), infer.RDF_TYPE, ox.NamedNode(KGO + cls))


def test_explain_an_asserted_triple_names_its_article(seed_store):
    triple = ox.Triple(ox.NamedNode(MOPR_SZCZECIN), ox.NamedNode(KGO + "institutionType"),
                       ox.NamedNode("https://w3id.org/kg-pl-inclusion/concept/institution-type/mopr"))
    explanation = explain(seed_store, triple)
    assert explanation.asserted and not explanation.inferred
    assert explanation.graphs == [BASE + "graph/article/001-wup-szczecin-dzien-instrumentow-integracji-2017"]


def test_explain_an_inferred_triple_gives_a_proof_down_to_asserted_triples(seed_store):
    explanation = explain(seed_store, _mopr_type("SocialAssistanceInstitution"))
    assert explanation.inferred and explanation.rule.name == "cax-sco"
    rules, node = [], explanation
    while node.rule:
        rules.append(node.rule.name)
        node = node.premises[-1]
    assert rules[-1] == "cls-hv2" and node.asserted
    assert "kgo:institutionType it:mopr" in explanation.text()
    assert any(g.endswith("/graph/ontology") for g in explanation.source_graphs())
    assert any("001-wup-szczecin" in g for g in explanation.source_graphs())
    assert all(leaf.asserted for leaf in explanation.leaves())


def test_explain_every_inferred_triple_of_the_seed(seed_store):
    inferred = [q.triple for q in seed_store.quads_for_pattern(None, None, None, ox.NamedNode(INFERRED))]
    unexplained = [t for t in inferred if not explain(seed_store, t).rule]
    assert unexplained == []


def test_explain_a_triple_that_does_not_hold(seed_store):
    explanation = explain(seed_store, _mopr_type("Person"))
    assert not explanation.holds
    assert "does not hold" in explanation.text()


def test_cli_explain_prints_the_rule_and_the_article(built_store):
    result = CliRunner().invoke(cli, ["--store", str(built_store), "explain", f"<{MOPR_SZCZECIN}>", "a",
                                      "kgo:SocialAssistanceInstitution"])
    assert result.exit_code == 0, result.output
    assert "inferred by cax-sco" in result.output and "cls-hv2" in result.output
    assert "graph/article/001-wup-szczecin-dzien-instrumentow-integracji-2017" in result.output
    as_json = CliRunner().invoke(cli, ["--store", str(built_store), "explain", MOPR_SZCZECIN, "rdf:type",
                                       "kgo:OPS", "--format", "json"])
    assert as_json.exit_code == 0 and '"rule": "cax-sco"' in as_json.output


def test_explain_reads_literals_and_rejects_unknown_prefixes():
    assert parse_term('"80"^^xsd:integer') == ox.Literal("80", datatype=ox.NamedNode(infer.XSD + "integer"))
    assert parse_term("plain text") == ox.Literal("plain text")
    with pytest.raises(Exception) as caught:
        parse_term("nope:thing", position="predicate")
    assert "prefix" in str(caught.value)


# -- the premises a build gathers (kg.infer.Premises) ------------------------------------------------

def _static_and_data(store: ox.Store) -> tuple[list[ox.Quad], list[ox.Quad]]:
    asserted = asserted_quads(store)
    static = [q for q in asserted if "/graph/article/" not in q.graph_name.value]
    return static, [q for q in asserted if "/graph/article/" in q.graph_name.value]


def test_premises_keep_what_the_rules_read_and_infer_the_same(seed_store):
    static, data = _static_and_data(seed_store)
    premises = infer.Premises(static)
    premises.add(data)
    kept = {q.triple for q in premises.store}
    predicates = {t.predicate.value for t in kept}
    assert premises.complete
    assert infer.RDF_TYPE.value in predicates and "https://w3id.org/kg-pl-inclusion/ontology#inVoivodeship" in predicates
    assert not predicates & {infer.RDFS + "label", "http://schema.org/name", "http://www.w3.org/ns/prov#wasDerivedFrom"}
    assert len(kept) < 0.8 * len({q.triple for q in static + data})
    assert set(infer.saturate(premises.store).triples) == set(infer.materialise(static + data).triples)


def test_an_article_stating_a_property_axiom_makes_the_build_read_every_quad(seed_store):
    """Facts of a property nobody gave an axiom are skipped; if an article then gives one, the premises
    are incomplete and the inference must start from all asserted quads (it then finds `a q b`)."""
    static, _ = _static_and_data(seed_store)
    ex, graph = "https://example.org/", ox.NamedNode(BASE + "graph/article/x")
    data = [ox.Quad(ox.NamedNode(ex + "a"), ox.NamedNode(ex + "p"), ox.NamedNode(ex + "b"), graph),
            ox.Quad(ox.NamedNode(ex + "p"), ox.NamedNode(infer.RDFS + "subPropertyOf"), ox.NamedNode(ex + "q"), graph)]
    premises = infer.Premises(static)
    premises.add(data)
    assert not premises.complete
    inference, quads = pipeline.infer_graph(lambda: static + data, BASE, premises=premises)
    assert ox.Triple(ox.NamedNode(ex + "a"), ox.NamedNode(ex + "q"), ox.NamedNode(ex + "b")) in inference.triples


def test_an_inference_survives_the_trip_from_the_child_process(seed_store):
    """A build's inference comes back from a forked child pickled, its triples as N-Triples."""
    import pickle
    inference = infer.materialise(asserted_quads(seed_store))
    inference.everything_derived = [ox.Triple(ox.BlankNode("b0"), infer.RDF_TYPE, ox.Literal("ż\n\"", language="pl"))]
    copy = pickle.loads(pickle.dumps(inference))
    assert copy == inference and copy.triples and copy.triples == inference.triples
