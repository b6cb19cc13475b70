"""Shared fixtures: the project, and a store built once from the seed annotations."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.config import Project
from kg import pipeline, store as kgstore

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
FIXED_EPOCH = "1700000000"

# kg's cache of parsed inputs (kg.cache) goes to a directory of this run, not the user's ~/.cache;
# subprocesses started by tests inherit it
if "KG_CACHE_DIR" not in os.environ:
    import atexit
    import tempfile
    os.environ["KG_CACHE_DIR"] = tempfile.mkdtemp(prefix="kg-test-cache-")

    def _remove_cache(path: str = os.environ["KG_CACHE_DIR"], owner: int = os.getpid()) -> None:
        if os.getpid() == owner:  # not a forked child that happens to exit through atexit
            shutil.rmtree(path, ignore_errors=True)

    atexit.register(_remove_cache)  # not left behind in /tmp


@pytest.fixture(scope="session")
def project() -> Project:
    return Project(ROOT)


@pytest.fixture(scope="session")
def built_store(tmp_path_factory, project) -> Path:
    """A store built from the project's data with a fixed load time."""
    path = tmp_path_factory.mktemp("store") / "store"
    old = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = FIXED_EPOCH
    try:
        pipeline.build_store(project, path)
    finally:
        if old is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = old
    return path


@pytest.fixture(scope="session")
def seed_store(built_store) -> ox.Store:
    return ox.Store.read_only(str(built_store))


def project_with(tmp_path: Path, articles: list[Path]) -> Project:
    """A project in *tmp_path* with these article files and the repository's ontology, shapes, queries and
    reference data."""
    root = tmp_path / "project"
    (root / "data" / "articles").mkdir(parents=True)
    for name in ("ontology", "shapes", "queries"):
        (root / name).symlink_to(ROOT / name)
    (root / "data" / "reference").symlink_to(ROOT / "data" / "reference")
    for path in articles:
        shutil.copy(path, root / "data" / "articles" / path.name)
    return Project(root)


def select(store: ox.Store, sparql: str) -> list[dict[str, str]]:
    """Run a SELECT over the union graph; values as plain strings."""
    prefixes = """
    PREFIX kgo: <https://w3id.org/kg-pl-inclusion/ontology#>
    PREFIX schema: <http://schema.org/>
    PREFIX org: <http://www.w3.org/ns/org#>
    PREFIX cv: <http://data.europa.eu/m8g/>
    PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
    PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
    PREFIX dct: <http://purl.org/dc/terms/>
    PREFIX prov: <http://www.w3.org/ns/prov#>
    PREFIX it: <https://w3id.org/kg-pl-inclusion/concept/institution-type/>
    PREFIX post: <https://w3id.org/kg-pl-inclusion/concept/post-role/>
    PREFIX role: <https://w3id.org/kg-pl-inclusion/concept/event-role/>
    PREFIX attq: <https://w3id.org/kg-pl-inclusion/concept/attendance-qualifier/>
    """
    result = store.query(prefixes + sparql, **kgstore.union_options(store))  # as kg query reads it
    names = [v.value for v in result.variables]
    return [{n: (row[n].value if row[n] is not None else None) for n in names} for row in result]
