"""Which embedded store? pyoxigraph (RocksDB) vs rdflib's stores, measured on the same data.

For each size the seed graph is replicated (benchmarks/replicate.py) to N-Quads, then each
candidate runs in its own subprocess (so peak memory is its own):

* ``oxigraph``   pyoxigraph.Store on disk: bulk load, reopen, cross-regional GROUP BY, replace one
                 article graph in one transaction;
* ``rdflib-bdb`` rdflib Dataset on the BerkeleyDB store (rdflib's own persistent store);
* ``rdflib-mem`` rdflib in-memory Dataset persisted as an N-Quads file (open = parse the file).

Usage: python benchmarks/store_choice.py [--sizes 10,100,1000] (sizes in copies of the 5 seed articles)
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

QUERY = """
SELECT ?v (COUNT(DISTINCT ?e) AS ?n) WHERE {
  GRAPH ?g { ?e <https://w3id.org/kg-pl-inclusion/ontology#inVoivodeship> ?v ;
                <http://schema.org/startDate> ?d }
} GROUP BY ?v ORDER BY ?v
"""


def make_data(copies: int, workdir: Path) -> tuple[Path, int, str]:
    import pyoxigraph as ox
    from kg import pipeline
    from kg.config import Project
    from replicate import replicated_quads
    seed = workdir / "seed"
    if not seed.exists():
        os.environ.setdefault("SOURCE_DATE_EPOCH", "1700000000")
        pipeline.build_store(Project.discover(), seed)
    store = ox.Store.read_only(str(seed))
    quads = list(replicated_quads(store, copies))
    path = workdir / f"data-{copies}.nq"
    ox.serialize(quads, str(path), format=ox.RdfFormat.N_QUADS)
    one_graph = next(q.graph_name.value for q in quads if "/graph/article/" in q.graph_name.value)
    return path, len(quads), one_graph


def run_oxigraph(data: Path, workdir: Path, graph: str) -> dict:
    import pyoxigraph as ox
    db = workdir / "ox"
    shutil.rmtree(db, ignore_errors=True)
    t = time.perf_counter()
    store = ox.Store(str(db))
    store.bulk_load(path=str(data), format=ox.RdfFormat.N_QUADS)
    store.flush()
    load = time.perf_counter() - t
    del store
    t = time.perf_counter()
    store = ox.Store(str(db))
    reopen = time.perf_counter() - t
    t = time.perf_counter()
    rows = list(store.query(QUERY))
    query = time.perf_counter() - t
    quads = [q for q in store.quads_for_pattern(None, None, None, ox.NamedNode(graph))]
    body = "\n".join(f"{q.subject} {q.predicate} {q.object} ." for q in quads)
    t = time.perf_counter()
    store.update(f"DROP GRAPH <{graph}> ; INSERT DATA {{ GRAPH <{graph}> {{ {body} }} }}")
    replace = time.perf_counter() - t
    size = sum(f.stat().st_size for f in db.rglob("*") if f.is_file())
    return dict(load=load, reopen=reopen, query=query, replace_graph=replace, rows=len(rows), disk_mb=size / 1e6)


def run_rdflib(data: Path, workdir: Path, graph: str, persistent: bool) -> dict:
    import rdflib
    from rdflib import URIRef
    t = time.perf_counter()
    if persistent:
        db = workdir / "bdb"
        shutil.rmtree(db, ignore_errors=True)
        ds = rdflib.Dataset(store="BerkeleyDB")
        ds.open(str(db), create=True)
        ds.parse(str(data), format="nquads")
        ds.close()
        load = time.perf_counter() - t
        t = time.perf_counter()
        ds = rdflib.Dataset(store="BerkeleyDB")
        ds.open(str(db), create=False)
        reopen = time.perf_counter() - t
    else:
        ds = rdflib.Dataset()
        ds.parse(str(data), format="nquads")
        out = workdir / "mem.nq"
        ds.serialize(str(out), format="nquads")
        load = time.perf_counter() - t
        t = time.perf_counter()
        ds = rdflib.Dataset()
        ds.parse(str(out), format="nquads")
        reopen = time.perf_counter() - t
    t = time.perf_counter()
    rows = list(ds.query(QUERY))
    query = time.perf_counter() - t
    g = ds.graph(URIRef(graph))
    triples = list(g)
    t = time.perf_counter()
    g.remove((None, None, None))
    for triple in triples:
        g.add(triple)
    if persistent:
        ds.commit() if hasattr(ds, "commit") else None
    replace = time.perf_counter() - t
    size = sum(f.stat().st_size for f in (workdir / ("bdb" if persistent else "mem.nq")).rglob("*")) if persistent \
        else (workdir / "mem.nq").stat().st_size
    return dict(load=load, reopen=reopen, query=query, replace_graph=replace, rows=len(rows), disk_mb=size / 1e6)


def child(engine: str, data: str, workdir: str, graph: str) -> None:
    data_path, work = Path(data), Path(workdir)
    if engine == "oxigraph":
        result = run_oxigraph(data_path, work, graph)
    else:
        result = run_rdflib(data_path, work, graph, persistent=(engine == "rdflib-bdb"))
    result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10,100,1000")
    parser.add_argument("--engines", default="oxigraph,rdflib-mem,rdflib-bdb")
    parser.add_argument("--timeout", type=int, default=900)
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    workdir = Path(tempfile.mkdtemp(prefix="kg-store-bench-"))
    print(f"{'copies':>7} {'quads':>9} {'engine':<11} {'load s':>8} {'reopen s':>9} {'query s':>8} "
          f"{'replace s':>9} {'disk MB':>8} {'peak MB':>8}")
    for copies in map(int, args.sizes.split(",")):
        data, n, graph = make_data(copies, workdir)
        baseline = None
        for engine in args.engines.split(","):
            try:
                out = subprocess.run([sys.executable, __file__, "--child", engine, str(data), str(workdir), graph],
                                     capture_output=True, text=True, timeout=args.timeout)
                r = json.loads(out.stdout.strip().splitlines()[-1])
            except subprocess.TimeoutExpired:
                print(f"{copies:>7} {n:>9} {engine:<11} did not finish in {args.timeout} s")
                continue
            except (json.JSONDecodeError, IndexError):
                print(f"{copies:>7} {n:>9} {engine:<11} failed: {out.stderr.strip().splitlines()[-1:]}")
                continue
            baseline = baseline or r
            print(f"{copies:>7} {n:>9} {engine:<11} {r['load']:8.2f} {r['reopen']:9.3f} {r['query']:8.3f} "
                  f"{r['replace_graph']:9.4f} {r['disk_mb']:8.1f} {r['peak_mb']:8.0f}", flush=True)
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
