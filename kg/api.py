"""The Python API: ``kg.open(store)`` gives the same operations as the CLI, returning data.

>>> import kg                                                     # doctest: +SKIP
>>> graph = kg.open("store")                                      # doctest: +SKIP
>>> rows = graph.query("speakers-across-regions")                 # doctest: +SKIP
>>> import pandas; pandas.DataFrame(rows)                         # doctest: +SKIP
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

import pyoxigraph as ox

from . import answers, export as kgexport, store as kgstore
from .config import Project
from .limits import Budget, run_limited
from .errors import UsageError
from .queries import (QueryResult, StoredQuery, bind_parameters, load_catalogue, parse_stored_query, run_sparql,
                      run_stored, with_values)

if TYPE_CHECKING:  # imported where used: answering a query from the store needs none of them (nor rdflib)
    from . import pipeline, stats as kgstats
    from .remote import RemoteEndpoint


class KnowledgeGraph:
    """A kg store on disk, with the project that feeds it."""

    def __init__(self, store_path: Path | str | None = None, project: Project | None = None):
        self.project = project or Project.discover()
        self.store_path = Path(store_path) if store_path else self.project.default_store()

    # -- writing ------------------------------------------------------------------------------
    def build(self, *, infer: bool = True, progress=None) -> pipeline.LoadReport:
        """(Re)build the store from the project's ontology, reference data and articles (and infer).

        *progress* is an optional ``progress(stage, done, total)`` callback (see kg.progress)."""
        from . import pipeline
        return pipeline.build_store(self.project, self.store_path, infer=infer, progress=progress)

    def load(self, paths: Iterable[Path | str], *, encoding: str = "utf-8", infer: bool = True) -> pipeline.LoadReport:
        """Add or replace articles: all of them or none (and recompute the inferred graph)."""
        from . import pipeline
        return pipeline.load_into_store([Path(p) for p in paths], self.project, self.store_path, encoding=encoding,
                                        infer=infer)

    def validate(self, paths: Iterable[Path | str], *, encoding: str = "utf-8"):
        """Check articles without loading them; SHACL in the context of the store when there is one.

        Returns a :class:`kg.validate.ValidationReport`; malformed annotations raise AnnotationError.
        """
        from . import pipeline
        store_path = self.store_path if (self.store_path / kgstore.MARKER).exists() else None
        return pipeline.validate_files([Path(p) for p in paths], self.project, store_path, encoding=encoding)

    def infer(self) -> pipeline.InferReport:
        """Recompute the graph of OWL 2 RL entailments from the store's asserted graphs."""
        from . import pipeline
        return pipeline.infer_store(self.store_path)

    def push(self, endpoint: str, *, update: str | None = None, graph_store: str | None = None,
             user: str | None = None, password: str | None = None, timeout: float = 300.0, progress=None):
        """Replace the store's graphs on a remote SPARQL 1.1 server, each staged and swapped (see kg.push).

        Returns a :class:`kg.push.PushReport` (its ``warnings`` name a silent row cap of the server).
        """
        from .push import SparqlServer, push
        server = SparqlServer(endpoint, update=update, graph_store=graph_store, user=user, password=password,
                              timeout=timeout)
        return push(self._reader(), server, progress=progress)

    def explain(self, subject: str, predicate: str, obj: str):
        """Is the triple asserted (where) or inferred (how)? Terms as IRIs or prefixed names; see kg.explain."""
        from .explain import explain, parse_term
        triple = ox.Triple(parse_term(subject, position="subject"), parse_term(predicate, position="predicate"),
                           parse_term(obj))
        return explain(self._reader(), triple)

    # -- reading ------------------------------------------------------------------------------
    def _reader(self, *, with_inferred: bool = True):
        kgstore.recover(self.store_path)
        store = kgstore.open_read_only(self.store_path)
        return store if with_inferred else _AssertedOnly(store)

    def stats(self) -> kgstats.Stats:
        from . import stats as kgstats
        return kgstats.compute(self._reader())

    def export(self, fmt: str = "turtle", output=None, *, with_inferred: bool = False) -> bytes | None:
        return kgexport.export(self._reader(), fmt, output, with_inferred=with_inferred)

    def queries(self):
        return load_catalogue(self.project.queries_dir)

    def query(self, name: str, *, endpoint: str | RemoteEndpoint | None = None, **params: Any) -> list[dict[str, Any]]:
        """Run the stored query *name* with keyword parameters; rows are dicts (pandas-ready).

        With *endpoint* (a URL or a :class:`kg.remote.RemoteEndpoint`) the same query runs on that
        SPARQL endpoint instead of the embedded store (so ``endpoint`` cannot be a parameter name).
        """
        return self.query_result(name, params, endpoint=endpoint).rows

    def query_result(self, name: str, params: dict[str, Any] | None = None, *, with_inferred: bool = True,
                     endpoint: str | RemoteEndpoint | None = None, fresh: bool = False) -> QueryResult:
        """Run a stored query over all graphs (*with_inferred*), the asserted graphs only, or on *endpoint*.

        On the embedded store an answer is kept until the store changes (:mod:`kg.answers`); *fresh*
        evaluates the query even so.
        """
        catalogue = self.queries()
        if name not in catalogue:
            raise UsageError(f"no stored query {name!r}; available: {', '.join(catalogue)}")
        return self._run(catalogue[name], params, with_inferred=with_inferred, endpoint=endpoint, fresh=fresh)

    def query_file(self, path: Path | str, params: dict[str, Any] | None = None, *, with_inferred: bool = True,
                   endpoint: str | RemoteEndpoint | None = None, fresh: bool = False) -> QueryResult:
        """Run an ad-hoc ``.rq`` file (its header, if any, declares its parameters)."""
        return self._run(parse_stored_query(Path(path)), params, with_inferred=with_inferred, endpoint=endpoint,
                         fresh=fresh)

    def _run(self, query: StoredQuery, params: dict[str, Any] | None, *, with_inferred: bool,
             endpoint: str | RemoteEndpoint | None, fresh: bool = False) -> QueryResult:
        values = {k: str(v) for k, v in (params or {}).items()}
        if endpoint is not None:
            if not with_inferred:
                raise UsageError("--asserted-only applies to the embedded store; a remote endpoint answers from "
                                 "the graphs it holds")
            from .remote import RemoteEndpoint
            remote = endpoint if isinstance(endpoint, RemoteEndpoint) else RemoteEndpoint(endpoint)
            return remote.run_stored(query, values)
        bound_text = with_values(query.text, bind_parameters(query, values))  # also checks the values
        return answers.answered(self.store_path, answers.answer_key(bound_text, with_inferred=with_inferred),
                                lambda: self._limited(run_stored, query, values, with_inferred=with_inferred),
                                fresh=fresh)

    def sparql(self, text: str, *, with_inferred: bool = True, fresh: bool = False) -> QueryResult:
        return answers.answered(self.store_path, answers.answer_key(text, with_inferred=with_inferred),
                                lambda: self._limited(run_sparql, text, with_inferred=with_inferred), fresh=fresh)

    def _limited(self, run, *args, with_inferred: bool) -> QueryResult:
        """``run(store, *args)`` within the query budget (KG_QUERY_TIMEOUT, KG_MEMORY_LIMIT_MB): in a
        child process that opens its own read-only store, so a runaway query can be stopped (kg.limits)."""
        return run_limited(Budget.of("query"), lambda: run(self._reader(with_inferred=with_inferred), *args))


class _AssertedOnly:
    """A read-only store whose queries see every graph except the inferred one (``--asserted-only``)."""

    def __init__(self, store: ox.Store):
        self._store = store
        inferred = ox.NamedNode(kgexport.inferred_graph_iri())
        self._graphs = [g for g in store.named_graphs() if g != inferred]

    def query(self, query: str, *, use_default_graph_as_union: bool = False, **options):
        # the union in the default graph (kg.store) includes the inferred graph: list the others
        options.setdefault("named_graphs", self._graphs)
        options.setdefault("default_graph", self._graphs)
        return self._store.query(query, **options)

    def __getattr__(self, name: str):
        return getattr(self._store, name)


def open(store: Path | str | None = None, project: Project | None = None) -> KnowledgeGraph:  # noqa: A001
    """Open the kg store at *store* (default: ``KG_STORE`` or ``store/`` in the project)."""
    return KnowledgeGraph(store, project)
