"""Exports re-parse to the same graph everywhere; builds are deterministic; loads are isolated."""
from __future__ import annotations

import collections
import io
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic
from click.testing import CliRunner

import jena
from conftest import FIXED_EPOCH
from kg import export as kgexport, pipeline, store as kgstore
from kg.cli import cli

FORMATS = ["turtle", "ntriples", "trig", "nquads", "jsonld"]
RDFLIB_FORMAT = {"turtle": "turtle", "ntriples": "nt", "trig": "trig", "nquads": "nquads", "jsonld": "json-ld"}
OX_FORMAT = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES, "trig": ox.RdfFormat.TRIG,
             "nquads": ox.RdfFormat.N_QUADS, "jsonld": ox.RdfFormat.JSON_LD}


def _store_dataset(store: ox.Store, keep_graphs: bool) -> set[tuple]:
    """The asserted statements (the default export leaves out the inferred graph)."""
    inferred = kgexport.inferred_graph_iri()
    return {(str(q.subject), str(q.predicate), str(q.object)) + ((str(q.graph_name),) if keep_graphs else ())
            for q in kgstore.named_quads(store) if q.graph_name.value != inferred}


@pytest.mark.parametrize("fmt", FORMATS)
def test_export_reparses_to_the_same_graph_in_rdflib_and_pyoxigraph(seed_store, fmt):
    data = kgexport.export(seed_store, fmt)
    keeps_graphs = kgexport.FORMATS[fmt][1]
    expected = _store_dataset(seed_store, keeps_graphs)

    parsed = list(ox.parse(data, format=OX_FORMAT[fmt]))
    got = {(str(q.subject), str(q.predicate), str(q.object)) + ((str(q.graph_name),) if keeps_graphs else ())
           for q in parsed}
    assert got == expected

    if keeps_graphs:
        dataset = rdflib.Dataset()
        dataset.parse(data=data, format=RDFLIB_FORMAT[fmt])
        graphs = {str(g.identifier) for g in dataset.graphs() if len(g)}
        assert graphs == {g[3][1:-1] for g in expected}
        assert sum(len(g) for g in dataset.graphs()) == len(expected)
    else:
        graph = rdflib.Graph().parse(data=data, format=RDFLIB_FORMAT[fmt])
        reference = rdflib.Graph().parse(data=kgexport.export(seed_store, "ntriples"), format="nt")
        assert isomorphic(graph, reference)
        assert len(graph) == len(expected)


@pytest.mark.jena
@pytest.mark.skipif(not jena.available(), reason="Debian libapache-jena-java not installed")
@pytest.mark.parametrize("fmt", ["turtle", "trig", "nquads", "jsonld"])
def test_exports_parse_in_jena_to_the_same_number_of_statements(seed_store, tmp_path, fmt):
    path = tmp_path / f"kg.{kgexport.EXTENSIONS[fmt]}"
    path.write_bytes(kgexport.export(seed_store, fmt))
    # Jena 4.5's JSON-LD 1.1 reader needs a JSON-P implementation Debian does not ship; 1.0 reads our output.
    syntax = ["--syntax=jsonld10"] if fmt == "jsonld" else []
    result = jena.run("riotcmd.riot", *syntax, "--output=nquads", str(path), workdir=tmp_path)
    assert result.returncode == 0, result.stderr
    jena_lines = {line for line in result.stdout.splitlines() if line.strip()}
    ours = {line for line in kgexport.export(seed_store, "nquads" if kgexport.FORMATS[fmt][1] else "ntriples")
            .decode().splitlines() if line.strip()}
    assert len(jena_lines) == len(ours)


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_export_sorted_on_disk_is_byte_identical_to_one_sorted_in_memory(seed_store, fmt, monkeypatch):
    """Large exports spill sorted runs to temporary files (kg.export.SORT_RUN) and merge them: the
    bytes must not depend on where the sort happened, and statements in several graphs must appear
    once in a triple format."""
    in_memory = kgexport.export(seed_store, fmt, with_inferred=True)
    monkeypatch.setattr(kgexport, "SORT_RUN", 97)  # the seed store then spills dozens of runs
    on_disk = kgexport.export(seed_store, fmt, with_inferred=True)
    assert on_disk == in_memory
    if fmt == "ntriples":
        lines = on_disk.decode().splitlines()
        assert lines == sorted(set(lines), key=lambda line: line[:-2])  # sorted, no duplicates
        copies = collections.Counter(str(q.triple) for q in kgstore.named_quads(seed_store))
        assert max(copies.values()) > 1  # a name or label is in every article graph that mentions it
        assert len(lines) == len({str(q.triple) for q in kgstore.named_quads(seed_store)})


def test_building_twice_gives_byte_identical_turtle(project, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", FIXED_EPOCH)
    exports = []
    for name in ("a", "b"):
        pipeline.build_store(project, tmp_path / name)
        exports.append(kgexport.export(kgstore.open_read_only(tmp_path / name), "turtle"))
    assert exports[0] == exports[1]
    assert b"Grewi\xc5\x84ski" in exports[0]


def test_without_a_fixed_epoch_only_load_times_differ(project, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", FIXED_EPOCH)
    pipeline.build_store(project, tmp_path / "fixed")
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    pipeline.build_store(project, tmp_path / "now")
    fixed, now = (set(kgexport.export(kgstore.open_read_only(tmp_path / n), "ntriples").decode().splitlines())
                  for n in ("fixed", "now"))
    differing = fixed ^ now
    assert differing and all(("generatedAtTime" in line or "startedAtTime" in line) for line in differing)


def _graphs(store_path: Path) -> dict[str, set[str]]:
    store = kgstore.open_read_only(store_path)
    graphs: dict[str, set[str]] = {}
    for quad in kgstore.named_quads(store):
        graphs.setdefault(str(quad.graph_name), set()).add(f"{quad.subject} {quad.predicate} {quad.object}")
    return graphs


def test_loading_one_article_replaces_its_graph_and_leaves_the_others_untouched(project, built_store, tmp_path):
    store_path = tmp_path / "store"
    shutil.copytree(built_store, store_path)
    before = _graphs(store_path)
    article = project.article_files()[1]
    pipeline.load_into_store([article], project, store_path)  # load time: now, not the build's epoch
    after = _graphs(store_path)
    changed = {g for g in before.keys() | after.keys() if before.get(g) != after.get(g)}
    assert len(changed) == 1
    (graph,) = changed
    assert graph.endswith(article.stem + ">")
    # only the load time differs: the statements about the world are the same
    diff = before[graph] ^ after[graph]
    assert diff and all("generatedAtTime" in line or "startedAtTime" in line for line in diff)


def test_cli_build_prints_summary_and_the_headline_answer(project, tmp_path):
    result = CliRunner().invoke(cli, ["--store", str(tmp_path / "s"), "build"])
    assert result.exit_code == 0, result.output
    assert "5 articles" in result.output
    assert "20 people" in result.output
    assert "Mirosław Grewiński" in result.output
    for shown in ("województwo lubelskie", "2015-03-31", "województwo zachodniopomorskie", "2017-04-26"):
        assert shown in result.output
    stats = CliRunner().invoke(cli, ["--store", str(tmp_path / "s"), "stats"])
    assert stats.exit_code == 0 and "kgo:Person" in stats.output


def test_a_build_whose_headline_query_runs_out_of_time_still_succeeds(project, tmp_path, monkeypatch):
    """At 100,000 articles the headline query takes longer than the default query budget: the build has
    succeeded all the same, so it must not exit with the budget's error (7) nor say nothing changed."""
    monkeypatch.setenv("KG_QUERY_TIMEOUT", "0.001")
    result = CliRunner().invoke(cli, ["--store", str(tmp_path / "s"), "build"])
    assert result.exit_code == 0, result.output
    assert "5 articles" in result.output and "the store is built" in result.output
    assert "KG_QUERY_TIMEOUT" in result.output and "nothing was changed" not in result.output
    assert "Mirosław Grewiński" not in result.output  # the table was not shown
    monkeypatch.setenv("KG_QUERY_TIMEOUT", "0")
    answer = CliRunner().invoke(cli, ["--store", str(tmp_path / "s"), "query", "speakers-across-regions"])
    assert answer.exit_code == 0 and "Mirosław Grewiński" in answer.output


def test_commands_on_a_missing_store_say_how_to_create_it(tmp_path):
    from kg.cli import main
    import contextlib
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = main(["--store", str(tmp_path / "nowhere"), "stats"])
    assert code == 4
    assert "kg build" in err.getvalue()
