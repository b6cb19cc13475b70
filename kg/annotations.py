"""Stage 1: read annotation files and check them before any RDF is built.

Three layers of checks, each reporting file, line, column, field and a hint:

1. strict YAML (:mod:`kg.yamlstrict`): syntax, duplicate keys, YAML 1.1 surprises, aliases;
2. the JSON Schema ``kg/schema/annotation.schema.json``: unknown fields, types, required fields,
   key syntax, calendar dates;
3. references: every key a field refers to is declared in the same file or in reference data;
   conditional requirements the schema cannot express; evidence quotes occur in the article text.

A file that passes all three is an :class:`Annotation`, ready for :mod:`kg.build`.
"""
from __future__ import annotations

import difflib
import json
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Iterator

import jsonschema_rs
import pyoxigraph as ox

from .errors import AnnotationError, Location, Problem
from .reference import Reference
from .yamlstrict import YamlDocument, _dotted, decode_text, read_yaml_file, YamlProblem

if TYPE_CHECKING:  # imported when a file fails the fast check: 55 ms of every `kg load` otherwise
    import jsonschema

#: Entity sections and the namespace their keys live in.
ENTITY_SECTIONS = {
    "places": "place",
    "organisations": "organisation",
    "people": "person",
    "events": "event",
    "projects": "project",
}

# (section, field) -> namespaces the value may refer to. A list-valued field is checked item by item.
REFERENCE_FIELDS: dict[tuple[str, str], tuple[str, ...]] = {
    ("article", "publisher"): ("organisation",),
    ("article", "author"): ("person",),
    ("places", "voivodeship"): ("voivodeship",),
    ("places", "county"): ("place",),
    ("places", "city"): ("place",),
    ("organisations", "type"): ("institution-type",),
    ("organisations", "city"): ("place",),
    ("organisations", "voivodeship"): ("voivodeship",),
    ("organisations", "county"): ("place",),
    ("organisations", "part_of"): ("organisation",),
    ("posts", "person"): ("person",),
    ("posts", "organisation"): ("organisation",),
    ("posts", "role"): ("post-role",),
    ("events", "venue"): ("place",),
    ("events", "city"): ("place",),
    ("events", "voivodeship"): ("voivodeship",),
    ("events", "county"): ("place",),
    ("events", "part_of"): ("event",),
    ("events", "organisers"): ("organisation",),
    ("events", "co_organisers"): ("organisation",),
    ("events", "patrons"): ("person", "organisation"),
    ("events", "topics"): ("topic",),
    ("events", "projects"): ("project",),
    ("events", "programmes"): ("programme",),
    ("events", "audience_region"): ("voivodeship",),
    ("events", "attendance.qualifier"): ("attendance-qualifier",),
    ("participations", "event"): ("event",),
    ("participations", "person"): ("person",),
    ("participations", "organisation"): ("organisation",),
    ("participations", "role"): ("event-role",),
    ("participations", "affiliation"): ("organisation",),
    ("participations", "topics"): ("topic",),
    ("participations", "programmes"): ("programme",),
    ("projects", "kind"): ("project-kind",),
    ("projects", "leader"): ("organisation",),
    ("projects", "partners"): ("organisation",),
    ("projects", "programme"): ("programme",),
    ("projects", "measure"): ("measure",),
    ("projects", "funds"): ("fund",),
    ("projects", "topics"): ("topic",),
    ("figures", "about"): ("event", "project", "organisation"),
}

_WHITESPACE = re.compile(r"\s+")


@dataclass
class Annotation:
    """A checked annotation file: its data, and where each value came from."""

    doc: YamlDocument

    @property
    def path(self) -> Path:
        return self.doc.path

    @property
    def data(self) -> dict[str, Any]:
        return self.doc.data

    @property
    def key(self) -> str:
        return self.data["article"]["key"]

    def section(self, name: str) -> list[dict[str, Any]]:
        return self.data.get(name) or []

    def line_of(self, *path: Any) -> int | None:
        pos = self.doc.position(path)
        return pos[0] if pos else None


@lru_cache(maxsize=1)
def annotation_schema() -> dict[str, Any]:
    """The JSON Schema of annotation files (shipped inside the package)."""
    return json.loads(resources.files("kg").joinpath("schema/annotation.schema.json").read_text("utf-8"))


def read_annotation(path: Path, reference: Reference, *, encoding: str = "utf-8") -> tuple[Annotation | None, list[Problem]]:
    """Read and check one file; return the annotation (None if it failed) and every problem found."""
    doc = read_yaml_file(path, encoding=encoding)
    if doc.problems:
        return None, doc.problems
    if doc.data is None:  # empty, only comments, `---`, `~` or `null`: never silently nothing
        return None, [Problem(doc.location(()), "the file holds no annotation (it is empty or null)",
                              hint="an annotation file is a mapping with an `article:` section; "
                                   "see docs/annotation-format.md, or remove the file")]
    if not isinstance(doc.data, dict):
        return None, [Problem(doc.location(()), "the file must be a mapping with an `article:` section")]
    problems = list(_schema_problems(doc))
    if problems:  # reference checks assume the shape is right
        return None, problems
    annotation = Annotation(doc)
    problems = list(_reference_problems(annotation, reference))
    problems += list(_conditional_problems(annotation, reference))
    problems += list(_evidence_problems(annotation, encoding))
    errors = [p for p in problems if p.severity == "error"]
    return (None if errors else annotation), problems


def load_annotations(paths: Iterable[Path], reference: Reference, *, encoding: str = "utf-8") -> list[Annotation]:
    """Read and check every file; raise :class:`AnnotationError` listing all problems if any file fails.

    Two files may not describe the same article key.
    """
    annotations: list[Annotation] = []
    problems: list[Problem] = []
    seen_keys: dict[str, Path] = {}
    for path in paths:
        annotation, file_problems = read_annotation(Path(path), reference, encoding=encoding)
        problems += [p for p in file_problems if p.severity == "error"]
        if annotation is None:
            continue
        if annotation.key in seen_keys:
            problems.append(Problem(Location(annotation.path, annotation.line_of("article", "key")),
                                    f"article key {annotation.key!r} is also used by {seen_keys[annotation.key]}",
                                    field="article.key", hint="each article needs its own key"))
            continue
        seen_keys[annotation.key] = annotation.path
        annotations.append(annotation)
    if problems:
        raise AnnotationError(problems)
    return annotations


# --- layer 2: JSON Schema ---------------------------------------------------------------------

@lru_cache(maxsize=1)
def _schema_validator() -> jsonschema.Draft202012Validator:
    import jsonschema
    from jsonschema import validators

    # JSON Schema patterns are ECMA-262 regular expressions, in which `$` is the end of the text; in
    # Python's `re` it also matches before a final newline, so a key read from a YAML block scalar
    # ("abc\n") passed `^[a-z0-9]+(-[a-z0-9]+)*$` (jsonschema-rs refused it, but only its yes counts)
    ecma = validators.extend(jsonschema.Draft202012Validator, {"pattern": _ecma_pattern})
    return ecma(annotation_schema(), format_checker=jsonschema.FormatChecker())


def _ecma_pattern(validator, pattern: str, instance: Any, schema: dict) -> Iterator:
    """The ``pattern`` keyword with ECMA-262's ``$`` (see :func:`_schema_validator`)."""
    import jsonschema

    if validator.is_type(instance, "string") and not _python_regex(pattern).search(instance):
        yield jsonschema.ValidationError(f"{instance!r} does not match {pattern!r}")


@lru_cache(maxsize=None)
def _python_regex(pattern: str) -> re.Pattern:
    return re.compile(re.sub(r"(?<!\\)\$", r"\\Z", pattern))


@lru_cache(maxsize=1)
def _conforms_fast():
    """jsonschema-rs's yes/no answer for the same schema (formats checked, as by the Python validator)."""
    return jsonschema_rs.validator_for(annotation_schema(), validate_formats=True).is_valid


def schema_conforms_fast(data: Any) -> bool:
    """True when jsonschema-rs finds *data* valid (False also when it cannot read it).

    Python's jsonschema takes 3.5 ms per synthetic article, jsonschema-rs 0.03 ms (measured on 500
    files; 35 s of a 10,000-article build). Only a *yes* is taken from it: any other answer goes to
    the Python validator, whose errors :func:`_explain` turns into messages. jsonschema-rs is never
    more lenient than the Python validator on this schema (it checks ``uri``, which the Python one skips
    without rfc3987; both read ``$`` as ECMA-262 does), which ``tests/test_schema_fast.py`` checks on every
    test file and on generated mutations.
    """
    try:
        return _conforms_fast()(data)
    except (ValueError, TypeError):  # a Python value it cannot map to JSON
        return False


def _schema_problems(doc: YamlDocument) -> Iterator[Problem]:
    if schema_conforms_fast(doc.data):
        return
    validator = _schema_validator()
    said = set()  # a bad date breaks both its format and its pattern: one sentence is enough
    for error in sorted(validator.iter_errors(doc.data), key=lambda e: (list(map(str, e.absolute_path)), e.message)):
        path = tuple(error.absolute_path)
        message, hint, field_path = _explain(error, path)
        if (field_path, message) not in said:
            said.add((field_path, message))
            yield Problem(doc.location(field_path), message, field=_dotted(field_path) or None, hint=hint)


def _explain(error: jsonschema.ValidationError, path: tuple) -> tuple[str, str | None, tuple]:
    """Turn a JSON Schema error into a sentence a curator understands."""
    schema = error.schema if isinstance(error.schema, dict) else {}
    if error.validator == "additionalProperties":
        allowed = sorted(schema.get("properties", {}))
        unknown = sorted(set(error.instance) - set(allowed))
        name = unknown[0] if unknown else "?"
        close = difflib.get_close_matches(name, allowed, n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        return f"unknown field {name!r}", hint + "allowed: " + ", ".join(allowed), path + (name,)
    if error.validator == "required":
        missing = re.search(r"'([^']+)' is a required property", error.message)
        name = missing.group(1) if missing else "?"
        return f"missing required field {name!r}", "see docs/annotation-format.md", path + (name,)
    if error.validator == "pattern" and schema.get("description", "").startswith("lower-case"):
        return (f"{error.instance!r} is not a valid key",
                f"use lower-case ASCII letters, digits and single hyphens, e.g. {_suggest_slug(error.instance)!r}", path)
    if error.validator == "pattern" and schema.get("format") == "uri":  # the regex itself teaches nothing
        return (f"{error.instance!r} is not an http(s) address that can be an IRI",
                "write https://…, and percent-encode spaces and the characters <>\"{}|\\^` (%20, %3C, …)", path)
    if error.validator in ("format", "pattern") and schema.get("format") == "date" or error.validator == "format":
        return f"{error.instance!r} is not a calendar date", "write YYYY-MM-DD, e.g. 2015-03-31", path
    if error.validator == "enum":
        return f"{error.instance!r} is not allowed", "must be one of: " + ", ".join(map(str, error.validator_value)), path
    if error.validator == "type":
        expected = error.validator_value
        return f"must be {_article(expected)}, not {_type_name(error.instance)}", None, path
    if error.validator in ("minLength", "pattern") and schema.get("minLength") == 1:
        return "must not be empty", "write the text, or remove the field", path
    if error.validator == "maxLength":
        return f"is longer than {error.validator_value} characters", "shorten it", path
    if error.validator == "uniqueItems":
        return "lists the same value twice", "remove the duplicate", path
    if error.validator in ("minimum", "maximum"):
        return f"{error.instance!r} is out of range ({error.validator} {error.validator_value})", None, path
    return error.message, None, path


def _article(json_type: Any) -> str:
    names = {"object": "a mapping (key: value)", "array": "a list", "string": "text", "integer": "a whole number",
             "boolean": "true or false"}
    return names.get(json_type, str(json_type))


def _type_name(value: Any) -> str:
    return {dict: "a mapping", list: "a list", str: "text", int: "a number", bool: "true/false",
            type(None): "empty"}.get(type(value), type(value).__name__)


def _suggest_slug(value: Any) -> str:
    from .iri import InvalidKey, slugify
    try:
        return slugify(str(value))
    except InvalidKey:
        return "my-key"


# --- layer 3: references, conditions, evidence ---------------------------------------------

def _declared(annotation: Annotation) -> dict[str, dict[str, tuple]]:
    """Keys declared in the file, per namespace, with the path of their declaration."""
    declared: dict[str, dict[str, tuple]] = {ns: {} for ns in ENTITY_SECTIONS.values()}
    for section, namespace in ENTITY_SECTIONS.items():
        for i, item in enumerate(annotation.section(section)):
            declared[namespace].setdefault(item["key"], (section, i, "key"))
    return declared


def _reference_problems(annotation: Annotation, reference: Reference) -> Iterator[Problem]:
    doc = annotation.doc
    declared = _declared(annotation)
    # duplicate declarations, and one key naming both a person and an organisation
    for section, namespace in ENTITY_SECTIONS.items():
        seen: dict[str, int] = {}
        for i, item in enumerate(annotation.section(section)):
            key = item["key"]
            if key in seen:
                yield Problem(doc.location((section, i, "key")),
                              f"{namespace} key {key!r} is declared twice (first at line {annotation.line_of(section, seen[key])})",
                              field=f"{section}[{i}].key", hint="merge the two entries")
            else:
                seen[key] = i
    for key in declared["person"].keys() & declared["organisation"].keys():
        path = declared["organisation"][key]
        yield Problem(doc.location(path), f"key {key!r} names both a person and an organisation",
                      field=_dotted(path), hint="give the organisation a key such as its acronym and seat")
    for path, value, namespaces in _reference_values(annotation):
        if not any(_resolves(ns, value, declared, reference) for ns in namespaces):
            candidates = sorted(set().union(*(_known(ns, declared, reference) for ns in namespaces)))
            close = difflib.get_close_matches(value, candidates, n=3)
            hint = (f"did you mean {', '.join(map(repr, close))}? " if close else "")
            where = " or ".join(namespaces)
            local = [ns for ns in namespaces if ns in declared]
            hint += (f"declare it in this file's {'/'.join(_section_of(ns) for ns in local)} section"
                     if local else f"known {where} keys: {_shorten(candidates)}")
            yield Problem(doc.location(path), f"{value!r} is not a known {where} key", field=_dotted(path), hint=hint)


def _reference_values(annotation: Annotation) -> Iterator[tuple[tuple, str, tuple[str, ...]]]:
    data = annotation.data
    for (section, field), namespaces in REFERENCE_FIELDS.items():
        items = [(("article",), data["article"])] if section == "article" else [
            ((section, i), item) for i, item in enumerate(annotation.section(section))]
        for base, item in items:
            parts = field.split(".")
            value: Any = item
            for part in parts:
                value = value.get(part) if isinstance(value, dict) else None
            if value is None:
                continue
            path = base + tuple(parts)
            if isinstance(value, list):
                for j, v in enumerate(value):
                    yield path + (j,), v, namespaces
            else:
                yield path, value, namespaces


def _resolves(namespace: str, key: str, declared: dict, reference: Reference) -> bool:
    return key in declared.get(namespace, ()) or key in reference.keys.get(namespace, ())


def _known(namespace: str, declared: dict, reference: Reference) -> set[str]:
    return set(declared.get(namespace, ())) | set(reference.keys.get(namespace, ()))


def _section_of(namespace: str) -> str:
    return {ns: section for section, ns in ENTITY_SECTIONS.items()}[namespace]


def _shorten(keys: list[str], limit: int = 12) -> str:
    return ", ".join(keys[:limit]) + (f", … ({len(keys)} in all)" if len(keys) > limit else "") if keys else "(none)"


def _conditional_problems(annotation: Annotation, reference: Reference) -> Iterator[Problem]:
    doc = annotation.doc
    article = annotation.data["article"]
    if ("published" in article) == ("published_not_before" in article):
        yield Problem(doc.location(("article",)), "give exactly one of `published` and `published_not_before`",
                      field="article", hint="use published_not_before: <event date> when no date is printed")
    if article.get("url"):
        try:  # the schema's pattern lets through IRIs the store refuses (`http://[x`, `%zz`, two `#`)
            ox.NamedNode(article["url"])
        except ValueError as exc:
            yield Problem(doc.location(("article", "url")), f"{article['url']!r} is not a valid IRI: {exc}",
                          field="article.url", hint="copy the address as the browser shows it; percent-encode "
                          "spaces, brackets and other reserved characters")
    places = {p["key"]: p for p in annotation.section("places")}
    for i, place in enumerate(annotation.section("places")):
        if place["kind"] == "venue" and "city" not in place:
            yield Problem(doc.location(("places", i)), "a venue needs `city`", field=f"places[{i}]",
                          hint="give the key of the city the venue is in")
        if place["kind"] != "venue" and "voivodeship" not in place:
            yield Problem(doc.location(("places", i)), f"a {place['kind']} needs `voivodeship`", field=f"places[{i}]",
                          hint="give the voivodeship key, e.g. lubelskie")
    for i, event in enumerate(annotation.section("events")):
        if "part_of" in event:
            continue
        for field in ("city", "voivodeship", "organisers"):
            if not event.get(field):
                yield Problem(doc.location(("events", i)), f"an event needs `{field}` unless it is `part_of` another",
                              field=f"events[{i}].{field}", hint="write `note:` if the article does not state it")
    yield from _part_of_cycles(annotation)
    for i, event in enumerate(annotation.section("events")):
        venue = event.get("venue")
        if venue in places and places[venue]["kind"] != "venue":
            yield Problem(doc.location(("events", i, "venue")), f"place {venue!r} is a {places[venue]['kind']}, not a venue",
                          field=f"events[{i}].venue", hint="use `city:` for a city, or declare the venue with kind: venue")
    for section in ("places", "organisations", "events"):
        for i, item in enumerate(annotation.section(section)):
            city = item.get("city")
            if city in places and places[city]["kind"] not in ("city", "municipality"):
                yield Problem(doc.location((section, i, "city")), f"place {city!r} is a {places[city]['kind']}, not a city",
                              field=f"{section}[{i}].city", hint="declare it with kind: city")
    for i, item in enumerate(annotation.section("participations")):
        if ("person" in item) == ("organisation" in item):
            yield Problem(doc.location(("participations", i)), "give exactly one of `person` and `organisation`",
                          field=f"participations[{i}]", hint="use `organisation` when only a representative is mentioned")


def _part_of_cycles(annotation: Annotation) -> Iterator[Problem]:
    """An event that is (through others) part of itself: the build follows `part_of` to inherit
    place and organisers, and a cycle would never end (found by the fuzzer, issue 9)."""
    events = annotation.section("events")
    parent = {e["key"]: e.get("part_of") for e in events}
    for i, event in enumerate(events):
        chain, key = [event["key"]], event.get("part_of")
        while key in parent and key not in chain:
            chain.append(key)
            key = parent[key]
        if key == event["key"]:
            yield Problem(annotation.doc.location(("events", i, "part_of")),
                          f"event {key!r} is part of itself ({' → '.join(chain + [key])})",
                          field=f"events[{i}].part_of", hint="an event can only be part of a larger event")


def _normalise_text(text: str) -> str:
    text = unicodedata.normalize("NFC", text).replace("\u00a0", " ")
    return _WHITESPACE.sub(" ", text).strip()


def _evidence_problems(annotation: Annotation, encoding: str) -> Iterator[Problem]:
    source_path = annotation.data["article"].get("source_path")
    if not source_path:
        return
    text_path = (annotation.path.parent / source_path).resolve()
    try:
        text = _normalise_text(decode_text(text_path.read_bytes(), text_path, encoding))
    except OSError:
        yield Problem(annotation.doc.location(("article", "source_path")),
                      f"article text {source_path} not found; evidence quotes were not checked",
                      field="article.source_path", severity="warning")
        return
    except YamlProblem as exc:
        yield exc.problem
        return
    for path, quote in _evidence_values(annotation.data, ()):
        if _normalise_text(quote) not in text:
            yield Problem(annotation.doc.location(path), f"evidence quote does not occur in {source_path}: {quote[:60]!r}",
                          field=_dotted(path), hint="copy the quote verbatim from the article text")


def _evidence_values(value: Any, path: tuple) -> Iterator[tuple[tuple, str]]:
    if isinstance(value, dict):
        for k, v in value.items():
            if k == "evidence" and isinstance(v, str):
                yield path + (k,), v
            else:
                yield from _evidence_values(v, path + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _evidence_values(v, path + (i,))
