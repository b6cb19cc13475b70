"""Stage 4: the SHACL gate between built article graphs and the store.

:func:`validate_articles` checks new article graphs against the shapes in ``shapes/*.ttl`` with
pySHACL and returns a :class:`ValidationReport`; it never raises for data that does not conform
(the pipeline decides what a violation means). A shapes file that does not parse, or is not
valid SHACL, raises :class:`~kg.errors.ShapesError` instead: broken rules are a different
failure from broken data.

Validation is incremental. The data graph is a small in-memory Oxigraph dataset holding

* the new articles' graphs, each in its own named graph (the event-vs-publication rule compares
  an event with the article whose graph states it);
* the ontology and the reference data (so ``sh:class`` sees ``rdfs:subClassOf`` and the concept
  schemes, without running inference, which is a separate stage);
* from the store, when one is given: the types of the nodes the new graphs describe, and the
  descriptions (types, names, location, publication data) of the nodes they mention but do
  not describe, fetched with one SPARQL query; the graphs being replaced are left out.

Only results about the nodes the new graphs describe are kept. The data graph holds the new
articles, the static graphs and a bounded context, so the cost grows with the size of the new
articles, not with the size of the store (measured in ``benchmarks/validate_incremental.py``).
"""
from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SH

from .build import ArticleGraph, Triple, graph_iri_for
from .errors import ShapesError
from .iri import mint
from .limits import Budget, Limited, start_limited
from . import cache as kgcache
from .namespaces import CV, KGO, PREFIXES, SCHEMA, VOCAB
from .rdfterms import nt_quads
from . import shaclfast

if TYPE_CHECKING:  # the pipeline imports this module, not the other way round
    from .pipeline import Inputs

SEVERITIES = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}

#: What the store contributes about a node the new articles mention but do not describe.
CONTEXT_PREDICATES = (RDF.type, SCHEMA.name, RDFS.label, KGO.institutionType, KGO.inVoivodeship, KGO.inCity,
                      DCTERMS.issued, KGO.issuedNotBefore, KGO.isAnnouncement, DCTERMS.publisher)
#: What the store contributes about other articles' participations in a new event.
PARTICIPATION_PREDICATES = (RDF.type, KGO.inEvent, CV.role, CV.hasParticipant)


# --- the report --------------------------------------------------------------------------------

@dataclass(frozen=True)
class ValidationResult:
    """One SHACL result, traced back to the annotation that produced the offending node."""

    severity: str                  # Violation, Warning or Info
    file: str | None               # the annotation file (or the reference data directory)
    line: int | None               # line of the annotation item that produced the focus node
    focus_node: str
    result_path: str | None
    shape: str
    message_pl: str
    message_en: str
    value: str | None = None
    constraint: str | None = None  # the SHACL constraint component

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else str(self.file or "<data>")
        path = f" {compact(self.result_path)}" if self.result_path else ""
        return (f"{where}: {self.severity}: {compact(self.focus_node)}{path}: {compact_text(self.message_en)} "
                f"(shape {compact(self.shape)})\n    pl: {compact_text(self.message_pl)}")


@dataclass
class ValidationReport:
    """What the SHACL gate found: ``conforms`` is false when there is at least one violation."""

    results: list[ValidationResult] = field(default_factory=list)
    graph: Graph = field(default_factory=Graph, repr=False)  # the SHACL validation report graph

    @property
    def conforms(self) -> bool:
        return not self.violations

    @property
    def violations(self) -> list[ValidationResult]:
        return [r for r in self.results if r.severity == "Violation"]

    @property
    def warnings(self) -> list[ValidationResult]:
        """Results that do not block a load (sh:Warning and sh:Info)."""
        return [r for r in self.results if r.severity != "Violation"]

    def __str__(self) -> str:
        lines = [str(r) for r in self.results]
        lines.append(f"{'conforms' if self.conforms else 'does not conform'}: "
                     f"{len(self.violations)} violation(s), {len(self.warnings)} warning(s)")
        return "\n".join(lines)

    def to_turtle(self) -> str:
        """The SHACL validation report (``sh:ValidationReport``) in Turtle."""
        return self.graph.serialize(format="turtle")

    def to_json(self) -> str:
        return json.dumps({"conforms": self.conforms, "violations": len(self.violations),
                           "warnings": len(self.warnings), "results": [asdict(r) for r in self.results]},
                          ensure_ascii=False, indent=2)


# --- shapes ------------------------------------------------------------------------------------

_SHAPES_CACHE: dict[tuple, Graph] = {}


def load_shapes(shapes_dir: Path) -> Graph:
    """Parse and check every ``*.ttl`` file in *shapes_dir* (cached until a file changes), in the form
    pySHACL evaluates fastest (:func:`targeted_property_shapes`)."""
    files = sorted(Path(shapes_dir).glob("*.ttl"))
    if not files:
        raise ShapesError(f"no shapes found: {shapes_dir} has no .ttl files")
    key = tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in files)
    if key not in _SHAPES_CACHE:
        # parsed and checked once per change of the files (or of kg), then read from kg's cache (kg.cache)
        fingerprint = kgcache.fingerprint("shapes", Path(shapes_dir))
        graph = kgcache.load_shapes(fingerprint)
        if graph is None:
            # rdflib's SimpleMemory store: pySHACL looks the shapes up for every focus node, and the default
            # Memory store's context bookkeeping made validation 20-25 % slower (2.25 vs 1.77 s CPU, 300 articles)
            graph = Graph(store="SimpleMemory")
            for path in files:
                try:
                    graph.parse(path, format="turtle")
                except Exception as exc:  # rdflib raises many kinds; all mean "this file is broken"
                    raise ShapesError(f"{path}: cannot parse the shapes: {exc}") from None
            check_shapes(graph, where=", ".join(str(p) for p in files))
            graph = targeted_property_shapes(graph)
            kgcache.save_shapes(fingerprint, graph)
        _SHAPES_CACHE.clear()
        _SHAPES_CACHE[key] = graph
    return _SHAPES_CACHE[key]


def check_shapes(graph: Graph, where: str = "shapes") -> None:
    """Refuse shapes pySHACL cannot load: bad parameters (``sh:minCount "x"``), property shapes
    without ``sh:path``, bad regular expressions and SPARQL that does not parse.

    pySHACL builds constraints lazily, only for shapes that have focus nodes; this builds them all
    up front, so a broken rule is reported even when no data triggers it. (The full SHACL-SHACL
    meta-validation takes most of a second, so the test suite runs it instead.)
    """
    from pyshacl.constraints import CONSTRAINT_PARAMETERS_MAP
    from pyshacl.errors import ReportableRuntimeError
    from pyshacl.shapes_graph import ShapesGraph

    try:
        shapes_graph = ShapesGraph(graph)
        for shape in shapes_graph.shapes:
            shape.set_advanced(True)
            for parameter, _ in shapes_graph.predicate_objects(shape.node):
                if parameter in CONSTRAINT_PARAMETERS_MAP:
                    CONSTRAINT_PARAMETERS_MAP[parameter](shape)
    except (ReportableRuntimeError, re.error) as exc:
        raise ShapesError(f"{where}: not valid SHACL: {exc}") from None
    prefixes = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in _declared_prefixes(graph).items())
    for select in graph.objects(None, SH.select):
        try:
            ox.Store().query(prefixes + str(select))
        except SyntaxError as exc:
            raise ShapesError(f"{where}: a SPARQL constraint does not parse: {exc}") from None


_TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)


def targeted_property_shapes(shapes: Graph) -> Graph:
    """The same shapes with each named property shape that node shapes reach through ``sh:property``
    given their targets directly, instead of being reached through them.

    Both forms check the same focus nodes with the same constraints and messages, and a result names
    the property shape as its source either way; but pySHACL (0.40) evaluates a property shape reached
    through ``sh:property`` once per focus node, building its constraint objects anew each time:
    52,855 shape evaluations for 500 synthetic articles. Targeted, a property shape is evaluated once
    for all its focus nodes: validation took about half the CPU (docs/validation.md).

    Only where that is the same: the node shape has targets of its own and is not used by any other
    shape (``sh:node``, ``sh:or``, …), and so is every node shape that reaches the property shape,
    which has an IRI (a report names an anonymous shape by the shape that holds it).
    """
    used = {o for _, p, o in shapes if p not in _TARGETS and p != RDF.type}
    holders: dict[URIRef, list] = {}
    for node_shape, property_shape in shapes.subject_objects(SH.property):
        holders.setdefault(property_shape, []).append(node_shape)
    movable = {
        property_shape: node_shapes for property_shape, node_shapes in holders.items()
        if isinstance(property_shape, URIRef)
        and all(n not in used and any(shapes.objects(n, t) for t in _TARGETS) for n in node_shapes)}
    if not movable:
        return shapes
    result = Graph(store="SimpleMemory")  # as load_shapes: pySHACL reads it for every focus node
    for prefix, namespace in shapes.namespaces():
        result.bind(prefix, namespace)
    for triple in shapes:
        if not (triple[1] == SH.property and triple[2] in movable):
            result.add(triple)
    for property_shape, node_shapes in movable.items():
        for node_shape in node_shapes:
            for target in _TARGETS:
                for value in shapes.objects(node_shape, target):
                    result.add((property_shape, target, value))
    return result


def _declared_prefixes(graph: Graph) -> dict[str, str]:
    return {str(p): str(ns) for decl in graph.objects(None, SH.declare)
            for p in graph.objects(decl, SH.prefix) for ns in graph.objects(decl, SH.namespace)}


# --- the data graph ----------------------------------------------------------------------------

def _fast_data_graph(store: ox.Store):
    """pySHACL's Oxigraph-backed data graph, without the full COUNT(*) it runs for every result.

    pySHACL tests ``datagraph or shapes_graph`` while describing each result, and the truth value
    of its Oxigraph graph is its length, a query over the whole dataset. A data graph is never
    empty here.
    """
    from pyshacl.graph_abstraction import OxigraphDataGraph

    class _DataGraph(OxigraphDataGraph):
        def __bool__(self) -> bool:
            return True

    return _DataGraph(store)


class BuildContext:
    """What a build has written so far that :func:`store_context` would find in the store, over the article
    graphs of the batches already written (:func:`kg.pipeline.build_store` adds each batch as it writes it):

    * every :data:`CONTEXT_PREDICATES` triple, by subject (N-Triples terms, each once however many
      article graphs state it): the context of a node is read here, not asked of the store. Asking (one
      query per node, once per build) took 6.4 s of the parent's CPU at 10,000 articles, this 0.8 s, and
      the build prints every triple it writes anyway; 280,000 distinct triples of 150,000 subjects at
      10,000 articles (about 100 MB);
    * the events participations are in: an event outside them has no participations in earlier
      batches, so the store is not asked about it (most events are reported by one article).
    """

    def __init__(self) -> None:
        self.events: set[str] = set()
        self.answers: dict[str, set[Triple]] = {}  # N-Triples terms, as store_context gives them

    @property
    def subjects(self):
        """The nodes earlier batches said something in context about (the others have no context)."""
        return self.answers.keys()

    def add(self, triples: Iterable[Triple]) -> None:
        """Note what the article-graph *triples* (a batch, as written; N-Triples terms) add to the store."""
        events, answers = self.events, self.answers
        for triple in triples:
            s, p, o = triple
            if p in _CONTEXT_IRIS:
                subject = _value(s)
                known = answers.get(subject)
                if known is None:
                    answers[subject] = {triple}
                else:
                    known.add(triple)
            if p == _IN_EVENT and s[0] == "<":
                events.add(_value(o))


def _value(term: str) -> str:
    """The IRI of an N-Triples IRI term, the label of a blank node."""
    return term[1:-1] if term[0] == "<" else term[2:]


_CONTEXT_IRIS = frozenset(f"<{p}>" for p in CONTEXT_PREDICATES)
_IN_EVENT = f"<{KGO.inEvent}>"
_RDF_TYPE, _START_DATE, _KGO = f"<{RDF.type}>", f"<{SCHEMA.startDate}>", f"<{KGO}"


@dataclass
class ArticleNodes:
    """The IRIs of a set of article graphs that validation in context needs, read from their triples in
    one pass (scanning the rdflib graphs four times cost 1.1 of the 1.7 s a build spent starting
    each batch's validation)."""

    described: set[str] = field(default_factory=set)  # typed with a kg class
    subjects: set[str] = field(default_factory=set)  # anything stated about
    mentioned: set[str] = field(default_factory=set)  # objects
    events: set[str] = field(default_factory=set)  # with a start date

    @classmethod
    def of(cls, triples: Iterable[Triple]) -> "ArticleNodes":
        """The nodes of *triples* (N-Triples terms: :meth:`kg.build.ArticleGraph.triples`)."""
        nodes = cls()
        described, subjects, mentioned, events = nodes.described, nodes.subjects, nodes.mentioned, nodes.events
        for s, p, o in triples:
            if o[0] == "<":
                mentioned.add(o[1:-1])
            if s[0] == "<":
                subject = s[1:-1]
                subjects.add(subject)
                if p == _RDF_TYPE and o.startswith(_KGO):
                    described.add(subject)
                elif p == _START_DATE:
                    events.add(subject)
        return nodes


def store_context(store: ox.Store, articles: list[ArticleGraph], inputs: "Inputs",
                  build_context: BuildContext | None = None, *, nodes: ArticleNodes | None = None) -> list[Triple]:
    """What other articles in the store say about the nodes the new articles refer to, as triples of
    N-Triples terms (sorted).

    For every entity the new graphs describe or mention (not the PROV nodes every article graph
    shares, not reference data): its :data:`CONTEXT_PREDICATES` triples; for every new event: the
    participations other articles state in it. Only article graphs are read, not the graphs being
    replaced and not the inferred graph (it may hold entailments of a replaced article); identical
    triples from several articles come once.

    One small ``SELECT DISTINCT`` per node, its predicates in a ``VALUES`` block: a node that many
    articles describe has each of its triples once per article graph, and reading those quads into
    Python grew with the store (6.4 s of CPU for a batch of 1,000 articles against a store of 10,000,
    about ten times that at 100,000); the query drops the duplicates inside Oxigraph. (A single query
    with the *nodes* in a ``VALUES`` block took 3 s instead of 40 ms at 1,000 articles: Oxigraph does
    not drive index lookups from it, docs/validation.md.) With *build_context* (a build), the nodes' context
    is what it kept of the batches written (no query), and only the events it says have participations
    are asked about.
    *nodes* are the articles' :class:`ArticleNodes`, if the caller has them.
    """
    if nodes is None:
        nodes = ArticleNodes.of(t for a in articles for t in a.triples())
    asked = nodes.described | (nodes.mentioned - nodes.subjects - inputs.static_subjects)
    events = nodes.events
    if build_context is not None:
        asked = {n for n in asked if n in build_context.subjects}
        events = {e for e in events if e in build_context.events}
    # only other articles' graphs: an IRI prefix, minus the graphs being replaced
    article_graphs = ox.Literal(str(graph_iri_for("x", inputs.base))[:-1])
    # the graphs the new articles replace: only those already in the store (none in a build's batch)
    replaced = [g for g in (ox.NamedNode(str(a.graph_iri)) for a in articles) if store.contains_named_graph(g)]
    not_replaced = f" && ?g NOT IN ({_terms(replaced, ', ')})" if replaced else ""
    in_other_articles = f"FILTER (STRSTARTS(STR(?g), {article_graphs}){not_replaced})"

    def about(subject: str, predicates: str, graph: ox.NamedNode | None = None) -> list[Triple]:
        where = f"GRAPH ?g {{ {subject} ?p ?o }} {in_other_articles}" if graph is None else \
            f"GRAPH {graph} {{ {subject} ?p ?o }}"
        query = f"SELECT DISTINCT ?p ?o WHERE {{ VALUES ?p {{ {predicates} }} {where} }}"
        # pyoxigraph prints its terms as N-Triples, as kg.rdfterms writes them
        return [(subject, str(row[0]), str(row[1])) for row in store.query(query)]

    context, participation = _values(CONTEXT_PREDICATES), _values(PARTICIPATION_PREDICATES)
    found: set[Triple] = set()
    for node in asked:
        if build_context is None:
            found.update(about(str(ox.NamedNode(node)), context))
        else:  # a build: what earlier batches wrote about the node, as BuildContext.add kept it
            found.update(build_context.answers[node])
    for event in events:
        # other articles' participations in the event, each as the article that states it has it
        query = (f"SELECT DISTINCT ?part ?g WHERE {{ GRAPH ?g {{ ?part {ox.NamedNode(str(KGO.inEvent))} "
                 f"{ox.NamedNode(event)} }} {in_other_articles} FILTER (isIRI(?part)) }}")
        for part, graph in store.query(query):
            found.update(about(str(part), participation, graph))
    return sorted(found)


def context_graph_iri(base: str | None = None) -> URIRef:
    """The named graph that holds the store context in a validation's data graph."""
    return mint("graph", "validation-context", base=base)


def _values(terms) -> str:
    """IRIs for a SPARQL ``VALUES`` block, printed by pyoxigraph (which refuses a non-IRI)."""
    return _terms(ox.NamedNode(str(t)) for t in terms)


def _terms(terms: Iterable[ox.NamedNode], separator: str = " ") -> str:
    """pyoxigraph terms in SPARQL syntax (they print as N-Triples)."""
    return separator.join(map(str, terms))


# --- running pySHACL ---------------------------------------------------------------------------

def validate_articles(articles: list[ArticleGraph], inputs: "Inputs", *,
                      store: ox.Store | None = None) -> ValidationReport:
    """Validate the graphs of *articles* against the project's shapes.

    Without a *store* (a full build, or ``kg validate`` with no store) every result counts, the
    reference data's included. With a *store*, the articles are validated with the context the
    store holds about their nodes, and only results about the nodes they describe are kept.
    """
    return start_validation(articles, inputs, store=store).report()


@dataclass
class PendingValidation:
    """A validation running in a child process (:func:`start_validation`); :meth:`report` waits for it."""

    articles: list[ArticleGraph]
    inputs: "Inputs"
    shapes: Graph
    in_context: bool
    running: Limited
    nodes: ArticleNodes

    def report(self) -> ValidationReport:
        report_graph = self.running.result()
        if self.in_context:
            # Results about the context itself (partial descriptions of other articles' nodes) are not
            # this load's business. (pySHACL's focus_nodes option cannot do this: it also filters the
            # value nodes of nested sh:node / sh:or shapes, so those would silently pass.)
            _keep_results_about(report_graph, {URIRef(s) for s in self.nodes.subjects})
        return ValidationReport(_results(report_graph, self.shapes, self.articles, self.inputs), report_graph)


def start_validation(articles: list[ArticleGraph], inputs: "Inputs", *, store: ox.Store | None = None,
                     nquads: list[str] | None = None,
                     build_context: BuildContext | None = None) -> PendingValidation:
    """Start validating *articles* (as :func:`validate_articles`) and return without waiting: the
    context is read from *store* now, and pySHACL runs in a forked child, so the caller may go on
    (a build prepares its next batch meanwhile) and may write to the store. *nquads*, if given, are the
    articles' N-Quads lines already made (a build makes each batch's once, for this and the store)."""
    shapes = load_shapes(inputs.project.shapes_dir)
    if nquads is None:
        nquads = [line for article in articles for line in article.nquads()]
    nodes = ArticleNodes.of(t for article in articles for t in article.triples())
    context = store_context(store, articles, inputs, build_context, nodes=nodes) if store is not None else []
    context_lines = nt_quads(context, f"<{context_graph_iri(inputs.base)}>")
    # Within the validation budget (kg.limits). Only the context is read here: the child must not use the
    # store, and it puts the data into pySHACL's data graph itself (reading the text in Rust), off this
    # process's path. It imports pySHACL (0.2 s) unless this process did (load_pyshacl): a load goes on meanwhile.
    running = start_limited(Budget.of("validation"), _validate_data, inputs.static_quads, [nquads, context_lines],
                            shapes)
    return PendingValidation(articles, inputs, shapes, store is not None, running, nodes)


def _validate_data(static: list[ox.Quad], texts: list[list[str]], shapes: Graph) -> Graph:
    """:func:`_run_pyshacl` on an in-memory store of the *static* quads and N-Quads lines *texts*
    (the articles, their context)."""
    data = ox.Store()
    data.bulk_extend(static)
    text = "".join(line for lines in texts for line in lines)
    if "_:" in text:  # perhaps a blank node: load would rename it, and results name their nodes
        data.bulk_extend(ox.parse(text, format=ox.RdfFormat.N_QUADS))
    else:
        data.load(text, format=ox.RdfFormat.N_QUADS, lenient=True)  # kg's own text (kg.store.BackgroundWriter)
    return _run_pyshacl(data, shapes)


def _keep_results_about(report: Graph, nodes: set[URIRef]) -> None:
    """Drop the results whose focus node is not in *nodes* from the report graph."""
    dropped = [r for r in report.objects(None, SH.result) if report.value(r, SH.focusNode) not in nodes]
    for result in dropped:
        report.remove((None, SH.result, result))
        report.remove((result, None, None))
    conforms = not any(report.value(r, SH.resultSeverity) == SH.Violation for r in report.objects(None, SH.result))
    for validation_report in list(report.subjects(RDF.type, SH.ValidationReport)):
        report.set((validation_report, SH.conforms, Literal(conforms)))


def load_pyshacl() -> None:
    """Import pySHACL here, so that every validation child forked from now on inherits it (a build
    forks one per batch), with the speed-ups of :mod:`kg.shaclfast`."""
    shaclfast.install()


def _run_pyshacl(data: ox.Store, shapes: Graph) -> Graph:
    shaclfast.install()  # nothing to do if the parent did it before forking (load_pyshacl)
    from pyshacl import validate
    from pyshacl.errors import ReportableRuntimeError

    try:
        # inference='none': inference is a stage of its own; advanced: SPARQL-based constraints;
        # inplace: the data graph is ours and thrown away, so pySHACL need not copy it;
        # allow_warnings: sh:conforms in the report graph means "no violation", as in ours.
        _, report_graph, _ = validate(_fast_data_graph(data), shacl_graph=shapes, inference="none", advanced=True,
                                      inplace=True, allow_warnings=True)
    except (ReportableRuntimeError, SyntaxError, re.error) as exc:
        raise ShapesError(f"the shapes cannot be evaluated: {exc}") from None
    if not isinstance(report_graph, Graph):  # pySHACL returns a ValidationFailure instead of raising it
        raise ShapesError(f"the shapes cannot be evaluated: {report_graph}")
    return report_graph


def _results(report: Graph, shapes: Graph, articles: list[ArticleGraph], inputs: "Inputs") -> list[ValidationResult]:
    origins: dict[URIRef, tuple[str, int]] = {}
    for article in articles:
        path = article.annotation.path  # as the user gave it, like annotation errors; else project-relative
        label = str(path) if not path.is_absolute() else inputs.project.relative(path)
        for node, line in article.node_lines.items():
            origins.setdefault(node, (label, line))
    results = []
    for node in report.objects(None, SH.result):
        focus = report.value(node, SH.focusNode)
        shape = report.value(node, SH.sourceShape)
        file, line = origins.get(focus, (inputs.project.relative(inputs.project.reference_dir), None))
        messages = _messages(report, node, shapes)
        results.append(ValidationResult(
            severity=SEVERITIES.get(report.value(node, SH.resultSeverity), "Violation"),
            file=file, line=line, focus_node=str(focus),
            result_path=_term(report.value(node, SH.resultPath)), shape=_shape_name(shapes, shape),
            message_pl=messages.get("pl", ""), message_en=messages.get("en", ""),
            value=_term(report.value(node, SH.value)),
            constraint=compact(str(report.value(node, SH.sourceConstraintComponent)))))
    results.sort(key=lambda r: (r.file or "", r.line or 0, r.severity, r.shape, r.focus_node, r.value or ""))
    return results


def _term(term: Any) -> str | None:
    if term is None or isinstance(term, BNode):
        return None
    return str(term)


def _shape_name(shapes: Graph, shape: Any) -> str:
    """IRI of the shape; for an anonymous one, the named shape it belongs to."""
    while isinstance(shape, BNode):
        parent = next(shapes.subjects(None, shape), None)
        if parent is None:
            return "_:anonymous"
        shape = parent
    return str(shape)


def _messages(report: Graph, result: Any, shapes: Graph) -> dict[str, str]:
    """Result messages by language.

    pySHACL keeps the language tag of a fixed message but drops it when it fills in the variables
    of a SPARQL constraint's message, so an untagged message is matched to its template.
    """
    templates = [m for source in (report.value(result, SH.sourceConstraint), report.value(result, SH.sourceShape))
                 if source is not None for m in shapes.objects(source, SH.message)]
    found: dict[str, str] = {}
    for message in report.objects(result, SH.resultMessage):
        lang = getattr(message, "language", None) or next(
            (t.language for t in templates if isinstance(t, Literal) and t.language and _matches(t, str(message))), None)
        found.setdefault(lang or "en", str(message))
    return found


def _matches(template: Literal, message: str) -> bool:
    parts = re.split(r"\{[?$]\w+\}", str(template))
    return re.fullmatch(".*?".join(map(re.escape, parts)), message, flags=re.DOTALL) is not None


# --- display -----------------------------------------------------------------------------------

def compact(iri: str | None) -> str:
    """Instance IRIs relative to the base, vocabulary IRIs as CURIEs (for messages).

    >>> compact("https://w3id.org/kg-pl-inclusion/id/person/jan-nowak")
    'person/jan-nowak'
    >>> compact("https://w3id.org/kg-pl-inclusion/shapes#PersonNameShape")
    'kgsh:PersonNameShape'
    """
    if not iri:
        return ""
    from .iri import base_iri
    base = base_iri()
    if iri.startswith(base):
        return iri[len(base):]
    for prefix, namespace in (*PREFIXES.items(), ("kgsh", VOCAB + "shapes#")):
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return iri


_IRI = re.compile(r"https?://[^\s<>\"'(),]+")


def compact_text(text: str) -> str:
    """Shorten the IRIs a message quotes (values of SPARQL constraints).

    >>> compact_text("https://w3id.org/kg-pl-inclusion/id/place/lublin lies in https://w3id.org/kg-pl-inclusion/ontology#City.")
    'place/lublin lies in kgo:City.'
    """
    return _IRI.sub(lambda m: compact(m.group()), text)


def format_report(report: ValidationReport, fmt: str = "text") -> str:
    """The report as ``text``, ``turtle`` (the SHACL report graph) or ``json``."""
    if fmt == "turtle":
        return report.to_turtle()
    if fmt == "json":
        return report.to_json()
    return str(report)
