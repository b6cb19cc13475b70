"""Why does a triple hold? Asserted (in which graph, from which article) or inferred (by which rule
from which triples), as a proof tree found by running the fast-path rules of :mod:`kg.infer`
backwards: for each rule whose conclusion matches the triple, a SELECT over the rule body with the
conclusion's terms bound finds the premises, and each inferred premise is explained in turn.

>>> import pyoxigraph as ox
>>> ex, graph = "http://example.org/", "http://example.org/graph/a"
>>> store = ox.Store()
>>> store.add(ox.Quad(ox.NamedNode(ex + "a"), ox.NamedNode(ex + "p"), ox.NamedNode(ex + "b"), ox.NamedNode(graph)))
>>> explanation = explain(store, ox.Triple(ox.NamedNode(ex + "a"), ox.NamedNode(ex + "p"), ox.NamedNode(ex + "b")))
>>> explanation.asserted, explanation.graphs
(True, ['http://example.org/graph/a'])
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterator

import pyoxigraph as ox

from .errors import OntologyError, UsageError
from .export import inferred_graph_iri
from .infer import Clash, Rule, derivations
from .namespaces import PREFIXES


@dataclass
class Explanation:
    """How *triple* holds in a store.

    * ``graphs``: the graphs it is asserted in (empty when it is not asserted);
    * ``rule``, ``because`` and ``premises``: when it is only inferred, the rule that concludes it,
      the axiom it applied and the explanations of its premises (the axiom's triples first);
    * ``holds`` is False when the triple is neither asserted nor inferred.
    """

    triple: ox.Triple
    graphs: list[str] = field(default_factory=list)
    inferred: bool = False
    rule: Rule | None = None
    premises: list["Explanation"] = field(default_factory=list)
    because: str = ""  # the ontology axiom the rule applied, e.g. "kgo:MOPR rdfs:subClassOf kgo:OPS"

    @property
    def asserted(self) -> bool:
        return bool(self.graphs)

    @property
    def holds(self) -> bool:
        return self.asserted or self.inferred

    def leaves(self) -> Iterator["Explanation"]:
        """The asserted triples the explanation rests on (each once)."""
        seen = set()
        for node in self._walk():
            if node.asserted and node.triple not in seen:
                seen.add(node.triple)
                yield node

    def source_graphs(self) -> list[str]:
        """Every graph an asserted premise comes from (article graphs, ontology, reference data)."""
        return sorted({g for leaf in self.leaves() for g in leaf.graphs})

    def _walk(self) -> Iterator["Explanation"]:
        yield self
        for premise in self.premises:
            yield from premise._walk()

    def text(self, indent: str = "") -> str:
        """A readable proof tree, one triple per line, with prefixed names."""
        head = f"{indent}{_short_triple(self.triple)}"
        if self.asserted:
            return f"{head}\n{indent}  asserted in {', '.join(_short_graph(g) for g in self.graphs)}"
        if not self.inferred:
            return f"{head}\n{indent}  does not hold: it is neither asserted nor inferred in this store"
        if self.rule is None:
            return f"{head}\n{indent}  inferred, but no derivation from the stored triples was found"
        axiom, facts = self.premises[:self.rule.tbox], self.premises[self.rule.tbox:]
        where = sorted({_short_graph(g) for premise in axiom for g in premise.graphs})
        lines = [head, f"{indent}  inferred by {self.rule.name} ({self.rule.label}): {self.because}"
                       f" [{', '.join(where)}]" + (", from:" if facts else "")]
        lines += [premise.text(indent + "    ") for premise in facts]
        return "\n".join(lines)


def explain(store: ox.Store, triple: ox.Triple, *, base: str | None = None, max_depth: int = 25) -> Explanation:
    """Explain *triple* in *store* (asserted graphs plus the inferred graph, as kg stores them)."""
    return _Prover(store, ox.NamedNode(inferred_graph_iri(base)), max_depth).explain(triple, frozenset())


class _Prover:
    def __init__(self, store: ox.Store, inferred: ox.NamedNode, max_depth: int):
        self.store, self.inferred_graph, self.max_depth = store, inferred, max_depth
        self.proved: dict[ox.Triple, Explanation] = {}

    def graphs_of(self, triple: ox.Triple) -> tuple[list[str], bool]:
        graphs, inferred = [], False
        for quad in self.store.quads_for_pattern(triple.subject, triple.predicate, triple.object, None):
            if isinstance(quad.graph_name, ox.DefaultGraph):
                continue  # the union of the named graphs (kg.store), not a source
            if quad.graph_name == self.inferred_graph:
                inferred = True
            else:
                graphs.append(str(quad.graph_name) if isinstance(quad.graph_name, ox.DefaultGraph)
                              else quad.graph_name.value)
        return sorted(graphs), inferred

    def explain(self, triple: ox.Triple, path: frozenset) -> Explanation:
        if triple in self.proved:
            return self.proved[triple]
        graphs, inferred = self.graphs_of(triple)
        explanation = Explanation(triple, graphs, inferred and not graphs)
        if explanation.inferred and len(path) < self.max_depth:
            proof = self.prove(triple, path | {triple})
            if proof:
                explanation.rule, explanation.because, explanation.premises = proof
        if explanation.asserted or explanation.rule:
            self.proved[triple] = explanation
        return explanation

    def prove(self, triple: ox.Triple, path: frozenset) -> tuple[Rule, str, list[Explanation]] | None:
        """The first derivation whose premises are all explained without going round in a circle."""
        for rule, bindings, premises in derivations(self.store, triple, use_default_graph_as_union=True):
            if any(p in path for p in premises):
                continue
            explained = [self.explain(p, path) for p in premises]
            if all(e.asserted or e.rule for e in explained):
                return rule, rule.axiom_text(bindings, _short), explained
        return None


# -- clashes -------------------------------------------------------------------------------------

def inconsistency_error(store: ox.Store, clashes: list[Clash], *, base: str | None = None) -> OntologyError:
    """An :class:`~kg.errors.OntologyError` that names, for each clash, the axiom violated and the
    asserted triples (with their article graphs) that lead to it."""
    parts = []
    for clash in clashes:
        lines = [f"* {clash.describe(_short)}"]
        for triple in clash.triples:
            explanation = explain(store, triple, base=base)
            sources = ", ".join(_short_graph(g) for g in explanation.source_graphs()) or "?"
            lines.append(f"  - {_short_triple(triple)} ({'asserted in' if explanation.asserted else 'from'} {sources})")
            if not explanation.asserted:
                lines += ["      " + line for line in explanation.text().splitlines()[1:]]
        parts.append("\n".join(lines))
    return OntologyError("the ontology and the data are inconsistent (OWL 2 RL):\n" + "\n".join(parts))


# -- reading and writing terms ---------------------------------------------------------------------

def _short(term) -> str:
    if isinstance(term, ox.NamedNode):
        for prefix, namespace in PREFIXES.items():
            if term.value.startswith(namespace) and re.fullmatch(r"[\w.-]*", term.value[len(namespace):]):
                return f"{prefix}:{term.value[len(namespace):]}"
    return str(term)


def _short_triple(triple: ox.Triple) -> str:
    return f"{_short(triple.subject)} {_short(triple.predicate)} {_short(triple.object)}"


def _short_graph(graph: str) -> str:
    marker = "/graph/"
    return graph[graph.index(marker) + 1:] if marker in graph else graph


def parse_term(text: str, *, position: str = "object") -> ox.NamedNode | ox.Literal:
    """Read a term as written on the command line: ``<iri>``, ``prefix:local``, ``a`` (rdf:type),
    a full ``http(s)://`` IRI or, in object position, a literal (``"text"@pl``, ``"5"^^xsd:integer``,
    or anything else as a plain string).

    >>> parse_term("kgo:MOPR")
    <NamedNode value=https://w3id.org/kg-pl-inclusion/ontology#MOPR>
    >>> parse_term('"Szczecin"@pl')
    <Literal value=Szczecin language=pl>
    """
    text = text.strip()
    if text == "a" and position == "predicate":
        return ox.NamedNode(PREFIXES["rdf"] + "type")
    if text.startswith("<") and text.endswith(">"):
        return ox.NamedNode(text[1:-1])
    if re.match(r"https?://", text):
        return ox.NamedNode(text)
    literal = re.fullmatch(r'"(.*)"(?:@([A-Za-z-]+)|\^\^(\S+))?', text, re.S)
    if literal and position == "object":
        value, language, datatype = literal.groups()
        if language:
            return ox.Literal(value, language=language)
        if datatype:
            return ox.Literal(value, datatype=parse_term(datatype, position="datatype"))
        return ox.Literal(value)
    prefix, sep, local = text.partition(":")
    if sep and prefix in PREFIXES:
        return ox.NamedNode(PREFIXES[prefix] + local)
    if position == "object":
        return ox.Literal(text)
    raise UsageError(f"cannot read {text!r} as an IRI: write <http://…>, a full http(s) IRI or prefix:name "
                     f"with one of the prefixes {', '.join(PREFIXES)}")
