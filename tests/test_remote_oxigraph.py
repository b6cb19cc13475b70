"""The stored queries on a real Oxigraph SPARQL server give the same results as on the embedded store.

The server is ``oxigraph serve`` (the ``oxigraph`` package) on a free port of 127.0.0.1, loaded offline
(``oxigraph load``) with every quad of the seed store, and always stopped at the end. Oxigraph's server
does not query the union of the named graphs by default: kg asks for it per request with the
``union-default-graph`` parameter (``RemoteEndpoint(..., union_default_graph=True)``).

Failure modes (HTML with status 200, 500, slow answers, row caps) come from a tiny local HTTP server.
"""
from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg import cli, store as kgstore
from kg.errors import EndpointError, QueryError, UsageError
from kg.queries import load_catalogue, run_stored
from kg.remote import RemoteEndpoint

pytestmark = pytest.mark.server

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = load_catalogue(ROOT / "queries")
OXIGRAPH = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or shutil.which("oxigraph")

#: Non-default parameter values, so that equality is not only checked for the defaults.
OTHER_VALUES = [
    ("speakers-across-regions", {"min_regions": "1"}),
    ("topics-across-regions", {"min_regions": "1"}),
    ("co-speaker-pairs", {"min_events": "2"}),
    ("region-actors", {"region": "lubelskie"}),
    ("region-actors", {"region": "pomorskie"}),
    ("person-profile", {"person": "andrzej-przewoda"}),
    ("person-profile", {"person": "aneta-koszewska"}),
    ("events-timeline", {"since": "2013-01-01", "until": "2016-12-31"}),
    ("find-by-name", {"text": "szczecin"}),
    ("find-by-name", {"text": 'x" } ; DROP ALL #'}),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def typed_rows(result) -> list[tuple]:
    """Rows with the Python type of every value, in a canonical order: equal means really equal."""
    return sorted(tuple((c, type(row[c]).__name__, row[c]) for c in result.columns) for row in result.rows)


@pytest.fixture(scope="module")
def oxigraph_url(built_store, tmp_path_factory):
    if OXIGRAPH is None:
        pytest.skip("the oxigraph server CLI is not installed (pip install oxigraph)")
    work = tmp_path_factory.mktemp("oxigraph")
    quads = work / "seed.nq"
    # the named graphs, as `kg export nquads --with-inferred` publishes them (not the store's union)
    ox.serialize(kgstore.named_quads(ox.Store.read_only(str(built_store))), str(quads), ox.RdfFormat.N_QUADS)
    subprocess.run([OXIGRAPH, "load", "--location", str(work / "db"), "--file", str(quads)],
                   check=True, capture_output=True, timeout=60)
    port = free_port()
    server = subprocess.Popen([OXIGRAPH, "serve", "--location", str(work / "db"), "--bind", f"127.0.0.1:{port}"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        url = f"http://127.0.0.1:{port}/query"
        _wait_until_ready(url, server)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        server.stderr.close()


def _wait_until_ready(url: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"oxigraph serve exited: {server.stderr.read().decode(errors='replace')}")
        try:
            with urllib.request.urlopen(url + "?query=ASK%7B%7D", timeout=1):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("oxigraph serve did not start within 20 s")


@pytest.fixture(scope="module")
def endpoint(oxigraph_url) -> RemoteEndpoint:
    return RemoteEndpoint(oxigraph_url, timeout=30, union_default_graph=True)


def _quad_count(endpoint: RemoteEndpoint) -> int:
    return endpoint.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }").rows[0]["n"]


# -- the same answers ------------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_every_stored_query_gives_the_same_result_remotely(seed_store, endpoint, name):
    query = CATALOGUE[name]
    embedded = run_stored(seed_store, query, query.example_values())
    remote = endpoint.run_stored(query, query.example_values())
    assert remote.columns == embedded.columns
    assert typed_rows(remote) == typed_rows(embedded)


@pytest.mark.parametrize("name,values", OTHER_VALUES)
def test_other_parameter_values_give_the_same_result_remotely(seed_store, endpoint, name, values):
    query = CATALOGUE[name]
    embedded = run_stored(seed_store, query, values)
    assert typed_rows(endpoint.run_stored(query, values)) == typed_rows(embedded)


def test_oxigraph_default_graph_is_not_the_union_of_named_graphs(seed_store, oxigraph_url):
    query = CATALOGUE["speakers-across-regions"]
    assert RemoteEndpoint(oxigraph_url).run_stored(query).rows == []
    # the request parameter may also be part of the endpoint URL
    in_url = RemoteEndpoint(oxigraph_url + "?union-default-graph").run_stored(query)
    assert typed_rows(in_url) == typed_rows(run_stored(seed_store, query))


def test_cli_endpoint_option_prints_the_same_table(built_store, oxigraph_url, capsys):
    argv = ["--store", str(built_store), "query", "co-speaker-pairs", "--format", "csv"]
    assert cli.main(argv) == 0
    local = capsys.readouterr().out
    assert cli.main([*argv, "--endpoint", oxigraph_url, "--union-default-graph", "--timeout", "20"]) == 0
    assert capsys.readouterr().out == local


# -- safe binding over HTTP ----------------------------------------------------------------------------

def test_injection_corpus_over_http_changes_nothing(endpoint):
    from test_queries import INJECTION_CORPUS
    before = _quad_count(endpoint)
    for payload in INJECTION_CORPUS:
        for name, param in (("find-by-name", "text"), ("person-profile", "person")):
            value = "zzq" + payload if param == "text" else payload
            try:
                rows = endpoint.run_stored(CATALOGUE[name], {param: value}).rows
            except UsageError:
                continue
            assert rows == [], repr(value)
    assert _quad_count(endpoint) == before > 0


def test_only_select_queries_are_sent(endpoint):
    before = _quad_count(endpoint)
    for update in ("INSERT DATA { <http://e/s> <http://e/p> <http://e/o> }", "DROP ALL"):
        with pytest.raises(QueryError, match="only SELECT"):
            endpoint.select(update)
    assert _quad_count(endpoint) == before


# -- typed errors --------------------------------------------------------------------------------------

def test_http_errors_name_the_endpoint_and_status_but_no_credentials(oxigraph_url):
    port = oxigraph_url.split(":")[2].split("/")[0]
    with pytest.raises(EndpointError) as error:
        RemoteEndpoint(f"http://reader:s3cret@127.0.0.1:{port}/nope", timeout=5).select("SELECT * { ?s ?p ?o }")
    assert f"http://127.0.0.1:{port}/nope" in str(error.value) and "404" in str(error.value)
    assert "s3cret" not in str(error.value) and "reader" not in str(error.value)
    assert "s3cret" not in repr(RemoteEndpoint(f"http://reader:s3cret@127.0.0.1:{port}/query"))
    with pytest.raises(EndpointError, match="HTTP 400"):
        RemoteEndpoint(oxigraph_url, timeout=5).select("SELECT ?x WHERE { ?x }")


def test_a_refused_connection_is_an_endpoint_error():
    url = f"http://127.0.0.1:{free_port()}/sparql"
    with pytest.raises(EndpointError, match="refused the connection"):
        RemoteEndpoint(url, timeout=5).select("SELECT * { ?s ?p ?o }")
    with pytest.raises(EndpointError, match="not an http"):
        RemoteEndpoint("file:///etc/passwd")


RESULT = b'{"head":{"vars":["n"]},"results":{"bindings":[{"n":{"type":"literal","value":"1"}},' \
         b'{"n":{"type":"literal","value":"2"}}]}}'


class _Misbehaving(BaseHTTPRequestHandler):
    """Answers by path: an HTML page with 200, a 500, a slow answer, a row cap, broken JSON."""

    def do_POST(self):  # noqa: N802 - http.server's naming
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        status, content_type, body, headers = {
            "/html": (200, "text/html", b"<html><body>Welcome</body></html>", {}),
            "/fail": (500, "text/plain", b"internal error", {}),
            "/busy": (503, "text/plain", b"try later", {}),
            "/capped": (200, "application/sparql-results+json", RESULT, {"X-SPARQL-MaxRows": "2"}),
            "/uncapped": (200, "application/sparql-results+json", RESULT, {"X-SPARQL-MaxRows": "10000"}),
            "/broken": (200, "application/sparql-results+json", b'{"head":', {}),
        }.get(self.path, (200, "application/sparql-results+json", RESULT, {}))
        if self.path == "/slow":
            time.sleep(3)
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            for key, value in headers.items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (the timeout test): nothing to answer

    def log_message(self, *args):  # keep the test output clean
        pass


@pytest.fixture(scope="module")
def misbehaving_url():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Misbehaving)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("path,message", [
    ("/html", "answered text/html, not SPARQL JSON results (HTTP 200)"),
    ("/fail", "answered HTTP 500"),
    ("/busy", "answered HTTP 503"),
    ("/capped", "cut the result at its row cap of 2 rows"),
    ("/broken", "malformed SPARQL JSON results"),
])
def test_answers_that_are_not_results_are_endpoint_errors(misbehaving_url, path, message):
    with pytest.raises(EndpointError) as error:
        RemoteEndpoint(misbehaving_url + path, timeout=5).select("SELECT ?n WHERE { }")
    assert message in str(error.value) and misbehaving_url + path in str(error.value)


def test_a_row_count_under_the_cap_is_a_result(misbehaving_url):
    result = RemoteEndpoint(misbehaving_url + "/uncapped", timeout=5).select("SELECT ?n WHERE { }")
    assert result.rows == [{"n": "1"}, {"n": "2"}]


def test_the_timeout_is_a_total_time_limit(misbehaving_url):
    started = time.monotonic()
    with pytest.raises(EndpointError, match=r"did not answer within 0.5 s \(timeout\)"):
        RemoteEndpoint(misbehaving_url + "/slow", timeout=0.5).select("SELECT ?n WHERE { }")
    assert time.monotonic() - started < 2
