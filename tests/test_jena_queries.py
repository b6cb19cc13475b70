"""Apache Jena ARQ as a second opinion on the stored queries: every query, with its example parameters, must
give on the seed store's quads exactly the rows the embedded store gives (values, types and order).

ARQ reads the store as pyoxigraph dumps it, the default graph included: kg keeps the union of the named
graphs there (docs/store.md), so ARQ's default graph is what kg's queries read. Parameters are bound as
the same ``VALUES`` blocks a remote endpoint gets (kg.queries.with_values), and ARQ's JSON answer is read
as a remote endpoint's (kg.queries.solutions_to_result).
"""
from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

import jena
from kg.queries import bind_parameters, load_catalogue, run_stored, solutions_to_result, with_values

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = load_catalogue(ROOT / "queries")

pytestmark = [pytest.mark.jena,
              pytest.mark.skipif(not jena.available(), reason="Debian libapache-jena-java not installed")]


@pytest.fixture(scope="module")
def seed_quads(built_store, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("jena-queries") / "seed.nq"
    ox.Store.read_only(str(built_store)).dump(path, format=ox.RdfFormat.N_QUADS)
    return path


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_jena_gives_the_embedded_stores_answer(seed_store, seed_quads, tmp_path, name):
    query = CATALOGUE[name]
    values = query.example_values()
    ours = run_stored(seed_store, query, values)
    text = tmp_path / f"{name}.rq"
    text.write_text(with_values(query.text, bind_parameters(query, values)), encoding="utf-8")
    answer = jena.run("arq.sparql", f"--data={seed_quads}", f"--query={text}", "--results=JSON",
                      workdir=seed_quads.parent)  # one class path for the module (jena.classpath)
    assert answer.returncode == 0, answer.stderr[-2000:]
    theirs = solutions_to_result(ox.parse_query_results(answer.stdout.encode("utf-8"),
                                                        format=ox.QueryResultsFormat.JSON))
    assert ours.rows, f"{name}: no rows on the seed store, so nothing is compared"
    assert theirs.columns == ours.columns
    assert theirs.rows == ours.rows
