"""``kg serve`` as a real server process on 127.0.0.1, driven over HTTP: every route and content type,
the refused queries (with a canary server that must receive nothing), the time and size limits while
the server keeps answering; and ``kg export`` (VoID), ``kg docs`` and ``kg publish``.
"""
from __future__ import annotations

import csv
import http.server
import io
import json
import shutil
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF

from kg import answers, store as kgstore
from servers import _running, free_port, oxigraph_binary, oxigraph_server

pytestmark = pytest.mark.server

ROOT = Path(__file__).resolve().parents[1]
BASE = "https://w3id.org/kg-pl-inclusion/id/"
PERSON = "id/person/miroslaw-grewinski"
VOID = "http://rdfs.org/ns/void#"
TIMEOUT = 3.0
MAX_ROWS = 5000
PATHOLOGICAL = ("SELECT (COUNT(*) AS ?n) WHERE { ?a (<http://example.org/p>|!<http://example.org/p>)* ?b . "
                "?c ?d ?e }")


@contextmanager
def kg_server(tmp_path: Path, *args: str, serve_args: tuple[str, ...] = ()):
    port = free_port()
    command = [sys.executable, "-m", "kg.cli", *args, "serve", "--port", str(port), "--timeout", str(TIMEOUT),
               "--max-rows", str(MAX_ROWS), *serve_args]
    with _running(command, tmp_path / f"kg-serve-{port}.log", f"http://127.0.0.1:{port}/health", 60, ROOT) as process:
        yield f"http://127.0.0.1:{port}/"
    assert process.poll() is not None


@pytest.fixture(scope="module")
def server(built_store, tmp_path_factory):
    with kg_server(tmp_path_factory.mktemp("serve"), "--store", str(built_store)) as url:
        yield url


class Answer:
    def __init__(self, status: int, headers, body: bytes):
        self.status, self.headers, self.body = status, headers, body

    @property
    def type(self) -> str:
        return self.headers.get("Content-Type", "").split(";")[0]

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


def fetch(url: str, *, accept: str | None = None, data: bytes | None = None, content_type: str | None = None,
          method: str | None = None, timeout: float = 30) -> Answer:
    headers = {"Accept": accept} if accept else {}
    if content_type:
        headers["Content-Type"] = content_type
    request = urllib.request.Request(url, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return Answer(response.status, response.headers, response.read())
    except urllib.error.HTTPError as error:
        return Answer(error.code, error.headers, error.read())


def sparql(server: str, query: str, accept: str | None = None, **params) -> Answer:
    return fetch(server + "sparql?" + urllib.parse.urlencode({"query": query, **params}), accept=accept)


# -- the SPARQL endpoint ------------------------------------------------------------------------------

SELECT = "SELECT DISTINCT ?name WHERE { <https://w3id.org/kg-pl-inclusion/id/person/miroslaw-grewinski> <http://schema.org/name> ?name }"
CONSTRUCT = ("CONSTRUCT { ?s <http://schema.org/name> ?n } WHERE { BIND (<https://w3id.org/kg-pl-inclusion/id/person/"
             "miroslaw-grewinski> AS ?s) ?s <http://schema.org/name> ?n }")


@pytest.mark.parametrize("accept, media, parse", [
    (None, "application/sparql-results+json", ox.QueryResultsFormat.JSON),
    ("application/sparql-results+json", "application/sparql-results+json", ox.QueryResultsFormat.JSON),
    ("application/json", "application/sparql-results+json", ox.QueryResultsFormat.JSON),
    ("application/sparql-results+xml", "application/sparql-results+xml", ox.QueryResultsFormat.XML),
    ("text/csv", "text/csv", None),
    ("text/tab-separated-values", "text/tab-separated-values", ox.QueryResultsFormat.TSV),
])
def test_select_results_by_content_negotiation(server, accept, media, parse):
    answer = sparql(server, SELECT, accept)
    assert answer.status == 200, answer.text
    assert answer.type == media
    assert answer.headers["Access-Control-Allow-Origin"] == "*"
    if parse is None:  # SPARQL CSV is lossy: pyoxigraph does not read it back
        assert answer.text.splitlines() == ["name", "Mirosław Grewiński"]
        return
    rows = list(ox.parse_query_results(answer.body, parse))
    assert [row["name"].value for row in rows] == ["Mirosław Grewiński"]


@pytest.mark.parametrize("accept, media, fmt", [
    (None, "text/turtle", ox.RdfFormat.TURTLE),
    ("application/ld+json", "application/ld+json", ox.RdfFormat.JSON_LD),
    ("application/n-triples", "application/n-triples", ox.RdfFormat.N_TRIPLES),
    ("application/rdf+xml", "application/rdf+xml", ox.RdfFormat.RDF_XML),
])
def test_construct_results_by_content_negotiation(server, accept, media, fmt):
    answer = sparql(server, CONSTRUCT, accept)
    assert answer.status == 200, answer.text
    assert answer.type == media
    objects = {q.object.value for q in ox.parse(answer.body, fmt)}
    assert objects == {"Mirosław Grewiński"}


def test_post_form_direct_ask_describe_and_format_parameter(server):
    form = fetch(server + "sparql", data=urllib.parse.urlencode({"query": SELECT}).encode(),
                 content_type="application/x-www-form-urlencoded", accept="text/csv")
    assert form.status == 200 and form.text.splitlines() == ["name", "Mirosław Grewiński"]
    direct = fetch(server + "sparql", data=SELECT.encode(), content_type="application/sparql-query")
    assert direct.status == 200 and "Mirosław Grewiński" in direct.text
    ask = sparql(server, "ASK { ?s a <https://w3id.org/kg-pl-inclusion/ontology#Person> }")
    assert json.loads(ask.body)["boolean"] is True
    describe = sparql(server, f"DESCRIBE <{BASE}person/miroslaw-grewinski>", "text/turtle")
    assert describe.status == 200 and "Grewiński" in describe.text
    tsv = sparql(server, SELECT, format="tsv")
    assert tsv.type == "text/tab-separated-values"
    assert sparql(server, SELECT, "image/png").status == 406
    html = sparql(server, SELECT, "text/html")
    assert html.type == "text/html" and "<table" in html.text and "Mirosław Grewiński" in html.text


def test_dataset_from_query_and_protocol(server):
    graph = f"{BASE}graph/article/000-rops-lublin-konferencja-po-kl-2015"
    from_one = sparql(server, f"SELECT (COUNT(*) AS ?n) FROM <{graph}> WHERE {{ ?s ?p ?o }}", "text/csv")
    protocol = sparql(server, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "text/csv", **{"default-graph-uri": graph})
    everything = sparql(server, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "text/csv")
    counts = [int(a.text.split()[1]) for a in (from_one, protocol, everything)]
    assert counts[0] == counts[1] and 0 < counts[0] < counts[2]


class Canary:
    """A loopback HTTP server that records every request it gets (it must get none)."""

    def __init__(self):
        self.hits: list[str] = []
        hits = self.hits

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                hits.append(f"{self.command} {self.path}")
                self.send_response(200)
                self.send_header("Content-Type", "application/sparql-results+json")
                self.end_headers()
                self.wfile.write(b'{"head":{"vars":[]},"results":{"bindings":[{}]}}')

            do_POST = do_GET

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_port}/sparql"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def canary():
    server = Canary()
    yield server
    server.close()


def test_the_canary_works(canary):
    assert fetch(canary.url).status == 200 and canary.hits == ["GET /sparql"]
    canary.hits.clear()


@pytest.mark.parametrize("query, reason", [
    ("INSERT DATA { <http://example.org/a> <http://example.org/b> <http://example.org/c> }", "read-only"),
    ("DELETE WHERE { ?s ?p ?o }", "read-only"),
    ("LOAD <{canary}>", "read-only"),
    ("CLEAR ALL", "read-only"),
    ("SELECT * WHERE {{ SERVICE <{canary}> {{ ?s ?p ?o }} }}", "SERVICE"),
    ("SELECT * WHERE {{ ?x ?y ?z FILTER EXISTS {{ SERVICE SILENT <{canary}> {{ ?s ?p ?o }} }} }}", "SERVICE"),
    ("SELECT * WHERE {{ {{ SELECT * WHERE {{ service <{canary}> {{ ?s ?p ?o }} }} }} }}", "SERVICE"),
    ("SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }", "not in this store"),
    ("SELECT * FROM NAMED <http://127.0.0.1:9/g> WHERE { GRAPH ?g { ?s ?p ?o } }", "not in this store"),
    ("SELECT * WHERE { ?s ?p }", "malformed"),
])
def test_refused_queries(server, canary, query, reason):
    text = query.replace("{canary}", canary.url).replace("{{", "{").replace("}}", "}") if "{canary}" in query else query
    for answer in (sparql(server, text),
                   fetch(server + "sparql", data=urllib.parse.urlencode({"query": text}).encode(),
                         content_type="application/x-www-form-urlencoded")):
        assert answer.status == 400, answer.text
        assert reason in answer.text
    assert canary.hits == []


def test_updates_refused_on_every_path(server, canary):
    update = f"LOAD <{canary.url}>"
    answers = [
        fetch(server + "sparql", data=update.encode(), content_type="application/sparql-update"),
        fetch(server + "sparql", data=urllib.parse.urlencode({"update": update}).encode(),
              content_type="application/x-www-form-urlencoded"),
        fetch(server + "sparql?" + urllib.parse.urlencode({"update": update})),
        sparql(server, "SELECT * WHERE { ?s ?p ?o }", **{"default-graph-uri": "file:///etc/passwd"}),
    ]
    assert [a.status for a in answers] == [400, 400, 400, 400]
    assert all("refused" in a.text for a in answers)
    assert fetch(server + "sparql", data=b"x", method="PUT").status == 405
    assert canary.hits == []


def test_runaway_query_is_stopped_while_the_server_keeps_answering(server):
    with ThreadPoolExecutor(4) as pool:
        started = time.monotonic()
        runaway = pool.submit(sparql, server, PATHOLOGICAL)
        time.sleep(0.3)
        timings = []
        while not runaway.done():
            t = time.monotonic()
            answers = [fetch(server + "health"), fetch(server + PERSON, accept="text/html"),
                       sparql(server, "ASK {}"), fetch(server + "queries/speakers-across-regions.json")]
            timings.append(time.monotonic() - t)
            assert [a.status for a in answers] == [200, 200, 200, 200]
        answer = runaway.result()
        elapsed = time.monotonic() - started
    assert answer.status == 503 and "time limit" in answer.text
    assert TIMEOUT <= elapsed < TIMEOUT + 3
    assert timings and max(timings) < TIMEOUT, timings  # answered while the runaway query was still running
    # the killed worker is replaced: queries keep running afterwards
    assert sparql(server, SELECT, "text/csv").text.splitlines()[1] == "Mirosław Grewiński"


def test_result_size_limit(server):
    answer = sparql(server, "SELECT * WHERE { ?s ?p ?o }")
    assert answer.status == 400 and f"more than {MAX_ROWS} rows" in answer.text
    graph = sparql(server, "CONSTRUCT WHERE { ?s ?p ?o }")
    assert graph.status == 400 and f"more than {MAX_ROWS} triples" in graph.text
    assert sparql(server, "SELECT * WHERE { ?s ?p ?o } LIMIT 10").status == 200


def test_query_editor_page(server):
    page = fetch(server + "sparql", accept="text/html")
    assert page.status == 200 and "yasgui.min.js" in page.text and "example-queries" in page.text
    script = fetch(server + "static/yasgui/yasgui.min.js")
    assert script.status == 200 and script.type == "text/javascript" and len(script.body) > 500_000
    assert fetch(server + "static/yasgui/yasgui.min.css").type == "text/css"
    assert fetch(server + "static/../app.py").status == 404


# -- resources ----------------------------------------------------------------------------------------

def test_person_page_html(server):
    page = fetch(server + PERSON, accept="text/html,application/xhtml+xml;q=0.9,*/*;q=0.8")
    assert page.status == 200 and page.type == "text/html"
    assert page.headers["Vary"] == "Accept"
    html = page.text
    assert "<h1>Mirosław Grewiński" in html
    assert "wystąpienie prof. Mirosława Grewińskiego" in html  # evidence quote, with its source
    assert 'id="source-000-rops-lublin-konferencja-po-kl-2015"' in html
    assert "Podsumowanie konferencji podsumowującej" in html  # the article's title
    assert "/id/event/2015-03-31-konferencja-po-kl-lublin" in html  # a link to the event
    assert "sha256" in html and "prov" not in html.split("<h1>")[0]


@pytest.mark.parametrize("suffix, accept, media, fmt", [
    ("", "text/turtle", "text/turtle", ox.RdfFormat.TURTLE),
    ("", "application/ld+json", "application/ld+json", ox.RdfFormat.JSON_LD),
    ("", "application/n-triples", "application/n-triples", ox.RdfFormat.N_TRIPLES),
    ("", "application/trig", "application/trig", ox.RdfFormat.TRIG),
    ("", "application/n-quads", "application/n-quads", ox.RdfFormat.N_QUADS),
    (".ttl", "text/html", "text/turtle", ox.RdfFormat.TURTLE),
    (".jsonld", None, "application/ld+json", ox.RdfFormat.JSON_LD),
    (".nt", None, "application/n-triples", ox.RdfFormat.N_TRIPLES),
    (".nq", None, "application/n-quads", ox.RdfFormat.N_QUADS),
])
def test_person_as_rdf(server, suffix, accept, media, fmt):
    answer = fetch(server + PERSON + suffix, accept=accept)
    assert answer.status == 200 and answer.type == media
    quads = list(ox.parse(answer.body, fmt))
    person = ox.NamedNode(BASE + "person/miroslaw-grewinski")
    assert ox.Literal("Mirosław Grewiński") in {q.object for q in quads if q.subject == person}
    if fmt in (ox.RdfFormat.TRIG, ox.RdfFormat.N_QUADS):  # graphs kept: who said so
        assert {q.graph_name.value for q in quads if q.subject == person} == {
            BASE + "graph/article/000-rops-lublin-konferencja-po-kl-2015",
            BASE + "graph/article/001-wup-szczecin-dzien-instrumentow-integracji-2017"}
    assert 'rel="alternate"' in answer.headers["Link"]


def test_other_resources(server):
    event = fetch(server + "id/event/2015-03-31-konferencja-po-kl-lublin", accept="text/html")
    assert event.status == 200 and "Mirosław Grewiński" in event.text
    concept = fetch(server + "concept/event-role/talk", accept="text/html")
    assert concept.status == 200 and "wystąpienie" in concept.text
    term = fetch(server + "resource?" + urllib.parse.urlencode(
        {"iri": "https://w3id.org/kg-pl-inclusion/ontology#Person"}), accept="text/html")
    assert term.status == 200 and "Osoba" in term.text
    assert fetch(server + "id/person/nobody-at-all", accept="text/html").status == 404
    assert fetch(server + "id/person/nobody-at-all").status == 404
    assert fetch(server + PERSON + ".exe").status == 404
    assert fetch(server + PERSON, accept="image/png").status == 406
    head = fetch(server + PERSON, method="HEAD", accept="text/turtle")
    assert head.status == 200 and head.body == b"" and int(head.headers["Content-Length"]) > 0
    options = fetch(server + "sparql", method="OPTIONS")
    assert options.status == 204 and "POST" in options.headers["Access-Control-Allow-Methods"]


def test_ontology_and_schemes(server):
    docs = fetch(server + "ontology", accept="text/html")
    assert docs.status == 200 and 'id="Person"' in docs.text and "Osoba · Person" in docs.text
    turtle = fetch(server + "ontology", accept="text/turtle")
    graph = Graph().parse(data=turtle.body, format="turtle")
    assert (URIRef("https://w3id.org/kg-pl-inclusion/ontology#Person"), None, None) in graph
    assert fetch(server + "ontology.jsonld").type == "application/ld+json"
    schemes = fetch(server + "concept/", accept="text/html")
    assert schemes.status == 200 and "Role w wydarzeniach" in schemes.text and "Event roles" in schemes.text


# -- stored queries -------------------------------------------------------------------------------------

def test_stored_queries_api(server, project):
    from kg.queries import load_catalogue
    catalogue = load_catalogue(project.queries_dir)
    listing = fetch(server + "queries", accept="application/json")
    assert listing.type == "application/json"
    assert {q["name"] for q in json.loads(listing.body)} == set(catalogue)
    assert fetch(server + "queries.json").status == 200
    page = fetch(server + "queries", accept="text/html")
    assert all(f"/queries/{name}" in page.text for name in catalogue)

    document = json.loads(fetch(server + "queries/speakers-across-regions.json").body)
    assert document["parameters"] == {"min_regions": "2"}
    assert {(r["name"], r["region"]) for r in document["rows"]} == {
        ("Mirosław Grewiński", "województwo lubelskie"), ("Mirosław Grewiński", "województwo zachodniopomorskie")}
    assert {r["regions"] for r in document["rows"]} == {2}  # a typed value, not a string
    table = list(csv.DictReader(io.StringIO(fetch(server + "queries/speakers-across-regions.csv?min_regions=2").text)))
    assert {r["name"] for r in table} == {"Mirosław Grewiński"}
    by_accept = fetch(server + "queries/speakers-across-regions?min_regions=3", accept="text/csv")
    assert by_accept.type == "text/csv" and by_accept.text.splitlines()[1:] == []
    srj = fetch(server + "queries/speakers-across-regions", accept="application/sparql-results+json")
    assert srj.type == "application/sparql-results+json"
    assert fetch(server + "queries/speakers-across-regions.json?min_regions=two").status == 400
    assert fetch(server + "queries/speakers-across-regions.json?nonsense=1").status == 400
    assert fetch(server + "queries/no-such-query.json").status == 404


def test_a_repeated_stored_query_is_answered_from_the_kept_reply_until_the_store_changes(built_store, tmp_path):
    store = tmp_path / "store"
    shutil.copytree(built_store, store, ignore=shutil.ignore_patterns(answers.ANSWERS_DIRECTORY))
    with kg_server(tmp_path, "--store", str(store)) as url:
        address = url + "queries/topics-across-regions.csv?min_regions=1"
        first, again = fetch(address), fetch(address)
        assert first.status == again.status == 200 and first.text.count("\n") > 2
        assert again.body == first.body
        assert first.headers.get("X-KG-Answer") is None and again.headers.get("X-KG-Answer") == "kept"
        other = fetch(url + "queries/topics-across-regions.csv?min_regions=2")  # another answer
        assert other.headers.get("X-KG-Answer") is None and other.body != first.body
        answers.stamp(store)  # as a write does when it ends: the workers' snapshots are now of the past
        after = fetch(address)
        assert after.status == 200 and after.headers.get("X-KG-Answer") is None


def test_kept_replies_drop_the_least_recently_used_and_start_again_for_a_new_generation():
    from kg.serve.app import KeptReplies
    from kg.serve.worker import Reply
    kept = KeptReplies(max_bytes=250)
    for name in ("a", "b"):
        kept.put("g1", (name, "csv"), Reply(body=b"x" * 100))
    assert kept.get("g1", ("a", "csv")).headers == [("X-KG-Answer", "kept")]  # "a" is now the most recent
    kept.put("g1", ("c", "csv"), Reply(body=b"x" * 100))  # 300 bytes: "b" goes
    assert kept.get("g1", ("b", "csv")) is None and kept.get("g1", ("a", "csv")) and kept.get("g1", ("c", "csv"))
    assert kept.get("g2", ("a", "csv")) is None  # another generation
    kept.put("g2", ("d", "csv"), Reply(body=b"y"))
    assert kept.get("g1", ("a", "csv")) is None and kept.get("g2", ("d", "csv")).body == b"y"
    kept.put("g2", ("e", "csv"), Reply(body=b"z" * 300))  # larger than all it may hold: not kept
    assert kept.get("g2", ("e", "csv")) is None and kept.get("g2", ("d", "csv"))


def test_stored_query_form(server, project):
    from kg.queries import load_catalogue
    page = fetch(server + "queries/speakers-across-regions", accept="text/html").text
    assert 'name="min_regions"' in page and 'value="2"' in page and "<table" in page
    with_allowed = [q for q in load_catalogue(project.queries_dir).values() if any(p.allowed for p in q.parameters)]
    for query in with_allowed[:2]:
        form = fetch(server + f"queries/{query.name}", accept="text/html").text
        param = next(p for p in query.parameters if p.allowed)
        assert f'<select id="param-{param.name}"' in form
        assert all(f'<option value="{v}"' in form for v in param.allowed)


def test_openapi_generated_from_headers(server, project):
    from kg.queries import load_catalogue
    document = json.loads(fetch(server + "openapi.json").body)
    assert document["openapi"].startswith("3.")
    catalogue = load_catalogue(project.queries_dir)
    for name, query in catalogue.items():
        operation = document["paths"][f"/queries/{name}"]["get"]
        assert [p["name"] for p in operation["parameters"]] == [p.name for p in query.parameters]
        for spec, param in zip(operation["parameters"], query.parameters):
            assert spec["required"] == param.required
            if param.allowed:
                assert len(spec["schema"]["enum"]) == len(param.allowed)
    assert {"get", "post"} <= set(document["paths"]["/sparql"])


# -- dataset description, dumps, views ------------------------------------------------------------------

def test_void_description(server, seed_store):
    answer = fetch(server + ".well-known/void")
    assert answer.type == "text/turtle"
    graph = Graph().parse(data=answer.body, format="turtle")
    dataset = URIRef(BASE + "dataset")
    assert (dataset, RDF.type, URIRef(VOID + "Dataset")) in graph
    assert (dataset, DCTERMS.license, URIRef("https://creativecommons.org/licenses/by/4.0/")) in graph
    assert (dataset, URIRef(VOID + "sparqlEndpoint"), URIRef(server + "sparql")) in graph
    dumps = set(graph.objects(dataset, URIRef(VOID + "dataDump")))
    assert URIRef(server + "dumps/kg.nq") in dumps
    per_graph = {str(g): int(n) for g, n in graph.query(
        "SELECT ?g ?n { ?x <http://www.w3.org/ns/sparql-service-description#name> ?g ; "
        "<http://www.w3.org/ns/sparql-service-description#graph> [ <http://rdfs.org/ns/void#triples> ?n ] }")}
    expected = {}
    for quad in kgstore.named_quads(seed_store):
        expected[quad.graph_name.value] = expected.get(quad.graph_name.value, 0) + 1
    assert per_graph == expected
    linkset = next(graph.subjects(RDF.type, URIRef(VOID + "Linkset")))
    assert int(graph.value(linkset, URIRef(VOID + "triples"))) > 0
    assert len(set(graph.objects(dataset, URIRef(VOID + "exampleResource")))) >= 3
    assert fetch(server + "id/dataset", accept="application/ld+json").type == "application/ld+json"
    assert "void:Dataset" in fetch(server + ".well-known/void", accept="text/html").text


def test_dumps(server, seed_store):
    nquads = fetch(server + "dumps/kg.nq")
    assert nquads.type == "application/n-quads"
    exported = {str(q) for q in ox.parse(nquads.body, ox.RdfFormat.N_QUADS)}
    inferred = BASE + "graph/inferred"
    assert exported == {str(q) for q in kgstore.named_quads(seed_store) if q.graph_name.value != inferred}
    assert fetch(server + "dumps/kg.ttl").type == "text/turtle"
    assert fetch(server + "dumps/secret.txt").status == 404


def test_views(server):
    chart = fetch(server + "views/chart", accept="text/html")
    assert chart.status == 200 and chart.text.count('class="bar"') == 3 * 16
    svg = fetch(server + "views/chart.svg?measure=speakers")
    assert svg.type == "image/svg+xml" and "zachodniopomorskie" in svg.text
    network = fetch(server + "views/network.svg")
    assert network.type == "image/svg+xml" and "Mirosław Grewiński" in network.text
    assert '/id/person/miroslaw-grewinski' in network.text
    lubelskie = fetch(server + "views/network?voivodeship=lubelskie", accept="text/html")
    assert lubelskie.status == 200 and "Mirosław Grewiński" in lubelskie.text and "Marta Giezek" not in lubelskie.text
    assert fetch(server + "views/network?voivodeship=atlantis").status == 400
    home = fetch(server, accept="text/html")
    assert home.status == 200 and "/id/person/miroslaw-grewinski" in home.text


# -- a remote endpoint --------------------------------------------------------------------------------

@pytest.mark.skipif(oxigraph_binary() is None, reason="the oxigraph server CLI is not installed")
def test_serve_a_remote_endpoint(tmp_path, seed_store):
    with oxigraph_server(tmp_path / "oxigraph") as remote:
        data = ox.serialize(list(seed_store), format=ox.RdfFormat.N_QUADS)
        upload = fetch(remote.graph_store_url, data=data, content_type="application/n-quads", method="POST")
        assert upload.status in (200, 201, 204)
        with kg_server(tmp_path, serve_args=("--endpoint", remote.query_url, "--union-default-graph")) as server:
            assert sparql(server, SELECT, "text/csv").text.splitlines()[1] == "Mirosław Grewiński"
            page = fetch(server + PERSON, accept="text/html")
            assert page.status == 200 and "wystąpienie prof. Mirosława Grewińskiego" in page.text
            assert sparql(server, "LOAD <http://127.0.0.1:9/x>").status == 400
            assert sparql(server, PATHOLOGICAL).status == 503
            assert fetch(server + "queries/speakers-across-regions.json").status == 200
            assert fetch(server + "dumps/kg.nq").status == 404


# -- kg export --void, kg docs, kg publish ----------------------------------------------------------------

def invoke(*args: str):
    from click.testing import CliRunner
    from kg.cli import cli
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


def test_export_writes_the_dataset_description(built_store, tmp_path):
    dump = tmp_path / "kg.nq"
    invoke("--store", str(built_store), "export", "--format", "nquads", "-o", str(dump),
           "--public-url", "https://example.org/data/")
    graph = Graph().parse(tmp_path / "void.ttl", format="turtle")
    dataset = URIRef(BASE + "dataset")
    assert (dataset, URIRef(VOID + "dataDump"), URIRef("https://example.org/data/kg.nq")) in graph
    assert (dataset, URIRef(VOID + "triples"), None) in graph
    assert (dataset, URIRef(VOID + "sparqlEndpoint"), None) not in graph  # no server: none claimed
    invoke("--store", str(built_store), "export", "-o", str(tmp_path / "kg.ttl"), "--void", str(tmp_path / "d.ttl"))
    local = Graph().parse(tmp_path / "d.ttl", format="turtle")
    assert (dataset, URIRef(VOID + "dataDump"), URIRef((tmp_path / "kg.ttl").resolve().as_uri())) in local


def test_docs(tmp_path):
    invoke("docs", "-o", str(tmp_path / "docs"))
    ontology = (tmp_path / "docs" / "index.html").read_text(encoding="utf-8")
    assert 'id="Person"' in ontology and "Osoba · Person" in ontology and 'id="foaf-Person"' in ontology
    schemes = (tmp_path / "docs" / "schemes.html").read_text(encoding="utf-8")
    assert "Role w wydarzeniach" in schemes and "Event roles" in schemes and "<style>" in schemes
    assert (tmp_path / "docs" / "kg.ttl").exists()


def test_publish_static_site(built_store, tmp_path):
    site = tmp_path / "site"
    invoke("--store", str(built_store), "publish", str(site), "--url", "https://example.org/kg/")
    person = site / "id/person/miroslaw-grewinski.html"
    html = person.read_text(encoding="utf-8")
    assert "wystąpienie prof. Mirosława Grewińskiego" in html
    for href in set(__import__("re").findall(r'href="([^"#:]+)(?:#[^"]*)?"', html)):
        assert (person.parent / href).resolve().exists(), href  # relative links that work from any host
    turtle = ox.parse((site / "id/person/miroslaw-grewinski.ttl").read_bytes(), ox.RdfFormat.TURTLE)
    assert any(q.object == ox.Literal("Mirosław Grewiński") for q in turtle)
    description = Graph().parse(site / ".well-known/void", format="turtle")
    assert (URIRef(BASE + "dataset"), URIRef(VOID + "dataDump"), URIRef("https://example.org/kg/dumps/kg.trig")) in description
    for name in ("kg.ttl", "kg.trig", "kg.nq", "kg.jsonld"):
        assert (site / "dumps" / name).stat().st_size > 10_000
    rows = json.loads((site / "queries/speakers-across-regions.json").read_text(encoding="utf-8"))["rows"]
    assert {r["name"] for r in rows} == {"Mirosław Grewiński"}
    assert 'id="Person"' in (site / "ontology/index.html").read_text(encoding="utf-8")
    assert "Event roles" in (site / "concept/index.html").read_text(encoding="utf-8")
    assert "Mirosław Grewiński" in (site / "views/network.svg").read_text(encoding="utf-8")
    assert (site / ".htaccess").exists() and (site / "static/kg.css").exists()
