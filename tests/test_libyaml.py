"""libyaml's C parser reads annotations and reference data exactly as PyYAML's pure-Python parser.

kg.yamlstrict and kg.reference use libyaml when PyYAML has it (speed) and PyYAML's parser otherwise
(or for the rare text libyaml reads differently). Both ways must give the same data, positions and
problems, so each test reads the same input both ways and compares.
"""
from __future__ import annotations

import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from kg import reference as kgreference, yamlstrict
from kg.errors import OntologyError

ROOT = Path(__file__).resolve().parents[1]
TESTS = Path(__file__).parent
ANNOTATIONS = sorted([*(ROOT / "data" / "articles").glob("*.yaml"), *(TESTS / "bad_annotations").glob("*.yaml"),
                      *(TESTS / "fuzz").rglob("*.yaml")])
REFERENCE_DIR = ROOT / "data" / "reference"

needs_libyaml = pytest.mark.skipif(yamlstrict.LIBYAML_PARSER is None, reason="PyYAML is built without libyaml")


def _pure_python(monkeypatch: pytest.MonkeyPatch) -> None:
    """Read as if PyYAML had no libyaml."""
    monkeypatch.setattr(yamlstrict, "LIBYAML_LOADER", None)
    monkeypatch.setattr(yamlstrict, "LIBYAML_COMPOSER", None)
    monkeypatch.setattr(kgreference, "_LIBYAML_LOADER", None)


def _read_both_ways(monkeypatch: pytest.MonkeyPatch, read):
    fast = read()
    with monkeypatch.context() as patch:
        _pure_python(patch)
        pure = read()
    return fast, pure


def _doc(doc: yamlstrict.YamlDocument) -> tuple:
    return doc.data, doc.positions, doc.problems


def test_libyaml_is_used_when_pyyaml_has_it() -> None:
    assert (yamlstrict.LIBYAML_PARSER is not None) == yaml.__with_libyaml__
    assert (yamlstrict.LIBYAML_LOADER is not None) == yaml.__with_libyaml__
    assert (kgreference._LIBYAML_LOADER is not None) == yaml.__with_libyaml__


def test_without_libyaml_pyyaml_reads_alone() -> None:
    """A PyYAML built without libyaml (no yaml._yaml): both modules import and read."""
    script = ("import sys; sys.modules['yaml._yaml'] = None\n"
              "import yaml; assert not yaml.__with_libyaml__\n"
              "from pathlib import Path\n"
              "from kg import reference, yamlstrict\n"
              "assert yamlstrict.LIBYAML_PARSER is None and yamlstrict.LIBYAML_LOADER is None\n"
              "assert reference._LIBYAML_LOADER is None\n"
              "assert yamlstrict.read_yaml_text('a: [1, x]\\n', 'x.yaml').data == {'a': [1, 'x']}\n"
              "reference.load_reference(Path(sys.argv[1]))\n")
    subprocess.run([sys.executable, "-c", script, str(REFERENCE_DIR)], check=True, cwd=ROOT)


@pytest.mark.parametrize("path", ANNOTATIONS, ids=[p.name for p in ANNOTATIONS])
@pytest.mark.parametrize("encoding", ["utf-8", "cp1250"])
def test_annotations_read_alike_both_ways(monkeypatch: pytest.MonkeyPatch, path: Path, encoding: str) -> None:
    fast, pure = _read_both_ways(monkeypatch, lambda: _doc(yamlstrict.read_yaml_file(path, encoding)))
    assert fast == pure


@needs_libyaml
@pytest.mark.parametrize("path", sorted((ROOT / "data" / "articles").glob("*.yaml")), ids=lambda p: p.name)
def test_libyaml_itself_reads_the_articles(path: Path) -> None:
    """No silent fallback: libyaml composes every real article (and PyYAML only the odd one)."""
    text = yamlstrict.decode_text(path.read_bytes(), path)
    assert yamlstrict.libyaml_reads_alike(text)
    assert yamlstrict._compose_with(yamlstrict.LIBYAML_LOADER, text) is not None


@needs_libyaml
@pytest.mark.parametrize("path", sorted(REFERENCE_DIR.glob("*.yaml")), ids=lambda p: p.name)
def test_libyaml_itself_reads_the_reference_files(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert yamlstrict.libyaml_reads_alike(text, empty_value_positions=False)
    assert kgreference._load_events(kgreference._checked_events(text, path, kgreference._LIBYAML_LOADER), path)


@needs_libyaml
def test_libyaml_plain_scalars_are_plain() -> None:
    """libyaml marks a plain scalar with style '' (PyYAML: None); both are resolved as plain."""
    root = yamlstrict._compose_with(yamlstrict.LIBYAML_LOADER, "a: no\nb: 010\nc: 'no'\nd: 7\n")
    assert [value.style for _, value in root.value] == ["", "", "'", ""]
    doc = yamlstrict.read_yaml_text("a: no\nb: 010\nc: 'no'\nd: 7\n", "x.yaml")
    assert doc.data == {"a": None, "b": None, "c": "no", "d": 7}
    assert [p.message for p in doc.problems] == [
        "'no' is a boolean in YAML 1.1 and a string in YAML 1.2", "'010' has a leading zero (an octal number in YAML 1.1)"]


TEXTS = {
    "syntax": "article:\n  key: a\n  title: [x, y\n",
    "mapping-in-plain": "article:\n  title: a: b\n",
    "tab-in-plain": "topics:\n  - ekonomia-s\tpoleczna\n",
    "tab-indent": "article:\n\tkey: a\n",
    "bom-inside": "article:\n  ti\ufefftle: x\n  key: y\n",
    "alias": "a: &x [1]\nb: *x\n",
    "undefined-alias": "a: *x\n",
    "tag": "a: !!python/object:os.system x\n",
    "two-documents": "a: 1\n---\nb: 2\n",
    "crlf": "article:\r\n  key: a\r\n  count: 12\r\n",
    "yaml-directive": "%YAML 1.2\n---\na: 1\n",
    "deep": "a: " + "[" * 40 + "]" * 40 + "\n",
    "very-deep": "a: " + "[" * 10_000 + "\n",
    "empty": "",
    "comment-only": "# nothing\n",
    "unicode-breaks": "a: x\u2028y\nb: 'p\u2029q'\n",
    "block": "a: |\n  line 1\n   line 2\nb: >-\n  folded\n  text\n",
    "noncharacter": "a: \ufffe\n",
    # where libyaml reads differently, so PyYAML reads instead (kg.yamlstrict._LIBYAML_DISAGREES)
    "question-in-flow": "a: [n? one]\n",
    "block-header-comment": "a: |#\n  x\n",
    "bang-tag": "a: ! 12\nb: !\n  c: 1\n",
    "explicit-key-at-end": "? a",
    "empty-document-at-end": "---",
    "empty-flow-value": "a: {b: }\nc: [d: ]\n",
    "no-final-line-break": "a: 1\nb:",
    # what the strict composer refuses while composing, in block style (kg.yamlstrict._NEEDS_STRICT_COMPOSER)
    "block-alias": "a:\n  - &x b\n  - *x\n",
    "ampersand-and-star-in-text": "a: B&R\nb: 'art. 5 *'\n",
    "block-deep-13": "".join(f"{'  ' * i}k{i}:\n" for i in range(13)) + "  " * 13 + "v\n",
    "block-deep-12": "".join(f"{'  ' * i}k{i}:\n" for i in range(12)) + "  " * 12 + "v\n",
    "block-deep-sequences": "a:\n" + "".join(f"{'  ' * i}- \n" for i in range(1, 15)) + "  " * 15 + "- v\n",
    "compact-sequences": "a: " + "- " * 20 + "v\n",
    "far-indented": "a:\n" + " " * 50 + "b: 1\n",
}


@pytest.mark.parametrize("text", TEXTS.values(), ids=TEXTS.keys())
def test_odd_annotation_texts_read_alike_both_ways(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    fast, pure = _read_both_ways(monkeypatch, lambda: _doc(yamlstrict.read_yaml_text(text, "x.yaml")))
    assert fast == pure


def test_the_quick_text_checks_answer_as_their_patterns() -> None:
    """Which reader reads a text is decided by patterns (kg.yamlstrict._LIBYAML_DISAGREES, …); they are
    searched for in quicker parts. Both ways must answer alike: on every test text, and on the seed
    articles with each odd piece put in at random places."""
    odd = ["\t", "?", "!", "|#", ">-#", "|2+#", "&a", "*b", " &x", "\n&y", "\n" + " " * 41, "\n" + "- " * 20,
           "-" * 40, "[", "{", "\ufeff", "#", "&", "* ", "\n"]
    rng = random.Random(4)
    texts = [*TEXTS.values(), "", "a", "a\n", " " * 40, "x: |2#", "&a", "b *c"]
    for path in sorted((ROOT / "data" / "articles").glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        texts.append(text)
        texts += [text[:i] + piece + text[i:] for piece in odd for i in rng.sample(range(len(text) + 1), 8)]
    texts += [text.rstrip("\n") for text in texts]
    for text in texts:
        assert yamlstrict._libyaml_disagrees(text) == bool(yamlstrict._LIBYAML_DISAGREES.search(text)), text[:60]
        assert yamlstrict._libyaml_places_empty_values_elsewhere(text) == bool(
            yamlstrict._LIBYAML_PLACES_EMPTY_VALUES_ELSEWHERE.search(text)), text[-60:]
        assert yamlstrict._composes_in_c(text) == (yamlstrict._NEEDS_STRICT_COMPOSER.search(text) is None), text[:60]


@needs_libyaml
def test_annotations_are_composed_in_c_when_nothing_needs_the_strict_composer(monkeypatch: pytest.MonkeyPatch) -> None:
    """The seed articles are composed by libyaml's compiled composer (fast); a text with an anchor, or
    one nested deeper than the limit, by the strict composer, which refuses it."""
    used = []
    compose = yamlstrict._compose_with
    monkeypatch.setattr(yamlstrict, "_compose_with", lambda cls, text: used.append(cls) or compose(cls, text))
    for path in sorted((ROOT / "data" / "articles").glob("*.yaml")):
        used.clear()
        assert not yamlstrict.read_yaml_file(path).problems
        assert used == [yamlstrict.LIBYAML_COMPOSER], path
    used.clear()
    doc = yamlstrict.read_yaml_text(TEXTS["block-alias"], "x.yaml")
    assert yamlstrict.LIBYAML_COMPOSER not in used and "anchors (&name) are not allowed" in doc.problems[0].message
    used.clear()
    doc = yamlstrict.read_yaml_text(TEXTS["block-deep-13"], "x.yaml")
    assert used[:2] == [yamlstrict.LIBYAML_COMPOSER, yamlstrict.LIBYAML_LOADER]  # then PyYAML, for its message
    assert [p.message for p in doc.problems] == ["nested deeper than 12 levels; annotations are at most a few levels deep"]


def test_reference_data_loads_alike_both_ways(monkeypatch: pytest.MonkeyPatch) -> None:
    fast, pure = _read_both_ways(monkeypatch, lambda: kgreference.load_reference(REFERENCE_DIR))
    assert set(fast.graph) == set(pure.graph)  # no blank nodes, so the triples compare as they are
    assert fast.keys == pure.keys


REFERENCE_TEXTS = {**TEXTS,
                   "duplicate-key": "voivodeships:\n  - key: a\n    key: b\n",
                   "bad-timestamp": "a: 2001-02-30\n",
                   "python-tag": "a: !!python/name:os.system\n",
                   "merge-key": "a: {<<: {b: 1}}\n",
                   "scalar": "just text\n"}


@pytest.mark.parametrize("text", REFERENCE_TEXTS.values(), ids=REFERENCE_TEXTS.keys())
def test_odd_reference_texts_read_alike_both_ways(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, text: str) -> None:
    broken = tmp_path / "reference"
    shutil.copytree(REFERENCE_DIR, broken)
    (broken / kgreference.VOIVODESHIPS_FILE).write_text(text, encoding="utf-8", newline="")

    def outcome() -> str:
        try:
            kgreference.load_reference(broken)
        except (OntologyError, ValueError) as exc:  # ValueError: safe_load's own, for 2001-02-30
            return f"{type(exc).__name__}: {exc}"
        return "loaded"
    fast, pure = _read_both_ways(monkeypatch, outcome)
    assert fast == pure
    assert fast.startswith(("ValueError", f"OntologyError: {broken / kgreference.VOIVODESHIPS_FILE}"))


# ---- mutated inputs: the same verdicts where libyaml and PyYAML might part ---------------------------

SNIPPETS = ["\t", "\r\n", "\r", "\u2028", "\ufeff", ": ", "- ", "#", "'", '"', "&a ", "*a", "!!str ", "! ", "? ", "{", "}",
            "[", "]", ",", "|", ">-\n  ", "|#", "%YAML 1.2\n---\n", "---\n", "...\n", "  ", "\n", "\\", "@", "`", "1:20",
            "010", "no", "1e3", "~", "é", "\u00a0"]


def _mutations(texts: list[str], count: int, seed: int) -> list[str]:
    """*count* texts, each one of *texts* with one to three random insertions, deletions or copies."""
    rnd = random.Random(seed)
    result = []
    for _ in range(count):
        text = rnd.choice(texts)
        for _ in range(rnd.randint(1, 3)):
            i, j = rnd.randrange(len(text) + 1), rnd.randrange(len(text) + 1)
            text = rnd.choice([text[:i] + rnd.choice(SNIPPETS) + text[i:], text[:i] + text[i + rnd.randint(1, 5):],
                               text[:i] + text[j:j + rnd.randint(1, 40)] + text[i:]])
        result.append(text)
    return result


def test_mutated_annotations_read_alike_both_ways(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = [p.read_text(encoding="utf-8") for p in ANNOTATIONS if p.name != "yaml-not-utf8.yaml"]
    for text in _mutations(texts, 300, seed=1):
        fast, pure = _read_both_ways(monkeypatch, lambda: _doc(yamlstrict.read_yaml_text(text, "x.yaml")))
        assert fast == pure, text


def test_mutated_reference_files_read_alike_both_ways(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = [(REFERENCE_DIR / name).read_text(encoding="utf-8") for name in ("cities.yaml", "topics.yaml")]

    def outcome(text: str) -> str:
        try:
            return repr(kgreference._safe_load_checked(text, Path("x.yaml")))
        except (OntologyError, yaml.YAMLError, ValueError) as exc:
            return f"{type(exc).__name__}: {exc}"
    for text in _mutations(texts, 150, seed=2):
        fast, pure = _read_both_ways(monkeypatch, lambda: outcome(text))
        assert fast == pure, text
