"""Place names: from the locative or genitive of running text to the nominative, and to keys.

"w Lublinie" → Lublin, "we Wrocławiu" → Wrocław, "z Krosna Odrzańskiego" → Krosno Odrzańskie,
"w Zielonej Górze" → Zielona Góra. Morfeusz knows most Polish towns (qualifier
``nazwa_geograficzna``); the endings rules below cover what it does not know, with a lower
confidence. Capital cities are reference data (``lublin``); other places get the slug of their
nominative name as key and are declared in the draft.

>>> from kg.annotate.text import Document
>>> doc = Document("konferencja w Zielonej Górze oraz z Krosna Odrzańskiego")
>>> place_after_preposition(doc.tokens, 1).name, place_after_preposition(doc.tokens, 5).name
('Zielona Góra', 'Krosno Odrzańskie')
>>> voivodeship_of_adjective("warmińsko-mazurskim")
'warminsko-mazurskie'
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..iri import slugify
from . import morph
from .text import Token

#: Preposition → the case of the place name after it.
PREPOSITION_CASE = {"w": "loc", "we": "loc", "na": "loc", "z": "gen", "ze": "gen", "do": "gen", "spod": "gen"}

#: Ending rules for place names the dictionary does not know: (case, ending, nominative ending).
_ENDING_RULES = {
    "loc": [("owie", "ów"), ("inie", "in"), ("ynie", "yn"), ("icach", "ice"), ("ycach", "yce"), ("kach", "ki"),
            ("ie", "o"), ("u", "")],
    "gen": [("owa", "ów"), ("ina", "in"), ("yna", "yn"), ("ic", "ice"), ("yc", "yce"), ("ka", "ek"), ("a", ""),
            ("u", "")],
}

_VOIVODESHIP_ENDINGS = ("ie", "iego", "iemu", "im", "a", "iej", "ą", "i")
_VOIVODESHIP_STEMS = {
    "dolnoslaskie": "dolnośląsk", "kujawsko-pomorskie": "kujawsko-pomorsk", "lubelskie": "lubelsk",
    "lubuskie": "lubusk", "lodzkie": "łódzk", "malopolskie": "małopolsk", "mazowieckie": "mazowieck",
    "opolskie": "opolsk", "podkarpackie": "podkarpack", "podlaskie": "podlask", "pomorskie": "pomorsk",
    "slaskie": "śląsk", "swietokrzyskie": "świętokrzysk", "warminsko-mazurskie": "warmińsko-mazursk",
    "wielkopolskie": "wielkopolsk", "zachodniopomorskie": "zachodniopomorsk",
}


@dataclass(frozen=True)
class PlaceMention:
    """A place named in the text: nominative name, key, and the tokens it spans."""

    name: str
    key: str
    first: int
    last: int
    confidence: float


def voivodeship_of_adjective(word: str) -> str | None:
    """The voivodeship key of an inflected adjective ("lubelskiego" → ``lubelskie``)."""
    low = word.lower().replace(" ", "")
    for key, stem in sorted(_VOIVODESHIP_STEMS.items(), key=lambda kv: -len(kv[1])):
        if low.startswith(stem) and low[len(stem):] in _VOIVODESHIP_ENDINGS:
            return key
    return None


def place_key(name: str) -> str:
    return slugify(name)


def nominative_of_word(word: str, case: str) -> tuple[str, float, set[str]] | None:
    """The nominative of one word of a place name, its confidence and possible genders."""
    if case == "nom":
        return word, 0.9, set()
    geo = [r for r in morph.noun_readings(word, case) if r.is_place]
    if geo:
        best = geo[0]
        return morph.match_case(best.lemma, word), 0.95, set(best.genders)
    if morph.known(word):
        return None
    low = word.lower()
    for ending, replacement in _ENDING_RULES.get(case, ()):
        if low.endswith(ending) and len(low) > len(ending) + 2:
            return word[: len(word) - len(ending)] + replacement, 0.5, set()
    return None


def place_at(tokens: list[Token], i: int, case: str) -> PlaceMention | None:
    """The place name that starts at token *i*, read in *case*; None if it is not a place."""
    if i >= len(tokens) or not tokens[i].is_capitalised or not tokens[i].is_word:
        return None
    head = nominative_of_word(tokens[i].text, case)
    adjective_first = None
    if head is None:  # "Zielonej Górze", "Gorzowie Wielkopolskim": an adjective may lead
        adjective_first = _adjective_nominative(tokens[i].text, case, None)
        if adjective_first is None or i + 1 >= len(tokens):
            return None
        head = nominative_of_word(tokens[i + 1].text, case)
        if head is None or not tokens[i + 1].is_capitalised:
            return None
        words, confidence, genders, last = [adjective_first, head[0]], head[1], head[2], i + 1
    else:
        words, confidence, genders, last = [head[0]], head[1], head[2], i
    # following words of the same name: an agreeing adjective ("Odrzańskiego") or another place noun
    while last + 1 < len(tokens) and len(words) < 3:
        if _hyphen_joins(tokens, last):  # "Szczawnie-Zdroju", "Kędzierzynie-Koźlu"
            words[-1] += "-" + _second_part(tokens[last + 2].text, case)
            last += 2
            continue
        if not (tokens[last + 1].is_capitalised and tokens[last + 1].is_word):
            break
        word = tokens[last + 1].text
        adjective = _adjective_nominative(word, case, genders)
        noun = [r for r in morph.noun_readings(word, case) if r.is_place] if case != "nom" else []
        if adjective:
            words.append(adjective)
        elif noun:
            words.append(morph.match_case(noun[0].lemma, word))
        elif case == "nom" and _is_name_part(word):
            words.append(word)
        else:
            break
        last += 1
    name = " ".join(words)
    return PlaceMention(name, place_key(name), i, last, confidence)


def _second_part(word: str, case: str) -> str:
    """Nominative of the part after a hyphen: a place noun, an adjective, or a common noun ("Zdroju")."""
    found = nominative_of_word(word, case)
    if found:
        return found[0]
    nouns = morph.noun_readings(word, case)
    return _adjective_nominative(word, case, None) or (morph.match_case(nouns[0].lemma, word) if nouns else word)


def _hyphen_joins(tokens: list[Token], last: int) -> bool:
    return (last + 2 < len(tokens) and tokens[last + 1].text in "-‐" and tokens[last + 1].start == tokens[last].end
            and tokens[last + 2].start == tokens[last + 1].end and tokens[last + 2].is_capitalised)


def _is_name_part(word: str) -> bool:
    readings = morph.analyse(word)
    return any(r.is_place for r in readings) or all(r.pos == "ign" for r in readings)


def _adjective_nominative(word: str, case: str, genders: set[str] | None) -> str | None:
    for reading in morph.adjective_readings(word, case):
        for gender in (sorted(genders & reading.genders) if genders else sorted(reading.genders)):
            form = morph.inflect(reading.lemma, "adj", case="nom", gender=gender)
            if form:
                return morph.match_case(form, word)
    for reading in morph.noun_readings(word, case):  # "Zielonej" is also a place noun (Zielona)
        if reading.is_place and genders is None:
            return morph.match_case(reading.lemma, word)
    return None


def place_after_preposition(tokens: list[Token], i: int) -> PlaceMention | None:
    """The place after the preposition at token *i* ("w Lublinie", "z Warszawy")."""
    case = PREPOSITION_CASE.get(tokens[i].text.lower())
    return place_at(tokens, i + 1, case) if case else None


_ADDRESS = re.compile(r"\b\d{2}-\d{3}\s+([A-ZŁŚŻŹĆŃÓ][\w]+(?:[ -][A-ZŁŚŻŹĆŃÓ][\w]+)?)")


def postal_places(text: str) -> list[tuple[str, int, int]]:
    """Places in postal addresses ("58-310 Szczawno Zdrój"), nominative as written."""
    return [(m.group(1), m.start(), m.end()) for m in _ADDRESS.finditer(text)]
