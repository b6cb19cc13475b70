"""`kg annotate`: Polish morphology, dates, attendance, institutions, people, whole drafts and their F1."""
from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.annotate import annotate_file, drafter_for, dump_draft
from kg.annotate.dates import find_dates
from kg.annotate.evaluate import compare, total
from kg.annotate.identity import StoreIndex
from kg.annotate.institutions import InstitutionFinder
from kg.annotate.numbers import find_attendance
from kg.annotate.people import find_people, surname_nominative
from kg.annotate.places import place_after_preposition
from kg.annotate.text import Document, read_article
from kg.annotations import read_annotation
from kg.cli import cli
from kg.errors import AnnotationError
from kg.reference import load_reference
from kg.yamlstrict import read_yaml_file

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"
OWN = ROOT / "tests" / "annotate_texts"


@pytest.fixture(scope="module")
def drafter():
    return drafter_for(ROOT / "data" / "reference")


@pytest.fixture(scope="module")
def reference():
    return load_reference(ROOT / "data" / "reference")


# -- people ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("text,name,honorific,gender", [
    ("wystąpienie prof. Mirosława Grewińskiego", "Mirosław Grewiński", "prof.", "male"),
    ("Pani Mirosława Zielony – Dyrektor", "Mirosława Zielony", None, "female"),
    ("Pan prof. nadzw. dr hab.Mirosław Grewiński", "Mirosław Grewiński", "prof. nadzw. dr hab.", "male"),
    ("Patronatem Marszałka Województwa Zachodniopomorskiego Olgierda Geblewicza", "Olgierd Geblewicz", None, "male"),
    ("spotkali się z Anną Kowalską, dyrektorką", "Anna Kowalska", None, "female"),          # instrumental
    ("podziękowania złożono Janowi Nowakowi", "Jan Nowak", None, "male"),                  # dative
    ("wręczono Katarzynie Wiśniewskiej i Piotrowi Zielińskiemu", "Katarzyna Wiśniewska", None, "female"),
    ("rozmowa z dr. Tomaszem Lewandowskim", "Tomasz Lewandowski", "dr.", "male"),
    ("Pani Dorota Rybarska – Jarosz, Dyrektor", "Dorota Rybarska-Jarosz", None, "female"),  # spaced dash
    ("Pani Grażyna Dziadowicz-Kulka – doradczyni", "Grażyna Dziadowicz-Kulka", None, "female"),
    ("Rozmowy z Małgorzatą Nowicką-Sową, kierownikiem", "Małgorzata Nowicka-Sowa", None, "female"),
    ("Pan Tomasza Piechowiak – Prezes", "Tomasz Piechowiak", None, "male"),                # the article's slip
])
def test_people_are_named_in_the_nominative_with_honorifics_apart(drafter, text, name, honorific, gender):
    people = drafter.people.find(Document(text))
    assert people, text
    assert (people[0].name, people[0].honorific, people[0].gender) == (name, honorific, gender)


def test_both_people_of_a_dative_pair_are_found():
    names = [p.name for p in find_people(Document("wręczono Katarzynie Wiśniewskiej i Piotrowi Zielińskiemu"))]
    assert names == ["Katarzyna Wiśniewska", "Piotr Zieliński"]


@pytest.mark.parametrize("form,gender,case,nominative", [
    ("Grewińskiego", "male", "gen", "Grewiński"), ("Nowickiej", "female", "gen", "Nowicka"),
    ("Zielińskiemu", "male", "dat", "Zieliński"), ("Misiaszkiem", "male", "inst", "Misiaszek"),
    ("Idziniak", "female", "gen", "Idziniak"), ("Lewandowską", "female", "inst", "Lewandowska"),
])
def test_surname_declension_rules(form, gender, case, nominative):
    assert surname_nominative(form, gender, case)[0] == nominative


def test_institution_names_are_not_people(drafter):
    doc = Document("prorektora Wyższej Szkoły Pedagogicznej im. Janusza Korczaka w Warszawie")
    spans = [m.span for m in drafter.institutions.find(doc)]
    assert drafter.people.find(doc, spans) == []


# -- places and institutions ----------------------------------------------------------------------

@pytest.mark.parametrize("text,name", [
    ("w Lublinie", "Lublin"), ("we Wrocławiu", "Wrocław"), ("w Zielonej Górze", "Zielona Góra"),
    ("z Krosna Odrzańskiego", "Krosno Odrzańskie"), ("w Ostrowcu Świętokrzyskim", "Ostrowiec Świętokrzyski"),
    ("w Szczawnie-Zdroju", "Szczawno-Zdrój"), ("w Goleniowie", "Goleniów"),
])
def test_place_names_in_the_locative_and_genitive(text, name):
    assert place_after_preposition(Document(text).tokens, 0).name == name


@pytest.mark.parametrize("text,type_,city,voivodeship,name", [
    ("Dyrektor Regionalnego Ośrodka Polityki Społecznej w Lublinie", "rops", "lublin", "lubelskie",
     "Regionalny Ośrodek Polityki Społecznej w Lublinie"),
    ("przedstawiciel Wojewódzkiego Urzędu Pracy w Lublinie", "wup", "lublin", "lubelskie", "Wojewódzki Urząd Pracy w Lublinie"),
    ("z Miejskim Ośrodkiem Pomocy Społecznej w Wałbrzychu", "mops", "walbrzych", None,
     "Miejski Ośrodek Pomocy Społecznej w Wałbrzychu"),
    ("Dyrektor Miejskiego Ośrodka Pomocy Rodzinie w Szczecinie", "mopr", "szczecin", "zachodniopomorskie",
     "Miejski Ośrodek Pomocy Rodzinie w Szczecinie"),
    ("kierownik Gminnego Ośrodka Pomocy Społecznej w Bodzentynie", "gops", "bodzentyn", None,
     "Gminny Ośrodek Pomocy Społecznej w Bodzentynie"),
    ("Dyrektor Powiatowego Centrum Pomocy Rodzinie w Koszalinie", "pcpr", "koszalin", None,
     "Powiatowe Centrum Pomocy Rodzinie w Koszalinie"),
    ("przedstawiciele Powiatowego Urzędu Pracy w Braniewie", "pup", "braniewo", None, "Powiatowy Urząd Pracy w Braniewie"),
    ("Kierownik Ośrodka Wsparcia Ekonomii Społecznej w Zielonej Górze", "owes", "zielona-gora", "lubuskie",
     "Ośrodek Wsparcia Ekonomii Społecznej w Zielonej Górze"),
    ("przedstawiciel Ministerstwa Pracy i Polityki Społecznej", "ministerstwo", None, None,
     "Ministerstwo Pracy i Polityki Społecznej"),
    ("Urzędu Marszałkowskiego Województwa Opolskiego", "urzad-marszalkowski", "opole", "opolskie",
     "Urząd Marszałkowski Województwa Opolskiego"),
    ("z przedstawicielami ROPS w Olsztynie", "rops", "olsztyn", "warminsko-mazurskie",
     "Regionalny Ośrodek Polityki Społecznej w Olsztynie"),
    ("Dyrektor WUP w Szczecinie", "wup", "szczecin", "zachodniopomorskie", "Wojewódzki Urząd Pracy w Szczecinie"),
    ("przygotowanego przez Odrzańską Spółdzielnię Socjalną z Krosna Odrzańskiego", "spoldzielnia-socjalna",
     "krosno-odrzanskie", None, "Odrzańska Spółdzielnia Socjalna"),
])
def test_institutions_in_any_case_map_to_type_seat_and_nominative_name(drafter, text, type_, city, voivodeship, name):
    mentions = drafter.institutions.find(Document(text))
    assert mentions, text
    m = mentions[0]
    assert (m.type, m.city, m.voivodeship, m.name) == (type_, city, voivodeship, name)


def test_a_department_in_a_ministry_is_part_of_it(drafter):
    doc = Document("z reprezentantami Departamentu Pomocy i Integracji Społecznej w Ministerstwie Pracy i Polityki Społecznej")
    department = drafter.institutions.find(doc)[0]
    assert department.type == "departament-ministerstwa"
    assert department.part_of.name == "Ministerstwo Pracy i Polityki Społecznej"


# -- dates and attendance ------------------------------------------------------------------------

@pytest.mark.parametrize("text,start,end", [
    ("W dniu 31 marca 2015 r. odbyła się", "2015-03-31", None),
    ("w dniach 21-23.09.2016 w Kielcach", "2016-09-21", "2016-09-23"),
    ("w dniach 7–9 września 2015 r.", "2015-09-07", "2015-09-09"),
    ("Dnia 30.10.2013 r. w Sali", "2013-10-30", None),
    ("24 stycznia 2011r.we Wrocławiu", "2011-01-24", None),
    ("30 listopada – 1 grudnia 2017 r.", "2017-11-30", "2017-12-01"),
    ("5.06.2018 r. w auli", "2018-06-05", None),
])
def test_polish_date_forms(text, start, end):
    found = find_dates(text)
    assert len(found) == 1
    assert (str(found[0].start), str(found[0].end) if found[0].end else None) == (start, end)


def test_impossible_dates_are_skipped():
    assert find_dates("31.02.2015 i 30 lutego 2016") == []


@pytest.mark.parametrize("text,count,qualifier", [
    ("W konferencji wzięło udział ponad 80 osób, przedstawicieli instytucji.", 80, "more-than"),
    ("W konferencji udział wzięło 73 przedstawicieli jednostek samorządów.", 73, "exact"),
    ("W konferencji uczestniczyło 120 przedstawicieli kadry zarządzającej.", 120, "exact"),
    ("Na spotkanie przybyło blisko 60 osób.", 60, "about"),
    ("W seminarium wzięło udział ponad 100 osób.", 100, "more-than"),
    ("Przewidujemy udział około 150 osób.", 150, "about"),
])
def test_attendance_forms(text, count, qualifier):
    found = find_attendance(text)
    assert [(a.count, a.qualifier) for a in found] == [(count, qualifier)]


def test_attendance_description_is_nominative():
    found = find_attendance("wzięło udział ponad 80 osób, przedstawicieli instytucji pomocy społecznej.")
    assert found[0].description == "przedstawiciele instytucji pomocy społecznej"


def test_years_are_not_attendance():
    assert find_attendance("W spotkaniu uczestniczyło 2015 r. wielu gości.") == []


# -- whole drafts ---------------------------------------------------------------------------------

def _gold_cases():
    cases = [(p, SEEDS) for p in sorted((ROOT / "data" / "articles").glob("*.yaml"))]
    return cases + [(p, OWN) for p in sorted(OWN.glob("*.yaml"))]


@pytest.mark.parametrize("gold_path", [c[0] for c in _gold_cases()], ids=lambda p: p.stem)
def test_every_draft_passes_the_annotation_checks(tmp_path, drafter, reference, gold_path):
    gold = read_yaml_file(gold_path).data
    text = (gold_path.parent / gold["article"]["source_path"]).resolve()
    if not text.exists():
        pytest.skip(f"{text} not available")
    out = tmp_path / (gold_path.stem + ".yaml")
    started = time.perf_counter()
    draft = annotate_file(text, out, drafter)
    assert time.perf_counter() - started < 1.0, "drafting an article takes under a second"
    annotation, problems = read_annotation(out, reference)
    assert annotation is not None and [p for p in problems if p.severity == "error"] == [], problems
    assert "# span: " in out.read_text(encoding="utf-8")
    for item in draft.sections["people"] + draft.sections["organisations"]:  # spans point at the evidence
        assert draft.text[item.span[0]:item.span[1]].strip().startswith(item.data["evidence"][:20])


def _scores(directory: Path, drafter, gold_dir: Path):
    names = {k: v[0] for k, v in drafter.lexicon.cities.items()}
    per_article = {}
    for gold_path in sorted(gold_dir.glob("*.yaml")):
        gold = read_yaml_file(gold_path).data
        text = (gold_path.parent / gold["article"]["source_path"]).resolve()
        if not text.exists():
            pytest.skip(f"{text} not available")
        draft = drafter.draft(read_article(text), source_id=text.stem)
        per_article[gold_path.name] = compare(gold, draft.data(), names)
    return total(per_article)


def test_f1_on_the_seed_articles_meets_the_targets(drafter):
    if not SEEDS.exists():
        pytest.skip("../shared/seeds not available")
    scores = _scores(SEEDS, drafter, ROOT / "data" / "articles")
    for kind in ("people", "organisations", "dates", "places"):
        assert scores[kind].f1 >= 0.9, (kind, scores[kind].errors)
    for kind in ("posts", "attendance"):
        assert scores[kind].f1 >= 0.8, (kind, scores[kind].errors)


def test_f1_on_the_own_test_texts(drafter):
    scores = _scores(OWN, drafter, OWN)
    assert scores["overall"].f1 >= 0.85, scores["overall"].errors
    for kind in ("people", "organisations", "dates", "places"):
        assert scores[kind].f1 >= 0.85, (kind, scores[kind].errors)


def test_an_announcement_and_a_changed_post(drafter):
    text = (OWN / "a02-rzeszow-zapowiedz-konferencji-2015.txt").read_text(encoding="utf-8")
    draft = drafter.draft(text, source_id="a02").data()
    assert draft["article"]["announcement"] is True and draft["article"]["published"] == "2015-08-12"
    text = (OWN / "a03-opole-forum-2018.txt").read_text(encoding="utf-8")
    posts = {(p["person"], p["role"], p["organisation"]) for p in drafter.draft(text, source_id="a03").data()["posts"]}
    assert {("ewa-sowinska", "kierownik", "owes-opole"), ("ewa-sowinska", "dyrektor", "rops-opole")} <= posts


# -- reading, CLI and identity ---------------------------------------------------------------------

def test_non_utf8_text_names_the_byte_offset_and_cp1250_is_accepted(tmp_path):
    path = tmp_path / "old.txt"
    path.write_bytes("Konferencja w Łodzi".encode("cp1250"))
    with pytest.raises(AnnotationError, match="byte offset 14; it looks like cp1250"):
        read_article(path)
    assert read_article(path, "cp1250") == "Konferencja w Łodzi"


def test_cli_writes_a_draft_and_reports(tmp_path):
    article = OWN / "a05-ostrowiec-spotkanie-2019.txt"
    out = tmp_path / "draft.yaml"
    result = CliRunner().invoke(cli, ["annotate", str(article), "-o", str(out), "--url", "https://example.org/a",
                                      "--published", "2019-05-20"])
    assert result.exit_code == 0, result.output
    data = read_yaml_file(out).data
    assert data["article"]["published"] == "2019-05-20" and data["article"]["url"] == "https://example.org/a"
    assert "drafted a05-ostrowiec-spotkanie-2019.txt" in result.output
    assert "annotate" in CliRunner().invoke(cli, ["--help"]).output


def test_identity_reuses_store_keys_and_lists_uncertain_matches(drafter):
    text = (OWN / "a01-kielce-szkolenie-2016.txt").read_text(encoding="utf-8")
    draft = drafter.draft(text, source_id="a01")
    index = StoreIndex(people={"anna-kowalska-2": ("Anna Kowalska", "Kowalska"), "jan-nowak-kowal": ("Jan Nowak-Kowal", "Nowak-Kowal")},
                       orgs={"rops-swietokrzyskie": ("Regionalny Ośrodek Polityki Społecznej w Kielcach", "rops", "kielce")})
    index.reconcile(draft)
    data = draft.data()
    assert "anna-kowalska-2" in {p["key"] for p in data["people"]}
    assert {p["person"] for p in data["posts"]} >= {"anna-kowalska-2"}
    assert "rops-swietokrzyskie" in data["events"][0]["organisers"]
    assert any("jan-nowak-kowal" in c for c in draft.candidates)
    assert "Possible matches in the store" in dump_draft(draft)


def test_identity_against_a_real_store(built_store):
    index = StoreIndex.open(built_store)
    assert index.people["miroslaw-grewinski"][0] == "Mirosław Grewiński"
    assert index.orgs["rops-lublin"][1:] == ("rops", "lublin")
