"""Institutions named in any case: their nominative name, type, acronym, seat city and voivodeship.

"Regionalnego Ośrodka Polityki Społecznej w Lublinie" is the ROPS in Lublin: the type is found by
matching the lemmas of the institution-type labels of the reference data (in any case), the
seat by reading the place after "w"/"we" in the locative, and the nominative name by putting the
head noun and its agreeing adjectives in the nominative (:func:`kg.annotate.morph.nominative_phrase`).

>>> from kg.annotate.text import Document
>>> from kg.annotate.lexicon import lexicon_for
>>> from kg.config import Project
>>> finder = InstitutionFinder(lexicon_for(Project.discover().reference_dir))
>>> doc = Document("Dyrektor Regionalnego Ośrodka Polityki Społecznej w Lublinie otworzyła konferencję.")
>>> [(m.name, m.type, m.city, m.key) for m in finder.find(doc)]
[('Regionalny Ośrodek Polityki Społecznej w Lublinie', 'rops', 'lublin', 'rops-lublin')]
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..iri import slugify
from . import morph
from .lexicon import Lexicon, PhraseMatcher
from .places import PlaceMention, place_after_preposition, place_at, voivodeship_of_adjective
from .text import ABBREVIATIONS, Document, Token, scan

#: Head nouns of institution names beyond the reference labels: general Polish vocabulary for
#: kinds of bodies, mapped to institution-type keys.
EXTRA_HEADS: dict[str, list[str]] = {
    "uczelnia": ["uniwersytet", "politechnika", "akademia", "wyższa szkoła", "szkoła wyższa", "szkoła główna"],
    "regionalna-agencja-rozwoju": ["agencja rozwoju regionalnego", "agencja rozwoju regionu", "agencja rozwoju"],
    "departament-ministerstwa": ["departament"],
    "wydzial-urzedu": ["wydział"],
    "gmina": ["miasto i gmina", "miasto"],
    "urzad-gminy": ["urząd miasta i gminy"],
    "media": ["telewizja", "radio", "rozgłośnia", "gazeta", "dziennik", "tygodnik"],
}
#: Types keyed by type and seat ("rops-lublin") as docs/annotation-format.md recommends.
SEAT_KEYED = {"rops", "ops", "gops", "mgops", "mops", "mopr", "pcpr", "sds", "dps", "oik", "cus", "wup", "pup",
              "cis", "kis", "owes", "wtz", "zaz"}
#: Types whose seat is the seat of the voivodeship's sejmik and marshal when no city is written.
REGIONAL_SEAT = {"urzad-marszalkowski", "sejmik-wojewodztwa", "samorzad-wojewodztwa", "rops", "wup",
                 "departament-urzedu-marszalkowskiego"}
NATIONAL = {"ministerstwo", "departament-ministerstwa"}
_GENERIC_LABELS = {"gmina", "powiat", "media", "uczelnia", "przedsiębiorstwo", "firma", "spółka", "redakcja",
                   "miasto", "stowarzyszenie", "fundacja", "ministerstwo", "departament", "wydział"}
CONNECTORS = {"i", "dla", "na", "rzecz", "im", "ds", "z", "o", "oraz", "&"}
LEGAL_FORMS = re.compile(r"\s*(Sp\.\s*z\s*o\.\s*o\.|sp\.\s*z\s*o\.\s*o\.|S\.\s?A\.|sp\.\s*j\.|sp\.\s*k\.)")
HONORIFICS = {"pan", "pani", "pana", "panu", "panem", "panią", "prof", "dr", "mgr", "inż", "ks", "hab"}


@dataclass
class OrgMention:
    """One mention of an institution, with what the text says about it."""

    name: str
    type: str
    span: tuple[int, int]
    first: int
    last: int
    city: str | None = None
    city_name: str | None = None
    voivodeship: str | None = None
    acronym: str | None = None
    part_of: "OrgMention | None" = None
    bare: bool = False              # only the type's name ("Regionalnego Ośrodka Polityki Społecznej")
    confidence: float = 0.8
    notes: list[str] = field(default_factory=list)
    key: str = ""

    def __post_init__(self) -> None:
        if not self.key:
            self.key = org_key(self.type, self.name, self.city, self.voivodeship)


def org_key(type_: str, name: str, city: str | None, voivodeship: str | None) -> str:
    """``rops-lublin`` for seat-keyed types, ``urzad-marszalkowski-lubuskie``, else the slug of the name."""
    if type_ in SEAT_KEYED and city:
        return f"{type_}-{city}"
    if type_ in ("urzad-marszalkowski", "samorzad-wojewodztwa", "sejmik-wojewodztwa") and voivodeship:
        return f"{type_.replace('samorzad-wojewodztwa', 'samorzad-wojewodztwa')}-{voivodeship}"
    words = slugify(re.sub(r"\b(Sp\. z o\.o\.|S\.A\.)", "", name)).split("-")
    key, total = [], 0
    for w in words:  # at most about 60 characters, cut at a word
        if total + len(w) > 60 and key:
            break
        key.append(w)
        total += len(w) + 1
    return "-".join(key)


def initials(name: str) -> str:
    """"Dolnośląska Agencja Rozwoju Regionalnego S.A." → DARR (capitalised words before the seat)."""
    core = re.split(r"\s+w\s+|\s+we\s+|\s+S\.A\.|\s+Sp\.", name)[0]
    return "".join(w[0] for w in core.split() if w[:1].isupper() and w.isalpha())


class InstitutionFinder:
    """Find institution mentions in a document."""

    def __init__(self, lexicon: Lexicon):
        self.lexicon = lexicon
        phrases: dict[str, list[str]] = {}
        for key, (label, alts, _) in lexicon.institution_types.items():
            phrases[key] = [label, *alts]
        for key, heads in EXTRA_HEADS.items():
            phrases.setdefault(key, []).extend(heads)
        self.types = PhraseMatcher(phrases)
        self.acronyms = lexicon.type_acronyms()
        self.roles = PhraseMatcher(lexicon.post_roles)
        self.known_phrases = PhraseMatcher({p.key: [p.name] for p in lexicon.programmes.values()})

    # -- finding ------------------------------------------------------------------------------
    def find(self, doc: Document) -> list[OrgMention]:
        mentions = scan(len(doc.tokens), lambda i: self.mention_at(doc, i), lambda m: m.last)
        return [x for m in mentions for x in ([m, m.part_of] if m.part_of else [m])]

    def mention_at(self, doc: Document, i: int) -> OrgMention | None:
        tokens = doc.tokens
        token = tokens[i]
        if not token.is_word or not token.is_capitalised:
            return None
        if token.text in self.acronyms or token.text.upper() in self.acronyms and token.text.isupper():
            return self._acronym_mention(doc, i)
        lead = i
        follows_noun = i > 0 and tokens[i - 1].is_word and tokens[i - 1].text[0].isalpha() and \
            bool(morph.noun_readings(tokens[i - 1].text)) and not morph.adjective_readings(tokens[i - 1].text)
        while not follows_noun and lead < len(tokens) and lead - i < 2 and morph.adjective_readings(tokens[lead].text) \
                and not self.types.match_at(tokens, lead):
            lead += 1  # "Dolnośląską Agencję …", "Odrzańską Spółdzielnię Socjalną"
        match = self.types.match_at(tokens, lead)
        if not match or not tokens[lead].is_capitalised:
            return self._company_mention(doc, i)
        return self._named_mention(doc, i, match.key, match.last)

    def _named_mention(self, doc: Document, i: int, type_: str, head_last: int) -> OrgMention:
        tokens, text = doc.tokens, doc.text
        last, seat, parent = self._extend(doc, i, head_last)
        name_last = last
        words = [t.text for t in tokens[i:name_last + 1] if t.is_word]
        barriers = frozenset(j - i for j in range(i, name_last + 1) if self.known_phrases.match_at(tokens, j))
        nominal, converted, confidence = morph.nominative_phrase([t.text for t in tokens[i:name_last + 1]], barriers)
        name = _join(text, tokens[i:name_last + 1], nominal)
        legal = LEGAL_FORMS.match(text, tokens[name_last].end)
        end = tokens[name_last].end
        if legal:
            name += legal.group(0)
            end = legal.end()
            name_last = doc.token_at(end) - 1
            type_ = type_ if type_ != "media" else "przedsiebiorstwo"
        mention = OrgMention(name, type_, (tokens[i].start, end), i, name_last, confidence=confidence)
        mention.bare = name_last == head_last and seat is None and not legal
        self._embedded_parent(doc, mention, i, head_last, name_last)
        if seat is not None:
            mention.city, mention.city_name = _city_key(self.lexicon, seat.name), seat.name
            preposition = tokens[seat.first - 1]
            if preposition.text.lower() in ("w", "we"):  # "… w Lublinie" is part of the name; "z Warszawy" is not
                mention.name = f"{mention.name} {text[preposition.start:tokens[seat.last].end]}"
            mention.span = (tokens[i].start, tokens[seat.last].end)
            mention.last = seat.last
        if parent is not None:
            mention.part_of = parent
        self._seat_from_name(doc, mention, i)
        self._refine_type(mention)
        mention.key = org_key(mention.type, mention.name, mention.city, mention.voivodeship)
        return mention

    def _extend(self, doc: Document, i: int, last: int) -> tuple[int, PlaceMention | None, OrgMention | None]:
        """Extend a name past its head: capitalised words, connectors, "im. …"; stop at the seat."""
        tokens = doc.tokens
        k = last + 1
        while k < len(tokens) and k - i < 18:
            t = tokens[k]
            low = t.text.lower()
            if LEGAL_FORMS.match(doc.text, tokens[k - 1].end):
                break
            if low == "przy" and k + 1 < len(tokens) and tokens[k + 1].text.lower() in ("ul", "al", "pl"):
                k = _skip_address(tokens, k)  # "przy ul. Pl. Piłsudskiego 2 w Braniewie": the seat follows
                place = place_after_preposition(tokens, k) if k < len(tokens) and tokens[k].text in ("w", "we") else None
                return _before_address(tokens, last, k), place, None
            if low in ("z", "ze") and k + 1 < len(tokens):
                place = place_after_preposition(tokens, k)
                if place:
                    return k - 1, place, None
            if k == last + 1 and _genitive_given_name(t.text) and k + 1 < len(tokens) and tokens[k + 1].is_capitalised:
                k += 2  # "Uniwersytetu Jana Kochanowskiego": a patron's name in the genitive right after the head
                continue
            if low == "im" and k + 2 < len(tokens) and tokens[k + 1].text == ".":
                k += 2  # "im. Janusza Korczaka": a patron's name is part of the institution's name
                while k < len(tokens) and tokens[k].is_capitalised and tokens[k].is_word:
                    k += 1
                continue
            if low in ("w", "we") and k + 1 < len(tokens):
                inner = self.mention_at(doc, k + 1) if tokens[k + 1].is_capitalised else None
                if inner is not None and not inner.bare or inner is not None and inner.type in NATIONAL:
                    return k - 1, None, inner            # "Departamentu … w Ministerstwie …": a parent
                place = place_after_preposition(tokens, k)
                if place:
                    return k - 1, place, None
                return k - 1, None, None
            if t.text in ("„", '"', "”") and t.start == tokens[k - 1].end + 1 or t.text == "„":
                close = _closing_quote(tokens, k)
                if close is None:
                    break
                k = close + 1
                continue
            if t.is_word and t.is_capitalised and not _stops_name(self, doc, k):
                k += 1
                continue
            if (low in CONNECTORS or t.text == "." and _abbreviation_before(tokens, k)) and k + 1 < len(tokens) \
                    and _continues(self, doc, k):
                k += 1
                continue
            break
        while k - 1 > last and (tokens[k - 1].text.lower() in CONNECTORS or tokens[k - 1].text == "."):
            k -= 1
        return k - 1, None, None

    def _embedded_parent(self, doc: Document, mention: OrgMention, i: int, head_last: int, last: int) -> None:
        """"Wydziału Polityki Społecznej Urzędu Miasta Stargard": the office is the parent."""
        tokens = doc.tokens
        for p in range(head_last + 1, last + 1):
            match = self.types.match_at(tokens, p)
            if match and tokens[p].is_capitalised and match.key not in ("gmina",):
                parent = self._named_mention(doc, p, match.key, match.last)
                if parent.last <= last or parent.city:
                    mention.part_of = parent
                    return

    def _seat_from_name(self, doc: Document, mention: OrgMention, i: int) -> None:
        tokens = doc.tokens
        for j in range(i, mention.last + 1):
            low = tokens[j].text.lower()
            if low.startswith("województw") and j + 1 < len(tokens):
                adjective = tokens[j + 1].text + ("".join(t.text for t in tokens[j + 2:j + 4])
                                                  if j + 2 < len(tokens) and tokens[j + 2].text == "-" else "")
                mention.voivodeship = voivodeship_of_adjective(adjective) or mention.voivodeship
            if low in ("gminy", "gmina", "miasta", "miasto") and j + 1 <= mention.last and not mention.city:
                place = place_at(tokens, j + 1, "nom") or place_at(tokens, j + 1, "gen")
                if place and place.last <= mention.last:
                    mention.city, mention.city_name = _city_key(self.lexicon, place.name), place.name
        if mention.part_of is not None:
            parent = mention.part_of
            mention.city = mention.city or parent.city
            mention.city_name = mention.city_name or parent.city_name
            mention.voivodeship = mention.voivodeship or parent.voivodeship
        if mention.city in self.lexicon.cities:
            mention.voivodeship = self.lexicon.cities[mention.city][1]
        if not mention.city and mention.voivodeship and mention.type in REGIONAL_SEAT:
            mention.city = self.lexicon.sejmik_seats[mention.voivodeship]
            mention.city_name = self.lexicon.cities[mention.city][0]
            mention.notes.append("seat not written: the seat of the voivodeship's sejmik and marshal")

    def _refine_type(self, mention: OrgMention) -> None:
        if mention.type == "departament-ministerstwa" and not (mention.part_of and mention.part_of.type == "ministerstwo"):
            mention.type = "departament-urzedu-marszalkowskiego"
        if mention.type == "departament-urzedu-marszalkowskiego" and mention.part_of and \
                mention.part_of.type == "ministerstwo":
            mention.type = "departament-ministerstwa"

    def _acronym_mention(self, doc: Document, i: int) -> OrgMention:
        tokens = doc.tokens
        acronym = tokens[i].text.upper()
        type_ = self.acronyms[acronym]
        label = self.lexicon.institution_types[type_][0]
        seat = place_after_preposition(tokens, i + 1) if i + 1 < len(tokens) and tokens[i + 1].text in ("w", "we") else None
        if seat:
            seat_text = doc.text[tokens[i + 1].start:tokens[seat.last].end]
            mention = OrgMention(f"{label} {seat_text}", type_, (tokens[i].start, tokens[seat.last].end), i, seat.last,
                                 city=_city_key(self.lexicon, seat.name), city_name=seat.name, acronym=acronym,
                                 confidence=0.75)
        else:
            mention = OrgMention(label, type_, (tokens[i].start, tokens[i].end), i, i, acronym=acronym, bare=True,
                                 confidence=0.5)
        mention.notes.append(f"named by its acronym {acronym}; full name composed from the type")
        self._seat_from_name(doc, mention, i)
        mention.key = org_key(mention.type, mention.name, mention.city, mention.voivodeship)
        return mention

    def _company_mention(self, doc: Document, i: int) -> OrgMention | None:
        """"WYG International Sp. z o.o.": capitalised words ending in a legal form."""
        tokens, text = doc.tokens, doc.text
        k = i
        while k < len(tokens) and k - i < 6 and tokens[k].is_word and tokens[k].is_capitalised:
            legal = LEGAL_FORMS.match(text, tokens[k].end)
            if legal:
                if any(morph.analyse(t.text) and morph.analyse(t.text)[0].is_first_name for t in tokens[i:i + 1]) \
                        and k == i:
                    return None
                end = legal.end()
                mention = OrgMention(text[tokens[i].start:end], "przedsiebiorstwo", (tokens[i].start, end), i,
                                     doc.token_at(end) - 1, confidence=0.8)
                after = doc.token_at(end)
                if after < len(tokens) and tokens[after].text.lower() in ("z", "ze"):
                    place = place_after_preposition(tokens, after)
                    if place:
                        mention.city, mention.city_name = _city_key(self.lexicon, place.name), place.name
                        if mention.city in self.lexicon.cities:
                            mention.voivodeship = self.lexicon.cities[mention.city][1]
                return mention
            k += 1
        return None


def _abbreviation_before(tokens: list[Token], k: int) -> bool:
    word = tokens[k - 1].text
    return word.lower() in ABBREVIATIONS or len(word) == 1 and word.isupper()


def _skip_address(tokens: list[Token], k: int) -> int:
    """Index of the "w" after a street address, or of the token after it."""
    j = k + 1
    while j < len(tokens) and j - k < 12 and tokens[j].text not in ("w", "we", ",", ";") and \
            not (tokens[j].text == "." and not _abbreviation_before(tokens, j)):
        j += 1
    return j


def _before_address(tokens: list[Token], last: int, k: int) -> int:
    j = k - 1
    while j > last and tokens[j].text.lower() != "przy":
        j -= 1
    return j - 1 if j > last else last


def _closing_quote(tokens: list[Token], k: int) -> int | None:
    for j in range(k + 1, min(k + 15, len(tokens))):
        if tokens[j].text in ("”", '"', "“"):
            return j
    return None


def _stops_name(finder: InstitutionFinder, doc: Document, k: int) -> bool:
    """A capitalised word that starts something else: a person, a title, a role, another institution."""
    tokens = doc.tokens
    t = tokens[k]
    if t.text.lower() in HONORIFICS or finder.roles.match_at(tokens, k):
        return True
    if k > 0 and tokens[k - 1].end < t.start and doc.text[tokens[k - 1].end:t.start].count("\n"):
        return True
    if _is_given_name(t.text) and k + 1 < len(tokens) and tokens[k + 1].is_capitalised and \
            not finder.types.match_at(tokens, k + 1):
        return True
    return False


def _continues(finder: InstitutionFinder, doc: Document, k: int) -> bool:
    """A connector ("i", "dla", "im.", "ds.") inside a name: followed by a capitalised word that is not a new institution."""
    tokens = doc.tokens
    nxt = k + 1
    while nxt < len(tokens) and tokens[nxt].text in (".", "-"):
        nxt += 1
    if nxt >= len(tokens) or not tokens[nxt].is_capitalised or not tokens[nxt].is_word:
        return False
    if tokens[k].text.lower() in ("i", "oraz") and (finder.types.match_at(tokens, nxt) or tokens[nxt].text in finder.acronyms
                                                  or _is_given_name(tokens[nxt].text)):
        return False
    return not _stops_name(finder, doc, nxt)


def _genitive_given_name(word: str) -> bool:
    return any(r.is_first_name and "gen" in r.cases for r in morph.analyse(word))


def _is_given_name(word: str) -> bool:
    readings = morph.analyse(word)
    return any(r.is_first_name for r in readings) and not any(r.pos == "adj" for r in readings)


def _join(text: str, tokens: list[Token], words: list[str]) -> str:
    """Rebuild a phrase from (possibly replaced) token texts, keeping the original spacing."""
    out = ""
    for j, (token, word) in enumerate(zip(tokens, words)):
        if j:
            gap = text[tokens[j - 1].end:token.start]
            out += " " if gap and gap.strip() == "" else gap
        out += word
    return out


def _city_key(lexicon: Lexicon, name: str) -> str:
    return lexicon.capital_names.get(name, slugify(name))
