"""Polish morphology: a thin, cached wrapper around Morfeusz 2 with the SGJP dictionary.

Morfeusz gives every reading of a word form (lemma, part of speech, number, case, gender, and
qualifiers such as ``imię`` for first names or ``nazwa_geograficzna`` for place names). The
functions here pick readings and generate forms; what the dictionary does not know (most
surnames, small places) is left to the rules in :mod:`kg.annotate.people` and
:mod:`kg.annotate.places`.

>>> sorted({r.lemma for r in analyse("Lublinie") if r.is_place})
['Lublin', 'Lublino']
>>> inflect("wielkopolski", "adj", case="nom", gender="m3")
'wielkopolski'
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import morfeusz2

CASES = ("nom", "gen", "dat", "acc", "inst", "loc", "voc")


@dataclass(frozen=True)
class Reading:
    """One reading of a word form."""

    lemma: str
    pos: str
    numbers: frozenset[str]
    cases: frozenset[str]
    genders: frozenset[str]
    qualifiers: frozenset[str]
    tag: str

    @property
    def is_first_name(self) -> bool:
        return "imię" in self.qualifiers

    @property
    def is_surname(self) -> bool:
        return "nazwisko" in self.qualifiers

    @property
    def is_place(self) -> bool:
        return "nazwa_geograficzna" in self.qualifiers

    @property
    def is_common(self) -> bool:
        """A common word (not a proper name) of the dictionary."""
        return self.pos != "ign" and not (self.qualifiers & {"imię", "nazwisko", "nazwa_geograficzna"})

    @property
    def gender(self) -> str | None:
        """``male`` or ``female`` for personal nouns."""
        if self.genders == {"f"}:
            return "female"
        if "m1" in self.genders:
            return "male"
        return None


@lru_cache(maxsize=1)
def _analyser() -> morfeusz2.Morfeusz:
    return morfeusz2.Morfeusz(generate=False, expand_tags=False)


@lru_cache(maxsize=1)
def _generator() -> morfeusz2.Morfeusz:
    return morfeusz2.Morfeusz(analyse=False, expand_tags=False)


def _parse(tag: str) -> tuple[str, frozenset, frozenset, frozenset]:
    parts = tag.split(":")
    pos, rest = parts[0], parts[1:]
    numbers = cases = genders = frozenset()
    for part in rest:
        values = frozenset(part.split("."))
        if values <= {"sg", "pl"}:
            numbers = values
        elif values <= set(CASES):
            cases = values
        elif values <= {"m1", "m2", "m3", "f", "n", "n1", "n2", "p1", "p2", "p3"}:
            genders = frozenset("n" if g.startswith("n") else g for g in values)
    return pos, numbers, cases, genders


def clean_lemma(lemma: str) -> str:
    """``Mirosław:Sm1`` → ``Mirosław`` (Morfeusz marks homonyms after a colon)."""
    return lemma.split(":", 1)[0] if ":" in lemma[1:] else lemma


@lru_cache(maxsize=65536)
def analyse(word: str) -> tuple[Reading, ...]:
    """Every reading of *word* that covers the whole form (agglutinated forms are skipped)."""
    result = _analyser().analyse(word)
    last = max((end for _, end, _ in result), default=0)
    readings = []
    for start, end, (orth, lemma, tag, quals, _) in result:
        if start != 0 or end != last:
            continue
        pos, numbers, cases, genders = _parse(tag)
        readings.append(Reading(clean_lemma(lemma), pos, numbers, cases, genders, frozenset(quals), tag))
    return tuple(readings)


def known(word: str) -> bool:
    """True if the dictionary knows *word* (in any reading)."""
    return any(r.pos != "ign" for r in analyse(word))


def lemmas(word: str) -> frozenset[str]:
    """Lower-cased lemmas of *word*; the word itself (lower-cased) when the dictionary does not know it."""
    found = {r.lemma.lower() for r in analyse(word) if r.pos != "ign"}
    return frozenset(found or {word.lower()})


@lru_cache(maxsize=8192)
def forms(lemma: str) -> tuple[tuple[str, str], ...]:
    """All (form, tag) pairs Morfeusz generates for *lemma*."""
    try:
        generated = _generator().generate(lemma)
    except RuntimeError:
        return ()
    return tuple((form, tag) for form, _, tag, _, _ in generated)


def inflect(lemma: str, pos: str, *, case: str, gender: str | None = None, number: str = "sg",
            degree: str = "pos") -> str | None:
    """The form of *lemma* with part of speech *pos* in *case*/*number* (and *gender*, *degree* for adjectives)."""
    for form, tag in forms(lemma):
        tag_pos, numbers, cases, genders = _parse(tag)
        if tag_pos != pos or number not in numbers or case not in cases:
            continue
        if pos == "adj" and not tag.endswith(":" + degree):
            continue
        if gender and genders and gender not in genders:
            continue
        return form
    return None


def match_case(word: str, original: str) -> str:
    """*word* capitalised like *original* (all caps, Title or lower)."""
    if original.isupper() and len(original) > 1:
        return word.upper()
    if original[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


def noun_readings(word: str, case: str | None = None) -> list[Reading]:
    return [r for r in analyse(word) if r.pos in ("subst", "depr") and (case is None or case in r.cases)]


def adjective_readings(word: str, case: str | None = None) -> list[Reading]:
    return [r for r in analyse(word) if r.pos in ("adj", "ppas", "pact") and (case is None or case in r.cases)]


def nominative_phrase(words: list[str], barriers: frozenset[int] = frozenset()) -> tuple[list[str], int, float]:
    """Put the head of a noun phrase and the adjectives agreeing with it in the nominative singular.

    Returns the converted words, how many leading words were converted (the rest are dependents,
    such as genitive complements, that keep their form) and a confidence. *barriers* are indexes
    where a known phrase starts ("Europejskiego Funduszu Społecznego"): no trailing adjective there.

    >>> nominative_phrase(["Regionalnego", "Ośrodka", "Polityki", "Społecznej"])[0]
    ['Regionalny', 'Ośrodek', 'Polityki', 'Społecznej']
    >>> nominative_phrase(["Odrzańską", "Spółdzielnię", "Socjalną"])[0]
    ['Odrzańska', 'Spółdzielnia', 'Socjalna']
    >>> nominative_phrase(["Wyższej", "Szkoły", "Pedagogicznej"])[0]
    ['Wyższa', 'Szkoła', 'Pedagogiczna']
    """
    head = next((i for i, w in enumerate(words) if noun_readings(w) and not _is_only_adjective(w)), None)
    if head is None:
        return list(words), 0, 0.3
    options = [(c, g, r) for r in noun_readings(words[head]) if "pl" not in r.numbers or "sg" in r.numbers
               for c in r.cases for g in (r.genders or {None})]
    for i in range(head):  # leading adjectives must agree with the head
        adjs = adjective_readings(words[i])
        options = [(c, g, r) for c, g, r in options
                   if any(c in a.cases and (g is None or g in a.genders) and "sg" in a.numbers for a in adjs)]
    if not options:
        return list(words), 0, 0.3
    order = {"nom": 0, "gen": 1, "loc": 2, "inst": 3, "acc": 4, "dat": 5, "voc": 6}
    case, gender, reading = min(options, key=lambda o: (order.get(o[0], 9), o[2].is_common is False))
    if case == "nom":
        nominal = list(words)
    else:
        nominal = list(words)
        nominal[head] = match_case(reading.lemma, words[head])
        for i in range(head):
            nominal[i] = _adjective_nom(words[i], case, gender) or words[i]
    end = head + 1
    while end < len(words) and end not in barriers:  # trailing adjectives in the same case ("Szkoły Pedagogicznej")
        adjs = [a for a in adjective_readings(words[end], case) if gender is None or gender in a.genders]
        if not adjs or not words[end][0].isalpha():
            break
        if case != "nom":
            nominal[end] = _adjective_nom(words[end], case, gender) or words[end]
        end += 1
    return nominal, end, 0.9 if case != "nom" or words[head][0].isupper() else 0.8


def _is_only_adjective(word: str) -> bool:
    """An adjective that is also listed as a proper noun ("Zielona") counts as an adjective."""
    readings = analyse(word)
    return any(r.pos == "adj" for r in readings) and all(r.pos == "adj" or not r.is_common for r in readings)


def _adjective_nom(word: str, case: str, gender: str | None) -> str | None:
    for reading in adjective_readings(word, case):
        if gender is None or gender in reading.genders:
            form = inflect(reading.lemma, "adj", case="nom", gender=gender, degree=reading.tag.rsplit(":", 1)[-1])
            if form:
                return match_case(form, word)
    return None
