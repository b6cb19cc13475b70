"""Issue 9: bad input, hostile queries, odd text and runaway work never cost data or access.

Every refused input is loaded with the real command (``kg load``, in process) into a copy of the
seed store: the test pins the exact message (file, line, column, field) and checks that the
store's content hash is the same afterwards. docs/reliability.md lists every case with its test.
Crashes and locks are in test_crash.py; fuzzing and property-based tests in test_fuzz.py.
"""
from __future__ import annotations

import ast
import http.server
import re
import shutil
import socket
import threading
import time
import unicodedata
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib.compare import isomorphic

from kg import cli, store as kgstore
from kg.annotations import load_annotations
from kg.build import build_article
from kg.errors import BudgetExceeded, EndpointError, OntologyError, QueryError
from kg.limits import Budget, run_limited
from kg.reference import load_reference
from kg.remote import RemoteEndpoint

ROOT = Path(__file__).resolve().parents[1]

#: A small valid annotation; each case below breaks one thing in it.
MINIMAL = """\
article:
  key: 900-reliability
  source_id: reliability-900
  title: Konferencja o integracji społecznej
  publisher: rops-test
  published: 2015-03-31
  url: https://example.org/artykul/900
organisations:
  - key: rops-test
    name: Regionalny Ośrodek Polityki Społecznej w Lublinie
    type: rops
    city: lublin
    voivodeship: lubelskie
people:
  - key: jan-kowalski
    name: Jan Kowalski
    given_name: Jan
    family_name: Kowalski
"""
NAME_LINE = "    name: Jan Kowalski\n"


def bomb(indent: str = "") -> str:
    """A "billion laughs": nine lists of eight aliases of the previous one (8**9 strings if expanded)."""
    return "a: &a ['x','x','x','x','x','x','x','x']\n" + "".join(
        f"{indent}{c}: &{c} [*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p}]\n" for p, c in zip("abcdefgh", "bcdefghi"))


def replaced(old: str, new: str, text: str = MINIMAL) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


# -- running kg ----------------------------------------------------------------------------------------

def run_kg(capsys, *argv: str) -> tuple[int, str, str]:
    """``kg ARGV`` in process: exit code, standard output, standard error."""
    capsys.readouterr()
    code = cli.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def store_hash(path: Path) -> str:
    return kgstore.content_hash(kgstore.open_read_only(path))


@pytest.fixture(scope="module")
def shared_store(built_store, tmp_path_factory) -> Path:
    """A copy of the seed store that only refused loads touch (so its hash never changes)."""
    path = tmp_path_factory.mktemp("reliability") / "store"
    shutil.copytree(built_store, path)
    return path


@pytest.fixture
def own_store(built_store, tmp_path) -> Path:
    """A copy of the seed store for a test whose load succeeds."""
    path = tmp_path / "store"
    shutil.copytree(built_store, path)
    return path


class _Capture:
    """A stand-in for pytest's capsys where a module-scoped fixture needs one."""

    def __init__(self):
        import io
        self.out, self.err = io.StringIO(), io.StringIO()

    def readouterr(self) -> tuple[str, str]:
        out, err = self.out.getvalue(), self.err.getvalue()
        for buffer in (self.out, self.err):
            buffer.seek(0)
            buffer.truncate()
        return out, err


def refused_load(capsys, store: Path, *paths: Path) -> str:
    """Load *paths*, expect exit 1 and an unchanged store; return the message."""
    before = store_hash(store)
    code, out, err = run_kg(capsys, "--store", store, "load", *paths)
    assert code == 1, out + err
    assert "Traceback" not in err and "loaded" not in out
    assert store_hash(store) == before
    return err


# -- 1. input hardening: refused with file, line, column and field ------------------------------------

LONG = "x" * 2_001
VERY_LONG = "x" * 10_001
REFUSED = {
    "duplicate-key": (replaced("  published: 2015-03-31\n", "  published: 2015-03-31\n  title: Drugi tytuł\n"),
                      ":7:3: error: article.title: duplicate key 'title' (first at line 4)"),
    "anchor-bomb": (replaced("  url: https://example.org/artykul/900\n", "  note:\n    " + bomb("    ")),
                    ":8:8: error: article.note.a: anchors (&name) are not allowed in annotations"),
    "alias": (replaced("    given_name: Jan\n", "    given_name: *a\n"),
              ":17:17: error: people[0].given_name: aliases (*name) are not allowed in annotations"),
    "yaml11-no": (replaced("  published: 2015-03-31\n", "  published: 2015-03-31\n  announcement: no\n"),
                  ":7:17: error: article.announcement: 'no' is a boolean in YAML 1.1 and a string in YAML 1.2 "
                  "(write true/false for a yes/no field, or quote it ('no') for text)"),
    "yaml11-octal": (replaced("    voivodeship: lubelskie\n", "    voivodeship: lubelskie\n    identifiers:\n"
                              "      regon: 010\n"),
                     ":15:14: error: organisations[0].identifiers.regon: '010' has a leading zero"),
    "yaml11-sexagesimal": (replaced("  title: Konferencja o integracji społecznej", "  title: 1:20"),
                           ":4:10: error: article.title: '1:20' is a base-60 number in YAML 1.1"),
    "c0-control-raw": (replaced(NAME_LINE, "    name: Jan\x07 Kowalski\n"),
                       ":16:14: error: people[0].name: contains the control character or lone surrogate U+0007"),
    "c1-control-raw": (replaced(NAME_LINE, "    name: Jan\x85Kowalski\n"),
                       ":16:14: error: people[0].name: contains the control character or lone surrogate U+0085"),
    "c0-control-escaped": (replaced(NAME_LINE, '    name: "Jan\\x1b[31m Kowalski"\n'),
                           ":16:11: error: people[0].name: contains the control character or lone surrogate U+001B"),
    "lone-surrogate-escaped": (replaced(NAME_LINE, '    name: "Jan \\ud800Kowalski"\n'),
                               ":16:11: error: people[0].name: contains the control character or lone surrogate "
                               "U+D800"),
    "lone-surrogate-bytes": (replaced(NAME_LINE, "    name: Jan \udcdd\n").encode("utf-8", "surrogatepass"),
                             ":16: error: not valid utf-8: byte 0xed at byte offset"),
    "key-unslugged": (replaced("  - key: jan-kowalski", "  - key: Jan Kowalski"),
                      ":15:10: error: people[0].key: 'Jan Kowalski' is not a valid key (use lower-case ASCII "
                      "letters, digits and single hyphens, e.g. 'jan-kowalski')"),
    "url-bad-host": (replaced("https://example.org/artykul/900", "http://[example.org/"),
                     ":7:8: error: article.url: 'http://[example.org/' is not a valid IRI: Invalid character '[' in "
                     "host"),
    "url-bad-percent": (replaced("https://example.org/artykul/900", "https://example.org/%zz"),
                        ":7:8: error: article.url: 'https://example.org/%zz' is not a valid IRI"),
    "empty-title": (replaced("  title: Konferencja o integracji społecznej", '  title: ""'),
                    ":4:10: error: article.title: must not be empty (write the text, or remove the field)"),
    "blank-name": (replaced(NAME_LINE, "    name: '   '\n"),
                   ":16:11: error: people[0].name: must not be empty"),
    # a block scalar ends with a newline, which Python's `$` let through before JSON Schema's ECMA one applied
    "key-final-newline": (replaced("  - key: jan-kowalski\n", "  - key: |\n      jan-kowalski\n"),
                          ":15:10: error: people[0].key: 'jan-kowalski\\n' is not a valid key"),
    "url-final-newline": (replaced("https://example.org/artykul/900", '"https://example.org/artykul/900\\n"'),
                          ":7:8: error: article.url: 'https://example.org/artykul/900\\n' is not an http(s) address"),
    "empty-key": (replaced("  - key: jan-kowalski", "  - key: ''"),
                  ":15:10: error: people[0].key: '' is not a valid key"),
    "long-field": (replaced(NAME_LINE, f"    name: {LONG}\n"),
                   ":16:11: error: people[0].name: is longer than 2000 characters (shorten it)"),
    "very-long-field": (replaced(NAME_LINE, f"    name: {VERY_LONG}\n"),
                        ":16:11: error: people[0].name: value is 10001 characters long (limit 10000)"),
    "huge-file": (MINIMAL + "# " + "x" * 1_000_000 + "\n",
                  f": error: file is {len(MINIMAL.encode()) + 1_000_003} bytes long (limit 1000000)"),
    "deep-nesting-100000": (replaced(NAME_LINE, "    name: " + "[" * 100_000 + "\n"),
                            ":16:21: error: people[0].name[0][0][0][0][0][0][0][0][0][0]: nested deeper than 12 "
                            "levels"),
    "deep-block-nesting": (replaced(NAME_LINE, "    name:\n" + "".join(
        " " * (6 + 2 * i) + "a:\n" for i in range(40)) + " " * 86 + "b: 1\n"),
        ":27:27: error: people[0].name.a.a.a.a.a.a.a.a.a.a: nested deeper than 12 levels"),
    "evidence-not-in-text": (replaced("  published: 2015-03-31\n", "  published: 2015-03-31\n  source_path: article.txt\n"
                                      "  evidence: Zdanie, którego nie ma w tekście\n"),
                             ":8:13: error: article.evidence: evidence quote does not occur in article.txt: 'Zdanie, "
                             "którego nie ma w tekście' (copy the quote verbatim from the article text)"),
    "part-of-cycle": (MINIMAL + "events:\n" + "".join(
        f"  - key: {k}\n    type: panel\n    title: Panel\n    start: 2015-03-31\n    part_of: {p}\n"
        for k, p in (("panel-a", "panel-b"), ("panel-b", "panel-a"))),
        ":24:14: error: events[0].part_of: event 'panel-a' is part of itself (panel-a → panel-b → panel-a)"),
}

IRI_BREAKERS = ' <>"{}|\\^`'
for char in IRI_BREAKERS:
    name = {" ": "space", "\\": "backslash", "`": "backtick"}.get(char, f"u{ord(char):04x}")
    REFUSED[f"key-with-{name}"] = (replaced("  - key: jan-kowalski", f"  - key: 'jan{char}kowalski'"),
                                   f":15:10: error: people[0].key: {'jan' + char + 'kowalski'!r} is not a valid key")
    url = f"https://example.org/a{char}b"
    REFUSED[f"url-with-{name}"] = (replaced("https://example.org/artykul/900", f"'{url}'"),
                                   f":7:8: error: article.url: {url!r} is not an http(s) address that can be an IRI")


@pytest.fixture(scope="module")
def refused_batch(shared_store, tmp_path_factory) -> tuple[dict[str, Path], str]:
    """One `kg load` of every case at once (kg reports every file's problems): the files and the message."""
    folder = tmp_path_factory.mktemp("refused")
    (folder / "article.txt").write_text("Konferencja o integracji społecznej odbyła się w Lublinie.", encoding="utf-8")
    paths = {}
    for case, (content, _) in REFUSED.items():
        paths[case] = folder / f"{case}.yaml"
        data = content.encode("utf-8") if isinstance(content, str) else content
        paths[case].write_bytes(data)
    with pytest.MonkeyPatch.context() as patch:
        capture = _Capture()
        patch.setattr("sys.stdout", capture.out)
        patch.setattr("sys.stderr", capture.err)
        message = refused_load(capture, shared_store, *paths.values())
    return paths, message


@pytest.mark.parametrize("case", REFUSED)
def test_bad_input_is_refused_with_file_line_field_and_the_store_unchanged(refused_batch, case):
    paths, message = refused_batch
    expected = f"{paths[case]}{REFUSED[case][1]}"
    assert expected in message, "\n".join(line for line in message.splitlines() if paths[case].name in line)


def test_the_minimal_annotation_itself_loads(capsys, own_store, tmp_path):
    path = tmp_path / "900-reliability.yaml"
    path.write_text(MINIMAL, encoding="utf-8")
    code, out, err = run_kg(capsys, "--store", own_store, "load", path)
    assert code == 0, err
    assert "loaded 1 article(s)" in out


CP1250 = replaced(NAME_LINE, "    name: Jan Świątek\n").replace("given_name: Jan\n    family_name: Kowalski",
                                                              "given_name: Jan\n    family_name: Świątek")


def test_cp1250_text_is_reported_with_its_byte_offset_and_accepted_with_encoding(capsys, own_store, tmp_path):
    path = tmp_path / "900-cp1250.yaml"
    raw = CP1250.encode("cp1250")
    path.write_bytes(raw)
    offset = next(i for i, byte in enumerate(raw) if byte >= 0x80)  # the "ł" of "społecznej" (0xb3)
    message = refused_load(capsys, own_store, path)
    assert (f"{path}:4: error: not valid utf-8: byte 0xb3 at byte offset {offset}; it looks like cp1250 or "
            f"ISO-8859-2 (save the file as UTF-8, or pass --encoding cp1250 / iso-8859-2)") in message
    assert raw[:offset].count(b"\n") == 3
    code, out, err = run_kg(capsys, "--store", own_store, "load", "--encoding", "cp1250", path)
    assert code == 0, err
    names = {str(q.object.value) for q in kgstore.open_read_only(own_store).quads_for_pattern(
        ox.NamedNode("https://w3id.org/kg-pl-inclusion/id/person/jan-kowalski"),
        ox.NamedNode("http://schema.org/name"), None)}
    assert names == {"Jan Świątek"}


def test_iso_8859_2_text_is_accepted_with_encoding(project, tmp_path):
    path = tmp_path / "900-latin2.yaml"
    path.write_bytes(CP1250.encode("iso-8859-2"))
    (annotation,) = load_annotations([path], load_reference(project.reference_dir), encoding="iso-8859-2")
    assert annotation.data["people"][0]["name"] == "Jan Świątek"


def _article_graph(project, text_or_bytes, tmp_path, name):
    path = tmp_path / name
    path.write_bytes(text_or_bytes if isinstance(text_or_bytes, bytes) else text_or_bytes.encode("utf-8"))
    reference = load_reference(project.reference_dir)
    (annotation,) = load_annotations([path], reference)
    return build_article(annotation, reference).graph


NAMES = replaced(NAME_LINE, "    name: Mirosław Grewiński-Żółć\n").replace(
    "Regionalny Ośrodek Polityki Społecznej w Lublinie", "Ośrodek Pomocy Społecznej w Łodzi (ŻĘŚ)")


def test_bom_and_crlf_give_the_same_graph(project, tmp_path):
    plain = _article_graph(project, NAMES, tmp_path, "plain.yaml")
    windows = _article_graph(project, b"\xef\xbb\xbf" + NAMES.replace("\n", "\r\n").encode("utf-8"), tmp_path,
                             "windows.yaml")
    assert len(plain) > 10 and isomorphic(plain, windows)


def test_nfd_spellings_give_the_same_graph_and_iris_as_nfc(project, tmp_path, capsys, built_store):
    nfd = unicodedata.normalize("NFD", NAMES)
    assert nfd != NAMES
    assert isomorphic(_article_graph(project, NAMES, tmp_path, "nfc.yaml"),
                      _article_graph(project, nfd, tmp_path, "nfd.yaml"))
    # a key parameter typed in NFD mints the IRI of the NFC key
    code, out, _ = run_kg(capsys, "--store", built_store, "query", "person-profile", "-p",
                          "person=" + unicodedata.normalize("NFD", "mirosław-grewiński"), "--format", "csv")
    assert code == 0 and "Grewiński" in out


# -- RDF inputs: only Turtle is read, so no XML entity can expand and no JSON-LD context is fetched ----

XML_BOMB = """<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [
 <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
 <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
 <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
 <!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
 <!ENTITY secret SYSTEM "file:///etc/passwd">
]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/">
  <rdf:Description rdf:about="http://example.org/x"><ex:p>&f;&secret;</ex:p></rdf:Description>
</rdf:RDF>
"""
TRIX_BOMB = XML_BOMB.replace("rdf:RDF [", "TriX [").split("<rdf:RDF")[0] + (
    '<TriX xmlns="http://www.w3.org/2004/03/trix/trix-1/"><graph><triple><uri>http://example.org/x</uri>'
    "<uri>http://example.org/p</uri><plainLiteral>&f;&secret;</plainLiteral></triple></graph></TriX>\n")


@pytest.fixture
def project_copy(tmp_path) -> Path:
    """A copy of the project's inputs (with three seed articles) to plant bad files in."""
    root = tmp_path / "project"
    for part in ("ontology", "data/reference", "shapes", "queries"):
        shutil.copytree(ROOT / part, root / part)
    (root / "data" / "articles").mkdir()
    for path in sorted((ROOT / "data" / "articles").glob("*.yaml"))[2:]:
        shutil.copy(path, root / "data" / "articles")
    return root


@pytest.mark.parametrize("directory,name,content,code,message", [
    ("ontology", "bomb.ttl", XML_BOMB, 3, "cannot parse the ontology"),
    ("ontology", "trix.ttl", TRIX_BOMB, 3, "cannot parse the ontology"),
    ("shapes", "bomb.ttl", XML_BOMB, 3, "cannot parse the shapes"),
    ("data/reference", "voivodeships.yaml", bomb(), 3, "line 2: aliases (*name) are not allowed"),
    ("data/reference", "voivodeships.yaml", "a: " + "[" * 100_000, 3, "nested deeper than 20 levels"),
])
def test_hostile_ontology_shapes_and_reference_files_fail_fast(capsys, monkeypatch, project_copy, directory, name,
                                                                content, code, message):
    (project_copy / directory / name).write_text(content, encoding="utf-8")
    monkeypatch.setenv("KG_PROJECT", str(project_copy))
    started = time.monotonic()
    got, out, err = run_kg(capsys, "--store", project_copy / "store", "build", "--quiet")
    assert got == code and message in err, err
    assert time.monotonic() - started < 20 and "root:" not in out + err
    assert not (project_copy / "store").exists()


def test_rdf_files_in_other_syntaxes_are_never_parsed(capsys, monkeypatch, project_copy):
    """ontology/ is read as Turtle only: RDF/XML, TriX and JSON-LD files there are not read at all."""
    for name in ("bomb.rdf", "bomb.owl", "bomb.xml", "bomb.trix"):
        (project_copy / "ontology" / name).write_text(XML_BOMB, encoding="utf-8")
    (project_copy / "ontology" / "remote.jsonld").write_text(
        '{"@context": "http://127.0.0.1:9/ctx.jsonld", "@id": "http://example.org/x"}', encoding="utf-8")
    monkeypatch.setenv("KG_PROJECT", str(project_copy))
    code, _, err = run_kg(capsys, "--store", project_copy / "store", "build", "--quiet", "--no-infer")
    assert code == 0, err
    assert not list(kgstore.open_read_only(project_copy / "store").quads_for_pattern(
        ox.NamedNode("http://example.org/x"), None, None))


def _calls_named(name: str):
    for path in sorted((ROOT / "kg").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", None)) == name:
                if getattr(node.func, "value", None) is not None and ast.unparse(node.func.value) == "yaml":
                    continue  # yaml.parse: the YAML event stream, not RDF
                yield path.relative_to(ROOT), node


SAFE_SYNTAXES = {"'turtle'", "'nt'", "ox.RdfFormat.N_TRIPLES", "ox.RdfFormat.TURTLE", "ox.RdfFormat.N_QUADS",
                 "ox.RdfFormat.TRIG"}


def test_kg_parses_rdf_only_in_syntaxes_without_entities_or_remote_contexts():
    """Every parse call in kg names its syntax, and none is RDF/XML, TriX or JSON-LD (no guessing)."""
    found = []
    for path, call in _calls_named("parse"):
        syntax = next((kw.value for kw in call.keywords if kw.arg == "format"), call.args[1] if len(call.args) > 1
                      else None)
        if path.name == "guard.py":
            continue  # kg/serve/guard.py: `parse` there is rdflib's SPARQL parser, not an RDF reader
        shown = ast.unparse(syntax) if syntax is not None else None
        found.append((str(path), shown))
        assert shown in SAFE_SYNTAXES, f"{path}:{call.lineno} parses RDF as {shown}"
    assert found, "the scan found no parse call at all"


def test_jsonld_remote_contexts_are_not_fetched_by_pyoxigraph(http_recorder):
    """pyoxigraph, the JSON-LD reader kg's tests use on its own exports, refuses remote contexts offline."""
    url, hits = http_recorder
    document = f'{{"@context": "{url}/context.jsonld", "@id": "http://example.org/x", "name": "x"}}'
    with pytest.raises(SyntaxError):
        list(ox.parse(document.encode(), ox.RdfFormat.JSON_LD))
    assert hits == []


# -- 4. resource limits ----------------------------------------------------------------------------------

CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
PROPERTY_PATH = "SELECT (COUNT(*) AS ?n) WHERE { ?a (<http://x/p>|!<http://x/q>)* ?b . ?c (!<http://x/q>)* ?d }"
MEMORY_HOG = "SELECT ?a ?b ?c ?d WHERE { ?a ?p ?b . ?c ?q ?d } ORDER BY ?a ?b ?c ?d"


@pytest.mark.parametrize("sparql,env,message", [
    (CARTESIAN, {"KG_QUERY_TIMEOUT": "1"}, "the query took longer than its budget of 1 s (KG_QUERY_TIMEOUT)"),
    (PROPERTY_PATH, {"KG_QUERY_TIMEOUT": "1"}, "the query took longer than its budget of 1 s (KG_QUERY_TIMEOUT)"),
    (MEMORY_HOG, {"KG_QUERY_TIMEOUT": "60", "KG_MEMORY_LIMIT_MB": "300"},
     "the query ran out of its memory budget of 300 MB (KG_MEMORY_LIMIT_MB)"),
], ids=["cartesian-product", "property-path", "memory"])
def test_runaway_queries_are_stopped_and_the_process_stays_responsive(capsys, monkeypatch, shared_store, tmp_path,
                                                                      sparql, env, message):
    query = tmp_path / "hostile.rq"
    query.write_text(sparql, encoding="utf-8")
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    before = store_hash(shared_store)
    started = time.monotonic()
    code, _, err = run_kg(capsys, "--store", shared_store, "query", "--file", query)
    assert (code, time.monotonic() - started < 30) == (7, True), err
    assert message in err and "nothing was changed" in err
    assert store_hash(shared_store) == before
    code, out, err = run_kg(capsys, "--store", shared_store, "query", "speakers-across-regions", "--format", "csv")
    assert code == 0 and "Grewiński" in out, err


def _never_ends(*args, **kwargs):
    while True:
        time.sleep(1)


def _eats_memory(*args, **kwargs):
    hoard = []
    while True:
        hoard.append(bytearray(32 * 1024 * 1024))


@pytest.mark.parametrize("stage,target,env,message", [
    ("inference", "kg.infer.materialise", {"KG_INFERENCE_TIMEOUT": "1"},
     "the inference took longer than its budget of 1 s (KG_INFERENCE_TIMEOUT)"),
    ("validation", "kg.validate._run_pyshacl", {"KG_VALIDATION_TIMEOUT": "1"},
     "the validation took longer than its budget of 1 s (KG_VALIDATION_TIMEOUT)"),
    ("inference-memory", "kg.infer.materialise", {"KG_MEMORY_LIMIT_MB": "200"},
     "the inference ran out of its memory budget of 200 MB (KG_MEMORY_LIMIT_MB)"),
])
def test_inference_and_validation_run_within_budgets_in_a_real_load(capsys, monkeypatch, shared_store, tmp_path,
                                                                     stage, target, env, message):
    """The pipeline's own calls are limited: a stage that never ends (or eats memory) stops the load."""
    monkeypatch.setattr(target, _eats_memory if "memory" in stage else _never_ends)
    # the full recomputation (in a limited child), not the incremental maintenance (tested below)
    monkeypatch.setattr("kg.incremental.MAX_WORKING_TRIPLES", 0)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    path = tmp_path / "900-reliability.yaml"
    path.write_text(MINIMAL, encoding="utf-8")
    before = store_hash(shared_store)
    code, out, err = run_kg(capsys, "--store", shared_store, "load", path)
    assert code == 7 and message in err, out + err
    assert store_hash(shared_store) == before


def test_incremental_inference_of_a_load_keeps_to_the_time_budget(capsys, monkeypatch, shared_store, tmp_path):
    """The incremental maintenance runs in the loading process (it reads the store the load holds open), so it
    checks the budget between steps: one that takes too long stops the load with exit 7 and changes nothing."""
    from kg import incremental
    slow_step = incremental._Working.consequences

    def slow(self, delta):
        time.sleep(1.2)
        return slow_step(self, delta)
    monkeypatch.setattr(incremental._Working, "consequences", slow)
    monkeypatch.setenv("KG_INFERENCE_TIMEOUT", "1")
    path = tmp_path / "900-reliability.yaml"
    path.write_text(MINIMAL, encoding="utf-8")
    before = store_hash(shared_store)
    code, out, err = run_kg(capsys, "--store", shared_store, "load", path)
    assert code == 7 and "the inference took longer than its budget of 1 s (KG_INFERENCE_TIMEOUT)" in err, out + err
    assert store_hash(shared_store) == before


def test_owlrl_on_a_same_as_chain_of_200_nodes_is_stopped_by_the_budget():
    from kg import infer
    same_as = ox.NamedNode("http://www.w3.org/2002/07/owl#sameAs")
    chain = [ox.Quad(ox.NamedNode(f"http://example.org/n{i}"), same_as, ox.NamedNode(f"http://example.org/n{i + 1}"))
             for i in range(200)]
    started = time.monotonic()
    with pytest.raises(BudgetExceeded, match=r"the inference took longer than its budget of 2 s"):
        run_limited(Budget("inference", seconds=2, memory_mb=0), infer.owlrl_entailments, chain)
    assert time.monotonic() - started < 6
    # kg's own reasoner does not implement owl:sameAs and says so instead of diverging from owlrl
    with pytest.raises(OntologyError, match="sameAs"):
        run_limited(Budget.of("inference"), infer.materialise, chain)


def _annotation_error():
    from kg.errors import AnnotationError, Location, Problem
    raise AnnotationError([Problem(Location(Path("a.yaml"), 3, 5), "bad value", field="article.title")])


def test_limited_work_hands_back_results_and_errors_with_their_exit_codes():
    budget = Budget("demo", seconds=10, memory_mb=100)
    assert run_limited(budget, sorted, [3, 1, 2]) == [1, 2, 3]
    with pytest.raises(QueryError, match="broken"):
        run_limited(budget, lambda: (_ for _ in ()).throw(QueryError("broken")))
    with pytest.raises(Exception) as caught:  # AnnotationError does not pickle as itself: a stand-in
        run_limited(budget, _annotation_error)
    assert caught.value.exit_code == 1 and str(caught.value) == "a.yaml:3:5: error: article.title: bad value"


ORPHAN = """
import time
from kg.limits import Budget, run_limited
def slow_big_result():
    time.sleep(3)
    return b"x" * 10_000_000
print("started", flush=True)
run_limited(Budget("demo", 60, 0), slow_big_result)
"""


def test_limited_work_dies_with_its_parent():
    """A SIGKILLed `kg load` must not leave its child running (or blocked on a full pipe) holding its output."""
    import subprocess
    import sys
    parent = subprocess.Popen([sys.executable, "-c", ORPHAN], stdout=subprocess.PIPE, text=True)
    assert parent.stdout.readline().strip() == "started"
    time.sleep(0.5)
    parent.kill()
    started = time.monotonic()
    parent.communicate(timeout=30)  # returns when every holder of the pipe is gone
    assert time.monotonic() - started < 2


def test_budgets_are_settings_and_bad_values_are_usage_errors(monkeypatch):
    from kg.config import SETTINGS
    from kg.errors import UsageError
    assert {"query_timeout", "inference_timeout", "validation_timeout", "memory_limit_mb"} <= set(SETTINGS)
    monkeypatch.setenv("KG_QUERY_TIMEOUT", "2.5")
    assert Budget.of("query").seconds == 2.5
    monkeypatch.setenv("KG_QUERY_TIMEOUT", "soon")
    with pytest.raises(UsageError, match="KG_QUERY_TIMEOUT='soon' is not a number"):
        Budget.of("query")


# -- 5. queries and network: nothing spliced, no federation, typed remote errors -------------------------

SPARQL_WORDS = re.compile(r"\b(SELECT|INSERT|DELETE|DROP|GRAPH|VALUES|WHERE|FILTER|CONSTRUCT|ASK)\b")
#: Interpolations into SPARQL text in kg that are not constants, reviewed: (file, expression) -> why it is safe.
REVIEWED_SPLICES = {
    ("kg/store.py", "ox.NamedNode(name)"): "NamedNode refuses a non-IRI and prints <…>",
    ("kg/store.py", "_nt(q.subject)"): "pyoxigraph terms print as escaped N-Triples",
    ("kg/store.py", "_nt(q.predicate)"): "pyoxigraph terms print as escaped N-Triples",
    ("kg/store.py", "_nt(q.object)"): "pyoxigraph terms print as escaped N-Triples",
    ("kg/store.py", "_nt(q.graph_name)"): "pyoxigraph terms print as escaped N-Triples",
    ("kg/store.py", "_triples(delete)"): "N-Triples lines of pyoxigraph terms (_nt), as above",
    ("kg/store.py", "_triples(quads)"): "N-Triples lines of pyoxigraph terms (_nt), as above",
    ("kg/store.py", "_triples(insert)"): "N-Triples lines of pyoxigraph terms (_nt), as above",
    ("kg/store.py", "body"): "the N-Triples lines above",
    ("kg/queries.py", "' '.join(('?' + n for n in names))"): "parameter names are \\w+, declared in the query file",
    ("kg/queries.py", "' '.join((str(bindings[n]) for n in names))"): "pyoxigraph terms (escaped N-Triples)",
    ("kg/queries.py", "sparql[:start + 1]"): "the query itself",
    ("kg/queries.py", "block"): "the VALUES block above",
    ("kg/queries.py", "sparql[start + 1:]"): "the query itself",
    ("kg/stats.py", "values"): "class IRIs from kg.namespaces (constants)",
    ("kg/infer.py", "s"): "rule terms: constants of RULES",
    ("kg/infer.py", "p"): "rule terms: constants of RULES",
    ("kg/infer.py", "o"): "rule terms: constants of RULES",
    ("kg/infer.py", "graph"): "the inferred graph's IRI (checked base) or WORK_GRAPH",
    ("kg/infer.py", "patterns"): "rule bodies: constants of RULES",
    ("kg/infer.py", "filters"): "rule filters: constants of RULES",
    ("kg/infer.py", "more"): "rule clauses built from constants",
    ("kg/infer.py", "where"): "rule bodies: constants of RULES",
    ("kg/infer.py", "limit * 5"): "an int",
    ("kg/incremental.py", "s"): "rule terms: constants of RULES",
    ("kg/incremental.py", "p"): "rule terms: constants of RULES",
    ("kg/incremental.py", "o"): "rule terms: constants of RULES",
    ("kg/incremental.py", "rule.where(delta=(index, _DELTA.value))"): "rule bodies: constants of RULES; a constant graph",
    ("kg/incremental.py", "_term(subject, '?s')"): "a pyoxigraph term (prints as N-Triples) or a variable",
    ("kg/incremental.py", "_term(object_, '?o')"): "a pyoxigraph term (prints as N-Triples) or a variable",
    ("kg/incremental.py", "_terms((ox.NamedNode(p) for p in predicates))"): "IRIs printed by ox.NamedNode",
    ("kg/incremental.py", "_terms(self.skip, ', ')"): "graph IRIs printed by ox.NamedNode",
    ("kg/incremental.py", "pattern"): "the triple pattern above",
    ("kg/incremental.py", "skipped"): "the FILTER above",
    ("kg/incremental.py", "values"): "the VALUES block above",
    ("kg/validate.py", "values(nodes)"): "IRIs printed by ox.NamedNode (refuses non-IRIs, e.g. a bad schema:url)",
    ("kg/validate.py", "_terms(replaced, ', ')"): "graph IRIs printed by ox.NamedNode",
    ("kg/validate.py", "not_replaced"): "the NOT IN above",
    ("kg/validate.py", "in_other_articles"): "the FILTER above",
    ("kg/validate.py", "subject"): "an ox.NamedNode (prints as <IRI>)",
    ("kg/validate.py", "graph"): "an ox.NamedNode from a query result",
    ("kg/validate.py", "predicates"): "a VALUES list of IRIs printed by ox.NamedNode (_values)",
    ("kg/validate.py", "where"): "the graph pattern above",
    ("kg/validate.py", "ox.NamedNode(str(KGO.inEvent))"): "a constant IRI",
    ("kg/validate.py", "ox.NamedNode(event)"): "an IRI printed by ox.NamedNode",
    ("kg/validate.py", "values(events)"): "IRIs printed by ox.NamedNode",
    ("kg/validate.py", "values((a.graph_iri for a in articles))"): "IRIs printed by ox.NamedNode",
    ("kg/validate.py", "article_graphs"): "an ox.Literal (prints escaped) of a prefix minted from the checked base IRI",
    ("kg/validate.py", "', '.join((f'<{a.graph_iri}>' for a in articles))"): "graph IRIs minted from slugs",
    ("kg/void.py", "cls"): "a class IRI of EXAMPLE_CLASSES (constants)",
    ("kg/infer.py", "head"): "a rule head: constants of RULES",
    ("kg/infer.py", "new"): "the IRI of kg's working graph",
    ("kg/serve/resource.py", "_iri(iri)"): "Node('iri').n3(): ox.NamedNode",
    ("kg/serve/resource.py", "_values(subjects)"): "IRIs printed by ox.NamedNode",
    ("kg/serve/resource.py", "_values(iris[start:start + 500])"): "IRIs printed by ox.NamedNode",
    ("kg/serve/resource.py", "_values(article_graphs)"): "IRIs printed by ox.NamedNode",
    ("kg/serve/resource.py", "_values(nodes)"): "IRIs printed by ox.NamedNode",
    ("kg/serve/resource.py", "MAX_IN + 1"): "an int",
    ("kg/serve/resource.py", "optional"): "OPTIONAL clauses of constant predicates and names",
    ("kg/serve/resource.py", "' '.join((f'({_iri(p)} {n})' for n, p in enumerate(LABEL_PROPERTIES)))"):
        "constant predicates (ox.NamedNode) and ints",
    ("kg/serve/resource.py", "', '.join((_iri(p) for p in LABEL_PROPERTIES))"): "constant predicates (ox.NamedNode)",
    ("kg/serve/views.py", "' '.join((f'<{c}>' for c in EVENT_CLASSES))"): "constants",
    ("kg/serve/views.py", "region_filter"): "a FILTER whose IRI is printed by ox.NamedNode (fixed in issue 9)",
    ("kg/push.py", "_literal(prefix)"): "ox.Literal (escaped)",
    ("kg/push.py", "staging"): "STAGING_PREFIX + a random hex token + a number",
    ("kg/push.py", "g"): "staging graph names (see staging)",
    ("kg/push.py", "ox.NamedNode(graph)"): "ox.NamedNode",
    ("kg/push.py", "' '.join(map(str, range(10)))"): "digits",
    ("kg/push.py", "i"): "an int",
    ("kg/push.py", "blocks"): "VALUES blocks of digits",
    ("kg/push.py", "rows"): "an int (the probe size)",
    ("kg/push.py", "body.decode('utf-8')"): "N-Triples serialised by pyoxigraph",
    ("kg/serve/views.py", "Node('iri', voivodeship).n3()"): "ox.NamedNode: refuses a non-IRI from a request",
}


def _constant(expr: ast.expr) -> bool:
    """UPPER_CASE names, their attributes (namespace terms such as KGO.inEvent), literals, and helper calls on them."""
    if isinstance(expr, ast.Name):
        return expr.id.isupper()
    if isinstance(expr, ast.Attribute):
        return _constant(expr.value)
    if isinstance(expr, ast.Call):  # a function of constants, or a method of a constant
        return ((isinstance(expr.func, ast.Name) or _constant(expr.func)) and not expr.keywords
                and all(map(_constant, expr.args)))
    return isinstance(expr, ast.Constant)


def _sparql_fstrings():
    for path in sorted((ROOT / "kg").rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.JoinedStr):
                continue
            text = "".join(part.value for part in node.values if isinstance(part, ast.Constant))
            if not SPARQL_WORDS.search(text) or not re.search(r"[{}<>?]", text):
                continue  # an f-string that does not build SPARQL (a message, a label)
            for part in node.values:
                if isinstance(part, ast.FormattedValue) and not _constant(part.value):
                    yield relative, ast.unparse(part.value), node.lineno


def test_no_user_value_is_spliced_into_sparql_text():
    """Every non-constant expression interpolated into an f-string that builds SPARQL has been reviewed.

    A new one fails this test until it is reviewed: bind values with substitutions= or
    kg.queries.with_values (escaped terms), never by formatting them into the query. (kg/serve
    builds no SPARQL from requests: its guard refuses, the store answers the request's text.)
    """
    unreviewed = sorted({f"{path}:{line}: {expr}" for path, expr, line in _sparql_fstrings()
                         if (path, expr) not in REVIEWED_SPLICES})
    assert not unreviewed, "unreviewed values in SPARQL text:\n" + "\n".join(unreviewed)


INJECTED_NAMES = ['Jan" } ; DROP ALL ; INSERT DATA { <http://e/s> <http://e/p> "x', "O'Brien } } ; CLEAR ALL #",
                  '"""> } ; DROP SILENT GRAPH <https://w3id.org/kg-pl-inclusion/id/graph/ontology> #',
                  "\\u0022 } DROP ALL", "Zażółć\u202egęślą jaźń 𝔘𝔫𝔦"]


def test_hostile_names_are_stored_verbatim_and_touch_no_other_graph(capsys, own_store, tmp_path):
    text = MINIMAL
    for field, value in zip(("name", "given_name", "family_name"), INJECTED_NAMES):
        old = {"name": NAME_LINE, "given_name": "    given_name: Jan\n", "family_name": "    family_name: Kowalski\n"}
        text = replaced(old[field], f"    {field}: '{value.replace(chr(39), chr(39) * 2)}'\n", text)
    text = replaced("  title: Konferencja o integracji społecznej", f"  title: '{INJECTED_NAMES[3]}'", text)
    text = replaced("Regionalny Ośrodek Polityki Społecznej w Lublinie", f"'{INJECTED_NAMES[4]}'", text)
    path = tmp_path / "900-reliability.yaml"
    path.write_text(text, encoding="utf-8")
    before = {q for q in kgstore.named_quads(kgstore.open_read_only(own_store)) if "graph/inferred" not in str(q.graph_name)}
    code, _, err = run_kg(capsys, "--store", own_store, "load", path)
    assert code == 0, err
    after = {q for q in kgstore.named_quads(kgstore.open_read_only(own_store)) if "graph/inferred" not in str(q.graph_name)}
    graph = "<https://w3id.org/kg-pl-inclusion/id/graph/article/900-reliability>"
    assert {q for q in after if str(q.graph_name) != graph} == before  # nothing else added, dropped or changed
    literals = {q.object.value for q in after if isinstance(q.object, ox.Literal)}
    assert set(INJECTED_NAMES) <= literals


def test_federated_queries_are_refused_without_a_network_request(capsys, shared_store, tmp_path, http_recorder):
    url, hits = http_recorder
    for sparql in (f"SELECT * WHERE {{ SERVICE <{url}/sparql> {{ ?s ?p ?o }} }}",
                   f"select * {{ service silent <{url}/x> {{ ?s ?p ?o }} }}",
                   f"SELECT * {{ FILTER EXISTS {{ Service\n<{url}/x> {{ ?s ?p ?o }} }} }}"):
        query = tmp_path / "federated.rq"
        query.write_text(sparql, encoding="utf-8")
        code, _, err = run_kg(capsys, "--store", shared_store, "query", "--file", query)
        assert code == 5 and "SERVICE (a federated query) is not allowed" in err, err
    assert hits == []
    # the word in a comment, a string or an IRI is not the keyword
    query.write_text('# SERVICE\nSELECT ?x { BIND("SERVICE" AS ?x) FILTER(?x != <http://e/SERVICE>) }')
    assert run_kg(capsys, "--store", shared_store, "query", "--file", query)[0] == 0


# fake endpoints ---------------------------------------------------------------------------------------

@pytest.fixture
def http_recorder():
    """A local HTTP server that records every request (method and path) and answers 500."""
    hits: list[tuple[str, str]] = []

    class Recorder(http.server.BaseHTTPRequestHandler):
        def _answer(self):
            hits.append((self.command, self.path))
            self.send_response(500)
            self.end_headers()

        do_GET = do_POST = _answer

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", hits
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def hostile_endpoint():
    """A raw socket server: /drip sends one byte a second, /close hangs up, /reset resets; records methods."""
    methods: list[str] = []
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    stop = threading.Event()

    def serve(conn: socket.socket) -> None:
        with conn:
            request = conn.recv(65536).decode("latin-1")
            methods.append(request.split(" ", 1)[0])
            path = request.split(" ")[1] if " " in request else ""
            if path.startswith("/close"):
                return
            if path.startswith("/reset"):
                conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
                return
            head = b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\nContent-Length: 200\r\n\r\n"
            for byte in head + b'{"head":{"vars":["n"]},"results":{"bindings":[]}}'.ljust(200):
                if stop.wait(1 if path.startswith("/drip") and byte else 0):
                    return
                try:
                    conn.sendall(bytes([byte]))
                except OSError:
                    return

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except (socket.timeout, OSError):
                continue
            threading.Thread(target=serve, args=(conn,), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    try:
        yield f"http://reader:s3cret@127.0.0.1:{listener.getsockname()[1]}", methods
    finally:
        stop.set()
        listener.close()


def _query(url: str) -> None:
    RemoteEndpoint(url, timeout=2).select("SELECT ?n WHERE { }")


def _push(url: str) -> None:
    from kg.push import SparqlServer
    SparqlServer(url, timeout=2).update("DROP SILENT GRAPH <urn:kg:staging:x>")


@pytest.mark.parametrize("client", [_query, _push], ids=["kg-query-endpoint", "kg-push"])
@pytest.mark.parametrize("path,message", [
    ("/drip", "did not answer within 2 s (timeout)"),
    ("/close", "could not be"),
    ("/reset", "could not be"),
])
def test_slow_drip_and_dropped_connections_are_typed_errors_within_the_deadline(hostile_endpoint, client, path,
                                                                                message):
    """Remote queries (kg.remote) and pushes (kg.push): a total deadline, POST, no credentials in messages."""
    url, methods = hostile_endpoint
    started = time.monotonic()
    with pytest.raises(EndpointError) as error:
        client(url + path)
    assert time.monotonic() - started < 4
    text = str(error.value)
    assert message in text and f"http://127.0.0.1:{url.rsplit(':', 1)[1]}{path}" in text, text
    assert "s3cret" not in text and "reader" not in text
    assert methods and set(methods) == {"POST"}


def test_the_cli_never_prints_credentials_of_a_failing_endpoint(capsys, http_recorder):
    url, hits = http_recorder
    secret_url = url.replace("http://", "http://reader:s3cret@") + "/sparql?key=t0ken"
    code, out, err = run_kg(capsys, "query", "speakers-across-regions", "--endpoint", secret_url, "--timeout", "5")
    assert code == 6 and "HTTP 500" in err and url + "/sparql" in err
    assert not {"s3cret", "reader", "t0ken"} & set(re.findall(r"\w+", out + err))
    assert hits and {method for method, _ in hits} == {"POST"}
