"""A full build works in batches of articles (kg.pipeline.BUILD_BATCH), so memory does not grow with the
corpus; batch boundaries must not change what is built, nor what is refused."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg import pipeline
from kg.config import Project
from kg.errors import AnnotationError, ValidationError
from kg.store import content_hash

ROOT = Path(__file__).resolve().parents[1]

CONFLICT = """\
article:
  key: zzz-rops-lublin-elsewhere
  source_id: zzz
  title: Artykuł, który umieszcza ROPS Lublin w innym województwie
  publisher: rops-lublin
  published: 2016-01-04
organisations:
  - key: rops-lublin
    name: Regionalny Ośrodek Polityki Społecznej w Lublinie
    type: rops
    voivodeship: mazowieckie
"""


@pytest.fixture
def project(tmp_path) -> Project:
    """A copy of the project whose articles a test may change."""
    root = tmp_path / "project"
    (root / "data").mkdir(parents=True)
    for name in ("ontology", "shapes", "queries"):
        (root / name).symlink_to(ROOT / name)
    (root / "data" / "reference").symlink_to(ROOT / "data" / "reference")
    shutil.copytree(ROOT / "data" / "articles", root / "data" / "articles")
    return Project(root)


def test_batches_build_the_same_store(project, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    whole = pipeline.build_store(project, tmp_path / "whole")
    batched = pipeline.build_store(project, tmp_path / "batched", batch=2)
    assert batched.articles == whole.articles and batched.triples_written == whole.triples_written
    assert len(batched.inference.triples) == len(whole.inference.triples)
    hashes = [content_hash(ox.Store.read_only(str(tmp_path / name))) for name in ("whole", "batched")]
    assert hashes[0] == hashes[1]
    assert {"annotations and RDF", "SHACL validation", "OWL RL inference", "writing the store", "total"} \
        <= set(batched.timings)


def test_a_conflict_between_batches_is_refused_and_the_old_store_stays(project, tmp_path):
    store = tmp_path / "store"
    pipeline.build_store(project, store, infer=False)
    before = content_hash(ox.Store.read_only(str(store)))
    (project.articles_dir / "zzz-rops-lublin-elsewhere.yaml").write_text(CONFLICT, encoding="utf-8")
    with pytest.raises(ValidationError) as error:  # the first ROPS Lublin is in batch 1, this one in batch 3
        pipeline.build_store(project, store, batch=2)
    assert "rops-lublin" in str(error.value)
    assert content_hash(ox.Store.read_only(str(store))) == before
    assert not list(tmp_path.glob(".store.new-*"))


def test_an_article_key_repeated_in_a_later_batch_is_refused(project, tmp_path):
    first = sorted(project.articles_dir.glob("*.yaml"))[0]
    shutil.copy(first, project.articles_dir / "zzz-copy.yaml")
    with pytest.raises(AnnotationError, match=r"is also used by .*" + first.name):
        pipeline.build_store(project, tmp_path / "store", batch=2)


def test_annotation_problems_of_every_batch_are_reported_together(project, tmp_path):
    files = sorted(project.articles_dir.glob("*.yaml"))
    for path in (files[0], files[-1]):  # batch 1 and batch 3
        path.write_text(path.read_text(encoding="utf-8").replace("publisher:", "publsher:", 1), encoding="utf-8")
    with pytest.raises(AnnotationError) as error:
        pipeline.build_store(project, tmp_path / "store", batch=2)
    assert {p.location.path.name for p in error.value.problems} == {files[0].name, files[-1].name}
    assert not (tmp_path / "store").exists() and os.listdir(tmp_path) == ["project"]


def test_a_batch_is_freed_as_soon_as_it_is_dropped():
    """The build frees each batch by dropping it (no gc.collect() per batch): built article graphs
    must hold no reference cycle, or a 10,000-article build would keep every batch until the
    collector ran."""
    import gc
    import weakref

    inputs = pipeline.Inputs.read(Project(ROOT))
    articles = pipeline.prepare_articles(Project(ROOT).article_files(), inputs)
    held = [weakref.ref(x) for a in articles for x in (a, a.annotation)]
    gc.disable()
    try:
        del articles
        assert [r() for r in held if r() is not None] == []
    finally:
        gc.enable()


def test_a_build_leaves_the_garbage_collector_as_it_found_it(project, tmp_path):
    """The build switches Python's collector off and freezes what each batch keeps (kg.pipeline):
    a program that builds from the library must get its collector back, after a refused build too."""
    import gc

    pipeline.build_store(project, tmp_path / "store", batch=2)
    assert gc.isenabled() and gc.get_freeze_count() == 0
    (project.articles_dir / "zzz-rops-lublin-elsewhere.yaml").write_text(CONFLICT, encoding="utf-8")
    with pytest.raises(ValidationError):
        pipeline.build_store(project, tmp_path / "refused", batch=2)
    assert gc.isenabled() and gc.get_freeze_count() == 0
    (project.articles_dir / "zzz-rops-lublin-elsewhere.yaml").unlink()
    gc.disable()
    try:  # a caller that had it off keeps it off
        pipeline.build_store(project, tmp_path / "quiet", batch=2, infer=False)
        assert not gc.isenabled() and gc.get_freeze_count() == 0
    finally:
        gc.enable()


def test_a_child_collects_its_garbage_while_the_build_has_the_collector_off():
    import gc

    from kg.limits import Budget, run_limited

    gc.disable()
    try:
        assert run_limited(Budget("test", seconds=30, memory_mb=0), gc.isenabled) is True
        assert gc.get_freeze_count() == 0  # what was frozen for the fork is handed back
    finally:
        gc.enable()


def test_a_load_reports_the_validation_verdict_before_an_inference_failure(project, tmp_path, monkeypatch):
    """`kg load` validates in a child while it works out the inference change: an article the shapes
    refuse is refused for that, whatever the inference says; a valid one gets the inference's error."""
    from kg.errors import OntologyError

    store = tmp_path / "store"
    pipeline.build_store(project, store)
    before = content_hash(ox.Store.read_only(str(store)))

    def inconsistent(*args, **kwargs):
        raise OntologyError("the data are inconsistent with the ontology")

    monkeypatch.setattr(pipeline, "_maintained_inference", inconsistent)
    invalid = tmp_path / "zzz-rops-lublin-elsewhere.yaml"
    invalid.write_text(CONFLICT, encoding="utf-8")
    with pytest.raises(ValidationError, match="rops-lublin"):
        pipeline.load_into_store([invalid], project, store)
    valid = tmp_path / "zzz-valid.yaml"
    valid.write_text(CONFLICT.replace("mazowieckie", "lubelskie").replace("zzz-rops-lublin-elsewhere", "zzz-valid"),
                     encoding="utf-8")
    with pytest.raises(OntologyError, match="inconsistent"):
        pipeline.load_into_store([valid], project, store)
    assert content_hash(ox.Store.read_only(str(store))) == before


def test_a_build_reports_the_validation_verdict_before_an_inference_failure(project, tmp_path, monkeypatch):
    """The build infers while its last batch is validated: refused articles are refused for that."""
    from kg.errors import OntologyError

    def inconsistent(*args, **kwargs):
        raise OntologyError("the data are inconsistent with the ontology")

    monkeypatch.setattr(pipeline, "infer_graph", inconsistent)
    with pytest.raises(OntologyError, match="inconsistent"):
        pipeline.build_store(project, tmp_path / "consistent-shapes", batch=2)
    (project.articles_dir / "zzz-rops-lublin-elsewhere.yaml").write_text(CONFLICT, encoding="utf-8")
    with pytest.raises(ValidationError, match="rops-lublin"):
        pipeline.build_store(project, tmp_path / "store", batch=2)
    assert not (tmp_path / "store").exists() and not (tmp_path / "consistent-shapes").exists()


# --- writing a batch on a thread of its own (kg.store.BackgroundWriter) ---------------------------

def _quads(n: int, graph: str = "https://example.org/g") -> list[ox.Quad]:
    name = ox.NamedNode(graph)
    return [ox.Quad(ox.NamedNode(f"https://example.org/s{i}"), ox.NamedNode("https://example.org/p"),
                    ox.Literal(f"wartość „{i}”\n", language="pl") if i % 2 else
                    ox.Literal(str(i), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")), name)
            for i in range(n)]


def _lines(quads) -> list[str]:
    return [f"{q} .\n" for q in quads]  # pyoxigraph prints N-Quads terms as kg.rdfterms does


def test_the_background_writer_writes_what_bulk_write_writes(monkeypatch):
    from kg import store as kgstore
    monkeypatch.setattr(kgstore, "BULK_CHUNK", 7)  # several chunks per batch
    monkeypatch.setattr(kgstore, "BULK_LINES", 7)
    quads = _quads(40)
    expected = ox.Store()
    kgstore.bulk_write(expected, kgstore.with_union(quads))
    written, done = ox.Store(), []
    with kgstore.BackgroundWriter(written) as writer:
        writer.write_lines(_lines(kgstore.with_union(quads[:25])), then=lambda: done.append(len(written)))
        writer.write_lines(_lines(kgstore.with_union(quads[25:])))  # waits for the first
    assert set(written) == set(expected) and len(written) == 80
    assert done == [50]  # then() ran on the writer's thread once its lines were written


def test_a_graph_written_as_text_in_chunks_is_the_graph_and_its_union(monkeypatch):
    """kg.store.bulk_write_graph (the build's inferred graph) loads text in chunks of BULK_LINES."""
    from kg import store as kgstore
    monkeypatch.setattr(kgstore, "BULK_LINES", 7)
    quads = _quads(40)
    graph = quads[0].graph_name
    expected = ox.Store()
    kgstore.bulk_write(expected, kgstore.with_union(quads))
    written = ox.Store()
    kgstore.bulk_write_graph(written, [ox.Triple(q.subject, q.predicate, q.object) for q in quads], graph)
    assert set(written) == set(expected) and len(written) == 80


def test_the_background_writer_keeps_blank_nodes_as_given():
    """bulk_load renames the blank nodes of a text; the writer writes such quads as they are."""
    from kg import store as kgstore
    quad = ox.Quad(ox.BlankNode("b1"), ox.NamedNode("https://example.org/p"), ox.Literal("x"),
                   ox.NamedNode("https://example.org/g"))
    store = ox.Store()
    with kgstore.BackgroundWriter(store) as writer:
        writer.write_lines(_lines([quad]))
    assert list(store) == [quad]


def test_a_failed_background_write_is_raised_by_wait_and_not_over_an_error_on_its_way(tmp_path):
    from kg import store as kgstore
    ox.Store(str(tmp_path / "s")).flush()
    read_only = ox.Store.read_only(str(tmp_path / "s"))
    writer = kgstore.BackgroundWriter(read_only)
    writer.write_lines(_lines(_quads(3)))
    with pytest.raises(RuntimeError, match="read-write"):  # pyoxigraph's error, from the writer's thread
        writer.wait()
    writer.wait()  # raised once
    with pytest.raises(KeyError, match="the error on its way"):
        with kgstore.BackgroundWriter(read_only) as writer:
            writer.write_lines(_lines(_quads(3)))
            raise KeyError("the error on its way")


def test_an_article_linked_into_the_project_is_labelled_where_the_project_has_it(project, tmp_path):
    """A corpus kept elsewhere and linked into data/articles/ (as benchmarks/scale.py does): the provenance
    names the file as the project has it, not the link's target."""
    elsewhere = tmp_path / "corpus" / "renamed.yaml"
    elsewhere.parent.mkdir()
    linked = project.articles_dir / "003-rops-olsztyn-szkolenie-braniewo-2013.yaml"
    shutil.move(linked, elsewhere)
    linked.symlink_to(elsewhere)
    pipeline.build_store(project, tmp_path / "store", infer=False)
    rows = ox.Store.read_only(str(tmp_path / "store")).query(
        "SELECT DISTINCT ?label WHERE { GRAPH ?g { ?file a <http://www.w3.org/ns/prov#Entity> ; "
        "<http://purl.org/dc/terms/identifier> ?label } FILTER (CONTAINS(STR(?label), 'olsztyn') "
        "|| CONTAINS(STR(?label), 'renamed')) }")
    assert [row[0].value for row in rows] == ["data/articles/003-rops-olsztyn-szkolenie-braniewo-2013.yaml"]
