"""Configuration, declared once: where the project's inputs are and where the store lives.

Every setting has a name, an environment variable, a default and a help text; the CLI, the
Python API and the README all read this table.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from .iri import DEFAULT_BASE_IRI

SETTINGS = {
    "store": ("KG_STORE", "store", "directory of the embedded store (relative to the project root)"),
    "base_iri": ("KG_BASE_IRI", DEFAULT_BASE_IRI, "base IRI of every minted resource IRI"),
    "project": ("KG_PROJECT", None, "project root holding ontology/, data/, shapes/ and queries/"),
    "cache_dir": ("KG_CACHE_DIR", None, "cache of the parsed ontology and reference data (default "
                  "$XDG_CACHE_HOME/kg or ~/.cache/kg; 'off': none), see kg.cache"),
    "answers": ("KG_ANSWERS", "on", "keep each query's answer in the store directory until the store changes "
                "('off': evaluate every time), see kg.answers"),
    # Budgets of the work input can make arbitrarily expensive (kg.limits); 0 switches one off.
    "query_timeout": ("KG_QUERY_TIMEOUT", "30", "seconds a SPARQL query on the store may run"),
    "inference_timeout": ("KG_INFERENCE_TIMEOUT", "600", "seconds OWL RL inference may run"),
    "validation_timeout": ("KG_VALIDATION_TIMEOUT", "600", "seconds SHACL validation may run"),
    "memory_limit_mb": ("KG_MEMORY_LIMIT_MB", "4096",
                        "address space (MB) a query, inference or validation may add to its process"),
}


def _find_project_root() -> Path:
    """The project root: KG_PROJECT, else the nearest directory up from here with ontology/ and data/."""
    explicit = os.environ.get("KG_PROJECT")
    if explicit:
        return Path(explicit).resolve()
    for start in (Path.cwd(), Path(__file__).resolve().parent):
        for candidate in (start, *start.parents):
            if (candidate / "ontology").is_dir() and (candidate / "data" / "reference").is_dir():
                return candidate
    return Path.cwd()


@dataclass(frozen=True)
class Project:
    """The input directories of a kg project."""

    root: Path

    @classmethod
    def discover(cls) -> "Project":
        return cls(_find_project_root())

    @property
    def ontology_dir(self) -> Path:
        return self.root / "ontology"

    @property
    def reference_dir(self) -> Path:
        return self.root / "data" / "reference"

    @property
    def articles_dir(self) -> Path:
        return self.root / "data" / "articles"

    @property
    def shapes_dir(self) -> Path:
        return self.root / "shapes"

    @property
    def queries_dir(self) -> Path:
        return self.root / "queries"

    def article_files(self) -> list[Path]:
        return sorted(self.articles_dir.glob("*.yaml"))

    def default_store(self) -> Path:
        configured = os.environ.get("KG_STORE")
        return Path(configured) if configured else self.root / SETTINGS["store"][1]

    def relative(self, path: Path) -> str:
        """*path* relative to the project root when inside it (for stable provenance labels), else its name.

        Inside the root as written first: a file linked into ``data/articles/`` is labelled where the
        project has it, not where the link points, and this costs no file-system calls (resolving both
        paths took 0.4 ms per article of a build). Resolved only when that fails (a root reached through
        a link)."""
        try:
            return Path(os.path.abspath(path)).relative_to(self._absolute_root).as_posix()
        except ValueError:
            pass
        try:
            return Path(path).resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return Path(path).name

    @cached_property
    def _absolute_root(self) -> Path:
        return Path(os.path.abspath(self.root))
