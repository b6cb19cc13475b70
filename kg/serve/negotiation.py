"""HTTP content negotiation: the media types kg serves, and choosing one from an ``Accept`` header.

>>> negotiate("text/html;q=0.9, application/sparql-results+json", ["application/sparql-results+json", "text/html"])
'application/sparql-results+json'
>>> negotiate("*/*", ["text/turtle", "application/ld+json"])
'text/turtle'
>>> negotiate("text/*;q=0.5, application/ld+json;q=0.8", ["text/turtle", "application/ld+json"])
'application/ld+json'
>>> negotiate("image/png", ["text/turtle"]) is None
True
"""
from __future__ import annotations

import pyoxigraph as ox

HTML = "text/html"
JSON = "application/json"

#: SELECT and ASK results: media type → pyoxigraph format (the first is the default).
SOLUTION_TYPES = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
#: CONSTRUCT and DESCRIBE results and resource descriptions (the first is the default).
GRAPH_TYPES = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}
#: Other names clients use for the same formats.
ALIASES = {
    "application/json": "application/sparql-results+json",
    "application/xml": "application/sparql-results+xml",
    "text/xml": "application/sparql-results+xml",
    "application/x-turtle": "text/turtle",
    "text/plain": "application/n-triples",
}
#: ``format=`` parameter values and file suffixes → media type.
SHORT_NAMES = {
    "json": "application/sparql-results+json", "srj": "application/sparql-results+json",
    "xml": "application/sparql-results+xml", "srx": "application/sparql-results+xml",
    "csv": "text/csv", "tsv": "text/tab-separated-values",
    "turtle": "text/turtle", "ttl": "text/turtle",
    "jsonld": "application/ld+json", "json-ld": "application/ld+json",
    "ntriples": "application/n-triples", "nt": "application/n-triples",
    "rdfxml": "application/rdf+xml", "rdf": "application/rdf+xml", "owl": "application/rdf+xml",
    "html": HTML,
}


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """The media ranges of an ``Accept`` header with their quality, most specific first within equal q."""
    ranges = []
    for order, item in enumerate((header or "*/*").split(",")):
        parts = [p.strip() for p in item.split(";")]
        media = parts[0].lower()
        if not media:
            continue
        if media == "*":
            media = "*/*"
        quality = 1.0
        for param in parts[1:]:
            key, _, value = param.partition("=")
            if key.strip() == "q":
                try:
                    quality = max(0.0, min(1.0, float(value)))
                except ValueError:
                    quality = 0.0
        ranges.append((media, quality, order))
    return [(m, q) for m, q, _ in ranges]


def _quality(media: str, ranges: list[tuple[str, float]]) -> float:
    """The quality the client gives *media*: that of the most specific range that matches it."""
    best, specificity = 0.0, -1
    kind = media.split("/")[0]
    for pattern, quality in ranges:
        if pattern == media or ALIASES.get(pattern) == media:
            level = 2
        elif pattern == f"{kind}/*":
            level = 1
        elif pattern == "*/*":
            level = 0
        else:
            continue
        if level > specificity:
            best, specificity = quality, level
    return best


def negotiate(header: str | None, offered: list[str]) -> str | None:
    """The offered media type the client prefers (ties: the server's order), or None if none is acceptable."""
    ranges = parse_accept(header)
    scored = [(_quality(m, ranges), -i, m) for i, m in enumerate(offered)]
    quality, _, media = max(scored)
    return media if quality > 0 else None


def canonical(media: str) -> str:
    """*media* without parameters, lower-cased, with aliases resolved."""
    media = media.split(";")[0].strip().lower()
    return ALIASES.get(media, media)
