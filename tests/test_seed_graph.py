"""The graph built from the five seed articles says what the articles say."""
from __future__ import annotations

import pytest

from conftest import select

SEED_PEOPLE = {
    "Aleksandra Warmińska", "Mirosław Grewiński", "Barbara Dybkowska", "Olgierd Geblewicz",
    "Dorota Rybarska-Jarosz", "Agata Kmieć-Łuciuk", "Tomasz Piechowiak", "Agnieszka Idziniak", "Marta Giezek",
    "Robert Krupowicz", "Mirosława Zielony", "Andrzej Przewoda", "Grażyna Dziadowicz-Kulka", "Tomasz Igielski",
    "Marek Jurzyński", "Aneta Koszewska", "Jakub Piosik", "Cezary Miżejewski", "Magdalena Tokarska",
    "Adam Misiaszek",
}


def test_all_twenty_people_exist_once_each_in_the_nominative(seed_store):
    # DISTINCT: Oxigraph's union default graph repeats a triple once per graph that holds it.
    rows = select(seed_store, "SELECT DISTINCT ?p ?name { ?p a kgo:Person ; schema:name ?name }")
    names = [r["name"] for r in rows]
    assert sorted(names) == sorted(SEED_PEOPLE)
    assert len({r["p"] for r in rows}) == 20


def test_titles_are_kept_apart_from_names(seed_store):
    rows = select(seed_store, """SELECT ?name ?title { ?p schema:name ?name ; schema:honorificPrefix ?title
                                  FILTER(?name = "Mirosław Grewiński") }""")
    titles = {r["title"] for r in rows}
    assert "prof. nadzw. dr hab." in titles
    assert all(not any(t in n for t in ("prof", "dr ", "Pan ", "Pani ")) for n in SEED_PEOPLE)


def test_grewinski_is_one_node_linked_to_both_his_events(seed_store):
    rows = select(seed_store, """
        SELECT DISTINCT ?person ?date ?region {
          ?person schema:name "Mirosław Grewiński" .
          ?part cv:hasParticipant ?person ; kgo:inEvent ?event .
          ?event schema:startDate ?date ; kgo:inVoivodeship/rdfs:label ?region . FILTER(lang(?region) = "pl")
        }""")
    assert len({r["person"] for r in rows}) == 1
    assert {(r["date"], r["region"]) for r in rows} == {
        ("2015-03-31", "województwo lubelskie"), ("2017-04-26", "województwo zachodniopomorskie")}



def test_the_active_role_shortcut_is_written_exactly_beside_active_participations(seed_store):
    """Each article graph says `agent kgo:tookActiveRoleIn event` exactly where it has a participation of the
    agent in the event in role:active-role or a role under it (skos:broader in the reference data), and
    nowhere else: the cross-regional queries read the shortcut instead of the participations."""
    shortcuts = {(r["g"], r["agent"], r["event"]) for r in select(seed_store, """
        SELECT ?g ?agent ?event { GRAPH ?g { ?agent kgo:tookActiveRoleIn ?event } }""")}
    active = {(r["g"], r["agent"], r["event"]) for r in select(seed_store, """
        SELECT DISTINCT ?g ?agent ?event {
          GRAPH ?g { ?part cv:hasParticipant ?agent ; kgo:inEvent ?event ; cv:role ?role }
          ?role skos:broader* role:active-role .
        }""")}
    passive_roles = {r["role"] for r in select(seed_store, """
        SELECT DISTINCT ?role { GRAPH ?g { ?part cv:role ?role }
                                FILTER NOT EXISTS { ?role skos:broader* role:active-role } }""")}
    assert shortcuts == active
    assert len(active) >= 20  # the seeds' talks, panels, trainings, openings …
    assert passive_roles  # … and participations in other roles, which get no shortcut
    assert {r["name"] for r in select(seed_store, """
        SELECT DISTINCT ?name { ?person kgo:tookActiveRoleIn ?event ; schema:name ?name .
                                ?event schema:startDate "2015-03-31"^^<http://www.w3.org/2001/XMLSchema#date> }""")
            } >= {"Mirosław Grewiński", "Barbara Dybkowska"}

EVENTS = [
    # date, city, voivodeship, organiser (substring of its Polish name), count, qualifier
    ("2015-03-31", "Lublin", "województwo lubelskie", "Regionalny Ośrodek Polityki Społecznej w Lublinie", 80, "more-than"),
    ("2017-04-26", "Szczecin", "województwo zachodniopomorskie", "Wojewódzki Urząd Pracy w Szczecinie", 73, "exact"),
    ("2011-01-24", "Wrocław", "województwo dolnośląskie", "Dolnośląska Agencja Rozwoju Regionalnego", 120, "exact"),
    ("2013-10-30", "Braniewo", "województwo warmińsko-mazurskie", "Regionalny Ośrodek Polityki Społecznej", None, None),
    ("2016-12-07", "Zielona Góra", "województwo lubuskie", "Regionalny Ośrodek Polityki Społecznej w Zielonej Górze", None, None),
]


@pytest.mark.parametrize("date,city,region,organiser,count,qualifier", EVENTS)
def test_each_event_has_date_place_organiser_and_attendance(seed_store, date, city, region, organiser, count, qualifier):
    rows = select(seed_store, f"""
        SELECT ?e ?city ?region ?org ?count ?q {{
          ?e schema:startDate "{date}"^^<http://www.w3.org/2001/XMLSchema#date> .
          FILTER NOT EXISTS {{ ?e kgo:partOfEvent ?parent }}
          ?e kgo:inCity/rdfs:label ?city ; kgo:inVoivodeship/rdfs:label ?region ; kgo:organiser/schema:name ?org .
          FILTER(lang(?city) = "pl" && lang(?region) = "pl")
          OPTIONAL {{ ?e kgo:participantCount ?count ; kgo:participantCountQualifier ?q }}
        }}""")
    assert len({r["e"] for r in rows}) == 1, rows
    assert {r["city"] for r in rows} == {city}
    assert {r["region"] for r in rows} == {region}
    assert any(organiser in r["org"] for r in rows), rows
    counts = {(int(r["count"]) if r["count"] else None, r["q"].rsplit("/", 1)[-1] if r["q"] else None) for r in rows}
    assert counts == {(count, qualifier)}


POSTS = [
    ("Aleksandra Warmińska", "dyrektor", "Regionalny Ośrodek Polityki Społecznej w Lublinie"),
    ("Mirosław Grewiński", "prorektor", "Wyższa Szkoła Pedagogiczna im. Janusza Korczaka w Warszawie"),
    ("Dorota Rybarska-Jarosz", "dyrektor", "Regionalny Ośrodek Polityki Społecznej"),
    ("Agata Kmieć-Łuciuk", "dyrektor", "Wydział Polityki Społecznej"),
    ("Tomasz Piechowiak", "prezes", "SOS dla Rodziny"),
    ("Agnieszka Idziniak", "wicedyrektor", "Wojewódzki Urząd Pracy w Szczecinie"),
    ("Marta Giezek", "dyrektor", "Miejski Ośrodek Pomocy Rodzinie w Szczecinie"),
    ("Robert Krupowicz", "burmistrz", "Goleni"),
    ("Mirosława Zielony", "dyrektor", "Powiatowe Centrum Pomocy Rodzinie w Koszalinie"),
    ("Andrzej Przewoda", "dyrektor", "Wojewódzki Urząd Pracy w Szczecinie"),
    ("Olgierd Geblewicz", "marszalek-wojewodztwa", "Zachodniopomorskiego"),
    ("Grażyna Dziadowicz-Kulka", "doradca", "Regionalny Ośrodek Polityki Społecznej w Olsztynie"),
    ("Tomasz Igielski", "doradca", "Regionalny Ośrodek Polityki Społecznej w Olsztynie"),
    ("Marek Jurzyński", "doradca", "Regionalny Ośrodek Polityki Społecznej w Olsztynie"),
    ("Jakub Piosik", "dyrektor", "Regionalny Ośrodek Polityki Społecznej w Zielonej Górze"),
    ("Magdalena Tokarska", "kierownik", "Ośrodek Wsparcia Ekonomii Społecznej w Zielonej Górze"),
]


@pytest.mark.parametrize("person,role,organisation", POSTS)
def test_posts_name_the_right_role_and_organisation(seed_store, person, role, organisation):
    rows = select(seed_store, f"""
        SELECT ?role ?org {{
          ?h a kgo:PostHolding ; org:member/schema:name "{person}" ; org:role ?role ;
             org:organization/schema:name ?org ; kgo:statedOn ?date ; prov:wasDerivedFrom ?article .
        }}""")
    assert any(r["role"].endswith("/" + role) and organisation in r["org"] for r in rows), rows


def test_the_sixteen_voivodeships_carry_teryt_codes_and_wikidata(seed_store):
    rows = select(seed_store, """SELECT ?v ?teryt ?wd { ?v a kgo:Voivodeship ; kgo:teryt ?teryt ;
                                  skos:exactMatch ?wd }""")
    assert len(rows) == 16
    assert sorted(r["teryt"] for r in rows) == [f"{n:02d}" for n in range(2, 33, 2)]
    assert all(r["wd"].startswith("http://www.wikidata.org/entity/Q") for r in rows)


def test_every_article_has_its_own_graph_with_provenance(seed_store):
    rows = select(seed_store, """SELECT ?g ?article ?when ?publisher {
        GRAPH ?g { ?g prov:wasDerivedFrom ?article ; prov:generatedAtTime ?when .
                   ?article a kgo:Article ; dct:publisher ?publisher } }""")
    assert len(rows) == 5
    assert all(r["g"].endswith(r["article"].rsplit("/", 1)[-1]) for r in rows)


def test_institutions_only_mentioned_are_in_the_graph(seed_store):
    names = {r["n"] for r in select(seed_store, "SELECT ?n { ?o a kgo:Organisation ; schema:name ?n }")}
    for expected in ("Hrubieszów", "Kraśnik", "Świdnik", "Miejski Ośrodek Pomocy Społecznej w Wałbrzychu",
                     "Powiatowy Urząd Pracy w Wałbrzychu", "Powiatowy Urząd Pracy w Braniewie",
                     "Departament Pomocy i Integracji Społecznej", "Odrzańska Spółdzielnia Socjalna",
                     "WYG International"):
        assert any(expected in n for n in names), expected


def test_projects_carry_their_programme_and_measure(seed_store):
    rows = select(seed_store, """SELECT ?title ?measure ?programme { ?p a kgo:Project ; dct:title ?title ;
                                  kgo:fundedUnderMeasure/skos:notation ?measure ;
                                  kgo:fundedUnderMeasure/kgo:partOfScheme+ ?programme }""")
    migration = [r for r in rows if r["title"].startswith("Badanie")]
    assert {r["measure"] for r in migration} == {"7.2.1"}
    assert any(r["programme"].endswith("/programme/po-kl") for r in migration)
