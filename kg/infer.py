"""Stage 5a: materialise OWL 2 RL entailments into their own named graph, ``{base}graph/inferred``.

The reference semantics is owlrl (:func:`owlrl_entailments`); it is far too slow for the whole graph,
so kg computes the same entailments with the *fast path*: the OWL 2 RL rules (W3C OWL 2 Profiles,
§4.3, tables 4–9) that the ontology actually uses, written once as data (:data:`RULES`) and run by
the embedded store as SPARQL Update until nothing new is derived. The same rule bodies, run as
SELECT queries with the conclusion bound, explain a triple backwards (:mod:`kg.explain`).

* :func:`check_constructs` fails loudly when the ontology (or data) uses an OWL construct the fast
  path does not implement, so the two can never silently diverge;
* :func:`drop_reason` is the one filter both paths go through before anything is stored
  (docs/reasoning.md lists and explains every category it drops);
* :func:`materialise` returns the inferred triples and any clash (inconsistency) as data; the
  pipeline decides to raise.

>>> rule = next(r for r in RULES if r.name == "cax-sco")
>>> rule.head, rule.body[0]
(('?x', 'rdf:type', '?d'), ('?c', 'rdfs:subClassOf', '?d'))
"""
from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable, Iterator

import pyoxigraph as ox
from rdflib import namespace as rdflib_namespace

from .errors import OntologyError

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
RULE_PREFIXES = {"rdf": RDF, "rdfs": RDFS, "owl": OWL}
_SPARQL_PREFIXES = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in RULE_PREFIXES.items())
RDF_TYPE = ox.NamedNode(RDF + "type")
_OWL_NOTHING = ox.NamedNode(OWL + "Nothing")

Pattern = tuple[str, str, str]


@dataclass(frozen=True)
class Rule:
    """One OWL 2 RL rule: if every triple of *body* holds (and the *filters*), then *head* holds.

    Terms are SPARQL: ``?var`` or a prefixed name of :data:`RULE_PREFIXES`. A rule whose *head*
    is ``None`` derives nothing: it detects a clash (an inconsistency). *tbox* says how many of
    the leading body patterns are ontology axioms (shown as "because …" in explanations).
    """

    name: str
    label: str
    axiom: str  # how the ontology axiom the rule applies reads, as a str.format template over the bindings
    head: Pattern | None
    body: tuple[Pattern, ...]
    filters: tuple[str, ...] = ()
    tbox: int = 1

    def where(self, *extra: str, delta: tuple[int, str] | None = None) -> str:
        """The rule body as a SPARQL group pattern (with *extra* clauses appended); with *delta*
        = (i, graph), body pattern number i matches only the triples in that graph."""
        index, graph = delta or (None, None)
        patterns = "\n  ".join(f"GRAPH <{graph}> {{ {s} {p} {o} }}" if i == index else f"{s} {p} {o} ."
                                for i, (s, p, o) in enumerate(self.body))
        filters = "".join(f"\n  FILTER({f})" for f in self.filters)
        more = "".join(f"\n  {clause}" for clause in extra)
        return f"{{\n  {patterns}{filters}{more}\n}}"

    def axiom_text(self, bindings: dict, show=str) -> str:
        """The axiom this rule applied, e.g. ``kgo:MOPR rdfs:subClassOf kgo:OPS``."""
        return self.axiom.format(**{k: show(v) for k, v in bindings.items()})

    def variables(self) -> list[str]:
        names = [t[1:] for pattern in self.body for t in pattern if t.startswith("?")]
        return list(dict.fromkeys(names))

    def inserts(self, new: str, previous: str | None = None) -> list[str]:
        """The SPARQL Updates that apply the rule once. Conclusions not yet known go to the default
        graph (where the rules read) and to the graph *new* of this round's new triples.

        Semi-naive evaluation (when the graph *previous* of the last round's new triples is given):
        a conclusion can be new only if one of its fact premises is new, so one update per fact
        pattern, with that pattern matched against *previous* only.
        """
        s, p, o = self.head
        head = f"{s} {p} {o}"
        insert = f"INSERT {{ {head} . GRAPH <{new}> {{ {head} }} }} WHERE "
        deltas = [(i, previous) for i in range(self.tbox, len(self.body))] if previous else [None]
        return [insert + self.where(f"FILTER NOT EXISTS {{ {head} }}", delta=d) for d in deltas]


def _rule(name: str, label: str, axiom: str, head: Pattern | None, *body: Pattern, filters=(), tbox=1) -> Rule:
    return Rule(name, label, axiom, head, body, tuple(filters), tbox)


_X_TYPE_C, _X_TYPE_D = ("?x", "rdf:type", "?c"), ("?x", "rdf:type", "?d")
_HAS_VALUE = (("?c", "owl:equivalentClass", "?r"), ("?r", "owl:hasValue", "?v"), ("?r", "owl:onProperty", "?p"))
_CHAIN_OF_TWO = (("?p", "owl:propertyChainAxiom", "?l"), ("?l", "rdf:first", "?p1"), ("?l", "rdf:rest", "?l2"),
                 ("?l2", "rdf:first", "?p2"), ("?l2", "rdf:rest", "rdf:nil"))

#: The fast path: the OWL 2 RL rules kg implements, named as in the OWL 2 Profiles tables.
#: owl:hasValue restrictions are handled only as ``C owl:equivalentClass [hasValue]``, the form
#: the ontology uses; cls-hv1/cls-hv2 are composed with cax-eqc1/cax-eqc2 so that no triple
#: about an anonymous class (``?x a _:restriction``) is ever needed.
RULES: tuple[Rule, ...] = (
    _rule("cax-sco", "subclass", "{c} rdfs:subClassOf {d}",
          _X_TYPE_D, ("?c", "rdfs:subClassOf", "?d"), _X_TYPE_C, filters=["isIRI(?d)"]),
    _rule("cax-eqc1", "equivalent class", "{c} owl:equivalentClass {d}",
          _X_TYPE_D, ("?c", "owl:equivalentClass", "?d"), _X_TYPE_C, filters=["isIRI(?c) && isIRI(?d)"]),
    _rule("cax-eqc2", "equivalent class", "{c} owl:equivalentClass {d}",
          _X_TYPE_C, ("?c", "owl:equivalentClass", "?d"), _X_TYPE_D, filters=["isIRI(?c) && isIRI(?d)"]),
    _rule("cls-hv1", "class defined by a value: member → value", "{c} ≡ {p} value {v}",
          ("?x", "?p", "?v"), *_HAS_VALUE, _X_TYPE_C, filters=["isIRI(?c)"], tbox=3),
    _rule("cls-hv2", "class defined by a value: value → member", "{c} ≡ {p} value {v}",
          _X_TYPE_C, *_HAS_VALUE, ("?x", "?p", "?v"), filters=["isIRI(?c)"], tbox=3),
    _rule("prp-dom", "property domain", "{p} rdfs:domain {c}",
          _X_TYPE_C, ("?p", "rdfs:domain", "?c"), ("?x", "?p", "?y"), filters=["isIRI(?c)"]),
    _rule("prp-rng", "property range", "{p} rdfs:range {c}",
          ("?y", "rdf:type", "?c"), ("?p", "rdfs:range", "?c"), ("?x", "?p", "?y"),
          filters=["isIRI(?c) && !isLiteral(?y)"]),
    _rule("prp-spo1", "subproperty", "{p} rdfs:subPropertyOf {q}",
          ("?x", "?q", "?y"), ("?p", "rdfs:subPropertyOf", "?q"), ("?x", "?p", "?y")),
    _rule("prp-eqp1", "equivalent property", "{p} owl:equivalentProperty {q}",
          ("?x", "?q", "?y"), ("?p", "owl:equivalentProperty", "?q"), ("?x", "?p", "?y")),
    _rule("prp-eqp2", "equivalent property", "{p} owl:equivalentProperty {q}",
          ("?x", "?p", "?y"), ("?p", "owl:equivalentProperty", "?q"), ("?x", "?q", "?y")),
    _rule("prp-inv1", "inverse property", "{p} owl:inverseOf {q}",
          ("?y", "?q", "?x"), ("?p", "owl:inverseOf", "?q"), ("?x", "?p", "?y"), filters=["!isLiteral(?y)"]),
    _rule("prp-inv2", "inverse property", "{p} owl:inverseOf {q}",
          ("?y", "?p", "?x"), ("?p", "owl:inverseOf", "?q"), ("?x", "?q", "?y"), filters=["!isLiteral(?y)"]),
    _rule("prp-symp", "symmetric property", "{p} rdf:type owl:SymmetricProperty",
          ("?y", "?p", "?x"), ("?p", "rdf:type", "owl:SymmetricProperty"), ("?x", "?p", "?y"),
          filters=["!isLiteral(?y)"]),
    _rule("prp-trp", "transitive property", "{p} rdf:type owl:TransitiveProperty",
          ("?x", "?p", "?z"), ("?p", "rdf:type", "owl:TransitiveProperty"), ("?x", "?p", "?y"), ("?y", "?p", "?z")),
    _rule("prp-spo2", "property chain", "{p} owl:propertyChainAxiom ({p1} {p2})",
          ("?x", "?p", "?z"), *_CHAIN_OF_TWO, ("?x", "?p1", "?y"), ("?y", "?p2", "?z"), tbox=5),
)

#: Clash rules: OWL 2 RL rules whose conclusion is ``false`` (the data is inconsistent).
CLASH_RULES: tuple[Rule, ...] = (
    _rule("cax-dw", "disjoint classes", "{c1} owl:disjointWith {c2}",
          None, ("?c1", "owl:disjointWith", "?c2"), ("?x", "rdf:type", "?c1"), ("?x", "rdf:type", "?c2")),
    _rule("cax-adc", "pairwise disjoint classes", "owl:AllDisjointClasses with members {c1} and {c2}",
          None, ("?d", "rdf:type", "owl:AllDisjointClasses"), ("?d", "owl:members", "?l"),
          ("?l", "rdf:rest*/rdf:first", "?c1"), ("?l", "rdf:rest*/rdf:first", "?c2"),
          ("?x", "rdf:type", "?c1"), ("?x", "rdf:type", "?c2"), filters=["STR(?c1) < STR(?c2)"], tbox=4),
    _rule("cls-nothing2", "member of owl:Nothing", "{x} rdf:type owl:Nothing",
          None, ("?x", "rdf:type", "owl:Nothing"), tbox=0),
)

#: Terms of the RDFS/OWL vocabulary the fast path understands (as predicates, or as classes
#: after rdf:type). Anything else from those namespaces makes :func:`check_constructs` fail.
SUPPORTED_PREDICATES = frozenset({
    RDFS + "subClassOf", RDFS + "subPropertyOf", RDFS + "domain", RDFS + "range",
    OWL + "equivalentClass", OWL + "equivalentProperty", OWL + "inverseOf", OWL + "propertyChainAxiom",
    OWL + "hasValue", OWL + "onProperty", OWL + "disjointWith", OWL + "members",
    # annotations, axiom annotations and ontology metadata: no semantics in OWL 2 RL
    RDFS + "label", RDFS + "comment", RDFS + "seeAlso", RDFS + "isDefinedBy",
    OWL + "versionIRI", OWL + "versionInfo", OWL + "priorVersion", OWL + "deprecated",
    OWL + "backwardCompatibleWith", OWL + "incompatibleWith",
    OWL + "annotatedSource", OWL + "annotatedProperty", OWL + "annotatedTarget",
})
SUPPORTED_TYPES = frozenset({
    OWL + "Class", RDFS + "Class", OWL + "Restriction", OWL + "ObjectProperty", OWL + "DatatypeProperty",
    OWL + "AnnotationProperty", RDF + "Property", OWL + "Ontology", OWL + "NamedIndividual",
    RDFS + "Datatype", OWL + "AllDisjointClasses", OWL + "SymmetricProperty", OWL + "TransitiveProperty",
    OWL + "Thing", OWL + "Nothing", RDF + "List",
    OWL + "DeprecatedClass", OWL + "DeprecatedProperty", OWL + "OntologyProperty", OWL + "Axiom", OWL + "Annotation",
})


def _vocabulary(namespace) -> set[str]:
    return {str(namespace) + name for name in namespace.__annotations__}


#: The OWL and RDFS terms (as listed by rdflib) that the fast path does not implement.
_UNSUPPORTED_TERMS = (_vocabulary(rdflib_namespace.OWL) | _vocabulary(rdflib_namespace.RDFS)) - SUPPORTED_PREDICATES \
    - SUPPORTED_TYPES

#: Shapes of axioms the fast path implements only in one form; each query finds the other forms.
_UNSUPPORTED_FORMS = {
    "a superclass that is a class expression (only named superclasses are implemented)":
        "SELECT ?s ?o WHERE { ?s rdfs:subClassOf ?o FILTER(!isIRI(?o)) }",
    "a subclass that is a class expression":
        "SELECT ?s ?o WHERE { ?s rdfs:subClassOf ?o FILTER(!isIRI(?s)) }",
    "owl:equivalentClass other than between named classes or `Class ≡ hasValue restriction`":
        "SELECT ?s ?o WHERE { ?s owl:equivalentClass ?o "
        "FILTER(!isIRI(?s) || (!isIRI(?o) && NOT EXISTS { ?o owl:hasValue ?v ; owl:onProperty ?p })) }",
    "an owl:Restriction used other than as the object of owl:equivalentClass of a named class":
        "SELECT ?s ?o WHERE { { ?o a owl:Restriction } UNION { ?o owl:hasValue ?v } "
        "{ ?s ?q ?o FILTER(?q != owl:equivalentClass) } UNION { ?o ?q ?s FILTER(?q NOT IN "
        "(rdf:type, owl:onProperty, owl:hasValue)) } }",
    "a hasValue restriction without exactly one owl:onProperty and one owl:hasValue":
        "SELECT ?s ?o WHERE { ?s owl:hasValue ?o . "
        "{ ?s owl:hasValue ?o2 FILTER(?o2 != ?o) } UNION { FILTER NOT EXISTS { ?s owl:onProperty ?p } } "
        "UNION { ?s owl:onProperty ?p1 , ?p2 FILTER(?p1 != ?p2) } }",
    "a property chain that is not two named properties (only prp-spo2 with two links is implemented)":
        "SELECT ?s ?o WHERE { ?s owl:propertyChainAxiom ?o FILTER NOT EXISTS { ?o rdf:first ?p1 ; "
        "rdf:rest ?l2 . ?l2 rdf:first ?p2 ; rdf:rest rdf:nil FILTER(isIRI(?p1) && isIRI(?p2)) } }",
    "rdfs:domain or rdfs:range that is a class expression":
        "SELECT ?s ?o WHERE { ?s rdfs:domain|rdfs:range ?o FILTER(!isIRI(?o)) }",
    "owl:members outside owl:AllDisjointClasses":
        "SELECT ?s ?o WHERE { ?s owl:members ?o FILTER NOT EXISTS { ?s a owl:AllDisjointClasses } }",
}


class UnsupportedConstruct(OntologyError):
    """The ontology or data uses OWL the fast path does not implement (its results would be wrong)."""


def _select(store: ox.Store, sparql: str, **kwargs) -> ox.QuerySolutions:
    return store.query(_SPARQL_PREFIXES + sparql, **kwargs)


def check_constructs(store: ox.Store, *, limit: int = 10, **query_options) -> None:
    """Raise :class:`UnsupportedConstruct` if *store* uses RDFS/OWL terms or axiom forms that the
    fast path does not implement; the message lists each one with example triples."""
    problems: list[str] = []
    unsupported = f"""
        SELECT ?t ?s ?p ?o WHERE {{
          VALUES ?t {{ {_iri_list(_UNSUPPORTED_TERMS)} }}
          {{ ?s ?t ?o BIND(?t AS ?p) }} UNION {{ ?s rdf:type ?t BIND(rdf:type AS ?p) BIND(?t AS ?o) }}
        }} LIMIT {limit * 5}"""
    by_term: dict[str, list[str]] = {}
    for row in _select(store, unsupported, **query_options):
        by_term.setdefault(str(row["t"]), []).append(f"{row['s']} {row['p']} {row['o']}")
    for term, examples in sorted(by_term.items()):
        problems.append(f"{term} is not implemented by the fast path, e.g. " + "; ".join(examples[:3]))
    for form, sparql in _UNSUPPORTED_FORMS.items():
        rows = list(_select(store, sparql + f" LIMIT {limit}", **query_options))
        if rows:
            problems.append(f"{form}: " + "; ".join(f"{r['s']} → {r['o']}" for r in rows[:3]))
    if problems:
        raise UnsupportedConstruct(
            "the ontology uses OWL constructs that kg's fast OWL RL reasoner does not implement, so its "
            "inferences would differ from the reference (owlrl):\n  " + "\n  ".join(problems)
            + "\nImplement the missing rule in kg/infer.py (RULES, with a test against owlrl) or change the axiom.")


def _iri_list(iris: Iterable[str]) -> str:
    return " ".join(f"<{i}>" for i in sorted(iris))


# -- what is worth storing -------------------------------------------------------------------------

#: Predicates that state axioms about the vocabulary (T-box) rather than facts about things.
SCHEMA_PREDICATES = frozenset({RDFS + "subClassOf", RDFS + "subPropertyOf", RDFS + "domain", RDFS + "range",
                               RDF + "first", RDF + "rest"})
_VOCABULARY_NAMESPACES = (RDF, RDFS, OWL, XSD)


def drop_reason(s, p, o) -> str | None:
    """Why the triple (s, p, o) is not stored as an inference, or None if it is useful.

    Works on pyoxigraph and rdflib terms alike. The categories are documented in docs/reasoning.md.
    """
    p, o_text = _text(p), _text(o)
    if _is_literal(s):
        return "literal subject"
    if _is_blank(s) or _is_blank(o):
        return "blank node"
    if p == OWL + "sameAs" and _text(s) == o_text and not _is_literal(o):
        return "reflexive owl:sameAs"
    if p == RDF + "type" and o_text == OWL + "Thing":
        return "rdf:type owl:Thing"
    if p == RDF + "type" and o_text.startswith(_VOCABULARY_NAMESPACES):
        return "vocabulary typing"
    if p in SCHEMA_PREDICATES or (p.startswith(OWL) and p not in (OWL + "sameAs", OWL + "differentFrom")):
        return "schema axiom"
    return None


def _text(term) -> str:
    """An IRI's string (pyoxigraph prints ``<iri>``, rdflib ``iri``), or a literal's lexical form."""
    return term.value if isinstance(term, (ox.NamedNode, ox.Literal)) else str(term)


def _is_literal(term) -> bool:
    return isinstance(term, ox.Literal) or type(term).__name__ == "Literal"


def _is_blank(term) -> bool:
    return isinstance(term, ox.BlankNode) or type(term).__name__ == "BNode"


# -- the fast path -----------------------------------------------------------------------------------

#: Graphs of the working store: its default graph holds everything (asserted and derived); the
#: triples first derived in round n are also in the graph ROUND_GRAPH + n (for semi-naive evaluation).
ROUND_GRAPH = "urn:kg:infer:round:"


@dataclass(frozen=True)
class Clash:
    """One violation of a clash rule: the rule, its variable bindings and the triples involved."""

    rule: Rule
    bindings: dict[str, ox.NamedNode | ox.BlankNode | ox.Literal]
    triples: tuple[ox.Triple, ...]

    def __str__(self) -> str:
        return self.describe()

    def describe(self, show=str) -> str:
        b = self.bindings
        if self.rule.name == "cls-nothing2":
            return f"{show(b['x'])} is a member of owl:Nothing (cls-nothing2)"
        return (f"{show(b['x'])} is both {show(b['c1'])} and {show(b['c2'])}, but "
                f"{self.rule.axiom_text(b, show)} ({self.rule.name})")


@dataclass
class Inference:
    """The result of :func:`materialise`: useful inferred triples, clashes and statistics."""

    triples: list[ox.Triple]
    clashes: list[Clash]
    rounds: int
    seconds: float
    asserted: int
    derived: int  # everything the rules derived, before filtering
    dropped: Counter = field(default_factory=Counter)
    #: every derived triple, unfiltered; kept only when there are clashes (to explain them)
    everything_derived: list[ox.Triple] = field(default_factory=list)

    @property
    def consistent(self) -> bool:
        return not self.clashes

    # An inference computed in a child process (kg.limits) comes back pickled: its triples travel as
    # N-Triples, which pyoxigraph writes and reads in Rust (500,000 triples at 10,000 articles: 1 s
    # instead of 10 s of pickling pyoxigraph objects one by one).
    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        for name in ("triples", "everything_derived"):
            state[name] = ox.serialize(state[name], format=ox.RdfFormat.N_TRIPLES)
        return state

    def __setstate__(self, state: dict) -> None:
        for name in ("triples", "everything_derived"):
            state[name] = [q.triple for q in ox.parse(state[name], format=ox.RdfFormat.N_TRIPLES)]
        self.__dict__.update(state)


def materialise(quads: Iterable[ox.Quad | ox.Triple], *, max_rounds: int = 100) -> Inference:
    """Apply :data:`RULES` to the asserted *quads* (all graphs merged) until nothing new follows.

    Returns the useful inferred triples (never one that is asserted) and any clashes.

    >>> from pyoxigraph import NamedNode as N, Quad as Q
    >>> ex = "http://example.org/"
    >>> result = materialise([Q(N(ex + "A"), N(RDFS + "subClassOf"), N(ex + "B")),
    ...                       Q(N(ex + "a"), RDF_TYPE, N(ex + "A"))])
    >>> [str(t) for t in result.triples], result.consistent
    (['<http://example.org/a> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://example.org/B>'], True)
    """
    started = time.perf_counter()
    work = ox.Store()
    default = ox.DefaultGraph()
    work.bulk_extend(ox.Quad(q.subject, q.predicate, q.object, default) for q in quads)
    return saturate(work, max_rounds=max_rounds, started=started)


def saturate(work: ox.Store, *, max_rounds: int = 100, started: float | None = None) -> Inference:
    """:func:`materialise` on an in-memory store that holds the asserted triples in its default graph
    (:attr:`Premises.store`); the rounds' conclusions are added to it as named graphs."""
    started = time.perf_counter() if started is None else started
    asserted = len(work)
    check_constructs(work)
    derived: list[ox.Triple] = []
    rounds = 0
    while rounds < max_rounds:
        new, previous = f"{ROUND_GRAPH}{rounds}", f"{ROUND_GRAPH}{rounds - 1}" if rounds else None
        work.update(_SPARQL_PREFIXES + " ;\n".join(u for rule in RULES for u in rule.inserts(new, previous)))
        rounds += 1
        found = [q.triple for q in work.quads_for_pattern(None, None, None, ox.NamedNode(new))]
        if not found:
            break
        derived += found
    else:
        raise OntologyError(f"OWL RL materialisation did not reach a fixpoint in {max_rounds} rounds")
    clashes = find_clashes(work)
    triples, dropped = [], Counter()
    for triple in derived:
        reason = storable(triple)
        if reason:
            dropped[reason] += 1
        else:
            triples.append(triple)
    return Inference(triples, clashes, rounds, time.perf_counter() - started, asserted, len(derived), dropped,
                     derived if clashes else [])


# -- the premises of a build -----------------------------------------------------------------------

#: The properties the ontology's axioms name for the rules: the ones whose facts a rule reads or concludes.
_RULE_PROPERTIES = _SPARQL_PREFIXES + """SELECT DISTINCT ?p WHERE {
  { ?p rdfs:domain|rdfs:range|rdfs:subPropertyOf|owl:equivalentProperty|owl:inverseOf|owl:propertyChainAxiom ?x }
  UNION { ?x rdfs:subPropertyOf|owl:equivalentProperty|owl:inverseOf|owl:onProperty ?p }
  UNION { ?p rdf:type owl:SymmetricProperty } UNION { ?p rdf:type owl:TransitiveProperty }
  UNION { ?x owl:propertyChainAxiom/rdf:rest*/rdf:first ?p }
  FILTER (isIRI(?p))
}"""
#: Triples that make a property one of those: stated by an article, they could make facts skipped before count.
_PROPERTY_AXIOMS = frozenset({RDFS + "domain", RDFS + "range", RDFS + "subPropertyOf", OWL + "equivalentProperty",
                              OWL + "inverseOf", OWL + "onProperty", OWL + "propertyChainAxiom"})
_PROPERTY_CLASSES = frozenset({OWL + "SymmetricProperty", OWL + "TransitiveProperty"})
#: The only RDF/RDFS/OWL predicates left out of the premises: annotations, no semantics in OWL 2 RL.
_ANNOTATIONS = frozenset({RDFS + "label", RDFS + "comment", RDFS + "seeAlso", RDFS + "isDefinedBy"})
_RULE_NAMESPACES = (RDF, RDFS, OWL)


class Premises:
    """The triples the rules can use, gathered as a build writes its batches: an in-memory store with
    every graph merged into the default graph, for :func:`saturate`.

    It keeps ``rdf:type``, the RDF/RDFS/OWL vocabulary (what :func:`check_constructs` reads; annotations
    aside) and the facts of the properties the ontology's axioms name (:data:`_RULE_PROPERTIES`). No other
    triple can be the premise or the conclusion of an OWL 2 RL rule kg implements (:data:`RULES`), so
    names, labels, provenance, evidence and dates are not copied: about a third of the quads of a
    corpus. This replaced dumping the finished store to N-Quads and parsing it back for the inference
    (33 of its 43 s at 10,000 articles, docs/performance.md).

    The properties are read from *static* (the ontology and reference graphs), given first. An article
    that stated a property axiom itself (kg's do not) could make facts skipped earlier matter:
    :attr:`complete` then turns False, and the caller must infer from every asserted quad instead.
    """

    def __init__(self, static: Iterable[ox.Quad]):
        static = list(static)
        schema = ox.Store()
        schema.bulk_extend(ox.Quad(q.subject, q.predicate, q.object) for q in static)
        self.properties = frozenset(row[0].value for row in schema.query(_RULE_PROPERTIES))
        self.store = ox.Store()
        self.complete = True
        self._keep: dict[str, bool] = {}  # per N-Triples predicate: does the rule set read it?
        self._add(static, data=False)

    def add(self, quads: Iterable[ox.Quad]) -> None:
        """Keep what the rules can use of *quads* (the asserted graphs of a store, read graph by graph)."""
        self._add(quads, data=True)

    def usable(self, triples: Iterable[tuple[str, str, str]]) -> str:
        """What the rules can use of article *triples* (N-Triples terms: a build's batch), as N-Triples
        text for :meth:`load`. A build keeps premises this way: no Python object per term, and the text
        is read in Rust with the GIL released, beside the next batch (:class:`kg.store.BackgroundWriter`)."""
        lines, keep, rdf_type = [], self._keep, self._RDF_TYPE
        for s, p, o in triples:
            kept = keep.get(p)
            if kept is None:
                kept = keep[p] = self._usable_predicate(p[1:-1])
            if kept:
                lines.append(f"{s} {p} {o} .\n")
                if p in self._AXIOMS or (p == rdf_type and o in self._CLASSES):
                    self.complete = False
        return "".join(lines)

    def load(self, text: str) -> None:
        """Keep the premises :meth:`usable` gave (any thread: pyoxigraph reads the text without the GIL)."""
        self.store.load(text, format=ox.RdfFormat.N_TRIPLES, lenient=True)  # kg's own text (BackgroundWriter)

    _RDF_TYPE = f"<{RDF_TYPE.value}>"
    _AXIOMS = frozenset(f"<{p}>" for p in _PROPERTY_AXIOMS)
    _CLASSES = frozenset(f"<{c}>" for c in _PROPERTY_CLASSES)

    def _usable_predicate(self, predicate: str) -> bool:
        return predicate in self.properties or predicate == RDF_TYPE.value or (
            predicate.startswith(_RULE_NAMESPACES) and predicate not in _ANNOTATIONS)

    def _add(self, quads: Iterable[ox.Quad], *, data: bool) -> None:
        kept = []
        for quad in quads:
            predicate = quad.predicate.value
            if self._usable_predicate(predicate):
                kept.append(ox.Quad(quad.subject, quad.predicate, quad.object))
                if data and (predicate in _PROPERTY_AXIOMS or (
                        predicate == RDF_TYPE.value and quad.object.value in _PROPERTY_CLASSES)):
                    self.complete = False
        self.store.bulk_extend(kept)


def storable(triple: ox.Triple) -> str | None:
    """:func:`drop_reason` for a derived triple; raises if the rules derived an axiom from data."""
    reason = drop_reason(*triple)
    if reason == "schema axiom" or (reason == "vocabulary typing" and triple.object != _OWL_NOTHING):
        # an axiom derived from data would feed the rules' ontology premises
        raise UnsupportedConstruct(f"the rules derived an axiom from the data ({triple}): the ontology makes "
                                   "data define classes or properties (meta-modelling), which kg's fast OWL RL "
                                   "reasoner does not implement")
    return reason


def find_clashes(store: ox.Store, *, limit: int = 20, **query_options) -> list[Clash]:
    """The violations of :data:`CLASH_RULES` in *store* (at most *limit* per rule)."""
    clashes, seen = [], set()
    for rule in CLASH_RULES:
        for row in _select(store, f"SELECT * WHERE {rule.where()} LIMIT {limit}", **query_options):
            bindings = {v: row[v] for v in rule.variables() if row[v] is not None}
            triples = tuple(t for t in instantiate(rule.body[rule.tbox:], bindings))
            if frozenset(triples) not in seen:  # one report per clash, even if two axioms forbid it
                seen.add(frozenset(triples))
                clashes.append(Clash(rule, bindings, triples))
    return clashes


# -- running the rules backwards (used by kg.explain) ----------------------------------------------

def _constant(term: str) -> ox.NamedNode:
    prefix, _, local = term.partition(":")
    return ox.NamedNode(RULE_PREFIXES[prefix] + local)


def instantiate(patterns: Iterable[Pattern], bindings: dict) -> Iterator[ox.Triple]:
    """The triples *patterns* stand for under *bindings* (patterns with property paths are skipped)."""
    for pattern in patterns:
        if "/" in pattern[1] or "*" in pattern[1]:
            continue
        terms = [bindings[t[1:]] if t.startswith("?") else _constant(t) for t in pattern]
        yield ox.Triple(*terms)


def unify(head: Pattern, triple: ox.Triple) -> dict | None:
    """Bindings that make the rule *head* equal to *triple*, or None if it cannot."""
    bindings: dict = {}
    for pattern_term, term in zip(head, (triple.subject, triple.predicate, triple.object)):
        if pattern_term.startswith("?"):
            name = pattern_term[1:]
            if bindings.setdefault(name, term) != term:
                return None
        elif _constant(pattern_term) != term:
            return None
    return bindings


def derivations(store: ox.Store, triple: ox.Triple, *, limit: int = 20,
                **query_options) -> Iterator[tuple[Rule, dict, list[ox.Triple]]]:
    """Each way a fast-path rule concludes *triple* from triples in *store*: (rule, bindings, premises)."""
    for rule in RULES:
        bindings = unify(rule.head, triple)
        if bindings is None:
            continue
        sparql = f"SELECT * WHERE {rule.where()} LIMIT {limit}"
        solutions = _select(store, sparql, substitutions={ox.Variable(k): v for k, v in bindings.items()},
                            **query_options)
        for row in solutions:
            full = {**bindings, **{v: row[v] for v in rule.variables() if row[v] is not None}}
            yield rule, full, list(instantiate(rule.body, full))


# -- the reference: owlrl ----------------------------------------------------------------------------

@dataclass
class Reference:
    """What owlrl's OWL 2 RL closure adds to the asserted triples, after :func:`drop_reason`."""

    triples: set[ox.Triple]
    errors: list[str]  # owlrl's inconsistency messages
    dropped: Counter
    seconds: float


def owlrl_entailments(quads: Iterable[ox.Quad | ox.Triple]) -> Reference:
    """Run ``owlrl.DeductiveClosure(owlrl.OWLRL_Semantics)`` on the asserted *quads* (graphs merged)
    and return the useful triples it adds, filtered exactly as the fast path's."""
    import owlrl
    import rdflib
    from owlrl.Namespaces import ERRNS

    from .rdfterms import to_ox

    triples = {ox.Triple(q.subject, q.predicate, q.object) for q in quads}
    graph = rdflib.Graph().parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt")
    asserted = set(graph)
    started = time.perf_counter()
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(graph)  # expands *graph* in place
    seconds = time.perf_counter() - started
    errors = sorted(str(message) for message in graph.objects(None, ERRNS.error))
    useful, dropped = set(), Counter()
    for triple in graph:
        if triple in asserted:
            continue
        reason = drop_reason(*triple)
        if reason:
            dropped[reason] += 1
        else:
            useful.add(ox.Triple(*map(to_ox, triple)))
    return Reference(useful, errors, dropped, seconds)
