"""Typed errors of kg, and the one table that maps them to process exit codes.

Library code raises these; only :mod:`kg.cli` turns them into exit codes (see README).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class KgError(Exception):
    """Base of every error kg reports to a user."""

    exit_code = 2


class UsageError(KgError):
    """The command was called wrongly (unknown name, bad parameter value)."""

    exit_code = 2


@dataclass(frozen=True)
class Location:
    """Where in an input file something was found (1-based line and column)."""

    path: Path
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        where = str(self.path)
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return where


@dataclass(frozen=True)
class Problem:
    """One problem in an input file: where, what, and what to do about it."""

    location: Location
    message: str
    field: str | None = None
    hint: str | None = None
    severity: str = "error"

    def __str__(self) -> str:
        text = f"{self.location}: {self.severity}: "
        if self.field:
            text += f"{self.field}: "
        text += self.message
        if self.hint:
            text += f" ({self.hint})"
        return text


class AnnotationError(KgError):
    """One or more annotation files are malformed; nothing was loaded."""

    exit_code = 1

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class ValidationError(KgError):
    """The data does not conform to the shapes; nothing was loaded."""

    exit_code = 1

    def __init__(self, report):
        self.report = report
        super().__init__(str(report))


class ShapesError(KgError):
    """The SHACL shapes themselves are broken (a different failure from non-conforming data)."""

    exit_code = 3


class OntologyError(KgError):
    """The ontology or reference data cannot be read, or is inconsistent."""

    exit_code = 3


class StoreError(KgError):
    """The store cannot be opened or written."""

    exit_code = 4


class StoreLocked(StoreError):
    """Another process holds the store for writing."""


class StoreMissing(StoreError):
    """No store exists at the given location."""


class QueryError(KgError):
    """A stored or ad-hoc query is malformed or failed."""

    exit_code = 5


class EndpointError(KgError):
    """A remote SPARQL endpoint failed or answered with something that is not a result."""

    exit_code = 6


class BudgetExceeded(KgError):
    """A query, inference or validation ran out of its time or memory budget (see kg.limits)."""

    exit_code = 7
