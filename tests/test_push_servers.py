"""`kg push` against REAL servers: an Oxigraph server and Virtuoso, started on 127.0.0.1 (tests/servers.py).

The seed store is pushed, then every stored query runs on the server and must give the embedded
store's answer, typed value for typed value. A failed push (staging or swap) must leave the remote
graphs as they were; a silent row cap (Virtuoso's stock ResultSetMaxRows) must be reported; the
password never appears in any output. Servers that are not installed are skipped, unless
KG_REQUIRE_SERVERS is set (.ci/run sets it), which turns the skip into a failure.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import pyoxigraph as ox
import pytest

import servers
from kg import cli, push as push_module, store as kgstore
from kg.errors import EndpointError
from kg.push import STAGING_PREFIX, SparqlServer, probe_row_cap, push
from kg.queries import load_catalogue, run_stored
from kg.remote import RemoteEndpoint

pytestmark = pytest.mark.server

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = load_catalogue(ROOT / "queries")
KG_GRAPHS = "https://w3id.org/kg-pl-inclusion/id/graph/"


def _quads_in(store) -> int:
    """The quads of the named graphs, which is what a push sends (not the store's derived union)."""
    return sum(1 for _ in kgstore.named_quads(store))


def _unavailable(reason: str) -> None:
    if os.environ.get("KG_REQUIRE_SERVERS"):
        pytest.fail(f"{reason} (KG_REQUIRE_SERVERS is set)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory):
    if servers.oxigraph_binary() is None:
        _unavailable("the oxigraph server CLI is not installed (pip install oxigraph)")
    with servers.oxigraph_server(tmp_path_factory.mktemp("oxigraph")) as server:
        yield server


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory):
    if not servers.virtuoso_available():
        _unavailable("Virtuoso is not installed (apt-get install virtuoso-opensource)")
    with servers.virtuoso_server(tmp_path_factory.mktemp("virtuoso")) as server:
        yield server


@pytest.fixture(params=["oxigraph", "virtuoso"])
def server(request) -> servers.Server:
    return request.getfixturevalue(request.param)


def push_argv(store: Path, server: servers.Server, *, graph_store: bool = True) -> list[str]:
    argv = ["--store", str(store), "push", "--endpoint", server.query_url, "--update-endpoint", server.update_url]
    if graph_store:
        argv += ["--graph-store", server.graph_store_url]
    if server.user:
        argv += ["--user", server.user]
    return argv


def remote_quads(server: servers.Server) -> list[tuple[str, ...]]:
    """Every quad in kg's graphs on the server (blank nodes as one placeholder), sorted."""
    rows = reader(server).select(f"SELECT ?g (IF(isBlank(?s), \"_:b\", ?s) AS ?S) ?p (IF(isBlank(?o), \"_:b\", ?o) AS ?O) "
                                 f"WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?g), \"{KG_GRAPHS}\")) }}").rows
    return sorted(tuple(str(v) for v in row.values()) for row in rows)


def staging_graphs(server: servers.Server) -> int:
    return reader(server).select(f"SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} "
                                 f"FILTER(STRSTARTS(STR(?g), \"{STAGING_PREFIX}\")) }}").rows[0]["n"]


def reader(server: servers.Server) -> RemoteEndpoint:
    return RemoteEndpoint(server.read_url, timeout=60, union_default_graph=server.union_default_graph)


def typed_rows(result) -> list[tuple]:
    return sorted(tuple((c, type(row[c]).__name__, row[c]) for c in result.columns) for row in result.rows)


def sparql_server(server: servers.Server, **kwargs) -> SparqlServer:
    return SparqlServer(server.query_url, update=server.update_url, graph_store=server.graph_store_url,
                        user=server.user, password=server.password, **kwargs)


# -- push, then the same answers ------------------------------------------------------------------------

def test_push_then_every_stored_query_gives_the_embedded_answer(server, built_store, seed_store, capsys, monkeypatch):
    if server.password:
        monkeypatch.setenv("KG_ENDPOINT_PASSWORD", server.password)
    assert cli.main(push_argv(built_store, server)) == 0
    out, err = capsys.readouterr()
    graphs = len(list(seed_store.named_graphs()))
    assert f"pushed {graphs} graphs ({_quads_in(seed_store)} triples)" in out
    if server.password:
        assert server.password not in out + err
    if server.name == "virtuoso":  # the stock ini caps results at 10,000 rows, said only in a header
        assert "at most 10000 rows per query" in err and "ResultSetMaxRows" in err
    else:
        assert "rows per query" not in err
    assert staging_graphs(server) == 0
    assert len(remote_quads(server)) == _quads_in(seed_store)
    remote = reader(server)
    for name, query in sorted(CATALOGUE.items()):
        embedded = run_stored(seed_store, query, query.example_values())
        answer = remote.run_stored(query, query.example_values())
        assert answer.columns == embedded.columns, name
        assert typed_rows(answer) == typed_rows(embedded), name


def test_a_second_push_by_sparql_update_replaces_graphs_and_drops_stale_triples(oxigraph, built_store, seed_store,
                                                                                 capsys):
    assert cli.main(push_argv(built_store, oxigraph)) == 0
    article_graph = next(g.value for g in seed_store.named_graphs() if "/graph/article/" in g.value)
    target = sparql_server(oxigraph)
    target.update(f"INSERT DATA {{ GRAPH <{article_graph}> {{ <urn:x:stale> <urn:x:p> \"stale\" }} }}")
    assert len(remote_quads(oxigraph)) == _quads_in(seed_store) + 1
    assert cli.main(push_argv(built_store, oxigraph, graph_store=False)) == 0
    assert "by SPARQL Update" in capsys.readouterr().out
    assert len(remote_quads(oxigraph)) == _quads_in(seed_store)
    assert staging_graphs(oxigraph) == 0


# -- failures leave the remote graphs as they were -------------------------------------------------------

def _fail_on_call(method, fail_at: int, match: str | None = None):
    calls = {"n": 0}

    def wrapper(self, *args, **kwargs):
        if match is None or match in str(args[0]):
            calls["n"] += 1
            if calls["n"] == fail_at:
                raise EndpointError("simulated network failure")
        return method(self, *args, **kwargs)
    return wrapper


@pytest.mark.parametrize("stage", ["staging", "swap"])
def test_a_failed_push_leaves_the_remote_graphs_as_they_were(server, built_store, seed_store, monkeypatch, stage):
    push(seed_store, sparql_server(server), probe_rows=0)
    article_graph = next(g.value for g in seed_store.named_graphs() if "/graph/article/" in g.value)
    sparql_server(server).update(f"INSERT DATA {{ GRAPH <{article_graph}> {{ <urn:x:before> <urn:x:p> \"before\" }} }}")
    before = remote_quads(server)
    if stage == "staging":  # the connection breaks after a few graphs were staged
        monkeypatch.setattr(SparqlServer, "put_graph", _fail_on_call(SparqlServer.put_graph, 4))
    else:  # the MOVE request fails
        monkeypatch.setattr(SparqlServer, "update", _fail_on_call(SparqlServer.update, 1, match="MOVE"))
    with pytest.raises(EndpointError, match="simulated network failure") as error:
        push(seed_store, sparql_server(server), probe_rows=0)
    if stage == "swap":
        assert f"0 of {len(list(seed_store.named_graphs()))} graphs were replaced" in str(error.value)
    monkeypatch.undo()
    assert remote_quads(server) == before
    assert staging_graphs(server) == 0


def test_wrong_password_is_refused_and_never_printed(virtuoso, built_store, capsys):
    wrong = "kgWrongPassw0rd"
    assert cli.main([*push_argv(built_store, virtuoso), "--password", wrong]) == 6
    out, err = capsys.readouterr()
    assert "401" in err and "check --user and --password" in err
    assert wrong not in out + err and virtuoso.password not in out + err
    with pytest.raises(EndpointError) as error:
        SparqlServer(virtuoso.query_url.replace("http://", f"http://dba:{wrong}@"), graph_store=virtuoso.graph_store_url)\
            .put_graph("urn:x:g", b"", replace=True)
    assert wrong not in str(error.value) and "401" in str(error.value)
    assert wrong not in repr(SparqlServer(virtuoso.query_url, user="dba", password=wrong))


def test_row_cap_probe_finds_the_cap_only_where_there_is_one(server):
    cap = probe_row_cap(sparql_server(server), 20_000)
    assert cap == (10_000 if server.name == "virtuoso" else None)


def test_servers_listen_only_on_localhost(server):
    for url in (server.query_url, server.update_url, server.graph_store_url, server.read_url):
        assert re.match(r"http://127\.0\.0\.1:\d+/", url)


def test_a_large_graph_goes_up_to_virtuoso(virtuoso, tmp_path):
    """Regression: urllib sent every upload without credentials first, and Virtuoso answers the 401
    before reading a large body, which broke the connection (broken pipe) instead of asking again."""
    big = f"{KG_GRAPHS}article/zzz-large"
    store = ox.Store(str(tmp_path / "large"))
    text = "Zażółć gęślą jaźń – długi opis wydarzenia, " * 3
    store.bulk_extend(ox.Quad(ox.NamedNode(f"urn:x:s{i}"), ox.NamedNode("urn:x:p"), ox.Literal(f"{text}{i}"),
                              ox.NamedNode(big)) for i in range(40_000))
    target = sparql_server(virtuoso)
    try:
        report = push(store, target, probe_rows=0)
        assert report.triples == 40_000
        assert target.count(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{big}> {{ ?s ?p ?o }} }}") == 40_000
    finally:
        target.update(f"DROP SILENT GRAPH <{big}>")


def test_a_swap_rolled_back_by_the_server_is_retried_and_a_real_failure_is_not(oxigraph, seed_store, monkeypatch):
    """Virtuoso may roll a large MOVE back ("SR171: Transaction timed out") when a checkpoint or a busy machine
    holds it up; kg push tries again (the staging graphs are checked to be intact first)."""
    monkeypatch.setattr(push_module, "RETRY_PAUSE", 0.01)
    original, moves = SparqlServer.update, []

    def flaky(self, sparql):
        if sparql.startswith("MOVE"):
            moves.append(sparql)
            if len(moves) == 1:
                raise EndpointError("… answered HTTP 500: Virtuoso S1T00 Error SR171: Transaction timed out")
        return original(self, sparql)
    monkeypatch.setattr(SparqlServer, "update", flaky)
    report = push(seed_store, sparql_server(oxigraph), probe_rows=0)
    assert len(moves) >= 2 and moves[0] == moves[1]
    assert len(report.replaced) == len(list(seed_store.named_graphs()))
    assert len(remote_quads(oxigraph)) == _quads_in(seed_store) and staging_graphs(oxigraph) == 0

    moves.clear()
    monkeypatch.setattr(SparqlServer, "update", lambda self, sparql: (_ for _ in ()).throw(
        EndpointError("HTTP 400: syntax error")) if sparql.startswith("MOVE") else original(self, sparql))
    with pytest.raises(EndpointError, match="syntax error"):
        push(seed_store, sparql_server(oxigraph), probe_rows=0)
    assert staging_graphs(oxigraph) == 0
