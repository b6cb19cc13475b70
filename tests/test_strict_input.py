"""The annotation reader refuses what YAML 1.1 would silently change, and says where and how to fix it."""
from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings, strategies as st

from kg.iri import InvalidKey, mint, slugify
from kg.yamlstrict import read_yaml_text, decode_text, YamlProblem


@pytest.mark.parametrize("text,message", [
    ("a: no\n", "'no' is a boolean in YAML 1.1"),
    ("a: Yes\n", "'Yes' is a boolean in YAML 1.1"),
    ("a: 010\n", "leading zero (an octal number in YAML 1.1)"),
    ("a: 1:20\n", "base-60 number"),
    ("a: 1.5\n", "fractional number"),
    ("a: 1\nb: 2\na: 3\n", "duplicate key 'a' (first at line 1)"),
    ("a: &x [1]\nb: *x\n", "anchors (&name) are not allowed"),
    ("a: !!python/object/apply:os.system ['ls']\n", "explicit tags"),
    ("a: 'x\x07'\n", "control character or lone surrogate U+0007"),
    ("a: 'x\x85'\n", "control character or lone surrogate U+0085"),
    ("a: [b\n", "YAML syntax"),
    ("", "the file is empty"),
])
def test_ambiguous_or_unsafe_yaml_is_refused_with_a_located_message(text, message):
    doc = read_yaml_text(text, "article.yaml")
    assert doc.problems, f"accepted: {text!r}"
    problem = str(doc.problems[0])
    assert problem.startswith("article.yaml:")
    assert message in problem


def test_quoted_values_stay_text_and_plain_ones_are_typed():
    doc = read_yaml_text("a: 'no'\nb: '010'\nc: 73\nd: true\ne: 2015-03-31\nf: ~\n", "x.yaml")
    assert not doc.problems
    assert doc.data == {"a": "no", "b": "010", "c": 73, "d": True, "e": "2015-03-31", "f": None}


def test_positions_point_at_the_value():
    doc = read_yaml_text("article:\n  key: abc\n  title: Tytuł\n", "x.yaml")
    assert doc.position(("article", "title")) == (3, 10)


def test_a_billion_laughs_document_is_refused_before_expansion():
    bomb = "a: &a ['x','x','x','x','x','x','x','x','x']\n" + "".join(
        f"{c}: &{c} [*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p}]\n" for p, c in zip("abcdefgh", "bcdefghi"))
    doc = read_yaml_text(bomb, "bomb.yaml")
    assert doc.data is None and "anchors" in str(doc.problems[0])


def test_deep_nesting_is_refused():
    doc = read_yaml_text("a: " + "[" * 30 + "1" + "]" * 30 + "\n", "deep.yaml")
    assert any("nested deeper" in str(p) for p in doc.problems)


def test_non_utf8_text_names_the_byte_offset_and_suggests_an_encoding():
    raw = "title: Gmina Świdnik\n".encode("cp1250")
    with pytest.raises(YamlProblem) as caught:
        decode_text(raw, "a.yaml")
    message = str(caught.value.problem)
    assert "byte offset 13" in message and "cp1250" in message
    assert decode_text(raw, "a.yaml", "cp1250") == "title: Gmina Świdnik\n"


def test_bom_and_crlf_are_accepted():
    text = decode_text("\ufeffa: 1\r\nb: x\r\n".encode("utf-8"), "a.yaml")
    assert read_yaml_text(text, "a.yaml").data == {"a": 1, "b": "x"}


def test_nfc_and_nfd_spellings_mint_the_same_iri():
    nfc = unicodedata.normalize("NFC", "Mirosław Grewiński")
    nfd = unicodedata.normalize("NFD", nfc)
    assert nfc != nfd
    assert mint("person", nfc) == mint("person", nfd)
    assert str(mint("person", nfc)).endswith("/person/miroslaw-grewinski")


@pytest.mark.parametrize("key", ["", "   ", "<>\"{}|\\^`", "—"])
def test_keys_without_letters_cannot_mint_an_iri(key):
    with pytest.raises(InvalidKey):
        slugify(key)


@settings(max_examples=300, deadline=None)
@given(st.text(min_size=1, max_size=80))
def test_any_string_either_mints_a_safe_iri_or_is_refused(text):
    try:
        iri = str(mint("person", text))
    except InvalidKey:
        return
    path = iri.rsplit("/person/", 1)[1]
    assert path and all(c.isascii() and (c.isalnum() or c == "-") for c in path)
    assert not any(c in iri for c in ' <>"{}|\\^`')


def test_files_that_cannot_be_read_are_each_named_with_the_reason(tmp_path):
    """A file that cannot be read is reported as that file, in order, beside the other files' problems."""
    from pathlib import Path

    from kg.annotations import load_annotations
    from kg.config import Project
    from kg.errors import AnnotationError
    from kg.pipeline import Inputs

    root = Path(__file__).resolve().parents[1]
    good = sorted((root / "data" / "articles").glob("*.yaml"))
    (tmp_path / "a-folder.yaml").mkdir()
    (tmp_path / "gone.yaml").symlink_to(tmp_path / "nowhere.yaml")
    paths = [*good[:2], tmp_path / "a-folder.yaml", good[2], tmp_path / "gone.yaml", *good[3:]] * 20
    with pytest.raises(AnnotationError) as raised:
        load_annotations(paths, Inputs.read(Project(root)).reference)
    unreadable = [str(p) for p in raised.value.problems if "cannot read" in p.message]
    assert unreadable[:2] == [f"{tmp_path / 'a-folder.yaml'}: error: cannot read file: Is a directory",
                              f"{tmp_path / 'gone.yaml'}: error: cannot read file: No such file or directory"]
    assert len(unreadable) == 40
