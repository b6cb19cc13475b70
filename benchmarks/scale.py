"""Scale benchmark: kg at 10 … 100,000 synthetic articles, next to the baseline stack, in one run.

For each size N (a corpus from benchmarks/synth.py; article N is held back for the incremental load):

* **build**: ``kg build`` (annotation checks, RDF, SHACL validation, OWL RL inference, store) in a
  subprocess: wall time, articles/s, triples/s, peak memory (ru_maxrss of the process and of the
  children it forks for validation and inference), and the time of each stage;
* **load**: ``kg load`` of one more article into that store (validation and inference included, as
  the pipeline does them), in-process time and whole-command time;
* **queries**: every stored query on the store, median and p95 over repeated runs (evaluated: no kept
  answer is used), and the median of asking it again through ``kg.open(store).query_result`` once its
  answer is kept (kg.answers: the time a repeated question takes until the store changes);
* **export**: Turtle and N-Triples;
* **upper bound**: pyoxigraph parsing the same N-Triples (no store, no Python per triple);
* **baseline** (where it finishes within ``--baseline-timeout``): the same annotations into one
  rdflib in-memory graph, pySHACL on the full graph, owlrl's full OWL RL closure, rdflib SPARQL and
  rdflib serialisation; shown as kg's speed-up (baseline time / kg time).

Every measurement runs in a fresh subprocess (``scale.py _STEP …``), so memory and caches do not
carry over. Prints a Markdown table (paste into docs/performance.md) and writes JSON with every
figure. Budgets (KG_*_TIMEOUT, KG_MEMORY_LIMIT_MB) are lifted so large sizes are measured, not stopped.

Usage::

    python benchmarks/scale.py --sizes 10,100,1000 [--work /tmp/kg-scale] [--baseline-timeout 900]
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

SEED = 0
EPOCH = "1700000000"
QUERY_RUNS, QUERY_SECONDS = 20, 20.0  # repetitions per stored query, and the time they may take together
QUERY_CAP, EXPORT_CAP = 30.0, 600.0  # the baseline: seconds one stored query / one export may take
QUERY_CAP_KG = 120.0  # kg: seconds the runs of one stored query may take


# -- the corpus and one project per size -------------------------------------------------------------

def corpus(work: Path, largest: int) -> Path:
    """Generate (once) articles 0 … largest; every size uses a prefix of it (synth is prefix-stable)."""
    from synth import generate
    target = work / "corpus"
    marker = target / f".complete-{largest + 1}-seed{SEED}"
    if not marker.exists():
        shutil.rmtree(target, ignore_errors=True)
        generate(largest + 1, target, SEED, progress=True)
        marker.touch()
    return target


def project_for(work: Path, source: Path, size: int) -> tuple[Path, Path]:
    """A project directory with the first *size* articles (symlinks), and the held-back next article."""
    project = work / f"project-{size}"
    files = sorted(source.glob("*.yaml"))
    articles = project / "data" / "articles"
    if not (articles.exists() and len(list(articles.glob("*.yaml"))) == size):
        shutil.rmtree(project, ignore_errors=True)
        articles.mkdir(parents=True)
        for name in ("ontology", "shapes", "queries"):
            (project / name).symlink_to(ROOT / name)
        (project / "data" / "reference").symlink_to(ROOT / "data" / "reference")
        for path in files[:size]:
            (articles / path.name).symlink_to(path)
    return project, files[size]


# -- running a step in a fresh process ---------------------------------------------------------------------

def env_for(project: Path) -> dict[str, str]:
    env = dict(os.environ, KG_PROJECT=str(project), SOURCE_DATE_EPOCH=EPOCH, KG_VALIDATION_TIMEOUT="0",
               KG_INFERENCE_TIMEOUT="0", KG_QUERY_TIMEOUT="0", KG_MEMORY_LIMIT_MB="0", PYTHONHASHSEED="0")
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    return env


def _spawn(step: str, args: list[str], project: Path) -> tuple[subprocess.Popen, Path]:
    out = project.parent / f".{step}-{project.name}.json"
    out.unlink(missing_ok=True)
    command = [sys.executable, str(Path(__file__).resolve()), f"_{step}", str(out), *args]
    return subprocess.Popen(command, env=env_for(project), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            preexec_fn=_limit_memory), out


#: Address space a step may use (GB); a step that needs more fails and is reported, instead of
#: pushing a shared machine into swap or the OOM killer. Set by --memory-limit-gb.
MEMORY_LIMIT_GB = 12.0


def _limit_memory() -> None:
    if MEMORY_LIMIT_GB:
        limit = int(MEMORY_LIMIT_GB * 2**30)
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _partial(out: Path) -> dict[str, Any]:
    try:
        return json.loads(out.read_text())
    except (OSError, ValueError):
        return {}


def run_step(step: str, args: list[str], project: Path, timeout: float | None = None) -> dict[str, Any]:
    """Run ``scale.py _STEP args`` in a subprocess; its JSON result plus wall time (or a DNF record)."""
    started = time.perf_counter()
    process, out = _spawn(step, args, project)
    try:
        _, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        return {"dnf": True, "timeout": timeout, **_partial(out)}
    wall = time.perf_counter() - started
    if process.returncode != 0:
        error = stderr.decode(errors="replace").strip().splitlines()
        say(f"step {step} failed ({process.returncode}): {' | '.join(error[-3:])}")
        return {"failed": True, "returncode": process.returncode, "error": "\n".join(error[-20:]), **_partial(out)}
    return {"wall": wall, **json.loads(out.read_text())}


def run_baseline(project: Path, timeout: float) -> dict[str, Any]:
    """The baseline has *timeout* seconds for its build (dataset, SHACL, closure); it is stopped if
    that does not finish. Queries and exports then run with caps of their own (see step_baseline)."""
    started = time.perf_counter()
    process, out = _spawn("baseline", [str(ROOT / "shapes")], project)
    hard_limit = timeout + 30 * QUERY_CAP + 2 * EXPORT_CAP + 60
    while process.poll() is None:
        elapsed = time.perf_counter() - started
        built = "owlrl closure" in _partial(out).get("stages", {})
        if (not built and elapsed > timeout) or elapsed > hard_limit:
            process.kill()
            process.wait()
            return {"dnf": True, "timeout": timeout, **_partial(out)}
        time.sleep(1)
    if process.returncode != 0:
        raise RuntimeError(f"baseline failed ({process.returncode}):\n{process.stderr.read().decode(errors='replace')[-3000:]}")
    return {"wall": time.perf_counter() - started, **_partial(out)}


def _save(out: Path, result: dict[str, Any]) -> None:
    """Write the step's result so far (a killed step still reports the stages it finished)."""
    tmp = out.with_suffix(".tmp")
    tmp.write_text(json.dumps(result, default=str))
    tmp.replace(out)


def _peak_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024  # ru_maxrss is in KiB on Linux


# -- steps (each in its own process) --------------------------------------------------------------------

def step_build(out: Path, store: str) -> None:
    """`kg build --quiet` (what the command calls: KnowledgeGraph.build); its report says where the time went."""
    from kg.api import KnowledgeGraph
    from kg.errors import KgError
    result: dict[str, Any] = {}
    started = time.perf_counter()
    try:
        report = KnowledgeGraph(store).build()
    except KgError as exc:
        result.update(exit_code=exc.exit_code, error=str(exc)[:2000])
    else:
        result.update(exit_code=0, stages=report.timings, triples_written=report.triples_written,
                      inferred=len(report.inference.triples) if report.inference else 0)
    result.update(seconds=time.perf_counter() - started, peak_mb=_peak_mb())
    if not result["exit_code"]:
        import pyoxigraph as ox
        kg_store = ox.Store.read_only(store)
        # the named graphs' quads (as before the union was kept), and the union's own (kg.store)
        result["union_quads"] = sum(1 for _ in kg_store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
        result["quads"] = len(kg_store) - result["union_quads"]
        result["graphs"] = sum(1 for _ in kg_store.named_graphs())
    _save(out, result)


def step_load(out: Path, store: str, article: str) -> None:
    from kg.config import Project
    from kg import pipeline
    started = time.perf_counter()
    report = pipeline.load_into_store([Path(article)], Project.discover(), Path(store))
    _save(out, {"seconds": time.perf_counter() - started, "articles": report.articles, "peak_mb": _peak_mb()})


def step_cli_load(out: Path, store: str, article: str) -> None:
    """The whole `kg load` command (interpreter start and imports included)."""
    started = time.perf_counter()
    code = subprocess.run([sys.executable, "-m", "kg.cli", "--store", store, "load", article],
                          capture_output=True).returncode
    _save(out, {"seconds": time.perf_counter() - started, "exit_code": code})


def step_queries(out: Path, store: str) -> None:
    """Every stored query, repeated; each in a forked child that opens its own read-only store and
    is stopped after QUERY_CAP seconds (pyoxigraph cannot interrupt a query)."""
    from kg.config import Project
    from kg.queries import load_catalogue
    result: dict[str, Any] = {"queries": {}}
    for name, query in sorted(load_catalogue(Project.discover().queries_dir).items()):
        def repeat(query=query, name=name) -> tuple[list[float], int, list[float]]:
            import pyoxigraph as ox
            from kg.queries import run_stored
            kg_store = ox.Store.read_only(store)
            values, times, rows = query.example_values(), [], 0
            deadline = time.perf_counter() + QUERY_SECONDS
            while len(times) < QUERY_RUNS and (len(times) < 3 or time.perf_counter() < deadline):
                started = time.perf_counter()
                rows = len(run_stored(kg_store, query, values).rows)
                times.append(time.perf_counter() - started)
                if times[0] > 5:  # a slow query is timed once
                    break
            del kg_store
            import kg
            graph = kg.open(store)
            graph.query_result(name, values)  # evaluated, and its answer kept
            kept = []
            for _ in range(QUERY_RUNS):
                started = time.perf_counter()
                graph.query_result(name, values)
                kept.append(time.perf_counter() - started)
            return times, rows, kept
        outcome = _in_child(repeat, QUERY_CAP_KG)
        if outcome is None:
            result["queries"][name] = {"timeout": QUERY_CAP_KG}
        else:
            times, rows, kept = outcome
            result["queries"][name] = {"median": statistics.median(times), "p95": _p95(times), "runs": len(times),
                                       "rows": rows, "kept_median": statistics.median(kept)}
        _save(out, result)


def step_replicate(out: Path, source: str, target: str, copies: str) -> None:
    """A proxy store: every article graph and the inferred graph of *source*, *copies* times under
    renamed instance IRIs (benchmarks/replicate.py); ontology and reference data once."""
    import pyoxigraph as ox
    from replicate import _renamer
    from kg.export import inferred_graph_iri
    from kg.pipeline import ontology_graph_iri, reference_graph_iri
    static = {ontology_graph_iri(), reference_graph_iri()}
    from kg import store as kgstore
    kg_store = ox.Store.read_only(source)

    def quads():
        for quad in kgstore.named_quads(kg_store):  # not the union: filled below (kg.store)
            if quad.graph_name.value in static:
                yield quad
        for copy in range(int(copies)):
            rename = _renamer(copy)
            inferred = ox.NamedNode(inferred_graph_iri())
            for quad in kgstore.named_quads(kg_store):
                if quad.graph_name.value not in static:
                    graph = quad.graph_name if quad.graph_name == inferred else rename(quad.graph_name)
                    yield ox.Quad(rename(quad.subject), quad.predicate, rename(quad.object), graph)
    started = time.perf_counter()
    target_store = ox.Store(target)
    target_store.bulk_extend(quads())
    kgstore.fill_union(target_store)
    target_store.optimize()
    Path(target, "kg-store.txt").write_text("kg benchmark proxy store\n")
    _save(out, {"seconds": time.perf_counter() - started, "quads": len(target_store), "copies": int(copies)})


def step_export(out: Path, store: str, directory: str) -> None:
    import pyoxigraph as ox
    from kg.export import EXTENSIONS, export
    kg_store = ox.Store.read_only(store)
    result: dict[str, Any] = {}
    for fmt in ("turtle", "ntriples"):
        path = Path(directory) / f"kg.{EXTENSIONS[fmt]}"
        started = time.perf_counter()
        export(kg_store, fmt, path, with_inferred=True)
        result[fmt] = {"seconds": time.perf_counter() - started, "bytes": path.stat().st_size}
    result["peak_mb"] = _peak_mb()
    _save(out, result)


def step_parse(out: Path, ntriples: str) -> None:
    """The practical upper bound: pyoxigraph parsing the N-Triples, and bulk-loading them in memory."""
    import pyoxigraph as ox
    started = time.perf_counter()
    count = sum(1 for _ in ox.parse(path=ntriples, format=ox.RdfFormat.N_TRIPLES))
    parsed = time.perf_counter() - started
    started = time.perf_counter()
    memory = ox.Store()
    memory.bulk_load(path=ntriples, format=ox.RdfFormat.N_TRIPLES)
    _save(out, {"triples": count, "parse_seconds": parsed, "load_seconds": time.perf_counter() - started})


def step_baseline(out: Path, shapes_dir: str) -> None:
    """rdflib dataset + pySHACL (whole dataset) + owlrl (full closure) + rdflib SPARQL + rdflib export."""
    from rdflib import Dataset, URIRef
    from kg.config import Project
    from kg import pipeline
    from kg.queries import bind_parameters, load_catalogue, with_values
    result: dict[str, Any] = {"stages": {}}
    stages = result["stages"]

    def timed(stage: str, fn):
        started = time.perf_counter()
        value = fn()
        stages[stage] = time.perf_counter() - started
        result["peak_mb"] = _peak_mb()
        _save(out, result)
        return value

    project = Project.discover()
    inputs = pipeline.Inputs.read(project)
    articles = timed("annotations + rdflib graphs", lambda: pipeline.prepare_articles(project.article_files(), inputs))

    def merge() -> Dataset:
        """One rdflib dataset, a named graph per article (the shapes compare an event with its article's graph)."""
        dataset = Dataset(default_union=True)
        for name, static in inputs.static_graphs().items():
            dataset.graph(URIRef(name)).__iadd__(static)
        for article in articles:
            dataset.graph(article.graph_iri).__iadd__(article.graph)
        return dataset
    graph = timed("one rdflib dataset", merge)
    result["triples"] = len(graph)

    def shacl():
        from pyshacl import validate
        from kg.validate import load_shapes
        conforms, _, _ = validate(graph, shacl_graph=load_shapes(Path(shapes_dir)), inference="none",
                                  advanced=True, allow_warnings=True, inplace=True)
        return conforms
    result["conforms"] = timed("pySHACL, full graph", shacl)

    def closure():
        import owlrl
        owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(graph)
    timed("owlrl closure", closure)
    result["closure_triples"] = len(graph)
    result["queries"] = {}
    for name, query in sorted(load_catalogue(project.queries_dir).items()):
        text = with_values(query.text, bind_parameters(query, query.example_values()))

        def repeat(text=text) -> list[float]:
            times: list[float] = []
            deadline = time.perf_counter() + QUERY_SECONDS
            while len(times) < 5 and (not times or time.perf_counter() < deadline):
                started = time.perf_counter()
                list(graph.query(text))
                times.append(time.perf_counter() - started)
            return times
        times = _in_child(repeat, QUERY_CAP)
        result["queries"][name] = ({"median": statistics.median(times), "p95": _p95(times), "runs": len(times)}
                                   if times else {"timeout": QUERY_CAP})
        _save(out, result)
    for fmt, rdflib_format in (("turtle", "turtle"), ("ntriples", "nt")):  # the union, as kg exports it
        def serialize(f=rdflib_format) -> float:
            started = time.perf_counter()
            graph.serialize(format=f, encoding="utf-8")
            return time.perf_counter() - started
        stages[f"export {fmt}"] = _in_child(serialize, EXPORT_CAP)
        _save(out, result)
    result["complete"] = True
    _save(out, result)


def _in_child(fn, limit: float):
    """*fn()* in a forked child (it shares the graph copy-on-write); None if it takes over *limit* s."""
    import multiprocessing
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=lambda: sender.send(fn()), daemon=True)
    child.start()
    sender.close()
    try:
        return receiver.recv() if receiver.poll(limit) else None
    except EOFError:
        return None
    finally:
        if child.is_alive():
            child.kill()
        child.join()


def _p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]


STEPS = {"_build": step_build, "_load": step_load, "_cli_load": step_cli_load, "_queries": step_queries,
         "_export": step_export, "_parse": step_parse, "_baseline": step_baseline, "_replicate": step_replicate}


# -- one size ------------------------------------------------------------------------------------------------

def measure(size: int, work: Path, source: Path, *, baseline: bool, baseline_timeout: float,
            build_timeout: float | None, proxy_of: int | None = None) -> dict[str, Any]:
    """Every figure for one size; with *proxy_of*, the store is the store of that size replicated
    (no build, no baseline): query, export and load figures at a size too large to build here."""
    project, extra = project_for(work, source, size)
    store = work / f"store-{size}"
    shutil.rmtree(store, ignore_errors=True)
    figures: dict[str, Any] = {"articles": size}
    if proxy_of:
        copies = size // proxy_of
        say(f"[{size}] proxy store: the {proxy_of:,}-article store {copies} times")
        figures["proxy"] = run_step("replicate", [str(work / f"store-{proxy_of}"), str(store), str(copies)], project)
        figures["proxy"]["of"] = proxy_of
        baseline = False
    else:
        say(f"[{size}] kg build")
        figures["build"] = run_step("build", [str(store)], project, build_timeout)
        if figures["build"].get("dnf") or figures["build"].get("exit_code"):
            return figures
    exports = work / f"export-{size}"
    exports.mkdir(exist_ok=True)
    say(f"[{size}] stored queries")
    figures["queries"] = run_step("queries", [str(store)], project).get("queries", {})
    say(f"[{size}] export")
    figures["export"] = run_step("export", [str(store), str(exports)], project)
    say(f"[{size}] pyoxigraph parse (upper bound)")
    figures["parse"] = (run_step("parse", [str(exports / "kg.nt")], project) if (exports / "kg.nt").exists()
                        else {"failed": True, "error": "no N-Triples export"})
    say(f"[{size}] kg load of one more article")
    loaded = work / f"store-{size}-load"
    shutil.rmtree(loaded, ignore_errors=True)
    shutil.copytree(store, loaded)
    figures["load"] = run_step("load", [str(loaded), str(extra)], project)
    shutil.rmtree(loaded)
    shutil.copytree(store, loaded)
    figures["cli_load"] = run_step("cli_load", [str(loaded), str(extra)], project)
    shutil.rmtree(loaded)
    if baseline:
        say(f"[{size}] baseline stack (timeout {baseline_timeout:g} s)")
        figures["baseline"] = run_baseline(project, baseline_timeout)
    shutil.rmtree(exports, ignore_errors=True)
    if proxy_of:
        shutil.rmtree(store, ignore_errors=True)
    return figures


def say(message: str) -> None:
    print(f"{time.strftime('%H:%M:%S')} {message}", file=sys.stderr, flush=True)


# -- the report ------------------------------------------------------------------------------------------------

def environment() -> dict[str, str]:
    import pyoxigraph
    import pyshacl
    import rdflib
    import owlrl
    try:
        import psutil
        memory = f"{psutil.virtual_memory().total / 2**30:.0f} GB"
    except ImportError:
        memory = "?"
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    return {"date": dt.date.today().isoformat(), "machine": f"{os.cpu_count()} cores ({cpu}), {memory} RAM",
            "os": platform.platform(), "python": platform.python_version(), "pyoxigraph": pyoxigraph.__version__,
            "rdflib": rdflib.__version__, "owlrl": getattr(owlrl, "__version__", "?"),
            "pyshacl": pyshacl.__version__, "load": "%.1f %.1f %.1f" % os.getloadavg()}


def fmt_s(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.1f} s" if seconds < 600 else f"{seconds / 60:.1f} min"


def _seconds(step: dict[str, Any]) -> str:
    """A step's seconds, or why there are none (it failed: out of its memory limit, most likely)."""
    if step.get("failed"):
        return "failed" + (" (memory)" if "MemoryError" in step.get("error", "") or "memory" in step.get("error", "")
                           else "")
    if step.get("exit_code"):
        return f"exit {step['exit_code']}"
    return fmt_s(step.get("seconds"))


def ratio(baseline: float | None, ours: float | None) -> str:
    return f"{baseline / ours:.0f}×" if baseline and ours else "–"


def markdown(results: list[dict[str, Any]], env: dict[str, str]) -> str:
    lines = [f"Measured {env['date']} on {env['machine']}; {env['os']}; Python {env['python']}, pyoxigraph "
             f"{env['pyoxigraph']}, rdflib {env['rdflib']}, owlrl {env['owlrl']}, pySHACL {env['pyshacl']}; "
             f"load average at the end {env['load']}.", ""]
    lines += ["| articles | quads (incl. inferred) | `kg build` | articles/s | triples/s | peak memory | "
              "`kg load` +1 (in-process / command) | queries: worst median / worst p95 | export Turtle / N-Triples | "
              "pyoxigraph parse (upper bound) |", "|" + "---|" * 10]
    for r in results:
        b = r.get("build", {})
        if b.get("dnf") or b.get("exit_code"):
            why = f"timeout {fmt_s(b.get('timeout'))}" if b.get("dnf") else f"exit {b.get('exit_code')}"
            lines.append(f"| {r['articles']:,} | – | did not finish ({why}) " + "| – " * 7 + "|")
            continue
        q = [x for x in r["queries"].values() if "median" in x]
        slow = len(r["queries"]) - len(q)
        worst = (f"> {fmt_s(QUERY_CAP_KG)} ({slow} queries)" if slow else
                 f"{fmt_s(max(x['median'] for x in q))} / {fmt_s(max(x['p95'] for x in q))}")
        parse = r["parse"]
        parsed = ("failed" if parse.get("failed") else
                  f"{parse['triples'] / parse['parse_seconds']:,.0f} triples/s ({fmt_s(parse['parse_seconds'])})")
        if "proxy" in r:
            quads = r["proxy"]["quads"]
            build = f"not built: the {r['proxy']['of']:,}-article store ×{r['proxy']['copies']} | – | – | –"
        else:
            quads = b["quads"]
            build = (f"{fmt_s(b['wall'])} | {r['articles'] / b['wall']:,.0f} | {b['quads'] / b['wall']:,.0f} | "
                     f"{b['peak_mb']:,.0f} MB")
        lines.append(
            f"| {r['articles']:,} | {quads:,} | {build} | {_seconds(r['load'])} / {_seconds(r['cli_load'])} | "
            f"{worst} | {_seconds(r['export'].get('turtle', r['export']))} / "
            f"{_seconds(r['export'].get('ntriples', r['export']))} | {parsed} |")
    lines += ["", "Build stages (seconds):", ""]
    built = [r for r in results if r.get("build", {}).get("stages")]
    stage_names = list(dict.fromkeys(s for r in built for s in r["build"]["stages"]))
    lines += ["| articles | " + " | ".join(stage_names) + " |", "|" + "---|" * (len(stage_names) + 1)]
    for r in built:
        stages = r["build"]["stages"]
        lines.append(f"| {r['articles']:,} | " + " | ".join(fmt_s(stages.get(s)) for s in stage_names) + " |")
    lines += ["", "Against the baseline stack (rdflib graph + pySHACL full graph + owlrl closure + rdflib SPARQL), "
              "kg's speed-up = baseline time / kg time:", "",
              "| articles | baseline: graphs / SHACL / owlrl / total | kg build | speed-up, build | "
              "queries: baseline worst median | speed-up, queries (median of ratios) | export Turtle: baseline | speed-up |",
              "|" + "---|" * 8]
    for r in results:
        base = r.get("baseline")
        if "proxy" in r:
            continue
        if base is None:
            lines.append(f"| {r['articles']:,} | not run{r.get('baseline_note', '')} |" + " – |" * 6)
            continue
        s = base.get("stages", {})
        graphs = (s.get("annotations + rdflib graphs") or 0) + (s.get("one rdflib dataset") or 0)
        total = graphs + (s.get("pySHACL, full graph") or 0) + (s.get("owlrl closure") or 0)
        if base.get("dnf") and "owlrl closure" not in s:
            reached = "owlrl closure" if "pySHACL, full graph" in s else "pySHACL" if "one rdflib dataset" in s else "load"
            lines.append(f"| {r['articles']:,} | did not finish in {fmt_s(base['timeout'])} (stopped in {reached}) | "
                         f"{fmt_s(r['build'].get('wall'))} | > {ratio(base['timeout'], r['build'].get('wall'))} |" + " – |" * 4)
            continue
        bq = base.get("queries", {})
        speedups = [bq[n]["median"] / r["queries"][n]["median"] for n in bq
                    if "median" in bq[n] and r["queries"].get(n, {}).get("median")]
        timeouts = [n for n in bq if "timeout" in bq[n]]
        worst = (f"> {fmt_s(QUERY_CAP)} ({len(timeouts)} of {len(bq)} queries)" if timeouts
                 else fmt_s(max((x["median"] for x in bq.values()), default=None)))
        bt = s.get("export turtle")
        lines.append(
            f"| {r['articles']:,} | {fmt_s(graphs)} / {fmt_s(s.get('pySHACL, full graph'))} / {fmt_s(s.get('owlrl closure'))} "
            f"/ {fmt_s(total)} | {fmt_s(r['build']['wall'])} | {ratio(total, r['build']['wall'])} | "
            f"{worst} | {(str(round(statistics.median(speedups))) + '×') if speedups else '–'} | "
            f"{fmt_s(bt) if bt or 'export turtle' not in s else '> ' + fmt_s(EXPORT_CAP)} | "
            f"{ratio(bt, r['export']['turtle']['seconds'])} |")
    lines += ["", "Stored queries, evaluated: median / p95; asked again with the answer kept (kg.answers): median:",
              ""]
    sizes = [r for r in results if "queries" in r]
    lines += ["| query | " + " | ".join(f"{r['articles']:,}" for r in sizes) + " |", "|" + "---|" * (len(sizes) + 1)]
    for name in sorted({n for r in sizes for n in r["queries"]}):
        cells = [("–" if name not in r["queries"] else f"> {fmt_s(QUERY_CAP_KG)}" if "median" not in r["queries"][name]
                  else f"{fmt_s(r['queries'][name]['median'])} / {fmt_s(r['queries'][name]['p95'])}"
                  + (f"; kept {fmt_s(r['queries'][name]['kept_median'])}" if "kept_median" in r["queries"][name]
                     else "")) for r in sizes]
        base = [r.get("baseline", {}).get("queries", {}).get(name) for r in sizes]
        cells = [c + (f" (rdflib {fmt_s(b['median'])})" if b and "median" in b else
                      f" (rdflib > {fmt_s(QUERY_CAP)})" if b else "") for c, b in zip(cells, base)]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    global MEMORY_LIMIT_GB
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in STEPS:
        STEPS[argv[0]](Path(argv[1]), *argv[2:])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10,100,1000,10000,100000", help="comma-separated article counts")
    parser.add_argument("--work", type=Path, default=Path("/tmp/kg-scale"), help="scratch directory")
    parser.add_argument("--baseline-timeout", type=float, default=900.0, help="seconds the baseline may take per size")
    parser.add_argument("--no-baseline", action="store_true", help="skip the baseline stack")
    parser.add_argument("--build-timeout", type=float, default=None, help="seconds kg build may take per size")
    parser.add_argument("--proxy", default="", help="comma-separated sizes measured on a replicated store of the "
                        "largest size built (no build): for sizes too large to build on this machine")
    parser.add_argument("--memory-limit-gb", type=float, default=MEMORY_LIMIT_GB,
                        help="address space each step may use (0: no limit)")
    parser.add_argument("--json", type=Path, help="write every figure to this JSON file")
    parser.add_argument("--keep", type=Path, help="read figures of sizes measured earlier from this JSON (resume)")
    args = parser.parse_args(argv)
    sizes = sorted(int(s) for s in args.sizes.split(","))
    proxies = {int(s) for s in args.proxy.split(",") if s}
    MEMORY_LIMIT_GB = args.memory_limit_gb
    args.work.mkdir(parents=True, exist_ok=True)
    say(f"corpus of {sizes[-1] + 1} articles")
    source = corpus(args.work, sizes[-1])
    results, baseline_dnf = [], None
    kept = {r["articles"]: r for r in json.loads(args.keep.read_text())["results"]} if args.keep else {}
    for size in sizes:
        run_baseline = not args.no_baseline and baseline_dnf is None
        built = [r["articles"] for r in results if "build" in r and not r["build"].get("exit_code")
                 and not r["build"].get("dnf")]
        if size in kept:
            figures = kept[size]
        else:
            figures = measure(size, args.work, source, baseline=run_baseline, baseline_timeout=args.baseline_timeout,
                              build_timeout=args.build_timeout,
                              proxy_of=max(built) if size in proxies and built else None)
        if baseline_dnf is not None:
            figures["baseline_note"] = f" (did not finish at {baseline_dnf:,} articles)"
        elif figures.get("baseline", {}).get("dnf"):
            baseline_dnf = size
        results.append(figures)
        if args.json:
            args.json.write_text(json.dumps({"environment": environment(), "results": results}, indent=2))
    print(markdown(results, environment()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
