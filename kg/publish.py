"""``kg publish DIR``: the served site as static files, for hosts without a Python server.

The same templates and page data as ``kg serve`` (:mod:`kg.serve.render`, :mod:`kg.serve.resource`),
with relative links ending in ``.html`` so the site works from any directory, any host and
``file://``. What a static site cannot do is left out: the SPARQL endpoint and its editor, and
stored queries with other parameters than the defaults (each stored query is published with its
default values, as HTML, JSON and CSV).

Layout::

    index.html                      home page
    id/person/miroslaw-grewinski.html (.ttl .jsonld .nt .trig .nq)   every resource kg minted
    concept/event-role/talk.html …  every concept; concept/index.html lists the schemes
    ontology/index.html, ontology/kg.ttl     ontology documentation (pyLODE) and source
    queries/index.html, queries/NAME.html (.json .csv)
    views/chart.html, views/network.html (.svg)
    dumps/kg.ttl .trig .nq .jsonld .nt      the whole graph
    .well-known/void, void.ttl              the VoID/DCAT description
    static/kg.css, .htaccess                style; content negotiation for Apache (MultiViews)
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from . import docs as kgdocs
from . import export as kgexport
from . import void as kgvoid
from .config import Project
from .iri import base_iri
from .errors import KgError
from .queries import bind_parameters, load_catalogue, with_values
from .serve.backend import Backend, LocalBackend, select
from .serve.render import (CONCEPTS, RESOURCE_FORMATS, STATIC, Labels, Links, local_path, render, resource_view,
                           result_document, serialize_resource, solutions_table)
from .serve.resource import gather, labels_for
from .serve.views import MEASURES, bar_chart_svg, chart_data, network_data, network_svg

HTACCESS = """# Content negotiation for Apache: /id/person/x serves x.html, x.ttl, x.jsonld … by the Accept header.
Options +MultiViews
AddType text/turtle .ttl
AddType application/ld+json .jsonld
AddType application/n-triples .nt
AddType application/trig .trig
AddType application/n-quads .nq
AddType text/turtle void
AddCharset utf-8 .html .ttl .jsonld .nt .trig .nq
Header set Access-Control-Allow-Origin "*"
"""


@dataclass
class PublishReport:
    pages: int = 0
    files: int = 0
    seconds: float = 0.0


class _Site:
    """Writes files under the site directory and counts them."""

    def __init__(self, root: Path):
        self.root = root
        self.report = PublishReport()

    def links(self, page: str) -> Links:
        """Links as seen from *page* (a site path such as ``id/person/x``)."""
        return Links(prefix="../" * page.count("/"), suffix=".html")

    def write(self, path: str, content: bytes | str) -> None:
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        self.report.files += 1
        self.report.pages += path.endswith(".html")

    def page(self, path: str, template: str, labels: Labels | None = None, **context) -> None:
        self.write(f"{path}.html", render(template, self.links(path), labels, **context))


def published_resources(backend: Backend) -> list[str]:
    """Every IRI with a page: those minted under the base IRI and the concepts, in IRI order."""
    rows = select(backend, f"""SELECT DISTINCT ?x WHERE {{
        {{ ?x ?p ?o }} UNION {{ ?s ?p ?x }}
        FILTER (isIRI(?x) && (STRSTARTS(STR(?x), "{base_iri()}") || STRSTARTS(STR(?x), "{CONCEPTS}")))
    }} ORDER BY ?x""")
    return [row["x"].value for row in rows if local_path(row["x"].value) and "#" not in local_path(row["x"].value)]


def publish(store: ox.Store, project: Project, out_dir: Path, *, site_url: str | None = None) -> PublishReport:
    """Write the static site for *store* into *out_dir* (replacing what kg wrote there before)."""
    started = time.monotonic()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    site = _Site(out_dir)
    url = (site_url.rstrip("/") + "/") if site_url else out_dir.resolve().as_uri() + "/"
    backend = _InProcess(store)
    _dumps(site, store)
    stats = kgvoid.store_statistics(store)
    description = kgvoid.to_turtle(kgvoid.describe(stats, dumps=kgvoid.dump_urls(url + "dumps/"),
                                                   landing_page=url + "index.html"))
    site.write(".well-known/void", description)
    site.write("void.ttl", description)
    site.page("index", "index.html", Labels(labels_for(backend, stats.examples)), title="Graf wiedzy · Knowledge graph", stats=stats,
              examples=stats.examples, dumps={fmt: f"dumps/{name}" for fmt, (name, _, _) in kgvoid.DUMPS.items()})
    for iri in published_resources(backend):
        _resource(site, backend, iri)
    _queries(site, store, project)
    _views(site, backend)
    site.write("ontology/index.html", kgdocs.ontology_html(project))
    site.write("ontology/kg.ttl", (project.ontology_dir / kgdocs.ONTOLOGY_FILE).read_bytes())
    site.write("concept/index.html", kgdocs.schemes_html(project, site.links("concept/index")))
    site.write("static/kg.css", (STATIC / "kg.css").read_bytes())
    site.write(".htaccess", HTACCESS)
    site.report.seconds = time.monotonic() - started
    return site.report


class _InProcess(LocalBackend):
    """The already-open store as a backend (publishing runs kg's own queries only, in this process)."""

    def __init__(self, store: ox.Store):
        super().__init__("(open store)")
        self._store = store


def _dumps(site: _Site, store: ox.Store) -> None:
    for fmt, (name, _, _) in kgvoid.DUMPS.items():
        site.write(f"dumps/{name}", kgexport.export(store, fmt))


def _resource(site: _Site, backend: Backend, iri: str) -> None:
    data = gather(backend, iri)
    path = local_path(iri)
    labels = Labels(data.labels)
    site.page(path, "resource.html", labels, title=labels(iri), iri=iri, data=data, view=resource_view(data),
              formats=RESOURCE_FORMATS)
    for suffix, media in RESOURCE_FORMATS.items():
        site.write(f"{path}.{suffix}", serialize_resource(data, media))


def _queries(site: _Site, store: ox.Store, project: Project) -> None:
    catalogue = load_catalogue(project.queries_dir)
    site.page("queries/index", "queries.html", title="Zapytania · Queries", queries=list(catalogue.values()))
    backend = _InProcess(store)
    for name, query in catalogue.items():
        values = query.example_values()
        context = {"q": query, "values": values, "result": None, "error": None,
                   "data_links": {"json": f"{name}.json", "csv": f"{name}.csv"}}
        labels = None
        try:
            solutions = backend.execute(with_values(query.text, bind_parameters(query, values)))
            body = solutions.serialize(format=ox.QueryResultsFormat.JSON)
        except KgError as exc:
            context["error"] = str(exc)
        else:
            columns, rows = solutions_table(body)
            context["result"] = {"columns": columns, "rows": rows}
            labels = Labels(labels_for(backend, {n.value for r in rows for n in r.values() if n.is_iri}))
            site.write(f"queries/{name}.json", result_document(query, values, body))
            site.write(f"queries/{name}.csv", ox.parse_query_results(body, ox.QueryResultsFormat.JSON).serialize(
                format=ox.QueryResultsFormat.CSV))
        site.page(f"queries/{name}", "query.html", labels, title=query.header.get("title@pl", name), **context)


def _views(site: _Site, backend: Backend) -> None:
    charts = chart_data(backend)
    links = site.links("views/chart")
    svgs = [(m, bar_chart_svg(charts[m], f"{MEASURES[m][0]} · {MEASURES[m][1]}", links.page)) for m in MEASURES]
    site.page("views/chart", "chart.html", title="Województwa · Regions", charts=svgs)
    svg = network_svg(network_data(backend), "Sieć · Network", site.links("views/network").page)
    site.page("views/network", "network.html", title="Sieć · Network", svg=svg, regions=[], selected="")
    site.write("views/network.svg", svg)
