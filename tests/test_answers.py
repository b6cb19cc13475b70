"""Kept answers (kg.answers): a repeated query is answered without evaluating it, and never after the store
changed: a load, a build, a write under way or one that crashed all make kg evaluate again."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

import kg
from kg import answers, api, pipeline
from kg.cli import cli
from kg.config import Project
from kg.queries import QueryResult
from conftest import project_with

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT / "data" / "articles").glob("*.yaml"))
SZCZECIN = next(p for p in SEEDS if "szczecin" in p.name)  # Grewiński's second voivodeship


@pytest.fixture
def four_seeds(tmp_path) -> tuple[Project, Path]:
    """A store of the seed articles without Szczecin: Grewiński has spoken in one voivodeship only."""
    project = project_with(tmp_path, [p for p in SEEDS if p != SZCZECIN])
    store = tmp_path / "store"
    pipeline.build_store(project, store)
    return project, store


def speakers(result: QueryResult) -> set[str]:
    return {row["name"] for row in result.rows}


def no_evaluation(*args, **kwargs):
    raise AssertionError("the query was evaluated")


def test_a_repeated_query_is_answered_from_the_kept_answer(four_seeds, monkeypatch):
    project, store = four_seeds
    graph = kg.open(store, project)
    first = graph.query_result("speakers-across-regions", {"min_regions": 1})
    assert "Mirosław Grewiński" in speakers(first)
    monkeypatch.setattr(api, "run_stored", no_evaluation)
    assert graph.query_result("speakers-across-regions", {"min_regions": 1}) == first
    # other parameter values, the asserted graphs only and --fresh are other answers: evaluated
    for call in (lambda: graph.query_result("speakers-across-regions", {"min_regions": 2}),
                 lambda: graph.query_result("speakers-across-regions", {"min_regions": 1}, with_inferred=False),
                 lambda: graph.query_result("speakers-across-regions", {"min_regions": 1}, fresh=True)):
        with pytest.raises(AssertionError, match="the query was evaluated"):
            call()


def test_a_load_makes_the_kept_answers_stale(four_seeds):
    project, store = four_seeds
    graph = kg.open(store, project)
    assert "Mirosław Grewiński" not in speakers(graph.query_result("speakers-across-regions"))
    pipeline.load_into_store([SZCZECIN], project, store)
    after = graph.query_result("speakers-across-regions")
    assert "Mirosław Grewiński" in speakers(after)  # lubelskie and zachodniopomorskie now
    assert after == graph.query_result("speakers-across-regions", fresh=True)


def test_a_build_makes_the_kept_answers_stale(four_seeds, tmp_path):
    project, store = four_seeds
    graph = kg.open(store, project)
    assert "Mirosław Grewiński" not in speakers(graph.query_result("speakers-across-regions"))
    shutil.copy(SZCZECIN, project.root / "data" / "articles" / SZCZECIN.name)
    pipeline.build_store(project, store)
    assert "Mirosław Grewiński" in speakers(graph.query_result("speakers-across-regions"))


def test_an_answer_computed_while_a_write_ended_is_not_given_for_the_new_state(four_seeds):
    _, store = four_seeds
    evaluations = []

    def evaluate_while_a_writer_finishes() -> QueryResult:
        evaluations.append(1)
        answers.stamp(store)  # a write ended between the reader's two looks at the generation
        return QueryResult(["n"], [{"n": len(evaluations)}])

    key = answers.answer_key("SELECT ?n {}")
    assert answers.answered(store, key, evaluate_while_a_writer_finishes).rows == [{"n": 1}]
    assert not list((store / answers.ANSWERS_DIRECTORY).glob("*/*.json"))  # filed under a dead token: useless
    assert answers.answered(store, key, evaluate_while_a_writer_finishes).rows == [{"n": 2}]
    assert len(evaluations) == 2


def test_nothing_is_kept_or_given_while_a_write_is_under_way_or_after_a_writer_crashed(four_seeds):
    _, store = four_seeds
    key = answers.answer_key("SELECT ?n {}")
    kept = answers.answered(store, key, lambda: QueryResult(["n"], [{"n": "before"}]))
    assert answers.answered(store, key, lambda: QueryResult(["n"], [{"n": "again"}])) == kept
    writer = answers.changing(store)
    writer.__enter__()  # a writer has begun (and may have been killed: nothing ends it)
    try:
        assert answers.generation(store) is None
        for value in ("during", "during again"):
            assert answers.answered(store, key, lambda: QueryResult(["n"], [{"n": value}])).rows == [{"n": value}]
    finally:
        writer.__exit__(None, None, None)
    assert answers.answered(store, key, lambda: QueryResult(["n"], [{"n": "after"}])).rows == [{"n": "after"}]


def test_kept_answers_keep_the_python_types_of_their_values(four_seeds):
    _, store = four_seeds
    row = {"iri": "https://w3id.org/x", "count": 3, "share": Decimal("0.50"), "ratio": 0.1, "yes": True,
           "none": None, "text": "Łódź \"cytat\"", "big": 10 ** 30, "negative": -(2 ** 63) - 1,
           "largest": 2 ** 63 - 1, "infinite": float("-inf"), "exponent": 1.5e300}
    result = QueryResult(list(row), [dict.fromkeys(row) | {"count": 1, "share": Decimal("1E+2")}, row])
    key = answers.answer_key("SELECT * {}")
    answers.answered(store, key, lambda: result)
    again = answers.answered(store, key, no_evaluation)
    assert again == result
    assert [list(r) for r in again.rows] == [list(row)] * 2  # every column, in order
    assert [type(v) for v in again.rows[1].values()] == [type(v) for v in row.values()]
    assert str(again.rows[0]["share"]) == "1E+2" and str(again.rows[1]["share"]) == "0.50"  # the lexical form


def test_a_kept_nan_is_given_back_as_nan(four_seeds):
    _, store = four_seeds
    key = answers.answer_key("SELECT ?x {}")
    answers.answered(store, key, lambda: QueryResult(["x"], [{"x": float("nan")}]))
    (cell,) = answers.answered(store, key, no_evaluation).rows[0].values()
    assert isinstance(cell, float) and cell != cell


def test_an_unreadable_entry_is_evaluated_again(four_seeds):
    _, store = four_seeds
    key = answers.answer_key("SELECT ?n {}")
    answers.answered(store, key, lambda: QueryResult(["n"], [{"n": 1}]))
    (entry,) = (store / answers.ANSWERS_DIRECTORY).glob("*/*.json")
    entry.write_text('{"format": "trunc', encoding="utf-8")
    assert answers.answered(store, key, lambda: QueryResult(["n"], [{"n": 2}])).rows == [{"n": 2}]
    assert json.loads(entry.read_text(encoding="utf-8"))["rows"] == [{"n": 2}]


def test_only_the_current_generation_keeps_answers_on_disk(four_seeds):
    project, store = four_seeds
    graph = kg.open(store, project)
    graph.query_result("events-timeline")
    pipeline.load_into_store([SZCZECIN], project, store)
    graph.query_result("events-timeline")
    assert [d.name for d in (store / answers.ANSWERS_DIRECTORY).iterdir()] == [answers.generation(store)]


def test_answers_off_keeps_nothing(four_seeds, monkeypatch):
    project, store = four_seeds
    monkeypatch.setenv("KG_ANSWERS", "off")
    kg.open(store, project).query_result("events-timeline")
    assert not (store / answers.ANSWERS_DIRECTORY).exists()


def test_a_store_directory_that_cannot_keep_answers_still_answers(four_seeds):
    """A read-only or full file system: here ``answers`` is a file, so no entry can be written (a read-only
    directory would not stop the root user the tests may run as)."""
    project, store = four_seeds
    (store / answers.ANSWERS_DIRECTORY).write_text("not a directory", encoding="utf-8")
    graph = kg.open(store, project)
    first = graph.query_result("events-timeline")
    assert first.rows and graph.query_result("events-timeline") == first
    assert (store / answers.ANSWERS_DIRECTORY).read_text(encoding="utf-8") == "not a directory"


def test_cli_fresh_evaluates_and_gives_the_same_table(four_seeds, monkeypatch):
    project, store = four_seeds
    monkeypatch.setenv("KG_PROJECT", str(project.root))
    argv = ["--store", str(store), "query", "speakers-across-regions", "-p", "min_regions=1", "--format", "csv"]
    first = CliRunner().invoke(cli, argv)
    fresh = CliRunner().invoke(cli, [*argv, "--fresh"])
    assert first.exit_code == 0 and fresh.exit_code == 0, first.output + fresh.output
    assert fresh.output == first.output and "Mirosław Grewiński" in first.output


def test_a_generation_file_that_is_no_token_keeps_nothing_anywhere(four_seeds, tmp_path):
    _, store = four_seeds
    (store / answers.GENERATION_FILE).write_text("../../elsewhere\n", encoding="ascii")
    assert answers.generation(store) is None
    key = answers.answer_key("SELECT ?n {}")
    answers.answered(store, key, lambda: QueryResult(["n"], [{"n": 1}]))
    assert answers.answered(store, key, lambda: QueryResult(["n"], [{"n": 2}])).rows == [{"n": 2}]
    assert not (store / answers.ANSWERS_DIRECTORY).exists() and not (tmp_path / "elsewhere").exists()


def test_the_oldest_answers_make_room_for_new_ones(four_seeds, monkeypatch):
    _, store = four_seeds
    monkeypatch.setattr(answers, "MAX_KEPT_BYTES", 2100)
    rows = [{"text": "x" * 600}]
    keys = [answers.answer_key(f"SELECT ?text {{}} # {n}") for n in range(4)]
    for key in keys:
        answers.answered(store, key, lambda: QueryResult(["text"], rows))
        time.sleep(0.02)  # file times can be as coarse as the kernel's tick
    kept = {path.stem for path in (store / answers.ANSWERS_DIRECTORY).glob("*/*.json")}
    assert kept == set(keys[1:])  # three of about 670 bytes fit in 2,100; the first written went
    too_large = answers.answer_key("SELECT ?text {} # large")
    answers.answered(store, too_large, lambda: QueryResult(["text"], [{"text": "x" * 3000}]))
    assert {path.stem for path in (store / answers.ANSWERS_DIRECTORY).glob("*/*.json")} == kept


def test_asking_again_from_the_command_line_needs_no_rdflib(four_seeds):
    """A kept answer is the whole work of a repeated `kg query`: the command must not spend a fifth of a
    second importing rdflib (and the pipeline) for it."""
    project, store = four_seeds
    kg.open(store, project).query_result("events-timeline")
    script = ("import sys, atexit\n"
              "atexit.register(lambda: print('rdflib' in sys.modules, file=sys.stderr))\n"
              "from kg.cli import main\n"
              f"sys.argv = ['kg', '--store', {str(store)!r}, 'query', 'events-timeline', '--format', 'csv']\n"
              "main()\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          env={**os.environ, "KG_PROJECT": str(project.root)}, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("date,") and done.stderr.strip().splitlines()[-1] == "False", done.stderr
