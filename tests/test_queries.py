"""The stored queries: documented, regression-tested against the seed graph, and safe with any parameter value.

Each ``queries/NAME.rq`` has its expected answer on the seed data in ``queries/expected/NAME.csv`` (rows
sorted; reviewed by hand against the seed articles). After a deliberate change, regenerate with
``python tests/test_queries.py --write-expected`` and review the diff before committing.
"""
from __future__ import annotations

import csv
import io
import os
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
import yaml

from kg import cli
from kg.api import KnowledgeGraph
from kg.config import Project
from kg.errors import QueryError, UsageError
from kg.queries import (HEADER_FIELDS, QueryResult, StoredQuery, bind_parameters, catalogue_markdown,
                        load_catalogue, parse_stored_query, python_value, run_stored, with_values)
from kg.store import content_hash

ROOT = Path(__file__).resolve().parents[1]
QUERIES = ROOT / "queries"
EXPECTED = QUERIES / "expected"
CATALOGUE = load_catalogue(QUERIES)
#: Queries that answer only with the inferred graph (they ask for classes the ontology derives).
NEEDS_INFERENCE = {"social-assistance-institutions"}

#: Values that would break a query if they were spliced into its text.
INJECTION_CORPUS = [
    '"', "'", '"""', "'''", "\\", "\\\\", '\\"', "\\u0022", "\\U00000022", "a\nb", "\r\n", "\t", ">", "<", "}",
    "} ; DROP ALL #", '" } ; DROP ALL #', "' } ; DROP ALL #", '""" } ; DROP ALL ; SELECT * { """',
    "> } ; DROP ALL #", "<http://example.org/x>", "?x", "$x", ") . } } #", "# comment", "\u0000",
    "Zażółć gęślą jaźń", "\u202egnp.exe", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "e\u0301", "lubelskie\n", " lubelskie",
]


def result_csv(result: QueryResult) -> str:
    """The canonical text of a result: a CSV header, then the rows sorted (None is empty)."""
    rows = sorted(["" if row[c] is None else str(row[c]) for c in result.columns] for row in result.rows)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(result.columns)
    writer.writerows(rows)
    return buffer.getvalue()


def run_example(store: ox.Store, query: StoredQuery) -> QueryResult:
    return run_stored(store, query, query.example_values())


def rows_without(result: QueryResult, columns: set[str]) -> list[tuple]:
    return sorted(tuple(str(row[c]) for c in result.columns if c not in columns) for row in result.rows)


# -- the catalogue is complete and documented -----------------------------------------------------

def test_catalogue_has_the_cross_regional_questions():
    assert len(CATALOGUE) >= 16
    assert "speakers-across-regions" in CATALOGUE


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_every_query_is_documented_in_both_languages(name):
    query = CATALOGUE[name]
    for field in HEADER_FIELDS:
        assert query.header.get(field, "").strip(), f"{query.path}: add a `# {field}:` line to the header"
    for param in query.parameters:
        assert param.description, f"{query.path}: parameter {param.name!r} needs description=…"
        assert not param.required or param.example, \
            f"{query.path}: required parameter {param.name!r} needs example=… (used by the docs and the tests)"


VOIVODESHIP_KEYS = sorted(v["key"] for v in yaml.safe_load(
    (ROOT / "data" / "reference" / "voivodeships.yaml").read_text(encoding="utf-8"))["voivodeships"])


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_voivodeship_parameters_allow_exactly_the_sixteen_keys(name):
    for param in CATALOGUE[name].parameters:
        if param.type == "voivodeship":
            assert sorted(param.allowed or []) == VOIVODESHIP_KEYS


DOCS = ROOT / "docs" / "queries.md"
MARKERS = ("<!-- catalogue:start -->\n", "<!-- catalogue:end -->")


def documented_catalogue(text: str) -> str:
    return text.split(MARKERS[0], 1)[1].split(MARKERS[1], 1)[0]


def test_the_catalogue_in_the_docs_is_up_to_date():
    assert documented_catalogue(DOCS.read_text(encoding="utf-8")) == catalogue_markdown(CATALOGUE), \
        "docs/queries.md is out of date: run python tests/test_queries.py --write-docs"


def test_every_expectation_belongs_to_a_query():
    orphans = {p.stem for p in EXPECTED.glob("*.csv")} - set(CATALOGUE)
    assert not orphans, f"queries/expected/ has files for no query: {orphans}"


# -- regression: each stored query gives its reviewed answer on the seed graph --------------------

@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_query_gives_its_expected_answer_on_the_seed_graph(seed_store, name):
    expected = EXPECTED / f"{name}.csv"
    assert expected.exists(), (f"{name} has no expectation: write queries/expected/{name}.csv "
                               f"(python tests/test_queries.py --write-expected) and check it against the articles")
    assert result_csv(run_example(seed_store, CATALOGUE[name])) == expected.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(set(CATALOGUE) - NEEDS_INFERENCE))
def test_query_needs_only_asserted_triples(built_store, name):
    graph = KnowledgeGraph(built_store, Project(ROOT))
    query = CATALOGUE[name]
    asserted = graph.query_result(name, query.example_values(), with_inferred=False)
    assert result_csv(asserted) == (EXPECTED / f"{name}.csv").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_rows_are_distinct_and_parameters_are_columns(seed_store, name):
    query = CATALOGUE[name]
    result = run_example(seed_store, query)
    assert len({tuple(map(str, r.values())) for r in result.rows}) == len(result.rows), "duplicate rows"
    assert {p.name for p in query.parameters} <= set(result.columns)


def test_the_headline_answer(seed_store):
    rows = run_example(seed_store, CATALOGUE["speakers-across-regions"]).rows
    assert {(r["name"], r["region"], r["date"]) for r in rows} == {
        ("Mirosław Grewiński", "województwo lubelskie", "2015-03-31"),
        ("Mirosław Grewiński", "województwo zachodniopomorskie", "2017-04-26")}
    assert all(r["regions"] == 2 and type(r["regions"]) is int for r in rows)


# -- parameters: typed, validated, defaulted ------------------------------------------------------

def test_defaults_apply_and_values_are_typed(seed_store):
    query = CATALOGUE["speakers-across-regions"]
    assert run_stored(seed_store, query).rows[0]["min_regions"] == 2
    assert len(run_stored(seed_store, query, {"min_regions": "1"}).rows) > 2
    assert run_stored(seed_store, query, {"min_regions": 3}).rows == []


def test_key_parameters_become_kg_iris(seed_store):
    rows = run_stored(seed_store, CATALOGUE["region-actors"], {"region": "lubelskie"}).rows
    assert rows and {r["region"] for r in rows} == {"https://w3id.org/kg-pl-inclusion/id/voivodeship/lubelskie"}
    assert {r["region_name"] for r in rows} == {"województwo lubelskie"}
    rows = run_stored(seed_store, CATALOGUE["person-profile"], {"person": "Mirosław Grewiński"}).rows
    assert len(rows) == 4  # keys are slugged as in annotations


def test_person_profile_gives_an_article_without_publisher_no_region():
    """An article with no publisher (data pushed from elsewhere; kg's own annotations require one) must not
    take another publisher's voivodeship: the region lookup has to sit inside the publisher's OPTIONAL."""
    id_ = "https://w3id.org/kg-pl-inclusion/id/"
    ns = {"kgo": "https://w3id.org/kg-pl-inclusion/ontology#", "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
          "dct": "http://purl.org/dc/terms/", "schema": "http://schema.org/"}
    store = ox.Store()
    store.load(input=f"""
        @prefix kgo: <{ns['kgo']}> . @prefix rdfs: <{ns['rdfs']}> . @prefix dct: <{ns['dct']}> .
        @prefix schema: <{ns['schema']}> .
        <{id_}person/anna-nowak> a kgo:Person ; schema:name "Anna Nowak" .
        <{id_}article/lone> dct:creator <{id_}person/anna-nowak> ; rdfs:label "Bez wydawcy"@pl .
        <{id_}article/other> dct:publisher <{id_}organisation/rops> ; rdfs:label "Inny"@pl .
        <{id_}organisation/rops> rdfs:label "ROPS"@pl ; kgo:inVoivodeship <{id_}voivodeship/lubelskie> .
        <{id_}voivodeship/lubelskie> rdfs:label "województwo lubelskie"@pl .
        """, format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode("https://example.org/g"))
    rows = run_stored(store, CATALOGUE["person-profile"], {"person": "anna-nowak"}).rows
    assert [(r["where"], r["organisation"], r["region"]) for r in rows] == [("Bez wydawcy", None, None)]


def test_co_speaker_pairs_keep_namesakes_apart():
    """Two people called Jan Kowalski, each speaking beside Anna Nowak at one event in the same voivodeship
    on the same day, are two pairs: with names alone the rows were equal and DISTINCT merged them. (The
    data are what a build writes for talks: each participation and its kgo:tookActiveRoleIn shortcut.)"""
    id_ = "https://w3id.org/kg-pl-inclusion/id/"
    store = ox.Store()
    events = "".join(f"""
        <{id_}event/e{n}> schema:startDate "2016-05-04"^^xsd:date ; kgo:inVoivodeship <{id_}voivodeship/opolskie> .
        <{id_}participation/e{n}-anna> cv:hasParticipant <{id_}person/anna-nowak> ; cv:role role:talk ;
            kgo:inEvent <{id_}event/e{n}> .
        <{id_}participation/e{n}-jan> cv:hasParticipant <{id_}person/jan-kowalski-{n}> ; cv:role role:talk ;
            kgo:inEvent <{id_}event/e{n}> .
        <{id_}person/anna-nowak> kgo:tookActiveRoleIn <{id_}event/e{n}> .
        <{id_}person/jan-kowalski-{n}> kgo:tookActiveRoleIn <{id_}event/e{n}> .
        <{id_}person/jan-kowalski-{n}> a kgo:Person ; schema:name "Jan Kowalski" .""" for n in (1, 2))
    store.load(input=f"""
        @prefix kgo: <https://w3id.org/kg-pl-inclusion/ontology#> . @prefix schema: <http://schema.org/> .
        @prefix cv: <http://data.europa.eu/m8g/> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        @prefix role: <https://w3id.org/kg-pl-inclusion/concept/event-role/> .
        <{id_}person/anna-nowak> a kgo:Person ; schema:name "Anna Nowak" .
        {events}
        """, format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode("https://example.org/g"))
    rows = run_stored(store, CATALOGUE["co-speaker-pairs"], {}).rows
    assert len(rows) == 2, rows
    assert [(r["person_a"], r["person_b"], r["person_a_key"], r["person_b_key"], r["first"]) for r in rows] == [
        ("Anna Nowak", "Jan Kowalski", "anna-nowak", "jan-kowalski-1", "2016-05-04"),
        ("Anna Nowak", "Jan Kowalski", "anna-nowak", "jan-kowalski-2", "2016-05-04"),
    ]


def _nested_events_store() -> ox.Store:
    """A conference with a part of a part of a part (three levels below it): Anna Nowak talks and a MOPS
    takes part in the deepest part; Jan Kowalski talks at the conference, representing a PUP."""
    id_ = "https://w3id.org/kg-pl-inclusion/id/"
    parts = "".join(f"""
        <{id_}event/part-{n}> kgo:partOfEvent <{id_}event/{'conference' if n == 1 else f'part-{n - 1}'}> ;
            schema:startDate "2019-10-02"^^xsd:date ; rdfs:label "Część {n}"@pl .""" for n in (1, 2, 3))
    store = ox.Store()
    store.load(input=f"""
        @prefix kgo: <https://w3id.org/kg-pl-inclusion/ontology#> . @prefix schema: <http://schema.org/> .
        @prefix cv: <http://data.europa.eu/m8g/> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        @prefix role: <https://w3id.org/kg-pl-inclusion/concept/event-role/> .
        @prefix it: <https://w3id.org/kg-pl-inclusion/concept/institution-type/> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
        <{id_}event/conference> schema:startDate "2019-10-01"^^xsd:date ; rdfs:label "Konferencja"@pl .
        {parts}
        <{id_}participation/anna> cv:hasParticipant <{id_}person/anna-nowak> ; cv:role role:talk ;
            kgo:inEvent <{id_}event/part-3> .
        <{id_}participation/mops> cv:hasParticipant <{id_}organisation/mops> ; cv:role role:participant ;
            kgo:inEvent <{id_}event/part-3> .
        <{id_}participation/jan> cv:hasParticipant <{id_}person/jan-kowalski> ; cv:role role:talk ;
            kgo:affiliation <{id_}organisation/pup> ; kgo:inEvent <{id_}event/conference> .
        <{id_}person/anna-nowak> a kgo:Person ; schema:name "Anna Nowak" ; kgo:tookActiveRoleIn <{id_}event/part-3> .
        <{id_}person/jan-kowalski> a kgo:Person ; schema:name "Jan Kowalski" ;
            kgo:tookActiveRoleIn <{id_}event/conference> .
        <{id_}organisation/mops> kgo:institutionType it:mops ; rdfs:label "MOPS w Opolu"@pl .
        <{id_}organisation/pup> kgo:institutionType it:pup ; rdfs:label "PUP w Opolu"@pl .
        it:mops skos:broader it:ops .
        """, format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode("https://example.org/g"))
    return store


def test_a_part_of_a_part_of_a_part_counts_as_its_top_event():
    """"Parts of parts too": the queries that roll parts of events up to the event they belong to reach it
    at any depth (the two-step path they used stopped two levels down and dropped the row)."""
    store = _nested_events_store()
    pairs = run_stored(store, CATALOGUE["co-speaker-pairs"], {}).rows
    assert [(r["person_a"], r["person_b"], r["shared_events"], r["first"]) for r in pairs] == [
        ("Anna Nowak", "Jan Kowalski", 1, "2019-10-01")]
    cooperation = run_stored(store, CATALOGUE["social-assistance-labour-market-cooperation"], {}).rows
    assert [(r["event"], r["date"], r["social_assistance"], r["labour_market"]) for r in cooperation] == [
        ("Konferencja", "2019-10-01", "MOPS w Opolu", "PUP w Opolu")]


@pytest.mark.parametrize("name,values,message", [
    ("speakers-across-regions", {"min_region": "2"}, "has no parameter 'min_region'; it has: min_regions"),
    ("speakers-across-regions", {"min_regions": "two"}, "must be a whole number"),
    ("speakers-across-regions", {"min_regions": "2.5"}, "must be a whole number"),
    ("events-timeline", {"since": "2015-02-30"}, "YYYY-MM-DD"),
    ("region-actors", {}, "needs parameter 'region' (voivodeship"),
    ("region-actors", {"region": "Lubelskie"}, "must be one of: dolnoslaskie|"[:-1]),
    ("person-profile", {"person": "???"}, "must be a person key"),
    ("find-by-name", {"text": "\ud800"}, "must be text"),
])
def test_bad_parameters_are_usage_errors_that_say_what_is_allowed(name, values, message):
    with pytest.raises(UsageError) as error:
        bind_parameters(CATALOGUE[name], values)
    assert message in str(error.value)
    assert name in str(error.value)


def test_a_missing_required_parameter_names_the_file():
    with pytest.raises(UsageError, match=r"queries/person-profile\.rq.*-p person=miroslaw-grewinski"):
        bind_parameters(CATALOGUE["person-profile"], {})


# -- malformed query files: a clear QueryError naming the file ------------------------------------

@pytest.mark.parametrize("text,message", [
    ("# title@pl: x\n# param: n number default=1\nSELECT ?n { }", ":2: malformed parameter line"),
    ("# param: n integer dflt=1\nSELECT ?n { }", "cannot read"),
    ("# param: n integer default=1\nSELECT ?m { }", "never uses ?n"),
    ("# param: n integer default=x\nSELECT ?n { }", "the default of parameter 'n' is invalid"),
    ("# param: n integer default=1\n# param: n integer default=2\nSELECT ?n { }", "declared twice"),
])
def test_malformed_headers_are_query_errors_naming_the_file(tmp_path, text, message):
    path = tmp_path / "broken.rq"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(QueryError) as error:
        parse_stored_query(path)
    assert str(path) in str(error.value) and message in str(error.value)


def test_malformed_sparql_and_unreadable_files_name_the_file(tmp_path, seed_store):
    bad = tmp_path / "bad.rq"
    bad.write_text("# title@pl: zła\nSELECT ?x WHERE { ?x ?y }", encoding="utf-8")
    with pytest.raises(QueryError, match=f"{bad}: malformed SPARQL"):
        run_stored(seed_store, parse_stored_query(bad))
    binary = tmp_path / "latin2.rq"
    binary.write_bytes("# title@pl: Zażółć\n".encode("iso-8859-2"))
    with pytest.raises(QueryError, match=f"{binary}: cannot read"):
        parse_stored_query(binary)
    unprojected = tmp_path / "unprojected.rq"
    unprojected.write_text("# param: n integer default=1\nSELECT ?x { BIND(?n AS ?x) }", encoding="utf-8")
    with pytest.raises(QueryError, match="must be in the SELECT projection"):
        run_stored(seed_store, parse_stored_query(unprojected))


# -- safe binding: no value is ever spliced into SPARQL -------------------------------------------

@pytest.mark.parametrize("value", INJECTION_CORPUS)
def test_values_round_trip_exactly_through_a_values_block(value):
    """The portable VALUES form parses, in Oxigraph and in rdflib, back to the very same literal."""
    import rdflib
    term = ox.Literal(value)
    sparql = with_values("SELECT ?v WHERE { }", {"v": term})
    assert [s["v"] for s in ox.Store().query(sparql)] == [term]
    if "\\u" in value or "\\U" in value:
        # rdflib decodes \uXXXX before parsing: string parameters refuse such values for that reason
        with pytest.raises(UsageError, match="code point escape"):
            bind_parameters(CATALOGUE["find-by-name"], {"text": value})
        return
    assert [str(row[0]) for row in rdflib.Graph().query(sparql)] == [value]


def _neutral_value(param) -> str:
    return {"string": "zzq-no-such-text", "person": "zzq-nobody", "organisation": "zzq-nothing"}[param.type]


PARAMETERS = [(name, p.name) for name, q in sorted(CATALOGUE.items()) for p in q.parameters]


@pytest.mark.parametrize("name,param_name", PARAMETERS)
def test_injection_corpus_changes_no_result_and_never_runs(built_store, seed_store, name, param_name):
    """Every corpus value is refused as invalid, or gives the answer any unknown value gives."""
    query = CATALOGUE[name]
    param = next(p for p in query.parameters if p.name == param_name)
    before = content_hash(seed_store)
    base = {**query.example_values()}
    neutral = None
    for payload in INJECTION_CORPUS:
        # text is searched for: prefix it so that a quote is not found in a title that really has one
        value = "zzq" + payload if param.type == "string" else payload
        values = {**base, param_name: value}
        try:
            bound = bind_parameters(query, values)
        except UsageError:
            continue  # a clear validation error: the value never reaches a query
        if neutral is None:
            neutral = run_stored(seed_store, query, {**base, param_name: _neutral_value(param)})
        result = run_stored(seed_store, query, values)
        assert rows_without(result, {param_name}) == rows_without(neutral, {param_name}), repr(value)
        assert all(row[param_name] == python_value(bound[param_name]) for row in result.rows)
    after = ox.Store.read_only(str(built_store))
    assert content_hash(after) == before


def test_values_block_opens_the_group_of_the_query_and_of_each_sub_select():
    sparql = "SELECT ?n ?select WHERE { ?select ex:select ?n . { SELECT ?n (1 AS ?o) WHERE { ?s ?p ?n } } }"
    bound = with_values(sparql, {"n": ox.Literal("1")})
    assert bound.count('VALUES (?n) { ("1") }') == 2
    assert 'WHERE {\n  VALUES (?n) { ("1") }\n ?select ex:select' in bound
    assert '{ SELECT ?n (1 AS ?o) WHERE {\n  VALUES (?n) { ("1") }\n ?s ?p ?n }' in bound


def test_values_block_opens_the_outermost_group_whatever_comes_before():
    sparql = ('# a { comment }\nPREFIX ex: <http://example.org/a#b>\n'
              'SELECT ?n (EXISTS { ?a ?b "}#" } AS ?e) (\'\'\'>{\'\'\' AS ?s) WHERE { ?a ?b ?c }')
    bound = with_values(sparql, {"n": ox.Literal("1")})
    assert bound.endswith('WHERE {\n  VALUES (?n) { ("1") }\n ?a ?b ?c }')
    assert ox.Store().query(bound).variables[0] == ox.Variable("n")  # and it is still valid SPARQL
    with pytest.raises(QueryError, match="no SELECT"):
        with_values("SELECT ?n", {"n": ox.Literal("1")})


def test_python_values_of_literals():
    xsd = "http://www.w3.org/2001/XMLSchema#"
    typed = lambda v, t: ox.Literal(v, datatype=ox.NamedNode(xsd + t))  # noqa: E731
    assert python_value(typed("80", "positiveInteger")) == 80
    assert python_value(typed("1.5", "decimal")) == __import__("decimal").Decimal("1.5")
    assert python_value(typed("true", "boolean")) is True
    assert python_value(typed("2015", "gYear")) == "2015"
    assert python_value(typed("x", "integer")) == "x"
    assert python_value(ox.Literal("Lublin", language="pl")) == "Lublin"
    assert python_value(None) is None


# -- the Python API and the CLI -------------------------------------------------------------------

def test_python_api_returns_rows_for_pandas(built_store):
    graph = KnowledgeGraph(built_store, Project(ROOT))
    rows = graph.query("topics-across-regions", min_regions=3)
    assert rows and all(isinstance(r, dict) for r in rows)
    assert {r["topic"] for r in rows} >= {"aktywna integracja"}
    assert all(type(r["regions"]) is int for r in rows)
    pandas = pytest.importorskip("pandas")
    frame = pandas.DataFrame(rows)
    assert list(frame.columns) == ["topic", "regions", "region", "events", "min_regions"]


def _kg(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_lists_and_runs_stored_queries(built_store, capsys):
    code, out, _ = _kg(capsys, "--store", str(built_store), "queries")
    assert code == 0 and all(name in out for name in CATALOGUE)
    assert "region-actors\tOrganizacje i osoby jednego województwa\tregion:voivodeship (required)" in out
    code, out, _ = _kg(capsys, "--store", str(built_store), "query", "speakers-across-regions", "--format", "csv")
    assert code == 0
    assert out.splitlines() == (EXPECTED / "speakers-across-regions.csv").read_text(encoding="utf-8").splitlines()


@pytest.mark.parametrize("argv,code,message", [
    (["query", "no-such-query"], 2, "no stored query 'no-such-query'"),
    (["query", "speakers-across-regions", "-p", "min_regions=zwei"], 2, "must be a whole number"),
    (["query", "region-actors"], 2, "queries/region-actors.rq) needs parameter 'region'"),
    (["query", "speakers-across-regions", "-p", "nope=1"], 2, "has no parameter 'nope'"),
    (["query", "speakers-across-regions", "--asserted-only", "--endpoint", "http://127.0.0.1:9/q"], 2,
     "--asserted-only applies to the embedded store"),
    (["query", "speakers-across-regions", "--endpoint", "ftp://example.org/q"], 6, "is not an http(s) URL"),
])
def test_cli_usage_errors_exit_2(built_store, capsys, argv, code, message):
    status, _, err = _kg(capsys, "--store", str(built_store), *argv)
    assert status == code and message in err


def test_cli_runs_an_ad_hoc_file_and_names_it_when_broken(built_store, tmp_path, capsys):
    good = tmp_path / "adhoc.rq"
    good.write_text("# param: n integer default=7\nSELECT ?n WHERE { }\n", encoding="utf-8")
    status, out, _ = _kg(capsys, "--store", str(built_store), "query", "--file", str(good), "--format", "json")
    assert status == 0 and '"n": 7' in out
    bad = tmp_path / "bad.rq"
    bad.write_text("SELECT ?x WHERE { ?x }\n", encoding="utf-8")
    status, _, err = _kg(capsys, "--store", str(built_store), "query", "--file", str(bad))
    assert status == 5 and str(bad) in err


# -- regenerating the expectations -----------------------------------------------------------------

def write_expected() -> None:  # pragma: no cover - a maintenance tool
    """Rebuild the seed store with a fixed load time and write every query's answer to queries/expected/."""
    import tempfile
    from kg import pipeline
    os.environ["SOURCE_DATE_EPOCH"] = "1700000000"
    with tempfile.TemporaryDirectory() as tmp:
        pipeline.build_store(Project(ROOT), Path(tmp) / "store")
        store = ox.Store.read_only(str(Path(tmp) / "store"))
        EXPECTED.mkdir(exist_ok=True)
        for name, query in sorted(load_catalogue(QUERIES).items()):
            (EXPECTED / f"{name}.csv").write_text(result_csv(run_example(store, query)), encoding="utf-8")
            print(f"wrote queries/expected/{name}.csv")


def write_docs() -> None:  # pragma: no cover - a maintenance tool
    """Put the current catalogue table into docs/queries.md."""
    text = DOCS.read_text(encoding="utf-8")
    before, rest = text.split(MARKERS[0], 1)
    after = rest.split(MARKERS[1], 1)[1]
    DOCS.write_text(before + MARKERS[0] + catalogue_markdown(load_catalogue(QUERIES)) + MARKERS[1] + after,
                    encoding="utf-8")
    print("wrote the catalogue into docs/queries.md")


if __name__ == "__main__":
    if "--write-expected" in sys.argv:
        write_expected()
    if "--write-docs" in sys.argv:
        write_docs()
