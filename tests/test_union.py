"""The store's default graph holds exactly the union of its named graphs (kg.store), after every write."""
from __future__ import annotations

import itertools
import shutil

import pyoxigraph as ox
import pytest

from conftest import select
from kg import pipeline, store as kgstore
from kg.export import inferred_graph_iri
from kg.queries import load_catalogue, run_stored
from test_inference import MOPR_SZCZECIN, _variant


def union_of_named_graphs(store: ox.Store) -> set[ox.Triple]:
    return {q.triple for q in kgstore.named_quads(store)}


def stored_union(store: ox.Store) -> set[ox.Triple]:
    return {q.triple for q in store.quads_for_pattern(None, None, None, kgstore.UNION)}


def test_a_build_writes_the_union_of_its_named_graphs(seed_store, built_store):
    union = stored_union(seed_store)
    assert union == union_of_named_graphs(seed_store)
    assert len(union) < sum(1 for _ in kgstore.named_quads(seed_store))  # shared triples stored once
    assert kgstore.store_format(built_store) == kgstore.STORE_FORMAT == 2


def test_loading_a_changed_article_keeps_the_union_exact(project, built_store, tmp_path):
    store_path = tmp_path / "store"
    shutil.copytree(built_store, store_path)
    changed = _variant(project, tmp_path, "001", "type: mopr", "type: stowarzyszenie")
    old_store = ox.Store.read_only(str(store_path))
    before = stored_union(old_store)
    replaced = next(g for g in old_store.named_graphs() if g.value.rsplit("/", 1)[1].startswith("001"))
    # triples of the replaced article that another graph also holds (names, places, …)
    shared = {q.triple for q in old_store.quads_for_pattern(None, None, None, replaced)
              if any(o.graph_name not in (replaced, kgstore.UNION)
                     for o in old_store.quads_for_pattern(q.subject, q.predicate, q.object, None))}
    del old_store
    pipeline.load_into_store([changed], project, store_path)
    store = ox.Store.read_only(str(store_path))
    after = stored_union(store)
    assert after == union_of_named_graphs(store)
    mopr = ox.NamedNode(MOPR_SZCZECIN)
    institution_type = ox.NamedNode("https://w3id.org/kg-pl-inclusion/ontology#institutionType")
    assert ox.Triple(mopr, institution_type, institution_type_iri("mopr")) in before - after  # that article's only
    assert ox.Triple(mopr, institution_type, institution_type_iri("stowarzyszenie")) in after - before
    assert shared and shared <= after  # what the replaced article shared with other graphs stays


def institution_type_iri(key: str) -> ox.NamedNode:
    return ox.NamedNode(f"https://w3id.org/kg-pl-inclusion/concept/institution-type/{key}")


def test_loading_without_inference_takes_the_inferred_triples_out_of_the_union(project, built_store, tmp_path):
    store_path = tmp_path / "store"
    shutil.copytree(built_store, store_path)
    pipeline.load_into_store([project.article_files()[0]], project, store_path, infer=False)
    store = ox.Store.read_only(str(store_path))
    assert stored_union(store) == union_of_named_graphs(store)
    assert not select(store, "SELECT ?x WHERE { ?x a kgo:SocialAssistanceInstitution }")  # inferred only


@pytest.mark.parametrize("large_change", [10, 10**9], ids=["rewritten", "in-one-transaction"])
def test_kg_infer_keeps_the_union_exact(project, tmp_path, monkeypatch, large_change):
    store_path = tmp_path / "store"
    pipeline.build_store(project, store_path, infer=False)
    monkeypatch.setattr(pipeline, "LARGE_CHANGE", large_change)
    pipeline.infer_store(store_path)
    store = ox.Store.read_only(str(store_path))
    assert store.contains_named_graph(ox.NamedNode(inferred_graph_iri()))
    assert stored_union(store) == union_of_named_graphs(store)


def format_1_copy(built_store, tmp_path):
    """A copy of the seed store as kg wrote it before the union was kept: no union, no format in the marker."""
    store_path = tmp_path / "store"
    shutil.copytree(built_store, store_path)
    old = ox.Store(str(store_path))
    old.clear_graph(kgstore.UNION)
    old.flush()
    del old
    (store_path / kgstore.MARKER).write_text("kg embedded store (pyoxigraph/RocksDB). Do not edit.\n")
    assert kgstore.store_format(store_path) == 1
    return store_path


def test_a_store_written_before_the_union_is_read_alike_and_upgraded_by_its_next_writer(
        project, built_store, seed_store, tmp_path):
    store_path = format_1_copy(built_store, tmp_path)

    catalogue = load_catalogue(project.root / "queries")
    query = catalogue["speakers-across-regions"]
    legacy = kgstore.open_read_only(store_path)
    assert not kgstore.has_union(legacy)
    assert run_stored(legacy, query).rows == run_stored(seed_store, query).rows != []
    del legacy

    with kgstore.writable(store_path) as store:
        assert stored_union(store) == union_of_named_graphs(store)
    assert kgstore.store_format(store_path) == 2


def test_an_upgrade_stopped_half_way_leaves_readers_no_partial_union(project, built_store, seed_store, tmp_path,
                                                                      monkeypatch):
    """The upgrade fails after writing part of the union (a full disk; a kill leaves the same): readers must
    still get the whole answer, and the next writer upgrades the store."""
    store_path = format_1_copy(built_store, tmp_path)
    real_bulk_write = kgstore.bulk_write

    def part_then_disk_full(store, quads):
        real_bulk_write(store, itertools.islice(quads, 2000))
        store.flush()
        raise OSError("No space left on device")

    monkeypatch.setattr(kgstore, "bulk_write", part_then_disk_full)
    with pytest.raises(OSError, match="No space left"):
        with kgstore.writable(store_path):
            pass
    monkeypatch.undo()
    query = load_catalogue(project.root / "queries")["speakers-across-regions"]
    reader = kgstore.open_read_only(store_path)
    assert not kgstore.has_union(reader) and kgstore.store_format(store_path) == 1
    assert run_stored(reader, query).rows == run_stored(seed_store, query).rows != []
    del reader
    with kgstore.writable(store_path) as store:
        assert stored_union(store) == union_of_named_graphs(store)
    assert kgstore.store_format(store_path) == 2


def test_removing_an_article_graph_keeps_what_other_graphs_still_hold(built_store, tmp_path):
    store_path = tmp_path / "store"
    shutil.copytree(built_store, store_path)
    with kgstore.writable(store_path) as store:
        article = next(g for g in store.named_graphs() if "/graph/article/001" in g.value)
        content = {q.triple for q in store.quads_for_pattern(None, None, None, article)}
        kgstore.replace_graphs(store, {}, remove=[article.value])
        union = stored_union(store)
        assert union == union_of_named_graphs(store)
        held_elsewhere = content & union
        assert held_elsewhere and content - union  # some triples stay (other graphs hold them), some leave
