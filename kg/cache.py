"""A cache of the parsed ontology and reference data (:class:`kg.pipeline.Inputs`) and of the checked
shapes (:func:`kg.validate.load_shapes`).

Every ``kg load``, ``kg validate`` and ``kg build`` starts by parsing the ontology (rdflib's Turtle
parser, then canonical blank-node labels) and building the reference graph from its YAML files:
0.15–0.3 s, a quarter of loading one article into a store of 10,000 (docs/performance.md). The
result depends only on those files, the base IRI and kg's own code, so it is kept between runs.

An entry is named by a SHA-256 *fingerprint* of exactly those inputs: any change to them makes a new
entry, never a stale answer, and an entry that cannot be read (or a directory that cannot be written)
is ignored. Entries are N-Triples and JSON, not pickle: a cache file must never be able to run code.
The directory is ``KG_CACHE_DIR``, else ``$XDG_CACHE_HOME/kg``, else ``~/.cache/kg``; ``KG_CACHE_DIR=off``
switches the cache off.
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph
from rdflib.graph import ReadOnlyGraphAggregate

from .config import SETTINGS
from .rdfterms import to_ox, to_rdflib
from .reference import Reference

#: Bumped when the layout of an entry changes.
FORMAT = "2"
_PACKAGE = Path(__file__).resolve().parent


def cache_directory() -> Path | None:
    """Where entries live, or None when the cache is off."""
    configured = os.environ.get(SETTINGS["cache_dir"][0])
    if configured:
        return None if configured.lower() == "off" else Path(configured)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "kg"


def fingerprint(label: str, *directories: Path) -> str:
    """SHA-256 of *label* (the base IRI, for the inputs), kg's source and every file under *directories*
    (names and bytes)."""
    digest = hashlib.sha256(f"kg-cache {FORMAT}\n{label}\n".encode())
    digest.update(_source_digest())
    for root in directories:
        digest.update(_files_digest(Path(root)))
    return digest.hexdigest()


@lru_cache(maxsize=1)
def _source_digest() -> bytes:
    """kg's own code (its .py and .json files), read once per process."""
    return _files_digest(_PACKAGE, suffixes=(".py", ".json"))


def _files_digest(root: Path, suffixes: tuple[str, ...] | None = None) -> bytes:
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        if suffixes is None or path.suffix in suffixes:
            digest.update(f"{path.relative_to(root).as_posix()}\n".encode())
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.digest()


def load(key: str) -> tuple[Graph, Reference] | None:
    """The ontology graph and reference data of entry *key*, or None if there is no usable entry."""
    entry = _read_entry("inputs", key)
    try:
        # read-only, as kg.pipeline.load_ontology returns it (rdflib's canonical graph)
        ontology, reference_graph = ReadOnlyGraphAggregate([_graph(entry["ontology"])]), _graph(entry["reference"])
        reference = Reference.from_entries(reference_graph, entry["keys"])
    except (ValueError, KeyError, TypeError, SyntaxError):
        return None  # missing or damaged: rebuilt by the caller
    return ontology, reference


def save(key: str, ontology: Graph, reference: Reference) -> None:
    """Write the inputs entry *key*; say nothing if that is impossible."""
    ontology_text, reference_text = _ntriples(ontology), _ntriples(reference.graph)
    # N-Triples cannot tell rdflib's plain literal "x" from "x"^^xsd:string: a graph that would not
    # come back identical is not cached
    if set(_graph(ontology_text)) != set(ontology) or set(_graph(reference_text)) != set(reference.graph):
        return
    _write_entry("inputs", key, {"ontology": ontology_text, "reference": reference_text,
                                 "keys": reference.entries()})


def load_shapes(key: str) -> Graph | None:
    """The shapes graph of entry *key* (already checked by :func:`kg.validate.check_shapes` when it was
    written), or None."""
    entry = _read_entry("shapes", key)
    try:
        return _graph(entry["shapes"])
    except (ValueError, KeyError, TypeError, SyntaxError):
        return None


def save_shapes(key: str, shapes: Graph) -> None:
    """Write the shapes entry *key* (shapes that passed the check); say nothing if that is impossible."""
    text = _ntriples(shapes)
    if set(_graph(text)) == set(shapes):
        _write_entry("shapes", key, {"shapes": text})


def _read_entry(kind: str, key: str) -> dict:
    directory = cache_directory()
    if directory is None:
        return {}
    try:
        entry = json.loads((directory / f"{kind}-{key}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return entry if isinstance(entry, dict) and entry.get("format") == FORMAT else {}


def _write_entry(kind: str, key: str, entry: dict) -> None:
    """Write an entry atomically (a temporary file renamed); say nothing if that is impossible."""
    directory = cache_directory()
    if directory is None:
        return
    try:
        directory.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=directory, delete=False,
                                         prefix=f".{kind}-", suffix=".tmp") as handle:
            json.dump({"format": FORMAT, **entry}, handle, ensure_ascii=False)
        os.replace(handle.name, directory / f"{kind}-{key}.json")
    except OSError:
        try:
            os.unlink(handle.name)
        except (OSError, UnboundLocalError):
            pass


def _ntriples(graph: Graph) -> str:
    return ox.serialize((ox.Triple(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in graph),
                        format=ox.RdfFormat.N_TRIPLES).decode("utf-8")


def _graph(text: str) -> Graph:
    # rdflib's SimpleMemory store: these graphs are only read, and adding to the default Memory store
    # (context bookkeeping, an event per triple) was most of reading an entry
    graph = Graph(store="SimpleMemory")
    graph.addN((to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object), graph)
               for q in ox.parse(text.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES))
    return graph



