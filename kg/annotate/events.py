"""Events, their dates, places, organisers, patrons and attendance; participations; projects and programmes.

The main event is the one the dated sentence reports ("W dniu 31 marca 2015 r. … zorganizował
konferencję"); its type comes from the headline's event noun when there is one. A discussion
panel inside it becomes a sub-event (``part_of``). Who did what is read per sentence from cue
words (otworzył → opening, moderatorem → moderator, Szkolenie poprowadzili → trainer, …).
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from ..iri import slugify
from . import morph
from .dates import DateMention
from .institutions import OrgMention, _city_key
from .lexicon import Lexicon, PhraseMatcher
from .numbers import Attendance
from .people import PersonMention
from .places import PlaceMention, place_after_preposition, voivodeship_of_adjective
from .text import Document, Token

#: Event nouns (lemmas) → event types of the annotation format.
EVENT_NOUNS = {
    "konferencja": "conference", "kongres": "conference", "sympozjum": "conference", "gala": "conference",
    "szkolenie": "training", "warsztat": "training", "warsztaty": "training", "kurs": "training",
    "panel": "panel", "debata": "panel", "spotkanie": "meeting", "posiedzenie": "meeting", "narada": "meeting",
    "forum": "forum", "seminarium": "seminar", "webinarium": "seminar", "webinar": "seminar",
}
#: Head nouns of venues.
VENUE_HEADS = {"sala", "aula", "hotel", "budynek", "gmach", "siedziba", "centrum", "dom", "zamek", "pałac", "dwór",
               "restauracja", "hala", "teatr", "filharmonia", "biblioteka", "muzeum", "kino", "uniwersytet",
               "akademia", "politechnika", "hotelu", "auli", "ośrodek", "instytut"}
_EVENT_VERBS = re.compile(r"\b(odbył[aoy]?|odbyły|odbędzie|odbędą|zorganizowa\w*|organizuje|zaprasza\w*|"
                          r"rozpocz\w*|zainaugur\w*|gości\w*)\b", re.I)
_FUTURE = re.compile(r"\b(odbędzie|odbędą|zaprasza\w*|zapraszamy|będzie\s+można|planowan\w+\s+jest|"
                     r"rozpocznie|zgłoszenia|rejestracja|zachęcamy)\b", re.I)
_QUOTE = re.compile(r"[„\"“]([^”\"“„]{3,200})[”\"“]")

#: Event-role cues, in priority order: (role, regex over the sentence).
ROLE_CUES = [
    ("awards", re.compile(r"\bwręczył\w*|\bwręczen\w+\s+(wyróżnień|nagród)|\bwyróżnieni\w*", re.I)),
    ("patron", re.compile(r"\bpatronat\w*", re.I)),
    ("moderator", re.compile(r"\bmoderator\w*|\bmoderował\w*|\bprowadził\w*\s+(dyskusję|panel|debatę)", re.I)),
    ("panelist", re.compile(r"\bpanel\w*\s+(dyskusyjn\w+\s+)?udział\s+wzięl\w*|\bpanelist\w*|\budział\s+w\s+panelu", re.I)),
    ("trainer", re.compile(r"\b(szkoleni\w+|warsztat\w*|zajęci\w+)\s+(po)?prowadzi\w*|\bprowadząc\w+\s+szkoleni|\btrener\w*", re.I)),
    ("opening", re.compile(r"\botworzył\w*|\botwarci\w+|\binauguracj\w+|\bpowitał\w*|\bzainaugurował\w*", re.I)),
    ("closing", re.compile(r"\bpodsumowując\b|\bpodsumował\w*\s+(konferencj|spotkani|szkoleni|obrady)|\bzamknął\w*|\bzakończył\w*", re.I)),
    ("good-practice", re.compile(r"\bdobrych\s+praktyk|\bdobrej\s+praktyki|\bna\s+przykładzie", re.I)),
    ("catering", re.compile(r"\bpoczęstun\w+|\bcatering\w*|\bprzerw\w+\s+kawow\w+", re.I)),
    ("talk", re.compile(r"\bwystąpieni\w+|\bprelegent\w*|\bprzedstawił\w*|\bzaprezentował\w*|\bomówił\w*|"
                        r"\bwygłosił\w*|\bprezentacj\w+|\bwykład\w*|\breferat\w*|\bpodsumował\w*|\bmówił\w*|"
                        r"\bpodzielił\w*\s+się|\bprzybliżył\w*|\bpoświęcił\w*", re.I)),
]
_REPRESENTATIVE = re.compile(r"\b(przedstawiciel\w*|reprezentant\w*|delegacj\w+)\s*$", re.I)


@dataclass
class Event:
    key: str
    type: str
    title: str
    start: dt.date
    end: dt.date | None
    span: tuple[int, int]
    confidence: float
    city: str | None = None
    city_name: str | None = None
    voivodeship: str | None = None
    venue: dict | None = None
    organisers: list[str] = field(default_factory=list)
    co_organisers: list[str] = field(default_factory=list)
    patrons: list[str] = field(default_factory=list)
    attendance: Attendance | None = None
    audience_region: str | None = None
    part_of: str | None = None
    topics: list[str] = field(default_factory=list)
    programmes: list[str] = field(default_factory=list)
    projects: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class Participation:
    event: str
    role: str
    span: tuple[int, int]
    confidence: float
    person: str | None = None
    organisation: str | None = None
    affiliation: str | None = None
    subject: str | None = None
    topics: list[str] = field(default_factory=list)
    programmes: list[str] = field(default_factory=list)


@dataclass
class Project:
    key: str
    title: str
    span: tuple[int, int]
    confidence: float
    kind: str | None = None
    leader: str | None = None
    programme: str | None = None
    measure: str | None = None
    funds: list[str] = field(default_factory=list)
    start_year: int | None = None
    end_year: int | None = None
    topics: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def event_noun_at(token: Token) -> str | None:
    for lemma in morph.lemmas(token.text):
        if lemma in EVENT_NOUNS:
            return lemma
    return None


def find_event_nouns(tokens: list[Token], start: int, end: int) -> list[tuple[int, str]]:
    return [(t.index, noun) for t in tokens if start <= t.start < end and (noun := event_noun_at(t))]


def main_date(doc: Document, dates: list[DateMention], published_span: tuple[int, int] | None) -> DateMention | None:
    """The date of the reported event: the first date in a sentence that names an event or its holding."""
    body = [d for d in dates if d.span != published_span]
    for d in body:
        sentence = doc.sentence_of(d.span[0])
        text = doc.text[sentence.start:sentence.end]
        if _EVENT_VERBS.search(text) or find_event_nouns(doc.tokens, sentence.start, sentence.end):
            return d
    return body[0] if body else None


def title_from(doc: Document, first: int, end: int) -> str:
    """A title from an event noun to *end*, the noun and its agreeing words in the nominative."""
    tokens = doc.tokens_between(doc.tokens[first].start, end)
    words = [t.text for t in tokens]
    nominal, _, _ = morph.nominative_phrase(words)
    from .institutions import _join
    title = _join(doc.text, tokens, nominal).strip(" .,:;")
    return title[:1].upper() + title[1:]


def quoted_title_near(doc: Document, token_index: int, limit: int = 4) -> tuple[str, int, int] | None:
    """A quoted title right after an event noun ("konferencja pt. „…”"), not a project's."""
    tokens = doc.tokens
    for j in range(token_index + 1, min(token_index + limit + 1, len(tokens))):
        if tokens[j].text in ("„", '"', "“"):
            m = _QUOTE.match(doc.text, tokens[j].start)
            if m:
                return m.group(1).strip(), m.start(), m.end()
            return None
        if re.match(r"projekt|program", tokens[j].text, re.I):
            return None
    return None


def event_key(start: dt.date, title: str, city: str | None) -> str:
    words = [w for w in slugify(title).split("-") if len(w) > 2 or w.isdigit()][:5]
    key = f"{start.isoformat()}-{'-'.join(words)}"
    if city and city not in key:
        key += f"-{city}"
    return key[:110].rstrip("-")


def find_venue(doc: Document, lexicon: Lexicon, sentence: tuple[int, int], orgs: list[OrgMention]) -> dict | None:
    """"w Hotelu Mercure Wrocław Panorama", "w sali sesyjnej Sejmiku …", "na Uniwersytecie Zielonogórskim"."""
    tokens = doc.tokens_between(*sentence)
    for n, t in enumerate(tokens[:-1]):
        if t.text.lower() not in ("w", "we", "na"):
            continue
        head = tokens[n + 1]
        if not morph.noun_readings(head.text, "loc") or not (morph.lemmas(head.text) & VENUE_HEADS):
            continue
        org = next((o for o in orgs if o.first == head.index), None)
        if org is not None and org.type not in ("uczelnia",):
            continue
        last = head.index
        k = last + 1
        while k < len(doc.tokens) and k - head.index < 12:
            nxt = doc.tokens[k]
            if nxt.text.lower() in ("w", "we", "przy", "na", ",") or nxt.text == "." or not nxt.is_word:
                break
            if not nxt.is_capitalised and not morph.adjective_readings(nxt.text, "loc") and k == last + 1 \
                    or not nxt.is_capitalised and k > head.index + 1 and not doc.tokens[k - 1].is_capitalised \
                    and not morph.adjective_readings(nxt.text, "loc"):
                break
            last = k
            k += 1
        words = [x.text for x in doc.tokens[head.index:last + 1]]
        nominal, _, confidence = morph.nominative_phrase(words)
        from .institutions import _join
        name = _join(doc.text, doc.tokens[head.index:last + 1], nominal)
        name = name[:1].upper() + name[1:]
        venue = {"name": name, "span": (t.start, doc.tokens[last].end), "confidence": min(confidence, 0.8)}
        k = last + 1
        if k < len(doc.tokens) and doc.tokens[k].text.lower() == "przy":
            address_end = k + 1
            while address_end < len(doc.tokens) and doc.tokens[address_end].text not in ("w", "we", ",") and \
                    address_end - k < 10:
                address_end += 1
            venue["address"] = doc.text[doc.tokens[k + 1].start:doc.tokens[address_end - 1].end]
            k = address_end
        if k < len(doc.tokens) and doc.tokens[k].text.lower() in ("w", "we"):
            place = place_after_preposition(doc.tokens, k)
            if place:
                venue["city"], venue["city_name"] = _city_key(lexicon, place.name), place.name
                if "address" in venue:
                    venue["name"] += " " + doc.text[doc.tokens[k].start:doc.tokens[place.last].end]
                venue["span"] = (t.start, doc.tokens[place.last].end)
        inner = [o for o in orgs if head.index <= o.first <= last]
        if "city" not in venue and inner and inner[0].city:
            venue["city"], venue["city_name"] = inner[0].city, inner[0].city_name
            venue["note"] = f"city not written: the seat of {inner[0].name}"
        if org is not None:
            venue["org"] = org.key
        return venue
    return None


def orgs_after(doc: Document, orgs: list[OrgMention], pos: int, limit_tokens: int = 8) -> list[OrgMention]:
    """Organisations listed right after *pos* ("przez A, B oraz C"), skipping a few words like "firmą"."""
    first = doc.token_at(pos)
    result: list[OrgMention] = []
    by_first = {o.first: o for o in orgs}
    k = first
    while k < len(doc.tokens) and k - first <= limit_tokens:
        if k in by_first:
            org = by_first[k]
            result.append(org)
            k = org.last + 1
            limit_tokens = k - first + 2
            continue
        if doc.tokens[k].text in (".", ";") and not result:
            break
        if result and doc.tokens[k].text.lower() not in (",", "i", "oraz", "a", "także"):
            break
        k += 1
    return result


def organisers(doc: Document, orgs: list[OrgMention], event_span: tuple[int, int]) -> tuple[list[OrgMention], list[OrgMention], float]:
    """Organisers and co-organisers stated anywhere in the text."""
    text = doc.text
    found, co = [], []
    for m in re.finditer(r"\b(zorganizowan\w+|organizowan\w+|przygotowan\w+)\s+(\w+\s+)?przez\b|"
                         r"\borganizator(em|ami|zy|ami były|em był\w*|em jest|ami są)?\b\s*(był\w*|jest|są)?", text, re.I):
        found += orgs_after(doc, orgs, m.end())
    for org in orgs:  # "ROPS w Lublinie zorganizował konferencję"
        after = text[org.span[1]:org.span[1] + 40]
        if re.match(r"\s*(zorganizował\w*|zorganizowali|organizuje|organizował\w*|przygotował\w*\s+(konferencj|szkoleni))",
                    after, re.I):
            found.append(org)
    for m in re.finditer(r"\bwe\s+współpracy\s+z\b|\bwspółorganizator\w*\b\s*(był\w*|jest|są)?", text, re.I):
        co += orgs_after(doc, orgs, m.end())
    unique = list(dict.fromkeys(o.key for o in found))
    return [next(o for o in found if o.key == k) for k in unique], \
        [o for o in dict((o.key, o) for o in co).values() if o.key not in unique], 0.85


def participations(doc: Document, events: list[Event], people: list[PersonMention], orgs: list[OrgMention],
                   affiliations: dict[str, str], topic_matcher: PhraseMatcher,
                   role_matcher: PhraseMatcher) -> list[Participation]:
    """Who did what at which event, sentence by sentence."""
    if not events:
        return []
    main = events[0]
    panel = next((e for e in events if e.part_of and e.type == "panel"), None)
    result: list[Participation] = []
    seen: set[tuple] = set()
    for sentence in doc.sentences:
        text = doc.text[sentence.start:sentence.end]
        role = next((r for r, cue in ROLE_CUES if cue.search(text)), None)
        if role is None:
            continue
        event = panel if panel and role in ("moderator", "panelist") or panel and re.search(r"\bpanel\w*", text, re.I) \
            and role in ("expert", "talk") else main
        in_sentence = [p for p in people if sentence.start <= p.span[0] < sentence.end]
        if role == "patron" and in_sentence:
            in_sentence = in_sentence[:1]
        for person in in_sentence:
            key = (event.key, person.key, role)
            if key in seen:
                continue
            seen.add(key)
            result.append(Participation(event.key, role, (sentence.start, sentence.end), 0.6, person=person.key,
                                        affiliation=affiliations.get(person.key),
                                        subject=_subject(text) if role in ("talk", "good-practice") else None,
                                        topics=[m.key for m in topic_matcher.find(doc.tokens_between(sentence.start, sentence.end))]))
        for org in orgs:
            if not sentence.start <= org.span[0] < sentence.end or in_sentence and role not in ("good-practice", "catering"):
                continue
            before = doc.text[max(sentence.start, org.span[0] - 40):org.span[0]]
            org_role = None
            if re.search(r"na\s+przykładzie\s*$", before, re.I):
                org_role = "good-practice"
            elif role == "catering" and re.search(r"przez\s*$", before):
                org_role = "catering"
            elif _REPRESENTATIVE.search(before) or re.search(r"(przedstawiciel\w*|reprezentant\w*)\s+[^.]{0,120}$", before, re.I) \
                    and re.search(r"(,|\bi|\boraz)\s*$", before):
                org_role = "expert" if re.search(r"ekspert", text, re.I) else ("talk" if role == "talk" else "participant")
            if org_role is None:
                continue
            key = (event.key, org.key, org_role)
            if key in seen:
                continue
            seen.add(key)
            result.append(Participation(event.key, org_role, (org.span[0], org.span[1]), 0.5, organisation=org.key))
    return result


def _subject(text: str) -> str | None:
    m = re.search(r"\b(dotycząc\w+|na temat|poświęcon\w+|przedstawił\w*|zaprezentował\w*|omówił\w*)\s+(.{10,200}?)(?:[.;]|$)", text)
    return m.group(2).strip(" ,") if m else None


# -- projects and programmes ---------------------------------------------------------------------

_PROJECT = re.compile(r"\b([Pp]rojekt\w*|[Pp]rogram\w*)\s+((?:systemow|konkursow|partnersk|badawcz|innowacyjn|lokaln)\w*\s+)?"
                      r"(?:pn\.|pt\.|pod\s+nazwą|pod\s+tytułem|nazwan\w+)?\s*[„\"“]([^”\"“„]{3,250})[”\"“]")
_YEARS = re.compile(r"\b(?:w\s+)?latach\s+((?:19|20)\d{2})\s*[-–—]\s*((?:19|20)\d{2})")
_MEASURE = re.compile(r"\b(Poddziałani\w*|Działani\w*|Priorytet\w*|Oś\w*(?:\s+[Pp]riorytetow\w*)?)\s+([0-9]+(?:\.[0-9]+)*|[IVX]+)\b")
_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8, "IX": 9, "X": 10}


class ProgrammeFinder:
    """Funding programmes, measures, policy programmes and funds named in the text."""

    def __init__(self, lexicon: Lexicon):
        self.lexicon = lexicon
        phrases: dict[str, list[str]] = {}
        for p in lexicon.programmes.values():
            if p.kind == "measure":
                continue
            names = [p.name, *p.acronyms]
            short = re.sub(r"\s+(na\s+lata\s+)?\d{4}\s*[-–]\s*\d{4}$", "", p.name)
            names += [short, re.sub(r"\bOperacyjny\s+", "", p.name), re.sub(r"\bOperacyjny\s+", "", short)]
            phrases[p.key] = [n for n in dict.fromkeys(names) if n]
        self.matcher = PhraseMatcher(phrases)

    def find(self, doc: Document, start: int = 0, end: int | None = None, context_voivodeship: str | None = None
             ) -> list[tuple[str, tuple[int, int], float]]:
        end = len(doc.text) if end is None else end
        tokens = [t for t in doc.tokens_between(start, end) if t.is_word or t.text in ("-", "–", ".")]
        found = [(m.key, (tokens[m.first].start, tokens[m.last].end), 0.9) for m in self.matcher.find(tokens)]
        text = doc.text
        for m in re.finditer(r"\b(Regionaln\w+\s+Program\w*\s+Operacyjn\w*|RPO|Program\w*\s+Operacyjn\w*)"
                             r"(\s+Województwa|\s+woj\.|\s+W|\s*[-–]\s*)?\s*([\w-]+)?", text[start:end]):
            voivodeship = voivodeship_of_adjective(m.group(3) or "")
            span = (start + m.start(), start + m.end())
            if voivodeship:
                found.append((f"rpo-{voivodeship}-2014-2020", span, 0.85))
            elif m.group(1).lower().startswith("regionaln") and context_voivodeship:
                found.append((f"rpo-{context_voivodeship}-2014-2020", span, 0.5))
        for m in _MEASURE.finditer(text, start, end):
            number = m.group(2)
            notation = str(_ROMAN[number]) if number in _ROMAN else number
            for p in self.lexicon.programmes.values():
                if p.kind == "measure" and p.notation == notation:
                    found.append((p.key, (m.start(), m.end()), 0.8))
                    break
        keys = set(self.lexicon.programmes)
        return [(k, s, c) for k, s, c in found if k in keys]


def find_projects(doc: Document, programmes: ProgrammeFinder, orgs: list[OrgMention], topic_matcher: PhraseMatcher,
                  context_voivodeship: str | None) -> list[Project]:
    projects: dict[str, Project] = {}
    for m in _PROJECT.finditer(doc.text):
        title = " ".join(m.group(3).split()).strip(" .")
        word, qualifier = m.group(1).lower(), (m.group(2) or "").lower()
        if word.startswith("program") and any(p.name.lower() in title.lower() for p in programmes.lexicon.programmes.values()):
            continue
        key = "-".join(slugify(title).split("-")[:6])
        sentence = doc.sentence_of(m.start())
        found = programmes.find(doc, sentence.start, sentence.end, context_voivodeship)
        kinds = {k: programmes.lexicon.programmes[k].kind for k, _, _ in found}
        project = projects.get(key) or Project(key, title, (m.start(), m.end()), 0.75)
        project.kind = project.kind or _project_kind(word, qualifier, title)
        project.programme = project.programme or next((k for k, kind in kinds.items() if kind == "programme"), None)
        project.measure = project.measure or next((k for k, kind in kinds.items() if kind == "measure"), None)
        project.funds = sorted(set(project.funds) | {k for k, kind in kinds.items() if kind == "fund"})
        years = _YEARS.search(doc.text, max(0, sentence.start - 300), sentence.end)
        if years and not project.start_year:
            project.start_year, project.end_year = int(years.group(1)), int(years.group(2))
        project.topics = sorted({t.key for t in topic_matcher.find(doc.tokens_between(m.start(), m.end()))})
        leader = re.search(r"\b[Ll]ider\w*\s+[Pp]rojektu\b", doc.text)
        if leader and not project.leader:
            after = orgs_after(doc, orgs, leader.end(), 4)
            if after:
                project.leader = after[0].key
        projects[key] = project
    return list(projects.values())


def _project_kind(word: str, qualifier: str, title: str) -> str | None:
    if qualifier.startswith("systemow"):
        return "systemic"
    if qualifier.startswith("konkursow"):
        return "competition"
    if qualifier.startswith("badawcz") or title.lower().startswith("badanie"):
        return "research"
    if "koordynacj" in title.lower():
        return "coordination"
    if word.startswith("program"):
        return "local-programme"
    return None


def audience_region(text: str) -> str | None:
    m = re.search(r"\b(?:z\s+terenu\s+)?(?:z\s+)?(?:województwa|woj\.)\s+([\w-]+)", text)
    return voivodeship_of_adjective(m.group(1)) if m else None
