"""An OpenAPI 3.1 description of the HTTP API, generated from the stored queries' headers.

Each stored query becomes ``GET /queries/{name}`` with one query parameter per ``param:`` line (type,
default, ``enum`` for declared allowed values, description, example), so the description can never
drift from the queries.
"""
from __future__ import annotations

from typing import Mapping

from .. import __version__
from ..queries import StoredQuery

SCHEMAS = {
    "integer": {"type": "integer"},
    "string": {"type": "string"},
    "date": {"type": "string", "format": "date"},
    "iri": {"type": "string", "format": "iri"},
}
ROWS = {"type": "object", "required": ["query", "columns", "rows"], "properties": {
    "query": {"type": "string"}, "parameters": {"type": "object"},
    "columns": {"type": "array", "items": {"type": "string"}},
    "rows": {"type": "array", "items": {"type": "object"}}}}
TEXT = {"text/plain": {"schema": {"type": "string"}}}


def _parameter(param) -> dict:
    schema = dict(SCHEMAS.get(param.type, {"type": "string"}))
    if param.type in ("voivodeship", "person", "organisation"):
        schema["description"] = f"a {param.type} key (the last segment of its IRI)"
    if param.allowed:
        schema["enum"] = [int(v) if param.type == "integer" else v for v in param.allowed]
    if param.default is not None:
        schema["default"] = int(param.default) if param.type == "integer" else param.default
    spec = {"name": param.name, "in": "query", "required": param.required, "schema": schema,
            "description": param.description or param.type}
    if param.example is not None:
        spec["example"] = param.example
    return spec


def _operation(query: StoredQuery) -> dict:
    description = "\n\n".join(v for k, v in query.header.items() if k.startswith("description@"))
    return {"get": {
        "operationId": query.name.replace("-", "_"),
        "summary": query.header.get("title@en") or query.title,
        "description": (description + "\n\n" if description else "") +
                       "Also as `/queries/" + query.name + ".json` and `.csv`.",
        "tags": ["stored queries"],
        "parameters": [_parameter(p) for p in query.parameters],
        "responses": {
            "200": {"description": "the result table", "content": {
                "application/json": {"schema": ROWS},
                "application/sparql-results+json": {"schema": {"type": "object"}},
                "text/csv": {"schema": {"type": "string"}},
                "text/tab-separated-values": {"schema": {"type": "string"}},
                "text/html": {"schema": {"type": "string"}}}},
            "400": {"description": "a parameter is unknown, missing or invalid", "content": TEXT},
            "503": {"description": "the query hit the time limit, or every worker is busy", "content": TEXT},
        }}}


def describe(catalogue: Mapping[str, StoredQuery], server_url: str) -> dict:
    """The OpenAPI document for the stored queries of *catalogue* and the SPARQL endpoint."""
    paths = {f"/queries/{name}": _operation(query) for name, query in catalogue.items()}
    paths["/queries"] = {"get": {"operationId": "list_queries", "summary": "The stored queries",
                                 "tags": ["stored queries"],
                                 "responses": {"200": {"description": "names, titles and parameters",
                                                       "content": {"application/json": {"schema": {"type": "array"}},
                                                                   "text/html": {}}}}}}
    sparql_params = [{"name": "query", "in": "query", "required": True, "schema": {"type": "string"},
                      "description": "a SPARQL 1.1 query (read-only)"},
                     {"name": "default-graph-uri", "in": "query", "schema": {"type": "array", "items": {"type": "string"}}},
                     {"name": "named-graph-uri", "in": "query", "schema": {"type": "array", "items": {"type": "string"}}}]
    results = {"description": "results by content negotiation", "content": {m: {} for m in (
        "application/sparql-results+json", "application/sparql-results+xml", "text/csv", "text/tab-separated-values",
        "text/turtle", "application/ld+json", "application/n-triples")}}
    refusals = {"description": "malformed, or refused: updates, SERVICE, graphs not in the store", "content": TEXT}
    paths["/sparql"] = {
        "get": {"operationId": "sparql_get", "summary": "SPARQL 1.1 Protocol query (GET)", "tags": ["SPARQL"],
                "parameters": sparql_params, "responses": {"200": results, "400": refusals}},
        "post": {"operationId": "sparql_post", "summary": "SPARQL 1.1 Protocol query (POST, form or direct)",
                 "tags": ["SPARQL"], "requestBody": {"content": {
                     "application/x-www-form-urlencoded": {"schema": {"type": "object", "properties": {
                         "query": {"type": "string"}}}},
                     "application/sparql-query": {"schema": {"type": "string"}}}},
                 "responses": {"200": results, "400": refusals}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "kg: knowledge graph of Poland's social-inclusion ecosystem", "version": __version__,
                 "description": "Stored SPARQL queries as an HTTP API, generated from the query headers; and a "
                                "read-only SPARQL 1.1 endpoint.",
                 "license": {"name": "CC BY 4.0 (data)", "url": "https://creativecommons.org/licenses/by/4.0/"}},
        "servers": [{"url": server_url.rstrip("/")}],
        "paths": dict(sorted(paths.items())),
    }
