"""Compare drafts with gold annotations: precision, recall and F1 per entity kind.

Kinds: people (nominative names), organisations (same key, or same or prefix-equal name),
events (type and start date), dates (start and end of events), places (cities, counties and
venues referred to), attendance (count and qualifier), posts (person, role and the aligned
organisation). ``overall`` is micro-averaged over all kinds.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

KINDS = ("people", "organisations", "events", "dates", "places", "attendance", "posts")


def norm(text: str) -> str:
    text = unicodedata.normalize("NFC", text).lower().replace("\u00a0", " ")
    text = re.sub(r"\s*[-–—]\s*", "-", text)
    return " ".join(re.sub(r"[^\w\s-]", " ", text).split())


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    errors: list[str] = field(default_factory=list)

    def add(self, other: "Score") -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn
        self.errors += other.errors

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def _sets(gold: Counter, found: Counter, label: str) -> Score:
    score = Score(tp=sum((gold & found).values()), fp=sum((found - gold).values()), fn=sum((gold - found).values()))
    score.errors += [f"{label}: missed {g!r}" for g in (gold - found).elements()]
    score.errors += [f"{label}: spurious {f!r}" for f in (found - gold).elements()]
    return score


def _names_match(a: str, b: str) -> bool:
    a, b = norm(a), norm(b)
    return a == b or a.startswith(b + " ") or b.startswith(a + " ")


def align(gold: list[dict], found: list[dict]) -> dict[str, str]:
    """Gold key → draft key, one to one: same key first, then same or prefix-equal name."""
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for rule in (lambda g, f: g["key"] == f["key"], lambda g, f: _names_match(g["name"], f["name"])):
        for g in gold:
            if g["key"] in mapping:
                continue
            for f in found:
                if f["key"] not in used and rule(g, f):
                    mapping[g["key"]] = f["key"]
                    used.add(f["key"])
                    break
    return mapping


def _aligned(gold: list[dict], found: list[dict], label: str) -> tuple[Score, dict[str, str]]:
    mapping = align(gold, found)
    score = Score(tp=len(mapping), fp=len(found) - len(mapping), fn=len(gold) - len(mapping))
    score.errors += [f"{label}: missed {g['name']!r}" for g in gold if g["key"] not in mapping]
    score.errors += [f"{label}: spurious {f['name']!r}" for f in found if f["key"] not in mapping.values()]
    return score, mapping


def _places(data: dict, reference_names: dict[str, str]) -> list[dict]:
    declared = {p["key"]: p["name"] for p in data.get("places") or []}
    keys = set(declared)
    for section in ("organisations", "events", "places"):
        for item in data.get(section) or []:
            for name in ("city", "venue", "county"):
                if item.get(name):
                    keys.add(item[name])
    return [{"key": k, "name": declared.get(k) or reference_names.get(k, k)} for k in sorted(keys)]


def compare(gold: dict[str, Any], draft: dict[str, Any], reference_names: dict[str, str] | None = None) -> dict[str, Score]:
    """Scores per kind for one article."""
    reference_names = reference_names or {}
    scores: dict[str, Score] = {}
    people = lambda d: Counter(norm(p["name"]) for p in d.get("people") or [])  # noqa: E731
    scores["people"] = _sets(people(gold), people(draft), "person")
    scores["organisations"], org_map = _aligned(gold.get("organisations") or [], draft.get("organisations") or [],
                                                "organisation")
    events = lambda d: Counter((e["type"], str(e["start"])) for e in d.get("events") or [])  # noqa: E731
    scores["events"] = _sets(events(gold), events(draft), "event")
    dates = lambda d: Counter((str(e["start"]), str(e.get("end") or "")) for e in d.get("events") or [])  # noqa: E731
    scores["dates"] = _sets(dates(gold), dates(draft), "date")
    scores["places"], _ = _aligned(_places(gold, reference_names), _places(draft, reference_names), "place")
    attendance = lambda d: Counter((e["attendance"]["count"], e["attendance"]["qualifier"])  # noqa: E731
                                   for e in d.get("events") or [] if e.get("attendance"))
    scores["attendance"] = _sets(attendance(gold), attendance(draft), "attendance")
    gold_names = {p["key"]: norm(p["name"]) for p in gold.get("people") or []}
    draft_names = {p["key"]: norm(p["name"]) for p in draft.get("people") or []}
    gold_posts = Counter((gold_names.get(p["person"]), p["role"], org_map.get(p["organisation"], "?" + p["organisation"]))
                         for p in gold.get("posts") or [])
    draft_posts = Counter((draft_names.get(p["person"]), p["role"], p["organisation"]) for p in draft.get("posts") or [])
    scores["posts"] = _sets(gold_posts, draft_posts, "post")
    return scores


def total(per_article: dict[str, dict[str, Score]]) -> dict[str, Score]:
    """Sum the scores of several articles, per kind and overall."""
    result = {kind: Score() for kind in KINDS + ("overall",)}
    for scores in per_article.values():
        for kind in KINDS:
            result[kind].add(scores[kind])
            result["overall"].add(Score(scores[kind].tp, scores[kind].fp, scores[kind].fn))
    return result
