"""Dates as Polish news items write them, with their character spans.

>>> [(str(d.start), str(d.end) if d.end else None) for d in find_dates(
...     "31 marca 2015 r.; 21-23.09.2016; 7–9 września 2015; 30.10.2013 r.; 24 stycznia 2011r.")]
[('2015-03-31', None), ('2016-09-21', '2016-09-23'), ('2015-09-07', '2015-09-09'), ('2013-10-30', None), ('2011-01-24', None)]
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

MONTHS = {name: i for i, names in enumerate([
    (), ("stycznia", "styczeń"), ("lutego", "luty"), ("marca", "marzec"), ("kwietnia", "kwiecień"),
    ("maja", "maj"), ("czerwca", "czerwiec"), ("lipca", "lipiec"), ("sierpnia", "sierpień"),
    ("września", "wrzesień"), ("października", "październik"), ("listopada", "listopad"),
    ("grudnia", "grudzień")]) for name in names}
ROMAN = {r: i for i, r in enumerate("I II III IV V VI VII VIII IX X XI XII".split(), start=1)}

_MONTH = "(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + ")"
_DASH = r"\s*[-–—]\s*"
_YEAR = r"(\d{4})(?:\s*(?:r\.|r\b|roku\b))?"
_D = r"(\d{1,2})"

# (name, pattern, confidence); tried in this order, and a span is taken by the first pattern that matches it.
PATTERNS = [
    ("day-month-range", re.compile(rf"\b{_D}\s+{_MONTH}{_DASH}{_D}\s+{_MONTH}\s+{_YEAR}", re.I), 0.9),
    ("day-range", re.compile(rf"\b{_D}{_DASH}{_D}\s+{_MONTH}\s+{_YEAR}", re.I), 0.9),
    ("day", re.compile(rf"\b{_D}\s+{_MONTH}\s+{_YEAR}", re.I), 0.95),
    ("numeric-full-range", re.compile(rf"\b{_D}\.(\d{{1,2}})(?:\.(\d{{4}}))?{_DASH}{_D}\.(\d{{1,2}})\.{_YEAR}"), 0.9),
    ("numeric-day-range", re.compile(rf"\b{_D}{_DASH}{_D}\.(\d{{1,2}})\.{_YEAR}"), 0.9),
    ("iso", re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b"), 0.95),
    ("numeric", re.compile(rf"\b{_D}\.(\d{{1,2}})\.{_YEAR}"), 0.9),
    ("roman", re.compile(rf"\b{_D}\s*\.?\s*(XII|XI|X|IX|VIII|VII|VI|V|IV|III|II|I)\s*\.?\s*{_YEAR}"), 0.85),
]


@dataclass(frozen=True)
class DateMention:
    start: dt.date
    end: dt.date | None
    span: tuple[int, int]
    confidence: float
    form: str


def _month(name: str) -> int:
    return MONTHS[name.lower()]


def _build(form: str, g: tuple[str | None, ...]) -> tuple[dt.date, dt.date | None]:
    if form == "day-month-range":
        d1, m1, d2, m2, y = g
        return dt.date(int(y), _month(m1), int(d1)), dt.date(int(y), _month(m2), int(d2))
    if form == "day-range":
        d1, d2, m, y = g
        return dt.date(int(y), _month(m), int(d1)), dt.date(int(y), _month(m), int(d2))
    if form == "day":
        d, m, y = g
        return dt.date(int(y), _month(m), int(d)), None
    if form == "numeric-full-range":
        d1, m1, y1, d2, m2, y2 = g
        return dt.date(int(y1 or y2), int(m1), int(d1)), dt.date(int(y2), int(m2), int(d2))
    if form == "numeric-day-range":
        d1, d2, m, y = g
        return dt.date(int(y), int(m), int(d1)), dt.date(int(y), int(m), int(d2))
    if form == "iso":
        y, m, d = g
        return dt.date(int(y), int(m), int(d)), None
    if form == "numeric":
        d, m, y = g
        return dt.date(int(y), int(m), int(d)), None
    d, m, y = g  # roman
    return dt.date(int(y), ROMAN[m], int(d)), None


def find_dates(text: str) -> list[DateMention]:
    """Every date and date range in *text*, in text order; impossible dates are skipped."""
    taken: list[tuple[int, int]] = []
    found: list[DateMention] = []
    for form, pattern, confidence in PATTERNS:
        for m in pattern.finditer(text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            try:
                start, end = _build(form, m.groups())
            except (ValueError, KeyError):
                continue
            if end is not None and end < start:
                continue
            taken.append((m.start(), m.end()))
            found.append(DateMention(start, end, (m.start(), m.end()), confidence, form))
    return sorted(found, key=lambda d: d.span)
