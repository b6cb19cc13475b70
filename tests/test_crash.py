"""Issue 9: `kg load` and `kg build` killed with SIGKILL at random points lose nothing acknowledged.

A corpus of 200 articles (the seed annotations under renamed article keys, in two versions that
differ in their title) lives in a temporary project. The expected graph of every article in
each version is computed in this process with the library. Then, run after run, a `kg load` of a
batch (switching those articles to their other version) or a `kg build` of the whole project is
started and killed with SIGKILL after a random delay, and the store is checked:

* it opens (read-only and for writing: the killed writer's lock is gone) after ``recover()``;
* every article graph equals one of its two complete versions, the static graphs are complete,
  and a load's batch is either all new or all old (a build: the whole store old or new);
* the inferred graph equals the OWL RL entailments of the asserted graphs;
* what was acknowledged (the command printed its success line) is there;
* a stored query asked before the run and again after it answers from what the store holds after it:
  an answer kept for the earlier state (kg.answers) is never given.

The project has no shapes: SHACL runs before anything is written (and takes minutes for 200
articles), so it cannot change what a crash leaves. Runs: ``KG_CRASH_RUNS`` (default 20), seed
``KG_CRASH_SEED`` (default: random; printed on failure). Locks, readers and ``recover()`` of a
running build are tested at the end.
"""
from __future__ import annotations

import gc
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox
import pytest

from conftest import FIXED_EPOCH
from kg import infer, pipeline, rdfterms, store as kgstore
from kg.api import KnowledgeGraph
from kg.config import Project
from kg.errors import StoreLocked
from kg.export import inferred_graph_iri
from kg.yamlstrict import read_yaml_text

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT / "data" / "articles").glob("*.yaml"))
ARTICLES = 200
BATCH = 20
RUNS = int(os.environ.get("KG_CRASH_RUNS", "20"))
SEED = int(os.environ.get("KG_CRASH_SEED") or random.SystemRandom().randrange(10**6))
KG = [sys.executable, "-c", "import sys; from kg.cli import main; sys.exit(main())"]


def article_text(seed: Path, key: str, version: int) -> str:
    """The seed annotation under article key *key*; version 2 has another title."""
    text = seed.read_text(encoding="utf-8")
    assert text.count(f"\n  key: {seed.stem}\n") == 1 and text.count("\n  title: ") == 1
    text = text.replace(f"\n  key: {seed.stem}\n", f"\n  key: {key}\n")
    text = re.sub(r"\n  source_path: [^\n]*", "", text)  # no article text here: evidence is checked elsewhere
    if version == 2:  # a JSON string is a YAML double-quoted scalar
        title = read_yaml_text(text, seed).data["article"]["title"]
        text = re.sub(r"\n  title: [^\n]*", lambda _: "\n  title: " + json.dumps(f"{title} (wersja 2)",
                                                                                  ensure_ascii=False), text)
    return text


class Corpus:
    """The temporary project, the versions on disk, and the expected graphs."""

    def __init__(self, root: Path):
        self.root = root
        for part in ("ontology", "data/reference", "queries"):
            shutil.copytree(ROOT / part, root / part)
        self.articles = root / "data" / "articles"
        self.articles.mkdir()
        self.seed_of = {f"{n:03d}-crash-{SEEDS[n % len(SEEDS)].stem[4:]}": SEEDS[n % len(SEEDS)]
                        for n in range(ARTICLES)}
        self.store = root / "store"
        for key in self.seed_of:
            self.write(key, 2)
        self.expected = self._expected(2)
        for key in self.seed_of:
            self.write(key, 1)
        self.disk = dict.fromkeys(self.seed_of, 1)

    def build(self) -> float:
        """Build the store from version 1 in this process, as `kg build` does; return how long it took.

        The graphs of this uninterrupted build are the expected version 1 (version 2 is computed
        from the annotations, so the two expectations come from independent runs of the pipeline)."""
        with fixed_load_time():
            started = time.monotonic()
            pipeline.build_store(Project(self.root), self.store)
            seconds = time.monotonic() - started
        version_1: dict[str, set[str]] = {}
        for quad in kgstore.named_quads(kgstore.open_read_only(self.store)):
            name = quad.graph_name.value
            if name.startswith(f"{self.inputs.base}graph/article/"):
                version_1.setdefault(name.rpartition("/")[2], set()).add(str(quad))
        assert version_1.keys() == self.seed_of.keys()
        self.expected.update({(key, 1): frozenset(content) for key, content in version_1.items()})
        return seconds

    def path(self, key: str) -> Path:
        return self.articles / f"{key}.yaml"

    def write(self, key: str, version: int) -> None:
        self.path(key).write_text(article_text(self.seed_of[key], key, version), encoding="utf-8")

    def _expected(self, version: int) -> dict[tuple[str, int], frozenset[str]]:
        with fixed_load_time():
            project = Project(self.root)
            self.inputs = pipeline.Inputs.read(project)
            articles = pipeline.prepare_articles(project.article_files(), self.inputs)
        return {(a.annotation.key, version): stored(rdfterms.graph_quads(a.graph, str(a.graph_iri)))
                for a in articles}

    def graph_iri(self, key: str) -> str:
        return f"<{self.inputs.base}graph/article/{key}>"

    def static(self) -> dict[str, frozenset[str]]:
        return {f"<{name}>": stored(rdfterms.graph_quads(graph, name)) for name, graph in self.inputs.static_graphs().items()}


@contextmanager
def fixed_load_time():
    """SOURCE_DATE_EPOCH as the subprocesses get it, so provenance times match."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", FIXED_EPOCH)
        yield


def stored(quads) -> frozenset[str]:
    """The quads as the store gives them back: Oxigraph stores some literals by value, so it returns
    canonical forms ("…+00:00" as "…Z"; xsd:positiveInteger as xsd:integer, see docs/reliability.md)."""
    memory = ox.Store()
    memory.extend(quads)
    return frozenset(map(str, memory))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Corpus:
    return Corpus(tmp_path_factory.mktemp("crash") / "project")


def run_kg(corpus: Corpus, *args: str, kill_after: float | None = None) -> tuple[bool, str, float]:
    """Run kg; kill it with SIGKILL after *kill_after* seconds. Returns (acknowledged, output, seconds)."""
    env = {**os.environ, "KG_PROJECT": str(corpus.root), "SOURCE_DATE_EPOCH": FIXED_EPOCH}
    env.pop("KG_STORE", None)
    started = time.monotonic()
    process = subprocess.Popen([*KG, "--store", str(corpus.store), *args], env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    try:
        output, _ = process.communicate(timeout=kill_after)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGKILL)
        output, _ = process.communicate()
    seconds = time.monotonic() - started
    acknowledged = process.returncode == 0 and re.search(r"^(loaded|built) ", output, re.M) is not None
    assert process.returncode in (0, -signal.SIGKILL), output  # no other failure: kg never crashes by itself
    return acknowledged, output, seconds


class Checker:
    """Opens the store after a run and compares it with the expected graphs; caches inference checks."""

    def __init__(self, corpus: Corpus):
        self.corpus = corpus
        self.static = corpus.static()
        self.by_content = {content: key_version for key_version, content in corpus.expected.items()}
        self.inferred_ok: set[tuple[int, int]] = set()  # fingerprints of checked states

    def state(self) -> dict[str, int]:
        """{article key: version} of the store, after checking everything but acknowledgement."""
        kgstore.recover(self.corpus.store)
        leftovers = [p.name for p in self.corpus.store.parent.iterdir() if p.name.startswith(".store.")]
        assert not leftovers, f"recover() left {leftovers}"
        with kgstore.writable(self.corpus.store):
            pass  # the killed writer's lock is gone
        quads: dict[str, list[ox.Quad]] = {}
        for quad in kgstore.named_quads(kgstore.open_read_only(self.corpus.store)):
            quads.setdefault(str(quad.graph_name), []).append(quad)
        graphs = {name: set(map(str, graph)) for name, graph in quads.items()}
        inferred = graphs.pop(f"<{inferred_graph_iri(self.corpus.inputs.base)}>", set())
        for name, content in self.static.items():
            assert graphs.pop(name, None) == content, f"static graph {name} is incomplete"
        state = {}
        for name, content in graphs.items():
            key_version = self.by_content.get(frozenset(content))
            assert key_version is not None, f"graph {name} is neither version of its article (partial write?)"
            assert self.corpus.graph_iri(key_version[0]) == name
            state[key_version[0]] = key_version[1]
        self._check_inferred(quads, graphs, inferred)
        return state

    def _check_inferred(self, quads: dict[str, list[ox.Quad]], graphs: dict[str, set[str]], inferred: set[str]) -> None:
        fingerprint = (hash(frozenset(inferred)), hash(frozenset(frozenset(content) for content in graphs.values())))
        if fingerprint in self.inferred_ok:
            return  # the same asserted and inferred content as an earlier, checked state
        asserted = [q for name in (*self.static, *graphs) for q in quads[name]]
        expected = {f"{t} <{inferred_graph_iri(self.corpus.inputs.base)}>"
                    for t in infer.materialise(asserted).triples}
        assert inferred == expected, "the inferred graph does not match the asserted graphs"
        self.inferred_ok.add(fingerprint)


def test_sigkill_at_random_points_loses_nothing_acknowledged(corpus):
    rng = random.Random(SEED)
    build_seconds = corpus.build()
    check = Checker(corpus)
    log = [f"seed {SEED} (rerun with KG_CRASH_SEED={SEED})"]
    model = check.state()
    assert model == corpus.disk and len(model) == ARTICLES
    load_seconds = None
    killed = survived = 0
    graph = KnowledgeGraph(corpus.store, Project(corpus.root))
    for run in range(RUNS + 1):  # run 0 is not killed: it measures how long a load takes
        kind = "build" if run in (RUNS // 2, RUNS) else "load"  # two runs rebuild everything
        if kind == "load":
            batch = rng.sample(sorted(corpus.seed_of), BATCH)
            for key in batch:
                corpus.disk[key] = 3 - corpus.disk[key]
                corpus.write(key, corpus.disk[key])
            args = ["load", *map(str, map(corpus.path, batch))]
            expected_new = {key: corpus.disk[key] for key in batch}
        else:
            args = ["build", "--quiet"]
            expected_new = dict(corpus.disk)
        # a build spends most of its time reading articles: aim more of its kills at the writing and the swap
        delay = (None if run == 0 else rng.uniform(0.15, 1.1) * load_seconds if kind == "load"
                 else rng.uniform(0.5, 1.2) * build_seconds)
        kept = graph.query_result("articles-provenance")  # an answer is kept for the state before the run
        acknowledged, output, seconds = run_kg(corpus, *args, kill_after=delay)
        if run == 0:
            load_seconds = seconds
        checked = time.monotonic()
        answer = graph.query_result("articles-provenance")  # before state(), whose writable() stamps the store
        assert answer == graph.query_result("articles-provenance", fresh=True), "\n".join(log)
        state = check.state()
        versions_answered = sorted(row["title"].endswith("(wersja 2)") + 1 for row in answer.rows)
        assert versions_answered == sorted(state.values()), "\n".join(log) + "\na stale or partial answer"
        assert run == 0 or kept != answer or state == model, "\n".join(log)
        log.append(f"run {run}: {kind} of {len(expected_new)} articles, kill after {delay and round(delay, 2)} s, "
                   f"ran {seconds:.2f} s, acknowledged={acknowledged}; checked in {time.monotonic() - checked:.2f} s")
        unchanged = {k: v for k, v in model.items() if k not in expected_new}
        assert {k: state.get(k) for k in unchanged} == unchanged, "\n".join(log)
        new = {k: state.get(k) for k in expected_new}
        old = {k: model.get(k) for k in expected_new}
        assert new in (expected_new, old), "\n".join(log) + f"\nbatch is half applied: {new} vs {expected_new}"
        if acknowledged:
            assert new == expected_new, "\n".join(log) + "\nan acknowledged write is missing"
        killed += not acknowledged
        survived += 1
        model = state
    assert survived == RUNS + 1 and killed >= RUNS // 3, "\n".join(log)  # most runs were really interrupted
    print("\n".join(log))


# -- locks and readers -------------------------------------------------------------------------------------

HOLD = """
import sys, time
from kg import store
s = store.open_store(sys.argv[1])
print("holding", flush=True)
time.sleep(60)
"""


@pytest.fixture
def held_store(built_store, tmp_path):
    """A copy of the seed store whose write lock another process holds."""
    path = tmp_path / "store"
    shutil.copytree(built_store, path)
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(path)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "holding"
        yield path
    finally:
        holder.kill()
        holder.wait()


def test_a_second_writer_gets_store_is_locked_and_readers_keep_working(held_store, capsys):
    from kg.cli import main
    before = kgstore.content_hash(kgstore.open_read_only(held_store))
    for command in (["load", str(SEEDS[0])], ["build", "--quiet"], ["infer"]):
        assert main(["--store", str(held_store), *command]) == 4
        err = capsys.readouterr().err
        assert "store is locked: another kg process" in err and "Traceback" not in err
    for command in (["stats"], ["query", "speakers-across-regions"], ["export", "--format", "nquads"]):
        assert main(["--store", str(held_store), *command]) == 0
        out = capsys.readouterr().out
        assert "Grewiński" in out or command != ["query", "speakers-across-regions"]
    assert kgstore.content_hash(kgstore.open_read_only(held_store)) == before
    assert not [p for p in held_store.parent.iterdir() if p.name.startswith(".store.")]


def test_a_handle_left_in_a_reference_cycle_does_not_lock_this_process_out(built_store, tmp_path):
    path = tmp_path / "store"
    shutil.copytree(built_store, path)
    gc_was_enabled = gc.isenabled()
    gc.disable()  # the cycle below must still be there when the store is opened again
    try:
        cycle = {"store": kgstore.open_store(path)}
        cycle["self"] = cycle
        del cycle  # garbage, but freed only by the collector
        with kgstore.writable(path) as store:  # collects it and opens
            assert kgstore.has_union(store)
        del store
        holder = kgstore.open_store(path)  # a handle still in use
        with pytest.raises(StoreLocked, match="this process still has"):
            kgstore.open_store(path)
        del holder
    finally:
        if gc_was_enabled:
            gc.enable()


def test_recover_leaves_a_running_builds_staging_store_alone(tmp_path):
    """A reader's recover() while `kg build` writes its staging store must not delete it (issue 9 fix)."""
    env = {**os.environ, "KG_PROJECT": str(ROOT)}
    target = tmp_path / "store"
    build = subprocess.Popen([*KG, "--store", str(target), "build", "--quiet", "--no-infer"], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    staging = target.with_name(f".{target.name}.new-{build.pid}")
    deadline = time.monotonic() + 120
    while not staging.exists() and build.poll() is None and time.monotonic() < deadline:
        time.sleep(0.002)
    assert staging.exists(), "the build never staged (it finished or failed too early)"
    kgstore.recover(target)
    assert staging.exists()
    output, _ = build.communicate(timeout=120)
    assert build.returncode == 0, output
    assert len(list(kgstore.open_read_only(target).named_graphs())) >= len(SEEDS) + 2


def _dead_pid() -> int:
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


@pytest.mark.parametrize("leftovers,store_kept", [
    ({"old": "store"}, True),      # killed between the two renames: the old store comes back
    ({"new": "partial"}, False),   # killed while staging: the staging store goes, the old one stays
    ({"old": "partial"}, False),   # killed while deleting the old store after the swap
    ({"new": "partial", "scratch": "partial"}, False),  # killed during inference: its dump goes too
])
def test_recover_finishes_or_undoes_a_swap_of_a_dead_build(built_store, tmp_path, leftovers, store_kept):
    path = tmp_path / "store"
    pid = _dead_pid()
    for kind, content in leftovers.items():
        leftover = tmp_path / f".store.{kind}-{pid}"
        if content == "store":
            shutil.copytree(built_store, leftover)
        else:
            leftover.mkdir()
            (leftover / "000001.sst").write_bytes(b"partial")
    if not store_kept:
        shutil.copytree(built_store, path)
    live = subprocess.Popen(["sleep", "30"])
    try:
        running = tmp_path / f".store.new-{live.pid}"
        running.mkdir()
        kgstore.recover(path)
        assert running.exists(), "a live process's staging directory was removed"
    finally:
        live.kill()
        live.wait()
    assert sorted(p.name for p in tmp_path.iterdir()) == [f".store.new-{live.pid}", "store"]
    assert kgstore.content_hash(kgstore.open_read_only(path)) == kgstore.content_hash(
        kgstore.open_read_only(built_store))
