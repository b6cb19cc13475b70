"""The Python API: ``kg.open(store)`` gives the same operations as the CLI, returning data.

>>> import kg                                                     # doctest: +SKIP
>>> graph = kg.open("store")                                      # doctest: +SKIP
>>> rows = graph.query("speakers-across-regions")                 # doctest: +SKIP
>>> import pandas; pandas.DataFrame(rows)                         # doctest: +SKIP
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable

from . import export as kgexport
from . import pipeline, stats as kgstats, store as kgstore
from .config import Project
from .errors import UsageError
from .queries import QueryResult, load_catalogue, run_sparql, run_stored


class KnowledgeGraph:
    """A kg store on disk, with the project that feeds it."""

    def __init__(self, store_path: Path | str | None = None, project: Project | None = None):
        self.project = project or Project.discover()
        self.store_path = Path(store_path) if store_path else self.project.default_store()

    # -- writing ------------------------------------------------------------------------------
    def build(self) -> pipeline.LoadReport:
        """(Re)build the store from the project's ontology, reference data and articles."""
        return pipeline.build_store(self.project, self.store_path)

    def load(self, paths: Iterable[Path | str], *, encoding: str = "utf-8") -> pipeline.LoadReport:
        """Add or replace articles: all of them or none."""
        return pipeline.load_into_store([Path(p) for p in paths], self.project, self.store_path, encoding=encoding)

    # -- reading ------------------------------------------------------------------------------
    def _reader(self):
        kgstore.recover(self.store_path)
        return kgstore.open_read_only(self.store_path)

    def stats(self) -> kgstats.Stats:
        return kgstats.compute(self._reader())

    def export(self, fmt: str = "turtle", output=None, *, with_inferred: bool = False) -> bytes | None:
        return kgexport.export(self._reader(), fmt, output, with_inferred=with_inferred)

    def queries(self):
        return load_catalogue(self.project.queries_dir)

    def query(self, name: str, **params: Any) -> list[dict[str, Any]]:
        """Run the stored query *name* with keyword parameters; rows are dicts (pandas-ready)."""
        return self.query_result(name, params).rows

    def query_result(self, name: str, params: dict[str, Any] | None = None) -> QueryResult:
        catalogue = self.queries()
        if name not in catalogue:
            raise UsageError(f"no stored query {name!r}; available: {', '.join(catalogue)}")
        return run_stored(self._reader(), catalogue[name], {k: str(v) for k, v in (params or {}).items()})

    def sparql(self, text: str) -> QueryResult:
        return run_sparql(self._reader(), text)


def open(store: Path | str | None = None, project: Project | None = None) -> KnowledgeGraph:  # noqa: A001
    """Open the kg store at *store* (default: ``KG_STORE`` or ``store/`` in the project)."""
    return KnowledgeGraph(store, project)
