"""What the drafter knows from the project's reference data, and finding phrases in any case.

Everything named here comes from ``data/reference/`` through :func:`kg.reference.load_reference`:
institution types (labels, synonyms, acronyms), post and event roles, topics, programmes,
measures and funds, voivodeships and their capitals. A :class:`PhraseMatcher` finds a phrase
given in the nominative ("aktywna integracja") in running text in any case ("aktywnej
integracji") by comparing Morfeusz lemmas token by token.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from rdflib import Literal
from rdflib.namespace import SKOS

from ..namespaces import KGO
from ..reference import Reference, load_reference
from . import morph
from .text import Token, scan

_WORD = re.compile(r"\w+|[^\w\s]")


@dataclass(frozen=True)
class Phrase:
    key: str
    text: str
    lemmas: tuple[frozenset[str], ...]


@dataclass(frozen=True)
class Match:
    key: str
    phrase: str
    first: int   # token index
    last: int    # token index, inclusive


class PhraseMatcher:
    """Find nominative phrases in inflected text by lemma, longest match first.

    >>> m = PhraseMatcher({"aktywna-integracja": ["aktywna integracja"]})
    >>> from kg.annotate.text import Document
    >>> doc = Document("rozwój aktywnej integracji w regionie")
    >>> [(x.key, x.first, x.last) for x in m.find(doc.tokens)]
    [('aktywna-integracja', 1, 2)]
    """

    def __init__(self, phrases: dict[str, list[str]]):
        self._by_first: dict[str, list[Phrase]] = {}
        for key, texts in phrases.items():
            for text in texts:
                words = _WORD.findall(text)
                if not words:
                    continue
                lemmas = tuple(_lemmas(w) for w in words)
                phrase = Phrase(key, text, lemmas)
                for lemma in lemmas[0]:
                    self._by_first.setdefault(lemma, []).append(phrase)
        for candidates in self._by_first.values():
            candidates.sort(key=lambda p: -len(p.lemmas))

    def match_at(self, tokens: list[Token], i: int) -> Match | None:
        for lemma in _lemmas(tokens[i].text):
            for phrase in self._by_first.get(lemma, ()):
                n = len(phrase.lemmas)
                if i + n <= len(tokens) and all(phrase.lemmas[j] & _lemmas(tokens[i + j].text) for j in range(n)):
                    return Match(phrase.key, phrase.text, i, i + n - 1)
        return None

    def find(self, tokens: list[Token]) -> list[Match]:
        return scan(len(tokens), lambda i: self.match_at(tokens, i), lambda m: m.last)


@lru_cache(maxsize=65536)
def _lemmas(word: str) -> frozenset[str]:
    if not word[0].isalnum():
        return frozenset({word})
    return morph.lemmas(word) | {word.lower()}


@dataclass(frozen=True)
class Programme:
    key: str
    kind: str          # funding, measure, policy, fund
    name: str
    acronyms: tuple[str, ...]
    notation: str | None = None
    voivodeship: str | None = None


@dataclass
class Lexicon:
    """Reference vocabularies, ready for matching."""

    reference: Reference
    institution_types: dict[str, tuple[str, list[str], str | None]] = field(default_factory=dict)  # key -> label, alts, acronym
    post_roles: dict[str, list[str]] = field(default_factory=dict)
    topics: dict[str, list[str]] = field(default_factory=dict)
    programmes: dict[str, Programme] = field(default_factory=dict)
    voivodeships: dict[str, tuple[str, str]] = field(default_factory=dict)  # key -> name, short
    cities: dict[str, tuple[str, str]] = field(default_factory=dict)        # key -> name, voivodeship
    sejmik_seats: dict[str, str] = field(default_factory=dict)              # voivodeship -> city key

    @property
    def capital_names(self) -> dict[str, str]:
        return {name: key for key, (name, _) in self.cities.items()}

    def type_acronyms(self) -> dict[str, str]:
        return {acr: key for key, (_, _, acr) in self.institution_types.items() if acr}


def _texts(graph, node, predicate, lang="pl") -> list[str]:
    return sorted(str(o) for o in graph.objects(node, predicate)
                  if isinstance(o, Literal) and (o.language == lang or (lang is None and o.language is None)))


@lru_cache(maxsize=4)
def lexicon_for(reference_dir: Path) -> Lexicon:
    """The lexicon of the reference data in *reference_dir* (loaded once per process)."""
    return build_lexicon(load_reference(reference_dir))


def build_lexicon(reference: Reference) -> Lexicon:
    g = reference.graph
    lex = Lexicon(reference)
    for key in sorted(reference.keys["institution-type"]):
        node = reference.iri("institution-type", key)
        notation = [str(o) for o in g.objects(node, SKOS.notation)]
        lex.institution_types[key] = (reference.label("institution-type", key), _texts(g, node, SKOS.altLabel),
                                      notation[0] if notation else None)
    for namespace, target in (("post-role", lex.post_roles), ("topic", lex.topics)):
        for key in sorted(reference.keys[namespace]):
            node = reference.iri(namespace, key)
            target[key] = [reference.label(namespace, key), *_texts(g, node, SKOS.altLabel)]
    for namespace in ("programme", "measure", "fund"):
        for key in sorted(reference.keys[namespace]):
            node = reference.iri(namespace, key)
            notation = [str(o) for o in g.objects(node, SKOS.notation)]
            acronyms = tuple(_texts(g, node, SKOS.altLabel) + [str(o) for o in g.objects(node, KGO.acronym)])
            covers = [str(o).rsplit("/", 1)[-1] for o in g.objects(node, KGO.coversVoivodeship)]
            kind = "fund" if namespace == "fund" else ("measure" if namespace == "measure" else "programme")
            lex.programmes[key] = Programme(key, kind, reference.label(namespace, key), tuple(sorted(set(acronyms))),
                                            notation[0] if notation else None, covers[0] if covers else None)
    for key in sorted(reference.keys["voivodeship"]):
        node = reference.iri("voivodeship", key)
        lex.voivodeships[key] = (reference.label("voivodeship", key), _texts(g, node, SKOS.altLabel)[0])
    for key in sorted(reference.keys["place"]):
        node = reference.iri("place", key)
        voivodeship = next(str(o).rsplit("/", 1)[-1] for o in g.objects(node, KGO.inVoivodeship))
        lex.cities[key] = (reference.label("place", key), voivodeship)
    for key in lex.voivodeships:
        capitals = sorted(c for c, (_, v) in lex.cities.items() if v == key)
        notes = " ".join(_texts(g, reference.iri("voivodeship", key), SKOS.scopeNote))
        seat = next((c for c in capitals if re.search(re.escape(lex.cities[c][0]) + r": siedziba sejmiku", notes)), None)
        lex.sejmik_seats[key] = seat or capitals[0]
    return lex
