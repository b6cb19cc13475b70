"""Synthetic annotation corpus, statistically like the real one, deterministic by seed.

Writes annotation YAML files in the project's own format (docs/annotation-format.md) that pass
kg's annotation checks and the shapes. The corpus is drawn from one synthetic *country* built
first from the seed alone (so the first N articles of a larger corpus are exactly the N-article
corpus, and an extra article for an incremental-load benchmark is article N):

* all 16 voivodeships with their reference capitals; about 24 counties each (≈380) and about
  6.5 gminas per county (≈2,500), with Polish place names (diacritics, locative forms);
* the institution mix per level: one ROPS, WUP and marshal's office per voivodeship, a university
  or two, OWES and NGOs; a PCPR, starostwo and (usually) a PUP per county; an OPS/GOPS/MGOPS/MOPS
  per gmina (MOPR/MOPS in the capitals); ministries and their departments, changing with the years;
* people with Polish names (gendered surnames), careers of one to three posts over 2007–2024 (a
  director's successor is often someone who held another post in the region before), experts who
  speak in several voivodeships;
* articles that report (or announce) a conference, training, seminar, forum or meeting, with
  panels, participations, attendance, projects funded under the programme of their period,
  programmes and topics (reference keys only for reference data), figures and evidence quotes.

Usage::

    python benchmarks/synth.py --articles 1000 --out /tmp/corpus [--seed 0]

From Python: ``generate(articles=1000, out=Path("/tmp/corpus"), seed=0)`` returns the paths written.
"""
from __future__ import annotations

import argparse
import datetime as dt
import functools
import json
import random
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kg.iri import slugify  # noqa: E402

FIRST_YEAR, LAST_YEAR = 2007, 2024

# -- the country ------------------------------------------------------------------------------------

#: key, Polish name, genitive adjective ("Województwa …"), capitals (key, name, locative); the
#: first capital is the seat of ROPS, WUP and the marshal's office.
VOIVODESHIPS = [
    ("dolnoslaskie", "dolnośląskie", "Dolnośląskiego", [("wroclaw", "Wrocław", "Wrocławiu")]),
    ("kujawsko-pomorskie", "kujawsko-pomorskie", "Kujawsko-Pomorskiego",
     [("torun", "Toruń", "Toruniu"), ("bydgoszcz", "Bydgoszcz", "Bydgoszczy")]),
    ("lubelskie", "lubelskie", "Lubelskiego", [("lublin", "Lublin", "Lublinie")]),
    ("lubuskie", "lubuskie", "Lubuskiego",
     [("zielona-gora", "Zielona Góra", "Zielonej Górze"), ("gorzow-wielkopolski", "Gorzów Wielkopolski",
                                                           "Gorzowie Wielkopolskim")]),
    ("lodzkie", "łódzkie", "Łódzkiego", [("lodz", "Łódź", "Łodzi")]),
    ("malopolskie", "małopolskie", "Małopolskiego", [("krakow", "Kraków", "Krakowie")]),
    ("mazowieckie", "mazowieckie", "Mazowieckiego", [("warszawa", "Warszawa", "Warszawie")]),
    ("opolskie", "opolskie", "Opolskiego", [("opole", "Opole", "Opolu")]),
    ("podkarpackie", "podkarpackie", "Podkarpackiego", [("rzeszow", "Rzeszów", "Rzeszowie")]),
    ("podlaskie", "podlaskie", "Podlaskiego", [("bialystok", "Białystok", "Białymstoku")]),
    ("pomorskie", "pomorskie", "Pomorskiego", [("gdansk", "Gdańsk", "Gdańsku")]),
    ("slaskie", "śląskie", "Śląskiego", [("katowice", "Katowice", "Katowicach")]),
    ("swietokrzyskie", "świętokrzyskie", "Świętokrzyskiego", [("kielce", "Kielce", "Kielcach")]),
    ("warminsko-mazurskie", "warmińsko-mazurskie", "Warmińsko-Mazurskiego", [("olsztyn", "Olsztyn", "Olsztynie")]),
    ("wielkopolskie", "wielkopolskie", "Wielkopolskiego", [("poznan", "Poznań", "Poznaniu")]),
    ("zachodniopomorskie", "zachodniopomorskie", "Zachodniopomorskiego", [("szczecin", "Szczecin", "Szczecinie")]),
]

#: voivodeship → (key, name, genitive) of its main university.
UNIVERSITIES = {
    "dolnoslaskie": ("uniwersytet-wroclawski", "Uniwersytet Wrocławski", "Uniwersytetu Wrocławskiego"),
    "kujawsko-pomorskie": ("umk-torun", "Uniwersytet Mikołaja Kopernika w Toruniu",
                           "Uniwersytetu Mikołaja Kopernika w Toruniu"),
    "lubelskie": ("umcs-lublin", "Uniwersytet Marii Curie-Skłodowskiej w Lublinie",
                  "Uniwersytetu Marii Curie-Skłodowskiej w Lublinie"),
    "lubuskie": ("uniwersytet-zielonogorski", "Uniwersytet Zielonogórski", "Uniwersytetu Zielonogórskiego"),
    "lodzkie": ("uniwersytet-lodzki", "Uniwersytet Łódzki", "Uniwersytetu Łódzkiego"),
    "malopolskie": ("uniwersytet-jagiellonski", "Uniwersytet Jagielloński", "Uniwersytetu Jagiellońskiego"),
    "mazowieckie": ("uniwersytet-warszawski", "Uniwersytet Warszawski", "Uniwersytetu Warszawskiego"),
    "opolskie": ("uniwersytet-opolski", "Uniwersytet Opolski", "Uniwersytetu Opolskiego"),
    "podkarpackie": ("uniwersytet-rzeszowski", "Uniwersytet Rzeszowski", "Uniwersytetu Rzeszowskiego"),
    "podlaskie": ("uniwersytet-w-bialymstoku", "Uniwersytet w Białymstoku", "Uniwersytetu w Białymstoku"),
    "pomorskie": ("uniwersytet-gdanski", "Uniwersytet Gdański", "Uniwersytetu Gdańskiego"),
    "slaskie": ("uniwersytet-slaski", "Uniwersytet Śląski w Katowicach", "Uniwersytetu Śląskiego w Katowicach"),
    "swietokrzyskie": ("ujk-kielce", "Uniwersytet Jana Kochanowskiego w Kielcach",
                       "Uniwersytetu Jana Kochanowskiego w Kielcach"),
    "warminsko-mazurskie": ("uwm-olsztyn", "Uniwersytet Warmińsko-Mazurski w Olsztynie",
                            "Uniwersytetu Warmińsko-Mazurskiego w Olsztynie"),
    "wielkopolskie": ("uam-poznan", "Uniwersytet im. Adama Mickiewicza w Poznaniu",
                      "Uniwersytetu im. Adama Mickiewicza w Poznaniu"),
    "zachodniopomorskie": ("uniwersytet-szczecinski", "Uniwersytet Szczeciński", "Uniwersytetu Szczecińskiego"),
}

#: Ministries in charge of social policy and of EU funds, by period: key, name, genitive, years.
MINISTRIES = [
    ("mpips", "Ministerstwo Pracy i Polityki Społecznej", "Ministerstwa Pracy i Polityki Społecznej", 2007, 2015),
    ("mrpips", "Ministerstwo Rodziny, Pracy i Polityki Społecznej", "Ministerstwa Rodziny, Pracy i Polityki Społecznej",
     2016, 2020),
    ("mrips", "Ministerstwo Rodziny i Polityki Społecznej", "Ministerstwa Rodziny i Polityki Społecznej", 2021, 2024),
    ("mrr", "Ministerstwo Rozwoju Regionalnego", "Ministerstwa Rozwoju Regionalnego", 2007, 2013),
    ("mir", "Ministerstwo Infrastruktury i Rozwoju", "Ministerstwa Infrastruktury i Rozwoju", 2014, 2015),
    ("mr", "Ministerstwo Rozwoju", "Ministerstwa Rozwoju", 2016, 2018),
    ("mfipr", "Ministerstwo Funduszy i Polityki Regionalnej", "Ministerstwa Funduszy i Polityki Regionalnej", 2019, 2024),
]
DEPARTMENTS = [  # (key prefix, name, genitive, ministries it belongs to)
    ("dpis", "Departament Pomocy i Integracji Społecznej", "Departamentu Pomocy i Integracji Społecznej",
     ("mpips", "mrpips", "mrips")),
    ("dess", "Departament Ekonomii Społecznej i Solidarnej", "Departamentu Ekonomii Społecznej i Solidarnej",
     ("mrpips", "mrips")),
    ("defs", "Departament Europejskiego Funduszu Społecznego", "Departamentu Europejskiego Funduszu Społecznego",
     ("mrr", "mir", "mr", "mfipr")),
]

#: Institution type → (name template, genitive template); {loc} is the seat's locative, {town} its name,
#: {gen} the voivodeship's genitive adjective.
INSTITUTION_NAMES = {
    "rops": ("Regionalny Ośrodek Polityki Społecznej w {loc}", "Regionalnego Ośrodka Polityki Społecznej w {loc}"),
    "wup": ("Wojewódzki Urząd Pracy w {loc}", "Wojewódzkiego Urzędu Pracy w {loc}"),
    "urzad-marszalkowski": ("Urząd Marszałkowski Województwa {gen}", "Urzędu Marszałkowskiego Województwa {gen}"),
    "regionalna-agencja-rozwoju": ("Agencja Rozwoju Regionalnego w {loc}", "Agencji Rozwoju Regionalnego w {loc}"),
    "owes": ("Ośrodek Wsparcia Ekonomii Społecznej w {loc}", "Ośrodka Wsparcia Ekonomii Społecznej w {loc}"),
    "pcpr": ("Powiatowe Centrum Pomocy Rodzinie w {loc}", "Powiatowego Centrum Pomocy Rodzinie w {loc}"),
    "pup": ("Powiatowy Urząd Pracy w {loc}", "Powiatowego Urzędu Pracy w {loc}"),
    "starostwo-powiatowe": ("Starostwo Powiatowe w {loc}", "Starostwa Powiatowego w {loc}"),
    "mops": ("Miejski Ośrodek Pomocy Społecznej w {loc}", "Miejskiego Ośrodka Pomocy Społecznej w {loc}"),
    "mopr": ("Miejski Ośrodek Pomocy Rodzinie w {loc}", "Miejskiego Ośrodka Pomocy Rodzinie w {loc}"),
    "gops": ("Gminny Ośrodek Pomocy Społecznej w {loc}", "Gminnego Ośrodka Pomocy Społecznej w {loc}"),
    "mgops": ("Miejsko-Gminny Ośrodek Pomocy Społecznej w {loc}", "Miejsko-Gminnego Ośrodka Pomocy Społecznej w {loc}"),
    "urzad-gminy": ("Urząd Gminy {town}", "Urzędu Gminy {town}"),
    "cis": ("Centrum Integracji Społecznej w {loc}", "Centrum Integracji Społecznej w {loc}"),
    "sds": ("Środowiskowy Dom Samopomocy w {loc}", "Środowiskowego Domu Samopomocy w {loc}"),
    "dps": ("Dom Pomocy Społecznej w {loc}", "Domu Pomocy Społecznej w {loc}"),
    "wtz": ("Warsztat Terapii Zajęciowej w {loc}", "Warsztatu Terapii Zajęciowej w {loc}"),
}
ACRONYMS = {"rops": "ROPS", "wup": "WUP", "pcpr": "PCPR", "pup": "PUP", "mops": "MOPS", "mopr": "MOPR",
            "gops": "GOPS", "mgops": "MGOPS", "owes": "OWES", "cis": "CIS", "sds": "ŚDS", "dps": "DPS", "wtz": "WTZ"}
HEAD_ROLE = {"rops": "dyrektor", "wup": "dyrektor", "pcpr": "dyrektor", "pup": "dyrektor", "mops": "dyrektor",
             "mopr": "dyrektor", "gops": "kierownik", "mgops": "kierownik", "owes": "kierownik", "cis": "kierownik",
             "sds": "kierownik", "dps": "dyrektor", "wtz": "kierownik", "starostwo-powiatowe": "starosta",
             "urzad-marszalkowski": "marszalek-wojewodztwa", "urzad-gminy": "wojt", "uczelnia": "rektor",
             "stowarzyszenie": "prezes", "fundacja": "prezes", "regionalna-agencja-rozwoju": "prezes",
             "ministerstwo": "przedstawiciel", "departament-ministerstwa": "dyrektor"}
#: Staff posts per institution type: (role, how many people hold it over the years).
STAFF = {
    "rops": [("wicedyrektor", 1), ("doradca", 6), ("koordynator-projektu", 3), ("pracownik", 3)],
    "wup": [("zastepca-dyrektora", 1), ("naczelnik-wydzialu", 2), ("pracownik", 2)],
    "urzad-marszalkowski": [("naczelnik-wydzialu", 2)],
    "owes": [("koordynator-projektu", 2), ("doradca", 1)],
    "pcpr": [("koordynator-projektu", 1), ("pracownik-socjalny", 1)],
    "pup": [("zastepca-dyrektora", 1), ("doradca", 1)],
    "mops": [("zastepca-dyrektora", 1), ("pracownik-socjalny", 2), ("koordynator-projektu", 1)],
    "mopr": [("zastepca-dyrektora", 1), ("pracownik-socjalny", 2), ("koordynator-projektu", 1)],
    "gops": [("pracownik-socjalny", 1)],
    "mgops": [("pracownik-socjalny", 1)],
    "uczelnia": [("prorektor", 1), ("ekspert", 10)],
    "stowarzyszenie": [("koordynator-projektu", 1)],
    "fundacja": [("ekspert", 1)],
    "ministerstwo": [("przedstawiciel", 3), ("ekspert", 1)],
    "departament-ministerstwa": [("naczelnik-wydzialu", 2)],
}
ROLE_LABELS = {"dyrektor": "dyrektor", "wicedyrektor": "wicedyrektor", "zastepca-dyrektora": "zastępca dyrektora",
               "kierownik": "kierownik", "prezes": "prezes zarządu", "rektor": "rektor", "prorektor": "prorektor",
               "wojt": "wójt", "starosta": "starosta", "marszalek-wojewodztwa": "marszałek",
               "doradca": "doradca", "przedstawiciel": "przedstawiciel", "ekspert": "ekspert",
               "pracownik": "specjalista", "pracownik-socjalny": "pracownik socjalny",
               "koordynator-projektu": "koordynator projektu", "naczelnik-wydzialu": "naczelnik wydziału"}

#: Place-name parts: stems, and (suffix, locative suffix, county-adjective suffix).
STEMS = ["Dąbr", "Łęk", "Żuraw", "Brzoz", "Ślęz", "Gęs", "Wól", "Kęp", "Lip", "Grab", "Jawor", "Olsz", "Sosn",
         "Buk", "Wierzb", "Krzem", "Złot", "Białob", "Czarn", "Sław", "Mił", "Bogusł", "Radz", "Przem", "Zawadz",
         "Kamień", "Mściw", "Łos", "Źrebi", "Świerk", "Jastrzęb", "Ostrz", "Głog", "Żmigr", "Chociw", "Mszcz",
         "Trzcian", "Błot", "Pieńk", "Łąck", "Rzep", "Dzierż", "Węgr", "Księż", "Bełch", "Goląb", "Śniad",
         "Żabn", "Chełmż", "Łańc", "Kórn", "Szczyrz", "Grodz", "Międ", "Stęż", "Bielsk", "Borz", "Brzeg", "Chrzan",
         "Ciech", "Dobrz", "Drzew", "Gorzyc", "Grodk", "Jabłon", "Jedl", "Kalin", "Klon", "Kobyl", "Kozień", "Krasn",
         "Kurz", "Lesz", "Lubart", "Łuk", "Mław", "Modrz", "Nieśw", "Obor", "Olesz", "Opocz", "Pajęcz", "Piask",
         "Pułt", "Rac", "Ryk", "Sejn", "Siedl", "Skarż", "Sokół", "Staszk", "Strzyż", "Tczew", "Tuch", "Wadow",
         "Wieluń", "Włoszcz", "Wyszk", "Zakrocz", "Zamb", "Żagań", "Żyrard", "Chodzież", "Gołd", "Iław"]
SUFFIXES = [("ów", "owie", "owski"), ("owo", "owie", "owski"), ("ice", "icach", "icki"), ("in", "inie", "iński"),
            ("any", "anach", "ański"), ("ówka", "ówce", "owski"), ("awa", "awie", "awski")]
RIVERS = ["Wisłą", "Odrą", "Wartą", "Bugiem", "Narwią", "Sanem", "Pilicą", "Notecią", "Bzurą", "Wieprzem",
          "Dunajcem", "Nysą", "Drwęcą", "Łyną", "Liwcem", "Prosną"]

FEMALE_NAMES = ["Anna", "Maria", "Katarzyna", "Małgorzata", "Agnieszka", "Barbara", "Ewa", "Krystyna", "Elżbieta",
                "Magdalena", "Joanna", "Aleksandra", "Zofia", "Monika", "Teresa", "Danuta", "Natalia", "Karolina",
                "Marta", "Beata", "Dorota", "Halina", "Jadwiga", "Jolanta", "Grażyna", "Iwona", "Urszula", "Renata",
                "Żaneta", "Bożena", "Wiesława", "Łucja", "Bogumiła", "Stanisława", "Genowefa", "Jagoda", "Ilona"]
MALE_NAMES = ["Piotr", "Krzysztof", "Andrzej", "Tomasz", "Paweł", "Jan", "Michał", "Marcin", "Grzegorz", "Józef",
              "Marek", "Łukasz", "Adam", "Zbigniew", "Jerzy", "Tadeusz", "Mateusz", "Dariusz", "Mariusz", "Wojciech",
              "Ryszard", "Jakub", "Kazimierz", "Sławomir", "Mirosław", "Bogusław", "Zdzisław", "Przemysław",
              "Radosław", "Jarosław", "Bartłomiej", "Maciej", "Stanisław", "Wiesław", "Władysław", "Zenon"]
SURNAMES = ["Nowak", "Kowalczyk", "Wójcik", "Kamiński", "Lewandowski", "Zieliński", "Szymański", "Woźniak",
            "Dąbrowski", "Kozłowski", "Jankowski", "Mazur", "Wojciechowski", "Kwiatkowski", "Krawczyk", "Kaczmarek",
            "Piotrowski", "Grabowski", "Zając", "Pawłowski", "Michalski", "Król", "Wieczorek", "Jabłoński", "Wróbel",
            "Nowakowski", "Majewski", "Olszewski", "Stępień", "Malinowski", "Jaworski", "Adamczyk", "Dudek",
            "Nowicki", "Pawlak", "Górski", "Witkowski", "Walczak", "Sikora", "Baran", "Rutkowski", "Michalak",
            "Szewczyk", "Ostrowski", "Tomaszewski", "Pietrzak", "Duda", "Zalewski", "Wróblewski", "Jasiński",
            "Marciniak", "Bąk", "Zawadzki", "Sadowski", "Jakubowski", "Wilk", "Chmielewski", "Włodarczyk",
            "Borkowski", "Sokołowski", "Szczepański", "Sawicki", "Lis", "Kucharski", "Mączyński", "Żak",
            "Czarnecki", "Kalinowski", "Wysocki", "Głowacki", "Kołodziej", "Śliwiński", "Żurawski", "Łuczak",
            "Błaszczyk", "Gęsicki", "Kęsik", "Źródłowski", "Grewiński", "Ślusarczyk", "Dziadowicz", "Kulka"]
ACADEMIC_TITLES = ["dr", "dr", "dr hab.", "dr hab.", "prof. dr hab.", "prof."]
NGO_PATTERNS = [("stowarzyszenie", "Stowarzyszenie na rzecz Rozwoju Gminy {town}", "Stowarzyszenia na rzecz Rozwoju Gminy {town}"),
                ("stowarzyszenie", "Stowarzyszenie „Razem dla {town}”", "Stowarzyszenia „Razem dla {town}”"),
                ("fundacja", "Fundacja Pomocy Rodzinie „Przystań” w {loc}", "Fundacji Pomocy Rodzinie „Przystań” w {loc}"),
                ("fundacja", "Fundacja Aktywnej Integracji w {loc}", "Fundacji Aktywnej Integracji w {loc}"),
                ("stowarzyszenie", "Stowarzyszenie Przyjaciół Osób Niepełnosprawnych w {loc}",
                 "Stowarzyszenia Przyjaciół Osób Niepełnosprawnych w {loc}")]


@dataclass
class Place:
    key: str
    name: str
    loc: str  # locative, for "w …"
    kind: str  # city, municipality, county, venue
    voivodeship: str
    county: str | None = None
    city: str | None = None  # venues
    address: str | None = None
    reference: bool = False  # a capital city: reference data, never declared


@dataclass
class Org:
    key: str
    name: str
    gen: str
    type: str
    voivodeship: str | None
    city: str | None
    county: str | None = None
    acronym: str | None = None
    part_of: str | None = None
    identifiers: dict | None = None
    years: tuple[int, int] = (FIRST_YEAR, LAST_YEAR)
    stints: list = field(default_factory=list)  # (start, end, person key, role), sorted by start


@dataclass
class Person:
    key: str
    given: str
    family: str
    gender: str
    honorific: str | None = None
    stints: list = field(default_factory=list)  # (start, end, org key, role)

    @property
    def name(self) -> str:
        return f"{self.given} {self.family}"


class Country:
    """Places, institutions and people, built from the seed alone."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.places: dict[str, Place] = {}
        self.orgs: dict[str, Org] = {}
        self.people: dict[str, Person] = {}
        self.by_voivodeship: dict[str, dict[str, list[str]]] = {}  # voivodeship → type → org keys
        self.national: list[str] = []  # ministries, departments, national NGOs
        self.capital: dict[str, str] = {}
        self.county_seats: set[str] = set()
        self.towns: dict[str, list[str]] = {}  # voivodeship → declared town keys
        self._town_names()
        self._person_keys: set[str] = set()
        for key, name, gen, capitals in VOIVODESHIPS:
            self._voivodeship(key, name, gen, capitals)
        self._national()
        self._staff_everything()

    # -- places ---------------------------------------------------------------------------------
    def _town_names(self) -> None:
        """Unique town names: county seats get names whose county adjective is still free; gminas the rest."""
        base = [(s + suf, s + loc, (s + adj).lower()) for s in STEMS for suf, loc, adj in SUFFIXES]
        self.rng.shuffle(base)
        adjectives: set[str] = set()
        self._county_names, gmina_names = [], []
        for name, loc, adjective in base:
            if adjective in adjectives:
                gmina_names.append((name, loc))
            else:
                adjectives.add(adjective)
                self._county_names.append((name, loc, adjective))
        by_river = [(f"{name} nad {river}", f"{loc} nad {river}") for river in RIVERS for name, loc, _ in base]
        self.rng.shuffle(by_river)
        self._gmina_names = iter(gmina_names + by_river)
        self._county_names.reverse()

    def _town(self, voivodeship: str, county: str | None, kind: str = "city") -> Place:
        name, loc = next(self._gmina_names)
        place = Place(slugify(name), name, loc, kind, voivodeship, county)
        self.places[place.key] = place
        self.towns.setdefault(voivodeship, []).append(place.key)
        return place

    def _county(self, voivodeship: str) -> tuple[Place, Place]:
        """A county and its seat town (county adjectives are unique in the country)."""
        name, loc, adjective = self._county_names.pop()
        county = Place(slugify(f"powiat {adjective}"), f"powiat {adjective}", f"powiecie {adjective[:-1]}m",
                       "county", voivodeship)
        seat = Place(slugify(name), name, loc, "city", voivodeship, county.key)
        self.places[county.key] = county
        self.places[seat.key] = seat
        self.towns.setdefault(voivodeship, []).append(seat.key)
        self.county_seats.add(seat.key)
        return county, seat

    def venue(self, town: Place, rng: random.Random) -> Place | None:
        """One of a town's venues (chosen by the article's random stream *rng*, created on first use);
        villages (gminas declared as municipalities) have none."""
        if town.kind != "city":
            return None
        kinds = [(f"Hotel „Pod Złotym Dębem” w {town.loc}", "ul. Wiejska 14"),
                 (f"Centrum Kultury w {town.loc}", "ul. Kościuszki 5"),
                 (f"Sala sesyjna Urzędu Miasta w {town.loc}", "pl. Ratuszowy 1")]
        if town.key in self.county_seats:
            kinds.append((f"Sala konferencyjna Starostwa Powiatowego w {town.loc}", "ul. Piłsudskiego 2"))
        if town.reference:
            kinds += [(f"Centrum Konferencyjne „Żurawia” w {town.loc}", "ul. Żurawia 8"),
                      (f"Hotel Mercure {town.name}", "ul. Łąkowa 3")]
        name, address = rng.choice(kinds)
        key = slugify(name)
        if key not in self.places:
            self.places[key] = Place(key, name, town.loc, "venue", town.voivodeship, town.county, town.key, address)
        return self.places[key]

    # -- institutions ---------------------------------------------------------------------------
    def _org(self, type_: str, seat: Place | None, voivodeship: str | None, *, key: str | None = None,
             name: str | None = None, gen: str | None = None, county: str | None = None, **extra) -> Org:
        vgen = next(g for k, _, g, _ in VOIVODESHIPS if k == voivodeship) if voivodeship else ""
        if name is None:
            template, gen_template = INSTITUTION_NAMES[type_]
            fill = {"loc": seat.loc if seat else "", "town": seat.name if seat else "", "gen": vgen}
            name, gen = template.format(**fill), gen_template.format(**fill)
        key = key or f"{type_}-{seat.key}"
        org = Org(key, name, gen, type_, voivodeship, seat.key if seat else None, county,
                  acronym=ACRONYMS.get(type_), **extra)
        self.orgs[key] = org
        if voivodeship:
            self.by_voivodeship.setdefault(voivodeship, {}).setdefault(type_, []).append(key)
        else:
            self.national.append(key)
        return org

    def _voivodeship(self, key: str, name: str, gen: str, capitals) -> None:
        rng = self.rng
        seats = []
        for city_key, city_name, loc in capitals:
            seat = Place(city_key, city_name, loc, "city", key, reference=True)
            self.places[city_key] = seat
            seats.append(seat)
        capital = seats[0]
        self.capital[key] = capital.key
        for type_ in ("rops", "wup", "urzad-marszalkowski", "regionalna-agencja-rozwoju"):
            self._org(type_, capital, key, key=f"{type_}-{capital.key}" if type_ != "urzad-marszalkowski"
                      else f"urzad-marszalkowski-{key}")
        ukey, uname, ugen = UNIVERSITIES[key]
        self._org("uczelnia", capital, key, key=ukey, name=uname, gen=ugen)
        for seat in seats:
            self._org("mopr" if rng.random() < 0.5 else "mops", seat, key)
            self._org("pup", seat, key, name=f"Miejski Urząd Pracy w {seat.loc}", gen=f"Miejskiego Urzędu Pracy w {seat.loc}")
        self._org("owes", capital, key)
        for i in range(rng.randint(4, 7)):
            type_, name, gen_ = NGO_PATTERNS[i % len(NGO_PATTERNS)]
            self._ngo(type_, name, gen_, capital, key, None)
        for _ in range(rng.randint(20, 27)):
            county, seat = self._county(key)
            self._county_institutions(key, county, seat)

    def _ngo(self, type_: str, name: str, gen: str, seat: Place, voivodeship: str, county: str | None) -> Org:
        fill = {"loc": seat.loc, "town": seat.name}
        krs = f"{self.rng.randrange(10**9):010d}"
        return self._org(type_, seat, voivodeship, key=slugify(name.format(**fill)), name=name.format(**fill),
                         gen=gen.format(**fill), county=county, identifiers={"krs": krs})

    def _county_institutions(self, voivodeship: str, county: Place, seat: Place) -> None:
        rng = self.rng
        self._org("pcpr", seat, voivodeship, county=county.key)
        self._org("starostwo-powiatowe", seat, voivodeship, county=county.key)
        if rng.random() < 0.9:
            self._org("pup", seat, voivodeship, county=county.key)
        for type_, p in (("cis", 0.25), ("sds", 0.4), ("dps", 0.3), ("wtz", 0.3)):
            if rng.random() < p:
                self._org(type_, seat, voivodeship, county=county.key)
        self._org("mops", seat, voivodeship, county=county.key)
        for _ in range(rng.randint(4, 8)):
            urban_rural = rng.random() < 0.25
            town = self._town(voivodeship, county.key, "city" if urban_rural else "municipality")
            self._org("mgops" if urban_rural else "gops", town, voivodeship, county=county.key)
            if rng.random() < 0.3:
                self._org("urzad-gminy", town, voivodeship, county=county.key)
            if rng.random() < 0.12:
                type_, name, gen = rng.choice(NGO_PATTERNS)
                self._ngo(type_, name, gen, town, voivodeship, county.key)

    def _national(self) -> None:
        warszawa = self.places["warszawa"]
        for key, name, gen, start, end in MINISTRIES:
            self._org("ministerstwo", warszawa, None, key=key, name=name, gen=gen, years=(start, end))
        for prefix, name, gen, ministries in DEPARTMENTS:
            for ministry in ministries:
                parent = self.orgs[ministry]
                self._org("departament-ministerstwa", warszawa, None, key=f"{prefix}-{ministry}", name=name, gen=gen,
                          part_of=ministry, years=parent.years)
        for name, gen in (("Fundacja Instytut Spraw Publicznych", "Fundacji Instytut Spraw Publicznych"),
                          ("Stowarzyszenie Gmin i Powiatów Polski", "Stowarzyszenia Gmin i Powiatów Polski"),
                          ("Fundacja Inicjatyw Społeczno-Ekonomicznych", "Fundacji Inicjatyw Społeczno-Ekonomicznych")):
            type_ = "fundacja" if name.startswith("Fundacja") else "stowarzyszenie"
            self._org(type_, warszawa, None, key=slugify(name), name=name, gen=gen,
                      identifiers={"krs": f"{self.rng.randrange(10**9):010d}"})

    # -- people ---------------------------------------------------------------------------------
    def _new_person(self, academic: bool = False) -> Person:
        rng = self.rng
        gender = "female" if rng.random() < 0.68 else "male"  # social services are mostly women
        given = rng.choice(FEMALE_NAMES if gender == "female" else MALE_NAMES)
        family = rng.choice(SURNAMES)
        if gender == "female":
            family = re.sub(r"(ski|cki|dzki)$", lambda m: m.group(1)[:-1] + "a", family)
            if rng.random() < 0.06:
                second = re.sub(r"(ski|cki|dzki)$", lambda m: m.group(1)[:-1] + "a", rng.choice(SURNAMES))
                family = f"{family}-{second}" if second != family else family
        key = slugify(f"{given} {family}")
        n = 2
        while key in self._person_keys:  # a namesake: -2, -3, … as curators do
            key = slugify(f"{given} {family}") + f"-{n}"
            n += 1
        self._person_keys.add(key)
        honorific = rng.choice(ACADEMIC_TITLES) if academic else ("mgr" if rng.random() < 0.05 else None)
        person = Person(key, given, family, gender, honorific)
        self.people[key] = person
        return person

    def _terms(self, start: int, end: int, max_terms: int) -> list[tuple[int, int]]:
        """Split the years start..end into 1..max_terms consecutive terms."""
        cuts = sorted(self.rng.sample(range(start + 1, end + 1), min(max_terms - 1, end - start)))
        cuts = cuts[: self.rng.randint(0, len(cuts))]
        bounds = [start, *cuts, end + 1]
        return [(bounds[i], bounds[i + 1] - 1) for i in range(len(bounds) - 1)]

    def _staff_everything(self) -> None:
        """Give every institution its heads and staff over the years; successors often come from
        another post in the same voivodeship (that is how people change posts over time)."""
        rng = self.rng
        openings = []  # (start, end, org key, role)
        for org in self.orgs.values():
            start, end = org.years
            head = HEAD_ROLE.get(org.type)
            if head:
                openings += [(s, e, org.key, head) for s, e in self._terms(start, end, 3)]
            for role, count in STAFF.get(org.type, []):
                for _ in range(count):
                    s = rng.randint(start, max(start, end - 3))
                    openings.append((s, min(end, s + rng.randint(3, 12)), org.key, role))
        openings.sort(key=lambda o: (o[0], o[2], o[3], o[1]))
        free: dict[str, list[tuple[int, str]]] = {}  # voivodeship → (free from year, person key)
        for start, end, org_key, role in openings:
            org = self.orgs[org_key]
            region = org.voivodeship or "national"
            if rng.random() < 0.08:  # a move to another region or to a national post
                region = rng.choice([v[0] for v in VOIVODESHIPS] + ["national"])
            pool = free.get(region, [])
            candidates = [i for i, (since, _) in enumerate(pool) if since <= start]
            if candidates and rng.random() < 0.35 and org.type not in ("uczelnia",):
                person = self.people[pool.pop(rng.choice(candidates))[1]]
            else:
                person = self._new_person(academic=org.type == "uczelnia" and role != "pracownik")
            person.stints.append((start, end, org_key, role))
            org.stints.append((start, end, person.key, role))
            if end < LAST_YEAR:
                free.setdefault(org.voivodeship or "national", []).append((end + 1, person.key))
        for org in self.orgs.values():
            org.stints.sort()

    def holders(self, org_key: str, year: int, roles: tuple[str, ...] | None = None) -> list[tuple[str, str]]:
        """(person key, role) of everyone holding a post in *org_key* in *year*."""
        return [(p, r) for s, e, p, r in self.orgs[org_key].stints if s <= year <= e and (roles is None or r in roles)]


# -- articles -----------------------------------------------------------------------------------------

EVENT_TYPES_BY_PUBLISHER = {
    "rops": [("conference", 4), ("training", 3), ("seminar", 2), ("forum", 1), ("meeting", 2)],
    "wup": [("conference", 2), ("training", 2), ("meeting", 2), ("forum", 1)],
    "urzad-marszalkowski": [("conference", 2), ("forum", 2), ("meeting", 1)],
    "owes": [("training", 3), ("meeting", 2), ("forum", 1)],
    "pcpr": [("training", 2), ("meeting", 3), ("conference", 1)],
    "pup": [("meeting", 3), ("training", 2)],
    "ngo": [("meeting", 2), ("training", 2), ("conference", 1)],
    "local": [("meeting", 4), ("training", 2), ("conference", 1)],
}
#: (group, weight): who publishes how much (ROPS are few but prolific; OPS are many).
PUBLISHER_GROUPS = [("rops", 22), ("wup", 8), ("urzad-marszalkowski", 3), ("owes", 4), ("pcpr", 16),
                    ("pup", 9), ("ngo", 6), ("local", 32)]
GROUP_TYPES = {"ngo": ("stowarzyszenie", "fundacja"), "local": ("mops", "mopr", "gops", "mgops"),
               "pup": ("pup",), "pcpr": ("pcpr",), "rops": ("rops",), "wup": ("wup",),
               "urzad-marszalkowski": ("urzad-marszalkowski",), "owes": ("owes",)}
EVENT_WORDS = {"conference": ("Konferencja", "konferencji"), "training": ("Szkolenie", "szkolenia"),
               "seminar": ("Seminarium", "seminarium"), "forum": ("Forum", "forum"),
               "meeting": ("Spotkanie", "spotkania"), "panel": ("Panel dyskusyjny", "panelu")}
ACTIVE_ROLES_EXCLUDE = ("pracownik",)


class ArticleWriter:
    """Draws one article after another from the country, with one random stream."""

    def __init__(self, country: Country, rng: random.Random, reference: dict[str, Any]):
        self.c = country
        self.rng = rng
        self.topics: dict[str, str] = reference["topics"]
        self.event_keys: set[str] = set()
        self.projects: dict[tuple[str, int], dict] = {}
        self.publishers = {group: [k for v in country.by_voivodeship.values() for t in GROUP_TYPES[group]
                                   for k in v.get(t, [])] for group, _ in PUBLISHER_GROUPS}
        self.experts = [k for k, o in country.orgs.items() if o.type in ("uczelnia", "ministerstwo",
                                                                           "departament-ministerstwa", "rops")
                        or (o.voivodeship is None and o.type in ("fundacja", "stowarzyszenie"))]

    # -- choosing -------------------------------------------------------------------------------
    def _weighted(self, pairs):
        items, weights = zip(*pairs)
        return self.rng.choices(items, weights)[0]

    def _date(self) -> dt.date:
        day = dt.date(FIRST_YEAR + 1, 1, 1) + dt.timedelta(days=self.rng.randrange(365 * (LAST_YEAR - FIRST_YEAR)))
        while day.weekday() >= 5:
            day += dt.timedelta(days=1)
        return day

    def _local_orgs(self, voivodeship: str, types: tuple[str, ...], county: str | None = None) -> list[str]:
        by_type = self.c.by_voivodeship[voivodeship]
        keys = [k for t in types for k in by_type.get(t, [])]
        if county:
            near = [k for k in keys if self.c.orgs[k].county == county]
            return near or keys
        return keys

    def _speaker(self, org_keys: list[str], year: int) -> tuple[str, str, str] | None:
        """(person, role, org) of someone holding a post in one of *org_keys* in *year*."""
        for _ in range(6):
            org_key = self.rng.choice(org_keys)
            if not (self.c.orgs[org_key].years[0] <= year <= self.c.orgs[org_key].years[1]):
                continue
            holders = [h for h in self.c.holders(org_key, year) if h[1] not in ACTIVE_ROLES_EXCLUDE]
            if holders:
                person, role = self.rng.choice(holders)
                return person, role, org_key
        return None

    def _head(self, org: Org, year: int) -> tuple[str, str, str] | None:
        """(person, role, org) of the head of *org* in *year*, else of anyone posted there."""
        heads = self.c.holders(org.key, year, (HEAD_ROLE.get(org.type, "dyrektor"),))
        return (*heads[0], org.key) if heads else self._speaker([org.key], year)

    def _programme(self, year: int, voivodeship: str, org_type: str) -> tuple[str, str | None, list[str]]:
        """(programme, measure, funds) of a project that starts in *year*."""
        if year <= 2013:
            measure = {"ops": "po-kl-7-1-1", "gops": "po-kl-7-1-1", "mgops": "po-kl-7-1-1", "mops": "po-kl-7-1-1",
                       "mopr": "po-kl-7-1-1", "pcpr": "po-kl-7-1-2", "rops": "po-kl-7-1-3", "pup": "po-kl-7-1",
                       "wup": "po-kl-7-1", "stowarzyszenie": "po-kl-7-2-1", "fundacja": "po-kl-7-2-2",
                       "owes": "po-kl-7-2-2"}.get(org_type, "po-kl-7")
            return "po-kl", measure, ["efs"]
        if year <= 2020:
            if org_type in ("rops", "wup") and self.rng.random() < 0.5:
                return "po-wer", "po-wer-2-5", ["efs"]
            return f"rpo-{voivodeship}-2014-2020", None, ["efs"] if self.rng.random() < 0.8 else ["efs", "efrr"]
        return "fers", None, ["efs-plus"]

    def _project(self, org: Org, year: int) -> dict:
        """The project *org* runs in *year* (one per organisation and programming period)."""
        period = 2007 if year <= 2013 else 2014 if year <= 2020 else 2021
        cache_key = (org.key, period)
        if cache_key not in self.projects:
            start = max(period, year - self.rng.randint(0, 2))
            programme, measure, funds = self._programme(start, org.voivodeship or "mazowieckie", org.type)
            topic = self.rng.choice(list(self.topics))
            title = self.rng.choice([
                f"{self.topics[topic][:1].upper()}{self.topics[topic][1:]} w {org.name.split(' w ')[-1]}",
                f"Razem dla rodziny – {self.topics[topic]}",
                f"Nowe perspektywy: {self.topics[topic]} ({start}–{start + 3})"])
            kind = ("systemic" if org.type in ("rops", "pcpr", "mops", "mopr", "gops", "mgops", "pup", "wup")
                    and period == 2007 else "research" if org.type == "uczelnia" else "competition")
            project = {"key": slugify(f"{org.key} {topic} {start}"), "title": title, "kind": kind, "leader": org.key,
                       "programme": programme, "funds": funds, "start_year": start,
                       "end_year": min(start + self.rng.randint(1, 6), period + 8), "topics": [topic]}
            if measure:
                project["measure"] = measure
            self.projects[cache_key] = project
        return self.projects[cache_key]

    # -- one article ----------------------------------------------------------------------------
    def article(self, index: int) -> tuple[str, dict]:
        rng, c = self.rng, self.c
        group = self._weighted(PUBLISHER_GROUPS)
        publisher = c.orgs[rng.choice(self.publishers[group])]
        region = publisher.voivodeship
        day = self._date()
        year = day.year
        event_type = self._weighted(EVENT_TYPES_BY_PUBLISHER[group])
        seat = c.places[publisher.city]
        if rng.random() < 0.7:
            town = seat
        elif rng.random() < 0.5:
            town = c.places[c.capital[region]]
        else:
            town = c.places[rng.choice(c.towns[region])]
        topics = rng.sample(list(self.topics), rng.choice([1, 1, 2, 2, 3, 4]))
        topic_label = self.topics[topics[0]]
        word, word_gen = EVENT_WORDS[event_type]
        theme = f"{topic_label[:1].upper()}{topic_label[1:]}"
        event_title = rng.choice([f"{word} „{theme}”", f"{word} „{theme} w praktyce”",
                                  f"{word} dla kadry pomocy społecznej: {topic_label}",
                                  f"{word} regionalne „{theme} – wyzwania i dobre praktyki”"
                                  if event_type in ("meeting", "seminar", "forum") else f"{word} „{theme} {year}”"])
        key = f"{index:06d}-{publisher.key}-{slugify(word)}-{year}"
        doc = _Doc(c, rng)
        doc.org(publisher.key)

        event_key = self._event_key(f"{day.isoformat()}-{slugify(word)}-{town.key}")
        event: dict[str, Any] = {"key": event_key, "type": event_type, "title": event_title,
                                 "start": day.isoformat()}
        if event_type in ("conference", "training", "forum") and rng.random() < 0.2:
            event["end"] = (day + dt.timedelta(days=1)).isoformat()
        venue = c.venue(town, rng) if rng.random() < 0.6 else None
        if venue:
            event["venue"] = doc.place(venue.key)
        event["city"] = doc.place(town.key)
        if town.county:
            event["county"] = doc.place(town.county)
        event["voivodeship"] = region
        organisers = [publisher.key]
        event["organisers"] = organisers
        if rng.random() < 0.3:
            partner = rng.choice(self._local_orgs(region, ("wup", "rops", "pcpr", "owes", "urzad-marszalkowski")))
            if partner != publisher.key:
                event["co_organisers"] = [doc.org(partner)]
        if rng.random() < 0.08:
            event["patrons"] = [doc.org(rng.choice(self._local_orgs(region, ("urzad-marszalkowski",))))]
        event["topics"] = topics
        project = None
        if rng.random() < 0.45:
            project = self._project(publisher, year)
            event["projects"] = [project["key"]]
        programmes = sorted({p for p in ([project["programme"]] if project else [])}
                            | ({"kppuiws"} if rng.random() < 0.1 else set())
                            | ({"kpres"} if "ekonomia-spoleczna" in topics and rng.random() < 0.5 else set()))
        if programmes:
            event["programmes"] = programmes
        if rng.random() < 0.7:
            count = max(5, int(rng.lognormvariate(3.8, 0.6)))
            event["attendance"] = {"count": count, "qualifier": self._weighted(
                [("exact", 2), ("more-than", 3), ("about", 3), ("at-least", 1)]),
                "description": rng.choice([f"przedstawiciele instytucji pomocy społecznej z terenu województwa "
                                           f"{next(g for k, _, g, _ in VOIVODESHIPS if k == region).lower()}",
                                           "pracownicy socjalni i kadra kierownicza ośrodków pomocy społecznej",
                                           "przedstawiciele organizacji pozarządowych i samorządów"])}
        if rng.random() < 0.6:
            event["audience_region"] = region
        if rng.random() < 0.5:
            event["evidence"] = f"W dniu {day.day} {_MONTHS[day.month - 1]} {year} r. w {town.loc} odbyło się {word_gen}"
        events = [event]

        participations: list[dict] = []
        people_used: set[tuple[str, str]] = set()

        def take(person_role_org, role: str, event_key: str, **extra) -> None:
            if person_role_org is None:
                return
            person, post_role, org_key = person_role_org
            if (event_key, person, role) in people_used:
                return
            if role in ("moderator", "panelist") and any((event_key, person, r) in people_used
                                                         for r in ("moderator", "panelist")):
                return
            people_used.add((event_key, person, role))
            doc.person(person, post_role, org_key, day)
            item = {"event": event_key, "person": person, "role": role, "affiliation": doc.org(org_key), **extra}
            participations.append(item)

        head = self._head(publisher, year)
        if head and rng.random() < 0.9:
            take(head, "opening", event_key,
                 evidence=f"Otwarcia {word_gen} dokonał(a) {c.people[head[0]].name}")
        talk_role = "trainer" if event_type == "training" else "talk"
        for _ in range(rng.choice([1, 1, 2, 2, 3, 4, 5] if group in ("rops", "wup", "urzad-marszalkowski")
                                  else [0, 1, 1, 2, 3])):
            source = rng.random()
            if source < 0.55:
                pool = self._local_orgs(region, ("rops", "wup", "pcpr", "pup", "mops", "mopr", "gops", "owes",
                                                 "stowarzyszenie", "fundacja", "uczelnia"), town.county)
            elif source < 0.85:
                pool = self.experts
            else:
                other = rng.choice([v[0] for v in VOIVODESHIPS if v[0] != region])
                pool = self._local_orgs(other, ("rops", "wup", "uczelnia", "owes"))
            speaker = self._speaker(pool, year)
            if speaker:
                subject = self.topics[rng.choice(topics)]
                take(speaker, talk_role, event_key, subject=subject,
                     topics=[t for t in topics if self.topics[t] == subject] or None)
        if event_type in ("conference", "forum") and rng.random() < 0.35:
            for n in range(1, rng.choice([1, 1, 2]) + 1):
                panel_key = self._event_key(f"{event_key}-panel-{n}")
                panel_topic = rng.choice(topics)
                events.append({"key": panel_key, "type": "panel", "title": f"Panel dyskusyjny: {self.topics[panel_topic]}",
                               "start": day.isoformat(), "part_of": event_key, "topics": [panel_topic]})
                pool = self._local_orgs(region, ("rops", "wup", "pcpr", "mops", "owes", "stowarzyszenie", "uczelnia"))
                take(self._speaker(pool, year), "moderator", panel_key)
                for _ in range(rng.randint(2, 4)):
                    take(self._speaker(pool + self.experts[:40], year), "panelist", panel_key)
        if rng.random() < 0.3:
            for org_key in rng.sample(self._local_orgs(region, ("gops", "mgops", "mops", "pcpr", "cis"), town.county),
                                      k=rng.randint(1, 2)):
                participations.append({"event": event_key, "organisation": doc.org(org_key), "role": "good-practice",
                                       "subject": f"dobre praktyki: {self.topics[rng.choice(topics)]}"})
        if rng.random() < 0.25:
            pool = self._local_orgs(region, ("gops", "mgops", "mops", "pcpr", "pup", "sds", "dps"), town.county)
            for org_key in rng.sample(pool, k=min(len(pool), rng.randint(1, 4))):
                participations.append({"event": event_key, "organisation": doc.org(org_key), "role": "participant"})
        if rng.random() < 0.25:
            closer = self._speaker([publisher.key], year)
            take(closer, "closing", event_key)
        if rng.random() < 0.05 and head:
            take(head, "awards", event_key, subject="wyróżnienia dla pracowników socjalnych")
        if project:
            for org_key in [project["leader"], *project.get("partners", [])]:
                doc.org(org_key)

        published = day + dt.timedelta(days=rng.randint(0, 10))
        article: dict[str, Any] = {"key": key, "source_id": f"synth_{index:06d}",
                                   "url": f"https://{slugify(publisher.acronym or publisher.type)}.example.pl/aktualnosci/{index}",
                                   "title": rng.choice([f"Relacja z {word_gen.lower()} „{theme}”",
                                                        f"{event_title} w {town.loc}",
                                                        f"Za nami {word.lower()}: {topic_label}"]),
                                   "publisher": publisher.key}
        announcement = rng.random() < 0.08
        if announcement:
            article["title"] = f"Zapraszamy na {word.lower()}: {topic_label}"
            article["published"] = (day - dt.timedelta(days=rng.randint(7, 30))).isoformat()
            article["announcement"] = True
        elif rng.random() < 0.15:
            article["published_not_before"] = day.isoformat()
        else:
            article["published"] = published.isoformat()
        staff = [h for h in c.holders(publisher.key, year) if h[1] != HEAD_ROLE.get(publisher.type)]
        if staff and rng.random() < 0.2:
            author = rng.choice(staff)[0]
            doc.person(author, None, None, day)
            article["author"] = author
        article["language"] = "pl"
        if rng.random() < 0.3:
            article["note"] = "Wygenerowano syntetycznie (benchmarks/synth.py)."

        data: dict[str, Any] = {"article": article}
        data.update(doc.sections())
        data["events"] = events
        if participations:
            data["participations"] = [{k: v for k, v in p.items() if v is not None} for p in participations]
        if project:
            data["projects"] = [project]
        if rng.random() < 0.25:
            about = project["key"] if project and rng.random() < 0.5 else event_key
            data["figures"] = [{"about": about, "value": rng.randint(2, 400),
                                "description": rng.choice(["uczestników projektu", "powiatowych spotkań",
                                                           "godzin szkoleniowych", "osób objętych wsparciem"])}]
        return key, data

    def _event_key(self, wanted: str) -> str:
        key, n = wanted, 2
        while key in self.event_keys:
            key = f"{wanted}-{n}"
            n += 1
        self.event_keys.add(key)
        return key


_MONTHS = ["stycznia", "lutego", "marca", "kwietnia", "maja", "czerwca", "lipca", "sierpnia", "września",
           "października", "listopada", "grudnia"]


COUNTY_TYPES = ("pcpr", "pup", "starostwo-powiatowe")


class _Doc:
    """The declared entities of one article (places, organisations, people, posts), in order."""

    def __init__(self, country: Country, rng: random.Random):
        self.c = country
        self.rng = rng
        self.places: dict[str, dict] = {}
        self.orgs: dict[str, dict] = {}
        self.people: dict[str, dict] = {}
        self.posts: dict[tuple, dict] = {}

    def place(self, key: str) -> str:
        place = self.c.places[key]
        if place.reference or key in self.places:
            return key
        for dependency in (place.county, place.city):
            if dependency:
                self.place(dependency)
        item: dict[str, Any] = {"key": key, "name": place.name, "kind": place.kind}
        if place.kind != "venue":
            item["voivodeship"] = place.voivodeship
        if place.county and place.kind != "county":
            item["county"] = place.county
        if place.city:
            item["city"] = place.city
        if place.address:
            item["address"] = place.address
        self.places[key] = item
        return key

    def org(self, key: str) -> str:
        if key in self.orgs:
            return key
        org = self.c.orgs[key]
        item: dict[str, Any] = {"key": key, "name": org.name}
        if org.acronym:
            item["acronym"] = org.acronym
        item["type"] = org.type
        if org.city:
            item["city"] = self.place(org.city)
        if org.county and org.type in COUNTY_TYPES:
            item["county"] = self.place(org.county)
        if org.voivodeship:
            item["voivodeship"] = org.voivodeship
        if org.part_of:
            item["part_of"] = self.org(org.part_of)
        if org.identifiers:
            item["identifiers"] = dict(org.identifiers)
        if self.rng.random() < 0.4:
            item["evidence"] = org.name
        self.orgs[key] = item
        return key

    def person(self, key: str, role: str | None, org_key: str | None, day: dt.date) -> None:
        person = self.c.people[key]
        if key not in self.people:
            item: dict[str, Any] = {"key": key, "name": person.name, "given_name": person.given,
                                    "family_name": person.family}
            if person.honorific:
                item["honorific"] = person.honorific
            item["gender"] = person.gender
            if self.rng.random() < 0.5:
                item["evidence"] = f"{person.honorific + ' ' if person.honorific else ''}{person.name}"
            self.people[key] = item
        if role and org_key and (key, role, org_key) not in self.posts:
            org = self.c.orgs[org_key]
            title = f"{ROLE_LABELS[role]} {org.gen}"
            self.org(org_key)
            post = {"person": key, "organisation": org_key, "role": role, "title": title}
            if self.rng.random() < 0.5:
                post["evidence"] = f"{person.name} – {title}"
            self.posts[(key, role, org_key)] = post

    def sections(self) -> dict[str, list]:
        out = {}
        for name, items in (("places", self.places), ("organisations", self.orgs), ("people", self.people),
                            ("posts", self.posts)):
            if items:
                out[name] = list(items.values())
        return out


# -- writing YAML -------------------------------------------------------------------------------------

_PLAIN = re.compile(r"[a-z0-9]*[a-z][a-z0-9-]*\Z|[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")  # slugs with a letter, dates
_YAML11_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null"}


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if _PLAIN.match(value) and value not in _YAML11_WORDS:
        return value
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid YAML double-quoted scalar


def _emit(value: Any, indent: str, out: list[str]) -> None:
    """Block-style YAML of mappings and lists of scalars/mappings."""
    for key, item in value.items():
        if isinstance(item, dict):
            out.append(f"{indent}{key}:")
            _emit(item, indent + "  ", out)
        elif isinstance(item, list):
            out.append(f"{indent}{key}:")
            for element in item:
                if isinstance(element, dict):
                    first = True
                    for k, v in element.items():
                        prefix = f"{indent}  - " if first else f"{indent}    "
                        first = False
                        if isinstance(v, (dict, list)):
                            out.append(f"{prefix}{k}:")
                            if isinstance(v, dict):
                                _emit(v, indent + "      ", out)
                            else:
                                out.extend(f"{indent}      - {_scalar(x)}" for x in v)
                        else:
                            out.append(f"{prefix}{k}: {_scalar(v)}")
                else:
                    out.append(f"{indent}  - {_scalar(element)}")
        else:
            out.append(f"{indent}{key}: {_scalar(item)}")


def to_yaml(data: dict) -> str:
    out = ["# Synthetic annotation (benchmarks/synth.py): not a real article."]
    for section, value in data.items():
        _emit({section: value}, "", out)
        out.append("")
    return "\n".join(out)


# -- entry points -------------------------------------------------------------------------------------

def _reference_labels() -> dict[str, Any]:
    topics = yaml.safe_load((ROOT / "data" / "reference" / "topics.yaml").read_text("utf-8"))["concepts"]
    return {"topics": {t["key"]: t["label_pl"] for t in topics}}


@functools.lru_cache(maxsize=2)
def country(seed: int = 0) -> Country:
    """The synthetic country of *seed* (articles only read it, so it is built once per seed)."""
    return Country(random.Random(f"kg-synth-country-{seed}"))


def iter_articles(articles: int, seed: int = 0) -> Iterator[tuple[str, dict]]:
    """(key, annotation data) of articles 0 … articles-1; the first N are the same for any larger count."""
    writer = ArticleWriter(country(seed), random.Random(f"kg-synth-articles-{seed}"), _reference_labels())
    for index in range(articles):
        yield writer.article(index)


def generate(articles: int, out: Path, seed: int = 0, *, progress: bool = False) -> list[Path]:
    """Write *articles* annotation files into *out* (created); return their paths."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    items = iter_articles(articles, seed)
    bar = None
    if progress and sys.stderr.isatty():
        import click
        bar = click.progressbar(items, length=articles, label="generating", show_pos=True, file=sys.stderr)
        items = bar.__enter__()
    try:
        for key, data in items:
            path = out / f"{key}.yaml"
            path.write_text(to_yaml(data), encoding="utf-8")
            paths.append(path)
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, required=True, help="number of articles (10 … 100000)")
    parser.add_argument("--out", type=Path, required=True, help="directory to write the YAML files into")
    parser.add_argument("--seed", type=int, default=0, help="random seed (same seed, same files)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    paths = generate(args.articles, args.out, args.seed, progress=True)
    print(f"wrote {len(paths)} articles to {args.out} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
