"""Reference data: the entities and vocabularies annotations may use without declaring them.

``data/reference/`` holds human-editable YAML files (Polish first, English second):

* ``voivodeships.yaml`` and ``cities.yaml``: the 16 voivodeships and their 18 capital cities;
* seven SKOS concept schemes: ``administrative-levels.yaml``, ``institution-types.yaml``,
  ``post-roles.yaml``, ``event-roles.yaml``, ``topics.yaml``, ``project-kinds.yaml`` and
  ``attendance-qualifiers.yaml``;
* ``programmes.yaml``: EU funds, funding programmes, their measures and national policy
  programmes.

:func:`load_reference` validates the files and turns them into one RDF graph. The keys it
provides are the contract of ``docs/reference-keys.md``; annotations refer to them, and
:meth:`Reference.iri` maps a key to its IRI. Instance data (voivodeships, cities, programmes,
funds) is minted under the configurable base IRI with :func:`kg.iri.mint`; concepts live in
the fixed vocabulary namespaces of :mod:`kg.namespaces`, because the ontology refers to them.

Every node gets an IRI (no blank nodes) and nothing depends on time or dict order, so the
same files always give the same graph. A malformed file raises
:class:`~kg.errors.OntologyError` naming the file, the entry and what is wrong.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, NoReturn

import yaml
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS, XSD

from .errors import OntologyError
from .iri import mint
from .namespaces import ADMIN_LEVEL, CONCEPT, KGO, ORG, PREFIXES, SCHEMA, SCHEMES, WD
from .yamlstrict import libyaml_reads_alike

VOIVODESHIPS_FILE = "voivodeships.yaml"
CITIES_FILE = "cities.yaml"
PROGRAMMES_FILE = "programmes.yaml"

#: Concept-scheme files, in load order: institution types refer to administrative levels.
SCHEME_FILES: Mapping[str, str] = MappingProxyType({
    "administrative-level": "administrative-levels.yaml",
    "institution-type": "institution-types.yaml",
    "post-role": "post-roles.yaml",
    "event-role": "event-roles.yaml",
    "topic": "topics.yaml",
    "project-kind": "project-kinds.yaml",
    "attendance-qualifier": "attendance-qualifiers.yaml",
})

#: The namespaces of :attr:`Reference.keys`.
NAMESPACES = ("voivodeship", "place", *SCHEME_FILES, "programme", "measure", "fund")

#: Collections grouping the institution types (``group:`` of institution-types.yaml).
INSTITUTION_TYPE_GROUP = CONCEPT + "institution-type-group/"

# Keys must already be slugs: mint() would silently rewrite anything else, and the IRI would
# then no longer spell the key an annotation uses.
_KEY = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")
_TERYT = re.compile(r"[0-9]{2}\Z")
_QID = re.compile(r"Q[1-9][0-9]*\Z")
_NUTS2 = re.compile(r"PL[0-9A-Z]{2}\Z")
_CCI = re.compile(r"(19|20)[0-9]{2}[A-Z]{2}[0-9A-Z]{8,9}\Z")  # 2007PL051PO001, 2014PL05M9OP001

_CAPITAL_ROLES = {  # role key -> (Polish, English) description of what the city is the seat of
    "voivode": ("siedziba wojewody", "seat of the voivode"),
    "sejmik-marshal": ("siedziba sejmiku i marszałka województwa", "seat of the regional assembly and the marshal"),
}
_PROGRAMME_KINDS = {"funding": KGO.FundingProgramme, "measure": KGO.ProgrammeMeasure, "policy": KGO.PolicyProgramme}

#: the event role whose narrower roles (and itself) are the active ones: the build writes the shortcut
#: ``agent kgo:tookActiveRoleIn event`` beside a participation in any of them (kg.build), so the scheme must have it
ACTIVE_ROLE = "active-role"
#: concepts kg's code relies on, per scheme, and what for (a reference file without one is refused)
_REQUIRED_CONCEPTS = {"event-role": {ACTIVE_ROLE: "the roles under it are the active ones (kgo:tookActiveRoleIn)"}}

_CONCEPT_FIELDS = {"key", "label_pl", "label_en", "alt_pl", "alt_en", "definition_pl", "definition_en",
                   "broader", "acronym", "source"}
_INSTITUTION_TYPE_FIELDS = _CONCEPT_FIELDS | {"levels", "legal_basis", "group"}


@dataclass(frozen=True)
class Reference:
    """The reference graph and the keys it defines, per namespace (see :data:`NAMESPACES`)."""

    graph: Graph
    keys: Mapping[str, frozenset[str]]
    _iris: Mapping[tuple[str, str], URIRef] = field(default_factory=dict, repr=False, compare=False)
    _labels: Mapping[tuple[str, str], str] = field(default_factory=dict, repr=False, compare=False)
    _narrower: dict[tuple[str, str], frozenset[URIRef]] = field(default_factory=dict, repr=False, compare=False)

    def iri(self, namespace: str, key: str) -> URIRef:
        """The IRI of *key* in *namespace*; :class:`KeyError` if either is unknown."""
        try:
            return self._iris[(namespace, key)]
        except KeyError:
            raise KeyError(f"{key!r} is not a reference key of namespace {namespace!r}") from None

    def narrower_or_self(self, namespace: str, key: str) -> frozenset[URIRef]:
        """The concept *key* of *namespace* and every concept below it (``skos:broader``, transitively),
        read once from the reference graph: e.g. the event roles that count as active."""
        found = self._narrower.get((namespace, key))
        if found is None:
            top = self.iri(namespace, key)
            found = frozenset(self.graph.transitive_subjects(SKOS.broader, top))  # includes *top*
            self._narrower[(namespace, key)] = found
        return found

    def label(self, namespace: str, key: str) -> str:
        """The Polish label of *key* in *namespace*, for messages."""
        self.iri(namespace, key)  # same KeyError for unknown keys
        return self._labels[(namespace, key)]

    def entries(self) -> list[tuple[str, str, str, str]]:
        """(namespace, key, IRI, Polish label) of every key, sorted: what :meth:`from_entries` needs
        besides the graph (kg.cache keeps them)."""
        return sorted((ns, key, str(iri), self._labels[(ns, key)]) for (ns, key), iri in self._iris.items())

    @classmethod
    def from_entries(cls, graph: Graph, entries: Iterable[tuple[str, str, str, str]]) -> "Reference":
        """The reference data of *graph* with the keys :meth:`entries` listed (KeyError for an unknown namespace)."""
        keys: dict[str, set[str]] = {namespace: set() for namespace in NAMESPACES}
        iris, labels = {}, {}
        for namespace, key, iri, label in entries:
            keys[namespace].add(key)
            iris[(namespace, key)] = URIRef(iri)
            labels[(namespace, key)] = label
        return cls(graph, MappingProxyType({ns: frozenset(found) for ns, found in keys.items()}),
                   MappingProxyType(iris), MappingProxyType(labels))


def load_reference(reference_dir: Path, *, base: str | None = None) -> Reference:
    """Read and validate the reference files in *reference_dir* and build the reference graph."""
    builder = _Builder(Path(reference_dir), base)
    builder.load_places()
    for scheme in SCHEME_FILES:
        builder.load_scheme(scheme)
    builder.load_programmes()
    return builder.result()


# ---- reading ---------------------------------------------------------------------------------

def _fail(path: Path, message: str) -> NoReturn:
    raise OntologyError(f"{path}: {message}")


def _read_yaml(path: Path) -> dict[str, Any]:
    """Parse *path* like ``yaml.safe_load``, refusing aliases, deep nesting and duplicate mapping keys."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        _fail(path, "reference file is missing")
    except (OSError, UnicodeDecodeError) as exc:
        _fail(path, f"cannot be read as UTF-8 text: {exc}")
    try:
        data = _safe_load_checked(text, path)
    except yaml.YAMLError as exc:
        _fail(path, f"is not valid YAML: {exc}")
    except ValueError as exc:  # the constructor's, e.g. an impossible date such as 2001-02-30
        _fail(path, f"holds a value that cannot be read ({exc}); check its dates and numbers")
    if not isinstance(data, dict):
        _fail(path, "must be a YAML mapping at the top level")
    return data


#: libyaml's parser (C) when PyYAML has it, else None. It reads the reference files several
#: times faster than PyYAML's pure-Python parser (yaml.SafeLoader), which remains the fallback.
_LIBYAML_LOADER: type | None = getattr(yaml, "CSafeLoader", None)


def _safe_load_checked(text: str, path: Path) -> Any:
    """``yaml.safe_load(text)`` after the checks, parsing *text* once.

    libyaml words its errors differently and its marks carry no source snippet, so when it
    refuses the text PyYAML's parser reads it again: the message is the one it always was.
    """
    # Positions of missing values do not matter here: no message names one.
    if _LIBYAML_LOADER is not None and libyaml_reads_alike(text, empty_value_positions=False):
        try:
            return _load_events(_checked_events(text, path, _LIBYAML_LOADER), path)
        except yaml.YAMLError:
            pass  # read again below, for PyYAML's message
    return _load_events(_checked_events(text, path, yaml.SafeLoader), path)


def _load_events(events: Iterable[yaml.Event], path: Path) -> Any:
    """Compose and construct the data of *events* as ``yaml.safe_load`` does; refuse duplicate keys."""
    loader = _EventLoader(list(events))  # all events are checked before anything recursive runs
    node = loader.get_single_node()
    data = loader.construct_document(node) if node is not None else None
    # safe_load keeps the last of two equal keys without a word; the node tree still has both.
    _refuse_duplicate_keys(node, path)
    return data


class _EventLoader(yaml.composer.Composer, yaml.constructor.SafeConstructor, yaml.resolver.Resolver):
    """``yaml.SafeLoader`` minus its parser: composes and constructs a list of parsed events."""

    def __init__(self, events: list[yaml.Event]):
        self._events = events
        self._next = 0
        yaml.composer.Composer.__init__(self)
        yaml.constructor.SafeConstructor.__init__(self)
        yaml.resolver.Resolver.__init__(self)

    def check_event(self, *choices: type) -> bool:
        event = self.peek_event()
        return event is not None and (not choices or isinstance(event, choices))

    def peek_event(self) -> yaml.Event | None:
        return self._events[self._next] if self._next < len(self._events) else None

    def get_event(self) -> yaml.Event | None:
        event = self.peek_event()
        self._next += 1
        return event


def _checked_events(text: str, path: Path, parser: type, max_depth: int = 20) -> Iterator[yaml.Event]:
    """The events of *text*, checked one by one (flat, linear) before anything recursive runs: an
    alias "billion laughs" makes the key walk below exponential, and PyYAML's loader recurses once
    per nesting level, so ``[[[[…`` 100,000 deep would end in a RecursionError (issue 9)."""
    depth = 0
    for event in yaml.parse(text, Loader=parser):
        if isinstance(event, yaml.AliasEvent):
            _fail(path, f"line {event.start_mark.line + 1}: aliases (*name) are not allowed; write the value out")
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > max_depth:
                _fail(path, f"line {event.start_mark.line + 1}: nested deeper than {max_depth} levels")
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1
        yield event


def _refuse_duplicate_keys(node: yaml.Node | None, path: Path) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                if key_node.value in seen:
                    _fail(path, f"line {key_node.start_mark.line + 1}: duplicate field {key_node.value!r}")
                seen.add(key_node.value)
            _refuse_duplicate_keys(value_node, path)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _refuse_duplicate_keys(item, path)


class _Entry:
    """One mapping of a reference file, with typed accessors whose errors name file and entry."""

    def __init__(self, data: Any, path: Path, where: str, allowed: Iterable[str]):
        self.path = path
        self.where = where
        if not isinstance(data, dict):
            self.fail("must be a mapping of fields")
        self.data = data
        unknown = sorted(str(name) for name in data if name not in allowed)
        if unknown:
            self.fail(f"unknown field(s) {', '.join(unknown)} (allowed: {', '.join(sorted(allowed))})")
        self.key = self._key()

    def fail(self, message: str) -> NoReturn:
        _fail(self.path, f"{self.where}: {message}")

    def _key(self) -> str:
        key = self.text("key")
        if not _KEY.match(key):
            self.fail(f"key {key!r} must be a slug: lower-case ASCII letters, digits and single hyphens")
        self.where += f" (key {key!r})"
        return key

    def has(self, name: str) -> bool:
        return self.data.get(name) is not None

    def text(self, name: str, pattern: re.Pattern[str] | None = None) -> str:
        value = self.data.get(name)
        if value is None:
            self.fail(f"missing field {name!r}")
        if not isinstance(value, str) or not value.strip():
            self.fail(f"field {name!r} must be non-empty text, got {value!r} (quote it)")
        value = " ".join(value.split())  # folded YAML text may carry line breaks
        if pattern is not None and not pattern.match(value):
            self.fail(f"field {name!r} has an invalid value {value!r}")
        return value

    def opt_text(self, name: str, pattern: re.Pattern[str] | None = None) -> str | None:
        return self.text(name, pattern) if self.has(name) else None

    def texts(self, name: str, *, required: bool = False, pattern: re.Pattern[str] | None = None) -> list[str]:
        """A list of texts; a single text is accepted as a list of one."""
        value = self.data.get(name)
        if value is None:
            if required:
                self.fail(f"missing field {name!r}")
            return []
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not items or not all(isinstance(i, str) and i.strip() for i in items):
            self.fail(f"field {name!r} must be a non-empty list of texts, got {value!r}")
        bad = [i for i in items if pattern is not None and not pattern.match(i)]
        if bad:
            self.fail(f"field {name!r} has invalid value(s) {', '.join(map(repr, bad))}")
        if len(set(items)) != len(items):
            self.fail(f"field {name!r} lists a value twice")
        return [" ".join(i.split()) for i in items]

    def year(self, name: str) -> int | None:
        value = self.data.get(name)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not 1900 <= value <= 2100:
            self.fail(f"field {name!r} must be a year such as 2014, got {value!r}")
        return value


def _entries(doc: Mapping[str, Any], list_name: str, path: Path, allowed: Iterable[str]) -> list[_Entry]:
    """The entries of the list *list_name*, refusing a key used twice."""
    items = doc.get(list_name)
    if not isinstance(items, list) or not items:
        _fail(path, f"missing or empty list {list_name!r}")
    allowed = frozenset(allowed)
    entries = [_Entry(item, path, f"{list_name}[{i}]", allowed) for i, item in enumerate(items)]
    seen: set[str] = set()
    for entry in entries:
        if entry.key in seen:
            entry.fail("duplicate key")
        seen.add(entry.key)
    return entries


def _check_refs(entry: _Entry, name: str, targets: Iterable[str], known: Iterable[str], what: str) -> None:
    unknown = sorted(set(targets) - set(known))
    if unknown:
        entry.fail(f"field {name!r} refers to unknown {what} {', '.join(unknown)}")


def _check_acyclic(entries: list[_Entry], parents: Mapping[str, list[str]], name: str) -> None:
    """Refuse a cycle in *parents* (broader concepts, parent measures): hierarchies must end."""
    def reaches(start: str, target: str, seen: set[str]) -> bool:
        for parent in parents.get(start, ()):
            if parent == target or (parent not in seen and reaches(parent, target, seen | {parent})):
                return True
        return False
    for entry in entries:
        if reaches(entry.key, entry.key, set()):
            entry.fail(f"field {name!r} forms a cycle back to this entry")


# ---- building --------------------------------------------------------------------------------

def _pl(text: str) -> Literal:
    return Literal(text, lang="pl")


def _en(text: str) -> Literal:
    return Literal(text, lang="en")


def _year(value: int) -> Literal:
    return Literal(f"{value:04d}", datatype=XSD.gYear)


class _Builder:
    """Accumulates the graph, keys, IRIs and labels while the files are read."""

    def __init__(self, reference_dir: Path, base: str | None):
        self.dir = reference_dir
        self.base = base
        self.graph = Graph(bind_namespaces="none")
        for prefix, namespace in PREFIXES.items():
            self.graph.bind(prefix, namespace)
        self.keys: dict[str, set[str]] = {namespace: set() for namespace in NAMESPACES}
        self.iris: dict[tuple[str, str], URIRef] = {}
        self.labels: dict[tuple[str, str], str] = {}

    def result(self) -> Reference:
        keys = MappingProxyType({ns: frozenset(found) for ns, found in self.keys.items()})
        return Reference(self.graph, keys, MappingProxyType(self.iris), MappingProxyType(self.labels))

    def register(self, namespace: str, key: str, iri: URIRef, label_pl: str) -> URIRef:
        self.keys[namespace].add(key)
        self.iris[(namespace, key)] = iri
        self.labels[(namespace, key)] = label_pl
        return iri

    def add(self, subject: URIRef, predicate: URIRef, *objects: URIRef | Literal) -> None:
        for obj in objects:
            self.graph.add((subject, predicate, obj))

    def add_names(self, node: URIRef, name_pl: str, name_en: str) -> None:
        """Labels of instance data: rdfs:label and schema:name in both languages."""
        for predicate in (RDFS.label, SCHEMA.name):
            self.add(node, predicate, _pl(name_pl), _en(name_en))

    def add_source(self, node: URIRef, entry: _Entry) -> None:
        # The source note says what is verified; keeping it in the graph keeps that visible.
        source = entry.opt_text("source")
        if source:
            self.add(node, SKOS.editorialNote, _en(source))

    # -- voivodeships and cities --

    def load_places(self) -> None:
        v_path, c_path = self.dir / VOIVODESHIPS_FILE, self.dir / CITIES_FILE
        voivodeships = _entries(_read_yaml(v_path), "voivodeships", v_path, {
            "key", "name_pl", "short_pl", "name_en", "teryt", "wikidata", "nuts2", "capitals",
            "capital_roles", "source"})
        cities = _entries(_read_yaml(c_path), "cities", c_path,
                          {"key", "name_pl", "name_en", "voivodeship", "source"})
        city_voivodeship = {c.key: c.text("voivodeship") for c in cities}
        for city in cities:
            _check_refs(city, "voivodeship", [city_voivodeship[city.key]], [v.key for v in voivodeships],
                        "voivodeship")
            self.add_city(city)
        _check_unique(voivodeships, "teryt")
        _check_unique(voivodeships, "wikidata")
        for voivodeship in voivodeships:
            self.add_voivodeship(voivodeship, city_voivodeship)

    def add_city(self, entry: _Entry) -> None:
        name_pl = entry.text("name_pl")
        node = self.register("place", entry.key, mint("place", entry.key, base=self.base), name_pl)
        self.add(node, RDF.type, KGO.City)
        self.add_names(node, name_pl, entry.text("name_en"))
        self.add(node, KGO.inVoivodeship, mint("voivodeship", entry.text("voivodeship"), base=self.base))
        self.add_source(node, entry)

    def add_voivodeship(self, entry: _Entry, city_voivodeship: Mapping[str, str]) -> None:
        name_pl = entry.text("name_pl")
        node = self.register("voivodeship", entry.key, mint("voivodeship", entry.key, base=self.base), name_pl)
        self.add(node, RDF.type, KGO.Voivodeship)
        self.add_names(node, name_pl, entry.text("name_en"))
        self.add(node, SKOS.altLabel, _pl(entry.text("short_pl")))
        self.add(node, KGO.teryt, Literal(entry.text("teryt", _TERYT)))
        self.add(node, KGO.nuts2, *map(Literal, entry.texts("nuts2", required=True, pattern=_NUTS2)))
        self.add(node, SKOS.exactMatch, WD[entry.text("wikidata", _QID)])
        capitals = entry.texts("capitals", required=True, pattern=_KEY)
        _check_refs(entry, "capitals", capitals, city_voivodeship, "city")
        elsewhere = [c for c in capitals if city_voivodeship[c] != entry.key]
        if elsewhere:
            entry.fail(f"capital(s) {', '.join(elsewhere)} lie in another voivodeship according to {CITIES_FILE}")
        self.add(node, KGO.capital, *(mint("place", c, base=self.base) for c in capitals))
        self.add_capital_roles(node, entry, capitals)
        self.add_source(node, entry)

    def add_capital_roles(self, node: URIRef, entry: _Entry, capitals: list[str]) -> None:
        """Dual capitals: say which city hosts which authority (a note; the ontology has no term)."""
        roles = entry.data.get("capital_roles")
        if roles is None:
            return
        if not isinstance(roles, dict) or set(roles) != set(capitals):
            entry.fail("field 'capital_roles' must map every capital to a role")
        if not set(roles.values()) <= set(_CAPITAL_ROLES):
            entry.fail(f"field 'capital_roles' takes the roles {', '.join(_CAPITAL_ROLES)}")
        for lang, index in (("pl", 0), ("en", 1)):
            parts = [f"{self.labels[('place', c)]}: {_CAPITAL_ROLES[roles[c]][index]}" for c in capitals]
            self.add(node, SKOS.scopeNote, Literal("; ".join(parts), lang=lang))

    # -- concept schemes --

    def load_scheme(self, scheme: str) -> None:
        path = self.dir / SCHEME_FILES[scheme]
        doc = _read_yaml(path)
        scheme_iri = self.add_scheme_header(scheme, doc, path)
        allowed = _INSTITUTION_TYPE_FIELDS if scheme == "institution-type" else _CONCEPT_FIELDS
        entries = _entries(doc, "concepts", path, allowed)
        keys = {e.key for e in entries}
        for key, why in _REQUIRED_CONCEPTS.get(scheme, {}).items():
            if key not in keys:
                _fail(path, f"concepts: the concept {key!r} is missing ({why}); add it, as in kg's own {path.name}")
        broader = {e.key: e.texts("broader", pattern=_KEY) for e in entries}
        for entry in entries:
            _check_refs(entry, "broader", broader[entry.key], keys, f"{scheme} concept")
        _check_acyclic(entries, broader, "broader")
        groups = self.add_groups(doc, path) if scheme == "institution-type" else {}
        for entry in entries:
            self.add_concept(scheme, scheme_iri, entry, broader[entry.key], groups)

    def add_scheme_header(self, scheme: str, doc: Mapping[str, Any], path: Path) -> URIRef:
        header = _Entry(doc.get("scheme"), path, "scheme", {
            "key", "label_pl", "label_en", "definition_pl", "definition_en"})
        if header.key != scheme:
            header.fail(f"this file defines the scheme {scheme!r}")
        node = URIRef(CONCEPT + scheme)
        self.add(node, RDF.type, SKOS.ConceptScheme)
        self.add_concept_texts(node, header)
        return node

    def add_concept_texts(self, node: URIRef, entry: _Entry) -> None:
        """Labels and definitions, both languages required (a concept is useless half-labelled)."""
        label_pl, label_en = entry.text("label_pl"), entry.text("label_en")
        for predicate in (SKOS.prefLabel, RDFS.label):
            self.add(node, predicate, _pl(label_pl), _en(label_en))
        self.add(node, SKOS.definition, _pl(entry.text("definition_pl")), _en(entry.text("definition_en")))

    def add_groups(self, doc: Mapping[str, Any], path: Path) -> dict[str, URIRef]:
        groups = {}
        for entry in _entries(doc, "groups", path, {"key", "label_pl", "label_en"}):
            node = URIRef(INSTITUTION_TYPE_GROUP + entry.key)
            self.add(node, RDF.type, SKOS.Collection)
            for predicate in (SKOS.prefLabel, RDFS.label):
                self.add(node, predicate, _pl(entry.text("label_pl")), _en(entry.text("label_en")))
            groups[entry.key] = node
        return groups

    def add_concept(self, scheme: str, scheme_iri: URIRef, entry: _Entry, broader: list[str],
                    groups: Mapping[str, URIRef]) -> None:
        namespace = SCHEMES[scheme]
        node = self.register(scheme, entry.key, namespace[entry.key], entry.text("label_pl"))
        self.add(node, RDF.type, SKOS.Concept)
        if scheme == "post-role":
            self.add(node, RDF.type, ORG.Role)
        self.add(node, SKOS.inScheme, scheme_iri)
        self.add_concept_texts(node, entry)
        self.add(node, SKOS.altLabel, *map(_pl, entry.texts("alt_pl")), *map(_en, entry.texts("alt_en")))
        acronym = entry.opt_text("acronym")
        if acronym:  # kgo:acronym is for programmes and funds; a concept's code is its notation
            self.add(node, SKOS.notation, Literal(acronym))
        self.add(node, SKOS.broader, *(namespace[b] for b in broader))
        if not broader:
            self.add(node, SKOS.topConceptOf, scheme_iri)
            self.add(scheme_iri, SKOS.hasTopConcept, node)
        if scheme == "institution-type":
            self.add_institution_type(node, entry, groups)
        self.add_source(node, entry)

    def add_institution_type(self, node: URIRef, entry: _Entry, groups: Mapping[str, URIRef]) -> None:
        levels = entry.texts("levels", required=True, pattern=_KEY)
        _check_refs(entry, "levels", levels, self.keys["administrative-level"], "administrative level")
        self.add(node, KGO.administrativeLevel, *(ADMIN_LEVEL[level] for level in levels))
        legal_basis = entry.opt_text("legal_basis")
        if legal_basis:
            self.add(node, KGO.legalBasis, _pl(legal_basis))
        group = entry.text("group")
        _check_refs(entry, "group", [group], groups, "group")
        self.add(groups[group], SKOS.member, node)

    # -- programmes and funds --

    def load_programmes(self) -> None:
        path = self.dir / PROGRAMMES_FILE
        doc = _read_yaml(path)
        for fund in _entries(doc, "funds", path, {"key", "name_pl", "name_en", "acronym_pl", "acronym_en", "source"}):
            self.add_fund(fund)
        entries = _entries(doc, "programmes", path, {
            "key", "kind", "name_pl", "name_en", "acronym", "notation", "parent", "cci", "start_year",
            "end_year", "funds", "voivodeship", "source"})
        kinds = {e.key: e.text("kind") for e in entries}
        parents = {e.key: [e.text("parent")] if e.has("parent") else [] for e in entries}
        for entry in entries:
            self.check_programme(entry, kinds, parents[entry.key])
        _check_acyclic(entries, parents, "parent")
        for entry in entries:
            self.add_programme(entry, kinds[entry.key], parents[entry.key])

    def add_fund(self, entry: _Entry) -> None:
        name_pl = entry.text("name_pl")
        node = self.register("fund", entry.key, mint("fund", entry.key, base=self.base), name_pl)
        self.add(node, RDF.type, KGO.Fund)
        self.add_names(node, name_pl, entry.text("name_en"))
        acronym_pl = entry.text("acronym_pl")
        self.add(node, SKOS.altLabel, _pl(acronym_pl), _en(entry.text("acronym_en")))
        self.add(node, KGO.acronym, Literal(acronym_pl))
        self.add_source(node, entry)

    def check_programme(self, entry: _Entry, kinds: Mapping[str, str], parents: list[str]) -> None:
        """Cross-field rules: only measures have a parent (a programme or measure) and a notation."""
        kind = kinds[entry.key]
        if kind not in _PROGRAMME_KINDS:
            entry.fail(f"field 'kind' must be one of {', '.join(_PROGRAMME_KINDS)}, got {kind!r}")
        is_measure = kind == "measure"
        for name in ("parent", "notation"):
            if entry.has(name) != is_measure:
                entry.fail(f"field {name!r} is {'required for' if is_measure else 'only for'} measures")
        _check_refs(entry, "parent", parents, kinds, "programme")
        if parents and kinds[parents[0]] not in {"funding", "measure"}:
            entry.fail(f"parent {parents[0]!r} is a {kinds[parents[0]]} programme, not a funding programme or measure")
        _check_refs(entry, "funds", entry.texts("funds", pattern=_KEY), self.keys["fund"], "fund")
        if entry.has("voivodeship"):
            _check_refs(entry, "voivodeship", [entry.text("voivodeship")], self.keys["voivodeship"], "voivodeship")
        entry.opt_text("cci", _CCI)
        start, end = entry.year("start_year"), entry.year("end_year")
        if start is not None and end is not None and start > end:
            entry.fail(f"start_year {start} is after end_year {end}")

    def add_programme(self, entry: _Entry, kind: str, parents: list[str]) -> None:
        name_pl = entry.text("name_pl")
        node = mint("programme", entry.key, base=self.base)
        self.register("programme", entry.key, node, name_pl)
        if kind == "measure":
            self.register("measure", entry.key, node, name_pl)
        self.add(node, RDF.type, _PROGRAMME_KINDS[kind])
        self.add_names(node, name_pl, entry.text("name_en"))
        acronym = entry.opt_text("acronym")
        if acronym:
            self.add(node, SKOS.altLabel, _pl(acronym))
            self.add(node, KGO.acronym, Literal(acronym))
        notation = entry.opt_text("notation")
        if notation:
            self.add(node, SKOS.notation, Literal(notation))
        self.add(node, KGO.partOfScheme, *(mint("programme", p, base=self.base) for p in parents))
        cci = entry.opt_text("cci", _CCI)
        if cci:
            self.add(node, KGO.cci, Literal(cci))
        for name, predicate in (("start_year", KGO.startYear), ("end_year", KGO.endYear)):
            year = entry.year(name)
            if year is not None:
                self.add(node, predicate, _year(year))
        self.add(node, KGO.cofinancedBy, *(self.iris[("fund", f)] for f in entry.texts("funds")))
        if entry.has("voivodeship"):
            self.add(node, KGO.coversVoivodeship, self.iris[("voivodeship", entry.text("voivodeship"))])
        self.add_source(node, entry)


def _check_unique(entries: list[_Entry], name: str) -> None:
    """Two voivodeships with one TERYT code or QID would be one voivodeship twice."""
    seen: dict[str, str] = {}
    for entry in entries:
        value = entry.text(name)
        if value in seen:
            entry.fail(f"field {name!r} value {value!r} is also used by {seen[value]!r}")
        seen[value] = entry.key
