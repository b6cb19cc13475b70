"""People named in the text: nominative full name, honorific kept apart, gender.

The first name is read with Morfeusz (SGJP lists first names with their gender and case); its
case and gender decide how the surname is read. Surnames come from the dictionary when it knows
them and from declension rules when it does not: adjectival ``-ski/-cki/-dzki`` surnames
(Grewińskiego → Grewiński, Kowalskiej → Kowalska), feminine forms (women's consonant-final
surnames do not decline), noun-like surnames (Geblewicza → Geblewicz, Misiaszkiem → Misiaszek)
and double-barrelled names with or without spaces around the hyphen.

>>> from kg.annotate.text import Document
>>> [(p.name, p.honorific, p.gender) for p in find_people(Document("wystąpienie prof. Mirosława Grewińskiego"))]
[('Mirosław Grewiński', 'prof.', 'male')]
>>> [p.name for p in find_people(Document("Pani Dorota Rybarska – Jarosz, Dyrektor"))]
['Dorota Rybarska-Jarosz']
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..iri import slugify
from . import morph
from .text import Document, Token, scan

#: Polite forms of address: gender and the cases they can be in.
POLITE = {
    "pan": ("male", {"nom", "voc"}), "pana": ("male", {"gen", "acc"}), "panu": ("male", {"dat", "loc"}),
    "panem": ("male", {"inst"}), "pani": ("female", {"nom", "gen", "dat", "loc", "voc"}),
    "panią": ("female", {"acc", "inst"}), "panie": ("male", {"voc"}),
}
#: Academic and professional titles written before names (with or without a full stop).
TITLES = {"prof", "dr", "dra", "drem", "drowi", "hab", "nadzw", "mgr", "inż", "ks", "doc", "lek", "med", "dn", "red",
          "prof.", "dr.", "hab."}
_DASHES = {"-", "–", "‐", "—"}

# (gender, case) -> [(ending of the inflected form, ending of the nominative)], longest first.
_SURNAME_RULES: dict[tuple[str, str], list[tuple[str, str]]] = {
    ("male", "gen"): [("skiego", "ski"), ("ckiego", "cki"), ("dzkiego", "dzki"), ("iego", "i"), ("ego", "y"),
                      ("y", "a"), ("a", "")],
    ("male", "acc"): [("skiego", "ski"), ("ckiego", "cki"), ("dzkiego", "dzki"), ("iego", "i"), ("ego", "y"),
                      ("ę", "a"), ("a", "")],
    ("male", "dat"): [("skiemu", "ski"), ("ckiemu", "cki"), ("dzkiemu", "dzki"), ("iemu", "i"), ("emu", "y"),
                      ("owi", ""), ("dzie", "da"), ("cie", "ta"), ("le", "la")],
    ("male", "inst"): [("skim", "ski"), ("ckim", "cki"), ("dzkim", "dzki"), ("kiem", "k"), ("giem", "g"),
                       ("im", "i"), ("ym", "y"), ("ą", "a"), ("em", "")],
    ("male", "loc"): [("skim", "ski"), ("ckim", "cki"), ("dzkim", "dzki"), ("im", "i"), ("ym", "y"), ("ku", "k"),
                      ("u", "")],
    ("female", "gen"): [("skiej", "ska"), ("ckiej", "cka"), ("dzkiej", "dzka"), ("iej", "ia"), ("ej", "a"),
                        ("ki", "ka"), ("gi", "ga"), ("y", "a")],
    ("female", "dat"): [("skiej", "ska"), ("ckiej", "cka"), ("dzkiej", "dzka"), ("iej", "ia"), ("ej", "a"),
                        ("ce", "ka"), ("dze", "ga"), ("rze", "ra"), ("dzie", "da"), ("le", "la"), ("nie", "na")],
    ("female", "acc"): [("ską", "ska"), ("cką", "cka"), ("dzką", "dzka"), ("ą", "a"), ("ę", "a")],
    ("female", "inst"): [("ską", "ska"), ("cką", "cka"), ("dzką", "dzka"), ("ą", "a")],
}
_SURNAME_RULES[("female", "loc")] = _SURNAME_RULES[("female", "dat")]
_VOWELS = set("aeiouyąęó")


@dataclass
class PersonMention:
    given: str
    family: str
    honorific: str | None
    gender: str | None
    span: tuple[int, int]
    first: int
    last: int
    case: str
    confidence: float
    notes: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"{self.given} {self.family}"

    @property
    def key(self) -> str:
        return slugify(self.name)


def surname_nominative(word: str, gender: str, case: str) -> tuple[str, float] | None:
    """The nominative of surname *word* read as *gender* in *case*; None if the form cannot be that.

    >>> surname_nominative("Grewińskiego", "male", "gen")
    ('Grewiński', 0.7)
    >>> surname_nominative("Kowalską", "female", "inst")
    ('Kowalska', 0.95)
    >>> surname_nominative("Geblewiczem", "male", "inst")
    ('Geblewicz', 0.7)
    """
    low = word.lower()
    if case in ("nom", "voc"):
        if gender == "male" and re.search(r"(ska|cka|dzka|skiej|ską|skiego)$", low):
            return None
        if gender == "female" and re.search(r"(ski|cki|dzki|skiego|skiemu)$", low):
            return None
        return word, 0.9
    tag_gender = "m1" if gender == "male" else "f"
    for r in morph.analyse(word):
        if r.is_surname and case in r.cases and tag_gender in r.genders and "sg" in r.numbers:
            if gender == "female" and r.lemma == word and len(r.cases) > 3:
                return word, 0.85  # indeclinable feminine surname (Piosik, Zielony, Idziniak)
            if r.lemma[0].isupper():
                return r.lemma, 0.95
    if gender == "female" and low[-1] not in _VOWELS:
        return word, 0.7  # women's consonant-final surnames do not decline
    for ending, replacement in _SURNAME_RULES.get((gender, case), ()):
        if low.endswith(ending) and len(low) - len(ending) >= 2:
            stem = word[: len(word) - len(ending)]
            if gender == "male" and replacement == "" and ending in ("a", "em", "owi") and stem[-1:] == "k" \
                    and stem[-2:-1].lower() not in _VOWELS and stem[-2:-1].lower() not in ("r", "l", "n", "s"):
                stem = stem[:-1] + "ek"  # mobile e: Misiaszka → Misiaszek
            return stem + replacement, 0.7
    return None


class PersonFinder:
    """Find people named in a document, outside the given excluded spans (institution names).

    *roles* (post-role names) keeps a post written after a dash ("Idziniak – Wicedyrektor") out of
    a double-barrelled surname.
    """

    def __init__(self, roles=None):
        self.roles = roles

    def find(self, doc: Document, exclude: list[tuple[int, int]] = ()) -> list[PersonMention]:
        def at(i: int) -> PersonMention | None:
            if any(s <= doc.tokens[i].start < e for s, e in exclude):
                return None
            return self.mention_at(doc, i)
        return scan(len(doc.tokens), at, lambda m: m.last)

    def mention_at(self, doc: Document, i: int) -> PersonMention | None:
        tokens, start = doc.tokens, i
        polite, titles = None, []
        while i < len(tokens):
            low = tokens[i].text.lower()
            if low in POLITE and polite is None and not titles:
                polite = POLITE[low]
            elif low.rstrip(".") in TITLES:
                titles.append(tokens[i].text + ("." if i + 1 < len(tokens) and tokens[i + 1].text == "." else ""))
                if i + 1 < len(tokens) and tokens[i + 1].text == ".":
                    i += 1
            else:
                break
            i += 1
        if i + 1 >= len(tokens) or not _is_given_name(tokens[i]):
            return None
        given_tokens = [tokens[i]]
        if _is_given_name(tokens[i + 1]) and i + 2 < len(tokens) and _surname_like(tokens[i + 2]) \
                and not _surname_reading(tokens[i + 1].text):
            given_tokens.append(tokens[i + 1])  # two first names: "Anna Maria Kowalska"
        j = i + len(given_tokens)
        if j >= len(tokens) or not _surname_like(tokens[j]) or tokens[j].start - given_tokens[-1].end > 2:
            return None
        surname_tokens = [tokens[j]]
        if j + 2 < len(tokens) and tokens[j + 1].text in _DASHES and _surname_like(tokens[j + 2]) \
                and doc.text[tokens[j].end:tokens[j + 2].start].strip() in _DASHES \
                and "\n" not in doc.text[tokens[j].end:tokens[j + 2].start] and not _is_given_name(tokens[j + 2]) \
                and not (self.roles and self.roles.match_at(tokens, j + 2)):
            surname_tokens.append(tokens[j + 2])
        strong = polite is not None or titles or _surname_reading(surname_tokens[0].text) or \
            all(r.pos == "ign" for r in morph.analyse(surname_tokens[0].text)) or \
            re.search(r"(ski|cki|dzki|ska|cka|dzka|skiego|skiej|ską|skim)$", surname_tokens[0].text)
        if not strong and not _strong_given_name(given_tokens[0].text):
            return None
        mention = _read(given_tokens, surname_tokens, polite, titles)
        if mention is None:
            return None
        mention.span = (tokens[start].start, surname_tokens[-1].end)
        mention.first, mention.last = start, surname_tokens[-1].index
        return mention


def _read(given_tokens: list[Token], surname_tokens: list[Token], polite, titles) -> PersonMention | None:
    """Choose the (first-name reading, case) under which the surname reads best."""
    candidates = []
    first = given_tokens[0].text
    for r in morph.analyse(first):
        if not r.is_first_name or r.pos not in ("subst", "depr") or "sg" not in r.numbers or not r.gender:
            continue
        for case in r.cases:
            if polite and (polite[0] != r.gender):
                continue
            surnames = [surname_nominative(t.text, r.gender, case) for t in surname_tokens]
            if any(s is None for s in surnames):
                continue
            score = min(s[1] for s in surnames) + (0.05 if case == "nom" else 0) + \
                (0.1 if polite and case in polite[1] else 0)
            candidates.append((score, r, case, "-".join(s[0] for s in surnames)))
    notes = []
    if candidates:
        score, reading, case, family = max(candidates, key=lambda c: c[0])
        given = reading.lemma
    else:  # e.g. "Pan Tomasza Piechowiak": the forms disagree; take the first name's lemma, the surname as written
        readings = [r for r in morph.analyse(first) if r.is_first_name and (not polite or r.gender == polite[0])]
        if not readings:
            return None
        reading, case, score = readings[0], "nom", 0.5
        given, family = reading.lemma, "-".join(t.text for t in surname_tokens)
        notes.append(f"the name's forms disagree ({first} {' '.join(t.text for t in surname_tokens)}); check")
    if len(given_tokens) > 1:
        second = [r for r in morph.analyse(given_tokens[1].text) if r.is_first_name and case in r.cases]
        given += " " + (second[0].lemma if second else given_tokens[1].text)
    gender = polite[0] if polite else reading.gender
    return PersonMention(given, family, " ".join(titles) or None, gender, (0, 0), 0, 0, case,
                         round(min(score, 0.95), 2), notes)


def _is_given_name(token: Token) -> bool:
    if not token.is_word or not token.is_capitalised or token.text.lower() in POLITE or token.text.isupper():
        return False
    return any(r.is_first_name and r.pos in ("subst", "depr") for r in morph.analyse(token.text))


def _strong_given_name(word: str) -> bool:
    """A first name that is not also a common word ("Sala", "Marek" as a common noun need more evidence)."""
    return not any(r.is_common and r.pos in ("subst", "adj", "prep", "conj", "fin", "praet") for r in morph.analyse(word))


def _surname_reading(word: str) -> bool:
    return any(r.is_surname for r in morph.analyse(word))


def _surname_like(token: Token) -> bool:
    if not token.is_word or not token.is_capitalised or token.text.isupper() or len(token.text) < 2:
        return False
    readings = morph.analyse(token.text)
    if any(r.pos in ("prep", "conj", "comp", "qub", "adv", "fin", "praet") for r in readings) and \
            not any(r.is_surname for r in readings):
        return False
    return True


def find_people(doc: Document, exclude: list[tuple[int, int]] = ()) -> list[PersonMention]:
    """Shortcut for :meth:`PersonFinder.find`."""
    return PersonFinder().find(doc, exclude)
