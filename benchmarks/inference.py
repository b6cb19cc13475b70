"""Benchmark: OWL 2 RL materialisation with owlrl (the reference) and with kg's fast path.

The corpus is the seed store with its article graphs replicated under renamed IRIs
(benchmarks/replicate.py) to 10, 1,000 and 10,000 articles; ontology and reference data once.
Every (engine, size) runs in a fresh process, so times and peak RSS are not polluted by the
previous run. Both engines' inferred triples go through the same filter (kg.infer.drop_reason); a
digest of the sorted N-Triples shows whether they agree. owlrl is skipped where its projected time
(from the previous size, assuming linear growth, which is optimistic) exceeds --owlrl-limit, and
killed if it runs longer.

    .venv/bin/python benchmarks/inference.py                 # 10, 1,000 and 10,000 articles
    .venv/bin/python benchmarks/inference.py --sizes 10 1000 --json out.json
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
FIXED_EPOCH = "1700000000"


def _work(engine: str, seed_store: str, copies: int) -> dict:
    """Run one engine on *copies* replicas of the seed articles (in this process); return the figures."""
    import pyoxigraph as ox

    from kg import infer
    from kg.export import inferred_graph_iri
    from replicate import replicated_quads

    inferred_graph = inferred_graph_iri()
    quads = [q for q in replicated_quads(ox.Store.read_only(seed_store), copies)
             if q.graph_name.value != inferred_graph]
    asserted = len({q.triple for q in quads})
    started = time.perf_counter()
    if engine == "fast":
        result = infer.materialise(quads)
        triples, rounds, seconds = set(result.triples), result.rounds, result.seconds
        derived, errors = result.derived, [str(c) for c in result.clashes]
    else:
        result = infer.owlrl_entailments(quads)
        triples, rounds, seconds, errors = result.triples, None, result.seconds, result.errors
        derived = len(result.triples) + sum(result.dropped.values())
    total = time.perf_counter() - started
    digest = hashlib.sha256("\n".join(sorted(map(str, triples))).encode()).hexdigest()
    return {"engine": engine, "copies": copies, "asserted": asserted, "inferred": len(triples),
            "derived_before_filter": derived, "seconds": round(seconds, 2), "seconds_with_input": round(total, 2),
            "rounds": rounds, "errors": errors, "digest": digest,
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}


def _run(engine: str, seed_store: Path, copies: int, timeout: float | None) -> dict | None:
    command = [sys.executable, __file__, "--worker", engine, str(seed_store), str(copies)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=True,
                              env={**os.environ, "PYTHONPATH": str(HERE)})
    except subprocess.TimeoutExpired:
        return None
    except subprocess.CalledProcessError as exc:
        raise SystemExit(f"{engine} on {copies} copies failed:\n{exc.stderr}") from None
    return json.loads(done.stdout.splitlines()[-1])


def _seed_store(directory: Path) -> tuple[Path, int]:
    """Build the seed store (asserted graphs only) with a fixed load time; return it and its article count."""
    os.environ["SOURCE_DATE_EPOCH"] = FIXED_EPOCH
    from kg import pipeline
    from kg.config import Project

    report = pipeline.build_store(Project.discover(), directory / "seed", infer=False)
    return directory / "seed", len(report.articles)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 1000, 10000], help="numbers of articles")
    parser.add_argument("--owlrl-limit", type=float, default=600.0, help="seconds owlrl may take per size")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON")
    parser.add_argument("--worker", nargs=3, metavar=("ENGINE", "STORE", "COPIES"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        engine, store, copies = args.worker
        print(json.dumps(_work(engine, store, int(copies))))
        return

    rows = []
    with tempfile.TemporaryDirectory(prefix="kg-infer-bench-") as tmp:
        seed, seed_articles = _seed_store(Path(tmp))
        owlrl_rate = None  # seconds per asserted triple at the previous size
        for articles in args.sizes:
            copies = max(1, round(articles / seed_articles))
            fast = _run("fast", seed, copies, None)
            rows.append({"articles": copies * seed_articles, **fast})
            print(_line(rows[-1]), flush=True)
            projected = owlrl_rate * fast["asserted"] if owlrl_rate else None
            if projected and projected > args.owlrl_limit:
                rows.append({"articles": copies * seed_articles, "engine": "owlrl", "asserted": fast["asserted"],
                             "skipped": f"projected {projected:,.0f} s > {args.owlrl_limit:,.0f} s"})
            else:
                reference = _run("owlrl", seed, copies, args.owlrl_limit + 120)
                if reference is None:
                    rows.append({"articles": copies * seed_articles, "engine": "owlrl", "asserted": fast["asserted"],
                                 "skipped": f"did not finish in {args.owlrl_limit + 120:,.0f} s"})
                else:
                    reference["equal"] = reference["digest"] == fast["digest"]
                    rows.append({"articles": copies * seed_articles, **reference})
                    owlrl_rate = reference["seconds"] / reference["asserted"]
            print(_line(rows[-1]), flush=True)
    print()
    print(_table(rows))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")


def _line(row: dict) -> str:
    return json.dumps({k: v for k, v in row.items() if k != "digest"})


def _table(rows: list[dict]) -> str:
    lines = ["| articles | asserted triples | engine | materialisation | with input | inferred (stored) | rounds | "
             "peak RSS | same as owlrl |",
             "|---:|---:|---|---:|---:|---:|---:|---:|---|"]
    for row in rows:
        if "skipped" in row:
            lines.append(f"| {row['articles']:,} | {row['asserted']:,} | {row['engine']} | skipped: {row['skipped']} "
                         f"| | | | | |")
            continue
        same = "yes" if row.get("equal") else ("no" if "equal" in row else "")
        lines.append(f"| {row['articles']:,} | {row['asserted']:,} | {row['engine']} | {row['seconds']:,.2f} s | "
                     f"{row['seconds_with_input']:,.2f} s | {row['inferred']:,} | {row['rounds'] or ''} | "
                     f"{row['peak_rss_mb']:,} MB | {same} |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
