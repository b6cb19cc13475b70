"""Issue 9: property-based tests and the fuzz target of the annotation loader.

* Random *valid* annotations (people, organisations, events, participations with random Unicode
  names: Polish diacritics, emoji, quotes, backslashes, combining marks, line breaks, bidi
  controls) build, export to every format, and re-parse to the same graph in rdflib and pyoxigraph.
* Random strings as names and keys either give a located error or a valid literal or IRI.
* The fuzz target :func:`load_bytes` runs the whole loader (strict YAML, schema, references,
  build, provenance, terms for the store) on mutated annotations. Any exception other than kg's
  typed errors, or a run longer than :data:`HANG_SECONDS`, is a crash. The driver mutates the
  corpus in ``tests/fuzz/corpus/`` for ``KG_FUZZ_SECONDS`` (default 15; CI stays under 60) with
  Hypothesis, so a crash is shrunk to a small example; every crash becomes a file in
  ``tests/fuzz/regressions/`` (first line ``# expect: <message>``), replayed below.
"""
from __future__ import annotations

import copy
import functools
import os
import signal
import time
import unicodedata
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
import yaml
from hypothesis import HealthCheck, given, settings, strategies as st
from rdflib.compare import isomorphic

from kg import export as kgexport, pipeline, rdfterms
from kg.config import Project
from kg.errors import KgError

ROOT = Path(__file__).resolve().parents[1]
FUZZ = Path(__file__).parent / "fuzz"
CORPUS = sorted((FUZZ / "corpus").glob("*.yaml"))
REGRESSIONS = sorted((FUZZ / "regressions").glob("*.yaml"))
FUZZ_SECONDS = float(os.environ.get("KG_FUZZ_SECONDS", "15"))
HANG_SECONDS = 5
#: Characters kg refuses in any value (see kg.yamlstrict): C0 but tab/LF/CR, DEL, C1, surrogates.
REFUSED = {chr(c) for c in [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0x7F, 0xA0)]}
RDFLIB_FORMAT = {"turtle": "turtle", "ntriples": "nt", "trig": "trig", "nquads": "nquads", "jsonld": "json-ld"}


@functools.lru_cache(maxsize=1)
def project_inputs() -> pipeline.Inputs:
    """Ontology and reference data, read once (not a fixture: Hypothesis would print it with every example)."""
    return pipeline.Inputs.read(Project(ROOT))


@pytest.fixture
def inputs() -> pipeline.Inputs:
    return project_inputs()


# -- the fuzz target ---------------------------------------------------------------------------------------

class Hang(Exception):
    """The loader ran longer than HANG_SECONDS on one small file."""


@contextmanager
def deadline(seconds: float):
    def expire(*_):
        raise Hang(f"no answer after {seconds} s")
    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def load_bytes(data: bytes, inputs: pipeline.Inputs, folder: Path) -> str:
    """Load one annotation file with these bytes: "accepted", or the typed error's message.

    Anything else escapes: that is a crash. Accepted graphs are turned into store quads and
    N-Triples, so an IRI or literal no store would take is a crash too.
    """
    path = folder / "990-fuzz.yaml"
    path.write_bytes(data)
    try:
        with deadline(HANG_SECONDS):
            for article in pipeline.prepare_articles([path], inputs):
                quads = list(rdfterms.graph_quads(article.graph, str(article.graph_iri)))
                ox.serialize(quads, format=ox.RdfFormat.N_QUADS)
    except KgError as exc:
        return str(exc)
    return "accepted"


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_the_fuzz_corpus_is_accepted(inputs, tmp_path, path):
    assert load_bytes(path.read_bytes(), inputs, tmp_path) == "accepted"


@pytest.mark.parametrize("path", REGRESSIONS, ids=lambda p: p.name)
def test_fuzz_regressions_give_their_typed_error(inputs, tmp_path, path):
    """Each file once crashed or hung the loader; now it gives the message on its first line."""
    data = path.read_bytes()
    expected = data.split(b"\n", 1)[0].decode().removeprefix("# expect: ")
    assert expected in load_bytes(data, inputs, tmp_path)


# mutations ------------------------------------------------------------------------------------------------

TOKENS = [b": ", b"- ", b"[", b"]", b"{", b"}", b"&a ", b"*a", b"!!str ", b"!!python/name:os.system ", b"'", b'"',
          b"\n", b"  ", b"\t", b"\r\n", b"\x00", b"\xc2\x85", b"\xef\xbb\xbf", b"\xff", b"\xed\xa0\x80", b"\xe2\x80\xa8",
          b"e\xcc\x81", b"#", b"|", b">-", b"? ", b"%YAML 1.1\n", b"---\n", b"...\n", b"\\u0000", b"\\ud800", b"no",
          b"010", b"1:20", b"1e3", b"~", b"true", b"-1", b"99999999999999999999", b"2015-02-30", b"http://[x", b"%zz",
          b"<>", b"part_of: ", b"key: ", b"- key: x\n", b"[" * 200]
VALUES = [None, True, 0, -1, 10**30, "", " ", "no", "2015-02-30", "0001-01-01", [], {}, ["x"], {"a": 1}, "http://[x",
          "https://e.org/a#b#c", "a\u2028b", "e\u0301", "\U0001F600", "<>\"{}|\\^`", "x" * 2100, "lublin", "lubelskie",
          "rops", "talk", "po-kl", "efs", "exact", "systemic", "Q0", "venue", "city", "conference"]
FIELDS = ["part_of", "city", "venue", "county", "key", "about", "person", "organisation", "event", "voivodeship",
          "kind", "evidence", "source_path", "url", "organisers", "attendance"]


def _paths(node, path=()):
    yield path
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, value in items:
        yield from _paths(value, path + (key,))


def _at(node, path):
    for part in path:
        node = node[part]
    return node


@st.composite
def mutated_tree(draw) -> bytes:
    """A corpus document with 1–3 changes to its tree (a value replaced by another value, by one of
    the document's own keys, or by another part of it; an item dropped or repeated; a field added)."""
    doc = copy.deepcopy(draw(st.sampled_from(CORPUS_DOCS)))
    for _ in range(draw(st.integers(1, 3))):
        own_keys = [_at(doc, p) for p in _paths(doc) if p and p[-1] == "key"]
        paths = [p for p in _paths(doc) if p]
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent, last = _at(doc, path[:-1]), path[-1]
        value = draw(st.sampled_from(VALUES + own_keys + [_at(doc, p) for p in paths[:40]]))
        op = draw(st.sampled_from(["replace", "drop", "repeat", "add"]))
        if op == "replace":
            parent[last] = copy.deepcopy(value)
        elif op == "drop":
            del parent[last]
        elif op == "repeat" and isinstance(parent, list):
            parent.append(copy.deepcopy(parent[last]))
        elif isinstance(parent, dict):
            parent[draw(st.sampled_from(FIELDS))] = copy.deepcopy(value)
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False).encode("utf-8")


@st.composite
def mutated_bytes(draw) -> bytes:
    """A corpus file with 1–4 byte-level changes (a YAML-significant token inserted, bytes deleted or
    replaced, a line repeated or moved)."""
    data = bytearray(draw(st.sampled_from(CORPUS_BYTES)))
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(data)))
        op = draw(st.sampled_from(["insert", "delete", "byte", "line"]))
        if op == "insert":
            data[at:at] = draw(st.sampled_from(TOKENS))
        elif op == "delete":
            del data[at:at + draw(st.integers(1, 40))]
        elif op == "byte" and data:
            data[min(at, len(data) - 1)] = draw(st.integers(0, 255))
        else:
            lines = bytes(data).split(b"\n")
            lines.insert(draw(st.integers(0, len(lines))), lines[draw(st.integers(0, len(lines) - 1))])
            data = bytearray(b"\n".join(lines))
    return bytes(data)


CORPUS_BYTES = [p.read_bytes() for p in CORPUS]
CORPUS_DOCS = [yaml.safe_load(data) for data in CORPUS_BYTES]


def test_fuzz_the_annotation_loader_for_a_bounded_time(inputs, tmp_path):
    """Batches of Hypothesis examples until KG_FUZZ_SECONDS are spent; a crash fails with a shrunk input."""
    outcomes: dict[str, int] = {}

    @settings(max_examples=60, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much])
    @given(st.one_of(mutated_tree(), mutated_bytes()))
    def fuzz(data: bytes) -> None:
        outcome = load_bytes(data, inputs, tmp_path)
        kind = "accepted" if outcome == "accepted" else "refused"
        outcomes[kind] = outcomes.get(kind, 0) + 1

    end = time.monotonic() + FUZZ_SECONDS
    batches = 0
    while time.monotonic() < end or not batches:
        fuzz()
        batches += 1
    # A crash fails inside fuzz(); here only that inputs ran. (On a loaded machine every example may hit the
    # hang deadline and be refused, so "some accepted" is not required; the corpus test covers acceptance.)
    assert sum(outcomes.values()) > 0, outcomes
    print(f"fuzzed {sum(outcomes.values())} inputs in {batches} batches: {outcomes}")


# -- property-based: random valid annotations ------------------------------------------------------------

POLISH = "ąćęłńóśźżĄĆĘŁŃÓŚŹŻ"
ODD = "\"'\\{}<>|^`#:-&*!%@ \t\n\u00a0\u200b\u200e\u202e\u2028\ufeff\ufffd\U0001F600\u0301ß\u05d0\u0627"
name_chars = st.one_of(st.sampled_from(POLISH), st.sampled_from(ODD),
                       st.characters(blacklist_categories=("Cs",), blacklist_characters="".join(REFUSED)))
names = st.text(name_chars, min_size=1, max_size=30).filter(lambda s: s.strip() and not s.isspace())
slugs = st.from_regex(r"[a-z0-9]{1,8}(-[a-z0-9]{1,8}){0,2}", fullmatch=True)
dates = st.dates(min_value=__import__("datetime").date(1990, 1, 1), max_value=__import__("datetime").date(2030, 12, 31))


def yaml_string(text: str) -> str:
    """*text* as a YAML double-quoted scalar that reads back exactly (escapes for breaks and controls)."""
    out = []
    for char in text:
        code = ord(char)
        if char in '"\\':
            out.append("\\" + char)
        elif code < 0x20 or 0x7F <= code < 0xA0 or char in "\u2028\u2029\ufeff":
            out.append(f"\\u{code:04x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def to_yaml(value, indent: str = "") -> str:
    """Block-style YAML of plain data, every string double-quoted (so nothing is typed by accident)."""
    if isinstance(value, dict):
        return "".join(f"{indent}{key}:" + (f"\n{to_yaml(item, indent + '  ')}" if isinstance(item, (dict, list)) and item
                                            else f" {to_yaml(item)}\n") for key, item in value.items())
    if isinstance(value, list):
        return "".join(f"{indent}-\n{to_yaml(item, indent + '  ')}" if isinstance(item, dict)
                       else f"{indent}- {to_yaml(item)}\n" for item in value)
    if isinstance(value, str):
        return yaml_string(value)
    return "true" if value is True else "false" if value is False else str(value)


@st.composite
def valid_annotations(draw) -> dict:
    orgs = draw(st.lists(slugs, min_size=1, max_size=3, unique=True))
    people = draw(st.lists(slugs, max_size=3, unique=True).filter(lambda p: not set(p) & set(orgs)))
    events = draw(st.lists(slugs, max_size=2, unique=True))
    published = draw(dates)
    doc = {"article": {"key": "990-" + draw(slugs), "source_id": draw(names), "title": draw(names),
                       "publisher": orgs[0], "published": published.isoformat()}}
    doc["organisations"] = [{"key": key, "name": draw(names), "type": draw(st.sampled_from(["rops", "mops", "wup"])),
                             "voivodeship": draw(st.sampled_from(["lubelskie", "pomorskie", "slaskie"]))}
                            for key in orgs]
    doc["people"] = [{"key": key, "name": draw(names), "given_name": draw(names), "family_name": draw(names),
                      "evidence": draw(names)} for key in people]
    doc["events"] = [{"key": key, "type": draw(st.sampled_from(["conference", "panel", "training"])),
                      "title": draw(names), "start": published.isoformat(), "city": "lublin",
                      "voivodeship": "lubelskie", "organisers": [orgs[0]]} for key in events]
    doc["participations"] = [{"event": event, "person": person, "role": "talk", "subject": draw(names)}
                             for event in events for person in people[:1]]
    return {section: items for section, items in doc.items() if items}


def _store_of(article) -> ox.Store:
    store = ox.Store()
    store.extend(rdfterms.graph_quads(article.graph, str(article.graph_iri)))
    return store


@settings(max_examples=int(os.environ.get("KG_PROPERTY_EXAMPLES", "40")), deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large])
@given(valid_annotations())
def test_random_valid_annotations_export_and_reparse_to_the_same_graph(tmp_path_factory, doc):
    inputs = project_inputs()
    folder = tmp_path_factory.mktemp("property")
    path = folder / "990-property.yaml"
    path.write_text(to_yaml(doc), encoding="utf-8")
    (article,) = pipeline.prepare_articles([path], inputs)
    people = {str(s): str(o) for s, o in article.graph.subject_objects(rdflib.URIRef("http://schema.org/name"))
              if "/person/" in str(s)}
    assert sorted(people.values()) == sorted(unicodedata.normalize("NFC", p["name"]) for p in doc.get("people", []))
    store = _store_of(article)
    quads = {str(q) for q in store}
    reference = rdflib.Dataset()
    reference.parse(data="".join(f"{q} .\n" for q in quads), format="nquads")  # from pyoxigraph's terms, not from kg.export
    for fmt, (rdf_format, keeps_graphs) in kgexport.FORMATS.items():
        data = kgexport.export(store, fmt)
        parsed = {str(q) if keeps_graphs else str(q.triple) for q in ox.parse(data, format=rdf_format)}
        assert parsed == (quads if keeps_graphs else {str(q.triple) for q in store}), fmt
        if keeps_graphs:
            dataset = rdflib.Dataset()
            dataset.parse(data=data, format=RDFLIB_FORMAT[fmt])
            assert set(dataset.quads()) == set(reference.quads()), fmt
        else:
            graph = rdflib.Graph().parse(data=data, format=RDFLIB_FORMAT[fmt])
            assert isomorphic(graph, rdflib.Graph().parse(data="\n".join(str(q.triple) + " ." for q in store),
                                                          format="nt")), fmt


@settings(max_examples=150, deadline=None, database=None)
@given(st.text(max_size=40))
def test_any_string_as_a_name_is_a_located_error_or_a_valid_literal(tmp_path_factory, text):
    inputs = project_inputs()
    doc = {"article": {"key": "991-names", "source_id": "x", "title": "x", "publisher": "o",
                       "published": "2015-03-31"},
           "organisations": [{"key": "o", "name": "x", "type": "rops", "voivodeship": "lubelskie"}],
           "people": [{"key": "p", "name": text, "given_name": "x", "family_name": "x"}]}
    folder = tmp_path_factory.mktemp("names")
    outcome = load_bytes(to_yaml(doc).encode("utf-8"), inputs, folder)
    if outcome != "accepted":
        assert "people[0].name" in outcome, outcome
        return
    (article,) = pipeline.prepare_articles([folder / "990-fuzz.yaml"], inputs)
    (name,) = article.graph.objects(rdflib.URIRef(f"{inputs.base}person/p"), rdflib.URIRef("http://schema.org/name"))
    literal = ox.Literal(str(name))
    assert str(name) == unicodedata.normalize("NFC", text)
    assert list(ox.parse(f"<http://e/s> <http://e/p> {literal} .", format=ox.RdfFormat.N_TRIPLES))[0].object == literal


@settings(max_examples=150, deadline=None, database=None)
@given(st.text(max_size=30))
def test_any_string_as_a_key_or_url_is_a_located_error_or_a_valid_iri(tmp_path_factory, text):
    inputs = project_inputs()
    doc = {"article": {"key": "992-keys", "source_id": "x", "title": "x", "publisher": "o", "published": "2015-03-31",
                       "url": "https://example.org/" + text},
           "organisations": [{"key": "o", "name": "x", "type": "rops", "voivodeship": "lubelskie"}],
           "people": [{"key": text, "name": "x", "given_name": "x", "family_name": "x"}]}
    outcome = load_bytes(to_yaml(doc).encode("utf-8"), inputs, tmp_path_factory.mktemp("keys"))
    assert (outcome == "accepted" or "people[0].key" in outcome or "article.url" in outcome
            or "names both a person and an organisation" in outcome), outcome  # e.g. the key "o"
