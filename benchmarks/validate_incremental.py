"""Time to SHACL-validate one new article against a store of N articles: incremental vs full graph.

For each size N a synthetic corpus of N articles (``benchmarks/synth.py``, built and cached as N-Quads
by ``benchmarks/query_latency.py``, asserted graphs only) is written to a kg store on disk. The new
article is synthetic article N, the next one of the same corpus, so it refers to the same people,
organisations and places as the store.

* ``incremental``: ``kg.validate.validate_articles([new], inputs, store=store)``, what ``kg load`` and
  ``kg validate`` run: the new graph, the ontology and reference data, and the context the store holds
  about the new graph's nodes (one SPARQL query), in an in-memory Oxigraph dataset; pySHACL in a
  forked child within the validation budget (``kg.limits``). Median of ``--runs`` runs after a warm-up.
* ``full``: the baseline, pySHACL (same shapes, same options) over the whole store plus the new
  article, loaded into an in-memory Oxigraph dataset (loading time reported apart). One run. Skipped
  where a linear extrapolation from the previous size exceeds ``--baseline-limit`` seconds.

Usage::

    python benchmarks/validate_incremental.py [--sizes 10,1000,10000] [--runs 5] [--work /tmp/kg-bench-queries]
"""
from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import pyoxigraph as ox  # noqa: E402
from rdflib.namespace import SH  # noqa: E402

import query_latency  # noqa: E402
import synth  # noqa: E402
from kg import pipeline, rdfterms  # noqa: E402
from kg.config import Project  # noqa: E402
from kg.validate import _run_pyshacl, load_shapes, store_context, validate_articles  # noqa: E402


def new_article(size: int, seed: int, work: Path, inputs: pipeline.Inputs):
    """Synthetic article number *size* (the one after the corpus), checked and built."""
    key, data = list(synth.iter_articles(size + 1, seed))[-1]
    path = work / f"new-article-{size}-seed{seed}" / f"{key}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(synth.to_yaml(data), encoding="utf-8")
    return pipeline.prepare_articles([path], inputs)[0]


def cpu_seconds() -> float:
    """CPU time of this process and its finished children (validation runs in a forked child)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed(fn):
    """(result, wall seconds, CPU seconds) of ``fn()``; CPU time does not count waiting for a busy machine."""
    wall, cpu = time.perf_counter(), cpu_seconds()
    result = fn()
    return result, time.perf_counter() - wall, cpu_seconds() - cpu


def full_validation(corpus: Path, article, shapes) -> dict:
    """pySHACL over the whole store plus the new article: load and validation times, violations."""
    def load() -> ox.Store:
        data = ox.Store()
        data.bulk_load(path=str(corpus), format=ox.RdfFormat.N_QUADS)
        data.bulk_extend(rdfterms.parse_quads(article.nquads()))
        return data
    data, load_s, _ = timed(load)
    report, full_s, full_cpu = timed(lambda: _run_pyshacl(data, shapes))
    return {"load": load_s, "full": full_s, "full_cpu": full_cpu,
            "full_violations": sum(1 for _ in report.subjects(SH.resultSeverity, SH.Violation))}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10,1000,10000", help="store sizes in articles, comma-separated")
    parser.add_argument("--runs", type=int, default=5, help="incremental runs per size (median reported)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--work", type=Path, default=Path("/tmp/kg-bench-queries"),
                        help="cache of corpora and stores (shared with query_latency.py)")
    parser.add_argument("--baseline-limit", type=float, default=600,
                        help="skip the full-graph baseline where it would take longer than this (seconds)")
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    inputs = pipeline.Inputs.read(Project(ROOT))
    shapes = load_shapes(inputs.project.shapes_dir)
    rows, previous = [], None
    for size in [int(s) for s in args.sizes.split(",")]:
        corpus = query_latency.corpus(size, args.seed, args.work, infer=False)
        store = query_latency.oxigraph_store(corpus, args.work)
        article = new_article(size, args.seed, args.work, inputs)
        validate_articles([article], inputs, store=store)  # warm-up
        runs = [timed(lambda: validate_articles([article], inputs, store=store)) for _ in range(args.runs)]
        context, context_s, _ = timed(lambda: store_context(store, [article], inputs))
        row = {"size": size, "quads": len(store), "article": len(article), "context": len(context),
               "context_s": context_s, "incremental": statistics.median(r[1] for r in runs),
               "incremental_cpu": statistics.median(r[2] for r in runs),
               "violations": len(runs[-1][0].violations), "full": None}
        estimate = previous["full"] * size / previous["size"] if previous else 0
        if estimate > args.baseline_limit:
            row["skipped"] = estimate
        else:
            row.update(full_validation(corpus, article, shapes))
            previous = row
        rows.append(row)
        print(_line(row), file=sys.stderr)
    print(_table(rows))
    return 0


def _line(row: dict) -> str:
    full = f"{row['full']:.1f} s" if row["full"] is not None else f"skipped (≈{row['skipped']:.0f} s)"
    return f"  {row['size']} articles: incremental {row['incremental']:.3f} s, full {full}"


def _table(rows: list[dict]) -> str:
    lines = ["| articles in store | quads in store | new article (triples) | context (triples, lookup) | "
             "incremental: wall (CPU) | full graph: wall (CPU) | speed-up (wall) |",
             "|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        if r["full"] is None:
            full, speedup = f"skipped: ≈{r['skipped'] / 60:.0f} min extrapolated", "—"
        else:
            full = (f"{r['full']:.2f} s ({r['full_cpu']:.2f} s) + {r['load']:.1f} s loading, "
                    f"{r['full_violations']} violations")
            speedup = f"{r['full'] / r['incremental']:.0f}×"
        lines.append(f"| {r['size']:,} | {r['quads']:,} | {r['article']} | {r['context']}, "
                     f"{r['context_s'] * 1000:.0f} ms | {r['incremental']:.3f} s ({r['incremental_cpu']:.3f} s), "
                     f"{r['violations']} violations | {full} | {speedup} |")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
