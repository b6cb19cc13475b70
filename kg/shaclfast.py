"""Speed-ups of pySHACL that change no result.

pySHACL evaluates constraints in Python, node by node. Three places cost kg most, measured with
cProfile on the validation of 1,000 synthetic articles (docs/validation.md, docs/performance.md):

* its test ``p in <list of some 40 constraint parameters>`` for every shape and focus node
  (:class:`ParameterList`);
* ``sh:node`` concept checks: each participation's role, each organisation's institution type, each
  attendance qualifier is validated against its concept shape again for every focus node that names
  it, though a few dozen concepts are named 50,000 times (20 % of the time);
* ``sh:class``: each value node's types and their superclasses are read again for every focus node
  that names it (an organisation is the affiliation of many participations; 12 %).

Whether a node conforms to a shape, or is an instance of a class, depends only on the data graph and
the shapes, both fixed during one run of ``pyshacl.validate``: :func:`install` keeps those answers
for the run (on pySHACL's executor, which is made per run). Only a *conforming* nested check is kept,
so every failing one is evaluated as pySHACL would and its results (and their ``sh:detail``) are
pySHACL's own. Recursive shapes would make a kept answer depend on the path that reached it; kg's shapes
are not recursive (pySHACL does not support recursion either: it warns and treats the shape as met).

Each replacement is installed only where pySHACL (0.40) still has what it replaces; otherwise nothing
changes but speed. ``tests/test_validation.py`` checks that every targeted bad input gives the same
results with and without them.
"""

from __future__ import annotations

import inspect
from typing import Any, Callable

_ORIGINALS: dict[tuple[Any, str], Any] = {}


class ParameterList(list):
    """A list of constraint parameters whose ``in`` is a set lookup.

    For every shape and every focus node it is given, pySHACL (0.40) filters the shape's predicates
    with ``p in ALL_CONSTRAINT_PARAMETERS``, a list of some 40 IRIs compared one by one with
    rdflib's Python-level ``__eq__``: 4.7 million comparisons, 40 % of the time, validating 300
    synthetic articles (docs/validation.md). pySHACL keeps that list in the module attribute
    ``pyshacl.shape.CONSTRAINT_PARAMS`` (filled on first use); :func:`install` puts this list there
    instead. It copies and appends as pySHACL does with it, so nothing else changes.
    """

    _members: frozenset | None = None

    def __contains__(self, item: object) -> bool:
        if self._members is None:
            self._members = frozenset(self)
        return item in self._members

    def copy(self) -> "ParameterList":
        return ParameterList(self)

    def append(self, item: Any) -> None:
        self._members = None
        super().append(item)


def _kept(executor: Any, name: str, empty: Callable[[], Any]) -> Any:
    """What is kept on *executor* (made for each run of ``pyshacl.validate``) under *name*."""
    kept = executor.__dict__.get(name)
    if kept is None:
        kept = executor.__dict__[name] = empty()
    return kept


def _shape_validate(original: Callable) -> Callable:
    """``Shape.validate`` that remembers, per run, which single nodes conform to the shape.

    pySHACL calls a shape with one node as *focus* for the value nodes of ``sh:node``, ``sh:or``,
    ``sh:xone``, ``sh:and``, ``sh:not`` and nested ``sh:property``; the top-level call for a shape's
    targets passes no focus and is not affected.
    """
    from rdflib.term import IdentifiedNode, Literal

    def validate(self, executor, target_graph, focus=None, _evaluation_path=None):
        if not isinstance(focus, (IdentifiedNode, Literal)):
            return original(self, executor, target_graph, focus, _evaluation_path)
        conforming = _kept(executor, "_kg_conforming", set)
        key = (self.node, focus)
        if key in conforming:
            return True, []
        conforms, reports = original(self, executor, target_graph, focus, _evaluation_path)
        if conforms and not reports:
            conforming.add(key)
        return conforms, reports

    return validate


def _class_evaluate(original: Callable) -> Callable:
    """``ClassConstraintComponent.evaluate`` that reads each value node's classes once per run.

    The test is pySHACL's (``_evaluate_class_rules_rdflib``: an ``rdf:type`` of the node equal to the
    class or having it among its transitive ``rdfs:subClassOf``), and so are the results, made for every
    focus and value node that fails, in pySHACL's order.
    """
    from pyshacl.consts import RDF_type, RDFS_subClassOf
    from rdflib import Literal

    def instance_of(graph, node, cls) -> bool:
        if isinstance(node, Literal):
            return False
        for node_type in graph.objects(node, RDF_type):
            if node_type == cls or cls in graph.transitive_objects(node_type, RDFS_subClassOf):
                return True
        return False

    def evaluate(self, executor, target_graph, focus_value_nodes, _evaluation_path):
        if executor.sparql_mode:  # a remote data graph: pySHACL asks it with SPARQL
            return original(self, executor, target_graph, focus_value_nodes, _evaluation_path)
        known = _kept(executor, "_kg_instance_of", dict)
        reports = []
        for cls in self.class_rules:
            for focus, value_nodes in focus_value_nodes.items():
                for value in value_nodes:
                    found = known.get((value, cls))
                    if found is None:
                        found = known[(value, cls)] = instance_of(target_graph, value, cls)
                    if not found:
                        reports.append(self.make_v_result(target_graph, focus, value_node=value))
        return not reports, reports

    return evaluate


def _replace(owner: Any, name: str, parameters: list[str], make: Callable[[Callable], Callable]) -> None:
    """Replace ``owner.name`` by ``make(original)`` if it takes *parameters* as pySHACL 0.40's does."""
    original = getattr(owner, name, None)
    if (owner, name) in _ORIGINALS or original is None:
        return
    if list(inspect.signature(original).parameters) != parameters:
        return  # another pySHACL: leave it as it is
    _ORIGINALS[(owner, name)] = original
    setattr(owner, name, make(original))


def install() -> None:
    """Put the speed-ups into pySHACL (importing it); calling again changes nothing."""
    import pyshacl.shape as shape_module
    from pyshacl.constraints import ALL_CONSTRAINT_PARAMETERS, CONSTRAINT_PARAMETERS_MAP
    from pyshacl.constraints.core.value_constraints import ClassConstraintComponent

    current = getattr(shape_module, "CONSTRAINT_PARAMS", None)
    if current is None or (isinstance(current, tuple) and len(current) == 2 and current[0] == ALL_CONSTRAINT_PARAMETERS
                           and not isinstance(current[0], ParameterList)):
        shape_module.CONSTRAINT_PARAMS = (ParameterList(ALL_CONSTRAINT_PARAMETERS), CONSTRAINT_PARAMETERS_MAP)
    _replace(shape_module.Shape, "validate", ["self", "executor", "target_graph", "focus", "_evaluation_path"],
             _shape_validate)
    if hasattr(ClassConstraintComponent, "_evaluate_class_rules_rdflib"):  # the test replaced, as in 0.40
        _replace(ClassConstraintComponent, "evaluate",
                 ["self", "executor", "target_graph", "focus_value_nodes", "_evaluation_path"], _class_evaluate)


def uninstall() -> None:
    """Give pySHACL back its own code (tests compare the two)."""
    import pyshacl.shape as shape_module
    from pyshacl.constraints import ALL_CONSTRAINT_PARAMETERS, CONSTRAINT_PARAMETERS_MAP

    for (owner, name), original in _ORIGINALS.items():
        setattr(owner, name, original)
    _ORIGINALS.clear()
    shape_module.CONSTRAINT_PARAMS = (list(ALL_CONSTRAINT_PARAMETERS), CONSTRAINT_PARAMETERS_MAP)
