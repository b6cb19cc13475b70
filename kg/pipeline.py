"""The pipeline: annotations → build → provenance → validate → store.

These functions are what ``kg build`` and ``kg load`` call. Each returns a report (data); none
prints or exits.
"""
from __future__ import annotations

import datetime as dt
import gc
import itertools
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Callable, Iterable, Iterator

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.compare import to_canonical_graph

from .annotations import load_annotations
from .build import ArticleGraph, build_article
from .config import Project
from .errors import AnnotationError, KgError, Location, OntologyError, Problem, ValidationError
from .export import inferred_graph_iri
from .iri import base_iri, mint
from .limits import Budget, deadline_check, run_limited
from .progress import ProgressCallback, counted, step
from .provenance import add_provenance, load_time
from .reference import Reference, load_reference
from .validate import (PendingValidation, ValidationReport, BuildContext, load_pyshacl, start_validation,
                       validate_articles)
from . import cache as kgcache
from . import incremental as kgincremental
from . import infer as kginfer
from . import rdfterms, store as kgstore


def ontology_graph_iri(base: str | None = None) -> str:
    return str(mint("graph", "ontology", base=base))


def reference_graph_iri(base: str | None = None) -> str:
    return str(mint("graph", "reference", base=base))


def article_graph_prefix(base: str | None = None) -> str:
    return str(mint("graph", "article", "x", base=base))[:-1]


def load_ontology(project: Project) -> Graph:
    """Parse every Turtle file in ``ontology/``."""
    graph = Graph()
    files = sorted(project.ontology_dir.glob("*.ttl"))
    if not files:
        raise OntologyError(f"no ontology found: {project.ontology_dir} has no .ttl files")
    for path in files:
        try:
            graph.parse(path, format="turtle")
        except Exception as exc:  # rdflib raises many kinds; all mean "this file is broken"
            raise OntologyError(f"{path}: cannot parse the ontology: {exc}") from None
    # OWL restrictions are blank nodes; canonical labels keep rebuilds byte-identical.
    return to_canonical_graph(graph)


@dataclass
class Inputs:
    """Everything that is not an article: ontology and reference data, parsed once."""

    project: Project
    base: str
    ontology: Graph
    reference: Reference

    @classmethod
    def read(cls, project: Project, base: str | None = None) -> "Inputs":
        """Parse the ontology and reference data, or take them from kg's cache (:mod:`kg.cache`)."""
        base = base or base_iri()
        key = kgcache.fingerprint(base, project.ontology_dir, project.reference_dir)
        cached = kgcache.load(key)
        if cached is None:
            cached = load_ontology(project), load_reference(project.reference_dir, base=base)
            kgcache.save(key, *cached)
        return cls(project, base, *cached)

    def static_graphs(self) -> dict[str, Graph]:
        return {ontology_graph_iri(self.base): self.ontology, reference_graph_iri(self.base): self.reference.graph}

    @cached_property
    def static_quads(self) -> list[ox.Quad]:
        """The ontology and reference graphs as Oxigraph quads (validation and inference both need them)."""
        return [q for name, graph in self.static_graphs().items() for q in rdfterms.graph_quads(graph, name)]

    @cached_property
    def static_subjects(self) -> frozenset[str]:
        """The IRIs the ontology and reference data describe."""
        return frozenset(str(s) for graph in self.static_graphs().values() for s in graph.subjects()
                         if isinstance(s, URIRef))


@dataclass
class LoadReport:
    """What a build or load did."""

    store: Path
    articles: list[str] = field(default_factory=list)
    triples_written: int = 0
    warnings: list = field(default_factory=list)
    inference: kginfer.Inference | None = None  # None when inference was not run
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage (full builds)


def prepare_articles(paths: Iterable[Path], inputs: Inputs, *, encoding: str = "utf-8",
                     loaded_at: dt.datetime | None = None, progress: ProgressCallback | None = None) -> list[ArticleGraph]:
    """Check, build and describe the given annotation files; raise if any of them is invalid."""
    loaded_at = loaded_at or load_time()
    paths = list(paths)
    annotations = load_annotations(counted(paths, progress, "checking annotations"), inputs.reference,
                                   encoding=encoding)
    graphs = []
    for annotation in counted(annotations, progress, "building graphs"):
        article = build_article(annotation, inputs.reference, base=inputs.base)
        add_provenance(article, loaded_at=loaded_at, source_label=inputs.project.relative(annotation.path),
                       base=inputs.base)
        graphs.append(article)
    return graphs


def shacl_report(articles: list[ArticleGraph], inputs: Inputs, store: ox.Store | None = None) -> ValidationReport:
    """Run the SHACL gate (stage 4) if the project has shapes; return its report (empty without shapes)."""
    if not any(inputs.project.shapes_dir.glob("*.ttl")):
        return ValidationReport()
    return validate_articles(articles, inputs, store=store)


class _NoShapes:
    """Stands for a validation that had nothing to check (a project without shapes)."""

    def report(self) -> ValidationReport:
        return ValidationReport()


def _start_shacl(articles: list[ArticleGraph], inputs: Inputs, store: ox.Store | None,
                 nquads: list[str], build_context: BuildContext | None) -> PendingValidation | _NoShapes:
    """:func:`shacl_report`, started in a child process (:func:`kg.validate.start_validation`)."""
    if not any(inputs.project.shapes_dir.glob("*.ttl")):
        return _NoShapes()
    return start_validation(articles, inputs, store=store, nquads=nquads, build_context=build_context)


def validate(articles: list[ArticleGraph], inputs: Inputs, store: ox.Store | None = None) -> ValidationReport:
    """Run the SHACL gate; raise :class:`ValidationError` on violations (warnings do not block)."""
    report = shacl_report(articles, inputs, store)
    if not report.conforms:
        raise ValidationError(report)
    return report


def validate_files(paths: Iterable[Path], project: Project, store_path: Path | None = None, *,
                   base: str | None = None, encoding: str = "utf-8") -> ValidationReport:
    """Check, build and SHACL-validate annotation files without loading them (``kg validate``).

    Annotation errors raise :class:`~kg.errors.AnnotationError` as in a load; SHACL results are
    returned. With *store_path*, the articles are validated in the context of that store, read-only.
    """
    inputs = Inputs.read(project, base)
    articles = prepare_articles([Path(p) for p in paths], inputs, encoding=encoding)
    store = kgstore.open_read_only(store_path) if store_path is not None else None
    return shacl_report(articles, inputs, store)


#: Articles checked, built and validated at a time by a full build: the rdflib graphs of one batch are
#: in memory at once, not those of the whole corpus (10,000 articles would need gigabytes).
BUILD_BATCH = 1000


def build_store(project: Project, store_path: Path, *, base: str | None = None, infer: bool = True,
                progress: ProgressCallback | None = None, batch: int = BUILD_BATCH) -> LoadReport:
    """(Re)build the store from the ontology, reference data and every article of the project.

    Articles go into a new store *batch* at a time: checked, built, SHACL-validated (the first
    batch on its own, the reference data included; later ones in the context of what is already
    written, as ``kg load`` validates) and bulk-written. Any problem raises after every file was
    checked, and the store at *store_path* is left as it was. With *infer* (the default) the OWL 2
    RL entailments of everything then go to the graph ``{base}graph/inferred``. *progress* hears
    about each stage (see :mod:`kg.progress`); ``LoadReport.timings`` says where the time went
    (for validation: the time spent waiting for it, as a batch is validated in a child process
    while the next one is prepared).
    """
    inputs = Inputs.read(project, base)
    files = project.article_files()
    report = LoadReport(store_path, triples_written=sum(len(g) for g in inputs.static_graphs().values()))
    clock = _Timings(report.timings)

    def fill(store: ox.Store) -> None:
        kgstore.bulk_write(store, kgstore.with_union(inputs.static_quads))
        load_pyshacl()  # once, for every batch's validation child
        # what the inference needs, gathered as the batches are written (kg.infer.Premises)
        premises = kginfer.Premises(inputs.static_quads) if infer else None
        build_context = BuildContext()  # what the validation context of the next batches can find
        problems, invalid, seen = [], [], {}
        validating: PendingValidation | None = None  # the previous batch's, running in a child
        # each batch is written on a thread of its own while the next one is prepared
        with kgstore.BackgroundWriter(store) as writer:
            for start in range(0, len(files), max(batch, 1)):
                if start:
                    _collect_batch_garbage()  # of the batch before (written, or refused: then its errors' tracebacks)
                # one bar for all batches; checking is about a third of the work per article
                shifted = None if progress is None else (
                    lambda stage, done, total, start=start: progress("articles", start + done // 3, len(files))
                    if stage == "checking annotations" else None)
                try:
                    with clock("annotations and RDF"):
                        articles = prepare_articles(files[start:start + batch], inputs, progress=shifted)
                except AnnotationError as exc:
                    problems += exc.problems
                    continue
                finally:
                    # this batch was prepared while the previous one was validated (two cores at work)
                    if validating is not None:
                        with clock("SHACL validation"):
                            invalid.append(validating.report())
                        validating = None
                problems += _repeated_keys(articles, seen)
                if problems:  # keep checking files, but nothing more needs building
                    continue
                with clock("writing the store"):  # printed once, for the validation and the store (and its union)
                    lines = [line for a in articles for line in a.nquads()]
                    # the union holds a triple once, however many articles state it (an organisation's name)
                    union = list(dict.fromkeys(rdfterms.nt_quads((t for a in articles for t in a.triples()), None)))
                    writer.wait()  # for the previous batch: the validation reads its context from the store
                with clock("SHACL validation"):
                    validating = _start_shacl(articles, inputs, store if start else None, lines, build_context)
                with clock("OWL RL inference"):
                    kept = premises.usable(t for a in articles for t in a.triples()) if premises is not None else ""
                with clock("writing the store"):
                    # written (and the premises kept) while the next batch is prepared
                    writer.write_lines(lines + union, then=(lambda kept=kept: premises.load(kept)) if kept else None)
                    build_context.add(t for a in articles for t in a.triples())
                report.articles += [a.annotation.key for a in articles]
                report.triples_written += len(lines)
                if progress:
                    progress("articles", len(report.articles), len(files))
                # Free this batch before reading the next. An article's triples are tuples of strings, in no
                # reference cycle, so this frees them (an explicit gc.collect() took 0.8 s a batch).
                del articles, lines, union, kept
        inference_failed: KgError | None = None
        if infer and not problems:
            # while the last batch is validated in its child (two cores at work); the validation's
            # verdict still comes first
            with clock("OWL RL inference"), _stage(progress, "inferring (OWL 2 RL)"):
                # the store holds exactly the asserted quads now: should the premises be incomplete,
                # the inference reads them all from a dump
                try:
                    report.inference, _ = infer_graph(lambda: _asserted_quads(store, inputs.base),
                                                      inputs.base, dump_of=store, scratch=store_path,
                                                      premises=premises, quads=False)
                except KgError as exc:
                    inference_failed = exc
                premises = None
        if validating is not None:
            with clock("SHACL validation"):
                invalid.append(validating.report())
        if problems:
            raise AnnotationError(problems)
        merged = _merged(invalid)
        if not merged.conforms:
            raise ValidationError(merged)
        if inference_failed is not None:
            raise inference_failed
        report.warnings = list(merged.warnings)
        if infer:
            with clock("writing the store"):
                kgstore.bulk_write_graph(store, report.inference.triples, ox.NamedNode(inferred_graph_iri(inputs.base)))

    with clock("total"), _stage(progress, "articles", quiet=True), _collected_per_batch():
        kgstore.build_fresh(store_path, fill)
    return report


@contextmanager
def _collected_per_batch() -> Iterator[None]:
    """Run a build with Python's cyclic garbage collector off but for one collection per batch
    (:func:`_collect_batch_garbage`).

    A build allocates millions of objects a batch and keeps a growing share of them to the end
    (premises, validation context). The collector's automatic full collections walked all of that
    again and again: 30 of the parent's 219 s of CPU at 10,000 articles (docs/performance.md).
    Children forked meanwhile switch it back on (:mod:`kg.limits`).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.unfreeze()  # what the build kept is garbage now, or the caller's: collectable again
        if was_enabled:
            gc.enable()


def _collect_batch_garbage() -> None:
    """Free the reference cycles of the batch just written, then freeze what survives: what a batch
    leaves behind is kept to the end of the build, so no later collection needs to walk it again."""
    gc.collect()
    gc.freeze()


class _Timings:
    """``with timings("stage"):`` adds the seconds spent to ``seconds["stage"]``."""

    def __init__(self, seconds: dict[str, float]):
        self.seconds = seconds

    @contextmanager
    def __call__(self, stage: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[stage] = self.seconds.get(stage, 0.0) + time.perf_counter() - started


@contextmanager
def _stage(progress: ProgressCallback | None, name: str, *, quiet: bool = False) -> Iterator[None]:
    done = (lambda: None) if quiet else step(progress, name)
    yield
    done()


def _repeated_keys(articles: list[ArticleGraph], seen: dict[str, Path]) -> list[Problem]:
    """Article keys already used by a file of an earlier batch (within a batch, load_annotations checks)."""
    problems = []
    for article in articles:
        annotation = article.annotation
        if annotation.key in seen:
            problems.append(Problem(Location(annotation.path, annotation.line_of("article", "key")),
                                    f"article key {annotation.key!r} is also used by {seen[annotation.key]}",
                                    field="article.key", hint="each article needs its own key"))
        seen.setdefault(annotation.key, annotation.path)
    return problems


def _merged(reports: list[ValidationReport]) -> ValidationReport:
    if len(reports) == 1:
        return reports[0]
    merged = ValidationReport()
    for report in reports:
        merged.results += report.results
        merged.graph += report.graph
    return merged


def load_into_store(paths: Iterable[Path], project: Project, store_path: Path, *, base: str | None = None,
                    encoding: str = "utf-8", infer: bool = True) -> LoadReport:
    """Add or replace the given articles in an existing store: all of them, or (on any error) none.

    With *infer* the inferred graph is recomputed from the new asserted graphs and what changed in
    it is written in the same transaction, so nothing inferred only from a replaced article
    survives; without, the inferred graph is dropped (it would be stale).
    """
    inputs = Inputs.read(project, base)
    articles = prepare_articles(paths, inputs, encoding=encoding)
    inference, removed, added = None, [], []
    refusal: KgError | None = None
    with kgstore.writable(store_path) as store:
        lines = {str(a.graph_iri): a.nquads() for a in articles}
        graphs = {name: rdfterms.parse_quads(text) for name, text in lines.items()}
        # pySHACL runs in a child while this process works out what the load changes in the inferred
        # graph (two cores at work); the validation's verdict still comes first
        validating = _start_shacl(articles, inputs, store, [line for text in lines.values() for line in text], None)
        if infer:
            try:
                inference, removed, added = _maintained_inference(store, inputs, graphs, scratch=store_path)
            except KgError as exc:
                refusal = exc.with_traceback(None)  # its frames hold the store (see below)
        report = validating.report()
        del validating
        if not report.conforms:
            refusal = ValidationError(report)
        elif refusal is None:
            inferred_name = inferred_graph_iri(inputs.base)
            kgstore.replace_graphs(store, graphs, remove=[] if infer else [inferred_name], delete=removed,
                                   insert=added)
        # Raised once the store is closed: a caller that keeps the error (a notebook keeps the last
        # traceback) must not keep this frame's handle, and with it the store's lock, too.
        del store
    if refusal is not None:
        raise refusal
    return LoadReport(store_path, [a.annotation.key for a in articles], sum(len(a) for a in articles),
                      list(getattr(report, "warnings", []) or []), inference)


def _maintained_inference(store: ox.Store, inputs: Inputs, graphs: dict[str, list[ox.Quad]], *,
                          scratch: Path | None = None) -> tuple[kginfer.Inference, list[ox.Quad], list[ox.Quad]]:
    """(inference, removed, added): how the inferred graph changes when *graphs* replace theirs.

    Incremental (:mod:`kg.incremental`) when the store has an inferred graph to maintain; the whole
    closure is recomputed when it has none, when the change reaches too much of the store, and when
    the data turn out inconsistent (the full path explains the clash with its articles).
    """
    name = inferred_graph_iri(inputs.base)
    if store.contains_named_graph(ox.NamedNode(name)):
        static = [q.triple for q in inputs.static_quads]
        try:
            # In this process, on the store handle it holds: a second handle opened by a child while this
            # process writes is undefined behaviour in RocksDB (it failed with missing SST files after a
            # crash recovery). So the time budget is checked between steps, and the size of the working
            # store is capped (TooLarge); the full recomputation below runs in a limited child as before.
            change = kgincremental.maintain(store, static, graphs, inferred_graph=name,
                                            check_time=deadline_check(Budget.of("inference")))
        except kgincremental.TooLarge:
            change = None
        if change is not None and not change.clashes:
            graph = ox.NamedNode(name)
            return (kgincremental.as_inference(change),
                    [ox.Quad(t.subject, t.predicate, t.object, graph) for t in change.delete],
                    [ox.Quad(t.subject, t.predicate, t.object, graph) for t in change.insert])
    inference, inferred = infer_graph(lambda: _asserted_quads(store, inputs.base, replaced=graphs), inputs.base,
                                      scratch=scratch)
    removed, added = _changes(store, name, inferred)
    return inference, removed, added


# -- inference (stage 5a) ------------------------------------------------------------------------------

def infer_graph(asserted: Callable[[], Iterable[ox.Quad]], base: str, *, dump_of: ox.Store | None = None,
                scratch: Path | None = None, premises: kginfer.Premises | None = None,
                quads: bool = True) -> tuple[kginfer.Inference, list[ox.Quad]]:
    """The OWL 2 RL entailments of the quads *asserted()* yields, as quads of the inferred graph (none
    with *quads* False: the caller writes ``inference.triples`` itself, see :func:`kg.store.bulk_write_graph`).

    *premises*, if given and complete, hold what the rules need of those quads already
    (:class:`kg.infer.Premises`, gathered by a build as it wrote them): the inference starts from them.

    *dump_of*, if given, is a store that holds exactly those quads: Oxigraph dumps it to a temporary
    N-Quads file beside the store at *scratch*, which the inference parses as it goes, instead of a
    list of every quad built in this process (about 400 bytes a quad in Python: 0.7 GB at 10,000
    articles, copied once more into the child as it reads them). The inferred triples come back through
    a file there too (:func:`_through_file`); without *scratch*, the system's temporary directory.

    Raises :class:`~kg.errors.OntologyError` naming the clashing triples and their article graphs
    if the ontology and the data are inconsistent (*asserted* is called again to explain it).
    """
    # Within the inference budget (kg.limits): the quads are read here, as the child must not use the store.
    # The inferred triples come back through a file (_through_file).
    with kgstore.scratch_directory(scratch or Path(tempfile.gettempdir()) / "kg") as directory:
        inferred = directory / "inferred.nt"
        if premises is not None and premises.complete:
            # the child works on its copy of the in-memory premises (fork): nothing is read or parsed again
            inference = run_limited(Budget.of("inference"), _through_file, inferred, kginfer.saturate, premises.store)
        elif dump_of is None:
            inference = run_limited(Budget.of("inference"), _through_file, inferred, kginfer.materialise,
                                    list(asserted()))
        else:
            dump = directory / "asserted.nq"
            dump_of.dump(str(dump), ox.RdfFormat.N_QUADS)
            inference = run_limited(Budget.of("inference"), _through_file, inferred, _materialise_dump, dump)
        inference.triples = [q.triple for q in ox.parse(path=str(inferred), format=ox.RdfFormat.N_TRIPLES)]
    if inference.clashes:
        from .explain import inconsistency_error
        raise inconsistency_error(_layout(asserted(), inference, base), inference.clashes, base=base)
    if not quads:
        return inference, []
    name = ox.NamedNode(inferred_graph_iri(base))
    return inference, [ox.Quad(t.subject, t.predicate, t.object, name) for t in inference.triples]


def _through_file(path: Path, infer: Callable[..., kginfer.Inference], *args) -> kginfer.Inference:
    """``infer(*args)`` with its inferred triples written to the N-Triples file *path* (streamed) rather
    than returned: the child would otherwise hold them once more as bytes, and once more pickled. At
    100,000 articles (4.5 million inferred triples) that took the inference child past its 4 GB budget."""
    inference = infer(*args)
    ox.serialize(inference.triples, str(path), format=ox.RdfFormat.N_TRIPLES)
    inference.triples = []
    return inference


def _materialise_dump(path: Path) -> kginfer.Inference:
    return kginfer.materialise(ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS))


def _layout(asserted: Iterable[ox.Quad], inference: kginfer.Inference, base: str) -> ox.Store:
    """An in-memory store laid out as kg stores data (so kg.explain can trace a clash to its articles)."""
    store = ox.Store()
    store.extend(asserted)
    name = ox.NamedNode(inferred_graph_iri(base))
    store.extend(ox.Quad(t.subject, t.predicate, t.object, name) for t in inference.everything_derived)
    return store


def _asserted_quads(store: ox.Store, base: str, replaced: dict[str, list[ox.Quad]] | None = None) -> Iterator[ox.Quad]:
    """The asserted quads of *store* (not the inferred graph), with the graphs in *replaced* swapped in."""
    replaced = replaced or {}
    skip = {inferred_graph_iri(base), *replaced}
    for graph in store.named_graphs():  # graph by graph: the inferred one is never read (nor the union)
        if graph.value not in skip:
            yield from store.quads_for_pattern(None, None, None, graph)
    for quads in replaced.values():
        yield from quads


def _premises(store: ox.Store, base: str) -> kginfer.Premises:
    """What the rules need of the asserted graphs of *store* (kg.infer.Premises), read graph by graph:
    not a list of every quad in Python (about 400 bytes a quad)."""
    static = [ox.NamedNode(ontology_graph_iri(base)), ox.NamedNode(reference_graph_iri(base))]
    premises = kginfer.Premises(q for graph in static for q in store.quads_for_pattern(None, None, None, graph))
    skip = {inferred_graph_iri(base), *(g.value for g in static)}
    for graph in store.named_graphs():
        if graph.value not in skip:
            premises.add(store.quads_for_pattern(None, None, None, graph))
    return premises


@dataclass
class InferReport:
    """What ``kg infer`` did."""

    store: Path
    inference: kginfer.Inference
    graph: str


#: Above this many changed inferred triples, ``kg infer`` rewrites the store (bulk load into a staged
#: copy, then swap) rather than change it in one transaction: transactional writes cost about
#: 0.2–0.4 ms per quad on RocksDB, bulk loading about 0.03 ms (docs/reasoning.md).
LARGE_CHANGE = 50_000


def infer_store(store_path: Path, *, base: str | None = None) -> InferReport:
    """Recompute the inferred graph of the store at *store_path* from its asserted graphs."""
    base = base or base_iri()
    name = inferred_graph_iri(base)
    with kgstore.writable(store_path) as store:
        inference, quads = infer_graph(lambda: _asserted_quads(store, base), base, premises=_premises(store, base),
                                       scratch=store_path)
        removed, added = _changes(store, name, quads)
        if len(removed) + len(added) <= LARGE_CHANGE:
            kgstore.replace_graphs(store, {}, delete=removed, insert=added)
            return InferReport(store_path, inference, name)
        asserted = list(_asserted_quads(store, base))
    del store  # release the store's lock before the swap
    kgstore.build_fresh(store_path, itertools.chain(asserted, quads))
    return InferReport(store_path, inference, name)


def _changes(store: ox.Store, graph: str, quads: list[ox.Quad]) -> tuple[list[ox.Quad], list[ox.Quad]]:
    """(removed, added): how the graph *graph* of *store* must change to hold exactly *quads*."""
    old = set(store.quads_for_pattern(None, None, None, ox.NamedNode(graph)))
    new = set(quads)
    return list(old - new), list(new - old)
