"""Posts: "person P held post R in organisation O", as the text states it.

Three constructions cover news items: "Aleksandra Warmińska, Dyrektor Regionalnego Ośrodka …"
(person, then post), "Dyrektor Regionalnego Ośrodka … Pan Jakub Piosik" (post, then person), and
"Marszałka Województwa Zachodniopomorskiego Olgierda Geblewicza" (an office of a self-governing
body). A post without an organisation ("doradca ds. …") takes the organisation the same role is
attached to elsewhere in the article ("zespołu doradców Regionalnego Ośrodka …").
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from . import morph
from .institutions import OrgMention
from .lexicon import Lexicon, PhraseMatcher
from .people import PersonMention
from .places import place_at, voivodeship_of_adjective
from .text import Document

_GAP = re.compile(r"^[\s,–—-]*$")
#: Words that may stand between a person and a post: "X, do niedawna kierownik …, a obecnie dyrektor …".
_TIME_GAP = re.compile(r"^[\s,–—-]*(?:(?:a|do\s+niedawna|obecnie|wcześniej|dotychczas|dotychczasow[ya]|"
                       r"nowo\s+powołan[ya]|od\s+niedawna|teraz|były|była|p\.\s*o\.|pełniąc[ya]\s+obowiązki)[\s,]*)+$", re.I)
#: Offices of self-governing bodies: role → (organisation type, how its name is built).
OFFICES = {"marszalek-wojewodztwa": "samorzad-wojewodztwa", "burmistrz": "gmina", "wojt": "gmina",
           "prezydent-miasta": "gmina", "starosta": "powiat"}


@dataclass
class PostMention:
    person: PersonMention
    role: str
    org: OrgMention
    title: str
    span: tuple[int, int]
    confidence: float
    notes: list[str] = field(default_factory=list)


def find_posts(doc: Document, lexicon: Lexicon, people: list[PersonMention], orgs: list[OrgMention],
               roles: PhraseMatcher) -> tuple[list[PostMention], list[OrgMention]]:
    """Posts stated in *doc*, and the organisations that only an office names ("Burmistrz Goleniowa")."""
    tokens = doc.tokens
    org_at = {o.first: o for o in orgs}
    found, derived, orgless, team = [], [], [], Counter()
    for match in roles.find(tokens):
        head = tokens[match.first]
        readings = morph.noun_readings(head.text)
        plural = readings and all("pl" in r.numbers and "sg" not in r.numbers for r in readings)
        org = org_at.get(match.last + 1)
        if org is None and match.key in OFFICES:
            org = _office_org(doc, lexicon, match.key, match.last + 1)
            if org:
                derived.append(org)
        if plural:
            if org:
                team[(match.key, org.key)] += 1
            continue
        end = org.span[1] if org else _clause_end(doc, tokens[match.last].end)
        person = _adjacent_person(doc, people, tokens[match.first].start, end)
        previous = found[-1] if found else None
        if previous and _TIME_GAP.match(doc.text[previous.span[1]:tokens[match.first].start]):
            person = previous.person  # a second post of the same person ("…, a obecnie dyrektor …")
        elif person is None:
            person = _adjacent_person(doc, people, tokens[match.first].start, end, _TIME_GAP)
        title_word = morph.match_case(readings[0].lemma, head.text) if readings else head.text
        title = (title_word + doc.text[head.end:end]).strip(" ,")
        title = " ".join(title.split())
        if person is None:
            if org:
                team[(match.key, org.key)] += 1
            continue
        start = min(person.span[0], head.start)
        stop = max(person.span[1], end)
        post = PostMention(person, match.key, org, title, (start, stop), 0.85 if org else 0.5)
        if org:
            team[(match.key, org.key)] += 1
            found.append(post)
        else:
            orgless.append(post)
    by_key = {o.key: o for o in orgs + derived}
    for post in orgless:  # "doradca ds. …": the organisation the same role belongs to elsewhere
        candidates = [(n, k) for (role, k), n in team.items() if role == post.role]
        if candidates:
            post.org = by_key[max(candidates)[1]]
            post.notes.append(f"organisation not written with the post; the article's other {post.role} "
                              f"mentions belong to {post.org.name}")
            found.append(post)
    return found, derived


def voivodeship_genitive(lexicon: Lexicon, voivodeship: str) -> str:
    """``zachodniopomorskie`` → "Zachodniopomorskiego" (as in "Urząd Marszałkowski Województwa …")."""
    short = lexicon.voivodeships[voivodeship][1]
    return "-".join(part[:1].upper() + part[1:] for part in (short[:-1] + "ego").split("-"))


def _adjacent_person(doc: Document, people: list[PersonMention], start: int, end: int,
                     gap: re.Pattern = _GAP) -> PersonMention | None:
    """The person written right before the post ("X, Dyrektor …") or right after it ("Dyrektor … Pan X")."""
    before = [p for p in people if p.span[1] <= start and gap.match(doc.text[p.span[1]:start])]
    if before:
        return before[-1]
    after = [p for p in people if p.span[0] >= end and _GAP.match(doc.text[end:p.span[0]])]
    return after[0] if after else None


def _clause_end(doc: Document, pos: int) -> int:
    """End of a post title without an organisation: a comma, a dash, "oraz Pan…", or the sentence end."""
    sentence = doc.sentence_of(pos)
    m = re.compile(r",|\s[–—-]\s|\s(?:oraz|i)\s+(?=Pan|Pani|pan|pani)|\.(?=\s|$)").search(doc.text, pos, sentence.end)
    return m.start() if m else sentence.end


def _office_org(doc: Document, lexicon: Lexicon, role: str, i: int) -> OrgMention | None:
    """The body an office belongs to: "Marszałka Województwa X" → Samorząd Województwa X; "Burmistrz Goleniowa" → Gmina Goleniów."""
    tokens = doc.tokens
    if i >= len(tokens):
        return None
    type_ = OFFICES[role]
    if type_ == "samorzad-wojewodztwa":
        j = i
        adjective = tokens[j].text if j < len(tokens) else ""
        if j + 2 < len(tokens) and tokens[j + 1].text == "-":
            adjective += "-" + tokens[j + 2].text
        voivodeship = voivodeship_of_adjective(adjective)
        if not voivodeship:
            return None
        name = "Samorząd Województwa " + voivodeship_genitive(lexicon, voivodeship)
        city = lexicon.sejmik_seats[voivodeship]
        org = OrgMention(name, type_, (tokens[i - 1].start, tokens[i].end), i, i, city=city,
                         city_name=lexicon.cities[city][0], voivodeship=voivodeship, confidence=0.7)
        org.notes.append("not named as such: the body whose marshal the person is")
        return org
    place = place_at(tokens, i, "gen")
    if not place:
        return None
    noun = {"gmina": "Gmina", "powiat": "Powiat"}[type_]
    from .institutions import _city_key
    city = _city_key(lexicon, place.name)
    org = OrgMention(f"{noun} {place.name}", type_, (tokens[i].start, tokens[place.last].end), i, place.last,
                     city=city, city_name=place.name, confidence=0.6)
    if city in lexicon.cities:
        org.voivodeship = lexicon.cities[city][1]
    org.notes.append(f"not named as such: the {type_} whose {role} the person is")
    return org
