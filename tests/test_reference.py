"""Tests of the reference data (data/reference/) and its loader (kg.reference).

They check what a user of the graph relies on: the keys promised by docs/reference-keys.md
exist, the voivodeship codes agree with the checked table in shared/reference, every concept
is labelled and defined in Polish and English, hierarchies point at existing nodes, and a
broken file is reported with its name.
"""
from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

import pytest
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from kg.errors import OntologyError
from kg.namespaces import INSTITUTION_TYPE, KGO, ORG, WD
from kg.reference import NAMESPACES, SCHEME_FILES, Reference, load_reference

ROOT = Path(__file__).resolve().parents[1]
REFERENCE_DIR = ROOT / "data" / "reference"
KEYS_DOC = ROOT / "docs" / "reference-keys.md"
SHARED = Path(__file__).resolve().parents[2] / "shared"
VOIVODESHIPS_CSV = SHARED / "reference" / "voivodeships.csv"
SHARED_NOTES = SHARED / "reference" / "vocabulary-and-reference-data.md"

#: Section headings of docs/reference-keys.md (their start) -> namespace of Reference.keys.
SECTIONS = {
    "Voivodeships": "voivodeship",
    "Capital cities": "place",
    "Institution types": "institution-type",
    "Post roles": "post-role",
    "Event roles": "event-role",
    "Topics": "topic",
    "Programmes, measures and policy programmes": "programme",
    "Funds": "fund",
    "Project kinds": "project-kind",
    "Attendance qualifiers": "attendance-qualifier",
    "Administrative levels": "administrative-level",
}
_KEY = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")
_NOT_KEYS = {"places"}  # the annotation field named in the capital-cities section's prose


@pytest.fixture(scope="module")
def ref() -> Reference:
    return load_reference(REFERENCE_DIR)


def contract_keys() -> dict[str, set[str]]:
    """The backticked keys of each section of docs/reference-keys.md (headings excluded)."""
    found: dict[str, set[str]] = {}
    for section in KEYS_DOC.read_text(encoding="utf-8").split("\n## ")[1:]:
        heading, _, body = section.partition("\n")
        namespace = next((ns for title, ns in SECTIONS.items() if heading.startswith(title)), None)
        assert namespace, f"unexpected section in {KEYS_DOC.name}: {heading!r}"
        tokens = re.findall(r"`([^`]+)`", body)
        found[namespace] = {t for t in tokens if _KEY.match(t) and t not in _NOT_KEYS}
    assert set(found) == set(SECTIONS.values())
    return found


def lang_values(ref: Reference, node: URIRef, predicate: URIRef) -> dict[str, str]:
    return {o.language: str(o) for o in ref.graph.objects(node, predicate) if isinstance(o, Literal)}


# ---- keys of the contract ----------------------------------------------------------------------

@pytest.mark.parametrize("namespace", sorted(SECTIONS.values()))
def test_every_documented_key_exists(ref: Reference, namespace: str) -> None:
    documented = contract_keys()[namespace]
    assert documented, f"no keys parsed for {namespace}"
    missing = documented - ref.keys[namespace]
    assert not missing, f"{namespace} keys in reference-keys.md but not in data/reference: {sorted(missing)}"


def test_namespaces_are_those_of_the_api(ref: Reference) -> None:
    assert set(ref.keys) == set(NAMESPACES)
    assert ref.keys["measure"] < ref.keys["programme"]


def test_sixteen_regional_programmes_one_per_voivodeship(ref: Reference) -> None:
    for voivodeship in ref.keys["voivodeship"]:
        programme = ref.iri("programme", f"rpo-{voivodeship}-2014-2020")
        g = ref.graph
        assert (programme, RDF.type, KGO.FundingProgramme) in g
        assert set(g.objects(programme, KGO.coversVoivodeship)) == {ref.iri("voivodeship", voivodeship)}
        assert set(g.objects(programme, KGO.cofinancedBy)) == {ref.iri("fund", "efs"), ref.iri("fund", "efrr")}
        # The EC numbered the 16 RPO CCIs in TERYT order: 2014PL16M2OP001 is dolnośląskie (02).
        cci = str(g.value(programme, KGO.cci))
        teryt = str(g.value(ref.iri("voivodeship", voivodeship), KGO.teryt))
        assert cci == f"2014PL16M2OP{int(teryt) // 2:03d}"


def test_measures_are_measures_of_their_programme(ref: Reference) -> None:
    documented = {k for k in contract_keys()["programme"] if re.match(r"po-(kl|wer)-\d", k)}
    assert documented == ref.keys["measure"]
    g = ref.graph
    measure = ref.iri("measure", "po-kl-7-2-1")
    assert str(g.value(measure, SKOS.notation)) == "7.2.1"
    chain = list(g.transitive_objects(measure, KGO.partOfScheme))
    assert chain[-1] == ref.iri("programme", "po-kl")
    assert ref.iri("programme", "po-kl-7-2") in chain
    for key in ref.keys["measure"]:
        assert (ref.iri("measure", key), RDF.type, KGO.ProgrammeMeasure) in g
        assert g.value(ref.iri("measure", key), KGO.partOfScheme) is not None


def test_policy_programmes_and_funds(ref: Reference) -> None:
    for key in ("kppuiws", "kpres"):
        assert (ref.iri("programme", key), RDF.type, KGO.PolicyProgramme) in ref.graph
    for key in ref.keys["fund"]:
        assert (ref.iri("fund", key), RDF.type, KGO.Fund) in ref.graph
    assert ref.label("fund", "efs") == "Europejski Fundusz Społeczny"


# ---- voivodeships and cities -------------------------------------------------------------------

def test_voivodeships_agree_with_the_checked_table(ref: Reference) -> None:
    if not VOIVODESHIPS_CSV.exists():
        pytest.skip(f"{VOIVODESHIPS_CSV} not available")
    with VOIVODESHIPS_CSV.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    g = ref.graph
    voivodeships = set(g.subjects(RDF.type, KGO.Voivodeship))
    assert len(rows) == len(voivodeships) == 16
    for row in rows:
        matches = [v for v in voivodeships if (v, RDFS.label, Literal(row["name_pl"], lang="pl")) in g]
        assert len(matches) == 1, f"no voivodeship labelled {row['name_pl']!r}"
        node = matches[0]
        teryt = g.value(node, KGO.teryt)
        assert re.fullmatch(r"\d{2}", str(teryt)) and str(teryt) == row["teryt"]
        assert set(g.objects(node, SKOS.exactMatch)) == {WD[row["wikidata_qid"]]}
        assert lang_values(ref, node, RDFS.label)["en"] == row["name_en"]


def shared_table_rows(first_cell: str) -> list[list[str]]:
    """Rows of the markdown tables in the shared notes whose first cell matches *first_cell*."""
    if not SHARED_NOTES.exists():
        pytest.skip(f"{SHARED_NOTES} not available")
    rows = []
    for line in SHARED_NOTES.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("|") and re.fullmatch(first_cell, cells[0]):
            rows.append(cells)
    return rows


def test_nuts2_codes_agree_with_the_shared_notes(ref: Reference) -> None:
    rows = shared_table_rows(r"\d{2}")  # §B.1: TERYT | name_pl | name_en | capitals | QID | NUTS-2
    assert len(rows) == 16
    by_teryt = {str(ref.graph.value(v, KGO.teryt)): v for v in ref.graph.subjects(RDF.type, KGO.Voivodeship)}
    for row in rows:
        codes = set(re.findall(r"PL\d{2}", row[5]))
        assert {str(c) for c in ref.graph.objects(by_teryt[row[0]], KGO.nuts2)} == codes


def test_regional_programme_names_and_cci_agree_with_the_shared_notes(ref: Reference) -> None:
    rows = shared_table_rows(r"2014PL16M2OP0\d\d")  # §B.3: CCI | official name | acronym | evidence
    assert len(rows) == 16
    by_cci = {str(ref.graph.value(p, KGO.cci)): p for p in ref.graph.subjects(RDF.type, KGO.FundingProgramme)}
    for cci, name, *_ in rows:
        assert lang_values(ref, by_cci[cci], RDFS.label)["pl"] == name


def test_unverified_facts_are_flagged(ref: Reference) -> None:
    g = ref.graph
    for namespace, key in [("programme", "po-kl"), ("voivodeship", "lubuskie"), ("institution-type", "cus")]:
        note = str(g.value(ref.iri(namespace, key), SKOS.editorialNote))
        assert "[M, unverified]" in note, (namespace, key)


def test_teryt_codes_agree_with_the_contract(ref: Reference) -> None:
    text = KEYS_DOC.read_text(encoding="utf-8")
    pairs = dict(re.findall(r"`([a-z-]+)` \((\d{2})\)", text))
    assert len(pairs) == 16
    for key, teryt in pairs.items():
        assert str(ref.graph.value(ref.iri("voivodeship", key), KGO.teryt)) == teryt


def test_capitals(ref: Reference) -> None:
    g = ref.graph
    expected = {"kujawsko-pomorskie": {"bydgoszcz", "torun"}, "lubuskie": {"gorzow-wielkopolski", "zielona-gora"},
                "lubelskie": {"lublin"}, "mazowieckie": {"warszawa"}}
    for voivodeship, cities in expected.items():
        node = ref.iri("voivodeship", voivodeship)
        assert set(g.objects(node, KGO.capital)) == {ref.iri("place", c) for c in cities}
    for city in ref.keys["place"]:
        node = ref.iri("place", city)
        assert (node, RDF.type, KGO.City) in g
        (voivodeship,) = g.objects(node, KGO.inVoivodeship)
        assert (voivodeship, KGO.capital, node) in g
    assert ref.label("voivodeship", "lubelskie") == "województwo lubelskie"
    assert lang_values(ref, ref.iri("place", "warszawa"), RDFS.label) == {"pl": "Warszawa", "en": "Warsaw"}


# ---- concept schemes ---------------------------------------------------------------------------

def test_every_concept_has_labels_and_definitions_in_both_languages(ref: Reference) -> None:
    g = ref.graph
    concepts = set(g.subjects(RDF.type, SKOS.Concept))
    assert len(concepts) == sum(len(ref.keys[scheme]) for scheme in SCHEME_FILES)
    for concept in concepts:
        for predicate in (SKOS.prefLabel, RDFS.label, SKOS.definition):
            assert set(lang_values(ref, concept, predicate)) == {"pl", "en"}, (concept, predicate)
        (scheme,) = g.objects(concept, SKOS.inScheme)
        assert (scheme, RDF.type, SKOS.ConceptScheme) in g
        assert set(lang_values(ref, scheme, SKOS.prefLabel)) == {"pl", "en"}


def test_broader_targets_exist_in_the_same_scheme(ref: Reference) -> None:
    g = ref.graph
    for concept, broader in g.subject_objects(SKOS.broader):
        assert (broader, RDF.type, SKOS.Concept) in g
        assert g.value(broader, SKOS.inScheme) == g.value(concept, SKOS.inScheme)
    for concept in g.subjects(RDF.type, SKOS.Concept):
        is_top = (concept, SKOS.topConceptOf, g.value(concept, SKOS.inScheme)) in g
        assert is_top != (g.value(concept, SKOS.broader) is not None)


@pytest.mark.parametrize("variant", ["gops", "mgops", "mops", "mopr"])
def test_named_variants_of_the_social_assistance_centre_are_ops(ref: Reference, variant: str) -> None:
    assert (INSTITUTION_TYPE[variant], SKOS.broader, INSTITUTION_TYPE["ops"]) in ref.graph


def test_institution_types(ref: Reference) -> None:
    g = ref.graph
    assert str(g.value(INSTITUTION_TYPE["rops"], SKOS.notation)) == "ROPS"
    assert g.value(INSTITUTION_TYPE["spoldzielnia-socjalna"], SKOS.notation) is None  # no official acronym
    assert set(g.objects(INSTITUTION_TYPE["pcpr"], KGO.administrativeLevel)) == {ref.iri("administrative-level", "county")}
    assert "o pomocy społecznej" in str(g.value(INSTITUTION_TYPE["ops"], KGO.legalBasis))
    for key in ref.keys["institution-type"]:
        assert g.value(INSTITUTION_TYPE[key], KGO.administrativeLevel) is not None
        assert g.value(predicate=SKOS.member, object=INSTITUTION_TYPE[key]) is not None  # in a group


def test_post_roles_are_org_roles(ref: Reference) -> None:
    for key in ref.keys["post-role"]:
        assert (ref.iri("post-role", key), RDF.type, ORG.Role) in ref.graph


# ---- graph properties --------------------------------------------------------------------------

def test_no_blank_nodes_and_deterministic_output(ref: Reference) -> None:
    assert not any(isinstance(term, BNode) for triple in ref.graph for term in triple)
    again = load_reference(REFERENCE_DIR)
    assert sorted(ref.graph.serialize(format="nt").splitlines()) == sorted(again.graph.serialize(format="nt").splitlines())
    assert ref.graph.serialize(format="turtle") == again.graph.serialize(format="turtle")


def test_base_iri_applies_to_instances_not_to_concepts() -> None:
    ref = load_reference(REFERENCE_DIR, base="https://example.org/kg/")
    assert ref.iri("voivodeship", "lubelskie") == URIRef("https://example.org/kg/voivodeship/lubelskie")
    assert ref.iri("measure", "po-kl-7-1-1") == URIRef("https://example.org/kg/programme/po-kl-7-1-1")
    assert ref.iri("institution-type", "ops") == INSTITUTION_TYPE["ops"]


def test_unknown_key_raises_key_error(ref: Reference) -> None:
    with pytest.raises(KeyError):
        ref.iri("voivodeship", "lublin")
    with pytest.raises(KeyError):
        ref.label("no-such-namespace", "ops")
    with pytest.raises(KeyError):
        ref.iri("measure", "po-kl")  # a programme, not a measure


# ---- malformed files ---------------------------------------------------------------------------

MALFORMED = [
    ("topics.yaml", "    label_en: social work\n", "", "missing field 'label_en'"),
    ("event-roles.yaml", "  - key: closing\n", "  - key: opening\n", "duplicate key"),
    ("institution-types.yaml", "    broader: [ops]\n    group: social-assistance\n    source: institution_types.csv row GOPS",
     "    broader: [opss]\n    group: social-assistance\n    source: institution_types.csv row GOPS", "unknown institution-type concept opss"),
    ("programmes.yaml", "    parent: po-kl-7-1\n    notation: \"7.1.1\"", "    parent: po-kl-9\n    notation: \"7.1.1\"",
     "unknown programme po-kl-9"),
    ("voivodeships.yaml", 'teryt: "06"', "teryt: 06", "field 'teryt' must be non-empty text"),
    ("cities.yaml", "    name_en: Lublin\n", "    name_en: Lublin\n    name_en: Lublin\n", "duplicate field 'name_en'"),
    ("post-roles.yaml", "  - key: rektor\n", "  - key: rektor\n    lable_pl: x\n", "unknown field(s) lable_pl"),
    ("programmes.yaml", "    start_year: 2007\n", "    start_year: 2001-02-30\n", "cannot be read (day is out of range"),
]


@pytest.mark.parametrize(("filename", "old", "new", "message"), MALFORMED, ids=[m[0] for m in MALFORMED])
def test_malformed_file_raises_ontology_error_naming_the_file(
        tmp_path: Path, filename: str, old: str, new: str, message: str) -> None:
    broken = tmp_path / "reference"
    shutil.copytree(REFERENCE_DIR, broken)
    text = (broken / filename).read_text(encoding="utf-8")
    assert old in text
    (broken / filename).write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(OntologyError) as caught:
        load_reference(broken)
    assert filename in str(caught.value)
    assert message in str(caught.value)


def test_missing_file_raises_ontology_error(tmp_path: Path) -> None:
    broken = tmp_path / "reference"
    shutil.copytree(REFERENCE_DIR, broken)
    (broken / "project-kinds.yaml").unlink()
    with pytest.raises(OntologyError, match="project-kinds.yaml"):
        load_reference(broken)


def test_the_active_event_roles_are_those_under_active_role(ref: Reference) -> None:
    """The roles whose participations get the kgo:tookActiveRoleIn shortcut: active-role and the roles under it."""
    role = "https://w3id.org/kg-pl-inclusion/concept/event-role/"
    assert {str(iri).removeprefix(role) for iri in ref.narrower_or_self("event-role", "active-role")} == {
        "active-role", "opening", "closing", "talk", "moderator", "panelist", "trainer", "good-practice", "expert"}
    assert ref.narrower_or_self("event-role", "participant") == {ref.iri("event-role", "participant")}


def test_event_roles_without_the_active_role_concept_are_refused(tmp_path: Path) -> None:
    """The build's kgo:tookActiveRoleIn depends on role:active-role: a reference copy without it is refused by
    name, not left to fail on the first article."""
    broken = tmp_path / "reference"
    shutil.copytree(REFERENCE_DIR, broken)
    path = broken / "event-roles.yaml"
    text = path.read_text(encoding="utf-8").replace("    broader: [active-role]\n", "")
    start = text.index("  - key: active-role")
    path.write_text(text[:start] + text[text.index("  - key: opening"):], encoding="utf-8")
    with pytest.raises(OntologyError) as caught:
        load_reference(broken)
    assert "event-roles.yaml" in str(caught.value) and "'active-role' is missing" in str(caught.value)
