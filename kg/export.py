"""Stage 7: export the store in the standard RDF syntaxes, deterministically.

Triple formats (Turtle, N-Triples) hold the merge of all graphs; dataset formats (TriG,
N-Quads, JSON-LD) keep one named graph per article. Statements are sorted before writing, so
the same store content always gives the same bytes.

The sort is an external merge sort of N-Triples/N-Quads lines: runs of :data:`SORT_RUN` lines are
sorted in memory and spilled to temporary files, then merged, so an export needs memory for one run,
not for the whole store (sorting every statement as Python objects took 12.6 GB at 100,000 articles;
docs/performance.md). A line sorts exactly where its terms' ``str()`` tuple did: the terms are
written space-separated (tab after the graph name), and no term's text is a prefix of another's
followed by a character below the space.
"""
from __future__ import annotations

import heapq
import io
import tempfile
from contextlib import ExitStack
from pathlib import Path
from typing import IO, Iterable, Iterator

import pyoxigraph as ox

from .errors import UsageError
from .iri import mint_iri

FORMATS = {
    "turtle": (ox.RdfFormat.TURTLE, False),
    "ntriples": (ox.RdfFormat.N_TRIPLES, False),
    "trig": (ox.RdfFormat.TRIG, True),
    "nquads": (ox.RdfFormat.N_QUADS, True),
    "jsonld": (ox.RdfFormat.JSON_LD, True),
}
EXTENSIONS = {"turtle": "ttl", "ntriples": "nt", "trig": "trig", "nquads": "nq", "jsonld": "jsonld"}

#: Lines sorted in memory at a time (about 250 MB of Python strings); larger exports spill runs to disk.
SORT_RUN = 1_000_000


def inferred_graph_iri(base: str | None = None) -> str:
    return mint_iri("graph", "inferred", base=base)


def _selected_quads(store: ox.Store, with_inferred: bool, base: str | None) -> Iterable[ox.Quad]:
    inferred = ox.NamedNode(inferred_graph_iri(base))
    for graph in store.named_graphs():  # not the default graph: it holds their union (kg.store)
        if graph != inferred or with_inferred:
            yield from store.quads_for_pattern(None, None, None, graph)


def _sort_lines(quads: Iterable[ox.Quad], keeps_graphs: bool) -> Iterator[str]:
    """The sort keys of *quads*, one line each, sorted and without duplicates: ``graph<TAB>s p o``
    for datasets, ``s p o`` for triple formats (which merges the graphs)."""
    if keeps_graphs:
        lines = (f"{q.graph_name}\t{q.triple}\n" for q in quads)
    else:
        lines = (f"{q.triple}\n" for q in quads)
    with ExitStack() as stack:
        runs: list[IO[str]] = []
        run = _next_run(lines)
        while len(run) == SORT_RUN:
            spill = stack.enter_context(tempfile.TemporaryFile("w+", encoding="utf-8"))
            spill.writelines(run)
            spill.seek(0)
            runs.append(spill)
            run = _next_run(lines)
        previous = None
        for line in heapq.merge(run, *runs) if runs else run:
            if line != previous:
                yield line
                previous = line


def _next_run(lines: Iterator[str]) -> list[str]:
    run = []
    for line in lines:
        run.append(line)
        if len(run) == SORT_RUN:
            break
    run.sort()
    return run


def _as_rdf(lines: Iterable[str], keeps_graphs: bool) -> Iterator[bytes]:
    """Sort keys back to N-Quads / N-Triples lines, in the same order."""
    for line in lines:
        if keeps_graphs:
            graph, triple = line.split("\t", 1)
            line = f"{triple[:-1]} .\n" if graph == "DEFAULT" else f"{triple[:-1]} {graph} .\n"
        else:
            line = f"{line[:-1]} .\n"
        yield line.encode("utf-8")


class _Stream(io.RawIOBase):
    """A binary file over an iterator of byte chunks, for pyoxigraph's parser to read lazily."""

    def __init__(self, chunks: Iterator[bytes]):
        self._chunks = chunks
        self._pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while not self._pending:
            chunk = next(self._chunks, None)
            if chunk is None:
                return 0
            self._pending = chunk
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size


def export(store: ox.Store, fmt: str = "turtle", output: IO[bytes] | Path | None = None, *,
           with_inferred: bool = False, base: str | None = None) -> bytes | None:
    """Serialise the store in *fmt*; return bytes when *output* is None."""
    if fmt not in FORMATS:
        raise UsageError(f"unknown export format {fmt!r}; choose one of: {', '.join(FORMATS)}")
    rdf_format, keeps_graphs = FORMATS[fmt]
    lines = _sort_lines(_selected_quads(store, with_inferred, base), keeps_graphs)
    reader = io.BufferedReader(_Stream(_as_rdf(lines, keeps_graphs)), buffer_size=1 << 20)
    if keeps_graphs:
        statements = ox.parse(reader, format=ox.RdfFormat.N_QUADS)
    else:
        statements = (q.triple for q in ox.parse(reader, format=ox.RdfFormat.N_TRIPLES))
    from .namespaces import PREFIXES  # here: rdflib's namespaces are not needed to read the store
    prefixes = PREFIXES if fmt in ("turtle", "trig") else None
    target = str(output) if isinstance(output, Path) else output
    return ox.serialize(statements, target, format=rdf_format, prefixes=prefixes)
