"""The pipeline: annotations → build → provenance → validate → store.

These functions are what ``kg build`` and ``kg load`` call. Each returns a report (data); none
prints or exits.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

import pyoxigraph as ox
from rdflib import Graph
from rdflib.compare import to_canonical_graph

from .annotations import load_annotations
from .build import ArticleGraph, build_article
from .config import Project
from .errors import OntologyError, ValidationError
from .iri import base_iri, mint
from .provenance import add_provenance, load_time
from .reference import Reference, load_reference
from . import store as kgstore


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
        base = base or base_iri()
        return cls(project, base, load_ontology(project), load_reference(project.reference_dir, base=base))

    def static_graphs(self) -> dict[str, Graph]:
        return {ontology_graph_iri(self.base): self.ontology, reference_graph_iri(self.base): self.reference.graph}


@dataclass
class LoadReport:
    """What a build or load did."""

    store: Path
    articles: list[str] = field(default_factory=list)
    triples_written: int = 0
    warnings: list = field(default_factory=list)


def prepare_articles(paths: Iterable[Path], inputs: Inputs, *, encoding: str = "utf-8",
                     loaded_at: dt.datetime | None = None) -> list[ArticleGraph]:
    """Check, build and describe the given annotation files; raise if any of them is invalid."""
    loaded_at = loaded_at or load_time()
    annotations = load_annotations(paths, inputs.reference, encoding=encoding)
    graphs = []
    for annotation in annotations:
        article = build_article(annotation, inputs.reference, base=inputs.base)
        add_provenance(article, loaded_at=loaded_at, source_label=inputs.project.relative(annotation.path),
                       base=inputs.base)
        graphs.append(article)
    return graphs


def validate(articles: list[ArticleGraph], inputs: Inputs, store: ox.Store | None = None):
    """Run the SHACL gate (stage 4) if the project has shapes; raise on violations."""
    try:
        from .validate import validate_articles
    except ImportError:  # the validation stage is optional until shapes exist
        return None
    if not any(inputs.project.shapes_dir.glob("*.ttl")):
        return None
    report = validate_articles(articles, inputs, store=store)
    if not report.conforms:
        raise ValidationError(report)
    return report


def _all_quads(inputs: Inputs, articles: list[ArticleGraph]) -> Iterator[ox.Quad]:
    for name, graph in inputs.static_graphs().items():
        yield from kgstore.graph_quads(graph, name)
    for article in articles:
        yield from kgstore.graph_quads(article.graph, str(article.graph_iri))


def build_store(project: Project, store_path: Path, *, base: str | None = None) -> LoadReport:
    """(Re)build the store from the ontology, reference data and every article of the project."""
    inputs = Inputs.read(project, base)
    articles = prepare_articles(project.article_files(), inputs)
    report = validate(articles, inputs)
    kgstore.build_fresh(store_path, _all_quads(inputs, articles))
    return LoadReport(store_path, [a.annotation.key for a in articles],
                      sum(len(g) for g in inputs.static_graphs().values()) + sum(len(a.graph) for a in articles),
                      list(getattr(report, "warnings", []) or []))


def load_into_store(paths: Iterable[Path], project: Project, store_path: Path, *, base: str | None = None,
                    encoding: str = "utf-8") -> LoadReport:
    """Add or replace the given articles in an existing store: all of them, or (on any error) none."""
    inputs = Inputs.read(project, base)
    articles = prepare_articles(paths, inputs, encoding=encoding)
    with kgstore.writable(store_path) as store:
        report = validate(articles, inputs, store=store)
        kgstore.replace_graphs(store, {str(a.graph_iri): list(kgstore.graph_quads(a.graph, str(a.graph_iri)))
                                       for a in articles})
    return LoadReport(store_path, [a.annotation.key for a in articles], sum(len(a.graph) for a in articles),
                      list(getattr(report, "warnings", []) or []))
