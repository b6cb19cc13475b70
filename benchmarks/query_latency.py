"""Latency of every stored query: the embedded store (pyoxigraph on RocksDB) vs rdflib's in-memory Dataset.

For each size (in articles) a synthetic corpus is generated with ``benchmarks/synth.py``, checked and
built by kg's own pipeline (annotations → RDF → provenance, plus the OWL 2 RL inferred graph; the SHACL
gate is skipped, the generator's output passes it), and written once to N-Quads in the work directory
(reused by later runs). The same quads are then loaded into

* ``oxigraph``: a kg store on disk (``kg.store.build_fresh``), opened read-only as ``kg query`` does;
  queries run as ``kg.queries.run_stored`` runs them (substitutions plus ``VALUES`` blocks);
* ``rdflib``: an in-memory ``rdflib.Dataset(default_union=True)``, queried with rdflib's SPARQL engine;
  parameters travel in the portable ``VALUES`` form (``kg.queries.with_values``).

Each query runs with its default or example parameters (a person parameter gets the corpus's most
active person), ``--runs`` times per engine after one warm-up,
and the table gives the median and the 95th percentile (nearest rank) in milliseconds. rdflib runs stop
early when a query has used up ``--rdflib-budget`` seconds, and a single rdflib run is cut off after
``--rdflib-timeout`` seconds (reported as ">N s"). The row counts of both engines are compared.

Usage::

    python benchmarks/query_latency.py [--sizes 10,1000,10000] [--runs 10] [--work /tmp/kg-bench]
"""
from __future__ import annotations

import argparse
import math
import multiprocessing
import os
import resource
import signal
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import pyoxigraph as ox  # noqa: E402

from kg import pipeline, rdfterms, store as kgstore  # noqa: E402
from kg.config import Project  # noqa: E402
from kg.queries import bind_parameters, load_catalogue, run_sparql, with_values  # noqa: E402

_INPUTS = None


def _init_worker() -> None:
    global _INPUTS
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1700000000")
    _INPUTS = pipeline.Inputs.read(Project(ROOT))


def _article_lines(paths: list[str]) -> list[str]:
    """N-Quads lines of the article graphs built from *paths* (runs in a worker process)."""
    lines = []
    for article in pipeline.prepare_articles([Path(p) for p in paths], _INPUTS):
        lines.extend(article.nquads())
    return lines


def corpus(size: int, seed: int, work: Path, infer: bool) -> Path:
    """The N-Quads file of a *size*-article synthetic corpus (built once, then reused)."""
    path = work / f"corpus-{size}-seed{seed}{'' if infer else '-asserted'}.nq"
    if path.exists():
        return path
    import synth
    started = time.perf_counter()
    yaml_dir = work / f"corpus-{size}-seed{seed}"
    paths = sorted(str(p) for p in synth.generate(size, yaml_dir, seed))
    chunks = [paths[i:i + 200] for i in range(0, len(paths), 200)]
    with multiprocessing.Pool(os.cpu_count(), initializer=_init_worker) as pool:
        article_lines = [line for lines in pool.map(_article_lines, chunks) for line in lines]
    _init_worker()
    static = [f"{q} .\n" for name, graph in _INPUTS.static_graphs().items() for q in rdfterms.graph_quads(graph, name)]
    if infer:
        quads = list(ox.parse("".join(static + article_lines), ox.RdfFormat.N_QUADS))
        _, inferred = pipeline.infer_graph(lambda: quads, _INPUTS.base)
        static += [f"{q} .\n" for q in inferred]
    path.write_text("".join(static + article_lines), encoding="utf-8")
    print(f"  corpus of {size} articles: {len(static) + len(article_lines):,} quads in "
          f"{time.perf_counter() - started:.0f} s", file=sys.stderr)
    return path


def oxigraph_store(data: Path, work: Path) -> ox.Store:
    path = work / f"store-{data.stem}"
    if not (path / kgstore.MARKER).exists():
        kgstore.build_fresh(path, ox.parse(path=str(data), format=ox.RdfFormat.N_QUADS))
    return kgstore.open_read_only(path)


def rdflib_dataset(data: Path):
    import rdflib
    dataset = rdflib.Dataset(default_union=True)
    dataset.parse(str(data), format="nquads")
    return dataset


class _Timeout(Exception):
    pass


def _on_alarm(signum, frame):
    raise _Timeout


def timed(run, runs: int, *, timeout: float | None = None, budget: float | None = None) -> tuple[list[float], int]:
    """Seconds of each run of *run()* after a warm-up, and the row count; [] if a run timed out."""
    def once() -> tuple[float, int]:
        if timeout:
            signal.setitimer(signal.ITIMER_REAL, timeout)
        try:
            started = time.perf_counter()
            rows = run()
            return time.perf_counter() - started, rows
        finally:
            if timeout:
                signal.setitimer(signal.ITIMER_REAL, 0)
    try:
        first, rows = once()  # warm-up (caches, lazy parsing); counted against the budget
        spent, times = first, []
        for _ in range(runs):
            if budget and spent > budget and times:
                break
            seconds, rows = once()
            times.append(seconds)
            spent += seconds
        return times, rows
    except _Timeout:
        return [], -1
    except MemoryError:  # rdflib may materialise a sub-select whole (pyoxigraph aborts instead: the process ends)
        return [], -2


def busiest_person(store: ox.Store) -> str:
    """The key of the person with the most participations (the seed's example may not be in a corpus)."""
    rows = run_sparql(store, """
        SELECT ?key WHERE {
          { SELECT ?person (COUNT(DISTINCT ?part) AS ?n) WHERE {
              ?part <http://data.europa.eu/m8g/hasParticipant> ?person .
              ?person a <https://w3id.org/kg-pl-inclusion/ontology#Person> .
          } GROUP BY ?person }
          BIND (STRAFTER(STR(?person), "/person/") AS ?key)
        } ORDER BY DESC(?n) ?key LIMIT 1""").rows
    return rows[0]["key"] if rows else "nobody"


def p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def fmt(times: list[float], timeout: float, rows: int = -1) -> tuple[str, str]:
    if not times:
        return ("out of memory", "") if rows == -2 else (f">{timeout:g} s", "")
    return f"{statistics.median(times) * 1000:.1f}", f"{p95(times) * 1000:.1f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10,1000,10000", help="corpus sizes in articles")
    parser.add_argument("--runs", type=int, default=10, help="timed runs per query and engine")
    parser.add_argument("--rdflib-timeout", type=float, default=120.0, help="cut-off of one rdflib run (s)")
    parser.add_argument("--rdflib-budget", type=float, default=60.0, help="stop repeating an rdflib query after (s)")
    parser.add_argument("--oxigraph-budget", type=float, default=60.0,
                        help="stop repeating an Oxigraph query after (s)")
    parser.add_argument("--memory-limit-gb", type=float, default=16.0,
                        help="address space of the benchmark process (0: no limit)")
    parser.add_argument("--work", type=Path, default=Path("/tmp/kg-bench-queries"), help="cache of corpora and stores")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-infer", action="store_true", help="leave out the inferred graph")
    parser.add_argument("--queries", help="comma-separated query names (default: all)")
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    signal.signal(signal.SIGALRM, _on_alarm)
    if args.memory_limit_gb:  # an exploding rdflib query raises MemoryError instead of meeting the OOM killer
        # (a run at 10,000 articles was killed at 22 GB during an old good-practice-municipalities)
        limit = int(args.memory_limit_gb * 2**30)
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    catalogue = load_catalogue(ROOT / "queries")
    if args.queries:
        catalogue = {n: catalogue[n] for n in args.queries.split(",")}
    print("| articles | quads | query | oxigraph median ms | oxigraph p95 ms | rdflib median ms | rdflib p95 ms "
          "| rdflib / oxigraph | rows (ox / rdflib) |")
    print("|---:|---:|---|---:|---:|---:|---:|---:|---|", flush=True)
    for size in (int(s) for s in args.sizes.split(",")):
        data = corpus(size, args.seed, args.work, not args.no_infer)
        store = oxigraph_store(data, args.work)
        started = time.perf_counter()
        dataset = rdflib_dataset(data)
        print(f"  rdflib loaded {len(dataset):,} quads in {time.perf_counter() - started:.0f} s; peak RSS "
              f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB", file=sys.stderr)
        quads = sum(1 for _ in kgstore.named_quads(store))  # not the derived union (kg.store)
        values = {"person": busiest_person(store)}
        for name, query in catalogue.items():
            bound = bind_parameters(query, {**query.example_values(),
                                            **{p.name: values[p.type] for p in query.parameters if p.type in values}})
            portable = with_values(query.text, bound)
            ox_times, ox_rows = timed(lambda: len(run_sparql(store, portable, bound).rows), args.runs,
                                      budget=args.oxigraph_budget)
            rl_times, rl_rows = timed(lambda: len(list(dataset.query(portable))), args.runs,
                                      timeout=args.rdflib_timeout, budget=args.rdflib_budget)
            ox_med, ox_p95 = fmt(ox_times, 0)
            rl_med, rl_p95 = fmt(rl_times, args.rdflib_timeout, rl_rows)
            ratio = f"{statistics.median(rl_times) / statistics.median(ox_times):.0f}×" if rl_times else "–"
            rows = f"{ox_rows} / {rl_rows if rl_rows >= 0 else '–'}" + ("" if rl_rows in (ox_rows, -1, -2) else " ≠")
            print(f"| {size:,} | {quads:,} | {name} | {ox_med} | {ox_p95} | {rl_med} | {rl_p95} | {ratio} | {rows} |",
                  flush=True)
        del dataset, store
    return 0


if __name__ == "__main__":
    sys.exit(main())
