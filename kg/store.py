"""Stage 5: the embedded store (pyoxigraph on RocksDB), and atomic changes to it.

Why pyoxigraph and not an rdflib store: see docs/store.md (measured). Two write paths:

* :func:`replace_graphs` changes a set of named graphs in **one** SPARQL Update request, which
  Oxigraph applies in one transaction: either every graph of a batch is replaced or none is;
* :func:`build_fresh` writes a whole new store into a sibling directory and swaps it in with
  renames, so a crashed build leaves the previous store in place.

The store's **default graph holds the union** (the RDF merge) of its named graphs, kept exact by
both write paths (a bulk write adds each quad's copy, :func:`with_union`): stored queries read that one deduplicated graph instead of asking Oxigraph for
the union of every article graph at query time, which repeats a triple once per graph holding it
(a person's name is in every article that names them). At 10,000 articles that made the stored
queries 1.2–3.6 times faster (2.1 as a geometric mean), for 1.6 million more quads (docs/performance.md). Named graphs stay the
unit of provenance, export and push; the union is derived and never exported.

A store directory is held by one writer at a time (RocksDB's lock); a second writer gets
:class:`~kg.errors.StoreLocked`.
"""
from __future__ import annotations

import gc
import hashlib
import itertools
import os
import shutil
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterable, Iterator, Mapping

import pyoxigraph as ox

from . import answers
from .errors import StoreError, StoreLocked, StoreMissing

MARKER = "kg-store.txt"  # written into every store directory, so kg never opens a foreign directory
#: Written into the marker. Format 1 (before December 2026) had an empty default graph; format 2
#: keeps the union of the named graphs there. A format-1 store is upgraded when next opened for writing.
STORE_FORMAT = 2
UNION = ox.DefaultGraph()  # where the union of the named graphs is kept
# A graph that exists only inside a replace_graphs transaction: the triples it takes away.
_REPLACED = ox.NamedNode("urn:kg:store:replaced-in-this-transaction")


#: Quads per bulk write of quad objects. pyoxigraph's bulk loader holds what one call gives it in
#: memory: a call of 1,000,000 quads added 1.1 GB to the process, ten calls of 100,000 added 0.1 GB.
BULK_CHUNK = 100_000
#: Lines per bulk load of kg's own N-Quads or N-Triples text: about one call per build batch. Each call
#: adds its sorted files to every RocksDB index, and RocksDB merges them in background threads with
#: what is there (compaction): with calls of 100,000 lines that merging was a quarter of a
#: 10,000-article build's CPU (perf). Loading the 3.9 million quads of that store in calls of 400,000
#: lines took 52 s of CPU instead of 63–77 s, for 600 MB more held during a call; the build took
#: 109 s instead of 117–130 s and peaked at 1.57 GB instead of 1.28–1.31 GB.
BULK_LINES = 400_000


def bulk_write(store: ox.Store, quads: Iterable[ox.Quad]) -> None:
    """Bulk-load *quads* into *store* in chunks of :data:`BULK_CHUNK` (not transactional)."""
    quads = iter(quads)
    while chunk := list(itertools.islice(quads, BULK_CHUNK)):
        store.bulk_extend(chunk)


def bulk_write_graph(store: ox.Store, triples: list[ox.Triple], graph: ox.NamedNode) -> None:
    """Bulk-load *triples* into the named graph *graph* and the union (not transactional).

    As N-Triples text pyoxigraph prints and reads in Rust, in chunks of :data:`BULK_LINES`: making a
    quad object per triple and graph, and writing them with ``bulk_extend``, cost the end of a
    10,000-article build seconds for its 500,000 inferred triples (half a minute at 100,000).
    """
    for start in range(0, len(triples), BULK_LINES):
        chunk = triples[start:start + BULK_LINES]
        text = ox.serialize(chunk, format=ox.RdfFormat.N_TRIPLES)
        if b"_:" in text:  # a blank node, perhaps: each bulk load would rename it its own way
            bulk_write(store, with_union(ox.Quad(t.subject, t.predicate, t.object, graph) for t in chunk))
            continue
        for target in (graph, UNION):  # lenient: serialised from terms pyoxigraph checked when they were made
            store.bulk_load(text, format=ox.RdfFormat.N_TRIPLES, to_graph=target, lenient=True)


class BackgroundWriter:
    """Bulk-writes batches of quads into a store on a thread of its own while the caller goes on.

    pyoxigraph's ``bulk_extend`` holds Python's GIL while it writes (it reads the quads from Python
    objects), so nothing else in the process runs meanwhile; ``bulk_load`` of N-Quads text releases it
    (tested: a Python loop ran at 80 % of its speed beside it, and not at all beside ``bulk_extend``).
    So :meth:`write_lines` loads a batch's N-Quads text (as the build printed it, :mod:`kg.rdfterms`) on the
    writer's thread: a build prepares its next batch on one core while the last one is written on the other.
    :meth:`wait` waits for the write under way and raises what it raised; call it before reading the
    store. As a context manager it waits when the block ends, so nothing writes once the store is
    closed or discarded.
    """

    def __init__(self, store: ox.Store):
        self.store = store
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None

    def write_lines(self, lines: list[str], *, then: Callable[[], None] | None = None) -> None:
        """Start writing the N-Quads *lines* (after the write before it is done), then call *then* on the
        writer's thread (for more work that releases the GIL)."""
        self.wait()
        # in chunks (BULK_LINES): the bulk loader holds what one call gives it in memory
        texts = ["".join(lines[i:i + BULK_LINES]) for i in range(0, len(lines), BULK_LINES)]
        if any("_:" in text for text in texts):  # a blank node, perhaps: bulk_load would rename it
            for text in texts:
                bulk_write(self.store, ox.parse(text, format=ox.RdfFormat.N_QUADS))
            if then is not None:
                then()
            return
        # lenient: kg printed the text from terms already checked (IRIs minted from slugs, reference data,
        # or checked by kg.annotations; literals by kg.rdfterms.nt_literal): checking them again cost
        # a fifth of the write
        self._thread = threading.Thread(target=self._load, args=(texts, then), name="kg-bulk-write", daemon=True)
        self._thread.start()

    def _load(self, texts: list[str], then: Callable[[], None] | None) -> None:
        try:
            for text in texts:
                self.store.bulk_load(text, format=ox.RdfFormat.N_QUADS, lenient=True)
            if then is not None:
                then()
        except BaseException as exc:  # raised in the caller's thread by wait()
            self._error = exc

    def __enter__(self) -> "BackgroundWriter":
        return self

    def __exit__(self, exc_type, exc, traceback) -> None:
        if exc is None:
            self.wait()
            return
        try:
            self.wait()
        except Exception:  # noqa: S110 - the error already on its way matters more (the store is discarded)
            pass

    def wait(self) -> None:
        """Wait for the write under way, if any; raise what it raised."""
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        if self._error is not None:
            error, self._error = self._error, None
            raise error


def with_union(quads: Iterable[ox.Quad]) -> Iterator[ox.Quad]:
    """Each of *quads* (named graphs) followed by its copy in the union: a bulk write into a kg store."""
    for quad in quads:
        yield quad
        yield ox.Quad(quad.subject, quad.predicate, quad.object, UNION)


def _is_lock_error(exc: OSError) -> bool:
    text = str(exc).lower()
    return "lock" in text and ("resource temporarily unavailable" in text or "lock file" in text or "locked" in text)


def open_store(path: Path, *, create: bool = False) -> ox.Store:
    """Open the store at *path* for reading and writing."""
    path = Path(path)
    if not create and not (path / MARKER).exists():
        raise StoreMissing(f"no kg store at {path}: run `kg build` first (or pass --store DIR / set KG_STORE)")
    if path.exists() and not (path / MARKER).exists() and any(path.iterdir()):
        raise StoreError(f"{path} exists and is not a kg store; choose another --store directory")
    try:
        store = _open_writable(path)
    except OSError as exc:
        if _is_lock_error(exc):
            raise StoreLocked(f"store is locked: another kg process is writing to {path}; wait for it to finish") from None
        raise StoreError(f"cannot open store at {path}: {exc}") from None
    if not (path / MARKER).exists():
        _write_marker(path)
    return store


def _open_writable(path: Path) -> ox.Store:
    try:
        return ox.Store(str(path))
    except OSError as exc:
        if "lock hold by current process" not in str(exc):
            raise
    # A handle this process no longer uses but has not freed yet: one in a reference cycle (an error's
    # traceback and a frame that holds the error) lives until the collector runs.
    gc.collect()
    try:
        return ox.Store(str(path))
    except OSError as exc:
        if "lock hold by current process" not in str(exc):
            raise
        raise StoreLocked(f"store is locked: this process still has {path} open for writing (a kg.KnowledgeGraph "
                          f"call that is still running, or an object that holds its store)") from None


def _write_marker(path: Path) -> None:
    (path / MARKER).write_text(f"kg embedded store (pyoxigraph/RocksDB). Do not edit.\nformat {STORE_FORMAT}\n",
                               encoding="utf-8")


def store_format(path: Path) -> int:
    """The format the store at *path* was written in (1 if its marker names none)."""
    for line in (Path(path) / MARKER).read_text(encoding="utf-8").splitlines():
        if line.startswith("format "):
            return int(line.split()[1])
    return 1


def has_union(store: ox.Store) -> bool:
    """Whether the default graph of *store* holds the union of its named graphs (format 2, not empty)."""
    return next(iter(store.quads_for_pattern(None, None, None, UNION)), None) is not None


def union_options(store: ox.Store) -> dict:
    """Query options that make the default graph the union of the named graphs: the stored union
    where there is one, else (a format-1 store, read-only) Oxigraph's union computed per query."""
    return {} if has_union(store) else {"use_default_graph_as_union": True}


def named_quads(store: ox.Store) -> Iterator[ox.Quad]:
    """Every quad of the named graphs: the store's content without the derived union."""
    for graph in list(store.named_graphs()):
        yield from store.quads_for_pattern(None, None, None, graph)


def fill_union(store: ox.Store) -> None:
    """Bulk-write the union of the named graphs of *store* into its default graph (a store nobody reads
    yet, such as a benchmark's proxy store: a crash half-way leaves a partial union)."""
    bulk_write(store, (ox.Quad(q.subject, q.predicate, q.object, UNION) for q in named_quads(store)))


def open_read_only(path: Path) -> ox.Store:
    """Open the store for reading; works while a writer holds it."""
    path = Path(path)
    if not (path / MARKER).exists():
        raise StoreMissing(f"no kg store at {path}: run `kg build` first (or pass --store DIR / set KG_STORE)")
    try:
        return ox.Store.read_only(str(path))
    except OSError as exc:
        raise StoreError(f"cannot open store at {path} for reading: {exc}") from None


def _nt(term) -> str:
    return str(term)  # pyoxigraph terms print in N-Triples syntax


def replace_graphs(store: ox.Store, graphs: Mapping[str, Iterable[ox.Quad]], remove: Iterable[str] = (), *,
                   delete: Iterable[ox.Quad] = (), insert: Iterable[ox.Quad] = ()) -> None:
    """Replace the named graphs in *graphs* (and drop those in *remove*) in one transaction.

    *delete* and *insert* are single quads (blank-node free) removed from and added to other graphs
    in the same transaction: kg.pipeline uses them to change only what changed in the inferred graph,
    as transactional writes cost far more per quad than dropping and re-inserting a small graph.
    The union in the default graph changes in the same transaction: what the new graphs and *insert*
    bring is added; what the old graphs and *delete* held leaves it unless another graph still has it.
    """
    # Graph names go through NamedNode, which refuses anything that is not an IRI (a name holding
    # `> } ; DROP ALL` can never close the IRI it is written in); terms print as escaped N-Triples.
    delete, insert = list(delete), list(insert)
    operations = []
    if delete:  # what leaves is collected in _REPLACED, so the union can be corrected from it
        operations.append(f"INSERT DATA {{ GRAPH {_REPLACED} {{\n{_triples(delete)}\n}} }}")
    for name in [*graphs, *remove]:
        operations += [f"ADD SILENT {ox.NamedNode(name)} TO {_REPLACED}", f"DROP SILENT GRAPH {ox.NamedNode(name)}"]
    for name, quads in graphs.items():
        operations.append(f"INSERT DATA {{ GRAPH {ox.NamedNode(name)} {{\n{_triples(quads)}\n}} }}")
    for keyword, quads in (("DELETE DATA", delete), ("INSERT DATA", insert)):
        body = "\n".join(f"GRAPH {_nt(q.graph_name)} {{ {_nt(q.subject)} {_nt(q.predicate)} {_nt(q.object)} }}"
                         for q in quads)
        if body:
            operations.append(f"{keyword} {{\n{body}\n}}")
    operations.append(f"DELETE {{ ?s ?p ?o }} WHERE {{ GRAPH {_REPLACED} {{ ?s ?p ?o }} "
                      f"FILTER NOT EXISTS {{ GRAPH ?g {{ ?s ?p ?o }} FILTER (?g != {_REPLACED}) }} }}")
    operations += [f"INSERT {{ ?s ?p ?o }} WHERE {{ GRAPH {ox.NamedNode(name)} {{ ?s ?p ?o }} }}" for name in graphs]
    if insert:
        operations.append(f"INSERT DATA {{\n{_triples(insert)}\n}}")
    operations.append(f"DROP SILENT GRAPH {_REPLACED}")
    try:
        store.update(" ;\n".join(operations))
    except OSError as exc:
        raise StoreError(f"writing to the store failed, nothing was changed: {exc}") from None


def _triples(quads: Iterable[ox.Quad]) -> str:
    return "\n".join(f"{_nt(q.subject)} {_nt(q.predicate)} {_nt(q.object)} ." for q in quads)


def build_fresh(path: Path, quads: Iterable[ox.Quad] | Callable[[ox.Store], None], *,
                held: list[ox.Store] | None = None) -> None:
    """Write a new store and swap it in place of the store at *path* (if any).

    *quads* are its content (named graphs; their union is added), or a function that fills the new
    store, union included (bulk writes, e.g. of :func:`with_union`; it may query what it wrote so
    far and must not keep the store). If that raises, the new store is thrown away and the store at
    *path* is untouched. *held*, a list of one open handle of the store at *path* (holding its write
    lock), is used as the lock and emptied at the swap: RocksDB writes into the handle's *path* when it
    closes, which must happen before the new store is there, so the caller keeps no other reference.
    """
    path = Path(path).resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = path.with_name(f".{path.name}.new-{os.getpid()}")
    old = path.with_name(f".{path.name}.old-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    store = open_store(staging, create=True)
    try:
        if callable(quads):
            quads(store)
        else:
            bulk_write(store, with_union(quads))
        store.flush()
        store.optimize()
        answers.stamp(staging)  # a new generation: no answer kept for the old store applies to it
    except BaseException:
        del store
        shutil.rmtree(staging, ignore_errors=True)
        raise
    del store
    try:
        if path.exists():
            if not (path / MARKER).exists() and any(path.iterdir()):
                raise StoreError(f"{path} exists and is not a kg store; refusing to replace it")
            # Hold the old store's write lock across the rename: a `kg load` that opened it after a
            # mere check would write into the directory about to be deleted, losing an
            # acknowledged load (issue 9). Loads that come later open the new store.
            lock = held.pop() if held else _lock(path)
            path.rename(old)
            del lock
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    staging.rename(path)
    shutil.rmtree(old, ignore_errors=True)


def _lock(path: Path) -> ox.Store:
    """Open *path* for writing, which takes RocksDB's lock; :class:`StoreLocked` if another process has it."""
    try:
        return ox.Store(str(path))
    except OSError as exc:
        if _is_lock_error(exc):
            raise StoreLocked(f"store is locked: another kg process is using {path}; wait for it to finish") from None
        raise StoreError(f"cannot open store at {path}: {exc}") from None


def recover(path: Path) -> None:
    """Finish or undo a swap interrupted by a crash (called before opening a store).

    Only leftovers of *dead* processes are touched: ``.NAME.new-PID`` / ``.NAME.old-PID`` of a
    build still running in another process are its staging store and its swap, not debris.
    """
    path = Path(path).resolve()
    leftovers = [p for p in sorted(path.parent.glob(f".{path.name}.old-*")) if not _pid_alive(p)]
    if not path.exists() and leftovers:
        leftovers[-1].rename(path)  # the crash happened between the two renames
    for stale in [*path.parent.glob(f".{path.name}.old-*"), *path.parent.glob(f".{path.name}.new-*"),
                  *path.parent.glob(f".{path.name}.scratch-*")]:
        if not _pid_alive(stale):
            shutil.rmtree(stale, ignore_errors=True)


@contextmanager
def scratch_directory(path: Path) -> Iterator[Path]:
    """A directory beside the store at *path* for a build's temporary files (on the store's file
    system, not in a possibly small /tmp); removed afterwards, and by :func:`recover` after a crash."""
    path = Path(path).resolve()
    directory = path.with_name(f".{path.name}.scratch-{os.getpid()}")
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    try:
        yield directory
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def _pid_alive(leftover: Path) -> bool:
    """Whether the process named by the ``-PID`` suffix of *leftover* still runs."""
    pid = leftover.name.rpartition("-")[2]
    if not pid.isdigit():
        return False
    if int(pid) == os.getpid():
        return False  # our own leftover from an earlier, failed attempt
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, owned by someone else
    return True


def content_hash(store: ox.Store) -> str:
    """SHA-256 of the store's sorted N-Quads: equal hashes mean equal content."""
    lines = sorted(str(q) for q in store)
    digest = hashlib.sha256()
    for line in lines:
        digest.update(line.encode("utf-8") + b"\n")
    return digest.hexdigest()


@contextmanager
def writable(path: Path, *, create: bool = False) -> Iterator[ox.Store]:
    """The store at *path* open for writing, for the duration of the ``with`` block: an interrupted swap
    is finished first, a format-1 store is upgraded, and the store's generation is replaced around the
    block (kept query answers stop applying before the first change; a new generation starts after the
    last one is flushed: kg.answers)."""
    recover(path)
    store = open_store(path, create=create)
    with answers.changing(path):
        if store_format(path) < STORE_FORMAT:
            # Written before the union was kept: a copy with the union is swapped in whole, as a build
            # is. Filling it in place, a crash left part of a union that readers took for all of it.
            held = [store]
            del store  # the swap closes it (build_fresh)
            build_fresh(path, named_quads(held[0]), held=held)
            store = open_store(path)
        try:
            yield store
        finally:
            store.flush()
            del store
