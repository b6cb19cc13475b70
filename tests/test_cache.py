"""kg.cache: parsed ontology and reference data kept between runs, never stale, never trusted blindly."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import ROOT
from kg import cache as kgcache, pipeline
from kg.config import Project
from kg.errors import OntologyError


def _entries(directory: Path, kind: str = "inputs") -> list[Path]:
    return sorted(directory.glob(f"{kind}-*.json"))


def _same_inputs(a: pipeline.Inputs, b: pipeline.Inputs) -> None:
    assert set(a.ontology) == set(b.ontology) and type(a.ontology) is type(b.ontology)
    assert set(a.reference.graph) == set(b.reference.graph)
    assert a.reference.keys == b.reference.keys
    some = next(iter(a.reference.keys["voivodeship"]))
    assert a.reference.iri("voivodeship", some) == b.reference.iri("voivodeship", some)
    assert a.reference.label("voivodeship", some) == b.reference.label("voivodeship", some)


@pytest.fixture
def copy(tmp_path, monkeypatch) -> Project:
    """A copy of the project's ontology and reference data, with a cache of its own."""
    for name in ("ontology", "data/reference"):
        shutil.copytree(ROOT / name, tmp_path / "project" / name)
    monkeypatch.setenv("KG_CACHE_DIR", str(tmp_path / "cache"))
    return Project(tmp_path / "project")


def test_the_second_read_comes_from_the_cache_and_equals_a_fresh_parse(copy, tmp_path, monkeypatch):
    first = pipeline.Inputs.read(copy)
    assert len(_entries(tmp_path / "cache")) == 1
    def no_parsing(*args, **kwargs):
        raise AssertionError("parsed again although the inputs did not change")
    monkeypatch.setattr(pipeline, "load_ontology", no_parsing)
    monkeypatch.setattr(pipeline, "load_reference", no_parsing)
    _same_inputs(pipeline.Inputs.read(copy), first)


def test_a_changed_input_file_is_parsed_again(copy, tmp_path):
    pipeline.Inputs.read(copy)
    ontology = next((copy.ontology_dir).glob("*.ttl"))
    ontology.write_text(ontology.read_text(encoding="utf-8") + "\n<https://example.org/x> a <https://example.org/Y> .\n",
                        encoding="utf-8")
    changed = pipeline.Inputs.read(copy)
    assert any(str(s) == "https://example.org/x" for s in changed.ontology.subjects())
    assert len(_entries(tmp_path / "cache")) == 2
    ontology.write_text("this is not turtle", encoding="utf-8")
    with pytest.raises(OntologyError, match="cannot parse the ontology"):
        pipeline.Inputs.read(copy)


def test_a_damaged_entry_is_ignored_and_replaced(copy, tmp_path):
    fresh = pipeline.Inputs.read(copy)
    (entry,) = _entries(tmp_path / "cache")
    current = kgcache.FORMAT
    for damage in ("{not json", f'{{"format": "{current}", "ontology": "<a> <b> .", "reference": ""}}',
                   f'{{"format": "{current}", "ontology": "", "reference": "", '
                   '"keys": [["no-such-namespace", "x", "urn:x", "x"]]}',
                   '{"format": "0"}'):
        entry.write_text(damage, encoding="utf-8")
        _same_inputs(pipeline.Inputs.read(copy), fresh)


def test_the_cache_can_be_switched_off_or_be_unwritable(copy, tmp_path, monkeypatch):
    monkeypatch.setenv("KG_CACHE_DIR", "off")
    fresh = pipeline.Inputs.read(copy)
    assert not (tmp_path / "cache").exists()
    blocked = tmp_path / "a-file"
    blocked.write_text("", encoding="utf-8")
    monkeypatch.setenv("KG_CACHE_DIR", str(blocked / "cache"))  # cannot be created: a file is in the way
    _same_inputs(pipeline.Inputs.read(copy), fresh)


def test_the_fingerprint_covers_the_base_iri_kgs_code_and_every_input_file(copy, monkeypatch):
    base = "https://w3id.org/kg-pl-inclusion/id/"
    key = kgcache.fingerprint(base, copy.ontology_dir, copy.reference_dir)
    with monkeypatch.context() as patch:  # as if kg's code had changed
        patch.setattr(kgcache, "_source_digest", lambda: b"other code")
        assert kgcache.fingerprint(base, copy.ontology_dir, copy.reference_dir) != key
    assert kgcache.fingerprint("https://example.org/kg/", copy.ontology_dir, copy.reference_dir) != key
    reference_file = next(p for p in copy.reference_dir.rglob("*") if p.is_file())
    reference_file.write_bytes(reference_file.read_bytes() + b"\n")
    assert kgcache.fingerprint(base, copy.ontology_dir, copy.reference_dir) != key


def test_checked_shapes_come_from_the_cache_and_broken_ones_are_still_refused(tmp_path, monkeypatch):
    from kg import validate
    from kg.errors import ShapesError

    shapes_dir = tmp_path / "shapes"
    shutil.copytree(ROOT / "shapes", shapes_dir)
    monkeypatch.setenv("KG_CACHE_DIR", str(tmp_path / "cache"))
    validate._SHAPES_CACHE.clear()
    fresh = set(validate.load_shapes(shapes_dir))
    assert len(_entries(tmp_path / "cache", "shapes")) == 1
    validate._SHAPES_CACHE.clear()
    monkeypatch.setattr(validate, "check_shapes", lambda *a, **k: pytest.fail("checked again although unchanged"))
    assert set(validate.load_shapes(shapes_dir)) == fresh
    monkeypatch.undo()
    monkeypatch.setenv("KG_CACHE_DIR", str(tmp_path / "cache"))
    shape_file = next(shapes_dir.glob("*.ttl"))
    shape_file.write_text(shape_file.read_text(encoding="utf-8") + "\n<urn:x> <urn:y> \n", encoding="utf-8")
    validate._SHAPES_CACHE.clear()
    with pytest.raises(ShapesError, match="cannot parse the shapes"):
        validate.load_shapes(shapes_dir)
    validate._SHAPES_CACHE.clear()

