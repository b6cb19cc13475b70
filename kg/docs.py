"""HTML documentation of the vocabulary: the OWL ontology with pyLODE, the SKOS schemes with a template.

* ``ontology/kg.ttl`` → pyLODE's OntPub profile. Two adjustments keep the page usable with a bilingual
  ontology: labels in Polish and English are shown as one title ("Osoba · Person") instead of being
  run together, and every term's anchor is fixed in advance (``#Person`` is ``kgo:Person``;
  external terms are ``#foaf-Person``), so ``https://w3id.org/kg-pl-inclusion/ontology#Person`` lands
  on the right entry (pyLODE would give ``#Person`` to whichever ``Person`` it met first).
* The SKOS concept schemes of ``data/reference/`` → ``schemes.html`` from a Jinja template: pyLODE
  3.3's VocPub profile renders a scheme's header but none of its concepts.

pyLODE 3.4.1, the current release, cannot be imported at all (its ``version.py`` reads a
``pyproject.toml`` that the wheel does not ship), hence the pin ``pylode>=3.3.4,!=3.4.1,<4``.
"""
from __future__ import annotations

import logging
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from .config import Project
from .errors import OntologyError
from .namespaces import KGO, PREFIXES
from .reference import SCHEME_FILES, load_reference

ONTOLOGY_FILE = "kg.ttl"
LABEL_PROPERTIES = (RDFS.label, SKOS.prefLabel, DCTERMS.title)


def _presentation_graph(path: Path) -> Graph:
    """The ontology with each term's Polish and English labels joined into one (for display only)."""
    graph = Graph()
    try:
        graph.parse(path, format="turtle")
    except Exception as exc:  # noqa: BLE001 - rdflib raises many kinds; report the file
        raise OntologyError(f"{path}: cannot read the ontology: {exc}") from None
    for prop in LABEL_PROPERTIES:
        for subject in set(graph.subjects(prop, None)):
            labels = {o.language or "": str(o) for o in graph.objects(subject, prop) if isinstance(o, Literal)}
            if len(labels) > 1:
                ordered = [labels.pop(lang) for lang in ("pl", "en") if lang in labels] + sorted(labels.values())
                graph.remove((subject, prop, None))
                graph.add((subject, prop, Literal(" · ".join(dict.fromkeys(ordered)))))
    return graph


def _anchors(graph: Graph) -> dict[str, str]:
    """Fragment ids fixed in advance: kgo terms by local name, external terms as ``prefix-local``."""
    anchors = {}
    for subject in sorted({s for s in graph.subjects() if isinstance(s, URIRef)}):
        iri = str(subject)
        if iri.startswith(str(KGO)):
            anchors[iri] = iri[len(str(KGO)):]
            continue
        for prefix, namespace in PREFIXES.items():
            if iri.startswith(namespace) and len(iri) > len(namespace):
                anchors[iri] = f"{prefix}-{iri[len(namespace):]}"
                break
    return anchors


def _ontpub():
    """pyLODE's OntPub class; importing pyLODE calls ``logging.basicConfig(level=DEBUG)``, which is undone."""
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    from pylode import OntPub
    root.setLevel(level)
    for handler in [h for h in root.handlers if h not in handlers]:
        root.removeHandler(handler)
    return OntPub


def ontology_html(project: Project) -> str:
    """The ontology's documentation page (pyLODE OntPub)."""
    graph = _presentation_graph(project.ontology_dir / ONTOLOGY_FILE)
    publisher = _ontpub()(ontology=graph)
    publisher.fids.update(_anchors(graph))
    return publisher.make_html()


def schemes_context(project: Project) -> list[dict]:
    """The concept schemes of the reference data as plain dicts for the template, in file order."""
    graph = load_reference(project.reference_dir).graph
    text = lambda s, p: {o.language or "": str(o) for o in graph.objects(s, p)}  # noqa: E731
    pairs = lambda s, p: [(lang, t) for lang, t in sorted(text(s, p).items(), key=lambda i: i[0] != "pl")]  # noqa: E731
    schemes = []
    for key in SCHEME_FILES:
        iri = next((s for s in graph.subjects(RDF.type, SKOS.ConceptScheme) if str(s).endswith("/" + key)), None)
        if iri is None:
            continue
        concepts = []
        for concept in sorted(graph.subjects(SKOS.inScheme, iri)):
            concepts.append({
                "iri": str(concept), "key": str(concept).rsplit("/", 1)[-1], "labels": text(concept, SKOS.prefLabel),
                "alt": sorted(str(o) for o in graph.objects(concept, SKOS.altLabel)),
                "definitions": pairs(concept, SKOS.definition),
                "notation": next((str(o) for o in graph.objects(concept, SKOS.notation)), ""),
                "broader": sorted(str(o) for o in graph.objects(concept, SKOS.broader)),
                "legal": next((str(o) for o in graph.objects(concept, KGO.legalBasis)), ""),
            })
        schemes.append({"key": key, "iri": str(iri), "labels": text(iri, SKOS.prefLabel),
                        "definitions": pairs(iri, SKOS.definition), "concepts": concepts})
    return schemes


def schemes_html(project: Project, links=None, *, standalone: bool = False) -> str:
    from .serve.render import Links, render
    return render("schemes.html", links or Links(), title="Słowniki SKOS · SKOS schemes",
                  schemes=schemes_context(project), standalone=standalone)


def write_docs(project: Project, out_dir: Path) -> list[Path]:
    """Write ``index.html`` (ontology), ``schemes.html`` and the ontology's Turtle into *out_dir*."""
    from .serve.render import Links
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = {
        out_dir / "index.html": ontology_html(project),
        out_dir / "schemes.html": schemes_html(project, Links(prefix="", suffix=".html"), standalone=True),
    }
    for path, html in written.items():
        path.write_text(html, encoding="utf-8")
    source = out_dir / ONTOLOGY_FILE
    source.write_bytes((project.ontology_dir / ONTOLOGY_FILE).read_bytes())
    return [*written, source]
