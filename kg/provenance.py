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

from rdflib import URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, XSD

from . import __version__
from .build import ArticleGraph
from .iri import mint
from .namespaces import KGO, SCHEMA
from .rdfterms import nt_iri, nt_literal


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
    digest = article.annotation.doc.sha256 or file_digest(article.annotation.path)
    annotation_file = mint("article", article.annotation.key, "annotation", base=base)
    activity = mint("activity", "load", article.annotation.key, digest[:16], base=base)
    agent = software_agent(base)
    # "+00:00", not "Z": the form kg has always stored (rdflib, which built these graphs before, wrote
    # the canonical form of its Python datetime), so stores built before and after compare equal
    when = nt_literal(loaded_at.isoformat(), datatype=XSD.dateTime)
    graph, source, a_file, act, kg = (nt_iri(i) for i in (article.graph_iri, article.article_iri, annotation_file,
                                                          activity, agent))
    for s, p, o in (
            (graph, RDF.type, nt_iri(PROV.Entity)),
            (graph, PROV.wasDerivedFrom, source),
            (graph, PROV.wasDerivedFrom, a_file),
            (graph, PROV.wasGeneratedBy, act),
            (graph, PROV.generatedAtTime, when),

            (a_file, RDF.type, nt_iri(PROV.Entity)),
            (a_file, DCTERMS.identifier, nt_literal(source_label)),
            (a_file, KGO.sha256, nt_literal(digest)),
            (a_file, PROV.wasDerivedFrom, source),

            (act, RDF.type, nt_iri(PROV.Activity)),
            (act, PROV.used, a_file),
            (act, PROV.wasAssociatedWith, kg),
            (act, PROV.startedAtTime, when),

            (kg, RDF.type, nt_iri(PROV.SoftwareAgent)),
            (kg, RDFS.label, nt_literal(f"kg {__version__}")),
            (kg, SCHEMA.softwareVersion, nt_literal(__version__))):
        article.add(s, nt_iri(p), o)
