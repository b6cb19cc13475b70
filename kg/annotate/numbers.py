"""Attendance: how many took part, exactly or "more than", and who they were.

>>> [(a.count, a.qualifier) for a in find_attendance(
...     "wzięło udział ponad 80 osób. W konferencji udział wzięło 73 przedstawicieli gmin. "
...     "W spotkaniu uczestniczyło 120 przedstawicieli kadry. Zgromadziło około 150 uczestników.")]
[(80, 'more-than'), (73, 'exact'), (120, 'exact'), (150, 'about')]
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from . import morph
from .text import _ends_with_abbreviation

#: Words before a number → attendance qualifier (reference keys of attendance-qualifiers.yaml).
QUALIFIERS = {
    "ponad": "more-than", "przeszło": "more-than", "powyżej": "more-than", "blisko": "about", "około": "about",
    "ok.": "about", "prawie": "about", "niemal": "about", "niespełna": "about", "co najmniej": "at-least",
    "nie mniej niż": "at-least", "aż": "exact",
}
_QUAL = "(?:(" + "|".join(re.escape(q) for q in sorted(QUALIFIERS, key=len, reverse=True)) + r")\s+)?"
_NUM = r"(\d{1,3}(?:[  ]\d{3})+|\d+)"
_VERB = (r"(?:wzięł[oaiy]|wziął|wzięli|wzięły|uczestniczył[oaiy]?|uczestniczyli|przybył[oaiy]?|przybyli|"
         r"zgromadził[oaiy]?|zgromadzili|gościł[oaiy]?|zebrał[oaiy]?\s+się|obecn[yea]\s+był[oaiy]?)")
_PEOPLE = (r"(?:osób|osoby|uczestników|uczestniczek|uczestnicy|przedstawicieli|przedstawicielek|gości|słuchaczy|"
           r"pracowników|pracownic|specjalistów|kierowników|dyrektorów|samorządowców|delegatów|reprezentantów)")
_PRONOUN = r"(?:(?:w\s+)?(?:nim|niej|nich)\s+)?"

# (pattern, confidence): the number is group 2, the qualifier group 1.
PATTERNS = [
    (re.compile(rf"\b{_VERB}\s+{_PRONOUN}(?:udział\s+)?{_PRONOUN}{_QUAL}{_NUM}\b(?!\s*(?:r\.|roku|%|zł))", re.I), 0.9),
    (re.compile(rf"\budział\s+{_VERB}\s+{_QUAL}{_NUM}\b(?!\s*(?:r\.|roku|%|zł))", re.I), 0.9),
    (re.compile(rf"(?<![\w.]){_QUAL}{_NUM}\s+{_PEOPLE}\s+(?:\w+\s+){{0,6}}?{_VERB}", re.I), 0.85),
    (re.compile(rf"\bdla\s+{_QUAL}{_NUM}\s+{_PEOPLE}", re.I), 0.7),
    (re.compile(rf"\budział\s+{_QUAL}{_NUM}\s+{_PEOPLE}", re.I), 0.6),  # "Przewidujemy udział około 150 osób"
]


@dataclass(frozen=True)
class Attendance:
    count: int
    qualifier: str
    span: tuple[int, int]
    confidence: float
    description: str | None


def find_attendance(text: str) -> list[Attendance]:
    """Statements of how many people attended, in text order."""
    found: list[Attendance] = []
    for pattern, confidence in PATTERNS:
        for m in pattern.finditer(text):
            if any(a.span[0] <= m.start(2) < a.span[1] for a in found):
                continue
            count = int(re.sub(r"\D", "", m.group(2)))
            if count <= 0 or 1900 <= count <= 2100 and not re.match(rf"\s*{_PEOPLE}", text[m.end(2):], re.I):
                continue  # a year, not a head count
            qualifier = QUALIFIERS.get((m.group(1) or "").lower(), "exact")
            end = _sentence_end(text, m.end())
            found.append(Attendance(count, qualifier, (m.start(), end), confidence, describe(text[m.end(2):end])))
    return sorted(found, key=lambda a: a.span)


def _sentence_end(text: str, pos: int) -> int:
    for m in re.compile(r"\.(?=\s|$)|\n").finditer(text, pos):
        if m.group() == "\n" or not _ends_with_abbreviation(text, m.start()):
            return m.start()
    return len(text)


def describe(rest: str) -> str | None:
    """Who attended, with the head noun in the nominative plural ("przedstawicieli gmin" → "przedstawiciele gmin")."""
    rest = rest.strip()
    m = re.match(rf"{_PEOPLE}\s*,\s*(.+)", rest, re.I)  # "80 osób, przedstawicieli …": the apposition says who
    if m:
        rest = m.group(1)
    words = rest.split(None, 1)
    if not words:
        return None
    head = words[0].strip(",;:")
    nouns = morph.noun_readings(head, "gen")
    if nouns:
        plural = morph.inflect(nouns[0].lemma, nouns[0].pos, case="nom", number="pl")
        head = plural or head
    description = " ".join([head] + words[1:]).strip(" ,;:")
    return description if len(description.split()) > 1 else None
