"""kg.rdfterms: the N-Triples terms a build prints must be the terms pyoxigraph reads and prints.

A build hands its article triples to pyoxigraph as text it printed itself, and compares them with
terms the store prints (kg.validate.BuildContext), so a literal printed differently would either not
load, load as another value, or be kept twice.
"""
from __future__ import annotations

import random

import pyoxigraph as ox
import pytest
from rdflib import Literal, URIRef
from rdflib import namespace

from kg import pipeline
from kg.config import Project
from kg.rdfterms import nt_literal, nt_term

from conftest import ROOT

XSD = namespace.Namespace(namespace.XSD)  # an open namespace: pytest looks for mock attributes on module globals

TEXTS = ['Dzień "otwarty" w ROPS', "C:\\dane\\raport", "wiersz\ndrugi\r\ntrzeci", "tab\there", "\b\f",
         "zażółć gęślą jaźń ŻÓŁW", "emoji 🎉 i znaki \u2028 \u00a0", "", "\\\"", *(chr(c) for c in range(0x20)), "\x7f"]


@pytest.mark.parametrize("text", TEXTS)
def test_a_literal_is_printed_as_pyoxigraph_prints_it(text):
    assert nt_literal(text) == str(ox.Literal(text))
    assert nt_literal(text, language="pl") == str(ox.Literal(text, language="pl"))
    assert nt_literal(text, datatype=str(XSD.token)) == str(ox.Literal(text, datatype=ox.NamedNode(str(XSD.token))))


def test_random_texts_print_alike_and_read_back_as_the_same_value():
    rng = random.Random(9)
    alphabet = [chr(c) for c in range(0x00, 0x80)] + list("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ€\u2028\ufeff🎉")
    for _ in range(2000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 12)))
        printed = nt_literal(text, language="pl")
        assert printed == str(ox.Literal(text, language="pl"))
        (quad,) = ox.parse(f"<http://e/s> <http://e/p> {printed} .\n", format=ox.RdfFormat.N_TRIPLES)
        assert quad.object.value == text


def test_rdflib_terms_print_as_the_same_pyoxigraph_terms():
    for term, expected in [(URIRef("http://e/x"), ox.NamedNode("http://e/x")),
                           (Literal("x"), ox.Literal("x")),
                           (Literal("x", datatype=XSD.string), ox.Literal("x")),
                           (Literal("2012", datatype=XSD.gYear), ox.Literal("2012", datatype=ox.NamedNode(str(XSD.gYear)))),
                           (Literal(True), ox.Literal("true", datatype=ox.NamedNode(str(XSD.boolean)))),
                           (Literal('a "b"', lang="en"), ox.Literal('a "b"', language="en"))]:
        assert nt_term(term) == str(expected)


def test_an_articles_triples_are_those_of_its_rdflib_graph():
    """What a build writes (the printed terms) and what rdflib reads from them are the same triples,
    for every seed article (literals with quotes, dates, counts, booleans, years)."""
    inputs = pipeline.Inputs.read(Project(ROOT))
    for article in pipeline.prepare_articles(Project(ROOT).article_files(), inputs):
        printed = set(article.triples())
        assert len(printed) == len(article) > 50
        as_rdflib = article.graph  # from now on the rdflib graph is the article's content
        assert len(as_rdflib) == len(printed)
        assert set(article.triples()) == printed
        parsed = {(str(q.subject), str(q.predicate), str(q.object))
                  for q in ox.parse("".join(article.nquads()), format=ox.RdfFormat.N_QUADS)}
        assert parsed == printed
