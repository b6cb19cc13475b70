"""Stage 3: describe where each article graph came from (PROV-O).

The description is stored *inside* the article's own named graph, so loading an article again
replaces its data and its provenance in one step, and nothing else in the store changes.

Load times come from ``SOURCE_DATE_EPOCH`` when it is set (the reproducible-builds convention),
so two builds of the same inputs can be byte-identical; otherwise from the clock.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import os
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, XSD

from . import __version__
from .build import ArticleGraph
from .iri import mint
from .namespaces import KGO, SCHEMA


def load_time() -> dt.datetime:
    """Now in UTC to the second, or ``SOURCE_DATE_EPOCH`` if set."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc)
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


def software_agent(base: str | None = None) -> URIRef:
    return mint("agent", "kg", __version__, base=base)


def file_digest(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def add_provenance(article: ArticleGraph, *, loaded_at: dt.datetime, source_label: str,
                   base: str | None = None) -> None:
    """Add the PROV description of *article*'s graph to that graph.

    *source_label* is how the annotation file is named in the data (a path relative to the project).
    """
    g = article.graph
    digest = file_digest(article.annotation.path)
    annotation_file = mint("article", article.annotation.key, "annotation", base=base)
    activity = mint("activity", "load", article.annotation.key, digest[:16], base=base)
    agent = software_agent(base)
    when = Literal(loaded_at.isoformat().replace("+00:00", "Z"), datatype=XSD.dateTime)

    g.add((article.graph_iri, RDF.type, PROV.Entity))
    g.add((article.graph_iri, PROV.wasDerivedFrom, article.article_iri))
    g.add((article.graph_iri, PROV.wasDerivedFrom, annotation_file))
    g.add((article.graph_iri, PROV.wasGeneratedBy, activity))
    g.add((article.graph_iri, PROV.generatedAtTime, when))

    g.add((annotation_file, RDF.type, PROV.Entity))
    g.add((annotation_file, DCTERMS.identifier, Literal(source_label)))
    g.add((annotation_file, KGO.sha256, Literal(digest)))
    g.add((annotation_file, PROV.wasDerivedFrom, article.article_iri))

    g.add((activity, RDF.type, PROV.Activity))
    g.add((activity, PROV.used, annotation_file))
    g.add((activity, PROV.wasAssociatedWith, agent))
    g.add((activity, PROV.startedAtTime, when))

    g.add((agent, RDF.type, PROV.SoftwareAgent))
    g.add((agent, RDFS.label, Literal(f"kg {__version__}")))
    g.add((agent, SCHEMA.softwareVersion, Literal(__version__)))
