"""`kg load` maintains the inferred graph incrementally (kg.incremental); after any sequence of loads
and replacements it must hold exactly what recomputing the closure of the whole store gives."""
from __future__ import annotations

import random
import re
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg import incremental, pipeline
from kg.export import inferred_graph_iri
from kg.iri import base_iri

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import synth  # noqa: E402
from conftest import project_with  # noqa: E402


def stored_inferred(store_path: Path) -> set[ox.Triple]:
    store = ox.Store.read_only(str(store_path))
    return {q.triple for q in store.quads_for_pattern(None, None, None, ox.NamedNode(inferred_graph_iri(base_iri())))}


def recomputed(store_path: Path) -> set[ox.Triple]:
    """The inferred triples of the store's asserted graphs, computed from scratch."""
    store = ox.Store.read_only(str(store_path))
    _, quads = pipeline.infer_graph(lambda: pipeline._asserted_quads(store, base_iri()), base_iri())
    return {q.triple for q in quads}


def assert_maintained(store_path: Path) -> None:
    stored, expected = stored_inferred(store_path), recomputed(store_path)
    assert stored == expected, (f"missing {sorted(map(str, expected - stored))[:5]}, "
                                f"extra {sorted(map(str, stored - expected))[:5]}")


def test_loading_a_seed_article_gives_the_full_closure(tmp_path, monkeypatch):
    seeds = sorted((ROOT / "data" / "articles").glob("*.yaml"))
    szczecin = next(p for p in seeds if "szczecin" in p.name)  # Grewiński's second region
    project = project_with(tmp_path, [p for p in seeds if p != szczecin])
    store = tmp_path / "store"
    pipeline.build_store(project, store)
    before = stored_inferred(store)
    calls = []
    monkeypatch.setattr(pipeline, "infer_graph", lambda *a, **k: calls.append(a) or pytest.fail("full closure"))
    report = pipeline.load_into_store([szczecin], project, store)
    monkeypatch.undo()
    assert not calls
    assert_maintained(store)
    after = stored_inferred(store)
    assert after > before and len(report.inference.triples) == len(after - before)
    grewinski = ox.NamedNode(base_iri() + "person/miroslaw-grewinski")
    assert any(t.subject == grewinski for t in after - before)  # his new participation's inverse, at least


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> list[Path]:
    return synth.generate(14, tmp_path_factory.mktemp("synth"), seed=11)


def with_key(source: Path, target: Path, out: Path) -> Path:
    """*source*'s content under *target*'s article key: loading it replaces *target*'s graph."""
    key = re.search(r'^  key: "?([^"\n]+)"?$', target.read_text(encoding="utf-8"), re.M).group(1)
    text = re.sub(r'^  key: .*$', f'  key: "{key}"', source.read_text(encoding="utf-8"), count=1, flags=re.M)
    out.mkdir(parents=True, exist_ok=True)
    path = out / target.name
    path.write_text(text, encoding="utf-8")
    return path


def test_any_sequence_of_loads_and_replacements_keeps_the_closure_exact(corpus, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    project = project_with(tmp_path, corpus[:8])
    store = tmp_path / "store"
    pipeline.build_store(project, store)
    assert_maintained(store)
    for path in corpus[8:12]:  # new articles, one at a time, then two together
        pipeline.load_into_store([path], project, store)
        assert_maintained(store)
    pipeline.load_into_store(corpus[12:14], project, store)
    assert_maintained(store)
    # replacements remove triples: what followed only from them must go, what still follows must stay
    steps = [(corpus[3], corpus[9]),   # article 9 now says what article 3 says
             (corpus[5], corpus[3]),   # article 3 what 5 says (3's old content is still asserted by 9)
             (corpus[9], corpus[9]),   # 9 back to its own content
             (corpus[0], corpus[13])]
    rng = random.Random(5)  # and some more, chosen at random (fixed seed)
    steps += [(rng.choice(corpus), rng.choice(corpus)) for _ in range(6)]
    for number, (content, target) in enumerate(steps):
        replacement = with_key(content, target, tmp_path / f"step{number}")
        report = pipeline.load_into_store([replacement], project, store)
        assert report.inference is not None
        assert_maintained(store)


def test_a_change_too_large_falls_back_to_the_full_closure(corpus, tmp_path, monkeypatch):
    project = project_with(tmp_path, corpus[:4])
    store = tmp_path / "store"
    pipeline.build_store(project, store)
    monkeypatch.setattr(incremental, "MAX_WORKING_TRIPLES", 10)
    full = []
    original = pipeline.infer_graph
    monkeypatch.setattr(pipeline, "infer_graph", lambda *a, **k: full.append(1) or original(*a, **k))
    pipeline.load_into_store([corpus[4]], project, store)
    assert full
    assert_maintained(store)


@pytest.mark.parametrize("stored_union", [True, False], ids=["union in the default graph", "format-1 store"])
def test_the_working_store_reads_what_the_graphs_not_skipped_hold(stored_union):
    """The working store reads the store as it is after the load: a triple held only by a graph being
    replaced is not there any more; one that another graph holds too still is."""
    from kg.store import with_union

    ex = "http://example.org/"
    node, knows, name = ox.NamedNode(ex + "anna"), ox.NamedNode(ex + "knows"), ox.NamedNode(ex + "name")
    old, other = ox.NamedNode(ex + "graph/old"), ox.NamedNode(ex + "graph/other")
    only_old = ox.Triple(node, knows, ox.NamedNode(ex + "jan"))
    both = ox.Triple(node, name, ox.Literal("Anna"))
    quads = [ox.Quad(*only_old, old), ox.Quad(*both, old), ox.Quad(*both, other)]
    store = ox.Store()
    store.bulk_extend(with_union(quads) if stored_union else quads)
    working = incremental._Working(store, [], skip_graphs={old.value}, new_triples=set(), hidden=set(),
                                   rules=incremental.Rules(frozenset(), frozenset()), check_time=lambda: None)
    assert working.union is stored_union
    assert working._from_store(node) == {both}
    assert working._from_store(None, [knows.value], ox.NamedNode(ex + "jan")) == set()
    everything = incremental._Working(store, [], skip_graphs=set(), new_triples=set(), hidden=set(),
                                      rules=incremental.Rules(frozenset(), frozenset()), check_time=lambda: None)
    assert everything._from_store(node) == {only_old, both}
