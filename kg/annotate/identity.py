"""Identity against the graph: reuse the keys of people and institutions already in the store.

A draft names people in the nominative and institutions by type and seat, so most matches are
exact (same key, or same normalised name). Close but not certain matches ("Dorota Rybarska" vs
"Dorota Rybarska-Jarosz", one organisation of the same type in the same city under another key)
are listed for the curator, in the draft's comments and on standard error, and not applied.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..iri import slugify
from ..store import open_read_only

_PEOPLE = """
PREFIX kgo: <https://w3id.org/kg-pl-inclusion/ontology#>
PREFIX schema: <http://schema.org/>
SELECT DISTINCT ?s ?name ?family WHERE { GRAPH ?g { ?s a kgo:Person ; schema:name ?name .
  OPTIONAL { ?s schema:familyName ?family } } }
"""
_ORGS = """
PREFIX kgo: <https://w3id.org/kg-pl-inclusion/ontology#>
PREFIX schema: <http://schema.org/>
SELECT DISTINCT ?s ?name ?type ?city WHERE { GRAPH ?g { ?s a kgo:Organisation ; schema:name ?name .
  OPTIONAL { ?s kgo:institutionType ?type } OPTIONAL { ?s kgo:inCity ?city } } }
"""


def _tail(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1]


def normalise(name: str) -> str:
    return re.sub(r"\s*[-–]\s*", "-", " ".join(name.lower().split()))


@dataclass
class StoreIndex:
    """People and organisations of a store, by key and by normalised name."""

    people: dict[str, tuple[str, str]] = field(default_factory=dict)        # key -> name, family name
    orgs: dict[str, tuple[str, str, str]] = field(default_factory=dict)     # key -> name, type, city

    @classmethod
    def open(cls, path: Path) -> "StoreIndex":
        """Read the store at *path* (read-only; works while a writer holds it)."""
        store = open_read_only(Path(path))
        index = cls()
        for row in store.query(_PEOPLE):
            index.people[_tail(row["s"].value)] = (row["name"].value, row["family"].value if row["family"] else "")
        for row in store.query(_ORGS):
            index.orgs[_tail(row["s"].value)] = (row["name"].value, _tail(row["type"].value) if row["type"] else "",
                                                 _tail(row["city"].value) if row["city"] else "")
        return index

    def reconcile(self, draft) -> None:
        """Rename draft keys to store keys where the entity is certainly the same; list the uncertain."""
        renames: dict[str, str] = {}
        for item in draft.sections.get("people", []):
            key, name = item.data["key"], item.data["name"]
            match, candidates = self._person(key, name, item.data["family_name"])
            if match and match != key:
                renames[key] = match
            draft.candidates += [f"person {key} ({name}) may be {c} ({self.people[c][0]})" for c in candidates]
        for item in draft.sections.get("organisations", []):
            key, name = item.data["key"], item.data["name"]
            match, candidates = self._org(key, name, item.data["type"], item.data.get("city", ""))
            if match and match != key:
                renames[key] = match
            draft.candidates += [f"organisation {key} ({name}) may be {c} ({self.orgs[c][0]})" for c in candidates]
        if renames:
            draft.comments.append("keys reused from the store: " + ", ".join(f"{a} → {b}" for a, b in renames.items()))
            _rename(draft, renames)

    def _person(self, key: str, name: str, family: str) -> tuple[str | None, list[str]]:
        if key in self.people:
            return key, []
        same = [k for k, (n, _) in self.people.items() if normalise(n) == normalise(name)]
        if same:
            return same[0], []
        given = slugify(name).split("-")[0]
        close = [k for k, (n, f) in self.people.items()
                 if k.split("-")[0] == given and (slugify(f or n).startswith(slugify(family).split("-")[0])
                                                  or difflib.SequenceMatcher(None, slugify(n), key).ratio() > 0.85)]
        return None, close

    def _org(self, key: str, name: str, type_: str, city: str) -> tuple[str | None, list[str]]:
        if key in self.orgs:
            return key, []
        same = [k for k, (n, _, _) in self.orgs.items() if normalise(n) == normalise(name)]
        if same:
            return same[0], []
        seat = [k for k, (_, t, c) in self.orgs.items() if t == type_ and c and c == city]
        if len(seat) == 1 and type_ not in ("gmina", "uczelnia", "stowarzyszenie", "fundacja", "przedsiebiorstwo"):
            return None, seat
        close = difflib.get_close_matches(normalise(name), {normalise(n): k for k, (n, _, _) in self.orgs.items()}, n=2,
                                          cutoff=0.85)
        lookup = {normalise(n): k for k, (n, _, _) in self.orgs.items()}
        return None, [lookup[c] for c in close] + seat


def _rename(draft, renames: dict[str, str]) -> None:
    """Replace keys everywhere they are used (declarations and references)."""
    def walk(value):
        if isinstance(value, dict):
            return {k: walk(v) if k not in ("evidence", "note", "name", "title", "subject", "description")
                    else v for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v) for v in value]
        if isinstance(value, str):
            return renames.get(value, value)
        return value
    draft.article.data = walk(draft.article.data)
    for items in draft.sections.values():
        for item in items:
            item.data = walk(item.data)
