"""The fast schema check (jsonschema-rs) may only say *valid* where the Python validator finds nothing.

``kg.annotations`` skips the Python JSON Schema validator when jsonschema-rs accepts a document; if
jsonschema-rs were ever more lenient, a broken annotation would reach the builder unexplained.
"""
from __future__ import annotations

import copy
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from kg.annotations import _schema_validator, schema_conforms_fast
from kg.yamlstrict import read_yaml_file

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
import synth  # noqa: E402

FILES = sorted([*ROOT.glob("data/articles/*.yaml"), *ROOT.glob("tests/bad_annotations/*.yaml"),
                *ROOT.glob("tests/fuzz/*/*.yaml")])


def _mapping(path: Path):
    doc = read_yaml_file(path)
    return doc.data if not doc.problems and isinstance(doc.data, dict) else None


def python_errors(data) -> list[str]:
    return [error.message for error in _schema_validator().iter_errors(data)]


@pytest.fixture(scope="module")
def synthetic_documents():
    return [document for _, document in synth.iter_articles(40, seed=3)]


SEEDS = [d for d in map(_mapping, sorted(ROOT.glob("data/articles/*.yaml")))]


def test_every_seed_and_synthetic_article_takes_the_fast_path(synthetic_documents):
    # Otherwise the fast path silently never runs and every file pays the Python validator.
    assert SEEDS and all(schema_conforms_fast(d) for d in SEEDS)
    assert len(synthetic_documents) == 40 and all(schema_conforms_fast(d) for d in synthetic_documents)


#: The files that reach the schema check (the others are refused as YAML, before it).
MAPPINGS = [p for p in FILES if _mapping(p) is not None]


def test_most_test_files_reach_the_schema_check():
    assert len(MAPPINGS) >= 40 and len(MAPPINGS) >= len(FILES) // 2


@pytest.mark.parametrize("path", MAPPINGS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_fast_yes_means_no_python_error(path):
    data = _mapping(path)
    errors = python_errors(data)
    if schema_conforms_fast(data):
        assert errors == []
    # the bad files that are bad for schema reasons are caught by both
    if errors:
        assert not schema_conforms_fast(data)


def test_bad_schema_files_are_refused_by_the_fast_check():
    refused = [p.name for p in ROOT.glob("tests/bad_annotations/*.yaml")
               if (d := _mapping(p)) is not None and python_errors(d)]
    assert refused, "the bad annotation files include schema errors"
    assert all(not schema_conforms_fast(_mapping(ROOT / "tests/bad_annotations" / name)) for name in refused)


def test_year_zero_is_refused_by_both_checks():
    """Found by the fuzzing below: jsonschema-rs took 0000-01-01 for a date, Python (and xsd:date in XSD 1.0)
    do not, so an article dated in year 0 passed the fast check and was never explained."""
    document = copy.deepcopy(SEEDS[0])
    document["article"]["published_not_before"] = "0000-01-01"
    assert "'0000-01-01' is not a 'date'" in python_errors(document)
    assert not schema_conforms_fast(document)


#: Values that sit on the edges of the schema's types, formats and patterns.
TRICKY = ["", " ", "\n", "x", "abc\n", "a-b", "a--b", "-a", "Ab", "ąę", "jan-nowak-2", "2015-02-29",
          "2016-02-29", "2015-13-01", "2015-04-31", "20150101", "2015-1-01", "2015-01-01\n", "0000-01-01",
          "Q0", "Q12", "Q12\n", "q12", "pl", "PL", "pol", "p", "http://x y", "https://example.org/a",
          "https://example.org/a\n", "ftp://example.org", "https://example.org/<x>", 0, -1, 1, 1.0, 1.5,
          10 ** 12, True, False, None, [], {}, ["x"], {"key": "x"}]


def _paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, prefix + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, prefix + (index,))


def _mutated(document, path, action, value):
    document = copy.deepcopy(document)
    if not path:
        return document
    parent = document
    for step in path[:-1]:
        parent = parent[step]
    last = path[-1]
    if action == "replace":
        parent[last] = value
    elif action == "delete":
        del parent[last]
    elif action == "extra" and isinstance(parent[last], dict):
        parent[last]["unexpected"] = value
    return document


@settings(max_examples=400, deadline=None, database=None)
@given(seed=st.sampled_from(range(len(SEEDS))), pick=st.integers(min_value=0), action=st.sampled_from(
    ["replace", "replace", "replace", "delete", "extra"]), value=st.sampled_from(TRICKY))
def test_mutated_documents_fast_yes_means_no_python_error(seed, pick, action, value):
    document = SEEDS[seed]
    paths = list(_paths(document))
    mutated = _mutated(document, paths[pick % len(paths)], action, value)
    if schema_conforms_fast(mutated):
        assert python_errors(mutated) == []
