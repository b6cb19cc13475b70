"""Assemble the draft annotation of one article and write it as YAML with evidence comments.

Every drafted item carries its evidence (a verbatim quote of the text) and, in a YAML comment
above it, the character span of that quote and a confidence::

    # span: 312-371 confidence: 0.95
    - key: rops-lublin
      ...

The annotation format has no fields for spans or confidences, so they live in comments (the
builder never sees them); see docs/annotate.md.
"""
from __future__ import annotations

import datetime as dt
import os
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..iri import slugify
from . import morph
from .dates import DateMention, find_dates
from .events import (EVENT_NOUNS, Event, ProgrammeFinder, _FUTURE, audience_region, event_key, event_noun_at,
                     find_event_nouns, find_projects, find_venue, main_date, organisers, orgs_after, participations,
                     quoted_title_near, title_from)
from .identity import StoreIndex
from .institutions import REGIONAL_SEAT, SEAT_KEYED, InstitutionFinder, OrgMention, initials, org_key
from .lexicon import Lexicon, PhraseMatcher
from .numbers import find_attendance
from .people import PersonFinder, PersonMention
from .places import place_after_preposition, postal_places, voivodeship_of_adjective
from .posts import find_posts, voivodeship_genitive
from .text import Document

SECTIONS = ("places", "organisations", "people", "posts", "events", "participations", "projects")
EVIDENCE_LIMIT = 400


@dataclass
class Item:
    """One drafted statement: its data, the span of its evidence and a confidence."""

    data: dict[str, Any]
    span: tuple[int, int] | None
    confidence: float
    comments: list[str] = field(default_factory=list)


@dataclass
class Draft:
    text: str
    article: Item
    sections: dict[str, list[Item]]
    comments: list[str] = field(default_factory=list)
    candidates: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def data(self) -> dict[str, Any]:
        """The draft as annotation data (what the YAML file holds)."""
        result: dict[str, Any] = {"article": self.article.data}
        for name in SECTIONS:
            if self.sections.get(name):
                result[name] = [item.data for item in self.sections[name]]
        return result


class Drafter:
    """Drafts annotations; holds what is expensive to set up (matchers), so many articles draft fast."""

    def __init__(self, lexicon: Lexicon, store_index: StoreIndex | None = None):
        self.lexicon = lexicon
        self.institutions = InstitutionFinder(lexicon)
        self.roles = PhraseMatcher(lexicon.post_roles)
        self.people = PersonFinder(self.roles)
        self.topics = PhraseMatcher(lexicon.topics)
        self.programmes = ProgrammeFinder(lexicon)
        self.store_index = store_index

    def draft(self, text: str, *, source_id: str, source_path: str | None = None, url: str | None = None,
              published: dt.date | None = None, key: str | None = None) -> Draft:
        started = time.perf_counter()
        draft = _ArticleDraft(self, Document(text), source_id, source_path, url, published, key).build()
        if self.store_index is not None:
            self.store_index.reconcile(draft)
        draft.seconds = time.perf_counter() - started
        return draft


class _ArticleDraft:
    """The drafting of one article, step by step."""

    def __init__(self, drafter: Drafter, doc: Document, source_id: str, source_path: str | None, url: str | None,
                 published: dt.date | None, key: str | None):
        self.d, self.doc, self.lex = drafter, doc, drafter.lexicon
        self.source_id, self.source_path, self.url, self.published, self.key = source_id, source_path, url, published, key
        self.comments: list[str] = []
        self.orgs: dict[str, OrgMention] = {}
        self.org_items: dict[str, Item] = {}
        self.places: dict[str, Item] = {}
        self.projects: list = []
        self.announcement = False

    # -- steps --------------------------------------------------------------------------------
    def build(self) -> Draft:
        doc = self.doc
        self.title_span = self._headline()
        self.dates = find_dates(doc.text)
        self.published_mention = self._printed_date()
        mentions = self.d.institutions.find(doc)
        self.context_voivodeship = self._context_voivodeship(mentions)
        self._resolve_orgs(mentions)
        org_spans = [m.span for m in mentions]
        people = self.d.people.find(doc, org_spans)
        self.people = _unique_people(people)
        posts, derived = find_posts(doc, self.lex, people, list(self.mentions), self.d.roles)
        for org in derived:
            self._add_org(org, [org])
        self.posts = posts
        self.affiliations = {}
        for post in posts:
            self.affiliations.setdefault(post.person.key, self.key_of(post.org))
        self._affiliations_from_z(people)
        events = self._events(people)
        self.events = events
        self._fill_places()
        parts = participations(doc, events, people, list(self.mentions), self.affiliations, self.d.topics, self.d.roles)
        parts = [p for p in parts if p.person or p.organisation]
        for p in parts:
            if p.organisation:
                p.organisation = self.key_of_key(p.organisation)
        article = self._article(people, events)
        sections = {
            "places": list(self.places.values()),
            "organisations": [self.org_items[k] for k in self.org_items],
            "people": [self._person_item(p) for p in self.people.values()],
            "posts": self._post_items(),
            "events": [self._event_item(e) for e in events],
            "participations": [self._participation_item(p) for p in parts],
            "projects": [self._project_item(p) for p in self.projects],
        }
        return Draft(doc.text, article, sections, self.comments)

    def _headline(self) -> tuple[int, int]:
        for start, line in self.doc.lines():
            if len(line.split()) >= 4 and not re.fullmatch(r"[\d.\s-]+", line) and not line.lower().startswith("skip to"):
                return start, start + len(line)
        start, line = self.doc.lines()[0]
        return start, start + len(line)

    def _printed_date(self) -> DateMention | None:
        """A date alone on its line ("20.12.2016") is the publication date."""
        for start, line in self.doc.lines():
            for d in self.dates:
                if d.span[0] == start and d.end is None and len(line) <= d.span[1] - d.span[0] + 3:
                    return d
        return None

    def _context_voivodeship(self, mentions: list[OrgMention]) -> str | None:
        votes: Counter[str] = Counter()
        for m in mentions:
            if m.voivodeship:
                votes[m.voivodeship] += 1
        for m in re.finditer(r"\b(?:województw\w*|woj\.)\s+([\w-]+)", self.doc.text, re.I):
            v = voivodeship_of_adjective(m.group(1))
            if v:
                votes[v] += 2
        return votes.most_common(1)[0][0] if votes else None

    # -- organisations --------------------------------------------------------------------------
    def _resolve_orgs(self, mentions: list[OrgMention]) -> None:
        self.mentions: list[OrgMention] = []
        self.alias: dict[str, str] = {}
        full = [m for m in mentions if not m.bare]
        for m in mentions:
            if m.bare:
                same = Counter(o.key for o in full if o.type == m.type and o.city)
                if same:
                    self.alias[m.key] = same.most_common(1)[0][0]
                    m.key = self.alias[m.key]
                    self.mentions.append(m)
                    continue
                if m.type in REGIONAL_SEAT and self.context_voivodeship:
                    m.voivodeship = self.context_voivodeship
                    m.city = self.lex.sejmik_seats[m.voivodeship]
                    m.city_name = self.lex.cities[m.city][0]
                    m.key = org_key(m.type, m.name, m.city, m.voivodeship)
                    m.notes.append("seat not written; assumed the seat of the region's authorities")
                    m.confidence = 0.4
                else:
                    self.comments.append(f"generic mention not declared: {self.doc.text[m.span[0]:m.span[1]]!r}")
                    continue
            self.mentions.append(m)
        by_key: dict[str, list[OrgMention]] = {}
        for m in self.mentions:
            by_key.setdefault(m.key, []).append(m)
        for m in self.mentions:  # a department that is not a ministry's belongs to a marshal's office
            if m.type == "departament-urzedu-marszalkowskiego" and m.part_of is None and self.context_voivodeship:
                v = self.context_voivodeship
                city = self.lex.sejmik_seats[v]
                m.part_of = OrgMention(f"Urząd Marszałkowski Województwa {voivodeship_genitive(self.lex, v)}",
                                       "urzad-marszalkowski", m.span, m.first, m.last, city=city,
                                       city_name=self.lex.cities[city][0], voivodeship=v, confidence=0.4)
                m.part_of.notes.append("not named: inferred as the office the department belongs to; check")
                m.city, m.city_name, m.voivodeship = m.city or city, m.city_name or self.lex.cities[city][0], v
                m.key = org_key(m.type, m.name, m.city, m.voivodeship)
        by_key = {}
        for m in self.mentions:
            by_key.setdefault(m.key, []).append(m)
        for key, group in by_key.items():
            self._add_org(group[0], group)

    def _add_org(self, first: OrgMention, group: list[OrgMention]) -> None:
        named = [m for m in group if not m.acronym] or group
        best = max(named, key=lambda m: (not m.bare, len(m.name)))
        if first not in self.mentions:
            self.mentions.append(first)
        key = best.key
        if key in self.org_items:
            return
        data: dict[str, Any] = {"key": key, "name": best.name}
        acronym = next((m.acronym for m in group if m.acronym), None)
        if acronym is None and best.type in SEAT_KEYED:
            acronym = self.lex.institution_types[best.type][2]
        if acronym is None and len(initials(best.name)) >= 3 and re.search(rf"\b{initials(best.name)}\b", self.doc.text,
                                                                           re.I if len(initials(best.name)) > 3 else 0):
            acronym = initials(best.name)
        if acronym:
            data["acronym"] = acronym
        data["type"] = best.type
        city = next((m.city for m in group if m.city), None)
        voivodeship = next((m.voivodeship for m in group if m.voivodeship), None)
        notes = best.notes + [n for m in group if m is not best for n in m.notes if "acronym" not in n]
        if city:
            data["city"] = city
            self._declare_city(city, next(m.city_name for m in group if m.city), best.span)
            voivodeship = voivodeship or self.places.get(city, Item({}, None, 0)).data.get("voivodeship") \
                or self.lex.cities.get(city, (None, None))[1]
        if voivodeship:
            data["voivodeship"] = voivodeship
        parent = next((m.part_of for m in group if m.part_of), None)
        if parent is not None:
            self._add_org(parent, [parent])
            data["part_of"] = self.key_of(parent)
        data["evidence"] = self.quote(best.span)
        if notes:
            data["note"] = "; ".join(dict.fromkeys(notes))
        confidence = max(m.confidence for m in group)
        self.org_items[key] = Item(data, best.span, confidence)
        self.orgs[key] = best

    def key_of(self, org: OrgMention) -> str:
        return self.key_of_key(org.key)

    def key_of_key(self, key: str) -> str:
        return self.alias.get(key, key)

    def _affiliations_from_z(self, people: list[PersonMention]) -> None:
        """"pan Adam Misiaszek z Departamentu …": the person came from that organisation."""
        for p in people:
            after = self.doc.text[p.span[1]:p.span[1] + 4]
            if re.match(r"\s+ze?\s", after):
                orgs = orgs_after(self.doc, self.mentions, p.span[1] + len(after.rstrip()) , 2)
                if orgs:
                    self.affiliations.setdefault(p.key, self.key_of(orgs[0]))

    # -- places -----------------------------------------------------------------------------------
    def _declare_city(self, key: str, name: str | None, span: tuple[int, int] | None) -> None:
        if key in self.lex.cities or key in self.places or not name:
            return
        data: dict[str, Any] = {"key": key, "name": name, "kind": "city"}
        notes = []
        if self.context_voivodeship:
            data["voivodeship"] = self.context_voivodeship
            notes.append("voivodeship not written: the voivodeship the article is about; check")
        else:
            notes.append("voivodeship unknown: fill it in")
        if span:
            data["evidence"] = self.quote(span)
        data["note"] = "; ".join(notes)
        self.places[key] = Item(data, span, 0.5 if self.context_voivodeship else 0.3)

    def _fill_places(self) -> None:
        for m in re.finditer(r"\bpowiat(?:u|em|ie|owi)?\s+([a-ząćęłńóśźż]+(?:ski|cki|dzki)(?:ego|m|emu)?)\b", self.doc.text):
            adjective = m.group(1)
            readings = morph.adjective_readings(adjective)
            nominative = morph.inflect(readings[0].lemma, "adj", case="nom", gender="m3") if readings else adjective
            name = f"powiat {nominative}"
            key = slugify(name)
            if key in self.places:
                continue
            data = {"key": key, "name": name, "kind": "county"}
            if self.context_voivodeship:
                data["voivodeship"] = self.context_voivodeship
            data["evidence"] = self.quote((m.start(), m.end()))
            self.places[key] = Item(data, (m.start(), m.end()), 0.7)
            stem = nominative[:-4] if nominative.endswith("ski") else nominative[:-3]
            for item in self.places.values():  # Braniewo lies in powiat braniewski
                if item.data["kind"] == "city" and slugify(item.data["name"]).startswith(slugify(stem)[:-1]):
                    item.data["county"] = key

    # -- events -----------------------------------------------------------------------------------
    def _events(self, people: list[PersonMention]) -> list[Event]:
        doc = self.doc
        pub_span = self.published_mention.span if self.published_mention else None
        date = main_date(doc, self.dates, pub_span)
        self.projects = find_projects(doc, self.d.programmes, self.mentions, self.d.topics, self.context_voivodeship)
        if date is None:
            self.comments.append("no event date found: no event drafted")
            return []
        sentence = doc.sentence_of(date.span[0])
        head_nouns = find_event_nouns(doc.tokens, *self.title_span)
        sentence_nouns = find_event_nouns(doc.tokens, sentence.start, sentence.end)
        nouns = [n for n in head_nouns if EVENT_NOUNS[n[1]] != "panel"] or \
            [n for n in sentence_nouns if EVENT_NOUNS[n[1]] != "panel"] or head_nouns or sentence_nouns
        type_ = EVENT_NOUNS[nouns[0][1]] if nouns else "meeting"
        title, confidence = self._event_title(head_nouns, sentence_nouns, sentence)
        venue = None
        for other in [d for d in self.dates if d.start == date.start]:  # the venue may be in another sentence of that date
            s = doc.sentence_of(other.span[0])
            venue = venue or find_venue(doc, self.lex, (s.start, s.end), self.mentions)
        event = Event("", type_, title, date.start, date.end, (sentence.start, sentence.end), confidence)
        excluded = [m.span for m in self.mentions] + ([venue["span"]] if venue else [])
        for t in doc.tokens_between(sentence.start, sentence.end):
            if t.text.lower() in ("w", "we") and not any(s <= t.start < e for s, e in excluded):
                place = place_after_preposition(doc.tokens, t.index)
                if place:
                    event.city = self._city(place.name, (t.start, doc.tokens[place.last].end))
                    break
        found, co, _ = organisers(doc, self.mentions, event.span)
        event.organisers = list(dict.fromkeys(self.key_of(o) for o in found))
        event.co_organisers = [k for k in dict.fromkeys(self.key_of(o) for o in co) if k not in event.organisers]
        if not event.organisers:
            fallback = self._fallback_organiser(people)
            if fallback:
                event.organisers = [fallback]
                event.notes.append(f"organiser not written; inferred: {self.org_items[fallback].data['name']}")
        if not event.city and venue and venue.get("city"):
            event.city = venue["city"]
        if not event.city and event.organisers:
            org = self.org_items[event.organisers[0]].data
            if org.get("city"):
                event.city = org["city"]
                event.notes.append("city not written: the organiser's seat")
        if venue:
            venue_key = slugify(venue["name"])
            city = venue.get("city") or event.city
            if venue.get("org") or venue_key in self.org_items:
                venue_key = f"{venue_key}-{city}" if city else venue_key + "-siedziba"
            if city:
                if city not in self.lex.cities:
                    self._declare_city(city, venue.get("city_name"), venue["span"])
                data = {"key": venue_key, "name": venue["name"], "kind": "venue", "city": city}
                if venue.get("address"):
                    data["address"] = venue["address"]
                data["evidence"] = self.quote(venue["span"])
                if venue.get("note"):
                    data["note"] = venue["note"]
                self.places[venue_key] = Item(data, venue["span"], venue["confidence"])
                event.venue = data
                event.city = event.city or city
        if event.city:
            event.voivodeship = self.lex.cities.get(event.city, (None, None))[1] or \
                self.places.get(event.city, Item({}, None, 0)).data.get("voivodeship")
        if not event.voivodeship and event.organisers:
            event.voivodeship = self.org_items[event.organisers[0]].data.get("voivodeship")
        event.key = event_key(event.start, title, event.city)
        event.patrons = self._patrons(people)
        attendance = find_attendance(doc.text)
        if attendance:
            event.attendance = attendance[0]
        event.audience_region = audience_region(attendance[0].description or "") if attendance else None
        event.audience_region = event.audience_region or audience_region(doc.text)
        event.topics = sorted({m.key for m in self.d.topics.find(doc.tokens)})
        found_programmes = self.d.programmes.find(doc, 0, len(doc.text), self.context_voivodeship)
        event.programmes = sorted({k for k, _, _ in found_programmes if self.lex.programmes[k].kind == "programme"})
        event.projects = [p.key for p in self.projects]
        for p in self.projects:
            if not p.leader and event.organisers:
                p.leader = event.organisers[0]
                p.notes.append("leader not written; inferred: the organiser of the event presenting it")
            if not p.programme and not p.measure and event.programmes:
                funding = [k for k in event.programmes if not k.startswith(("kp",))]
                if funding:
                    p.programme = funding[0]
                    p.notes.append("programme not written with the project; the article's funding programme")
        self.announcement = bool(_FUTURE.search(doc.text[sentence.start:sentence.end]) or
                                 _FUTURE.search(doc.text[self.title_span[0]:self.title_span[1]]))
        events = [event]
        events += self._sub_events(event, sentence)
        return events

    def _event_title(self, head_nouns, sentence_nouns, sentence) -> tuple[str, float]:
        doc = self.doc
        for index, _ in sentence_nouns + head_nouns:
            quoted = quoted_title_near(doc, index)
            if quoted:
                return quoted[0], 0.85
        if head_nouns:
            return title_from(doc, head_nouns[0][0], self.title_span[1]), 0.6
        if sentence_nouns:
            return title_from(doc, sentence_nouns[0][0], sentence.end), 0.5
        return doc.text[self.title_span[0]:self.title_span[1]].strip(" ."), 0.4

    def _sub_events(self, main: Event, main_sentence) -> list[Event]:
        """A discussion panel inside the reported event."""
        result = []
        for token in self.doc.tokens:
            noun = event_noun_at(token)
            if not noun or EVENT_NOUNS[noun] != "panel" or main.type == "panel":
                continue
            if any(e.type == "panel" for e in result):
                break
            sentence = self.doc.sentence_of(token.start)
            quoted = quoted_title_near(self.doc, token.index, 3)
            if quoted:
                title = quoted[0]
            else:
                topic = re.search(r"\bna\s+temat\b", self.doc.text[token.start:sentence.end])
                if not topic:
                    continue
                title = title_from(self.doc, token.index, sentence.end)
            sub = Event(event_key(main.start, title, main.city), "panel", title, main.start, main.end,
                        (sentence.start, sentence.end), 0.7, city=main.city, voivodeship=main.voivodeship,
                        venue=main.venue, part_of=main.key)
            sub.notes.append("part of the reported event; organisers inherited")
            result.append(sub)
        return result

    def _fallback_organiser(self, people: list[PersonMention]) -> str | None:
        opening = re.search(r"\b(otworzył\w*|inauguracj\w+|powitał\w*)", self.doc.text, re.I)
        if opening:
            sentence = self.doc.sentence_of(opening.start())
            in_sentence = [m for m in self.mentions if sentence.start <= m.span[0] < sentence.end]
            if in_sentence:
                return self.key_of(in_sentence[0])
        publisher = self._publisher_from_source()
        if publisher:
            return publisher
        regional = [k for k, m in self.orgs.items() if m.type in REGIONAL_SEAT | SEAT_KEYED]
        return regional[0] if regional else next(iter(self.org_items), None)

    def _patrons(self, people: list[PersonMention]) -> list[str]:
        m = re.search(r"\bpatronat\w*", self.doc.text, re.I)
        if not m:
            return []
        sentence = self.doc.sentence_of(m.start())
        after = [p for p in people if m.end() <= p.span[0] < sentence.end]
        if after:
            return [after[0].key]
        orgs = [o for o in self.mentions if m.end() <= o.span[0] < sentence.end]
        return [self.key_of(orgs[0])] if orgs else []

    def _city(self, name: str, span: tuple[int, int]) -> str:
        from .institutions import _city_key
        key = _city_key(self.lex, name)
        self._declare_city(key, name, span)
        return key

    # -- article -------------------------------------------------------------------------------------
    def _publisher_from_source(self) -> str | None:
        for m in re.finditer(r"(?:Źródło:\s*(?:https?://)?(?:www\.)?|@|https?://(?:www\.)?)([\w-]+)\.", self.doc.text):
            label = m.group(1).lower()
            for key, item in self.org_items.items():
                acronym = (item.data.get("acronym") or "").lower()
                if label and label in (acronym, initials(item.data["name"]).lower()):
                    return key
        return None

    def _postal_seat(self, publisher: str) -> None:
        """The contact footer's postal address ("58-310 Szczawno Zdrój") is the publisher's seat."""
        org = self.org_items[publisher].data
        places = postal_places(self.doc.text)
        if org.get("city") or not places:
            return
        name, start, end = places[-1]
        name = name.replace(" ", "-") if len(name.split()) == 2 and name.split()[1] == "Zdrój" else name
        key = self._city(name, (start, end))
        org["city"] = key
        org["voivodeship"] = org.get("voivodeship") or self.places.get(key, Item({}, None, 0)).data.get("voivodeship") \
            or self.lex.cities.get(key, (None, None))[1]
        org["note"] = "; ".join(filter(None, [org.get("note"), "seat from the postal address in the page footer"]))

    def _article(self, people: list[PersonMention], events: list[Event]) -> Item:
        text = self.doc.text
        data: dict[str, Any] = {"key": self.key or slugify(self.source_id), "source_id": self.source_id}
        if self.source_path:
            data["source_path"] = self.source_path
        if self.url:
            data["url"] = self.url
        data["title"] = " ".join(text[self.title_span[0]:self.title_span[1]].split())
        notes = []
        publisher = self._publisher_from_source()
        if publisher:
            notes.append("publisher from the source line or e-mail address")
        elif events and events[0].organisers:
            publisher = events[0].organisers[0]
            notes.append("publisher not printed; inferred: the organiser of the reported event")
        elif self.org_items:
            publisher = next(iter(self.org_items))
            notes.append("publisher not printed; guessed: the first institution named")
        if publisher:
            data["publisher"] = publisher
            self._postal_seat(publisher)
        if self.published:
            data["published"] = self.published.isoformat()
        elif self.published_mention:
            data["published"] = self.published_mention.start.isoformat()
            notes.append("publication date as printed")
        elif events:
            data["published_not_before"] = events[0].start.isoformat()
            notes.append("no publication date printed: not before the reported event")
        author = re.search(r"\b(Sporządził\w*|Opracował\w*|Autor\w*|Tekst|Oprac\.)\s*:\s*", text)
        if author:
            after = [p for p in people if author.end() <= p.span[0] <= author.end() + 2]
            if after:
                data["author"] = after[0].key
        if self.announcement:
            data["announcement"] = True
        data["language"] = "pl"
        data["evidence"] = self.quote(self.title_span)
        if notes:
            data["note"] = "; ".join(notes)
        return Item(data, self.title_span, 0.8)

    # -- items ----------------------------------------------------------------------------------------
    def quote(self, span: tuple[int, int]) -> str:
        text = self.doc.text[span[0]:span[1]].strip()
        if len(text) > EVIDENCE_LIMIT:
            cut = text.rfind(" ", 0, EVIDENCE_LIMIT)
            text = text[:cut if cut > 0 else EVIDENCE_LIMIT].rstrip()
        return text

    def _item(self, data: dict[str, Any], span: tuple[int, int], confidence: float, notes: list[str]) -> Item:
        """Finish a drafted item: its evidence quote, the curator's notes, span and confidence."""
        data["evidence"] = self.quote(span)
        if notes:
            data["note"] = "; ".join(notes)
        return Item(data, span, confidence)

    def _person_item(self, p: PersonMention) -> Item:
        data: dict[str, Any] = {"key": p.key, "name": p.name, "given_name": p.given, "family_name": p.family}
        if p.honorific:
            data["honorific"] = p.honorific
        if p.gender:
            data["gender"] = p.gender
        return self._item(data, p.span, p.confidence, p.notes)

    def _post_items(self) -> list[Item]:
        items, seen = [], set()
        for post in self.posts:
            org = self.key_of(post.org)
            key = (post.person.key, post.role, org)
            if key in seen or org not in self.org_items:
                continue
            seen.add(key)
            data = {"person": post.person.key, "organisation": org, "role": post.role, "title": post.title}
            items.append(self._item(data, post.span, post.confidence, post.notes))
        return items

    def _event_item(self, e: Event) -> Item:
        data: dict[str, Any] = {"key": e.key, "type": e.type, "title": e.title, "start": e.start.isoformat()}
        if e.end:
            data["end"] = e.end.isoformat()
        if e.venue:
            data["venue"] = e.venue["key"]
        for name in ("city", "voivodeship", "part_of"):
            if getattr(e, name):
                data[name] = getattr(e, name)
        for name in ("organisers", "co_organisers", "patrons", "topics", "projects", "programmes"):
            values = getattr(e, name)
            if values and not (e.part_of and name in ("organisers", "co_organisers", "patrons", "projects")):
                data[name] = list(values)
        if e.attendance and not e.part_of:
            data["attendance"] = {"count": e.attendance.count, "qualifier": e.attendance.qualifier}
            if e.attendance.description:
                data["attendance"]["description"] = e.attendance.description
            data["attendance"]["evidence"] = self.quote(e.attendance.span)
        if e.audience_region and not e.part_of:
            data["audience_region"] = e.audience_region
        item = self._item(data, e.span, e.confidence, e.notes)
        if e.attendance and not e.part_of:
            s, t = e.attendance.span
            item.comments.append(f"attendance span: {s}-{t} confidence: {e.attendance.confidence:.2f}")
        return item

    def _participation_item(self, p) -> Item:
        data: dict[str, Any] = {"event": p.event}
        if p.person:
            data["person"] = p.person
        else:
            data["organisation"] = p.organisation
        data["role"] = p.role
        if p.affiliation and p.person:
            data["affiliation"] = p.affiliation
        if p.subject:
            data["subject"] = p.subject
        if p.topics:
            data["topics"] = sorted(set(p.topics))
        data["evidence"] = self.quote(p.span)
        return Item(data, p.span, p.confidence)

    def _project_item(self, p) -> Item:
        data: dict[str, Any] = {"key": p.key, "title": p.title}
        for name in ("kind", "leader", "programme", "measure"):
            if getattr(p, name):
                data[name] = getattr(p, name)
        if p.funds:
            data["funds"] = p.funds
        if p.start_year:
            data["start_year"], data["end_year"] = p.start_year, p.end_year
        if p.topics:
            data["topics"] = p.topics
        return self._item(data, p.span, p.confidence, p.notes)


def _unique_people(people: list[PersonMention]) -> dict[str, PersonMention]:
    """One entry per person; the mention with an honorific (or the most confident) describes them."""
    result: dict[str, PersonMention] = {}
    for p in people:
        old = result.get(p.key)
        if old is None or (p.honorific and not old.honorific) or (p.confidence > old.confidence and not old.honorific):
            if old is not None and old.gender and not p.gender:
                p.gender = old.gender
            result[p.key] = p
    return result


# -- writing -------------------------------------------------------------------------------------------

def dump_draft(draft: Draft) -> str:
    """The draft as YAML text, each item preceded by ``# span: START-END confidence: C``."""
    lines = ["# Draft annotation written by `kg annotate`: check every item, then `kg validate`.",
             "# Above each item: the character span of its evidence in the article text and a confidence (0-1)."]
    lines += [f"# {c}" for c in draft.comments]
    if draft.candidates:
        lines.append("# Possible matches in the store (not applied, check):")
        lines += [f"#   {c}" for c in draft.candidates]
    lines.append("")
    lines.append(_comment(draft.article))
    lines.append(_yaml({"article": draft.article.data}))
    for name in SECTIONS:
        items = draft.sections.get(name) or []
        if not items:
            continue
        lines.append("")
        lines.append(f"{name}:")
        for item in items:
            lines.append("  " + _comment(item))
            lines += ["  # " + c for c in item.comments]
            block = _yaml([item.data])
            lines.append("\n".join("  " + line if line else line for line in block.splitlines()))
    return "\n".join(lines) + "\n"


def _comment(item: Item) -> str:
    span = f"{item.span[0]}-{item.span[1]}" if item.span else "-"
    return f"# span: {span} confidence: {item.confidence:.2f}"


def _yaml(data: Any) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=110, default_flow_style=False).rstrip("\n")


def relative_source(text_path: Path, output: Path) -> str:
    return Path(os.path.relpath(Path(text_path).resolve(), Path(output).resolve().parent)).as_posix()
